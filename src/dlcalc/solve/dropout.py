"""``dlcalc dropout`` by hand: the mask, and each value kept (divided by the keep probability
1 − p in inverted dropout, so that the expected output is the input) or dropped; at inference
the input unchanged (inverted), or scaled by 1 − p (the original form)."""

from __future__ import annotations

from typing import NamedTuple

from dlcalc.solve.conv import cell_name
from dlcalc.spec.grids import DropoutSpec
from dlcalc.steps import arith
from dlcalc.steps.expr import Div, Expr, Mul, Num, Sym
from dlcalc.steps.step import Step, step

P, X, MASK = Sym("p"), Sym("x"), Sym("mask")
RULES = {
    (False, True): Div(Mul((X, MASK)), Num(1) - P),
    (False, False): Mul((X, MASK)),
    (True, True): X,
    (True, False): Mul((X, Num(1) - P)),
}
"""The output's rule by (inference, inverted)."""


class DropoutResult(NamedTuple):
    spec: DropoutSpec
    outputs: list[list[list[Step]]]
    expectation: str

    @property
    def steps(self) -> list[Step]:
        return [s for channel in self.outputs for row in channel for s in row]


def solve_dropout(spec: DropoutSpec) -> DropoutResult:
    keep = Num(1) - Num(spec.rate.value, spec.rate.text)
    many = spec.input.shape[0] > 1
    rule = RULES[(spec.eval_, spec.scale)]
    outputs = []
    for c, (channel, mask) in enumerate(zip(spec.input.channels, spec.mask.channels)):
        grid = []
        for i, (row, mask_row) in enumerate(zip(channel, mask)):
            cells = []
            for j, (x, kept) in enumerate(zip(row, mask_row)):
                name = cell_name("out", (c, i, j), (many, True, True))
                given = Num(x.value, x.text)
                stage: Expr
                if spec.eval_:
                    value = arith.real(x.value) * (1 if spec.scale else 1 - spec.rate.value)
                    stage = given if spec.scale else Mul((given, keep))
                else:
                    kept_value = arith.real(x.value) * kept.value
                    value = kept_value / (1 - spec.rate.value) if spec.scale else kept_value
                    product = Mul((given, Num(kept.value, kept.text)))
                    stage = Div(product, keep) if spec.scale else product
                words = "" if spec.eval_ else ("(kept)" if kept.value else "(dropped)")
                cells.append(step(name, Sym(name), rule, {}, value, stages=[stage], words=words))
            grid.append(cells)
        outputs.append(grid)
    p = spec.rate.text
    if spec.eval_:
        expectation = (
            "inverted dropout does nothing at inference: training already divided by 1 − p"
            if spec.scale
            else f"the original form scales every value by the keep probability 1 − {p} at "
            "inference"
        )
    else:
        expectation = (
            f"E[out] = (1 − {p})·x/(1 − {p}) + {p}·0 = x: each value is kept with probability "
            f"1 − {p} and divided by it, so the expected output is the input"
            if spec.scale
            else f"E[out] = (1 − {p})·x: the original form scales by 1 − {p} at inference instead"
        )
    return DropoutResult(spec, outputs, expectation)
