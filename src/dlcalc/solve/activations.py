"""Activation functions: the value and the derivative at each x, with formula and working.

Each function is computed in float64 with a numerically stable form, and its working shows the
textbook formula with the values substituted. With ``exact``, SymPy (imported only then) gives
the closed form of each result from the branch of the function that applies at x.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

from dlcalc.solve.exact import closed_form
from dlcalc.solve.exact import sympy as exact_module
from dlcalc.solve.numbers import (
    Fmt,
    exp_text,
    factor,
    finite,
    num,
    number_text,
    plus,
    stable_sigmoid,
    stable_softplus,
)
from dlcalc.spec.calculators import ACTIVATION_NAMES, ActivateSpec, ActivationParams, Number

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
GELU_C = math.sqrt(2 / math.pi)


class Worked(NamedTuple):
    """One result: the formula with the values substituted, and the value."""

    worked: str
    value: float


class Evaluation(NamedTuple):
    value: Worked
    derivative: Worked
    notes: tuple[str, ...] = ()


class Activation(NamedTuple):
    """How one activation is written, computed and given in closed form."""

    symbol: str
    formula: str
    derivative_formula: str
    evaluate: Callable[[float, str, ActivationParams, Fmt], Evaluation]
    """(x, x as written, params, number formatter) → value and derivative with working."""
    branch: Callable[[Any, Fraction, ActivationParams], Any]
    """(SymPy symbol, x, params) → the expression of the branch that applies at x."""
    convention: Callable[[ActivationParams], str] = lambda params: ""
    kink: Callable[[Fraction, ActivationParams], Fraction | None] = lambda x, params: None
    """The derivative the convention gives at a kink, where the branch's own would differ."""
    variant: Callable[[ActivationParams], tuple[str, str] | None] = lambda params: None
    """Other formulas (value, derivative) where an option selects another definition."""


class ActivationRow(NamedTuple):
    x: Number
    value: Worked
    derivative: Worked
    exact_value: str | None = None
    exact_derivative: str | None = None
    notes: tuple[str, ...] = ()


class ActivateResult(NamedTuple):
    function: str
    symbol: str
    formula: str
    derivative_formula: str
    convention: str
    rows: tuple[ActivationRow, ...]
    params: ActivationParams
    curve: tuple[tuple[float, float, float], ...] = ()
    """(x, value, derivative) at evenly spaced points, for a plot."""


# --- the functions ----------------------------------------------------------------------


