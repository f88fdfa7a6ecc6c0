"""The walk over a formula that every printer shares: precedence, parentheses, numbers.

A printer for a format (Unicode text, LaTeX) subclasses :class:`Printer` and says how each
node is written; when to parenthesise is decided here once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import MAX_EMAX, MIN_EMIN, Decimal, localcontext
from fractions import Fraction
from typing import Any, ClassVar

from dlcalc.steps.expr import (
    Add,
    Call,
    Cases,
    Diff,
    Div,
    Expr,
    Mul,
    Neg,
    Num,
    Pow,
    Rel,
    Sum,
    Sym,
    Value,
)

# precedence: a child binding looser than its place needs parentheses
REL, SUM, PRODUCT, UNARY, POWER, ATOM = range(6)


_LEVELS: dict[type, int] = {
    Rel: REL,
    Cases: REL,
    Add: SUM,
    Neg: UNARY,
    Mul: PRODUCT,
    Div: PRODUCT,
    Diff: PRODUCT,
    Sum: PRODUCT,
    Pow: POWER,
    Sym: ATOM,
}
NODES = (*_LEVELS, Num, Call)


def precedence(node: Expr) -> int:
    kind = type(node)
    level = _LEVELS.get(kind)
    if level is not None:
        return level
    if kind is Num:
        return _number_precedence(node)  # type: ignore[arg-type]
    if kind is Call and node.name == "exp":  # type: ignore[attr-defined]
        return POWER
    return ATOM


def _number_precedence(node: Num) -> int:
    value = node.value
    if _negative(value) or (node.text or "").startswith(("-", "−")):
        return UNARY
    if type(value) is int:
        return ATOM
    if isinstance(value, Fraction) and value.denominator != 1 and value != Fraction(1, 2):
        return PRODUCT
    if isinstance(value, float) and value != 0 and not math.isinf(value):
        return ATOM if 1e-4 <= abs(value) < 1e15 else PRODUCT  # written with ·10^n
    if isinstance(value, Decimal) and value.is_finite() and value != 0:
        return ATOM if Decimal("1e-4") <= value.copy_abs() < Decimal("1e15") else PRODUCT
    return ATOM


def _negative(value: Value) -> bool:
    try:
        return value < 0
    except TypeError:
        return False


def format_number(value: Value, digits: int) -> str:
    """``0.622459``, ``−3``, ``1.5·10^−8``, ``½``, ``1/3``: floats and Decimals to ``digits``
    significant digits without trailing zeros, exact numbers exactly."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value).replace("-", "−")
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator).replace("-", "−")
        if value == Fraction(1, 2):
            return "½"
        return f"{value.numerator}/{value.denominator}".replace("-", "−")
    if isinstance(value, Decimal):
        return _decimal_text(value, digits)
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}·10^{int(exponent)}"
    return text.replace("-", "−")


def _decimal_text(value: Decimal, digits: int) -> str:
    with localcontext() as context:  # a value past 10^999999 still has its exponent written
        context.Emax, context.Emin = MAX_EMAX, MIN_EMIN
        return _decimal_digits(value, digits)


def _decimal_digits(value: Decimal, digits: int) -> str:
    if not value.is_finite():
        return format_number(float(value), digits)
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}" if -1e15 < value < 1e15 and abs(value) >= Decimal("1e-4") else ""
    if not text or "e" in text.lower():
        sign, coefficient = ("−" if value < 0 else ""), value.copy_abs()
        exponent = coefficient.adjusted()
        mantissa = coefficient.scaleb(-exponent)
        written = f"{mantissa:.{digits - 1}f}".rstrip("0").rstrip(".")
        if written == "10":  # rounded up to the next power
            written, exponent = "1", exponent + 1
        return f"{sign}{written}·10^{str(exponent).replace('-', '−')}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", "−")


