"""Specs of the hand-computed layers (``dlcalc conv``, ``dlcalc pool``): grids of numbers and
the settings that slide a window over them."""

from __future__ import annotations

from typing import NamedTuple

from dlcalc.spec.calculators import ActivationParams, Number

Matrix = tuple[tuple[Number, ...], ...]


class Grid(NamedTuple):
    """A volume: channels of equal-sized matrices (one channel for a matrix)."""

    channels: tuple[Matrix, ...]
    name: str
    """The option it was given with (``--input``), for messages."""

    @property
    def shape(self) -> tuple[int, int, int]:
        """(channels, rows, columns)."""
        return len(self.channels), len(self.channels[0]), len(self.channels[0][0])

    def values(self) -> list[list[list[float]]]:
        return [[[n.value for n in row] for row in channel] for channel in self.channels]

    def describe(self) -> str:
        """``5×5`` for a matrix, ``3 channels of 5×5`` for a volume."""
        return sized(*self.shape)


def sized(channels: int, rows: int, columns: int) -> str:
    """``5×5``, or ``3 channels of 5×5``."""
    return f"{rows}×{columns}" if channels == 1 else f"{channels} channels of {rows}×{columns}"


class Window(NamedTuple):
    """How a window slides, per axis (rows, columns)."""

    size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int, int, int]
    """Rows added on top and at the bottom, columns on the left and on the right."""
    dilation: tuple[int, int] = (1, 1)
    padding_kind: str = "explicit"
    """``explicit`` (given as numbers), ``same`` (TensorFlow's) or ``valid``."""
    ceil: bool = False
    """Pooling's ceil mode: a last, partial window where the floor would drop it."""
    output_padding: tuple[int, int] = (0, 0)
    """A transposed convolution's rows and columns added at the end (already in the padding's
    crops; kept to be said)."""

    def outputs(self, rows: int, columns: int) -> tuple[int, int]:
        """The output's rows and columns for an input of ``rows`` × ``columns``."""
        return (
            _count(
                rows, self.size[0], self.stride[0], self.padding[:2], self.dilation[0], self.ceil
            ),
            _count(
                columns, self.size[1], self.stride[1], self.padding[2:], self.dilation[1], self.ceil
            ),
        )

    def transposed(self, rows: int, columns: int) -> tuple[int, int]:
        """A transposed convolution's output: (n − 1)·s + d·(k − 1) + 1, less what the padding
        crops (a negative crop, output padding, adds at the end)."""
        top, bottom, left, right = self.padding
        return (
            (rows - 1) * self.stride[0] + self.dilation[0] * (self.size[0] - 1) + 1 - top - bottom,
            (columns - 1) * self.stride[1]
            + self.dilation[1] * (self.size[1] - 1)
            + 1
            - left
            - right,
        )

    def covers(self, row: int, column: int) -> str:
        """The rows and columns (of the padded input, from 1) output cell (``row``,
        ``column``)'s window covers: ``rows 1–3, columns 2–4``."""
        top, left = row * self.stride[0] + 1, column * self.stride[1] + 1
        bottom = top + self.dilation[0] * (self.size[0] - 1)
        right = left + self.dilation[1] * (self.size[1] - 1)
        return f"rows {top}–{bottom}, columns {left}–{right}"


def _count(n: int, k: int, s: int, pad: tuple[int, int], d: int, ceil: bool) -> int:
    """Windows along an axis: ⌊(n + p₁ + p₂ − d(k − 1) − 1)/s⌋ + 1; in ceil mode rounded up,
    less a last window that would start in the padding on the right (PyTorch's rule)."""
    span = n + pad[0] + pad[1] - d * (k - 1) - 1
    if span < 0:
        return 0
    count = (span + s - 1) // s + 1 if ceil else span // s + 1
    if ceil and (count - 1) * s >= n + pad[0]:
        count -= 1
    return count


class ConvSpec(NamedTuple):
    input: Grid
    kernels: tuple[Grid, ...]
    """One per output channel, each with a slice per input channel."""
    bias: tuple[Number, ...] | None
    window: Window
    flip: bool = False
    """The mathematicians' convolution: each kernel turned 180° first."""
    activation: str | None = None
    params: ActivationParams = ActivationParams()
    grad: Grid | None = None
    """The upstream gradient ∂L/∂out, shaped as the output."""
    one_d: bool = False
    digits: int = 6
    depthwise: bool = False
    """One kernel slice per input channel, applied to that channel alone (no sum)."""
    pointwise: tuple[tuple[Number, ...], ...] | None = None
    """After a depthwise step, 1×1 weights: one row of a weight per channel for each output
    channel (a separable convolution)."""
    transpose: bool = False
    """A transposed convolution: each input cell spreads its value times the kernel over the
    output; the window's padding is then what is cropped from the output's sides."""
    output_padding: tuple[int, int] = (0, 0)


class PoolSpec(NamedTuple):
    kind: str
    """``max`` or ``avg``."""
    input: Grid
    window: Window
    include_pad: bool = True
    """Average pooling: the padded zeros count in the mean (PyTorch's default)."""
    global_: bool = False
    grad: Grid | None = None
    digits: int = 6


class NormSpec(NamedTuple):
    kind: str
    """``batchnorm`` (statistics per feature, over the examples) or ``layernorm`` (per example,
    over its features)."""
    input: Grid
    """Rows are examples, columns features."""
    gamma: tuple[Number, ...]
    beta: tuple[Number, ...]
    eps: Number
    convention: str
    momentum: Number | None = None
    running_mean: tuple[Number, ...] | None = None
    running_var: tuple[Number, ...] | None = None
    eval_: bool = False
    """Batch norm at inference: normalised with the running statistics."""
    grad: Grid | None = None
    digits: int = 6
    volumes: tuple[int, int, int, int] | None = None
    """``--channels``: the batch was N volumes of C channels of H×W, and ``input`` holds it as
    an (N·H·W) × C matrix (a row a position, a column a channel), so that the statistics are
    per channel."""

    def label(self, row: int, column: int) -> str:
        """A cell's index as ``check`` names it, from 1: ``[i,j]``, or ``[n,c,h,w]``."""
        if self.volumes is None:
            return f"[{row + 1},{column + 1}]"
        _, _, height, width = self.volumes
        n, rest = divmod(row, height * width)
        return f"[{n + 1},{column + 1},{rest // width + 1},{rest % width + 1}]"


class DropoutSpec(NamedTuple):
    input: Grid
    rate: Number
    mask: Grid
    drawn: int | None = None
    """The seed the mask was drawn with (None when given)."""
    scale: bool = True
    """Inverted dropout: the kept values divided by 1 − p in training."""
    eval_: bool = False
    digits: int = 6
