"""Every activation function, defined once: its value and derivative (float64, numerically
stable) and its formulas as trees (the general rule, and the branch that applies at a given x).

``dlcalc activate`` and ``dlcalc backprop`` both use these definitions; ``--exact`` takes the
closed forms from the same trees (:mod:`dlcalc.steps.sympy_bridge`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from dlcalc.solve.numbers import exp_text
from dlcalc.spec.calculators import ActivationParams
from dlcalc.steps import arith
from dlcalc.steps.evaluate import normal_cdf, normal_pdf, sigmoid, softplus
from dlcalc.steps.expr import HALF, Call, Cases, Expr, Num, Rel, Sym, call, exp, sqrt, tanh

P = ActivationParams
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
GELU_C = math.sqrt(2 / math.pi)
GELU_K = 0.044715

X, ALPHA, LAMBDA, U, SP = Sym("x"), Sym("α"), Sym("λ"), Sym("u"), Sym("ς")
ZERO, ONE = Num(0), Num(1)


def sigma(x: Expr) -> Call:
    return call("σ", x)


@dataclass(frozen=True)
class Piece:
    """The branch of an activation that applies at some x: value and derivative in terms of x
    (and named constants), the condition that selects it, and where the derivative is a
    convention rather than the branch's own (at a kink)."""

    value: Expr
    derivative: Expr
    condition: Expr | None = None
    derivative_condition: Expr | None = None
    convention_note: str | None = None


@dataclass(frozen=True)
class Activation:
    symbol: str
    value: Callable[[float, P], float]
    derivative: Callable[[float, P], float]
    rule: Callable[[P], tuple[Expr, Expr]]
    """The formulas of the function and its derivative, in general (piecewise where it is)."""
    piece: Callable[[float, P], Piece]
    constants: Callable[[P], dict[str, Expr]] = lambda p: {}
    """The named constants' values (α, λ), put in with x."""
    where: dict[str, Expr] = field(default_factory=dict)
    """Auxiliary symbols (u, ς) and their definitions in terms of x."""
    convention: Callable[[P], str] = lambda p: ""
    notes: Callable[[float, P], tuple[str, ...]] = lambda x, p: ()
    named: frozenset[str] = frozenset()
    """Constants left as symbols in the closed forms (SELU's λ and α)."""


def smooth(
    symbol: str,
    value: Callable[[float, P], float],
    derivative: Callable[[float, P], float],
    value_rule: Expr,
    derivative_rule: Expr,
    **settings: Any,
) -> Activation:
    """An activation with one formula everywhere."""
    return Activation(
        symbol,
        value,
        derivative,
        lambda p: (value_rule, derivative_rule),
        lambda x, p: Piece(value_rule, derivative_rule),
        **settings,
    )


def fixed(value: Expr, derivative: Expr) -> Callable[[P], tuple[Expr, Expr]]:
    return lambda p: (value, derivative)


def _num(value: float) -> Num:
    return Num(Fraction(value).limit_denominator(10**6) if value in (0.5, 0.25) else value)


def kinked(
    right: Expr, left: Expr | None, right_slope: Expr, left_slope: Expr, framework: float
) -> Callable[[float, P], Piece]:
    """A function with a kink at 0: each side's branch (``left`` None: ``right`` is one
    formula for both sides), and at 0 the convention's derivative (--grad-at-zero, else
    ``framework``)."""

    def piece(x: float, p: P) -> Piece:
        side = Rel(">" if x > 0 else "<" if x < 0 else "=", X, ZERO)
        value, condition = (right, None) if left is None else (right if x > 0 else left, side)
        if x != 0:
            return Piece(value, right_slope if x > 0 else left_slope, condition, side)
        chosen = framework if p.grad_at_zero is None else p.grad_at_zero
        note = "at the kink, by convention"
        return Piece(value, _num(chosen), condition, side, convention_note=note)

    return piece


def _alpha(p: P, default: float) -> float:
    return default if p.alpha is None else p.alpha


def _slope(p: P, default: float) -> float:
    """α as a number of the arithmetic."""
    return arith.real(_alpha(p, default))


# --- the value and derivative of each, in float64 ---------------------------------------


def _sech2(x: float) -> float:
    """1 − tanh²(x), without the cancellation of 1 − t² where tanh(x) is close to ±1."""
    if abs(x) < 1:
        t = arith.tanh(x)
        return 1 - t * t
    e = arith.exp(-2 * abs(x))
    return 4 * e / (1 + e) ** 2


