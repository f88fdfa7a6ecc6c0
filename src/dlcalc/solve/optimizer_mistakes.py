"""The optimizers' mistakes, registered once in :data:`MISTAKES`: each a variant of the update
rules (:class:`dlcalc.solve.updates.Rules`), solved by the real optimizer so that its working
shows the slip; and another convention's formulas, named as the convention behind an answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dlcalc.solve.updates import CORRECT, Rules, g, t, v, β
from dlcalc.spec.optimizer import CONVENTIONS, OptimizeSpec
from dlcalc.steps.expr import Num


class Mistake(NamedTuple):
    describe: Callable[[OptimizeSpec], str]
    applies: Callable[[OptimizeSpec], bool]
    rules: Rules = CORRECT
    convention: str | None = None
    """Another convention's formulas, rather than a slip in this one's."""


def _adam(spec: OptimizeSpec) -> bool:
    return spec.optimizer in ("adam", "adamw")


def _eps_moves(spec: OptimizeSpec) -> bool:
    keras = spec.convention == "keras"
    return spec.optimizer in ("adagrad", "rmsprop") or (_adam(spec) and not keras)


def _course_momentum(spec: OptimizeSpec) -> bool:
    momentum = spec.optimizer == "momentum" or (
        spec.optimizer == "sgd" and bool(spec.hyper.get("momentum"))
    )
    return spec.convention == "course" and momentum


WHOSE = {"course": "the course's", "pytorch": "PyTorch's", "keras": "Keras's"}

MISTAKES: dict[str, Mistake] = {
    "no-bias-correction": Mistake(
        lambda spec: "the bias correction left out (m̂ = m, v̂ = v)",
        _adam,
        CORRECT._replace(bias=lambda beta, step: Num(1)),
    ),
    "t-from-0": Mistake(
        lambda spec: "the step count t started at 0 in the bias correction",
        _adam,
        CORRECT._replace(bias=lambda beta, step: Num(1) if step == 1 else 1 - beta ** (t - 1)),
    ),
    "eps-moved": Mistake(
        lambda spec: f"ε {'outside' if spec.convention == 'keras' else 'inside'} the square root",
        _eps_moves,
        CORRECT._replace(root=lambda a, inside: CORRECT.root(a, not inside)),
    ),
    "momentum-without-1-minus-beta": Mistake(
        lambda spec: "the (1 − β) left out of the momentum (v ← βv + g)",
        _course_momentum,
        CORRECT._replace(momentum=lambda: β * v + g),
    ),
    **{
        f"convention:{name}": Mistake(
            lambda spec, name=name: f"{WHOSE[name]} formulas (--convention {name})",  # type: ignore[misc]
            lambda spec, name=name: spec.convention != name,  # type: ignore[misc]
            convention=name,
        )
        for name in CONVENTIONS
    },
}


def mistakes(spec: OptimizeSpec) -> dict[str, str]:
    """The mistakes a wrong answer to this optimizer problem is checked against, by name."""
    return {name: m.describe(spec) for name, m in MISTAKES.items() if m.applies(spec)}


def with_mistake(spec: OptimizeSpec, name: str) -> tuple[OptimizeSpec, Rules]:
    """The problem and the rules that make the mistake ``name``."""
    mistake = MISTAKES[name]
    if mistake.convention is not None:
        return spec._replace(convention=mistake.convention), CORRECT
    return spec, mistake.rules
