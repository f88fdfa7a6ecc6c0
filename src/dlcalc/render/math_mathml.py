"""Formulas as MathML, which browsers typeset themselves: the content of a ``<math>`` element
in presentation MathML (``<mi>``, ``<mn>``, ``<mo>``, ``<mfrac>``, ``<msup>``, ``<msub>``…).

Numbers are written as :func:`~dlcalc.steps.printer.format_number` writes them for the text
formats (``1.5·10^−8`` with its exponent raised), and every text node is escaped."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from html import escape
from typing import Any

from dlcalc.steps.expr import Call, Cases, Diff, Div, Expr, Num, Pow, Rel, Sum, Sym
from dlcalc.steps.printer import ATOM, POWER, PRODUCT, Printer, format_number, precedence

APPLY = "<mo>\u2061</mo>"
"""The invisible function application between a function's name and its argument."""
THIN = '<mspace width="0.1667em"></mspace>'
NEGATIVE = '<mo form="prefix">−</mo>'
"""A sign (−x, −0.5): a prefix operator, set close to what it negates wherever it stands."""
PRIME = "<mo>′</mo>"
"""A prime, after the name: the character is drawn raised already (a superscript would raise it
twice)."""
SLASH = '<mo lspace="0" rspace="0">/</mo>'
"""A quotient on one line, set close as in the text formats: ``1/3``, ``e^(−1/2)``."""
TALL = ("<mfrac", "<munder", "<mtable", "<msqrt")
"""What a pair of brackets stretches around; around anything lower they keep their size."""
ACCENTS = {"\u0302": "^", "\u0304": "¯", "\u0303": "~"}
"""Combining accents (m̂, ḡ) and the accent written over the letter."""
INDEXED = {"log10": ("log", "10"), "log2": ("log", "2")}
"""Functions written with a subscript: log₁₀."""
FENCES = {"abs": ("|", "|"), "floor": ("⌊", "⌋"), "ceil": ("⌈", "⌉")}
BARE = ("ln", "log10", "log2")
"""Functions written before an atom without parentheses (``ln 2``)."""
_SUBSCRIPTED = re.compile(r"([^\W_]+)_([^\W_]+)")
_TOKEN = re.compile(r"<(mi|mn|mo|mtext)>[^<]*</\1>")
TAG = re.compile(r"<(/?)[a-z]+[^>]*?(/?)>")
"""A tag: its closing slash first, its self-closing slash second."""


def token(tag: str, text: str) -> str:
    """A token element (``<mi>``, ``<mn>``, ``<mo>``, ``<mtext>``) with its text escaped."""
    return f"<{tag}>{escape(text, quote=False)}</{tag}>"


def row(inner: str) -> str:
    """``inner`` as one element, as a script or a fraction's part must be: one element as it
    is, several in an ``<mrow>``."""
    return inner if single(inner) else f"<mrow>{inner}</mrow>"


def single(inner: str) -> bool:
    """Whether ``inner`` is one element: its first tag is closed only at its end."""
    if _TOKEN.fullmatch(inner):
        return True
    depth = 0
    for tag in TAG.finditer(inner):
        if depth == 0 and tag.start() > 0:
            return False
        depth += -1 if tag[1] else not tag[2]
    return depth == 0 and inner.startswith("<") and inner.endswith(">")


def scripts(base: str, sub: str = "", sup: str = "") -> str:
    """``base`` with a subscript and a superscript, either or both or neither."""
    if sub and sup:
        return f"<msubsup>{row(base)}{row(sub)}{row(sup)}</msubsup>"
    if sub:
        return f"<msub>{row(base)}{row(sub)}</msub>"
    if sup:
        return f"<msup>{row(base)}{row(sup)}</msup>"
    return row(base)


def identifier(name: str) -> str:
    """A name: ``<mi>`` (one letter italic, a longer name upright), a hatted letter with its
    accent over it."""
    decomposed = unicodedata.normalize("NFD", name)
    if len(decomposed) == 2 and decomposed[1] in ACCENTS:
        accent = token("mo", ACCENTS[decomposed[1]])
        return f'<mover accent="true">{token("mi", decomposed[0])}{accent}</mover>'
    return token("mi", name)


def number(text: str) -> str:
    """A number as :func:`format_number` writes it: ``−3``, ``½``, ``1/3``, ``1.5·10^−8`` (the
    power of ten as a superscript), ``∞``, ``undefined``."""
    if text.startswith(("−", "-")):
        return NEGATIVE + number(text[1:])
    if "·10^" in text:
        mantissa, exponent = text.split("·10^")
        sign, digits = ("<mo>−</mo>", exponent[1:]) if exponent[0] in "−-" else ("", exponent)
        power = row(sign + number(digits))
        return f"{number(mantissa)}<mo>·</mo><msup><mn>10</mn>{power}</msup>"
    if "/" in text:
        top, bottom = text.split("/", 1)
        return f"{number(top)}{SLASH}{number(bottom)}"
    if text == "∞":
        return token("mi", text)
    if not any(c.isdigit() for c in text) and text != "½":
        return token("mtext", text)
    return token("mn", text)


def fence(left: str, inner: str, right: str) -> str:
    """``inner`` between brackets, which stretch only around a fraction or a table."""
    if any(tall in inner for tall in TALL):
        return f"<mrow>{token('mo', left)}{inner}{token('mo', right)}</mrow>"
    fixed = '<mo stretchy="false">'
    return f"<mrow>{fixed}{escape(left)}</mo>{inner}{fixed}{escape(right)}</mo></mrow>"


