"""Writing a report's cells in a format: text as it is (or escaped), mathematics by the format's
printer. One writer for every format, so that a cell reads the same everywhere."""

from __future__ import annotations

from collections.abc import Callable

from dlcalc.render.report import Cell, Math, Maths
from dlcalc.steps.printer import Printer


def cell_writer(
    printer: Printer,
    escape: Callable[[str], str] = str,
    wrap: Callable[[str], str] = str,
    since: str = " since ",
) -> Callable[[Cell], str]:
    """A cell writer: ``escape`` for text, ``wrap`` around mathematics (``$…$`` for LaTeX),
    ``since`` before a rule's condition (``ReLU′(0.5) = 1 since x > 0``)."""

    def math(cell: Math) -> str:
        written = ""
        if cell.parts:
            formula = printer.chain(cell.parts)
            if cell.condition is not None:
                formula += since + printer.print(cell.condition)
            written = wrap(formula)
        if cell.label:
            written = f"{escape(cell.label)}: {written}"
        if cell.words:
            written = f"{written} {escape(cell.words)}" if written else escape(cell.words)
        return written

    def write(cell: Cell) -> str:
        if isinstance(cell, str):
            return escape(cell)
        if isinstance(cell, Maths):
            return "; ".join(math(item) for item in cell.items)
        return math(cell)

    return write
