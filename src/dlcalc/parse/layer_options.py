"""The options of ``dlcalc conv`` and ``dlcalc pool`` into their specs, the same from the
command line and from a ``.calc`` problem file (the schema is in
:mod:`dlcalc.parse.calculator_options`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.calculators import COMMAND_LINE, argument, choice
from dlcalc.parse.grid import parse_grid
from dlcalc.parse.values import parse_size
from dlcalc.spec.calculators import ActivationParams, Number
from dlcalc.spec.grids import ConvSpec, Grid, PoolSpec, Window

NAMED_KERNELS = {
    "sobel_x": "-1 0 1; -2 0 2; -1 0 1",
    "sobel_y": "-1 -2 -1; 0 0 0; 1 2 1",
    "vertical_edge": "1 0 -1; 1 0 -1; 1 0 -1",
    "horizontal_edge": "1 1 1; 0 0 0; -1 -1 -1",
    "laplacian": "0 1 0; 1 -4 1; 0 1 0",
    "identity": "0 0 0; 0 1 0; 0 0 0",
    "box3": "1/9 1/9 1/9; 1/9 1/9 1/9; 1/9 1/9 1/9",
}
MAX_TERMS = 20_000
"""The most products a run may write out (every output cell's, and the backward pass's)."""
MAX_CELLS = 5_000
"""The most cells a run may work out (the output's, and the gradients'): each is a line of
working (5,000 take about 1 s as a Rich table, the slowest format)."""


def _pair(text: str, flag: str, minimum: int) -> tuple[int, int]:
    """``2`` (both axes) or ``2,3`` / ``2x3`` (rows, columns)."""
    values = parse_size(argument(text.replace(",", "x"), flag), flag, minimum)
    if len(values) > 2:
        raise argument(text, flag).error(f"{flag} takes one or two values", expected="2 or 2,3")
    return (values[0], values[-1])


def _padding(
    text: str,
    size: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    shape: tuple[int, int],
) -> tuple[tuple[int, int, int, int], str]:
    """The rows on top and below and the columns left and right, and how they were given:
    ``same`` is TensorFlow's (output ⌈n/s⌉; an odd extra row or column at the end)."""
    lowered = text.strip().lower()
    if lowered == "valid":
        return (0, 0, 0, 0), "valid"
    if lowered == "same":
        sides = []
        for n, k, s, d in zip(shape, size, stride, dilation):
            total = max((math.ceil(n / s) - 1) * s + d * (k - 1) + 1 - n, 0)
            sides += [total // 2, total - total // 2]
        return (sides[0], sides[1], sides[2], sides[3]), "same"
    ph, pw = _pair(text, "--padding", 0)
    return (ph, ph, pw, pw), "explicit"


def _kernel(text: str, channels: int) -> Grid:
    named = NAMED_KERNELS.get(text.strip().lower())
    grid = parse_grid(named if named else text, "--kernel")
    if grid.shape[0] != channels:
        what = f"the named kernel {text.strip()}" if named else "each --kernel"
        raise argument(text, "--kernel").error(
            f"{what} has {grid.shape[0]} slice(s) for an input of {channels} channel(s)",
            expected=f"one slice per input channel ({channels}), separated by |",
        )
    return grid


def conv_spec(options: Mapping[str, Any], digits: int = 6) -> ConvSpec:
    image = required(options, "--input", "conv")
    kernels_text = options["--kernel"] or []
    if not kernels_text:
        raise argument("", "--kernel").error(
            "conv needs --kernel", expected="--kernel '1 0 1; 0 1 0; 1 0 1' or a named kernel"
        )
    grid = parse_grid(image, "--input")
    channels, height, width = grid.shape
    kernels = tuple(_kernel(text, channels) for text in kernels_text)
    sizes = {k.shape[1:] for k in kernels}
    if len(sizes) > 1:
        raise argument(kernels_text[-1], "--kernel").error(
            "the kernels differ in size", expected="kernels of one size"
        )
    size = kernels[0].shape[1:]
    one_d = bool(options["--1d"])
    stride, dilation = (
        _pair(options["--stride"], "--stride", 1),
        _pair(options["--dilation"], "--dilation", 1),
    )
    if one_d:
        if height != 1 or size[0] != 1:
            raise argument(image, "--input").error(
                "--1d takes one row per channel, in the input and the kernels",
                expected="rows such as '1 2 3 4'",
            )
        stride, dilation = (1, stride[1]), (1, dilation[1])
    depthwise, transpose = bool(options["--depthwise"]), bool(options["--transpose"])
    pointwise = _pointwise(options["--pointwise"] or [], channels, depthwise)
    _one_kind(options, depthwise, transpose, len(kernels))
    if transpose:
        from dlcalc.parse.conv_transpose import transposed_window

        window = transposed_window(options, size, stride, dilation, one_d)
        rows, columns = window.transposed(height, width)
        if rows < 1 or columns < 1:
            raise argument(options["--padding"], "--padding").error(
                f"the padding crops the whole output ({rows}×{columns})",
                expected="less padding",
            )
    else:
        padding, kind = _padding(options["--padding"], size, stride, dilation, (height, width))
        if one_d:
            padding = (0, 0, padding[2], padding[3])
        window = Window(size, stride, padding, dilation, kind)
        _fits(window, height, width, kernels_text[0], "--kernel")
        rows, columns = window.outputs(height, width)
    count = len(pointwise) if pointwise else channels if depthwise else len(kernels)
    bias = _bias(options["--bias"], count)
    reads = 1 if depthwise else channels
    terms = count * rows * columns * reads * size[0] * size[
        1
    ] + count * rows * columns * channels * bool(pointwise)
    if transpose:
        terms = channels * height * width * size[0] * size[1] * len(kernels)
    grad = options["--grad"]
    gradients = channels * height * width + len(kernels) * channels * size[0] * size[1]
    _limit(terms * (3 if grad else 1), count * rows * columns + (gradients if grad else 0))
    return ConvSpec(
        grid,
        kernels,
        bias,
        window,
        flip=bool(options["--flip"]),
        activation=options["--activation"],
        params=ActivationParams(),
        grad=_grad(grad, (count, rows, columns)) if grad else None,
        one_d=one_d,
        digits=digits,
        depthwise=depthwise,
        pointwise=pointwise or None,
        transpose=transpose,
        output_padding=window.output_padding if transpose else (0, 0),
    )


def _one_kind(options: Mapping[str, Any], depthwise: bool, transpose: bool, kernels: int) -> None:
    """--depthwise and --transpose exclusive; one kernel for depthwise; no --grad through a
    pointwise step."""
    if depthwise and transpose:
        raise argument("--transpose", "--transpose").error(
            "--depthwise and --transpose together", expected="one of them"
        )
    if depthwise and kernels != 1:
        raise argument(options["--kernel"][1], "--kernel").error(
            "--depthwise takes one --kernel, with a slice per input channel",
            expected="one --kernel (and --pointwise for more output channels)",
        )
    if options["--grad"] and options["--pointwise"]:
        raise argument(options["--grad"], "--grad").error(
            "--grad is not computed through --pointwise (a second layer)",
            expected="--grad with one convolution: standard, --depthwise or --transpose",
        )


def _pointwise(texts: list[str], channels: int, depthwise: bool) -> tuple[tuple[Number, ...], ...]:
    """Each --pointwise: one output channel's 1×1 weights, one a channel."""
    if texts and not depthwise:
        raise argument(texts[0], "--pointwise").error(
            "--pointwise follows a depthwise convolution", expected="--depthwise too"
        )
    rows = []
    for text in texts:
        grid = parse_grid(text, "--pointwise")
        values = tuple(n for channel in grid.channels for row in channel for n in row)
        if len(values) != channels:
            raise argument(text, "--pointwise").error(
                f"--pointwise has {len(values)} weight(s) for {channels} channel(s)",
                expected="one weight per input channel",
            )
        rows.append(values)
    return tuple(rows)


def pool_spec(kind: str, options: Mapping[str, Any], digits: int = 6) -> PoolSpec:
    kind = choice(kind, ("max", "avg"), {"average": "avg", "mean": "avg"}, "pooling")
    grid = parse_grid(required(options, "--input", "pool"), "--input")
    _, height, width = grid.shape
    if options["--global"]:
        window = Window((height, width), (1, 1), (0, 0, 0, 0))
    else:
        size = _pair(options["--size"], "--size", 1)
        stride = _pair(options["--stride"], "--stride", 1) if options["--stride"] else size
        dilation = _pair(options["--dilation"], "--dilation", 1)
        if kind == "avg" and dilation != (1, 1):
            raise argument(options["--dilation"], "--dilation").error(
                "average pooling takes no dilation (as in PyTorch and Keras)",
                expected="no --dilation, or max pooling",
            )
        padding, how = _padding(options["--padding"], size, stride, dilation, (height, width))
        if how == "explicit" and (padding[0] > size[0] // 2 or padding[2] > size[1] // 2):
            raise argument(options["--padding"], "--padding").error(
                "the padding must be at most half the window (PyTorch refuses more)",
                expected=f"at most {size[0] // 2},{size[1] // 2}",
            )
        window = Window(size, stride, padding, dilation, how, bool(options["--ceil"]))
    _fits(window, height, width, str(options["--size"]), "--size")
    include = options["--count-include-pad"] == "true" and window.padding_kind != "same"
    rows, columns = window.outputs(height, width)
    outputs = grid.shape[0] * rows * columns
    grad = options["--grad"]
    terms = outputs * window.size[0] * window.size[1]
    _limit(terms * (2 if grad else 1), outputs + (grid.shape[0] * height * width if grad else 0))
    return PoolSpec(
        kind,
        grid,
        window,
        include,
        bool(options["--global"]),
        _grad(grad, (grid.shape[0], rows, columns)) if grad else None,
        digits,
    )


def required(options: Mapping[str, Any], flag: str, command: str) -> str:
    text = options[flag]
    if text is None:
        raise argument("", flag).error(f"{command} needs {flag}", expected=f"{flag} '1 2; 3 4'")
    return str(text)


def _fits(window: Window, height: int, width: int, given: str, flag: str) -> None:
    """The window, dilated, within the padded input (else an error at ``flag``)."""
    top, bottom, left, right = window.padding
    span = (
        window.dilation[0] * (window.size[0] - 1) + 1,
        window.dilation[1] * (window.size[1] - 1) + 1,
    )
    padded = (height + top + bottom, width + left + right)
    if span[0] > padded[0] or span[1] > padded[1]:
        dilated = " (dilated)" if window.dilation != (1, 1) else ""
        raise argument(given, flag).error(
            f"the {'kernel' if flag == '--kernel' else 'window'}{dilated} is {span[0]}×{span[1]}, "
            f"larger than the padded input {padded[0]}×{padded[1]}",
            expected="a smaller kernel or window, or more padding",
        )


def _bias(text: str | None, kernels: int) -> tuple[Number, ...] | None:
    if text is None:
        return None
    grid = parse_grid(text.replace(",", " "), "--bias")
    values = [n for channel in grid.channels for row in channel for n in row]
    if len(values) != kernels:
        raise argument(text, "--bias").error(
            f"--bias has {len(values)} value(s) for {kernels} kernel(s)",
            expected="one bias per kernel, separated by commas",
        )
    return tuple(values)


def _grad(text: str, shape: tuple[int, int, int]) -> Grid:
    grid = parse_grid(text, "--grad")
    if grid.shape != shape:
        wanted = Grid((((Number("0", 0.0, Fraction(0)),) * shape[2],) * shape[1],) * shape[0], "")
        raise argument(text, "--grad").error(
            f"--grad is {grid.describe()}, the output {wanted.describe()}",
            expected="the upstream gradient ∂L/∂out, shaped as the output",
        )
    return grid


def _limit(terms: int, cells: int) -> None:
    """At most :data:`MAX_TERMS` products (or values) and :data:`MAX_CELLS` cells written out."""
    for count, limit, what in ((terms, MAX_TERMS, "products"), (cells, MAX_CELLS, "cells")):
        if count <= limit:
            continue
        raise DlcalcError(
            f"the working would write {count:,} {what}, more than {limit:,}",
            location=Location(COMMAND_LINE, path="--input"),
            expected="a smaller input, kernel or window",
        )
