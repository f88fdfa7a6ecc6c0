"""The options of ``dlcalc batchnorm``, ``layernorm`` and ``dropout`` into their specs, the same
from the command line and from a ``.calc`` problem file (the schema is in
:mod:`dlcalc.parse.calculator_options`)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from dlcalc.parse.calculators import argument, choice
from dlcalc.parse.grid import parse_grid
from dlcalc.parse.layer_options import MAX_CELLS, required
from dlcalc.parse.numbers import number
from dlcalc.parse.source import read_source
from dlcalc.parse.values import parse_int
from dlcalc.spec.calculators import Number
from dlcalc.spec.grids import DropoutSpec, Grid, NormSpec, sized

DEFAULTS = {
    "pytorch": {"eps": "1e-5", "momentum": "0.1", "layernorm_eps": "1e-5"},
    "keras": {"eps": "1e-3", "momentum": "0.99", "layernorm_eps": "1e-3"},
}
"""Each library's defaults: BatchNorm's ε and momentum (PyTorch's momentum weighs the batch,
Keras's the running value), LayerNorm's ε."""


def _constant(text: str) -> Number:
    value = Fraction(text)
    return Number(text, float(value), value)


def _per_feature(text: str | None, flag: str, features: int, default: str) -> tuple[Number, ...]:
    """One value per feature (comma-separated), or one for all."""
    if text is None:
        return (_constant(default),) * features
    values = tuple(
        number(argument(part.strip(), flag), f"each {flag} value") for part in text.split(",")
    )
    if len(values) == 1:
        return values * features
    if len(values) != features:
        raise argument(text, flag).error(
            f"{flag} has {len(values)} values for {features} features",
            expected=f"one value per feature ({features}), or one for all",
        )
    return values


def _bounded(text: str, flag: str, low: float, high: float | None, what: str) -> Number:
    value = number(argument(text, flag), flag)
    if value.value < low or (high is not None and value.value > high):
        raise argument(text, flag).error(f"{flag} must be {what}, not {text}", expected=what)
    return value if value.value != 0 else Number("0", 0.0, Fraction(0))


def _volumes(text: str, flag: str) -> tuple[Grid, tuple[int, int, int, int]]:
    """``--channels``: volumes separated by ``||`` (an example each, channels by ``|``), as an
    (N·H·W) × C matrix, a row a position and a column a channel."""
    if text.strip().startswith("@"):
        text = read_source(text.strip()[1:] or "-").text
    volumes = [parse_grid(part, flag) for part in text.split("||")]
    shape = volumes[0].shape
    for n, volume in enumerate(volumes[1:], start=2):
        if volume.shape != shape:
            raise argument(text, flag).error(
                f"example {n} of {flag} is {volume.describe()}, example 1 {volumes[0].describe()}",
                expected="volumes of one shape, separated by ||",
            )
    c, h, w = shape
    rows = tuple(
        tuple(volume.channels[k][i][j] for k in range(c))
        for volume in volumes
        for i in range(h)
        for j in range(w)
    )
    return Grid((rows,), flag), (len(volumes), c, h, w)


def norm_spec(kind: str, options: Mapping[str, Any], digits: int = 6) -> NormSpec:
    volumes = None
    if kind == "batchnorm" and options["--channels"]:
        grid, volumes = _volumes(required(options, "--input", kind), "--input")
    else:
        grid = parse_grid(required(options, "--input", kind), "--input")
    channels, rows, columns = grid.shape
    if channels != 1:
        raise argument(options["--input"], "--input").error(
            f"{kind} takes a matrix (rows are examples, columns features), not {grid.describe()}",
            expected="rows separated by ; (--channels for a batch of volumes, separated by ||)",
        )
    if rows * columns * 4 > MAX_CELLS:
        raise argument(options["--input"], "--input").error(
            f"{kind} of {sized(1, rows, columns)} would write {rows * columns * 4:,} cells, more "
            f"than {MAX_CELLS:,}",
            expected="a smaller batch",
        )
    convention = choice(options["--convention"], ("pytorch", "keras"), {}, "convention")
    defaults = DEFAULTS[convention]
    eps_text = options["--eps"] or defaults["eps" if kind == "batchnorm" else "layernorm_eps"]
    eps = _bounded(eps_text, "--eps", 0, None, "a number ≥ 0")
    gamma = _per_feature(options["--gamma"], "--gamma", columns, "1")
    beta = _per_feature(options["--beta"], "--beta", columns, "0")
    grad = None
    if options["--grad"] and volumes is not None:
        grad, shape = _volumes(options["--grad"], "--grad")
        if shape != volumes:
            raise argument(options["--grad"], "--grad").error(
                f"--grad is {shape[0]} volume(s) of {sized(*shape[1:])}, the input "
                f"{volumes[0]} of {sized(*volumes[1:])}",
                expected="the upstream gradient ∂L/∂y, shaped as the input",
            )
    elif options["--grad"]:
        grad = _grad(options["--grad"], (rows, columns))
    if kind == "layernorm":
        return NormSpec(kind, grid, gamma, beta, eps, convention, grad=grad, digits=digits)
    momentum = _bounded(
        options["--momentum"] or defaults["momentum"], "--momentum", 0, 1, "from 0 to 1"
    )
    mean = _per_feature(options["--running-mean"], "--running-mean", columns, "0")
    var = _per_feature(options["--running-var"], "--running-var", columns, "1")
    for value in var:
        if value.value < 0:
            raise argument(value.text, "--running-var").error(
                "a variance cannot be negative", expected="numbers ≥ 0"
            )
    return NormSpec(
        kind, grid, gamma, beta, eps, convention, momentum, mean, var, bool(options["--eval"]),
        grad, digits, volumes,
    )  # fmt: skip


def _grad(text: str, shape: tuple[int, int]) -> Grid:
    grid = parse_grid(text, "--grad")
    if grid.shape != (1, *shape):
        raise argument(text, "--grad").error(
            f"--grad is {grid.describe()}, the output {sized(1, *shape)}",
            expected="the upstream gradient ∂L/∂y, shaped as the input",
        )
    return grid


def dropout_spec(options: Mapping[str, Any], digits: int = 6) -> DropoutSpec:
    grid = parse_grid(required(options, "--input", "dropout"), "--input")
    if options["--rate"] is None:
        raise argument("", "--rate").error("dropout needs --rate", expected="--rate 0.5")
    rate = _bounded(options["--rate"], "--rate", 0, None, "from 0 up to (not including) 1")
    if rate.value >= 1:
        raise argument(options["--rate"], "--rate").error(
            "--rate must be below 1 (a rate of 1 drops everything)", expected="such as 0.5"
        )
    channels, rows, columns = grid.shape
    if channels * rows * columns > MAX_CELLS:
        raise argument(options["--input"], "--input").error(
            f"dropout of {grid.describe()} would write more than {MAX_CELLS:,} cells",
            expected="a smaller input",
        )
    mask_text, seed = options["--mask"], options["--seed"]
    if mask_text is not None and seed is not None:
        raise argument(seed, "--seed").error(
            "--mask and --seed both given", expected="a mask, or a seed to draw one"
        )
    if mask_text is not None:
        mask = parse_grid(mask_text, "--mask")
        if mask.shape != grid.shape:
            raise argument(mask_text, "--mask").error(
                f"--mask is {mask.describe()}, the input {grid.describe()}",
                expected="a 0/1 mask shaped as the input",
            )
        if any(n.value not in (0, 1) for c in mask.channels for row in c for n in row):
            raise argument(mask_text, "--mask").error(
                "--mask must hold 0 (dropped) and 1 (kept) only", expected="such as '1 0; 1 1'"
            )
        drawn = None
    else:
        drawn = parse_int(argument(seed or "0", "--seed"), "--seed", 0)
        mask = _drawn(grid, rate.value, drawn)
    scale = not options["--no-scale"]
    return DropoutSpec(grid, rate, mask, drawn, scale, bool(options["--eval"]), digits)


def _drawn(grid: Grid, rate: float, seed: int) -> Grid:
    """A mask drawn with Python's random.Random(seed): each cell kept with probability 1 − p."""
    rng = random.Random(seed)
    one, zero = _constant("1"), _constant("0")
    channels = tuple(
        tuple(tuple(one if rng.random() >= rate else zero for _ in row) for row in channel)
        for channel in grid.channels
    )
    return Grid(channels, "--mask")
