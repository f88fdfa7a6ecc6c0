"""Every kind of problem as answers to check: each solver's answers by name, its mistakes, and
the same answers with a mistake made (the real solver under a variant of its rules: shapes'
in :mod:`dlcalc.solve.shape_mistakes`, the networks' in :mod:`dlcalc.solve.network_mistakes`,
the optimizers' in :mod:`dlcalc.solve.optimizer_mistakes`, the calculators' in
:mod:`dlcalc.solve.calculator_mistakes`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlcalc.errors import DlcalcError
from dlcalc.solve.check import Answers, Problem
from dlcalc.solve.marking import PRECISE_SLACK
from dlcalc.solve.precision import solved
from dlcalc.spec.architecture import Convention
from dlcalc.spec.problem import ProblemSpec
from dlcalc.steps import arith

MISTAKE_WORK = 40_000
"""The most lines of working the search for the mistakes behind a wrong answer may solve (each
mistake re-solves the whole problem; 40,000 lines take about 3 s)."""
UPDATE_LINES = 16
"""An optimizer's update counted in lines of a network's working, as long to solve: Adam's
m, v, m̂, v̂, step and θ, each a longer formula."""


def untried(lines: int, mistakes: int) -> str:
    """Why the mistakes are not tried (empty when they are): too much to re-solve, when a
    problem of ``lines`` lines of working would be solved once for each of ``mistakes``."""
    if lines * mistakes <= MISTAKE_WORK:
        return ""
    return (
        f"the {mistakes} known mistakes are not tried: each re-solves the problem, as much work "
        f"as {lines:,} lines of working, {lines * mistakes:,} in all, more than {MISTAKE_WORK:,}"
    )


def solve_problem(problem: ProblemSpec, channels_first: bool = False, digits: int = 6) -> Problem:
    """The problem solved, with its mistakes ready to be tried on a wrong answer
    (``channels_first``: shapes in the working as C×H×W; ``digits``: the most significant
    digits of an answer to mark, past float64's promise the answers are computed at 40)."""
    if problem.kind == "architecture":
        return _architecture(problem.spec, problem.source, channels_first)
    solvers: dict[str, Callable[[Any, str, int], Problem]] = {
        "network": _network,
        "optimizer": _optimizer,
        "calculator": _calculator,
    }
    solved_problem = solvers[problem.kind](problem.spec, problem.source, digits)
    if digits > arith.FLOAT_DIGITS:
        return solved_problem._replace(slack=PRECISE_SLACK)
    return solved_problem


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


def _network(spec: Any, source: str, digits: int) -> Problem:
    from dlcalc.parse.network import work
    from dlcalc.solve.backprop import solve_backprop
    from dlcalc.solve.backprop_answers import answer_values
    from dlcalc.solve.network_mistakes import mistakes
    from dlcalc.spec.network import BackpropOptions

    found = mistakes(spec)
    skipped = untried(work(spec), len(found))

    def variant(mistake: str) -> Answers:
        return answer_values(solve_backprop(*found[mistake].make(spec, BackpropOptions())))

    answers = solved(lambda s: answer_values(solve_backprop(s)), spec, digits, decimals=True)
    rule = "p ← p − η·∂E/∂p; ReLU′(0) = 0"
    described = {} if skipped else {name: m.description for name, m in found.items()}
    return Problem(source, "network", answers, described, variant, rule, untried=skipped)


def _optimizer(spec: Any, source: str, digits: int) -> Problem:
    from dlcalc.solve.optimize import answer_values, solve_optimize
    from dlcalc.solve.optimizer_mistakes import mistakes, with_mistake

    def variant(mistake: str) -> Answers:
        return answer_values(solve_optimize(*with_mistake(spec, mistake)))

    answers = solved(lambda s: answer_values(solve_optimize(s)), spec, digits)
    found = mistakes(spec)
    skipped = untried(spec.steps * len(spec.start) * UPDATE_LINES, len(found))
    return Problem(
        source,
        "optimizer",
        answers,
        {} if skipped else found,
        variant,
        f"{spec.convention} formulas",
        untried=skipped,
    )


# --- the calculators --------------------------------------------------------------------


def _calculator(spec: Any, source: str, digits: int) -> Problem:
    from dlcalc.solve.calculator_mistakes import MISTAKES, solve

    command, calc = spec.command, spec.spec
    try:
        correct = solved(lambda c: solve(command, c), calc, digits)
    except DlcalcError as error:  # the solver's message points at the problem's line
        if error.location is None or error.location.source == "<command line>":
            error.location, error.context = spec.location, spec.text
        raise
    mistakes = {
        name: mistake.description
        for name, mistake in MISTAKES.items()
        if mistake.applies(command, calc, correct)
    }

    def variant(name: str) -> Answers:
        return MISTAKES[name].answers(command, calc, correct)

    return Problem(source, "calculator", correct, mistakes, variant)
