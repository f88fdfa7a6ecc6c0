"""Formulas as small expression trees: symbols, numbers, operators and functions.

A formula is written once, in symbols (``1/(1 + e^(−x))``); the working is the same tree with
the symbols' values put in (:meth:`Expr.subs`) and then its functions evaluated
(:func:`dlcalc.steps.evaluate.evaluate_calls`). The printers in :mod:`dlcalc.steps.text`
and :mod:`dlcalc.render.math_latex` write a tree as Unicode text or as LaTeX, and
:func:`dlcalc.steps.sympy_bridge.to_sympy` turns it into SymPy for the closed forms. The text
form is part of the data (error messages and ``check`` use it); LaTeX is a format's printer.

Trees are built with Python's operators, so a formula reads like the mathematics::

    x = Sym("x")
    sigmoid = 1 / (1 + exp(-x))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from operator import attrgetter
from typing import Union

Value = int | Fraction | float | Decimal
"""A number: exact (int, Fraction), a float64, or a Decimal beyond a float64's range."""

Operand = Union["Expr", int, float, Fraction, Decimal]


class Expr:
    """A node of a formula: immutable, compared and hashed by its fields (its ``__slots__``).
    Plain classes rather than dataclasses, which cost milliseconds each at start-up."""

    __slots__: tuple[str, ...] = ("_hash",)
    _fields: Callable[[Expr], tuple[object, ...]]

    def __init_subclass__(cls) -> None:
        names = cls.__slots__
        if len(names) == 1:
            only = attrgetter(names[0])
            cls._fields = staticmethod(lambda node: (only(node),))  # type: ignore[assignment]
        else:  # an attrgetter is no method: it is not bound to the node
            cls._fields = attrgetter(*names)  # type: ignore[assignment]

    def _key(self) -> tuple[object, ...]:
        return self._fields(self)

    def __eq__(self, other: object) -> bool:
        """Field by field, stopping at the first difference; remembered hashes that differ
        settle it at once (hashing a whole tree only to compare would cost more)."""
        if self is other:
            return True
        if type(other) is not type(self):
            return False
        mine, theirs = getattr(self, "_hash", None), getattr(other, "_hash", None)
        if mine is not None and theirs is not None and mine != theirs:
            return False
        return self._key() == other._key()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        try:
            return self._hash  # type: ignore[has-type, no-any-return]
        except AttributeError:  # the first time: remembered, the tree being immutable
            self._hash = found = hash((type(self).__name__, self._key()))
            return found

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __add__(self, other: Operand) -> Expr:
        return Add(_terms(self) + _terms(lift(other)))

    def __radd__(self, other: Operand) -> Expr:
        return Add((lift(other), *_terms(self)))

    def __sub__(self, other: Operand) -> Expr:
        return Add((*_terms(self), Neg(lift(other))))

    def __rsub__(self, other: Operand) -> Expr:
        return Add((lift(other), Neg(self)))

    def __mul__(self, other: Operand) -> Expr:
        return Mul(_factors(self) + _factors(lift(other)))

    def __rmul__(self, other: Operand) -> Expr:
        return Mul((lift(other), *_factors(self)))

    def __truediv__(self, other: Operand) -> Expr:
        return Div(self, lift(other))

    def __rtruediv__(self, other: Operand) -> Expr:
        return Div(lift(other), self)

    def __pow__(self, other: Operand) -> Expr:
        return Pow(self, lift(other))

    def __neg__(self) -> Expr:
        return Neg(self)

    def children(self) -> tuple[Expr, ...]:
        return ()

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        """The same node over other children (in the order of :meth:`children`)."""
        return self

    def subs(self, values: Mapping[str, Expr]) -> Expr:
        """The tree with each symbol named in ``values`` (by :attr:`Sym.key`) replaced."""
        return remade(self, tuple(child.subs(values) for child in self.children()))


def lift(value: Operand) -> Expr:
    return value if isinstance(value, Expr) else Num(value)


def _terms(node: Expr) -> tuple[Expr, ...]:
    return node.terms if isinstance(node, Add) else (node,)


def _factors(node: Expr) -> tuple[Expr, ...]:
    return node.factors if isinstance(node, Mul) else (node,)


def remade(node: Expr, children: tuple[Expr, ...]) -> Expr:
    """``node`` over ``children``: the node itself where no child changed (no copy to make,
    and the same tree compares equal at once)."""
    for new, old in zip(children, node.children()):
        if new is not old:
            return node.rebuild(children)
    return node


def transform(node: Expr, change: Callable[[Expr], Expr]) -> Expr:
    """The tree with ``change`` applied to every node, children first."""
    return change(remade(node, tuple(transform(child, change) for child in node.children())))


def tidy(node: Expr) -> Expr:
    """A tree after numbers are put in: −(−2) as 2, −(0.5) as −0.5."""
    node = remade(node, tuple(tidy(child) for child in node.children()))
    if isinstance(node, Neg) and isinstance(node.arg, Num) and node.arg.value != 0:
        value, text = node.arg.value, node.arg.text
        if text is not None:
            text = text[1:] if text.startswith(("-", "−")) else f"-{text}"
        return Num(-value, None if text in ("-0", "0") else text)
    return node


