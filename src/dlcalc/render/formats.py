"""Printing a :class:`Report` as Rich tables, plain text, Markdown, LaTeX, CSV or HTML."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Literal, TextIO, cast

from dlcalc.render.cells import cell_writer
from dlcalc.render.latex import document, latex_report
from dlcalc.render.report import Cell, Column, Report, Table, resolve
from dlcalc.steps.text import TextPrinter

Format = Literal["rich", "plain", "markdown", "latex", "csv", "json", "html"]


def choose_format(requested: str | None, stream: TextIO) -> Format:
    """The requested format, or Rich on a terminal and plain text when piped."""
    if requested:
        return requested  # type: ignore[return-value]
    return "rich" if stream.isatty() else "plain"


def emit(
    report: Report, fmt: Format, stream: TextIO | None = None, standalone: bool = False
) -> None:
    """Print ``report`` in ``fmt`` (JSON is printed from the result, by :func:`emit_json`);
    ``standalone``: LaTeX as a whole document."""
    out = stream or sys.stdout
    if fmt == "rich":
        _rich(resolve(report, text_cell(report.digits)), out)
    elif standalone:
        out.write(document(render(report, fmt)))
    else:
        out.write(render(report, fmt))


def render(report: Report, fmt: Format) -> str:
    """``report`` as text in a format other than Rich."""
    if fmt == "latex":
        return latex_report(report)
    if fmt == "html":
        from dlcalc.render.html import html_page

        return html_page(report)
    return _PRINTERS[fmt](resolve(report, text_cell(report.digits)))


def markdown_with_latex(report: Report) -> str:
    """Markdown whose mathematics is LaTeX in ``$…$`` (for Jupyter, which typesets it)."""
    from dlcalc.render.latex import SINCE, InlinePrinter

    write = cell_writer(InlinePrinter(report.digits), wrap=lambda text: f"${text}$", since=SINCE)
    return _markdown(resolve(report, write))


def text_cell(digits: int) -> Callable[[Cell], str]:
    """Writes a cell as Unicode text: ``ReLU′(0.5) = 1 since x > 0``."""
    return cell_writer(TextPrinter(digits))


def emit_json(data: dict[str, Any], stream: TextIO | None = None) -> None:
    """JSON, with escapes (``\\u03c3``) where the stream cannot encode Unicode."""
    from dlcalc.render.encoding import encodes_unicode

    out = stream or sys.stdout
    out.write(json_text(data, ascii_only=not encodes_unicode(out)))


_NEGATIVE_ZERO = re.compile(r"-0\.0(?![\d.eE])")


def _beyond_float(value: Any) -> float:
    """A Decimal beyond a float64's range (a probability of 10^−448) as JSON's nearest number:
    0.0 (the text says what it is)."""
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _finite(value: Any) -> Any:
    """The data with every value that is not a finite number as null: JSON (RFC 8259) has no
    NaN or Infinity (the text of the working says "undefined" or "∞")."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return _finite(float(value))
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def json_text(data: dict[str, Any], ascii_only: bool = False) -> str:
    """JSON with one top-level key a line and one list item (a layer, a step) a line.

    Each piece goes through the C encoder (``indent`` would select the slow Python one).
    """

    def dump(value: Any) -> str:
        try:
            written = json.dumps(
                value, ensure_ascii=ascii_only, default=_beyond_float, allow_nan=False
            )
        except ValueError:  # a NaN or an infinity somewhere in it (rare): as null
            written = json.dumps(_finite(value), ensure_ascii=ascii_only, allow_nan=False)
        return _NEGATIVE_ZERO.sub("0.0", written)

    def member(key: str, value: Any) -> str:
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n".join(f"    {dump(item)}" for item in value)
            return f"  {dump(key)}: [\n{items}\n  ]"
        return f"  {dump(key)}: {dump(value)}"

    return "{\n" + ",\n".join(member(k, v) for k, v in data.items()) + "\n}\n"


def _rows_with_footer(table: Table) -> list[list[str]]:
    return _written_rows(table.rows + table.footer)


def _written(cells: Sequence[Cell]) -> list[str]:
    """The cells of a resolved report, every one already written as text."""
    return cast("list[str]", list(cells))


def _written_rows(rows: Sequence[Sequence[Cell]]) -> list[list[str]]:
    return [_written(row) for row in rows]


def _plain(report: Report) -> str:
    lines = [report.title, *_written(report.meta)]
    for table in report.tables:
        lines.append("")
        if table.title:
            lines.append(table.title)
        lines += [text for text, _ in layout_table(table)]
    for title, drawing in report.figures:
        lines += ["", title, *drawing]
    lines += _plain_tail(report)
    return "\n".join(lines) + "\n"


Role = Literal["header", "rule", "row", "footer"]


BOXED = (" │ ", "─┼─", "─")
"""Rich's look (its MINIMAL box): columns between lines, the header ruled off with crosses."""
SPACED = ("  ", "  ", "-")
"""Plain text: columns two spaces apart, the header ruled off with dashes."""


