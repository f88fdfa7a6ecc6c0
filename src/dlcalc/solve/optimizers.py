"""An optimizer run: each convention's defaults, and every parameter's update at every step
(the rules are in :mod:`dlcalc.solve.updates`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.solve.schedule import scheduled_lr
from dlcalc.solve.updates import (
    STATE,
    UPDATES,
    Ledger,
    Settings,
    known_values,
    start_state,
    step_size,
)
from dlcalc.spec.schedule import ScheduleSpec
from dlcalc.steps import arith
from dlcalc.steps.step import Step

DEFAULTS: dict[str, dict[str, dict[str, float]]] = {
    "course": {
        "sgd": {"lr": 0.01},
        "momentum": {"lr": 0.01, "momentum": 0.9},
        "nesterov": {"lr": 0.01, "momentum": 0.9},
        "adagrad": {"lr": 0.01, "eps": 1e-8},
        "rmsprop": {"lr": 0.001, "rho": 0.9, "eps": 1e-8},
        "adadelta": {"lr": 1.0, "rho": 0.95, "eps": 1e-6},
        "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "adamw": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
        "adamax": {"lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "nadam": {"lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 0.004},
    },
    "pytorch": {
        "sgd": {"lr": 0.001},
        "momentum": {"lr": 0.001, "momentum": 0.9},
        "nesterov": {"lr": 0.001, "momentum": 0.9},
        "adagrad": {"lr": 0.01, "eps": 1e-10, "lr_decay": 0.0, "initial_accumulator": 0.0},
        "rmsprop": {"lr": 0.01, "rho": 0.99, "eps": 1e-8},
        "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "adamw": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
        "adamax": {"lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "nadam": {"lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 0.004},
    },
    "keras": {
        "sgd": {"lr": 0.01},
        "momentum": {"lr": 0.01, "momentum": 0.9},
        "nesterov": {"lr": 0.01, "momentum": 0.9},
        "adagrad": {"lr": 0.001, "eps": 1e-7, "initial_accumulator": 0.1},
        "rmsprop": {"lr": 0.001, "rho": 0.9, "eps": 1e-7},
        "adadelta": {"lr": 0.001, "rho": 0.95, "eps": 1e-7},
        "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
        "adamw": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7, "weight_decay": 0.004},
        "adamax": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
        "nadam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
    },
}
"""Each convention's defaults (PyTorch's and Keras's are their constructors')."""


class ParameterStep(NamedTuple):
    parameter: str
    gradient: float
    steps: tuple[Step, ...]
    """Every quantity of the update, the parameter's new value last."""
    keys: tuple[str, ...]
    """Each step's plain name in the JSON ``state`` (``m``, ``v_hat``, ``theta``)."""
    new: float


class OptimizerStep(NamedTuple):
    t: int
    lr: float
    parameters: tuple[ParameterStep, ...]
    schedule: Step | None = None
    """How a schedule gave this step's learning rate (None without one)."""


def settings(
    optimizer: str,
    convention: str,
    given: dict[str, float],
    nesterov: bool = False,
    amsgrad: bool = False,
    centered: bool = False,
) -> Settings:
    hyper = dict(DEFAULTS[convention][optimizer])
    hyper.setdefault("weight_decay", 0.0)
    hyper.setdefault("momentum", 0.0)
    hyper.setdefault("dampening", 0.0)
    hyper.update(given)
    return Settings(
        optimizer, convention, hyper, nesterov or optimizer == "nesterov", amsgrad, centered
    )


def run_steps(
    s: Settings,
    start: dict[str, float],
    gradients: Callable[[int, dict[str, float]], list[float]],
    steps: int,
    schedule: ScheduleSpec | None = None,
) -> tuple[OptimizerStep, ...]:
    """``steps`` updates of every parameter from ``start``; ``gradients(t, θ)`` gives step t's,
    and the ``schedule`` (if any) its learning rate."""
    if s.optimizer == "sgd" and s.hyper["momentum"] and s.convention == "course":
        s = s._replace(optimizer="momentum")
    update = UPDATES[s.optimizer]
    theta = dict(start)
    states = {name: start_state(s) for name in start}
    result = []
    lookahead = s.convention == "course" and s.nesterov
    for t in range(1, steps + 1):
        momentum = s.hyper["momentum"] if lookahead else 0.0
        grads = gradients(
            t, {name: value + momentum * states[name]["v"] for name, value in theta.items()}
        )
        current, rate = s, None
        if schedule is not None:
            rate = _scheduled(schedule, s.hyper["lr"], t)
            current = s._replace(hyper={**s.hyper, "lr": float(rate.value)})  # type: ignore[arg-type]
        parameters = []
        for (name, value), g in zip(theta.items(), grads):
            known = {**known_values(current), **states[name], "θ": value, "g": g, "t": t}
            ledger = Ledger(name, t, known)
            try:
                update(current, ledger)
            except (ZeroDivisionError, ValueError, OverflowError) as error:
                raise DlcalcError(
                    f"step {t} of {name} cannot be computed (g = {g:.6g}): {error}",
                    location=Location("<command line>"),
                    expected="ε > 0, so that a zero gradient does not divide by zero",
                ) from None
            if not all(arith.isfinite(x) and abs(x) <= 1e300 for x in ledger.known.values()):
                raise DlcalcError(
                    f"the optimizer diverges: {name} or its state passes 1e300 at step {t}",
                    location=Location("<command line>"),
                    expected="a smaller learning rate, smaller gradients, or fewer steps",
                )
            states[name] = {key: ledger.known[key] for key in STATE if key in ledger.known}
            new = ledger.known["θ"]
            ledger.steps.append(step_size(ledger, value))
            ledger.keys.append("step")
            parameters.append(ParameterStep(name, g, tuple(ledger.steps), tuple(ledger.keys), new))
        theta = {p.parameter: p.new for p in parameters}
        result.append(OptimizerStep(t, current.hyper["lr"], tuple(parameters), rate))
    return tuple(result)


def _scheduled(schedule: ScheduleSpec, lr: float, t: int) -> Step:
    try:
        rate = scheduled_lr(schedule, lr, t)
    except OverflowError:
        rate = None
    if rate is None or not arith.isfinite(rate.value):  # type: ignore[arg-type]
        raise DlcalcError(
            f"the schedule's learning rate overflows at step {t}",
            location=Location("<command line>", path="--schedule"),
            expected="a rate and interval that keep η finite",
        )
    return rate