def _sigmoid(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    s, t = stable_sigmoid(x), stable_sigmoid(-x)
    value = Worked(f"1/(1 + e^{factor(_neg(xt))}) = 1/(1 + {exp_text(-x)})", s)
    derivative = Worked(f"σ({xt})·(1 − σ({xt})) = {f(s)}·{f(t)}", s * t)
    notes: tuple[str, ...] = ()
    if s == 0:
        notes = (f"the exact value is about {exp_text(x)}, below the smallest float64",)
    return Evaluation(value, derivative, notes)


def _tanh(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    t = math.tanh(x)
    a, b = exp_text(x), exp_text(-x)
    up, down = f"e^{factor(xt)}", f"e^{factor(_neg(xt))}"
    value = Worked(f"({up} − {down})/({up} + {down}) = ({a} − {b})/({a} + {b})", t)
    return Evaluation(value, Worked(f"1 − tanh²({xt}) = 1 − {factor(f(t))}²", _sech2(x)))


def _sech2(x: float) -> float:
    """1 − tanh²(x), without the cancellation of 1 − t² where tanh(x) is close to ±1."""
    if abs(x) < 1:
        t = math.tanh(x)
        return 1 - t * t
    e = math.exp(-2 * abs(x))
    return 4 * e / (1 + e) ** 2


def _relu(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    value = Worked(f"max(0, {xt})", max(x, 0.0))
    return Evaluation(value, _piece_derivative(x, 1.0, 0.0, p.grad_at_zero, 0.0))


def _leaky(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    a = _alpha(p, 0.01)
    value = Worked(f"{xt} since x > 0", x) if x > 0 else Worked(f"{f(a)}·{factor(xt)}", a * x)
    return Evaluation(value, _piece_derivative(x, 1.0, a, p.grad_at_zero, a))


def _piece_derivative(
    x: float, right: float, left: float, at_zero: float | None, framework: float
) -> Worked:
    if x > 0:
        return Worked(f"{num(right)} since x > 0", right)
    if x < 0:
        return Worked(f"{num(left)} since x < 0", left)
    chosen = framework if at_zero is None else at_zero
    return Worked(f"{num(chosen)} at the kink, by convention", chosen)


def _elu(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    a = _alpha(p, 1.0)
    if x > 0:
        return Evaluation(Worked(f"{xt} since x > 0", x), Worked("1 since x > 0", 1.0))
    e = math.exp(x)
    value = Worked(f"{f(a)}·(e^{factor(xt)} − 1) = {f(a)}·({f(e)} − 1)", a * math.expm1(x))
    return Evaluation(value, Worked(f"{f(a)}·e^{factor(xt)} = {f(a)}·{f(e)}", a * e))


def _selu(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    lam, a = SELU_SCALE, SELU_ALPHA
    if x > 0:
        return Evaluation(
            Worked(f"λ·{factor(xt)} = {f(lam)}·{factor(xt)}", lam * x), Worked(f"λ = {f(lam)}", lam)
        )
    e = math.exp(x)
    value = Worked(
        f"λ·α·(e^{factor(xt)} − 1) = {f(lam)}·{f(a)}·({f(e)} − 1)", lam * a * math.expm1(x)
    )
    return Evaluation(value, Worked(f"λ·α·e^{factor(xt)} = {f(lam)}·{f(a)}·{f(e)}", lam * a * e))


def _gelu(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    if p.approximate == "tanh":
        # beyond 1e100, x³ overflows; tanh(u) is ±1 long before
        u = GELU_C * (x + 0.044715 * x**3) if abs(x) < 1e100 else math.copysign(math.inf, x)
        t = math.tanh(u)
        value = Worked(
            f"½·{factor(xt)}·(1 + tanh(u)), u = √(2/π)·({xt} + 0.044715·{factor(xt)}³) = {f(u)}: "
            f"½·{factor(xt)}·(1 {plus(f(t))})",
            0.5 * x * (1 + t),
        )
        slope = GELU_C * (1 + 3 * 0.044715 * x * x) if abs(x) < 1e100 else math.inf
        derivative = Worked(
            f"½·(1 + tanh u) + ½·{factor(xt)}·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715·{factor(xt)}²) = "
            f"½·(1 {plus(f(t))}) + ½·{factor(xt)}·{f(1 - t * t)}·{f(slope)}",
            0.5 * (1 + t) + (0.5 * x * (1 - t * t) * slope if t * t < 1 else 0.0),
        )
        return Evaluation(value, derivative)
    cdf = 0.5 * math.erfc(-x / math.sqrt(2))
    pdf = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    value = Worked(f"{xt}·Φ({xt}) = {xt}·½·(1 + erf({xt}/√2)) = {xt}·{f(cdf)}", x * cdf)
    derivative = Worked(f"Φ({xt}) {plus(xt)}·φ({xt}) = {f(cdf)} {plus(xt)}·{f(pdf)}", cdf + x * pdf)
    return Evaluation(value, derivative)


def _silu(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    s = stable_sigmoid(x)
    value = Worked(f"{xt}·σ({xt}) = {xt}·{f(s)}", x * s)
    derivative = Worked(
        f"σ({xt})·(1 {plus(xt)}·(1 − σ({xt}))) = {f(s)}·(1 {plus(xt)}·{f(1 - s)})",
        s * (1 + x * (1 - s)),
    )
    return Evaluation(value, derivative)


def _softplus(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    value = Worked(f"ln(1 + e^{factor(xt)}) = ln(1 + {exp_text(x)})", stable_softplus(x))
    notes: tuple[str, ...] = ()
    if x > 20:
        notes = ("PyTorch's Softplus returns x itself above its threshold of 20",)
    return Evaluation(
        value, Worked(f"σ({xt}) = 1/(1 + e^{factor(_neg(xt))})", stable_sigmoid(x)), notes
    )


def _softsign(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    d = 1 + abs(x)
    return Evaluation(
        Worked(f"{xt}/(1 + |{xt}|) = {xt}/{f(d)}", x / d),
        Worked(f"1/(1 + |{xt}|)² = 1/{f(d)}²", 1 / (d * d)),
    )


def _hard_sigmoid(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    slope, edge, slope_text = (0.2, 2.5, "0.2") if p.convention == "keras2" else (1 / 6, 3.0, "1/6")
    if p.convention == "keras2" and abs(x) == edge:
        # Keras 2 clips 0.2x + ½, and a clip passes the gradient at its bounds
        value = Worked(f"0.2·{factor(xt)} + ½", slope * x + 0.5)
        return Evaluation(value, Worked("0.2 at the bound of the clip, as TensorFlow", slope))
    if x <= -edge:
        return Evaluation(
            Worked(f"0 since x ≤ −{f(edge)}", 0.0), Worked(f"0 since x ≤ −{f(edge)}", 0.0)
        )
    if x >= edge:
        return Evaluation(
            Worked(f"1 since x ≥ {f(edge)}", 1.0), Worked(f"0 since x ≥ {f(edge)}", 0.0)
        )
    value = Worked(f"{slope_text}·{factor(xt)} + ½", slope * x + 0.5)
    return Evaluation(value, Worked(f"{slope_text} inside (−{f(edge)}, {f(edge)})", slope))


def _step(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    if x == 0:
        value = Worked(f"{num(p.step_at_zero)} at the jump, by convention", p.step_at_zero)
    else:
        value = Worked("1 since x > 0" if x > 0 else "0 since x < 0", 1.0 if x > 0 else 0.0)
    note = "the step is flat (derivative 0) and jumps at 0: gradient descent cannot train it"
    return Evaluation(value, Worked("0 on both sides of the jump", 0.0), (note,))


def _linear(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    return Evaluation(Worked(xt, x), Worked("1", 1.0))


def _mish(x: float, xt: str, p: ActivationParams, f: Fmt) -> Evaluation:
    sp = stable_softplus(x)
    t, s = math.tanh(sp), stable_sigmoid(x)
    value = Worked(f"{xt}·tanh(softplus({xt})) = {xt}·tanh({f(sp)}) = {xt}·{f(t)}", x * t)
    derivative = Worked(
        f"tanh(ς) {plus(xt)}·(1 − tanh²ς)·σ({xt}), ς = softplus({xt}): "
        f"{f(t)} {plus(xt)}·{f(1 - t * t)}·{f(s)}",
        t + x * (1 - t * t) * s,
    )
    return Evaluation(value, derivative)


def _alpha(p: ActivationParams, default: float) -> float:
    return default if p.alpha is None else p.alpha


def _neg(text: str) -> str:
    """``−x`` for the number written ``text``."""
    if text.strip("0.") == "":
        return text
    return text[1:] if text.startswith(("-", "−")) else f"−{text}"


# --- closed forms (SymPy) ---------------------------------------------------------------


def _sym() -> Any:
    return exact_module()


def _rational(value: float) -> Any:
    return _sym().Rational(str(value))


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": Activation(
        "σ",
        "σ(x) = 1/(1 + e^−x)",
        "σ′(x) = σ(x)·(1 − σ(x))",
        _sigmoid,
        lambda s, x, p: 1 / (1 + _sym().exp(-s)),
    ),
    "tanh": Activation(
        "tanh",
        "tanh(x) = (e^x − e^−x)/(e^x + e^−x)",
        "tanh′(x) = 1 − tanh²(x)",
        _tanh,
        lambda s, x, p: _sym().tanh(s),
    ),
    "relu": Activation(
        "ReLU",
        "ReLU(x) = max(0, x)",
        "ReLU′(x) = 1 if x > 0, 0 if x < 0",
        _relu,
        lambda s, x, p: s if x > 0 else _sym().Integer(0),
        lambda p: (
            "ReLU′(0) = 0, as PyTorch and Keras (--grad-at-zero 1 for the z ≥ 0 rule)"
            if p.grad_at_zero is None
            else f"ReLU′(0) = {num(p.grad_at_zero)} (--grad-at-zero)"
        ),
        lambda x, p: Fraction(str(p.grad_at_zero or 0)) if x == 0 else None,
    ),
    "leaky_relu": Activation(
        "LeakyReLU",
        "LeakyReLU(x) = x if x > 0, α·x otherwise",
        "LeakyReLU′(x) = 1 if x > 0, α otherwise",
        _leaky,
        lambda s, x, p: s if x > 0 else _rational(_alpha(p, 0.01)) * s,
        lambda p: (
            f"α = {num(_alpha(p, 0.01))}"
            + (
                " (PyTorch's default; Keras's layer uses 0.3, its function 0.2: --alpha)"
                if p.alpha is None
                else " (--alpha)"
            )
            + (
                "; the derivative at 0 is α, as PyTorch"
                if p.grad_at_zero is None
                else f"; the derivative at 0 is {num(p.grad_at_zero)} (--grad-at-zero)"
            )
        ),
        lambda x, p: (
            Fraction(str(_alpha(p, 0.01) if p.grad_at_zero is None else p.grad_at_zero))
            if x == 0
            else None
        ),
    ),
    "elu": Activation(
        "ELU",
        "ELU(x) = x if x > 0, α·(e^x − 1) otherwise",
        "ELU′(x) = 1 if x > 0, α·e^x otherwise",
        _elu,
        lambda s, x, p: s if x > 0 else _rational(_alpha(p, 1.0)) * (_sym().exp(s) - 1),
        lambda p: (
            f"α = {num(_alpha(p, 1.0))}"
            + (" (the default)" if p.alpha is None else "")
            + "; ELU′(0) = α, the x ≤ 0 branch, as PyTorch"
        ),
    ),
    "selu": Activation(
        "SELU",
        "SELU(x) = λ·x if x > 0, λ·α·(e^x − 1) otherwise",
        "SELU′(x) = λ if x > 0, λ·α·e^x otherwise",
        _selu,
        lambda s, x, p: (  # λ and α stay named: their decimals are in the convention line
            _sym().Symbol("λ") * (s if x > 0 else _sym().Symbol("α") * (_sym().exp(s) - 1))
        ),
        lambda p: f"λ = {SELU_SCALE}, α = {SELU_ALPHA} (PyTorch and Keras)",
    ),
    "gelu": Activation(
        "GELU",
        "GELU(x) = x·Φ(x) = ½·x·(1 + erf(x/√2))",
        "GELU′(x) = Φ(x) + x·φ(x), φ(x) = e^(−x²/2)/√(2π)",
        _gelu,
        lambda s, x, p: (
            s / 2 * (1 + _sym().tanh(_sym().sqrt(2 / _sym().pi) * (s + _rational(0.044715) * s**3)))
            if p.approximate == "tanh"
            else s / 2 * (1 + _sym().erf(s / _sym().sqrt(2)))
        ),
        lambda p: (
            "the tanh approximation (--approximate tanh)"
            if p.approximate == "tanh"
            else "the exact form with erf (PyTorch's default; --approximate tanh for the other)"
        ),
        variant=lambda p: (
            (
                "GELU(x) ≈ ½·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³)",
                "GELU′(x) ≈ ½·(1 + tanh u) + ½·x·(1 − tanh²u)·√(2/π)·(1 + 3·0.044715·x²)",
            )
            if p.approximate == "tanh"
            else None
        ),
    ),
    "silu": Activation(
        "SiLU",
        "SiLU(x) = swish(x) = x·σ(x)",
        "SiLU′(x) = σ(x)·(1 + x·(1 − σ(x)))",
        _silu,
        lambda s, x, p: s / (1 + _sym().exp(-s)),
    ),
    "softplus": Activation(
        "softplus",
        "softplus(x) = ln(1 + e^x)",
        "softplus′(x) = σ(x)",
        _softplus,
        lambda s, x, p: _sym().log(1 + _sym().exp(s)),
    ),
    "softsign": Activation(
        "softsign",
        "softsign(x) = x/(1 + |x|)",
        "softsign′(x) = 1/(1 + |x|)²",
        _softsign,
        lambda s, x, p: s / (1 + s) if x >= 0 else s / (1 - s),
    ),
    "hard_sigmoid": Activation(
        "hard_sigmoid",
        "hard_sigmoid(x) = clip(x/6 + ½, 0, 1)",
        "hard_sigmoid′(x) = 1/6 on (−3, 3), 0 elsewhere",
        _hard_sigmoid,
        lambda s, x, p: _hard_sigmoid_branch(s, x, p),
        lambda p: (
            "Keras 2 and older notes: clip(0.2x + ½, 0, 1), breaks at ±2.5 (--convention keras2)"
            if p.convention == "keras2"
            else "PyTorch and Keras 3: clip(x/6 + ½, 0, 1), breaks at ±3 "
            "(--convention keras2 for 0.2x + ½)"
        ),
        variant=lambda p: (
            (
                "hard_sigmoid(x) = clip(0.2·x + ½, 0, 1)",
                "hard_sigmoid′(x) = 0.2 on [−2.5, 2.5], 0 elsewhere",
            )
            if p.convention == "keras2"
            else None
        ),
    ),
    "step": Activation(
        "step",
        "step(x) = 1 if x > 0, 0 if x < 0",
        "step′(x) = 0 (undefined at 0)",
        _step,
        lambda s, x, p: (
            _sym().Rational(str(p.step_at_zero)) if x == 0 else _sym().Integer(int(x > 0))
        ),
        lambda p: (
            f"step(0) = {num(p.step_at_zero)} (--step-at-zero 1 for x ≥ 0, 0 for x > 0, "
            "0.5 for the half-maximum)"
        ),
    ),
    "linear": Activation("linear", "linear(x) = x", "linear′(x) = 1", _linear, lambda s, x, p: s),
    "mish": Activation(
        "mish",
        "mish(x) = x·tanh(softplus(x))",
        "mish′(x) = tanh(ς) + x·(1 − tanh²ς)·σ(x), ς = softplus(x)",
        _mish,
        lambda s, x, p: s * _sym().tanh(_sym().log(1 + _sym().exp(s))),
    ),
}
assert tuple(ACTIVATIONS) == ACTIVATION_NAMES


def _hard_sigmoid_branch(s: Any, x: Fraction, p: ActivationParams) -> Any:
    """The branch at x; Keras 2's clip keeps its slope at the bounds themselves."""
    sympy = _sym()
    keras2 = p.convention == "keras2"
    slope = sympy.Rational(1, 5) if keras2 else sympy.Rational(1, 6)
    edge = Fraction(5, 2) if keras2 else Fraction(3)
    outside = abs(x) > edge if keras2 else abs(x) >= edge
    if outside:
        return sympy.Integer(int(x > 0))
    return slope * s + sympy.Rational(1, 2)


def solve_activate(spec: ActivateSpec) -> ActivateResult:
    """The value and derivative of ``spec.function`` at every x, with working."""
    activation = ACTIVATIONS[spec.function]

    def fmt(value: float) -> str:
        return num(value, spec.digits)

    rows = []
    for x in spec.xs:
        shown = number_text(x, spec.digits)
        evaluation = activation.evaluate(x.value, shown, spec.params, fmt)
        finite(f"{spec.function}({x.text})", evaluation.value.value, evaluation.derivative.value)
        exact = _exact(activation, x.exact, spec.params) if spec.exact else (None, None)
        rows.append(
            ActivationRow(
                x,
                evaluation.value,
                evaluation.derivative,
                exact_value=exact[0],
                exact_derivative=exact[1],
                notes=evaluation.notes,
            )
        )
    curve = _curve(activation, spec) if spec.plot_points else ()
    formula, derivative_formula = activation.variant(spec.params) or (
        activation.formula,
        activation.derivative_formula,
    )
    return ActivateResult(
        spec.function,
        activation.symbol,
        formula,
        derivative_formula,
        activation.convention(spec.params),
        tuple(rows),
        spec.params,
        curve,
    )


def _curve(activation: Activation, spec: ActivateSpec) -> tuple[tuple[float, float, float], ...]:
    """The function and its derivative over the span of the given x (at least −5 to 5 around a
    single point), at ``spec.plot_points`` evenly spaced points."""
    low = min(x.value for x in spec.xs)
    high = max(x.value for x in spec.xs)
    if high - low < 1e-9:
        low, high = low - 5, high + 5
    points = []
    for i in range(spec.plot_points):
        share = i / (spec.plot_points - 1)
        x = low * (1 - share) + high * share  # no overflow, even from −1e308 to 1e308
        evaluation = activation.evaluate(x, "x", spec.params, str)
        points.append((x, evaluation.value.value, evaluation.derivative.value))
    return tuple(points)


def _exact(activation: Activation, x: Fraction, params: ActivationParams) -> tuple[str, str]:
    sympy = _sym()
    symbol = sympy.Symbol("x", real=True)
    expression = activation.branch(symbol, x, params)
    point = sympy.Rational(x.numerator, x.denominator)
    value = expression.subs(symbol, point)
    kink = activation.kink(x, params)
    if kink is not None:
        derivative = sympy.Rational(kink.numerator, kink.denominator)
    else:
        derivative = sympy.diff(expression, symbol).subs(symbol, point)
    return closed_form(value), closed_form(derivative)