class Num(Expr):
    """A number; ``text`` keeps an input as the user wrote it (``0.50``, ``1/3``)."""

    __slots__ = ("text", "value")

    def __init__(self, value: Value, text: str | None = None) -> None:
        self.value = value
        self.text = text


class Sym(Expr):
    """A symbol: a name (Unicode: ``σ``, ``x``, ``out``), an optional subscript (``h1``) and
    primes (``σ′``); ``latex`` overrides the LaTeX the printer would derive."""

    __slots__ = ("latex", "name", "primes", "sub")

    def __init__(self, name: str, sub: str = "", primes: int = 0, latex: str | None = None) -> None:
        self.name = name
        self.sub = sub
        self.primes = primes
        self.latex = latex

    @property
    def key(self) -> str:
        return f"{self.name}_{self.sub}" if self.sub else self.name

    def subs(self, values: Mapping[str, Expr]) -> Expr:
        return values.get(self.key, self)


class Add(Expr):
    """A sum; a :class:`Neg` term is written as a subtraction."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[Expr, ...]) -> None:
        self.terms = terms

    def children(self) -> tuple[Expr, ...]:
        return self.terms

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Add(children)


class Mul(Expr):
    __slots__ = ("factors",)

    def __init__(self, factors: tuple[Expr, ...]) -> None:
        self.factors = factors

    def children(self) -> tuple[Expr, ...]:
        return self.factors

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Mul(children)


class Neg(Expr):
    __slots__ = ("arg",)

    def __init__(self, arg: Expr) -> None:
        self.arg = arg

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Neg(children[0])


class Div(Expr):
    __slots__ = ("den", "num")

    def __init__(self, num: Expr, den: Expr) -> None:
        self.num = num
        self.den = den

    def children(self) -> tuple[Expr, ...]:
        return (self.num, self.den)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Div(*children)


class Pow(Expr):
    __slots__ = ("base", "exp")

    def __init__(self, base: Expr, exp: Expr) -> None:
        self.base = base
        self.exp = exp

    def children(self) -> tuple[Expr, ...]:
        return (self.base, self.exp)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Pow(*children)


class Call(Expr):
    """A function applied to arguments; how each is written is the printers' business."""

    __slots__ = ("args", "name", "primes")

    def __init__(self, name: str, args: tuple[Expr, ...], primes: int = 0) -> None:
        self.name = name
        self.args = args
        self.primes = primes

    def children(self) -> tuple[Expr, ...]:
        return self.args

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Call(self.name, children, self.primes)


class Diff(Expr):
    """∂f/∂x."""

    __slots__ = ("f", "x")

    def __init__(self, f: Expr, x: Expr) -> None:
        self.f = f
        self.x = x

    def children(self) -> tuple[Expr, ...]:
        return (self.f, self.x)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Diff(*children)


class Sum(Expr):
    """Σ over an index, written in general: Σ_j e^(z_j)."""

    __slots__ = ("body", "index")

    def __init__(self, index: str, body: Expr) -> None:
        self.index = index
        self.body = body

    def children(self) -> tuple[Expr, ...]:
        return (self.body,)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Sum(self.index, children[0])


class Rel(Expr):
    """A relation, for conditions: ``x > 0``."""

    __slots__ = ("lhs", "op", "rhs")

    def __init__(self, op: str, lhs: Expr, rhs: Expr) -> None:
        self.op = op
        self.lhs = lhs
        self.rhs = rhs

    def children(self) -> tuple[Expr, ...]:
        return (self.lhs, self.rhs)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return Rel(self.op, *children)


class Cases(Expr):
    """A piecewise rule: each value with the condition under which it applies (None:
    otherwise)."""

    __slots__ = ("cases",)

    def __init__(self, cases: tuple[tuple[Expr, Expr | None], ...]) -> None:
        self.cases = cases

    def children(self) -> tuple[Expr, ...]:
        return tuple(part for case in self.cases for part in case if part is not None)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        parts = iter(children)
        return Cases(
            tuple((next(parts), None if c is None else next(parts)) for _, c in self.cases)
        )


def call(name: str, *args: Operand) -> Call:
    return Call(name, tuple(lift(a) for a in args))


def exp(x: Operand) -> Call:
    return call("exp", x)


def ln(x: Operand) -> Call:
    return call("ln", x)


def sqrt(x: Operand) -> Call:
    return call("sqrt", x)


def tanh(x: Operand) -> Call:
    return call("tanh", x)


def num(value: Value, text: str | None = None) -> Num:
    return Num(value, text)


HALF = Num(Fraction(1, 2))


def count(value: int) -> Num:
    """A whole number as it is written in a count: ``34,944``."""
    return Num(value, f"{value:,}") if abs(value) >= 1000 else Num(value)
