"""The backward pass of ``dlcalc conv``: given ∂L/∂out, each cell of ∂L/∂input, ∂L/∂kernel and
∂L/∂bias as the sum of its contributions, one for every window that reads it."""

from __future__ import annotations

from dlcalc.rules.activations import ACTIVATIONS
from dlcalc.solve.conv import ConvResult, cell_name
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Expr, Mul, Num, Sum, Sym
from dlcalc.steps.step import Step, step

Terms = dict[tuple[int, ...], list[tuple[Num, Num]]]
"""Each cell's contributions: pairs of numbers to multiply."""


def backward(result: ConvResult) -> ConvResult:
    """Walk each output cell's products back: g·w to the input cell each read (padding aside),
    g·x to the kernel weight; Σ g to the bias."""
    spec = result.spec
    assert spec.grad is not None and result.links is not None
    window = spec.window
    top, left = (0, 0) if spec.transpose else (window.padding[0], window.padding[2])
    channels, height, width = spec.input.shape
    grads = _upstream(result)
    kh, kw = window.size  # with --flip, ∂L/∂kernel is of the kernel as given: turned back
    into_input: Terms = {}
    into_kernel: Terms = {}
    for (k, i, j), links in result.links.items():
        g = grads[k][i][j]
        for (c, r, q), (kk, slot, m, n) in links:
            x, w = result.padded[c][r][q], result.kernels[kk][slot][m][n]
            at = (kh - 1 - m, kw - 1 - n) if spec.flip else (m, n)
            into_kernel.setdefault((kk, slot, *at), []).append((g, x))
            if 0 <= r - top < height and 0 <= q - left < width:
                into_input.setdefault((c, r - top, q - left), []).append((g, w))
    slots = len(result.kernels[0])
    many_k, many_c = len(result.kernels) > 1, slots > 1
    input_grad = [
        _matrix("input_grad", (c,), (channels > 1,), (height, width), into_input)
        for c in range(channels)
    ]
    kernel_grad = [
        [
            _matrix("kernel_grad", (k, c), (many_k, many_c), window.size, into_kernel)
            for c in range(slots)
        ]
        for k in range(len(result.kernels))
    ]
    bias_grad = None
    if spec.bias is not None:
        bias_grad = [
            _sum(
                cell_name("bias_grad", (k,), (len(grads) > 1,)),
                [(g, Num(1)) for row in grid for g in row],
                times_one=True,
            )
            for k, grid in enumerate(grads)
        ]
    return result._replace(input_grad=input_grad, kernel_grad=kernel_grad, bias_grad=bias_grad)


def _matrix(
    base: str,
    lead: tuple[int, ...],
    keep: tuple[bool, ...],
    shape: tuple[int, int],
    terms: Terms,
) -> list[list[Step]]:
    """One matrix of gradient cells, the leading indices ``lead`` (kernel, channel) fixed."""
    named = (*keep, True, True)
    return [
        [
            _sum(cell_name(base, (*lead, i, j), named), terms.get((*lead, i, j), []))
            for j in range(shape[1])
        ]
        for i in range(shape[0])
    ]


def _upstream(result: ConvResult) -> list[list[list[Num]]]:
    """∂L/∂(each sum): the gradient given, times the activation's derivative where there is
    one (its steps are part of the working)."""
    spec = result.spec
    assert spec.grad is not None
    given = [
        [[Num(n.value, n.text) for n in row] for row in channel] for channel in spec.grad.channels
    ]
    if spec.activation is None:
        return given
    activation = ACTIVATIONS[spec.activation]
    return [
        [
            [
                Num(arith.real(g.value) * activation.derivative(s.number, spec.params))
                for g, s in zip(grow, srow)
            ]
            for grow, srow in zip(gchannel, schannel)
        ]
        for gchannel, schannel in zip(given, result.sums)
    ]


RULES = {
    "input_grad": Sum("windows", Mul((Sym("g"), Sym("w")))),
    "kernel_grad": Sum("windows", Mul((Sym("g"), Sym("x")))),
    "bias_grad": Sum("windows", Sym("g")),
}
"""Each gradient's rule: the upstream gradient g of every window that reads the cell, times
the weight (for the input) or the input (for the kernel) it met there."""


def _sum(name: str, pairs: list[tuple[Num, Num]], times_one: bool = False) -> Step:
    """A gradient cell: Σ g·w over its contributions (Σ g for a bias), 0 when none reads it."""
    rule = RULES[name.split("[")[0]]
    if not pairs:
        return step(name, Sym(name), rule, {}, 0.0, stages=[], words="(no window reads this cell)")
    terms: list[Expr] = [g if times_one else Mul((g, w)) for g, w in pairs]
    value = arith.fsum(arith.real(g.value) * arith.real(w.value) for g, w in pairs)
    return step(
        name, Sym(name), rule, {}, value, stages=[Add(tuple(terms)) if len(terms) > 1 else terms[0]]
    )
