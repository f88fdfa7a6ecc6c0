"""The options every command shares (the output format, the file, the digits), defined once."""

from __future__ import annotations

from enum import Enum

import typer


class OutputFormat(str, Enum):
    rich = "rich"
    plain = "plain"
    markdown = "markdown"
    latex = "latex"
    csv = "csv"
    json = "json"
    html = "html"


STANDALONE_OPTION = typer.Option(
    False,
    "--standalone",
    help="With --format latex: a complete document (preamble included) for pdflatex.",
)
FORMAT_OPTION = typer.Option(
    None,
    "--format",
    "-f",
    metavar="FORMAT",
    help="rich, plain, markdown, latex, csv, json or html \\[default: rich on a terminal, "
    "plain when piped]. json is a stable interface for scripts.",
    show_default=False,
)


OUTPUT_OPTION = typer.Option(
    None,
    "--output",
    "-o",
    metavar="FILE",
    help="Write to FILE (all or nothing) instead of standard output; the format from its "
    "suffix (.json .tex .md .csv .html .txt) unless -f is given.",
)
PLOT_FILE_OPTION = typer.Option(None, "--plot-file", metavar="FILE", hidden=True)
"""``--plot FILE.svg``, as :func:`_plot_files` rewrites it (``--plot`` alone is a flag)."""


DIGITS_OPTION = typer.Option(
    6,
    "--digits",
    metavar="N",
    help="Significant digits shown, 1 to 17 (past 12 the values are computed at 40 digits).",
)


def examples(*commands: str) -> str:
    """A help epilog: the examples, one a paragraph (Rich keeps them apart)."""
    return "Examples:\n\n" + "\n\n".join(f"$ {command}" for command in commands)
