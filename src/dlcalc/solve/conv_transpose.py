"""``dlcalc conv --transpose``: a transposed convolution by hand. Each input cell spreads its
value, times the kernel, over the output (input cell (i, j) and kernel cell (m, n) meet at
output row i·s + m·d − p, column j·s + n·d − p); each output cell is written out as the sum
of its contributions. Each kernel is one output channel's, with a slice per input channel."""

from __future__ import annotations

from dlcalc.solve.conv import (
    Cells,
    ConvResult,
    Links,
    activated_grid,
    applied,
    cell_name,
    padded_input,
)
from dlcalc.spec.grids import ConvSpec, Window
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Expr, Mul, Num, Sum, Sym
from dlcalc.steps.step import step

RULE = Sum(
    "i·s + m·d − p = row, j·s + n·d − p = column", Mul((Sym("x", "c,i,j"), Sym("w", "c,m,n")))
)
"""An output cell of a transposed convolution: the input cells and kernel cells that meet there."""


def solve_transposed(spec: ConvSpec) -> ConvResult:
    window = spec.window
    channels, height, width = spec.input.shape
    given = padded_input(spec.input, Window(window.size, window.stride, (0, 0, 0, 0)))
    kernels = [applied(kernel, spec.flip) for kernel in spec.kernels]
    rows, columns = window.transposed(height, width)
    top, left = window.padding[0], window.padding[2]
    links: Links = {}
    for c in range(channels):
        for i in range(height):
            for j in range(width):
                for m in range(window.size[0]):
                    for n in range(window.size[1]):
                        row = i * window.stride[0] + m * window.dilation[0] - top
                        column = j * window.stride[1] + n * window.dilation[1] - left
                        if not (0 <= row < rows and 0 <= column < columns):
                            continue
                        for k in range(len(kernels)):
                            link = ((c, i, j), (k, c, m, n))
                            links.setdefault((k, row, column), []).append(link)
    many = len(kernels) > 1
    base = "z" if spec.activation else "out"
    sums: Cells = []
    for k in range(len(kernels)):
        bias = spec.bias[k] if spec.bias else None
        grid = []
        for i in range(rows):
            cells = []
            for j in range(columns):
                pairs = [
                    (given[c][r][q], kernels[kk][slot][m][n])
                    for (c, r, q), (kk, slot, m, n) in links.get((k, i, j), [])
                ]
                terms: list[Expr] = [Mul((x, w)) for x, w in pairs]
                values = [arith.real(x.value) * arith.real(w.value) for x, w in pairs]
                if bias is not None:
                    terms.append(Num(bias.value, bias.text))
                    values.append(bias.value)
                name = cell_name(base, (k, i, j), (many, True, True))
                rule = RULE + Sym("b") if bias is not None else RULE
                words = "" if pairs else "(no input cell reaches it)"
                shown = Add(tuple(terms)) if len(terms) > 1 else terms[0] if terms else Num(0)
                value = arith.fsum(values) if values else 0.0
                cells.append(step(name, Sym(name), rule, {}, value, stages=[shown], words=words))
            grid.append(cells)
        sums.append(grid)
    outputs = activated_grid(spec, sums, many)
    result = ConvResult(spec, given, kernels, sums, outputs, None, None, None, None, links)
    if spec.grad is None:
        return result
    from dlcalc.solve.conv_backward import backward

    return backward(result)
