"""``dlcalc pool max|avg``: pooling computed by hand, each output cell a step (the window's
values and their maximum or mean), the arg-max of each max window, and with an upstream
gradient the backward pass: routed to each window's arg-max, or spread evenly over an average
window's cells, accumulated where windows overlap."""

from __future__ import annotations

from typing import NamedTuple

from dlcalc.solve.conv import cell_name, padded_input, taps
from dlcalc.spec.grids import PoolSpec
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Call, Div, Expr, Num, Sum, Sym
from dlcalc.steps.step import Step, step

RULES = {
    "max": Call("max", (Sym("window"),)),
    "avg": Div(Sum("window", Sym("x")), Sym("n")),
}
GRAD_RULES = {
    "max": Sum("windows", Sym("g")),
    "avg": Sum("windows", Div(Sym("g"), Sym("n"))),
}
"""The backward rules: a cell gets the gradient g of each window whose maximum it is, or g/n of
each average window of n cells it is in."""


class Pooled(NamedTuple):
    """One output cell: its step, and the cells it read (0-based, in the input)."""

    step: Step
    cells: tuple[tuple[int, int], ...]
    """The window's cells inside the input, row by row."""
    divisor: int
    """What the mean divides by (cells of the input, and the padding where it counts)."""
    argmax: tuple[int, int] | None


class PoolResult(NamedTuple):
    spec: PoolSpec
    padded: list[list[list[Num]]]
    outputs: list[list[list[Pooled]]]
    """[C][H][W]."""
    input_grad: list[list[list[Step]]] | None

    @property
    def steps(self) -> list[Step]:
        found = [p.step for channel in self.outputs for row in channel for p in row]
        for channel in self.input_grad or []:
            found += [s for row in channel for s in row]
        return found


def solve_pool(spec: PoolSpec) -> PoolResult:
    window = spec.window
    channels, height, width = spec.input.shape
    rows, columns = window.outputs(height, width)
    top, left = window.padding[0], window.padding[2]
    many = channels > 1
    outputs = []
    for c, channel in enumerate(spec.input.channels):
        grid = []
        for i in range(rows):
            row = []
            for j in range(columns):
                inside, padding = [], 0
                for tap in taps(window, i, j):
                    r, q = tap.row - top, tap.column - left
                    if 0 <= r < height and 0 <= q < width:
                        inside.append((r, q))
                    elif (
                        tap.row < height + top + window.padding[1]
                        and tap.column < width + left + window.padding[3]
                    ):
                        padding += 1  # a padded cell (not one past the padding, in ceil mode)
                name = cell_name("out", (c, i, j), (many, True, True))
                values = [Num(channel[r][q].value, channel[r][q].text) for r, q in inside]
                row.append(_pooled(spec, name, values, inside, padding))
            grid.append(row)
        outputs.append(grid)
    result = PoolResult(spec, padded_input(spec.input, window), outputs, None)
    return result._replace(input_grad=_backward(result)) if spec.grad is not None else result


def _pooled(
    spec: PoolSpec, name: str, values: list[Num], cells: list[tuple[int, int]], padding: int
) -> Pooled:
    if spec.kind == "max":
        best = max(range(len(values)), key=lambda at: (values[at].value, -at))
        work = step(
            name,
            Sym(name),
            RULES["max"],
            {},
            values[best].value,
            stages=[Call("max", tuple(values))],
        )
        return Pooled(work, tuple(cells), len(cells), cells[best])
    count = len(values) + (padding if spec.include_pad else 0)
    terms: list[Expr] = [*values, *[Num(0)] * (padding if spec.include_pad else 0)]
    total = Add(tuple(terms)) if len(terms) > 1 else terms[0]
    value = arith.fsum(arith.real(v.value) for v in values) / count
    work = step(name, Sym(name), RULES["avg"], {}, value, stages=[Div(total, Num(count))])
    return Pooled(work, tuple(cells), count, None)


def _backward(result: PoolResult) -> list[list[list[Step]]]:
    spec = result.spec
    assert spec.grad is not None
    channels, height, width = spec.input.shape
    many = channels > 1
    grads = []
    for c, (pooled, given) in enumerate(zip(result.outputs, spec.grad.channels)):
        terms: dict[tuple[int, int], list[Expr]] = {}
        values: dict[tuple[int, int], list[float]] = {}
        sources: dict[tuple[int, int], list[str]] = {}
        for prow, grow in zip(pooled, given):
            for p, g in zip(prow, grow):
                gnum = Num(g.value, g.text)
                targets = [p.argmax] if p.argmax is not None else list(p.cells)
                for cell in targets:
                    share = gnum if spec.kind == "max" else Div(gnum, Num(p.divisor))
                    terms.setdefault(cell, []).append(share)
                    shared = g.value if spec.kind == "max" else g.value / p.divisor
                    values.setdefault(cell, []).append(shared)
                    sources.setdefault(cell, []).append(p.step.name)
        grid = []
        rule = GRAD_RULES[spec.kind]
        for i in range(height):
            row = []
            for j in range(width):
                name = cell_name("input_grad", (c, i, j), (many, True, True))
                found = terms.get((i, j), [])
                if not found:
                    row.append(
                        step(name, Sym(name), rule, {}, 0.0, stages=[], words=_unused(spec.kind))
                    )
                    continue
                shown = Add(tuple(found)) if len(found) > 1 else found[0]
                words = "(from " + ", ".join(sources[(i, j)]) + ")"
                value = arith.fsum(values[(i, j)])
                row.append(step(name, Sym(name), rule, {}, value, stages=[shown], words=words))
            grid.append(row)
        grads.append(grid)
    return grads


def _unused(kind: str) -> str:
    return "(the maximum of no window)" if kind == "max" else "(in no window)"
