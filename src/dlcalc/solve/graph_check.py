"""``dlcalc grad --nudge`` and ``--check``: the derivative as a nudge, (f(x + ε) − f(x))/ε and
(f(x + ε) − f(x − ε))/2ε for each input, and gradient checking, the relative difference
‖g_num − g‖/(‖g_num‖ + ‖g‖) against a threshold."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from dlcalc.errors import DlcalcError
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
        try:
            values[name] = evaluate(op, numbers)
        except (ValueError, ZeroDivisionError, OverflowError):
            values[name] = math.nan
        if not arith.isfinite(values[name]):
            shown = ", ".join(f"{k} = {float(v):.10g}" for k, v in point.items())
            raise DlcalcError(
                f"the nudged point ({shown}) leaves the formula's domain",
                expected="a smaller --nudge, or a point farther from the domain's edge",
            )
    return values[spec.output]


def _quantities(spec: GraphSpec, order: Order, exact: list[float]) -> dict[str, Any]:
    """f, f(x ± ε), both slopes for each input, and with --check the norms and the relative
    difference: computed together, at whatever precision the arithmetic has."""
    assert spec.nudge is not None
    eps = arith.real(spec.nudge.value)
    point = {name: arith.real(n.value) for name, n in spec.at}
    found: dict[str, Any] = {"f": f_at(spec, order, point)}
    for name in point:
        up = f_at(spec, order, {**point, name: point[name] + eps})
        down = f_at(spec, order, {**point, name: point[name] - eps})
        found |= {f"up.{name}": up, f"down.{name}": down, f"at.{name}": point[name]}
        found[f"one.{name}"] = (up - found["f"]) / eps
        found[f"two.{name}"] = (up - down) / (2 * eps)
    numeric = [found[f"two.{name}"] for name in point]
    vectors = {
        "diff": [n - arith.real(g) for n, g in zip(numeric, exact)],
        "numeric": numeric,
        "grad": [arith.real(g) for g in exact],
    }
    for key, values in vectors.items():
        found[f"values.{key}"] = values
        found[f"sum_sq.{key}"] = arith.fsum(v * v for v in values)
        found[f"norm.{key}"] = arith.sqrt(found[f"sum_sq.{key}"])
    total = found["norm.numeric"] + found["norm.grad"]
    found["difference"] = found["norm.diff"] / total if total else 0
    return found


def differences(
    spec: GraphSpec, order: Order, gradients: tuple[Step, ...]
) -> tuple[tuple[Step, ...], tuple[Step, ...], bool | None]:
    assert spec.nudge is not None
    out, eps = spec.output, spec.nudge
    exact = [g.number for g in gradients[-len(spec.at) :]]
    q = _quantities(spec, order, exact)
    e = Num(eps.value, eps.text)
    numeric: list[Step] = []
    for name, _ in spec.at:
        up, down = q[f"up.{name}"], q[f"down.{name}"]
        visible = _visible(q["f"], up, down, spec.digits)
        at, below = f"{out}({name}+ε)", f"{out}({name}-ε)"
        numeric += [
            _point(at, up, visible(up), _where(name, q[f"at.{name}"], eps.value, 1)),
            _point(below, down, visible(down), _where(name, q[f"at.{name}"], eps.value, -1)),
            step(
                f"slope1.{name}",
                Sym(f"slope1.{name}"),
                Div(Sym(at) - Sym(out), EPS),
                {},
                q[f"one.{name}"],
                stages=[tidy(Div(visible(up) - visible(q["f"]), e))],
            ),
            step(
                f"slope2.{name}",
                Sym(f"slope2.{name}"),
                Div(Sym(at) - Sym(below), Num(2) * EPS),
                {},
                q[f"two.{name}"],
                stages=[tidy(Div(visible(up) - visible(down), Num(2) * e))],
            ),
        ]
    if not spec.check:
        return tuple(numeric), (), None
    return tuple(numeric), _check(spec, q), bool(q["difference"] < spec.threshold)


def _check(spec: GraphSpec, q: dict[str, Any]) -> tuple[Step, ...]:
    """‖g_num − g‖, ‖g_num‖ and ‖g‖ written out, and their ratio with its verdict."""
    labels = {
        "diff": ("g_num − g", r"g_{\mathrm{num}} - g"),
        "numeric": ("g_num", r"g_{\mathrm{num}}"),
        "grad": ("g", "g"),
    }
    steps: list[Step] = []
    for key, (label, latex) in labels.items():
        squares = tuple(Pow(Num(v), Num(2)) for v in q[f"values.{key}"])
        shown: Expr = Add(squares) if len(squares) > 1 else squares[0]
        squared = Sym(f"‖{label}‖²", latex=rf"\lVert {latex} \rVert^2")
        steps.append(step(f"sum_sq.{key}", squared, None, {}, q[f"sum_sq.{key}"], stages=[shown]))
        norm = Sym(f"‖{label}‖", latex=rf"\lVert {latex} \rVert")
        root = sqrt(Num(q[f"sum_sq.{key}"]))
        steps.append(step(f"norm.{key}", norm, None, {}, q[f"norm.{key}"], stages=[root]))
    value = q["difference"]
    passed = value < spec.threshold
    shown = Div(Num(q["norm.diff"]), Num(q["norm.numeric"]) + Num(q["norm.grad"]))
    rule: Expr = Div(
        Call("‖·‖", (Sym("g_num") - Sym("g"),)),
        Call("‖·‖", (Sym("g_num"),)) + Call("‖·‖", (Sym("g"),)),
    )
    verdict = (
        f"(below {spec.threshold:g}: the gradient is right)"
        if passed
        else f"(not below {spec.threshold:g}: the gradient is wrong, or ε too large or too small)"
    )
    steps.append(
        step("difference", Sym("difference"), rule, {}, value, stages=[shown], words=verdict)
    )
    return tuple(steps)


def _where(name: str, value: float, eps: float, sign: int) -> str:
    """Where f was taken: (at x = 2.001)."""
    return f"(at {name} = {float(value) + sign * float(eps):.10g})".replace("-", "−")


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
    return lambda value: Num(value, f"{float(value):.{places}g}")
