"""`dlcalc check`: mark a student's answers against the solver's, and for a wrong one, find the
mistakes that reproduce it (each a named variant of the real solver, run on demand)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from dlcalc.errors import DlcalcError
from dlcalc.solve.marking import FLOAT_SLACK, Exact, Worked, agrees, near, significant_digits
from dlcalc.spec.answers import Answer, Given
from dlcalc.steps.step import Step

Answers = dict[str, Worked]


class Problem(NamedTuple):
    """A solved problem: its answers, and the same under each of its known mistakes."""

    source: str
    kind: str
    """architecture, network, optimizer or calculator."""
    answers: Answers
    mistakes: dict[str, str]
    """Each mistake's name and what it is, in words ("the padding left out")."""
    variant: Callable[[str], Answers]
    """The answers with one mistake made; raises DlcalcError if it cannot be computed."""
    convention: str = ""
    """The convention the answers use, in words (said in the output)."""
    slack: Decimal = FLOAT_SLACK
    """How far the answers may be from the exact values (relative): float64's promise, or
    40-digit arithmetic's for answers written to more than 12 digits."""
    untried: str = ""
    """Why the mistakes are not tried on a wrong answer (empty when they are)."""


class Diagnosis(NamedTuple):
    mistake: str
    description: str
    working: str | Step
    exact: bool = True
    """Whether the mistake gives the student's value at the digits written (else only near it,
    as when rounded values are carried along)."""


class Marked(NamedTuple):
    name: str
    given: str
    expected: Exact
    working: str | Step
    correct: bool
    diagnoses: tuple[Diagnosis, ...] = ()


class CheckResult(NamedTuple):
    source: str
    kind: str
    marked: tuple[Marked, ...]
    rule: str
    convention: str = ""
    channels_first: bool = False
    untried: str = ""
    """Why no mistake was tried on the wrong answers (empty when they were)."""

    @property
    def right(self) -> int:
        return sum(m.correct for m in self.marked)

    @property
    def working(self) -> list[Step]:
        """The steps behind the answers marked, each once, in the order of the answers."""
        found: dict[str, Step] = {}
        for m in self.marked:
            if isinstance(m.working, Step):
                found.setdefault(m.working.name, m.working)
        return list(found.values())


NAME_PATTERNS = {
    "architecture": ("total_params", ".output", ".params", ".macs", "total_macs"),
    "network": ("net_", "out_", "delta_", "dE/d"),
}
"""Names that give away another kind of problem, for the message when one is used."""


def check(
    problem: Problem,
    answers: tuple[tuple[Answer, Given], ...],
    rel_tol: float | None = None,
    channels_first: bool = False,
) -> CheckResult:
    """Mark every answer; for a wrong one, the mistakes whose result is the student's value."""
    variants: dict[str, Answers] = {}

    def variant(mistake: str) -> Answers:
        if mistake not in variants:
            try:
                variants[mistake] = problem.variant(mistake)
            except (DlcalcError, ArithmeticError, ValueError):
                variants[mistake] = {}
        return variants[mistake]

    marked = []
    for answer, given in answers:
        worked = _lookup(problem, answer)
        if channels_first and given.shape is not None and len(given.shape) > 1:
            given = given._replace(shape=(*given.shape[1:], given.shape[0]))
        _check_type(answer, given, worked.value)
        correct = agrees(given, worked.value, rel_tol, problem.slack)
        diagnoses: tuple[Diagnosis, ...] = ()
        if not correct:
            diagnoses = _diagnose(problem, answer.name, given, worked, variant, rel_tol)
        marked.append(
            Marked(answer.name, given.text, worked.value, worked.working, correct, diagnoses)
        )
    rule = (
        f"a decimal is right within a relative tolerance of {rel_tol:g}; whole numbers and "
        "shapes must be exact"
        if rel_tol is not None
        else "a decimal is right when it is the exact value rounded or truncated to the digits "
        "written; whole numbers and shapes must be exact"
    )
    return CheckResult(
        problem.source,
        problem.kind,
        tuple(marked),
        rule,
        problem.convention,
        channels_first,
        problem.untried if any(not m.correct for m in marked) else "",
    )


def digits_written(answers: tuple[tuple[Answer, Given], ...]) -> int:
    """The most significant digits any of the answers is written with (0 for none)."""
    return max((significant_digits(given) for _, given in answers), default=0)


def _diagnose(
    problem: Problem,
    name: str,
    given: Given,
    worked: Worked,
    variant: Callable[[str], Answers],
    rel_tol: float | None,
) -> tuple[Diagnosis, ...]:
    """The mistakes that give the student's value; failing that, those that come near it (when
    the right value does not). A decimal of one significant digit says too little to tell."""
    terse = isinstance(worked.value, float) and 0 < significant_digits(given) < 2
    exact, close = [], []
    for mistake, description in problem.mistakes.items():
        other = variant(mistake).get(name)
        if other is None or other.value == worked.value:
            continue
        # one significant digit: only a mistake that gives exactly that value
        if agrees(given, other.value, 1e-12 if terse else rel_tol):
            exact.append(Diagnosis(mistake, description, other.working))
        elif not terse and (distance := near(given, other.value)) is not None:
            close.append((distance, Diagnosis(mistake, description, other.working, exact=False)))
    if exact or terse or near(given, worked.value) is not None:
        return tuple(exact)
    return tuple(d for _, d in sorted(close, key=lambda pair: pair[0]))


def _lookup(problem: Problem, answer: Answer) -> Worked:
    if answer.name in problem.answers:
        return problem.answers[answer.name]
    for kind, patterns in NAME_PATTERNS.items():
        if kind != problem.kind and any(p in answer.name for p in patterns):
            raise DlcalcError(
                f"'{answer.name}' is an answer to {_article(kind)} problem, but "
                f"{problem.source} is {_article(problem.kind)} problem",
                location=answer.location,
                text=answer.name,
                expected=f"a name of this {problem.kind} problem",
                suggestion="dlcalc check FILE --list prints them",
                context=answer.context or None,
            )
    close = _nearest_names(answer.name, problem.answers)
    raise DlcalcError(
        f"this problem has no answer named '{answer.name}'",
        location=answer.location,
        text=answer.name,
        expected="one of the names dlcalc prints (dlcalc check FILE --list)",
        suggestion=f"the nearest: {', '.join(close)}" if close else None,
        context=answer.context or None,
    )


def _nearest_names(name: str, names: Answers) -> list[str]:
    return difflib.get_close_matches(name, list(names), n=3, cutoff=0.5)


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _check_type(answer: Answer, given: Given, expected: Exact) -> None:
    """A shape where a number is wanted (or the reverse) is unusable input, not a wrong answer."""
    wants_shape = isinstance(expected, tuple) and len(expected) > 1
    if given.shape is not None and not isinstance(expected, tuple):
        wanted = "a whole number" if isinstance(expected, int) else "a number"
    elif wants_shape and given.shape is None:
        wanted = "a shape such as 28x28x6"
    else:
        return
    raise DlcalcError(
        f"{answer.name} is {wanted}, not '{given.text}'",
        location=answer.location,
        text=answer.value,
        expected=wanted,
        context=answer.context or None,
    )
