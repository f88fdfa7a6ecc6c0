"""Every loss, defined once: each term's value and gradient (float64, numerically stable) and
their formulas as trees, in general and for the branch that applies to a (p, y) pair.

``dlcalc loss`` and ``dlcalc backprop`` both use these definitions; the closed forms of
``--exact`` come from the same trees (:func:`exact_term`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from typing import Any

from dlcalc.steps import arith
from dlcalc.steps.evaluate import sigmoid
from dlcalc.steps.expr import HALF, Cases, Expr, Num, Rel, Sym, call, exp, ln

P, Y, Z, DELTA = Sym("p"), Sym("y"), Sym("z"), Sym("δ")
ZERO = Num(0)
KERAS_EPSILON = Fraction(1, 10**7)
LN2 = arith.log(2)


@dataclass(frozen=True)
class Piece:
    """One term at a (p, y) pair: its value and ∂ℓ/∂p, and the formulas of the branch that
    gives them (with the condition that selects it, and a note where the gradient is set)."""

    value: float
    gradient: float
    formula: Expr
    gradient_formula: Expr
    condition: Expr | None = None
    gradient_note: str = ""


Term = Callable[[float, float, float], Piece]
"""(p, y, δ) → the term."""


@dataclass(frozen=True)
class LossRule:
    formula: Expr
    gradient: Expr
    grouping: str
    """"element", "example_mean" (hinge) or "example_sum" (distributions)."""
    term: Term
    logarithmic: bool = False
    remark: str = ""
    """What the formula needs said (``y = ±1``, ``over the classes``)."""


class Output(float):
    """A prediction p with 1 − p known better than by subtracting: a saturated sigmoid's
    σ(−net), a softmax's −expm1(ln p). ``dlcalc backprop`` passes its outputs so."""

    complement: float


def output(value: float, complement: float) -> float:
    """``value`` carrying its complement 1 − value (an :class:`Output`, or its mpmath twin)."""
    kind = Output if isinstance(value, float) else _precise_output()
    made = kind(value)
    made.complement = complement
    return made


@cache
def _precise_output() -> type:
    import mpmath

    return type("PreciseOutput", (mpmath.mpf,), {"__doc__": Output.__doc__})


def _complement(p: float) -> float | None:
    return getattr(p, "complement", None)


def _residual(p: float, t: float) -> float:
    """p − t; near 1 as (1 − t) − (1 − p), so that σ(30) − 1 is −σ(−30), not a rounding."""
    complement = _complement(p)
    if complement is not None and p > 0.5:
        return (1 - t) - complement
    return p - t


def _one_minus(p: float) -> float:
    complement = _complement(p)
    return 1 - p if complement is None else complement


def _ln(p: float) -> float:
    """ln p; near 1 as ln(1 − (1 − p)), not ln of a p rounded to 1."""
    complement = _complement(p)
    if complement is not None and p > 0.5:
        return arith.log1p(-complement)
    return arith.log(p)


def _xlogy(x: float, y: float) -> float:
    """x·ln y, and 0 where x = 0 (so that 0·ln 0 does not appear)."""
    return 0.0 if x == 0 else x * _ln(y)


def _xlog1py(x: float, y: float) -> float:
    """x·ln(1 + y), exact for tiny y (ln(1 − 10⁻¹²) is not 0)."""
    return 0.0 if x == 0 else x * arith.log1p(y)


def _sign(e: float) -> float:
    return float((e > 0) - (e < 0))


SQUARE = (P - Y) ** 2


def _sq(p: float, t: float, d: float) -> Piece:
    e = _residual(p, t)
    return Piece(e * e, 2 * e, SQUARE, 2 * (P - Y))


def _half_sq(p: float, t: float, d: float) -> Piece:
    e = _residual(p, t)
    return Piece(e * e / 2, e, HALF * SQUARE, P - Y)


def _abs(p: float, t: float, d: float) -> Piece:
    e = _residual(p, t)
    return Piece(abs(e), _sign(e), call("abs", P - Y), call("sign", P - Y))


def _huber(p: float, t: float, d: float) -> Piece:
    e = _residual(p, t)
    if abs(e) <= d:
        return Piece(e * e / 2, e, HALF * SQUARE, P - Y, Rel("≤", call("abs", P - Y), DELTA))
    return Piece(
        d * (abs(e) - d / 2),
        d * _sign(e),
        DELTA * (call("abs", P - Y) - HALF * DELTA),
        DELTA * call("sign", P - Y),
        Rel(">", call("abs", P - Y), DELTA),
    )


def _log_cosh(p: float, t: float, d: float) -> Piece:
    e = _residual(p, t)
    if abs(e) < 20:  # cosh e = 1 + 2·sinh²(e/2): ln cosh e without rounding cosh e to 1
        value = arith.log1p(2 * arith.sinh(e / 2) ** 2)
    else:  # where cosh overflows: |e| + ln(1 + e^(−2|e|)) − ln 2
        value = abs(e) + arith.log1p(arith.exp(-2 * abs(e))) - LN2
    return Piece(value, arith.tanh(e), ln(call("cosh", P - Y)), call("tanh", P - Y))


BCE = -(Y * ln(P) + (1 - Y) * ln(1 - P))


