"""A network problem's answers by name: every step of the working (``net_h1``, ``out_h1``,
``dout/dnet_h1``, ``E_o1``, ``E``, ``dE/dout_o1``, ``delta_o1``, ``dE/dw5``, the parameters after
the last update ``w5``, and those of later steps and samples with their prefix), and every
parameter's value where nothing updates it."""

from __future__ import annotations

from dlcalc.solve.backprop import BackpropResult
from dlcalc.solve.marking import Worked
from dlcalc.steps.expr import Num, Sym
from dlcalc.steps.step import step


def answer_values(result: BackpropResult) -> dict[str, Worked]:
    values: dict[str, Worked] = {}
    for p in result.spec.parameters:
        kept = step(p.name, Sym(p.name), None, {}, p.value.value, stages=(Num(p.value.value),))
        values[p.name] = Worked(p.value.value, kept._replace(words="(not updated)"))
    first = result.steps[0]
    if len(first.passes) > 1:  # a batch: its first sample's values by their plain names too
        prefix = "sample1."
        for s in first.passes[0].steps:
            values[s.name.removeprefix(prefix)] = Worked(s.value, s)  # type: ignore[arg-type]
    for s in result.working:
        values[s.name] = Worked(s.value, s)  # type: ignore[arg-type]
    return values
