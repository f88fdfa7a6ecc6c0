"""A format-neutral report: titled tables of text cells, numbered notes and a summary.

Each command turns its result into a :class:`Report`; the printers in
:mod:`dlcalc.render.formats` turn a report into Rich, plain text, Markdown, LaTeX or CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from dlcalc.steps.expr import Expr


@dataclass(frozen=True)
class Math:
    """Mathematics in a cell or a line: formulas joined by ``=``, then the condition that
    selects the rule (``x > 0``) and words (``by convention``). Each printer writes it in its
    own notation, with the report's digits."""

    parts: tuple[Expr, ...]
    condition: Expr | None = None
    words: str = ""
    label: str = ""
    """Written before the mathematics: ``H: …``."""


@dataclass(frozen=True)
class Maths:
    """Several pieces of mathematics in one cell, joined by ``; `` (a shape's axes)."""

    items: tuple[Math, ...]


Cell = str | Math | Maths


class Column(NamedTuple):
    header: str
    align: Literal["left", "right"] = "left"


@dataclass
class Table:
    columns: list[Column]
    rows: list[Sequence[Cell]] = field(default_factory=list)
    title: str | None = None
    footer: list[Sequence[Cell]] = field(default_factory=list)
    """Rows set apart below the others (totals)."""


@dataclass
class Report:
    title: str
    meta: Sequence[Cell] = field(default_factory=list)
    """Lines under the title: the source, the convention used."""
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Numbered notes that rows refer to as [1], [2], ..."""
    summary: Sequence[tuple[str, Cell]] = field(default_factory=list)
    records: Callable[[], Table] | None = None
    """One flat table with every value, for CSV (defaults to the first table); made only when
    CSV is printed."""
    figures: list[tuple[str, list[str]]] = field(default_factory=list)
    """Text drawings (plots) with their titles, printed after the tables."""
    pictures: list[tuple[str, Callable[[Path], None]]] = field(default_factory=list)
    """The same plots as pictures: each a caption and what draws it into a file (``.svg``);
    the HTML page shows them in place of the text drawings where matplotlib is installed."""
    latex: list[Math] = field(default_factory=list)
    """A derivation, one equation per line, that LaTeX prints instead of the tables."""
    digits: int = 6
    """Significant digits of every computed number in :class:`Math` cells."""


def resolve(report: Report, write: Callable[[Cell], str]) -> Report:
    """The report with every cell written as text by ``write`` (a format's cell printer)."""

    def table(t: Table) -> Table:
        return replace(
            t,
            rows=[[write(c) for c in row] for row in t.rows],
            footer=[[write(c) for c in row] for row in t.footer],
        )

    return replace(
        report,
        meta=[write(m) for m in report.meta],
        tables=[table(t) for t in report.tables],
        summary=[(label, write(value)) for label, value in report.summary],
        records=_resolved(report.records, table),
    )


class NoteIndex:
    """Numbers distinct notes in order of first use, so repeated notes are printed once."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self._numbers: dict[str, int] = {}

    def refs(self, notes: tuple[str, ...] | list[str]) -> str:
        numbers = []
        for note in notes:
            if note not in self._numbers:
                self.notes.append(note)
                self._numbers[note] = len(self.notes)
            numbers.append(self._numbers[note])
        return " ".join(f"[{n}]" for n in numbers)


def _resolved(
    records: Callable[[], Table] | None, table: Callable[[Table], Table]
) -> Callable[[], Table] | None:
    """The records, written by ``table`` when they are made."""
    if records is None:
        return None
    made = records
    return lambda: table(made())