def _bce(p: float, t: float, d: float) -> Piece:
    one_minus = _one_minus(p)
    value = -(_xlogy(t, p) + (_xlogy(1 - t, one_minus) if one_minus < 0.5 else _xlog1py(1 - t, -p)))
    if p > 0 and one_minus > 0:  # 0 < p < 1, even where p rounds to 1 but 1 − p is known
        slope = _residual(p, t) / (p * one_minus)
        return Piece(value, slope, BCE, (P - Y) / (P * (1 - P)))
    # a certain and right prediction: the loss is 0 and flat there, as in PyTorch
    return Piece(value, 0.0, BCE, ZERO, gradient_note="p = y: the loss is 0 and flat")


def _bce_logits(z: float, t: float, d: float) -> Piece:
    value = max(z, 0.0) - z * t + arith.log1p(arith.exp(-abs(z)))
    formula = call("max", Z, ZERO) - Z * Y + ln(1 + exp(-call("abs", Z)))
    # σ(z) − t as (1 − t)·σ(z) − t·σ(−z): σ(30) − 1 = −σ(−30) exactly, without cancelling
    gradient = (1 - t) * sigmoid(z) - t * sigmoid(-z)
    return Piece(value, gradient, formula, call("σ", Z) - Y)


def _cce(p: float, t: float, d: float) -> Piece:
    if t == 0:
        return Piece(0.0, 0.0, ZERO, ZERO, Rel("=", Y, ZERO))
    return Piece(-t * _ln(p), -t / p, -(Y * ln(P)), -Y / P)


def _kl(p: float, t: float, d: float) -> Piece:
    if t == 0:
        return Piece(0.0, 0.0, ZERO, ZERO, Rel("=", Y, ZERO))
    # ln(y/p) = ln(1 + (y − p)/p), y − p exact where they are close (y/p would round near 1)
    ratio = arith.log1p((t - p) / p) if p / 2 <= t <= 2 * p else arith.log(t / p)
    return Piece(t * ratio, -t / p, Y * ln(Y / P), -Y / P)


def _cross_entropy(remark: str) -> LossRule:
    """−y·ln p for each class, summed over the classes."""
    return LossRule(-(Y * ln(P)), -Y / P, "example_sum", _cce, logarithmic=True, remark=remark)


HINGE = call("max", ZERO, 1 - Y * P)


def _hinge(p: float, t: float, d: float) -> Piece:
    margin = 1 - t * p
    inside = Rel(">", 1 - Y * P, ZERO)
    if margin > 0:
        return Piece(margin, -t, HINGE, -Y, inside)
    return Piece(0.0, 0.0, HINGE, ZERO, Rel("≤", 1 - Y * P, ZERO))


def _squared_hinge(p: float, t: float, d: float) -> Piece:
    margin = max(1 - t * p, 0.0)
    return Piece(margin * margin, -2 * t * margin, HINGE**2, -2 * Y * HINGE)


LOSSES: dict[str, LossRule] = {
    "mse": LossRule(SQUARE, 2 * (P - Y), "element", _sq),
    "sse": LossRule(SQUARE, 2 * (P - Y), "element", _sq),
    "half_sse": LossRule(HALF * SQUARE, P - Y, "element", _half_sq),
    "mae": LossRule(call("abs", P - Y), call("sign", P - Y), "element", _abs),
    "huber": LossRule(
        Cases(
            (
                (HALF * SQUARE, Rel("≤", call("abs", P - Y), DELTA)),
                (DELTA * (call("abs", P - Y) - HALF * DELTA), None),
            )
        ),
        Cases(((P - Y, Rel("≤", call("abs", P - Y), DELTA)), (DELTA * call("sign", P - Y), None))),
        "element",
        _huber,
    ),
    "log_cosh": LossRule(ln(call("cosh", P - Y)), call("tanh", P - Y), "element", _log_cosh),
    "bce": LossRule(BCE, (P - Y) / (P * (1 - P)), "element", _bce, logarithmic=True),
    "cce": _cross_entropy("summed over the classes"),
    "sparse_cce": _cross_entropy("summed over the classes, y one-hot: −ln p[label]"),
    "kl": LossRule(
        Y * ln(Y / P),
        -Y / P,
        "example_sum",
        _kl,
        logarithmic=True,
        remark="summed over the classes (0·ln 0 = 0)",
    ),
    "hinge": LossRule(
        HINGE,
        Cases(((-Y, Rel(">", 1 - Y * P, ZERO)), (ZERO, None))),
        "example_mean",
        _hinge,
        remark="y = ±1",
    ),
    "squared_hinge": LossRule(
        HINGE**2, -2 * Y * HINGE, "example_mean", _squared_hinge, remark="y = ±1"
    ),
}
BCE_LOGITS = LossRule(
    call("max", Z, ZERO) - Z * Y + ln(1 + exp(-call("abs", Z))),
    call("σ", Z) - Y,
    "element",
    _bce_logits,
    logarithmic=True,
    remark="from logits z, stable",
)
CCE_LOGITS_FORMULA = -(Y * ln(call("softmax", Z)))
"""−y·ln softmax(z)_j, each class's term on logits; ∂L/∂z_j = softmax(z)_j·Σy − y_j."""


def exact_term(piece: Piece, p: Any, t: Fraction, delta: Fraction = Fraction(1)) -> Any:
    """The term's closed form (SymPy), from the branch's own tree; ``p`` is a number or a SymPy
    expression (a network's output, for ``backprop --exact``)."""
    from dlcalc.steps.sympy_bridge import rational, to_sympy

    value = rational(p) if isinstance(p, Fraction) else p
    symbols = {"p": value, "z": value, "y": rational(t), "δ": rational(delta)}
    return to_sympy(piece.formula, symbols)
