"""The working as data: every quantity a solver computes is a :class:`Step`.

A step has a name (unique in its result: the name ``dlcalc check`` accepts), a symbol, its
formula in symbols, the same formula with the values put in (one tree per stage of the
working), its value, and notes. Solvers build steps; printers write them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from dlcalc.steps import arith
from dlcalc.steps.evaluate import evaluate_calls
from dlcalc.steps.expr import Expr, Value, tidy

Shape = tuple[int, ...]
StepValue = Value | Shape


class Step(NamedTuple):
    name: str
    """The answer name: unique in its result, the name ``check`` marks."""
    symbol: Expr
    """What the step computes, as written on paper: ``σ(0.5)``, ``p₀``, ``∂E/∂w₅``."""
    formula: Expr | None
    """The rule in symbols: ``1/(1 + e^(−x))`` (None where the value is given or chosen)."""
    substituted: tuple[Expr, ...]
    """The rule with the values put in, one tree per stage: ``1/(1 + e^(−0.5))``,
    ``1/(1 + 0.606531)``."""
    value: StepValue
    notes: tuple[str, ...] = ()
    condition: Expr | None = None
    """The case of a piecewise rule that applies (``x > 0``)."""
    exact: Expr | None = None
    """The closed form of the value (``--exact``)."""
    words: str = ""
    """What the working says in words, after its arithmetic if it has any (``unchanged``,
    ``on axis −1``, ``(shares the weights of conv1)``)."""
    parts: tuple[tuple[str, Step], ...] = ()
    """Labelled steps that make this one (a shape's axes: ``H``, ``W``), each with its own
    working."""

    @property
    def number(self) -> float:
        """The value of a step that computes a number, as a float."""
        assert not isinstance(self.value, tuple)
        return arith.real(self.value)


def step(
    name: str,
    symbol: Expr,
    formula: Expr | None,
    values: Mapping[str, Expr],
    value: StepValue,
    *,
    notes: Iterable[str] = (),
    condition: Expr | None = None,
    stages: Iterable[Expr] | None = None,
    exact: Expr | None = None,
    words: str = "",
    parts: tuple[tuple[str, Step], ...] = (),
) -> Step:
    """A step whose working is ``formula`` with ``values`` put in, then with its functions of
    numbers evaluated (``stages`` replaces both); repeated stages are written once."""
    if stages is None:
        stages = _stages(formula, values) if formula is not None else ()
    unique: list[Expr] = []
    for stage in stages:
        if stage != formula and stage not in unique:
            unique.append(stage)
    return Step(
        name, symbol, formula, tuple(unique), value, tuple(notes), condition, exact, words, parts
    )


def _stages(formula: Expr, values: Mapping[str, Expr]) -> list[Expr]:
    put_in = tidy(formula.subs(values))
    return [put_in, evaluate_calls(put_in)]


def shown_parts(output: Step) -> list[Step]:
    """A shape's axes as the report shows them: one working where they are alike (a square
    image), each of its own where they differ (``H: …; W: …``)."""
    parts = [part for _, part in output.parts]
    first = parts[0] if parts else None
    if first is None or all(
        p.substituted == first.substituted and p.value == first.value for p in parts
    ):
        return []
    return parts
