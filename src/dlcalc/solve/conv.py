"""``dlcalc conv``: a convolution layer computed by hand, each output cell a step written out
as its products and their sum; with an upstream gradient, the backward pass (∂L/∂input,
∂L/∂kernel, ∂L/∂bias), each cell the sum of its contributions.

What deep-learning libraries call convolution is cross-correlation: the kernel is not turned
(``flip`` turns it 180° first, the mathematicians' convolution)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from dlcalc.solve.activations import activation_steps
from dlcalc.spec.calculators import Number
from dlcalc.spec.grids import ConvSpec, Grid, Window
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Expr, Mul, Num, Sum, Sym
from dlcalc.steps.step import Step, step

Cells = list[list[list[Step]]]
"""Steps by channel, row and column."""
Link = tuple[tuple[int, int, int], tuple[int, int, int, int]]
"""One product of an output cell: the input cell it reads (channel, row, column of the padded
input) and the kernel weight (kernel, slice, row, column of the kernels as applied)."""
Links = dict[tuple[int, int, int], list[Link]]
"""Each output cell's products, by (kernel, row, column): what the backward pass walks back."""
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
    depthwise: Cells | None = None
    """A separable convolution's depthwise cells (``dw[c,i,j]``), before the pointwise step."""
    links: Links | None = None

    @property
    def steps(self) -> list[Step]:
        grids = (self.depthwise or [], self.sums, self.outputs)
        found = [s for grid in grids for s in _flat(grid)]
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
    if spec.transpose:
        from dlcalc.solve.conv_transpose import solve_transposed

        return solve_transposed(spec)
    window = spec.window
    padded = padded_input(spec.input, window)
    kernels = [applied(kernel, spec.flip) for kernel in spec.kernels]
    if spec.depthwise:  # one single-slice kernel a channel, as PyTorch's groups = C holds it
        kernels = [[piece] for piece in kernels[0]]
    many = len(kernels) > 1
    rows, columns = window.outputs(*spec.input.shape[1:])
    base = "dw" if spec.pointwise else "z" if spec.activation else "out"
    sums: Cells = []
    links: Links = {}
    for k in range(len(kernels)):
        bias = spec.bias[k] if spec.bias and not spec.pointwise else None
        channels = [k] if spec.depthwise else list(range(len(padded)))
        grid = []
        for i in range(rows):
            row = []
            for j in range(columns):
                links[(k, i, j)] = [
                    ((c, tap.row, tap.column), (k, slot, tap.m, tap.n))
                    for slot, c in enumerate(channels)
                    for tap in taps(window, i, j)
                ]
                row.append(_cell(padded, kernels, links[(k, i, j)], bias, (k, i, j), base, many))
            grid.append(row)
        sums.append(grid)
    depthwise = None
    if spec.pointwise:
        depthwise, sums = sums, _pointwise(spec, sums)
        many = len(sums) > 1
    outputs = activated_grid(spec, sums, many)
    result = ConvResult(spec, padded, kernels, sums, outputs, None, None, None, depthwise, links)
    if spec.grad is None:
        return result
    from dlcalc.solve.conv_backward import backward

    return backward(result)


POINTWISE = Sum("c", Mul((Sym("p", "k,c"), Sym("dw", "c,i,j"))))
"""A separable convolution's second step: 1×1 weights over the depthwise outputs."""


def _pointwise(spec: ConvSpec, depthwise: Cells) -> Cells:
    """Each output channel Σ_c p[k,c]·dw[c,i,j] (+ b[k]), from the depthwise cells."""
    assert spec.pointwise is not None
    many = len(spec.pointwise) > 1
    base = "z" if spec.activation else "out"
    out: Cells = []
    for k, weights in enumerate(spec.pointwise):
        bias = spec.bias[k] if spec.bias else None
        grid = []
        for i, row in enumerate(depthwise[0]):
            cells = []
            for j in range(len(row)):
                terms: list[Expr] = []
                values = []
                for c, w in enumerate(weights):
                    d = depthwise[c][i][j]
                    terms.append(Mul((Num(w.value, w.text), Num(d.value))))  # type: ignore[arg-type]
                    values.append(w.value * d.number)
                if bias is not None:
                    terms.append(Num(bias.value, bias.text))
                    values.append(bias.value)
                name = cell_name(base, (k, i, j), (many, True, True))
                rule = POINTWISE + Sym("b") if bias is not None else POINTWISE
                shown = Add(tuple(terms)) if len(terms) > 1 else terms[0]
                cells.append(step(name, Sym(name), rule, {}, arith.fsum(values), stages=[shown]))
            grid.append(cells)
        out.append(grid)
    return out


def applied(kernel: Grid, flip: bool) -> list[list[list[Num]]]:
    slices = [
        [[Num(n.value, n.text) for n in row] for row in channel] for channel in kernel.channels
    ]
    if flip:
        return [[row[::-1] for row in channel[::-1]] for channel in slices]
    return slices


def _cell(
    padded: list[list[list[Num]]],
    kernels: list[list[list[list[Num]]]],
    links: list[Link],
    bias: Number | None,
    at: tuple[int, int, int],
    base: str,
    many: bool,
) -> Step:
    """Output cell ``at`` (kernel, row, column): Σ x·w over the products it links, + b."""
    terms: list[Expr] = []
    values: list[float] = []
    for (c, r, q), (k, slot, m, n) in links:
        x, w = padded[c][r][q], kernels[k][slot][m][n]
        terms.append(Mul((x, w)))
        values.append(arith.real(x.value) * arith.real(w.value))
    if bias is not None:
        terms.append(Num(bias.value, bias.text))
        values.append(bias.value)
    name = cell_name(base, at, (many, True, True))
    products = Add(tuple(terms)) if len(terms) > 1 else terms[0]
    rule = RULE + Sym("b") if bias is not None else RULE
    return step(name, Sym(name), rule, {}, arith.fsum(values), stages=[products])


def activated_grid(spec: ConvSpec, sums: Cells, many: bool) -> Cells:
    """The output: the sums, or with --activation each sum's activation."""
    if spec.activation is None:
        return sums
    return [
        [
            [activated(s, spec, (k, i, j), many) for j, s in enumerate(row)]
            for i, row in enumerate(grid)
        ]
        for k, grid in enumerate(sums)
    ]


def activated(total: Step, spec: ConvSpec, at: tuple[int, int, int], many: bool) -> Step:
    assert spec.activation is not None
    value, _ = activation_steps(spec.activation, Num(total.number), total.name, spec.params)
    name = cell_name("out", at, (many, True, True))
    return value._replace(name=name, symbol=Sym(name))
