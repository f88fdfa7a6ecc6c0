"""Formula trees to SymPy and back, for the closed forms of ``--exact`` (SymPy is imported only
here, and only when a closed form is asked for: it takes about 0.7 s to load)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from dlcalc.steps.expr import Add, Call, Div, Expr, Mul, Neg, Num, Pow, Sym, call


def sympy() -> Any:
    import sympy as module

    return module


def rational(value: Fraction | int) -> Any:
    value = Fraction(value)
    return sympy().Rational(value.numerator, value.denominator)


def to_sympy(node: Expr, symbols: Mapping[str, Any] | None = None) -> Any:
    """The tree as a SymPy expression; ``symbols`` gives the SymPy object (or a tree, expanded
    in place) for a symbol's key, other symbols become SymPy symbols of their name."""
    sp = sympy()
    symbols = symbols or {}

    def walk(n: Expr) -> Any:
        if isinstance(n, Num):
            value = n.value
            if isinstance(value, (float, Decimal)):
                return sp.Rational(str(value))
            return rational(value)
        if isinstance(n, Sym):
            found = symbols.get(n.key)
            if isinstance(found, Expr):
                return walk(found)
            if found is not None:
                return found
            return sp.pi if n.name == "π" else sp.Symbol(n.key, real=True)
        if isinstance(n, Add):
            return sp.Add(*(walk(t) for t in n.terms))
        if isinstance(n, Mul):
            return sp.Mul(*(walk(f) for f in n.factors))
        if isinstance(n, Neg):
            return -walk(n.arg)
        if isinstance(n, Div):
            return walk(n.num) / walk(n.den)
        if isinstance(n, Pow):
            return walk(n.base) ** walk(n.exp)
        if isinstance(n, Call):
            return _function(n.name)(*(walk(a) for a in n.args))
        raise ValueError(f"no SymPy form for {n!r}")

    return walk(node)


def _function(name: str) -> Any:
    sp = sympy()
    functions = {
        "exp": sp.exp,
        "ln": sp.log,
        "log10": lambda a: sp.log(a, 10),
        "log2": lambda a: sp.log(a, 2),
        "sqrt": sp.sqrt,
        "abs": sp.Abs,
        "max": sp.Max,
        "ReLU": lambda a: sp.Max(0, a),
        "min": sp.Min,
        "tanh": sp.tanh,
        "erf": sp.erf,
        "floor": sp.floor,
        "ceil": sp.ceiling,
        "σ": lambda a: 1 / (1 + sp.exp(-a)),
        "Φ": lambda a: (1 + sp.erf(a / sp.sqrt(2))) / 2,
        "φ": lambda a: sp.exp(-(a**2) / 2) / sp.sqrt(2 * sp.pi),
        "softplus": lambda a: sp.log(1 + sp.exp(a)),
        "clip": lambda a, low, high: sp.Min(sp.Max(a, low), high),
        "sign": sp.sign,
        "cosh": sp.cosh,
        "sin": sp.sin,
        "cos": sp.cos,
    }
    return functions[name]


def from_sympy(expression: Any) -> Expr:
    """A SymPy expression as a tree (for printing closed forms in every format)."""
    sp = sympy()
    e = expression
    if e.is_Integer:
        return Num(int(e))
    if e.is_Rational:
        return Num(Fraction(int(e.p), int(e.q)))
    if e.is_Float:
        return Num(float(e))
    if e is sp.E:
        return Call("exp", (Num(1),))
    if e is sp.pi:
        return Sym("π")
    if e.is_Symbol:
        return Sym(str(e))
    if e.is_Add:
        return _sum(e)
    if e.is_Mul:
        return _product(e)
    if e.is_Pow:
        base, exponent = e.args
        if exponent == sp.Rational(1, 2):
            return call("sqrt", from_sympy(base))
        if exponent.is_Rational and exponent < 0:
            inverse = base ** (-exponent)
            return Div(Num(1), from_sympy(inverse))
        return Pow(from_sympy(base), from_sympy(exponent))
    names = {
        "exp": "exp",
        "log": "ln",
        "tanh": "tanh",
        "cosh": "cosh",
        "erf": "erf",
        "Abs": "abs",
        "Max": "max",
        "Min": "min",
        "sign": "sign",
        "sin": "sin",
        "cos": "cos",
    }
    name = type(e).__name__
    if name in names:
        return Call(names[name], tuple(from_sympy(a) for a in e.args))
    raise ValueError(f"no tree for {e!r}")


def _sum(e: Any) -> Expr:
    terms: list[Expr] = []
    for arg in sorted(e.as_ordered_terms(), key=lambda a: a.could_extract_minus_sign()):
        negative = arg.could_extract_minus_sign()
        tree = from_sympy(-arg) if negative else from_sympy(arg)
        terms.append(Neg(tree) if negative else tree)
    return Add(tuple(terms))


def _product(e: Any) -> Expr:
    sp = sympy()
    if e.could_extract_minus_sign():
        return Neg(from_sympy(-e))
    top, bottom = sp.fraction(e)
    if bottom != 1:
        return Div(from_sympy(top), from_sympy(bottom))
    return Mul(tuple(from_sympy(a) for a in e.as_ordered_factors()))
