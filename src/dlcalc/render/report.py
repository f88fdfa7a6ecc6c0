"""A format-neutral report: titled tables of text cells, numbered notes and a summary.

Each command turns its result into a :class:`Report`; the printers in
:mod:`dlcalc.render.formats` turn a report into Rich, plain text, Markdown, LaTeX or CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple


class Column(NamedTuple):
    header: str
    align: Literal["left", "right"] = "left"


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[str]] = field(default_factory=list)
    title: str | None = None
    footer: list[list[str]] = field(default_factory=list)
    """Rows set apart below the others (totals)."""


@dataclass
class Report:
    title: str
    meta: list[str] = field(default_factory=list)
    """Lines under the title: the source, the convention used."""
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Numbered notes that rows refer to as [1], [2], ..."""
    summary: list[tuple[str, str]] = field(default_factory=list)
    records: Table | None = None
    """One flat table with every value, for CSV (defaults to the first table)."""
    figures: list[tuple[str, list[str]]] = field(default_factory=list)
    """Text drawings (plots) with their titles, printed after the tables."""
    latex: list[str] = field(default_factory=list)
    """Equations for LaTeX's align* (left side, right side), printed instead of the tables."""


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