def layout_table(
    table: Table, max_width: int | None = None, box: tuple[str, str, str] = SPACED
) -> list[tuple[str, Role]]:
    """The table as aligned text lines, each with its role (for styling), its columns apart
    as ``box`` says (between cells, between rules, the rule's character).

    With ``max_width``, the widest left-aligned columns are narrowed and their cells wrapped
    at spaces until the table fits (never below their longest word).
    """
    between, crossing, line = box
    columns = table.columns
    cells = [[c.header for c in columns], *_written_rows(table.rows + table.footer)]
    widths = [max(columns_of(row[i]) for row in cells) for i in range(len(columns))]
    if max_width is not None:
        floors = _floors(cells, columns)
        groups = _fold(floors, max_width, len(between))
        if len(groups) > 1:  # too wide even narrowed: the columns in parts, the first in each
            folded: list[tuple[str, Role]] = []
            for group in groups:
                part = Table(
                    [columns[i] for i in group],
                    [[row[i] for i in group] for row in table.rows],
                    footer=[[row[i] for i in group] for row in table.footer],
                )
                folded += [("", "row")] if folded else []
                folded += layout_table(part, max_width, box)
            return folded
        _narrow(widths, floors, max_width - len(between) * (len(columns) - 1))

    def lines_of(row: list[str], role: Role) -> list[tuple[str, Role]]:
        wrapped = [wrap_cell(cell, width) for cell, width in zip(row, widths)]
        out = []
        for index in range(max(len(parts) for parts in wrapped)):
            parts = [p[index] if index < len(p) else "" for p in wrapped]
            text = between.join(
                _pad(part, width, column.align == "right")
                for part, width, column in zip(parts, widths, columns)
            )
            out.append((text.rstrip(), role))
        return out

    rule: tuple[str, Role] = (crossing.join(line * w for w in widths), "rule")
    result = [*lines_of(cells[0], "header"), rule]
    for row in _written_rows(table.rows):
        result += lines_of(row, "row")
    if table.footer:
        result.append(rule)
        for row in _written_rows(table.footer):
            result += lines_of(row, "footer")
    return result


COMBINING = re.compile("[\u0300-\u036f]")


def columns_of(text: str) -> int:
    """How many columns a text takes in a terminal: a combining accent (m̂) takes none."""
    if text.isascii() or not COMBINING.search(text):
        return len(text)
    return len(text) - len(COMBINING.findall(text))


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - columns_of(text))
    return space + text if right else text + space


def wrap_cell(text: str, width: int) -> list[str]:
    """A cell's lines at most ``width`` wide: a working breaks before its ``=`` signs first
    (``σ(0.5) = 1/(1 + e^(−0.5))`` / ``= 1/(1 + 0.606531)``), and at spaces only where one
    stage is wider than the column."""
    if columns_of(text) <= width:
        return [text]
    lines: list[str] = []
    current = ""
    for index, piece in enumerate(text.split(" = ")):
        part = piece if index == 0 else f"= {piece}"
        joined = f"{current} {part}" if current else part
        if columns_of(joined) <= width:
            current = joined
            continue
        if current:
            lines.append(current)
        broken = _hanging(part, width) if index else _broken(part, width)
        lines += broken[:-1]
        current = broken[-1]
    return [*lines, current] if current else lines or [""]


HANG = "  "
"""The indent of a stage's continued lines (``= 0.4·0.59327 +`` / ``  0.45·0.596884``)."""


def _hanging(part: str, width: int) -> list[str]:
    """A stage (``= …``) broken to ``width``, its continued lines indented where its words
    still fit."""
    first, *rest = _broken(part, width)
    words = max(columns_of(word) for word in part.split(" "))
    if not rest or words > width - len(HANG) or not part.startswith(first):
        return [first, *rest]
    rest = _broken(part[len(first) :].lstrip(), width - len(HANG))
    return [first, *(HANG + line for line in rest)]


def _broken(part: str, width: int) -> list[str]:
    """A stage wider than its column, broken at its spaces; a word is broken after a product's
    ``·`` only where it is wider than the column or would leave an ``=`` alone on its line
    (``= ∂E/∂out_o1·`` / ``∂out_o1/∂net_o1``)."""
    lines: list[str] = []
    current = ""
    for word in part.split(" "):
        joined = f"{current} {word}" if current else word
        if columns_of(joined) <= width:
            current = joined
            continue
        alone = current in ("=", "+", "−")
        if not alone:
            if current:
                lines.append(current)
            current = ""
            if columns_of(word) <= width:
                current = word
                continue
        for chunk in re.findall(r"[^·]*·|[^·]+$", word) or [word]:
            spaced = f"{current} {chunk}" if current in ("=", "+", "−") else current + chunk
            if current and columns_of(spaced) > width:
                lines.append(current)
                spaced = chunk
            current = spaced
    return [*lines, current]


def _floors(cells: list[list[str]], columns: Sequence[Column]) -> list[int]:
    """How narrow each column can be: its longest word, or its widest number (never broken)."""
    return [
        max((columns_of(word) for row in cells for word in row[i].split()), default=1)
        if column.align == "left"
        # a number is never broken; its header may be, at a space
        else max([columns_of(row[i]) for row in cells[1:]] + [len(w) for w in cells[0][i].split()])
        for i, column in enumerate(columns)
    ]


