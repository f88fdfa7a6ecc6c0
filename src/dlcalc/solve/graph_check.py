"""``dlcalc grad --nudge`` and ``--check``: the derivative as a nudge, (f(x + ε) − f(x))/ε and
(f(x + ε) − f(x − ε))/2ε for each input, and gradient checking, the relative difference
‖g_num − g‖/(‖g_num‖ + ‖g‖) against a threshold."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from dlcalc.solve.graph_rules import evaluate
from dlcalc.spec.graph import GraphSpec
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Call, Div, Expr, Num, Pow, Sym, sqrt, tidy
from dlcalc.steps.step import Step, step

Order = Sequence[tuple[str, str, tuple[Any, ...]]]
EPS = Sym("ε")


def f_at(spec: GraphSpec, order: Order, point: dict[str, float]) -> float:
    """The formula's value at ``point`` (the same operations as the forward pass)."""
    values = dict(point)
    for name, op, args in order:
        numbers = [values[a] if isinstance(a, str) else arith.real(a.value) for a in args]
        values[name] = evaluate(op, numbers)
    return values[spec.output]


def differences(
    spec: GraphSpec, order: Order, gradients: tuple[Step, ...]
) -> tuple[tuple[Step, ...], tuple[Step, ...], bool | None]:
    assert spec.nudge is not None
    out, eps = spec.output, spec.nudge
    point = {name: arith.real(n.value) for name, n in spec.at}
    f0 = f_at(spec, order, point)
    numeric: list[Step] = []
    two_sided: list[float] = []
    for name, _ in spec.at:
        up = f_at(spec, order, {**point, name: point[name] + eps.value})
        down = f_at(spec, order, {**point, name: point[name] - eps.value})
        e = Num(eps.value, eps.text)
        visible = _visible(f0, up, down, spec.digits)
        at = f"{out}({name}+ε)"
        below = f"{out}({name}-ε)"
        one = (up - f0) / eps.value
        two = (up - down) / (2 * eps.value)
        two_sided.append(two)
        numeric += [
            _point(at, up, visible(up), f"(at {name} = {point[name] + eps.value:.10g})"),
            _point(below, down, visible(down), f"(at {name} = {point[name] - eps.value:.10g})"),
            step(
                f"slope1.{name}",
                Sym(f"slope1.{name}"),
                Div(Sym(at) - Sym(out), EPS),
                {},
                one,
                stages=[tidy(Div(visible(up) - visible(f0), e))],
            ),
            step(
                f"slope2.{name}",
                Sym(f"slope2.{name}"),
                Div(Sym(at) - Sym(below), Num(2) * EPS),
                {},
                two,
                stages=[tidy(Div(visible(up) - visible(down), Num(2) * e))],
            ),
        ]
    if not spec.check:
        return tuple(numeric), (), None
    exact = [g.number for g in gradients[-len(spec.at) :]]
    diff = [arith.sqrt(arith.fsum((n - g) ** 2 for n, g in zip(two_sided, exact)))]
    norms = [arith.sqrt(arith.fsum(v * v for v in values)) for values in (two_sided, exact)]
    total = norms[0] + norms[1]
    value = diff[0] / total if total else 0.0
    passed = value < spec.threshold
    shown = Div(
        _norm([Num(n - g) for n, g in zip(two_sided, exact)]),
        _norm([Num(n) for n in two_sided]) + _norm([Num(g) for g in exact]),
    )
    rule: Expr = Div(
        Call("‖·‖", (Sym("g_num") - Sym("g"),)),
        Call("‖·‖", (Sym("g_num"),)) + Call("‖·‖", (Sym("g"),)),
    )
    verdict = (
        f"(below {spec.threshold:g}: the gradient is right)"
        if passed
        else f"(not below {spec.threshold:g}: the gradient is wrong, or ε too large or too small)"
    )
    check = step("difference", Sym("difference"), rule, {}, value, stages=[shown], words=verdict)
    return tuple(numeric), (check,), passed


def _norm(terms: list[Expr]) -> Expr:
    """√(t₁² + t₂² + …), written out."""
    squares = tuple(Pow(t, Num(2)) for t in terms)
    return sqrt(Add(squares) if len(squares) > 1 else squares[0])


def _point(name: str, value: float, shown: Num, words: str) -> Step:
    """f at a nudged point."""
    return step(name, Sym(name), None, {}, value, stages=[shown], words=words)


def _visible(f0: float, up: float, down: float, digits: int) -> Callable[[float], Num]:
    """Values near f written with the digits their differences need (f(x + ε) = 6.00040001,
    not 6.0004): the report's digits beyond the first that the nudge changes."""
    change = max(abs(up - f0), abs(down - f0))
    scale = max(abs(f0), abs(up), abs(down))
    extra = 0 if change == 0 or scale == 0 else max(0, math.ceil(math.log10(scale / change)))
    places = min(digits + extra, 17)
    return lambda value: Num(value, f"{value:.{places}g}")