class Printer:
    """Writes a tree; ``digits`` significant digits for every computed number."""

    def __init__(self, digits: int = 6) -> None:
        self.digits = digits
        self._methods: dict[type, Callable[[Any], str]] = {
            kind: getattr(self, f"_{kind.__name__.lower()}") for kind in NODES
        }
        self._written: dict[int, tuple[Expr, str]] = {}
        self._symbols: dict[tuple[str, str, int, str | None], str] = {}

    def print(self, node: Expr) -> str:
        if type(node) is Sym:  # the same few symbols recur through a whole report
            key = (node.name, node.sub, node.primes, node.latex)  # type: ignore[attr-defined]
            found = self._symbols.get(key)
            if found is None:
                found = self._symbols[key] = self._sym(node)  # type: ignore[arg-type]
            return found
        return self._methods[type(node)](node)

    def write(self, node: Expr) -> str:
        """:meth:`print`, remembered: a tree that several steps share (a layer's axes, a rule)
        is written once. The printer keeps the tree, so its id stays its own."""
        found = self._written.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        text = self.print(node)
        self._written[id(node)] = (node, text)
        return text

    def chain(self, nodes: tuple[Expr, ...] | list[Expr]) -> str:
        """``a = b = c``, each written once (``max(0, 0.5) = 0.5``, not ``… = 0.5 = 0.5``)."""
        written: list[str] = []
        for node in nodes:
            text = self.write(node)
            if not written or text != written[-1]:
                written.append(text)
        return self.equals.join(written)

    equals = " = "

    # --- what subclasses write -------------------------------------------------------

    def paren(self, text: str) -> str:
        return f"({text})"

    def _num(self, node: Num) -> str:
        raise NotImplementedError

    def _sym(self, node: Sym) -> str:
        raise NotImplementedError

    def _call(self, node: Call) -> str:
        raise NotImplementedError

    def _div(self, node: Div) -> str:
        raise NotImplementedError

    def _pow(self, node: Pow) -> str:
        raise NotImplementedError

    def _diff(self, node: Diff) -> str:
        raise NotImplementedError

    def _sum(self, node: Sum) -> str:
        raise NotImplementedError

    times = "·"
    plus = " + "
    minus = " − "
    negative = "−"
    relations: ClassVar[dict[str, str]] = {}

    # --- shared ----------------------------------------------------------------------

    def wrap(self, node: Expr, floor: int, strict: bool = False) -> str:
        """``node`` printed, in parentheses when it binds looser than ``floor`` (or as loose,
        with ``strict``)."""
        text = self.print(node)
        level = precedence(node)
        return self.paren(text) if level < floor or (strict and level == floor) else text

    def _add(self, node: Add) -> str:
        parts = [self.wrap(node.terms[0], SUM)]
        for term in node.terms[1:]:
            if isinstance(term, Neg):
                parts += [self.minus, self.wrap(term.arg, SUM, strict=True)]
            elif isinstance(term, Num) and _negative(term.value):
                text = term.text[1:] if term.text and term.text[0] in "-−" else None
                parts += [self.minus, self.print(Num(-term.value, text))]
            else:
                text = self.wrap(term, SUM, strict=isinstance(term, Neg))
                signed = text.startswith(self.negative)  # + (−0.1)/0.06, not + −0.1/0.06
                parts += [self.plus, self.paren(text) if signed else text]
        return "".join(parts)

    def _mul(self, node: Mul) -> str:
        """Factors with a sign are parenthesised, the first too: (−2)·φ(−2); so are numbers
        after the first written as products or quotients: 0.999·(4·10^−5), 2·(1/3)."""
        return self.times.join(
            self.wrap(f, POWER if _signed(f) else PRODUCT, strict=k > 0 and isinstance(f, Num))
            for k, f in enumerate(node.factors)
        )

    def _neg(self, node: Neg) -> str:
        """−x, −a·b, −(a + b), −(−2)."""
        signed = precedence(node.arg) == UNARY
        return self.negative + self.wrap(node.arg, POWER if signed else PRODUCT)

    otherwise = "otherwise"

    def _cases(self, node: Cases) -> str:
        return ", ".join(
            f"{self.print(value)} {self.case_word} {self.print(condition)}"
            if condition is not None
            else f"{self.print(value)} {self.otherwise}"
            for value, condition in node.cases
        )

    case_word = "if"

    def _rel(self, node: Rel) -> str:
        op = self.relations.get(node.op, node.op)
        return f"{self.print(node.lhs)} {op} {self.print(node.rhs)}"


def _signed(node: Expr) -> bool:
    """A factor after the first that starts with a sign, which must be parenthesised."""
    return precedence(node) == UNARY
