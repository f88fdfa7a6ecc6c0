"""``dlcalc conv``: a convolution layer computed by hand, each output cell a step written out
as its products and their sum; with an upstream gradient, the backward pass (∂L/∂input,
∂L/∂kernel, ∂L/∂bias), each cell the sum of its contributions.

What deep-learning libraries call convolution is cross-correlation: the kernel is not turned
(``flip`` turns it 180° first, the mathematicians' convolution)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from dlcalc.solve.activations import activation_steps
from dlcalc.spec.grids import ConvSpec, Grid, Window
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Expr, Mul, Num, Sum, Sym
from dlcalc.steps.step import Step, step

Cells = list[list[list[Step]]]
"""Steps by channel, row and column."""
RULE = Sum("c,m,n", Mul((Sym("x", "c,i+m,j+n"), Sym("w", "c,m,n"))))
"""An output cell's rule, the same for every cell (the stride and dilation scale i + m)."""


class Tap(NamedTuple):
    """One cell of a window: where it reads the padded input, and the kernel weight there."""

    row: int
    column: int
    """In the padded input, from 0."""
    m: int
    n: int
    """In the kernel, from 0."""


class ConvResult(NamedTuple):
    spec: ConvSpec
    padded: list[list[list[Num]]]
    """The input with its padding, as numbers (a padded cell is 0)."""
    kernels: list[list[list[list[Num]]]]
    """Each kernel as applied (turned 180° with ``flip``): [K][C][kh][kw]."""
    sums: Cells
    """Each output cell's products and their sum (plus the bias): [K][H][W]."""
    outputs: Cells
    """The output: the sums, or the activation of each."""
    input_grad: Cells | None
    kernel_grad: list[Cells] | None
    """[K][C][kh][kw]."""
    bias_grad: list[Step] | None

    @property
    def steps(self) -> list[Step]:
        found = [s for grid in (self.sums, self.outputs) for s in _flat(grid)]
        if self.input_grad is not None:
            found += _flat(self.input_grad)
        for kernel in self.kernel_grad or []:
            found += _flat(kernel)
        found += self.bias_grad or []
        return list({s.name: s for s in found}.values())


def _flat(grid: Cells) -> list[Step]:
    return [s for channel in grid for row in channel for s in row]


def cell_name(base: str, index: tuple[int, ...], keep: tuple[bool, ...]) -> str:
    """``out[1,2]``: the indices counted from 1, an axis left out where ``keep`` says it has
    one entry only (the channel of a one-channel result)."""
    shown = [str(i + 1) for i, k in zip(index, keep) if k]
    return f"{base}[{','.join(shown)}]" if shown else base


def padded_input(grid: Grid, window: Window) -> list[list[list[Num]]]:
    """The input with ``window``'s zeros around it, each number as written."""
    top, bottom, left, right = window.padding
    _, _, width = grid.shape
    zero = Num(0)
    out = []
    for channel in grid.channels:
        rows = [[zero] * (left + width + right) for _ in range(top)]
        rows += [
            [zero] * left + [Num(n.value, n.text) for n in row] + [zero] * right for row in channel
        ]
        rows += [[zero] * (left + width + right) for _ in range(bottom)]
        out.append(rows)
    return out


def taps(window: Window, row: int, column: int) -> Iterator[Tap]:
    """The cells of the window of output cell (``row``, ``column``), row by row."""
    for m in range(window.size[0]):
        for n in range(window.size[1]):
            yield Tap(
                row * window.stride[0] + m * window.dilation[0],
                column * window.stride[1] + n * window.dilation[1],
                m,
                n,
            )


def solve_conv(spec: ConvSpec) -> ConvResult:
    window = spec.window
    padded = padded_input(spec.input, window)
    kernels = [_applied(kernel, spec.flip) for kernel in spec.kernels]
    many = len(kernels) > 1
    rows, columns = window.outputs(*spec.input.shape[1:])
    sums: Cells = []
    for k, kernel in enumerate(kernels):
        bias = spec.bias[k] if spec.bias else None
        sums.append(
            [
                [
                    _cell(padded, kernel, bias, window, (k, i, j), many, spec.activation)
                    for j in range(columns)
                ]
                for i in range(rows)
            ]
        )
    outputs = sums
    if spec.activation is not None:
        outputs = [
            [
                [_activated(s, spec, (k, i, j), many) for j, s in enumerate(row)]
                for i, row in enumerate(grid)
            ]
            for k, grid in enumerate(sums)
        ]
    result = ConvResult(spec, padded, kernels, sums, outputs, None, None, None)
    if spec.grad is None:
        return result
    from dlcalc.solve.conv_backward import backward

    return backward(result)


def _applied(kernel: Grid, flip: bool) -> list[list[list[Num]]]:
    slices = [
        [[Num(n.value, n.text) for n in row] for row in channel] for channel in kernel.channels
    ]
    if flip:
        return [[row[::-1] for row in channel[::-1]] for channel in slices]
    return slices


def _cell(
    padded: list[list[list[Num]]],
    kernel: list[list[list[Num]]],
    bias: object,
    window: Window,
    at: tuple[int, int, int],
    many: bool,
    activation: str | None,
) -> Step:
    """Output cell ``at`` (kernel, row, column): Σ x·w over the window and the channels, + b."""
    _, i, j = at
    terms: list[Expr] = []
    values: list[float] = []
    for c, channel in enumerate(padded):
        for tap in taps(window, i, j):
            x, w = channel[tap.row][tap.column], kernel[c][tap.m][tap.n]
            terms.append(Mul((x, w)))
            values.append(arith.real(x.value) * arith.real(w.value))
    if bias is not None:
        terms.append(Num(bias.value, bias.text))  # type: ignore[attr-defined]
        values.append(bias.value)  # type: ignore[attr-defined]
    base = "z" if activation is not None else "out"
    name = cell_name(base, at, (many, True, True))
    products = Add(tuple(terms)) if len(terms) > 1 else terms[0]
    rule = RULE + Sym("b") if bias is not None else RULE
    return step(name, Sym(name), rule, {}, arith.fsum(values), stages=[products])


def _activated(total: Step, spec: ConvSpec, at: tuple[int, int, int], many: bool) -> Step:
    assert spec.activation is not None
    value, _ = activation_steps(spec.activation, Num(total.number), total.name, spec.params)
    name = cell_name("out", at, (many, True, True))
    return value._replace(name=name, symbol=Sym(name))