def _gelu_constants() -> tuple[float, float]:
    """√(2/π) and 0.044715, to the arithmetic's precision."""
    if arith.is_precise:
        return arith.sqrt(2 / arith.pi), arith.real(Fraction("0.044715"))
    return GELU_C, GELU_K


def _gelu_tanh_u(x: float) -> float:
    # beyond 1e100, x³ overflows; tanh(u) is ±1 long before
    c, k = _gelu_constants()
    return c * (x + k * x**3) if abs(x) < 1e100 else math.copysign(math.inf, x)


def _gelu(x: float, p: P) -> float:
    if p.approximate == "tanh":  # ½·x·(1 + tanh u) = x·σ(2u): no 1 − 0.99999… to cancel
        return x * sigmoid(2 * _gelu_tanh_u(x))
    return x * normal_cdf(x)


def _gelu_derivative(x: float, p: P) -> float:
    if p.approximate != "tanh":
        return normal_cdf(x) + x * normal_pdf(x)
    u = _gelu_tanh_u(x)
    # ½·(1 + tanh u) = σ(2u) and 1 − tanh²u = 4·σ(2u)·σ(−2u), each without cancellation
    up, down = sigmoid(2 * u), sigmoid(-2 * u)
    if up * down == 0:
        return up
    c, k = _gelu_constants()
    slope = c * (1 + 3 * k * x * x)
    return up + 2 * x * up * down * slope


def _hard_sigmoid_shape(p: P) -> tuple[float, float, Expr]:
    """Slope, edge and the slope as written: Keras 2's 0.2x + ½ or x/6 + ½."""
    if p.convention == "keras2":
        return 0.2, 2.5, Num(0.2) * X
    return 1 / 6, 3.0, X / 6


def _hard_sigmoid_slope(p: P) -> Num:
    return Num(0.2) if p.convention == "keras2" else Num(Fraction(1, 6))


def _hard_sigmoid(x: float, p: P) -> float:
    """x/6 + ½ computed as (x + 3)/6 (0.2x + ½ as (x + 2.5)/5): near the lower edge x/6 and ½
    cancel, and (x + 3) is exact there."""
    _slope, edge, _ = _hard_sigmoid_shape(p)
    return min(max((x + edge) / (2 * edge), 0.0), 1.0)


def _hard_sigmoid_derivative(x: float, p: P) -> float:
    slope, edge, _ = _hard_sigmoid_shape(p)
    inside = abs(x) <= edge if p.convention == "keras2" else abs(x) < edge
    return slope if inside else 0.0


def _hard_sigmoid_piece(x: float, p: P) -> Piece:
    _slope, edge, written = _hard_sigmoid_shape(p)
    line = written + HALF
    inside = abs(x) <= edge if p.convention == "keras2" else abs(x) < edge
    if inside:
        return Piece(
            line,
            _hard_sigmoid_slope(p),
            Rel("≤" if p.convention == "keras2" else "<", call("abs", X), _num(edge)),
        )
    side = Rel("≥", X, _num(edge)) if x > 0 else Rel("≤", X, Num(-edge))
    return Piece(ONE if x > 0 else ZERO, ZERO, side)


def _hard_sigmoid_rule(p: P) -> tuple[Expr, Expr]:
    _, edge, written = _hard_sigmoid_shape(p)
    value = call("clip", written + HALF, ZERO, ONE)
    inside = Rel("≤" if p.convention == "keras2" else "<", call("abs", X), _num(edge))
    derivative = Cases(((_hard_sigmoid_slope(p), inside), (ZERO, None)))
    return value, derivative


def _step_piece(x: float, p: P) -> Piece:
    if x == 0:
        return Piece(
            _num(p.step_at_zero),
            ZERO,
            Rel("=", X, ZERO),
            convention_note="at the jump, by convention",
        )
    return Piece(ONE if x > 0 else ZERO, ZERO, Rel(">" if x > 0 else "<", X, ZERO))


def _relu_convention(p: P) -> str:
    if p.grad_at_zero is None:
        return "ReLU′(0) = 0, as PyTorch and Keras (--grad-at-zero 1 for the z ≥ 0 rule)"
    return f"ReLU′(0) = {p.grad_at_zero:g} (--grad-at-zero)"


