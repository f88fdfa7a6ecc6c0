"""``dlcalc grad``: the computation graph's forward and backward passes as tables, the nudges
and the gradient check, and the JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.render.grids import records
from dlcalc.render.report import Cell, Column, Math, Maths, Report, Table
from dlcalc.render.working import (
    arithmetic_cell,
    rule_cell,
    value_cell,
    working_cell,
    working_json,
)
from dlcalc.solve.graph import GraphResult
from dlcalc.solve.graph_rules import formula_of
from dlcalc.steps.expr import Num, Sym
from dlcalc.steps.step import Step
from dlcalc.steps.text import TextPrinter


def _ref(ref: object) -> str:
    return ref if isinstance(ref, str) else ref.text  # type: ignore[attr-defined]


def graph_report(result: GraphResult, digits: int = 6) -> Report:
    spec = result.spec
    out = spec.output
    root = result.nodes[-1].value
    point = ", ".join(f"{name} = {n.text}" for name, n in spec.at)
    forward = Table(
        [Column("node"), Column("operation"), Column("inputs"), Column("value")],
        title="Forward pass",
    )
    for node in result.nodes:
        assert node.value.formula is not None
        forward.rows.append(
            [
                node.name,
                Math((Sym(node.name), node.value.formula)),
                ", ".join(_ref(a) for a in node.args),
                arithmetic_cell(node.value),
            ]
        )
    backward = Table(
        [Column("gradient"), Column("upstream × local"), Column("local derivatives")],
        title="Backward pass",
    )
    edges = {s.name: s for s in result.locals_}
    for grad in result.gradients:
        child = grad.name.split("/d", 1)[1]
        used = [s for name, s in edges.items() if name.endswith(f"/d{child}")]
        cells: list[Cell] = [
            Math((Sym(grad.name), Num(grad.number))),
            rule_cell(grad),
            Maths(tuple(working_cell(s, with_value=True) for s in used)) if used else "",
        ]
        backward.rows.append(cells)
    tables = [forward, backward]
    if result.numeric:
        tables.append(_nudges(result))
    if result.closed:
        closed = Table([Column("closed form (SymPy)"), Column("value")], title="Closed forms")
        closed.rows = [[Math((s.symbol, s.exact)), value_cell(s)] for s in result.closed]  # type: ignore[arg-type]
        tables.append(closed)
    summary: list[tuple[str, Cell]] = [(out, value_cell(root))]
    summary += [(f"∂{out}/∂{name}", value_cell(result.gradient(name))) for name, _ in spec.at]
    if result.check:
        check = result.check[-1]
        table = Table([Column("quantity"), Column("working")], title="Gradient check")
        table.rows = [[s.name, working_cell(s, with_value=True)] for s in result.check]
        tables.append(table)
        summary.append(("gradient check", Math((Num(check.number),), words=check.words)))
    return Report(
        title="Computation graph",
        meta=[Math((Sym(out), formula_of(spec.tree))), f"at {point}"],
        tables=tables,
        summary=summary,
        digits=digits,
        records=lambda: records(result.steps),
    )


def _nudges(result: GraphResult) -> Table:
    spec = result.spec
    assert spec.nudge is not None
    f = spec.output
    table = Table(
        [
            Column("input"),
            Column(f"{f}(x + ε)"),
            Column(f"{f}(x − ε)"),
            Column(f"({f}(x + ε) − {f}(x))/ε"),
            Column(f"({f}(x + ε) − {f}(x − ε))/2ε"),
            Column("exact"),
        ],
        title=f"Nudges: ε = {spec.nudge.text}",
    )  # fmt: skip
    steps = {s.name: s for s in result.numeric}
    for name, _ in spec.at:
        table.rows.append(
            [
                name,
                _nudged(steps[f"{spec.output}({name}+ε)"]),
                _nudged(steps[f"{spec.output}({name}-ε)"]),
                arithmetic_cell(steps[f"slope1.{name}"]),
                arithmetic_cell(steps[f"slope2.{name}"]),
                value_cell(result.gradient(name)),
            ]
        )
    return table


def _nudged(value: Step) -> Math:
    """f at a nudged point, with the digits the nudge needs, and the point."""
    return Math(value.substituted, words=value.words)


def graph_json(result: GraphResult, digits: int = 6) -> dict[str, Any]:
    spec = result.spec
    grads = {spec.output: 1.0, **{s.name.split("/d", 1)[1]: s.number for s in result.gradients}}
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": "grad",
        "output": spec.output,
        "value": result.nodes[-1].value.number,
        "nodes": [
            {
                "name": n.name,
                "op": n.op,
                "inputs": [_ref(a) for a in n.args],
                "value": n.value.number,
                "grad": grads[n.name],
            }
            for n in result.nodes
        ],
        "gradient": {name: grads[name] for name, _ in spec.at},
    }
    if result.numeric:
        steps = {s.name: s.number for s in result.numeric}
        data["numeric"] = {
            name: {"one_sided": steps[f"slope1.{name}"], "two_sided": steps[f"slope2.{name}"]}
            for name, _ in spec.at
        }
    if result.closed:
        text = TextPrinter(digits)
        data["exact"] = {
            s.name.split("/d", 1)[1]: text.print(s.exact) for s in result.closed if s.exact
        }
    if result.check:
        data["difference"] = result.check[-1].number
        data["passed"] = result.passed
    data["working"] = working_json(result.steps, digits)
    return data
