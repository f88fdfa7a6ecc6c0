"""Reports as LaTeX: text escaped, mathematics typeset, tables that fit an A4 page.

Every report compiles with pdflatex in :data:`PREAMBLE` (``--standalone`` prints the whole
document). A table is a ``longtable`` (so it breaks across pages); its wide columns get a
paragraph width in which the working wraps at its ``=`` and ``+`` signs, and a table with more
columns than a page can hold is split into parts that each repeat the first column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

from dlcalc.render.cells import cell_writer
from dlcalc.render.math_latex import GREEK, LatexPrinter
from dlcalc.render.report import Cell, Column, Maths, Report, Table, resolve
from dlcalc.steps.expr import Add, Call, Div, Expr, Mul, Neg, Num, Pow
from dlcalc.steps.printer import POWER, PRODUCT, precedence
from dlcalc.steps.text import TextPrinter

PREAMBLE = r"""\documentclass[a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage[utf8]{inputenc}
\usepackage[margin=2cm]{geometry}
\usepackage{amsmath,amssymb,array,longtable}
\setlength{\LTleft}{0pt}
\setlength{\LTright}{0pt plus 1fill}
\sloppy
"""
"""What a document needs around dlcalc's LaTeX (``--standalone`` includes it)."""

LINE = 100
"""Characters of table text that fit across the text width in ``\\footnotesize`` (an
estimate: columns are given fractions of the width in proportion to it)."""
GAP = 3
"""A column's padding, in characters."""
MIN_COLUMN = 10
"""The narrowest a wrapped column is made, in characters."""


def document(body: str) -> str:
    return f"{PREAMBLE}\\begin{{document}}\n{body}\\end{{document}}\n"


_TEXT_SYMBOLS = {
    **{letter: f"${command}$" for letter, command in GREEK.items()},
    "·": r"$\cdot$",
    "−": "$-$",
    "×": r"$\times$",
    "⌊": r"$\lfloor$",
    "⌋": r"$\rfloor$",
    "⌈": r"$\lceil$",
    "⌉": r"$\rceil$",
    "≥": r"$\geq$",
    "≤": r"$\leq$",
    "≈": r"$\approx$",
    "…": r"\ldots{}",
    "→": r"$\to$",
    "←": r"$\leftarrow$",
    "✓": r"$\checkmark$",
    "✗": r"$\times$",
    "●": r"$\bullet$",
    "∂": r"$\partial$",
    "½": r"$\frac{1}{2}$",
    "′": r"$'$",
    "√": r"$\surd$",
    "²": r"$^2$",
    "⁺": r"$^{+}$",
    "³": r"$^3$",
    "ᵢ": r"$_i$",
    "ḡ": r"$\bar{g}$",
    "‖": r"$\|$",
    "±": r"$\pm$",
    **{chr(0x2080 + d): f"$_{d}$" for d in range(10)},
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
    "'": r"\textquotesingle{}",
    "/": r"/\allowbreak{}",
}
_TEXT_TABLE = str.maketrans(_TEXT_SYMBOLS)


def latex_text(text: str) -> str:
    """``text`` with LaTeX's special characters escaped and the math symbols typeset."""
    # a letter with a combining hat (m̂) is one symbol: set it aside before escaping
    text = re.sub(r"(\w)\u0302", "\x00\\1", text)
    # "--" would typeset as a dash: keep option names such as --convention as written
    escaped = text.translate(_TEXT_TABLE).replace("--", "-{}-")
    # the hatted letter may have become math itself ($\varepsilon$): hat what is inside
    return re.sub("\x00(?:\\$([^$]+)\\$|(.))", r"$\\hat{\1\2}$", escaped)


LONG_FRACTION = 160
"""A fraction longer than this (in LaTeX) is written with a slash: it could not break."""


class InlinePrinter(LatexPrinter):
    """Mathematics inside a line or a table cell: plain parentheses, so that a long working
    can break inside them; a fraction inside a fraction or an exponent with a slash, and a
    power in an exponent as ``\\exp(…)``, as typesetting has it (``\\frac{1}{1 + e^{-3/5}}``),
    so that a closed form stays legible."""

    def __init__(self, digits: int = 6) -> None:
        super().__init__(digits)
        self._fractions = 0
        self._exponents = 0

    def paren(self, text: str) -> str:
        return f"({text})"

    def _div(self, node: Div) -> str:
        if self._fractions or self._exponents:
            return f"{self.wrap(node.num, PRODUCT)}/{self.wrap(node.den, POWER)}"
        self._fractions += 1
        try:
            top, bottom = self.print(node.num), self.print(node.den)
        finally:
            self._fractions -= 1
        if len(top) + len(bottom) <= LONG_FRACTION:
            return rf"\frac{{{top}}}{{{bottom}}}"
        # too long to stand as one fraction: a slash, so that the line can break
        top = self.paren(top) if precedence(node.num) < PRODUCT else top
        return f"{top}/{self.paren(bottom) if precedence(node.den) < POWER else bottom}"

    def _pow(self, node: Pow) -> str:
        return self._in_exponent(super()._pow, node)

    def _call(self, node: Call) -> str:
        if node.name != "exp":
            return super()._call(node)
        if self._exponents and node.args[0] != Num(1):  # a power in a power: breakable
            return rf"\exp({self._in_exponent(self.print, node.args[0])})"
        return self._in_exponent(super()._call, node)

    def _num(self, node: Num) -> str:
        value = node.value
        nested = self._fractions or self._exponents
        if nested and isinstance(value, Fraction) and value.denominator != 1:
            return f"{value.numerator}/{value.denominator}".replace("-", self.negative)
        return super()._num(node)

    def _in_exponent(self, write: Callable[[Any], str], node: Expr) -> str:
        self._exponents += 1
        try:
            return write(node)
        finally:
            self._exponents -= 1


SINCE = r"\quad\text{since }"


def latex_cell(digits: int) -> Callable[[Cell], str]:
    """Writes a cell as LaTeX: text escaped, mathematics in ``$…$``."""
    return cell_writer(InlinePrinter(digits), latex_text, lambda text: f"${text}$", since=SINCE)


def latex_report(report: Report) -> str:
    """The report's LaTeX (the body of a document in :data:`PREAMBLE`)."""
    from dlcalc.render.formats import text_cell

    written = resolve(report, latex_cell(report.digits))
    plain = resolve(report, text_cell(report.digits))  # to measure the columns
    lines = [f"\\section*{{{latex_text(report.title)}}}"]
    lines += [f"{meta}\\\\" for meta in written.meta]  # type: ignore[str-bytes-safe]
    # each equation a paragraph of its own, so that a long one breaks at its signs
    write = latex_cell(report.digits)
    for line in report.latex:  # a labelled one (a closed form) in text style, to break
        math = write(line)
        shown = math if line.label else math.replace("$", r"$\displaystyle ", 1)
        lines.append(r"\par\smallskip\noindent\hangindent=2em " + shown)
    tables = zip(written.tables, plain.tables, report.tables)
    for table, measured, original in [] if report.latex else tables:
        if table.title:
            lines.append(f"\\subsection*{{{latex_text(table.title)}}}")
        lines += _table(table, measured, original, report.digits)
    if report.figures:  # braille drawings: pdflatex has no font for them
        names = ", ".join(latex_text(title) for title, _ in report.figures)
        lines.append(f"\\par\\noindent Plots ({names}) are drawn in the text formats.")
    if report.notes:
        lines.append("\\begin{enumerate}")
        lines += [f"  \\item {latex_text(note)}" for note in report.notes]
        lines.append("\\end{enumerate}")
    if written.summary:
        lines.append("\\begin{description}")
        lines += [
            f"  \\item[{latex_text(label)}] {value}"  # type: ignore[str-bytes-safe]
            for label, value in written.summary
        ]
        lines.append("\\end{description}")
    return "\n".join(lines) + "\n"


def _table(table: Table, measured: Table, original: Table, digits: int) -> list[str]:
    """``longtable``s for one table: split into parts where its columns cannot share a line."""
    rows = [[str(c) for c in row] for row in measured.rows + measured.footer]
    texts = [[column.header, *(row[i] for row in rows)] for i, column in enumerate(table.columns)]
    natural = [max(len(t) for t in column) + 1 for column in texts]
    cells = original.rows + original.footer
    floors = [
        max(_longest_word(column.header), *(_unbreakable(row[i], digits) for row in cells)) + 1
        for i, column in enumerate(table.columns)
    ]
    out: list[str] = []
    for part in _parts(table.columns, natural, floors):
        widths = _widths(
            [table.columns[i] for i in part], [natural[i] for i in part], [floors[i] for i in part]
        )
        out += _longtable(table, part, widths)
    return out


def _longest_word(text: str) -> int:
    """The widest word, in characters (an underscore as two: it sets wide)."""
    return max((len(word) + word.count("_") for word in text.split()), default=0)


def _unbreakable(cell: Cell, digits: int) -> int:
    """The widest piece of a cell that cannot be broken across lines, in characters: a word of
    text; in mathematics, what lies between the signs where TeX may break (=, +, −, ·), a
    fraction or a power whole."""
    if isinstance(cell, str):
        return _longest_word(cell)
    text = TextPrinter(digits)
    items = cell.items if isinstance(cell, Maths) else (cell,)
    pieces = [_math_piece(part, text) for item in items for part in item.parts]
    return max([*pieces, *(_longest_word(f"{i.label}: {i.words}") for i in items)])


def _math_piece(node: Expr, text: TextPrinter) -> int:
    if isinstance(node, (Add, Mul)):
        children = node.terms if isinstance(node, Add) else node.factors
        return max(_math_piece(child, text) for child in children) + 2
    if isinstance(node, Neg):
        return _math_piece(node.arg, text) + 1
    if isinstance(node, Div):
        return max(len(text.print(node.num)), len(text.print(node.den)))
    if isinstance(node, Call) and node.name not in ("exp", "sqrt", "abs", "floor", "ceil"):
        inside = max((_math_piece(a, text) for a in node.args), default=0)
        return len(text.name(node.name, node.primes)) + inside + 2
    return len(text.print(node))


def _parts(columns: Sequence[Column], natural: list[int], floors: list[int]) -> list[list[int]]:
    """Column indexes of each part: as many columns as fit at their narrowest (a column that
    wraps as narrow as its longest word), each part after the first starting with the first
    column again."""

    def need(i: int) -> int:
        narrowest = natural[i] if columns[i].align == "right" else max(floors[i], MIN_COLUMN)
        return min(natural[i], narrowest) + GAP

    parts: list[list[int]] = [[]]
    for i in range(len(columns)):
        if parts[-1] and sum(need(j) for j in parts[-1]) + need(i) > LINE:
            parts.append([0])
        parts[-1].append(i)
    return parts


def _widths(columns: Sequence[Column], natural: list[int], floors: list[int]) -> list[int] | None:
    """Each column's width in characters, or None where the table fits as it is: the
    right-aligned and short columns their own width, the long ones at least their longest
    word, sharing what room is left in proportion to the rest of their text."""
    if sum(w + GAP for w in natural) <= LINE:
        return None
    wraps = [
        c.align != "right" and w > max(f, MIN_COLUMN) for w, f, c in zip(natural, floors, columns)
    ]
    least = [
        max(f, MIN_COLUMN) if wrap else max(w, f) for w, f, wrap in zip(natural, floors, wraps)
    ]
    room = LINE - sum(least) - GAP * len(columns)
    extra = sum(w - low for w, low, wrap in zip(natural, least, wraps) if wrap)
    return [
        low + (room * (w - low) // extra if wrap and extra and room > 0 else 0)
        for w, low, wrap in zip(natural, least, wraps)
    ]


def _longtable(table: Table, indexes: list[int], widths: list[int] | None) -> list[str]:
    columns = [table.columns[i] for i in indexes]
    spec = "".join(_column_spec(columns, widths))
    # the head, repeated at the top of every page the table runs onto
    head = " & ".join(latex_text(c.header) for c in columns) + r" \\ \hline\endhead"
    lines = ["{\\footnotesize", f"\\begin{{longtable}}{{@{{}}{spec}@{{}}}}", "\\hline", head]
    lines += [" & ".join(str(row[i]) for i in indexes) + r" \\" for row in table.rows]
    if table.footer:
        lines.append("\\hline")
        lines += [" & ".join(str(row[i]) for i in indexes) + r" \\" for row in table.footer]
    return [*lines, "\\hline", "\\end{longtable}}", ""]


def _column_spec(columns: Sequence[Column], widths: list[int] | None) -> list[str]:
    """``r`` and ``l``, or with widths, paragraph columns of those shares of the line."""
    if widths is None:
        return ["r" if c.align == "right" else "l" for c in columns]
    spec = []
    for width, column in zip(widths, columns):
        align = "\\raggedleft" if column.align == "right" else "\\raggedright"
        spec.append(f">{{{align}\\arraybackslash}}p{{{width / LINE:.3f}\\linewidth}}")
    return spec
