"""Every kind of problem as answers to check: each solver's answers by name, its mistakes, and
the same answers with a mistake made (the real solver with one switch turned)."""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from typing import Any

from dlcalc.errors import DlcalcError, Location
from dlcalc.solve.check import Answers, Problem
from dlcalc.solve.marking import Worked
from dlcalc.solve.numbers import num
from dlcalc.spec.architecture import Convention
from dlcalc.spec.calculators import Number
from dlcalc.spec.problem import ProblemSpec

LN10 = math.log(10)


def solve_problem(problem: ProblemSpec, channels_first: bool = False) -> Problem:
    """The problem solved, with its mistakes ready to be tried on a wrong answer
    (``channels_first``: shapes in the working as C×H×W)."""
    solvers: dict[str, Callable[[Any, str], Problem]] = {
        "architecture": partial(_architecture, channels_first=channels_first),
        "network": _network,
        "optimizer": _optimizer,
        "calculator": _calculator,
    }
    return solvers[problem.kind](problem.spec, problem.source)


def _architecture(spec: Any, source: str, channels_first: bool) -> Problem:
    from dlcalc.solve.shape_mistakes import MISTAKES
    from dlcalc.solve.shapes import ShapesOptions, answer_values, solve_shapes

    convention: Convention = spec.convention or "keras"

    def answers(convention: Convention, mistake: str | None = None) -> Answers:
        options = ShapesOptions(convention, channels_first=channels_first, mistake=mistake)
        return answer_values(solve_shapes(spec, options))

    other: Convention = "keras" if convention == "pytorch" else "pytorch"
    whose = {"keras": "Keras's", "pytorch": "PyTorch's"}[other]
    mistakes = {name: variant.description for name, variant in MISTAKES.items()}
    mistakes["convention"] = f"{whose} parameter counts (--convention {other})"

    def variant(mistake: str) -> Answers:
        return answers(other) if mistake == "convention" else answers(convention, mistake)

    return Problem(
        source,
        "architecture",
        answers(convention),
        mistakes,
        variant,
        f"{convention} parameter counts",
    )


def _network(spec: Any, source: str) -> Problem:
    from dlcalc.solve.backprop import answer_values, mistakes, solve_backprop, with_mistake
    from dlcalc.spec.network import BackpropOptions

    def variant(mistake: str) -> Answers:
        return answer_values(solve_backprop(*with_mistake(spec, BackpropOptions(), mistake)))

    answers = answer_values(solve_backprop(spec))
    rule = "p ← p − η·∂E/∂p; ReLU′(0) = 0"
    return Problem(source, "network", answers, mistakes(spec), variant, rule)


def _optimizer(spec: Any, source: str) -> Problem:
    from dlcalc.solve.optimize import answer_values, mistakes, solve_optimize, with_mistake

    def variant(mistake: str) -> Answers:
        return answer_values(solve_optimize(*with_mistake(spec, mistake)))

    answers = answer_values(solve_optimize(spec))
    return Problem(
        source, "optimizer", answers, mistakes(spec), variant, f"{spec.convention} formulas"
    )


# --- the calculators --------------------------------------------------------------------


def _calculator(spec: Any, source: str) -> Problem:
    command, calc = spec
    builders = {"activate": _activate, "softmax": _softmax, "loss": _loss}
    try:
        answers, mistakes, variant = builders[command](calc)
    except DlcalcError as error:  # the solver's message names the problem file
        if error.location is None or error.location.source == "<command line>":
            error.location = Location(source)
        raise
    return Problem(source, "calculator", answers, mistakes, variant)


Built = tuple[Answers, dict[str, str], Callable[[str], Answers]]


