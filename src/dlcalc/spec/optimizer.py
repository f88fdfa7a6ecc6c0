"""The validated input of `dlcalc optimize`."""

from __future__ import annotations

from typing import NamedTuple

from dlcalc.spec.calculators import Number
from dlcalc.spec.schedule import ScheduleSpec

OPTIMIZERS = (
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "adamax",
    "nadam",
)
CONVENTIONS = ("course", "pytorch", "keras")
_ADAM = ("lr", "beta1", "beta2", "eps", "weight_decay")
USES: dict[str, tuple[str, ...]] = {
    "sgd": ("lr", "momentum", "dampening", "weight_decay", "nesterov"),
    "momentum": ("lr", "momentum", "dampening", "weight_decay"),
    "nesterov": ("lr", "momentum", "weight_decay"),
    "adagrad": ("lr", "eps", "weight_decay", "lr_decay", "initial_accumulator"),
    "rmsprop": ("lr", "rho", "eps", "momentum", "weight_decay", "centered"),
    "adadelta": ("lr", "rho", "eps", "weight_decay"),
    "adam": (*_ADAM, "amsgrad"),
    "adamw": (*_ADAM, "amsgrad"),
    "adamax": _ADAM,
    "nadam": (*_ADAM, "momentum_decay"),
}
"""The hyper-parameters and switches each optimizer takes."""


class OptimizeSpec(NamedTuple):
    optimizer: str
    convention: str
    hyper: dict[str, float]
    """The hyper-parameters given (the convention's defaults fill in the rest)."""
    start: tuple[tuple[str, Number], ...]
    grads: tuple[tuple[float, ...], ...] | None
    """Given gradients: one row per step, one value per parameter."""
    function: str | None
    """Or a function of the parameters, differentiated with SymPy."""
    steps: int
    nesterov: bool = False
    amsgrad: bool = False
    centered: bool = False
    compare: bool = False
    """Run the course, PyTorch and Keras conventions side by side."""
    digits: int = 6
    schedule: ScheduleSpec | None = None
    plot: bool = False
    optimizers: tuple[str, ...] = ()
    batches: tuple[tuple[tuple[float, ...], ...], ...] | None = None
    """With --batch-size: each step's per-example gradients, whose mean is its row of grads."""
    """Several optimizers run on the same input, each with the settings it takes."""
    """Draw the path: on f's level curves (two parameters), or each value per step."""
    """A learning-rate schedule: η_t for every step."""