def _leaky_convention(p: P) -> str:
    default = " (PyTorch's default; Keras's layer uses 0.3, its function 0.2: --alpha)"
    text = f"α = {_alpha(p, 0.01):g}" + (default if p.alpha is None else " (--alpha)")
    if p.grad_at_zero is None:
        return text + "; the derivative at 0 is α, as PyTorch"
    return text + f"; the derivative at 0 is {p.grad_at_zero:g} (--grad-at-zero)"


def _leaky_piece(x: float, p: P) -> Piece:
    a = _alpha(p, 0.01)
    return kinked(X, ALPHA * X, ONE, ALPHA, a)(x, p)


def _elu_piece(x: float, p: P) -> Piece:
    if x > 0:
        return Piece(X, ONE, Rel(">", X, ZERO))
    return Piece(ALPHA * (exp(X) - 1), ALPHA * exp(X), Rel("≤", X, ZERO))


def _selu_piece(x: float, p: P) -> Piece:
    if x > 0:
        return Piece(LAMBDA * X, LAMBDA, Rel(">", X, ZERO))
    return Piece(LAMBDA * ALPHA * (exp(X) - 1), LAMBDA * ALPHA * exp(X), Rel("≤", X, ZERO))


def _gelu_rule(p: P) -> tuple[Expr, Expr]:
    if p.approximate == "tanh":
        value = HALF * X * (1 + tanh(U))
        derivative = HALF * (1 + tanh(U)) + HALF * X * (1 - tanh(U) ** 2) * sqrt(2 / Sym("π")) * (
            1 + 3 * Num(GELU_K) * X**2
        )
        return value, derivative
    return X * call("Φ", X), call("Φ", X) + X * call("φ", X)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": smooth(
        "σ",
        lambda x, p: sigmoid(x),
        lambda x, p: sigmoid(x) * sigmoid(-x),
        1 / (1 + exp(-X)),
        sigma(X) * (1 - sigma(X)),
        notes=lambda x, p: (
            (f"the exact value is about {exp_text(x)}, below the smallest float64",)
            if sigmoid(x) == 0
            else ()
        ),
    ),
    "tanh": smooth(
        "tanh",
        lambda x, p: arith.tanh(x),
        lambda x, p: _sech2(x),
        (exp(X) - exp(-X)) / (exp(X) + exp(-X)),
        1 - tanh(X) ** 2,
    ),
    "relu": Activation(
        "ReLU",
        lambda x, p: max(x, 0.0),
        lambda x, p: 1.0 if x > 0 else 0.0 if x < 0 else (p.grad_at_zero or 0.0),
        fixed(call("max", ZERO, X), Cases(((ONE, Rel(">", X, ZERO)), (ZERO, Rel("<", X, ZERO))))),
        kinked(call("max", ZERO, X), None, ONE, ZERO, 0.0),
        convention=_relu_convention,
    ),
    "leaky_relu": Activation(
        "LeakyReLU",
        lambda x, p: x if x > 0 else _slope(p, 0.01) * x,
        lambda x, p: (
            1.0 if x > 0 else _slope(p, 0.01) if x < 0 or p.grad_at_zero is None else p.grad_at_zero
        ),
        fixed(
            Cases(((X, Rel(">", X, ZERO)), (ALPHA * X, None))),
            Cases(((ONE, Rel(">", X, ZERO)), (ALPHA, None))),
        ),
        _leaky_piece,
        constants=lambda p: {"α": _num(_alpha(p, 0.01))},
        convention=_leaky_convention,
    ),
    "elu": Activation(
        "ELU",
        lambda x, p: x if x > 0 else _slope(p, 1.0) * arith.expm1(x),
        lambda x, p: 1.0 if x > 0 else _slope(p, 1.0) * arith.exp(x),
        fixed(
            Cases(((X, Rel(">", X, ZERO)), (ALPHA * (exp(X) - 1), None))),
            Cases(((ONE, Rel(">", X, ZERO)), (ALPHA * exp(X), None))),
        ),
        _elu_piece,
        constants=lambda p: {"α": _num(_alpha(p, 1.0))},
        convention=lambda p: (
            f"α = {_alpha(p, 1.0):g}"
            + (" (the default)" if p.alpha is None else "")
            + "; ELU′(0) = α, the x ≤ 0 branch, as PyTorch"
        ),
    ),
    "selu": Activation(
        "SELU",
        lambda x, p: SELU_SCALE * (x if x > 0 else SELU_ALPHA * arith.expm1(x)),
        lambda x, p: SELU_SCALE * (1.0 if x > 0 else SELU_ALPHA * arith.exp(x)),
        fixed(
            Cases(((LAMBDA * X, Rel(">", X, ZERO)), (LAMBDA * ALPHA * (exp(X) - 1), None))),
            Cases(((LAMBDA, Rel(">", X, ZERO)), (LAMBDA * ALPHA * exp(X), None))),
        ),
        _selu_piece,
        constants=lambda p: {"λ": Num(SELU_SCALE), "α": Num(SELU_ALPHA)},
        named=frozenset({"λ", "α"}),
        convention=lambda p: f"λ = {SELU_SCALE}, α = {SELU_ALPHA} (PyTorch and Keras)",
    ),
    "gelu": Activation(
        "GELU",
        _gelu,
        _gelu_derivative,
        _gelu_rule,
        lambda x, p: Piece(*_gelu_rule(p)),
        where={"u": sqrt(2 / Sym("π")) * (X + Num(GELU_K) * X**3)},
        convention=lambda p: (
            "the tanh approximation (--approximate tanh)"
            if p.approximate == "tanh"
            else "the exact form with erf (PyTorch's default; --approximate tanh for the other)"
        ),
    ),
    "silu": smooth(
        "SiLU",
        lambda x, p: x * sigmoid(x),
        lambda x, p: sigmoid(x) * (1 + x * sigmoid(-x)),
        X * sigma(X),
        sigma(X) * (1 + X * (1 - sigma(X))),
    ),
    "softplus": smooth(
        "softplus",
        lambda x, p: softplus(x),
        lambda x, p: sigmoid(x),
        call("ln", 1 + exp(X)),
        sigma(X),
        notes=lambda x, p: (
            ("PyTorch's Softplus returns x itself above its threshold of 20",) if x > 20 else ()
        ),
    ),
    "softsign": smooth(
        "softsign",
        lambda x, p: x / (1 + abs(x)),
        lambda x, p: (1 / (1 + abs(x))) ** 2,
        X / (1 + call("abs", X)),
        1 / (1 + call("abs", X)) ** 2,
    ),
    "hard_sigmoid": Activation(
        "hard_sigmoid",
        _hard_sigmoid,
        _hard_sigmoid_derivative,
        _hard_sigmoid_rule,
        _hard_sigmoid_piece,
        convention=lambda p: (
            "Keras 2 and older notes: clip(0.2x + ½, 0, 1), breaks at ±2.5 (--convention keras2)"
            if p.convention == "keras2"
            else "PyTorch and Keras 3: clip(x/6 + ½, 0, 1), breaks at ±3 "
            "(--convention keras2 for 0.2x + ½)"
        ),
    ),
    "step": Activation(
        "step",
        lambda x, p: 1.0 if x > 0 else 0.0 if x < 0 else p.step_at_zero,
        lambda x, p: 0.0,
        fixed(Cases(((ONE, Rel(">", X, ZERO)), (ZERO, Rel("<", X, ZERO)))), ZERO),
        _step_piece,
        notes=lambda x, p: (
            "the step is flat (derivative 0) and jumps at 0: gradient descent cannot train it",
        ),
        convention=lambda p: (
            f"step(0) = {p.step_at_zero:g} (--step-at-zero 1 for x ≥ 0, 0 for "
            "x > 0, 0.5 for the half-maximum)"
        ),
    ),
    "sign": Activation(
        "sign",
        lambda x, p: 1.0 if x >= 0 else -1.0,
        lambda x, p: 0.0,
        fixed(Cases(((ONE, Rel("≥", X, ZERO)), (_num(-1.0), Rel("<", X, ZERO)))), ZERO),
        lambda x, p: Piece(
            ONE if x >= 0 else _num(-1.0), ZERO, Rel("≥" if x >= 0 else "<", X, ZERO)
        ),
        notes=lambda x, p: (
            "the bipolar step is flat (derivative 0): a perceptron learns by its own rule, "
            "not by gradient descent",
        ),
        convention=lambda p: "sign(0) = +1 (the bipolar step; numpy's and torch's sign give 0)",
    ),
    "linear": smooth("linear", lambda x, p: x, lambda x, p: 1.0, X, ONE),
    "mish": smooth(
        "mish",
        lambda x, p: x * arith.tanh(softplus(x)),
        lambda x, p: arith.tanh(softplus(x)) + x * _sech2(softplus(x)) * sigmoid(x),
        X * tanh(call("softplus", X)),
        tanh(SP) + X * (1 - tanh(SP) ** 2) * sigma(X),
        where={"ς": call("softplus", X)},
    ),
}
