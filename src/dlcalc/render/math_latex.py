"""Formulas as LaTeX mathematics: ``\\frac``, ``\\sqrt``, ``\\sigma``, ``\\partial``,
subscripts, ``\\cdot``, ``\\lfloor…\\rfloor`` (for math mode; the caller adds the ``$``)."""

from __future__ import annotations

import re
from functools import cache
from typing import ClassVar

from dlcalc.steps.expr import Call, Cases, Diff, Div, Expr, Num, Pow, Sum, Sym
from dlcalc.steps.printer import ATOM, PRODUCT, Printer, format_number, precedence

GREEK = {
    "α": r"\alpha",
    "β": r"\beta",
    "γ": r"\gamma",
    "δ": r"\delta",
    "Δ": r"\Delta",
    "ε": r"\varepsilon",
    "η": r"\eta",
    "θ": r"\theta",
    "λ": r"\lambda",
    "μ": r"\mu",
    "π": r"\pi",
    "Π": r"\Pi",
    "ρ": r"\rho",
    "σ": r"\sigma",
    "Σ": r"\Sigma",
    "τ": r"\tau",
    "φ": r"\phi",
    "Φ": r"\Phi",
    "ψ": r"\psi",
    "ς": r"\varsigma",
    "ℓ": r"\ell",
    "∞": r"\infty",
}
OPERATORS = {
    "ln": r"\ln",
    "log10": r"\log_{10}",
    "log2": r"\log_{2}",
    "tanh": r"\tanh",
    "sin": r"\sin",
    "cos": r"\cos",
    "max": r"\max",
    "min": r"\min",
}
"""Functions with a LaTeX command of their own."""


@cache
def latex_name(name: str) -> str:
    """A symbol's name in math mode: Greek letters as commands, one letter as itself, longer
    names upright (``\\mathrm{out}``, ``\\operatorname{ReLU}``), hats as ``\\hat``."""
    if name in GREEK:
        return GREEK[name]
    if len(name) == 2 and name[1] == "\u0302":
        return rf"\hat{{{latex_name(name[0])}}}"
    if len(name) == 1:
        return name
    spelled = "".join(GREEK.get(c, c) + (" " if c in GREEK else "") for c in name)
    return rf"\mathrm{{{escape(spelled.strip())}}}"


def escape(text: str) -> str:
    """Underscores, percent and hash signs escaped, inside math."""
    return re.sub(r"([_%#&$])", r"\\\1", text)


class LatexPrinter(Printer):
    times = r" \cdot "
    minus = " - "
    negative = "-"
    relations: ClassVar[dict[str, str]] = {"≤": r"\le", "≥": r"\ge", "≈": r"\approx", "≠": r"\ne"}

    def paren(self, text: str) -> str:
        return rf"\left({text}\right)"

    def _num(self, node: Num) -> str:
        if node.text is not None and "/" not in node.text:
            written = node.text.replace("−", "-").replace(",", "{,}")
            return written.replace("…", r"\ldots")
        return number_latex(format_number(node.value, self.digits))

    def _sym(self, node: Sym) -> str:
        plus = node.name.endswith("⁺")  # a new value: w^{+}_{5}
        base = node.latex or latex_name(node.name.removesuffix("⁺")) + ("^{+}" if plus else "")
        primes = "'" * node.primes
        if not node.sub:
            return base + primes
        sub = node.sub if len(node.sub) == 1 else rf"\mathrm{{{escape(node.sub)}}}"
        return f"{base}{primes}_{{{sub}}}"

    def _call(self, node: Call) -> str:
        name, args = node.name, node.args
        if name == "exp":
            return "e" if args[0] == Num(1) else f"e^{{{self.print(args[0])}}}"
        if name == "sqrt":
            return rf"\sqrt{{{self.print(args[0])}}}"
        if name == "abs":
            return rf"\lvert {self.print(args[0])}\rvert"
        if name in ("floor", "ceil"):
            return rf"\left\l{name}{self.print(args[0])}\right\r{name}"
        inside = ", ".join(self.print(a) for a in args)
        head = self._head(node)
        if name in ("ln", "log10", "log2") and len(args) == 1 and precedence(args[0]) == ATOM:
            return f"{head} {inside}"
        return head + self.paren(inside)

    @staticmethod
    def _head(node: Call) -> str:
        r"""The function's name: ``\ln``, ``\sigma'``, ``\operatorname{ReLU}``."""
        if node.primes == 0 and node.name in OPERATORS:
            return OPERATORS[node.name]
        word = GREEK.get(node.name) or (
            node.name if len(node.name) == 1 else rf"\operatorname{{{escape(node.name)}}}"
        )
        return word + "'" * node.primes

    def _div(self, node: Div) -> str:
        return rf"\frac{{{self.print(node.num)}}}{{{self.print(node.den)}}}"

    def _pow(self, node: Pow) -> str:
        base = node.base
        if isinstance(base, Call) and base.name not in ("exp", "sqrt", "abs", "floor", "ceil"):
            inside = ", ".join(self.print(a) for a in base.args)
            power = f"^{{{self.print(node.exp)}}}"
            return self._head(base) + power + self.paren(inside)  # \tanh^{2}(x)
        return f"{self.wrap(base, ATOM)}^{{{self.print(node.exp)}}}"

    def _cases(self, node: Cases) -> str:
        rows = [
            f"{self.print(v)} & " + (self.print(c) if c is not None else r"\text{otherwise}")
            for v, c in node.cases
        ]
        return r"\begin{cases}" + r" \\ ".join(rows) + r"\end{cases}"

    def _sum(self, node: Sum) -> str:
        return rf"\sum_{{{node.index}}} {self.wrap(node.body, PRODUCT)}"

    def _diff(self, node: Diff) -> str:
        return rf"\frac{{\partial {self.print(node.f)}}}{{\partial {self.print(node.x)}}}"


def number_latex(text: str) -> str:
    """A number as :func:`format_number` writes it, in math mode."""
    text = text.replace("−", "-").replace("∞", r"\infty").replace("½", r"\tfrac{1}{2}")
    if "·10^" in text:
        mantissa, exponent = text.split("·10^")
        return rf"{mantissa} \cdot 10^{{{exponent}}}"
    if "/" in text:
        top, bottom = text.split("/")
        sign = "-" if top.startswith("-") else ""
        return rf"{sign}\tfrac{{{top.lstrip('-')}}}{{{bottom}}}"
    return text


def latex(node: Expr, digits: int = 6) -> str:
    return LatexPrinter(digits).print(node)
