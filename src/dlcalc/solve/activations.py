"""``dlcalc activate``: the value and the derivative at each x, as steps.

The functions themselves are defined in :mod:`dlcalc.rules.activations`; this module writes
their working at each x (the branch that applies, with x and the constants put in) and, with
``exact``, their closed forms (SymPy, imported only then).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from dlcalc.rules.activations import ACTIVATIONS, Activation, Piece
from dlcalc.solve.numbers import finite, input_number
from dlcalc.spec.calculators import ActivateSpec, ActivationParams, Number
from dlcalc.steps import arith
from dlcalc.steps.evaluate import evaluate
from dlcalc.steps.expr import Call, Expr, Num
from dlcalc.steps.step import Step, step


class ActivationRow(NamedTuple):
    x: Number
    value: Step
    derivative: Step


class ActivateResult(NamedTuple):
    function: str
    symbol: str
    rule: tuple[Expr, Expr]
    """The function's and its derivative's formulas in general (in x)."""
    where: dict[str, Expr]
    """Auxiliary symbols of the formulas (u, ς) and their definitions."""
    convention: str
    rows: tuple[ActivationRow, ...]
    params: ActivationParams
    curve: tuple[tuple[float, float, float], ...] = ()
    """(x, value, derivative) at evenly spaced points, for a plot."""

    @property
    def steps(self) -> list[Step]:
        return [s for row in self.rows for s in (row.value, row.derivative)]


def solve_activate(spec: ActivateSpec, activation: Activation | None = None) -> ActivateResult:
    """The value and derivative of ``spec.function`` at every x, with working (``activation``:
    a variant of the function's definition, a student's slip)."""
    activation = activation or ACTIVATIONS[spec.function]
    rows = []
    for x in spec.xs:
        value = activation.value(x.value, spec.params)
        derivative = activation.derivative(x.value, spec.params)
        finite(f"{spec.function}({x.text})", value, derivative)
        rows.append(_row(spec, activation, x, value, derivative))
    curve = _curve(activation, spec) if spec.plot_points else ()
    return ActivateResult(
        spec.function,
        activation.symbol,
        activation.rule(spec.params),
        activation.where,
        activation.convention(spec.params),
        tuple(rows),
        spec.params,
        curve,
    )


def _row(
    spec: ActivateSpec, activation: Activation, x: Number, value: float, derivative: float
) -> ActivationRow:
    exact = (
        _exact(activation, activation.piece(x.value, spec.params), x, spec.params)
        if spec.exact
        else (None, None)
    )
    steps = activation_steps(
        spec.function, input_number(x), x.text, spec.params, (value, derivative), exact, activation
    )
    return ActivationRow(x, *steps)


def activation_steps(
    function: str,
    x: Num,
    name: str,
    params: ActivationParams,
    values: tuple[float, float] | None = None,
    exact: tuple[Expr | None, Expr | None] = (None, None),
    activation: Activation | None = None,
) -> tuple[Step, Step]:
    """The steps of ``function``'s value and derivative at ``x`` (named ``function(name)`` and
    ``function'(name)``): the branch that applies, with x and the constants put in."""
    activation = activation or ACTIVATIONS[function]
    at = arith.real(x.value)
    piece = activation.piece(at, params)
    if values is None:
        values = (activation.value(at, params), activation.derivative(at, params))
    put_in: dict[str, Expr] = {"x": x, **activation.constants(params)}
    for symbol, definition in activation.where.items():
        put_in[symbol] = Num(evaluate(definition.subs(put_in)))
    value_step = step(
        f"{function}({name})",
        Call(activation.symbol, (x,)),
        piece.value,
        put_in,
        values[0],
        notes=activation.notes(at, params),
        condition=piece.condition,
        exact=exact[0],
    )
    derivative_step = step(
        f"{function}'({name})",
        Call(activation.symbol, (x,), primes=1),
        piece.derivative,
        put_in,
        values[1],
        notes=(piece.convention_note,) if piece.convention_note else (),
        condition=piece.derivative_condition or piece.condition,
        exact=exact[1],
    )
    return value_step, derivative_step


MAX_FLOAT = 1.7976931348623157e308


def _curve(activation: Activation, spec: ActivateSpec) -> tuple[tuple[float, float, float], ...]:
    """The function and its derivative over the span of the given x (at least −5 to 5 around a
    single point), at ``spec.plot_points`` evenly spaced points."""
    low = min(x.value for x in spec.xs)
    high = max(x.value for x in spec.xs)
    if high - low < 1e-9:  # one point: ±5 around it, or ±0.1 % where 5 is lost in its size
        pad = max(5.0, abs(low) / 1000)
        low, high = max(low - pad, -MAX_FLOAT), min(high + pad, MAX_FLOAT)
    points = []
    for i in range(spec.plot_points):
        share = i / (spec.plot_points - 1)
        x = low * (1 - share) + high * share  # no overflow, even from −1e308 to 1e308
        points.append((x, activation.value(x, spec.params), activation.derivative(x, spec.params)))
    return tuple(points)


def _exact(
    activation: Activation, piece: Piece, x: Number, params: ActivationParams
) -> tuple[Expr | None, Expr | None]:
    """The closed forms of the value and the derivative at x, from the branch's own trees."""
    from dlcalc.steps.sympy_bridge import from_sympy, rational, to_sympy

    symbols: dict[str, Any] = {"x": rational(x.exact)}
    for name, constant in activation.constants(params).items():
        if name not in activation.named and isinstance(constant, Num):
            symbols[name] = rational_of(constant.value)
    symbols.update(activation.where)
    value = to_sympy(piece.value, symbols)
    derivative = to_sympy(piece.derivative, symbols)
    return from_sympy(value), from_sympy(derivative)


def rational_of(value: Any) -> Any:
    """A float option (α = 0.01) as the rational it was written as."""
    from dlcalc.steps.sympy_bridge import rational, sympy

    return sympy().Rational(str(value)) if isinstance(value, float) else rational(value)