def _fold(floors: list[int], width: int, gap: int) -> list[list[int]]:
    """The columns in groups that fit ``width`` at their narrowest (``gap`` apart), the first
    column (what a row is) at the head of each group; one group where the whole table fits."""
    groups: list[list[int]] = [[0]]
    used = floors[0]
    for i in range(1, len(floors)):
        if used + gap + floors[i] > width and len(groups[-1]) > 1:
            groups.append([0])
            used = floors[0]
        groups[-1].append(i)
        used += gap + floors[i]
    return groups


def _narrow(widths: list[int], floors: list[int], room: int) -> None:
    while sum(widths) > room:
        slack = [w - f for w, f in zip(widths, floors)]
        widest = max(range(len(widths)), key=lambda i: (slack[i] > 0, widths[i]))
        if slack[widest] <= 0:
            return
        widths[widest] -= 1


def _plain_tail(report: Report) -> list[str]:
    lines: list[str] = []
    if report.notes:
        lines += ["", "Notes:"]
        lines += [f"  [{i}] {note}" for i, note in enumerate(report.notes, start=1)]
    if report.summary:
        lines.append("")
        width = max(len(label) for label, _ in report.summary)
        lines += [f"{label.ljust(width)}  {value}" for label, value in report.summary]
    return lines


def _markdown(report: Report) -> str:
    lines = [f"## {report.title}", ""]
    lines += [f"{meta}  " for meta in report.meta]
    for table in report.tables:
        lines.append("")
        if table.title:
            lines += [f"### {table.title}", ""]
        lines.append("| " + " | ".join(_md(c.header) for c in table.columns) + " |")
        lines.append(
            "|" + "|".join("---:" if c.align == "right" else "---" for c in table.columns) + "|"
        )
        rows, footer = _written_rows(table.rows), _written_rows(table.footer)
        lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
        lines += [
            "| " + " | ".join(f"**{_md(cell)}**" if cell else "" for cell in row) + " |"
            for row in footer
        ]
    for title, drawing in report.figures:
        lines += ["", f"### {_md(title)}", "", "```text", *drawing, "```"]
    if report.notes:
        lines += ["", "Notes:", ""]
        lines += [f"{i}. {_md(note)}" for i, note in enumerate(report.notes, start=1)]
    if report.summary:
        lines.append("")
        lines += [f"- **{label}**: {_md(str(value))}" for label, value in report.summary]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*")


def _csv(report: Report) -> str:
    table = report.records() if report.records else report.tables[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in table.columns])
    writer.writerows(
        [_NEGATIVE_ZERO.sub("0.0", cell) for cell in row] for row in _rows_with_footer(table)
    )
    return buffer.getvalue()


_PRINTERS: dict[str, Callable[[Report], str]] = {
    "plain": _plain,
    "markdown": _markdown,
    "csv": _csv,
}


def _fill(line: str, width: int, indent: str = "") -> str:
    """A line of words wrapped at spaces to the terminal's width (a note's lines indented)."""
    if columns_of(line) <= width:
        return line
    import textwrap

    return textwrap.fill(line, width, subsequent_indent=indent, break_on_hyphens=False)


MARKED_GIVEN = re.compile(
    r"^(?:✓ │ [^│\n]*│ +(?P<green>[^ │\n]+)|✗ │ [^│\n]*│ +(?P<red>[^ │\n]+))", re.MULTILINE
)
"""The value a student gave, in the row ``check`` marked ✓ or ✗ (its third column)."""

_STYLES: dict[str, str] = {"header": "bold cyan", "rule": "dim", "row": "", "footer": "bold"}


def _rich(report: Report, stream: TextIO) -> None:
    """The same layout as plain text, styled, and wrapped to the terminal's width.

    Rich's own Table measures every cell several times, which costs about 0.3 s on a
    ResNet-50; laying the table out here keeps a large report fast.
    """
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, no_color="NO_COLOR" in os.environ, highlight=False)
    text = Text()
    width = console.width
    text.append(_fill(report.title, width) + "\n", style="bold")
    for meta in _written(report.meta):
        text.append(_fill(meta, width) + "\n", style="dim")
    for table in report.tables:
        text.append("\n")
        if table.title:
            text.append(_fill(table.title, width) + "\n", style="bold underline")
        for line, role in layout_table(table, console.width, BOXED):
            text.append(line, style=_STYLES[role])
            text.append("\n")
    for title, drawing in report.figures:
        text.append("\n" + title + "\n", style="bold underline")
        for line in drawing:
            text.append(line + "\n", style="cyan")
    text.highlight_words(["│"], "dim")
    text.highlight_words(["✓"], "bold green")  # check's marks: right and wrong
    text.highlight_words(["✗"], "bold red")
    text.highlight_regex(MARKED_GIVEN, style_prefix="")  # and the answer given beside each
    for line in _plain_tail(report):
        note = line.startswith("  [")
        text.append(
            _fill(line, width, "      " if note else "") + "\n", style="dim" if note else ""
        )
    console.print(text, end="", no_wrap=True, overflow="ignore", crop=False, soft_wrap=True)