def math_element(inner: str, display: bool = False) -> str:
    """``inner`` (a printer's MathML) as a ``<math>`` element; ``display``: set on a line of
    its own."""
    return f'<math display="block">{inner}</math>' if display else f"<math>{inner}</math>"


class MathMLPrinter(Printer):
    """MathML for inline use: a fraction inside a fraction or an exponent is written with a
    slash (``e^(−3/5)``), so that it is not set too small to read."""

    equals = "<mo>=</mo>"
    times = "<mo>·</mo>"
    plus = "<mo>+</mo>"
    minus = "<mo>−</mo>"
    negative = NEGATIVE
    case_word = "if\u00a0"

    def __init__(self, digits: int = 6) -> None:
        super().__init__(digits)
        self._nested = 0

    def paren(self, text: str) -> str:
        return fence("(", text, ")")

    def _num(self, node: Num) -> str:
        if node.text is not None:
            return number(node.text.replace("-", "−"))
        return number(format_number(node.value, self.digits))

    def _sym(self, node: Sym) -> str:
        """``w₅``, ``out_h1`` (a subscript, in the symbol or in its name), ``σ′``, a new
        value ``w₅⁺``."""
        name, plus = (node.name[:-1], "<mo>+</mo>") if node.name.endswith("⁺") else (node.name, "")
        sub = node.sub
        found = None if sub else _SUBSCRIPTED.fullmatch(name)
        if found:
            name, sub = found[1], found[2]
        below = token("mn" if sub.isdigit() else "mi", sub) if sub else ""
        return scripts(identifier(name) + PRIME * node.primes, below, plus)

    def _head(self, node: Call, power: str = "") -> str:
        """The function's name: ``ln``, ``log₁₀``, ``σ′``, ``ReLU``, with a ``power``
        (``tanh²``)."""
        if node.primes == 0 and node.name in INDEXED:
            name, sub = INDEXED[node.name]
            return scripts(token("mi", name), token("mn", sub), power)
        return scripts(identifier(node.name) + PRIME * node.primes, "", power)

    def _call(self, node: Call) -> str:
        name, args = node.name, node.args
        if name == "exp":
            if args[0] == Num(1):
                return "<mi>e</mi>"
            return f"<msup><mi>e</mi>{row(self._in_exponent(self.print, args[0]))}</msup>"
        if name == "sqrt":
            return f"<msqrt>{self.print(args[0])}</msqrt>"
        if name in FENCES:
            left, right = FENCES[name]
            return fence(left, self.print(args[0]), right)
        inside = "<mo>,</mo>".join(self.print(a) for a in args)
        head = self._head(node)
        if name in BARE and node.primes == 0 and len(args) == 1 and precedence(args[0]) == ATOM:
            return head + APPLY + THIN + inside
        return head + APPLY + self.paren(inside)

    def _div(self, node: Div) -> str:
        if self._nested:
            return f"{self.wrap(node.num, PRODUCT)}{SLASH}{self.wrap(node.den, POWER)}"
        top, bottom = self._inside(self.print, node.num), self._inside(self.print, node.den)
        return f"<mfrac>{row(top)}{row(bottom)}</mfrac>"

    def _pow(self, node: Pow) -> str:
        base = node.base
        power = self._in_exponent(self.print, node.exp)
        if isinstance(base, Call) and base.name not in ("exp", "sqrt", *FENCES):
            inside = "<mo>,</mo>".join(self.print(a) for a in base.args)
            return self._head(base, power) + APPLY + self.paren(inside)  # tanh²(x)
        return f"<msup>{row(self.wrap(base, ATOM))}{row(power)}</msup>"

    def _diff(self, node: Diff) -> str:
        top = self._inside(self.wrap, node.f, ATOM)
        bottom = self._inside(self.wrap, node.x, ATOM)
        return f"<mfrac><mrow><mi>∂</mi>{top}</mrow><mrow><mi>∂</mi>{bottom}</mrow></mfrac>"

    def _sum(self, node: Sum) -> str:
        below = token("mi", node.index)
        return f"<munder><mo>∑</mo>{below}</munder>{self.wrap(node.body, PRODUCT)}"

    def _cases(self, node: Cases) -> str:
        """A brace before a table of the values and their conditions."""
        rows = "".join(
            f"<mtr><mtd>{self.print(value)}</mtd><mtd>"
            + (
                token("mtext", self.case_word) + self.print(condition)
                if condition is not None
                else token("mtext", self.otherwise)
            )
            + "</mtd></mtr>"
            for value, condition in node.cases
        )
        return f'<mrow><mo>{{</mo><mtable columnalign="left">{rows}</mtable></mrow>'

    def _rel(self, node: Rel) -> str:
        op = token("mo", self.relations.get(node.op, node.op))
        return f"{self.print(node.lhs)}{op}{self.print(node.rhs)}"

    def _inside(self, write: Callable[..., str], *args: Any) -> str:
        """``write(*args)`` as the part of a fraction or an exponent."""
        self._nested += 1
        try:
            return write(*args)
        finally:
            self._nested -= 1

    def _in_exponent(self, write: Callable[[Expr], str], node: Expr) -> str:
        return self._inside(write, node)