def _activate(spec: Any) -> Built:
    from dlcalc.solve.activations import solve_activate

    def answers(spec: Any, derivatives: bool = True) -> Answers:
        result = solve_activate(spec)
        steps = result.steps if derivatives else [row.value for row in result.rows]
        return {s.name: Worked(s.value, s) for s in steps}  # type: ignore[arg-type]

    mistakes: dict[str, str] = {}
    if spec.function in ("sigmoid", "tanh", "softplus"):
        mistakes["exp-base-10"] = "10^x in place of e^x"
    if spec.function == "softplus":
        mistakes["log10"] = "log₁₀ in place of the natural log"
    if spec.function == "sigmoid":
        mistakes.update(SIGMOID_SLIPS)
    at_zero = any(x.value == 0 for x in spec.xs)
    if spec.function in ("relu", "leaky_relu") and spec.params.grad_at_zero is None and at_zero:
        mistakes["relu-grad-at-zero"] = "the derivative at 0 taken as 1 (the x ≥ 0 rule)"

    def variant(mistake: str) -> Answers:
        if mistake == "relu-grad-at-zero":
            return answers(spec._replace(params=spec.params._replace(grad_at_zero=1.0)))
        if mistake in SIGMOID_SLIPS:
            return _sigmoid_slips(answers(spec), mistake)
        correct = answers(spec, derivatives=False)
        if mistake == "log10":
            return {name: _log10(w) for name, w in correct.items()}
        scaled = tuple(_number(x.value * LN10) for x in spec.xs)
        wrong = answers(spec._replace(xs=scaled), derivatives=False)
        return {
            name: Worked(w.value, f"with 10^x = e^(x·ln 10): {_written(w)}")
            for name, w in zip(correct, wrong.values())
        }

    return answers(spec), mistakes, variant


SIGMOID_SLIPS = {
    "sigmoid-derivative-value": "σ′ taken as σ(x), without the (1 − σ)",
    "sigmoid-derivative-difference": "σ′ taken as σ − (1 − σ)",
}


def _sigmoid_slips(correct: Answers, mistake: str) -> Answers:
    """σ′(x) as students misremember it, from the right σ(x)."""
    slipped: Answers = {}
    for name in correct:
        if name.startswith("sigmoid'("):
            s = float(correct[name.replace("'", "", 1)].value)  # type: ignore[arg-type]
            if mistake == "sigmoid-derivative-value":
                slipped[name] = Worked(s, f"σ = {num(s)}")
            else:
                value = s - (1 - s)
                slipped[name] = Worked(value, f"{num(s)} − (1 − {num(s)}) = {num(value)}")
    return slipped


def _softmax(spec: Any) -> Built:
    from dlcalc.rules.softmax import OVERFLOW
    from dlcalc.solve.softmax import solve_softmax

    def answers(spec: Any) -> Answers:
        return {s.name: Worked(s.value, s) for s in solve_softmax(spec).steps}  # type: ignore[arg-type]

    correct = answers(spec)
    t = spec.temperature.value
    mistakes = {"exp-base-10": "10^z in place of e^z"}
    if "L" in correct:
        mistakes["log10"] = "log₁₀ in place of the natural log"
    if max(z.value / t for z in spec.z) > OVERFLOW:
        mistakes["no-max-shift"] = "e^z without subtracting the largest score first"

    def variant(mistake: str) -> Answers:
        if mistake == "no-max-shift":
            overflow = "e^z overflows a float64 (subtract the largest score: softmax(z − max z))"
            return {name: Worked(math.nan, overflow) for name in correct}
        if mistake == "log10":
            return {"L": _log10(correct["L"])}
        wrong = answers(spec._replace(temperature=_number(t / LN10)))
        return {
            n: Worked(w.value, f"with 10^z = e^(z·ln 10): {_written(w)}") for n, w in wrong.items()
        }

    return correct, mistakes, variant


def _loss(spec: Any) -> Built:
    from dlcalc.solve.losses import rule_of, solve_loss

    def answers(spec: Any) -> Answers:
        steps = solve_loss(spec)._replace(with_gradient=True).steps  # gradients answerable too
        return {s.name: Worked(s.value, s) for s in steps}  # type: ignore[arg-type]

    correct = answers(spec)
    mistakes: dict[str, str] = {}
    if rule_of(spec).logarithmic and not spec.log2:
        mistakes["log10"] = "log₁₀ in place of the natural log"
    other = "sum" if spec.reduction == "mean" else "mean"
    mistakes[f"reduction-{other}"] = f"the {other} over the terms in place of the {spec.reduction}"

    def variant(mistake: str) -> Answers:
        if mistake == "log10":
            return {name: _log10(worked) for name, worked in correct.items()}
        return answers(spec._replace(reduction=other))

    return correct, mistakes, variant


def _written(worked: Worked) -> str:
    """A working as text, for a mistake's working built around it."""
    from dlcalc.steps.text import step_text

    return worked.working if isinstance(worked.working, str) else step_text(worked.working)


def _log10(worked: Worked) -> Worked:
    """A value of natural logs as it is with log₁₀ instead (ln x/ln 10)."""
    value = float(worked.value) / LN10  # type: ignore[arg-type]
    return Worked(value, f"({_written(worked)})/ln 10 = {num(value)}")


def _number(value: float) -> Number:
    return Number(f"{value:.6g}", value, Fraction(value))
