"""Printing a :class:`Report` as Rich tables, plain text, Markdown, LaTeX or CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Callable
from typing import Any, Literal, TextIO

from dlcalc.render.report import Report, Table

Format = Literal["rich", "plain", "markdown", "latex", "csv", "json"]
FORMATS: tuple[Format, ...] = ("rich", "plain", "markdown", "latex", "csv", "json")


def choose_format(requested: str | None, stream: TextIO) -> Format:
    """The requested format, or Rich on a terminal and plain text when piped."""
    if requested:
        return requested  # type: ignore[return-value]
    return "rich" if stream.isatty() else "plain"


def emit(report: Report, fmt: Format, stream: TextIO | None = None) -> None:
    """Print ``report`` in ``fmt`` (JSON is printed from the result, by :func:`emit_json`)."""
    out = stream or sys.stdout
    if fmt == "rich":
        _rich(report, out)
    else:
        out.write(_PRINTERS[fmt](report))


def emit_json(data: dict[str, Any], stream: TextIO | None = None) -> None:
    (stream or sys.stdout).write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _rows_with_footer(table: Table) -> list[list[str]]:
    return table.rows + table.footer


def _plain(report: Report) -> str:
    lines = [report.title, *report.meta]
    for table in report.tables:
        lines.append("")
        if table.title:
            lines.append(table.title)
        lines += _plain_table(table)
    lines += _plain_tail(report)
    return "\n".join(lines) + "\n"


def _plain_table(table: Table) -> list[str]:
    cells = [[c.header for c in table.columns], *_rows_with_footer(table)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.columns))]

    def line(row: list[str]) -> str:
        parts = [
            cell.rjust(width) if column.align == "right" else cell.ljust(width)
            for cell, width, column in zip(row, widths, table.columns)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    out = [line(cells[0]), rule, *(line(row) for row in table.rows)]
    if table.footer:
        out += [rule, *(line(row) for row in table.footer)]
    return out


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
        lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in table.rows]
        lines += [
            "| " + " | ".join(f"**{_md(cell)}**" if cell else "" for cell in row) + " |"
            for row in table.footer
        ]
    if report.notes:
        lines += ["", "Notes:", ""]
        lines += [f"{i}. {_md(note)}" for i, note in enumerate(report.notes, start=1)]
    if report.summary:
        lines.append("")
        lines += [f"- **{label}**: {_md(value)}" for label, value in report.summary]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*")


_LATEX_SYMBOLS = {
    "·": r"$\cdot$",
    "−": "$-$",
    "×": r"$\times$",
    "⌊": r"$\lfloor$",
    "⌋": r"$\rfloor$",
    "⌈": r"$\lceil$",
    "⌉": r"$\rceil$",
    "γ": r"$\gamma$",
    "β": r"$\beta$",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "…": r"\ldots{}",
    "→": r"$\to$",
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_TABLE = str.maketrans(_LATEX_SYMBOLS)


def latex_text(text: str) -> str:
    """``text`` with LaTeX's special characters escaped and the math symbols typeset."""
    return text.translate(_LATEX_TABLE)


def _latex(report: Report) -> str:
    lines = [f"\\section*{{{latex_text(report.title)}}}"]
    lines += [f"{latex_text(meta)}\\\\" for meta in report.meta]
    for table in report.tables:
        spec = "".join("r" if c.align == "right" else "l" for c in table.columns)
        if table.title:
            lines.append(f"\\subsection*{{{latex_text(table.title)}}}")
        lines += [f"\\begin{{tabular}}{{{spec}}}", "\\hline"]
        lines.append(" & ".join(latex_text(c.header) for c in table.columns) + " \\\\ \\hline")
        lines += [" & ".join(latex_text(cell) for cell in row) + " \\\\" for row in table.rows]
        if table.footer:
            lines.append("\\hline")
            lines += [
                " & ".join(latex_text(cell) for cell in row) + " \\\\" for row in table.footer
            ]
        lines += ["\\hline", "\\end{tabular}", ""]
    if report.notes:
        lines.append("\\begin{enumerate}")
        lines += [f"  \\item {latex_text(note)}" for note in report.notes]
        lines.append("\\end{enumerate}")
    if report.summary:
        lines.append("\\begin{description}")
        lines += [
            f"  \\item[{latex_text(label)}] {latex_text(value)}" for label, value in report.summary
        ]
        lines.append("\\end{description}")
    return "\n".join(lines) + "\n"


def _csv(report: Report) -> str:
    table = report.records or report.tables[0]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.header for c in table.columns])
    writer.writerows(_rows_with_footer(table))
    return buffer.getvalue()


_PRINTERS: dict[str, Callable[[Report], str]] = {
    "plain": _plain,
    "markdown": _markdown,
    "latex": _latex,
    "csv": _csv,
}


def _rich(report: Report, stream: TextIO) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table as RichTable

    console = Console(file=stream, no_color="NO_COLOR" in os.environ, highlight=False)
    console.print(f"[bold]{_escape(report.title)}[/bold]")
    for meta in report.meta:
        console.print(_escape(meta), style="dim")
    for table in report.tables:
        rich_table = RichTable(
            title=table.title, box=box.SIMPLE_HEAD, title_justify="left", show_footer=False
        )
        for column in table.columns:
            rich_table.add_column(column.header, justify=column.align, overflow="fold")
        for row in table.rows:
            rich_table.add_row(*(_escape(cell) for cell in row))
        if table.footer:
            rich_table.add_section()
        for row in table.footer:
            rich_table.add_row(*(_escape(cell) for cell in row), style="bold")
        console.print(rich_table)
    for line in _plain_tail(report):
        console.print(_escape(line))


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)
