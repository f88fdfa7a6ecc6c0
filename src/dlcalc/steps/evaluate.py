"""Numbers from formula trees: a whole tree's value (float64), and the working's middle stage,
where each function of numbers is replaced by its value (``1/(1 + e^(−0.5))`` →
``1/(1 + 0.606531)``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Context, Decimal
from fractions import Fraction

from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Call, Diff, Div, Expr, Mul, Neg, Num, Pow, Sym, Value, remade

HUGE = Context(prec=40, Emax=10**9, Emin=-(10**9))
"""Decimal arithmetic for e^x beyond a float64's range (e^800 = 2.7·10^347)."""


def sigmoid(x: float) -> float:
    """1/(1 + e^−x), without overflow for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + arith.exp(-x))
    e = arith.exp(x)
    return e / (1.0 + e)


def softplus(x: float) -> float:
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^−|x|)."""
    return max(x, 0.0) + arith.log1p(arith.exp(-abs(x)))


def normal_cdf(x: float) -> float:
    return 0.5 * arith.erfc(-x / arith.sqrt(2))


def normal_pdf(x: float) -> float:
    return arith.exp(-x * x / 2) / arith.sqrt(2 * arith.pi)


ARITHMETIC = {
    "exp": "exp",
    "ln": "log",
    "log10": "log10",
    "log2": "log2",
    "sqrt": "sqrt",
    "tanh": "tanh",
    "erf": "erf",
    "cosh": "cosh",
    "sin": "sin",
    "cos": "cos",
}
"""The functions of a tree computed by :mod:`dlcalc.steps.arith` (float64, or mpmath)."""

FUNCTIONS: dict[str, Callable[..., float]] = {
    **{name: lambda *a, own=own: getattr(arith, own)(*a) for name, own in ARITHMETIC.items()},
    "abs": abs,
    "max": max,
    "min": min,
    "floor": math.floor,
    "ceil": math.ceil,
    "σ": sigmoid,
    "Φ": normal_cdf,
    "φ": normal_pdf,
    "softplus": softplus,
    "clip": lambda x, low, high: min(max(x, low), high),
    "sign": lambda x: float((x > 0) - (x < 0)),
}


def exp_value(x: float) -> Value:
    """e^x: a float where it fits, else a Decimal (e^800, e^−800)."""
    if -708 < x < 709 or arith.is_precise:
        return arith.exp(x)
    return Decimal(x).exp(HUGE)  # raises Overflow past 10^(10^9)


def evaluate(node: Expr) -> float:
    """The value of a tree of numbers (a symbol left in it is an error)."""
    if isinstance(node, Num):
        return arith.real(node.value)
    if isinstance(node, Add):
        power = _one_minus_power(node)
        if power is not None:  # 1 − b^x as −(e^(x·ln b) − 1): 1 − 0.999999^5 keeps its digits
            base, exponent = evaluate(power.base), evaluate(power.exp)
            if base > 0:
                return -arith.expm1(exponent * arith.log(base))
        return arith.fsum(evaluate(t) for t in node.terms)
    if isinstance(node, Mul):
        return arith.prod(evaluate(f) for f in node.factors)
    if isinstance(node, Neg):
        return -evaluate(node.arg)
    if isinstance(node, Div):
        return evaluate(node.num) / evaluate(node.den)
    if isinstance(node, Pow):
        base, exponent = evaluate(node.base), evaluate(node.exp)
        try:
            return arith.real(base**exponent)
        except OverflowError:
            odd = exponent.is_integer() and int(exponent) % 2 == 1
            return -math.inf if base < 0 and odd else math.inf
    if isinstance(node, Call) and node.name == "ln" and _one_plus(node.args[0]):
        rest = node.args[0].terms[1:]  # type: ignore[attr-defined]
        return arith.log1p(arith.fsum(evaluate(t) for t in rest))  # ln(1 − 10⁻¹²) ≠ 0
    if isinstance(node, Call):
        own = ARITHMETIC.get(node.name)
        function = getattr(arith, own) if own else FUNCTIONS[node.name]
        return arith.real(function(*(evaluate(a) for a in node.args)))
    if isinstance(node, Sym) and node.name == "π":
        return arith.pi
    raise ValueError(f"cannot evaluate {node!r}")


def _one_minus_power(node: Add) -> Pow | None:
    """b^x of a sum 1 − b^x."""
    terms = node.terms
    if len(terms) == 2 and terms[0] == Num(1) and isinstance(terms[1], Neg):
        power = terms[1].arg
        return power if isinstance(power, Pow) else None
    return None


def _one_plus(node: Expr) -> bool:
    return isinstance(node, Add) and node.terms[0] == Num(1) and len(node.terms) > 1


def evaluate_calls(node: Expr) -> Expr:
    """The tree with every function of numbers alone replaced by its value."""
    if isinstance(node, Call) and node.name in FUNCTIONS and not _has_symbols(node):
        try:
            if node.name == "exp":
                return Num(exp_value(evaluate(node.args[0])))
            return Num(evaluate(node))
        except (ArithmeticError, ValueError):  # beyond any number: left as written
            return node
    return remade(node, tuple(evaluate_calls(child) for child in node.children()))


def _has_symbols(node: Expr) -> bool:
    if isinstance(node, Diff) or (isinstance(node, Sym) and node.name != "π"):
        return True
    return any(_has_symbols(child) for child in node.children())


def exact(value: float | Fraction | int) -> Value:
    """A whole float as an int (so 1.0 is written 1), anything else unchanged."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
