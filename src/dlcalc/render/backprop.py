"""``dlcalc backprop``: the result as a report (forward pass, loss, deltas, chain rule, updates)
and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.render.report import Cell, Column, Math, Report, Table
from dlcalc.render.working import value_cell, working_cell, working_json
from dlcalc.solve.backprop import BackpropResult, Iteration, SamplePass
from dlcalc.solve.numbers import Fmt, num
from dlcalc.steps.expr import Expr, Num, Sym
from dlcalc.steps.step import Step
from dlcalc.steps.text import TextPrinter


def _worked(step: Step) -> Math:
    """``net_h1 = w₁·out_i1 + b₁ = 0.15·0.05 + 0.35 = 0.3575``: symbol, rule, values, value."""
    return working_cell(step, with_value=True, with_formula=True)


def backprop_report(result: BackpropResult, digits: int = 6) -> Report:
    def f(value: float) -> str:
        return num(value, digits)

    spec = result.spec
    tables: list[Table] = []
    for step in result.steps:
        tables += _step_tables(step, result, f)
    meta = []
    if spec.loss is not None:
        meta.append(f"loss: {spec.loss}" + (f", rate η = {spec.rate.text}" if spec.rate else ""))
    if spec.samples[0].targets is not None and (len(spec.samples) > 1 or spec.epochs > 1):
        meta.append(f"{len(spec.samples)} samples, mode {spec.mode}, {spec.epochs} epoch(s)")
    summary: list[tuple[str, Cell]] = []
    losses = [s.loss.number for s in result.steps if s.loss is not None]  # type: ignore[arg-type]
    if losses:
        summary.append(("E (first step)", f(losses[0])))
        if len(losses) > 1:
            summary.append(("E (last step)", f(losses[-1])))
    what = result.what_if
    if what is not None:
        tables.append(_what_if_table(result, f))
    if result.exact is not None:
        tables.append(_exact_table(result, f))
    if what is not None and what.loss_after is not None and what.loss_before is not None:
        change = what.loss_after - what.loss_before
        verdict = (
            "more accurate (the loss falls)"
            if change < 0
            else "less accurate (the loss rises)"
            if change > 0
            else "neither more nor less accurate (the loss is unchanged)"
        )
        summary.append(("E with the change", f"{f(what.loss_after)}: ΔE = {f(change)}"))
        if what.predicted is not None:
            summary.append(("first-order prediction", _worked(what.predicted)))
        summary.append(("the prediction gets", verdict))
    return Report(
        title=f"Backpropagation: {spec.source}"
        if losses or result.exact
        else f"Forward pass: {spec.source}",
        meta=meta,
        tables=tables,
        latex=_equations(result),
        records=lambda: _records(result),
        notes=list(result.notes),
        summary=summary,
        digits=digits,
    )


def _label(step: Iteration, result: BackpropResult) -> str:
    parts = []
    if result.spec.epochs > 1:
        parts.append(f"epoch {step.epoch}")
    if step.sample is not None and len(result.spec.samples) > 1:
        parts.append(f"sample {step.sample}")
    if step.sample is None:
        parts.append("batch")
    return f" ({', '.join(parts)})" if parts else ""


def _step_tables(step: Iteration, result: BackpropResult, f: Fmt) -> list[Table]:
    label = _label(step, result)
    tables = []
    for index, one in enumerate(step.passes, start=1):
        suffix = label if len(step.passes) == 1 else f"{label[:-1]}, sample {index})"
        tables.append(_forward_table(one, suffix))
        if one.loss is not None:
            tables.append(_loss_table(one, result, suffix))
            tables.append(_delta_table(one, suffix))
            tables.append(_chain_table(one, suffix))
    if step.averages and step.loss is not None:
        means = Table(
            [Column("quantity"), Column("working"), Column("value", "right")],
            title=f"Means over the batch{label}",
        )
        for mean in (step.loss, *step.averages):
            means.rows.append([Math((mean.symbol,)), _worked(mean), value_cell(mean)])
        tables.append(means)
    if step.updates:
        averaged = " (gradients averaged over the samples)" if len(step.passes) > 1 else ""
        updates = Table(
            [
                Column("parameter"),
                Column("old", "right"),
                Column("∂E/∂p", "right"),
                Column("−η·∂E/∂p", "right"),
                Column("new", "right"),
            ],
            title=f"Updates{label}{averaged}",
        )
        for update in step.updates:
            new = update.new.number
            change = "frozen" if update.frozen else f(new - update.old)
            updates.rows.append(
                [update.parameter, f(update.old), f(update.gradient), change, f(new)]
            )
        tables.append(updates)
    return tables


def _forward_table(one: SamplePass, label: str) -> Table:
    table = Table(
        [
            Column("neuron"),
            Column("net (working)"),
            Column("out (working)"),
            Column("out", "right"),
        ],
        title=f"Forward pass{label}",
    )
    for value in one.forward:
        table.rows.append(
            [value.neuron, _worked(value.net), _worked(value.out), value_cell(value.out)]
        )
    return table


def _loss_table(one: SamplePass, result: BackpropResult, label: str) -> Table:
    loss = one.loss
    assert loss is not None and one.error is not None
    outputs = result.spec.layers[-1].neurons
    table = Table(
        [Column("output"), Column("term (working)"), Column("term", "right")],
        title=f"Loss{label}: {TextPrinter().chain((Sym('ℓ'), loss.formula))}",
    )
    for neuron, term in zip(outputs, one.terms):
        table.rows.append([neuron, _worked(term), value_cell(term)])
    table.footer.append(["E", _worked(one.error), value_cell(one.error)])
    return table


def _delta_table(one: SamplePass, label: str) -> Table:
    table = Table(
        [
            Column("neuron"),
            Column("∂E/∂out"),
            Column("∂out/∂net"),
            Column("δ = ∂E/∂net"),
            Column("δ", "right"),
        ],
        title=f"Deltas{label}",
    )
    slopes = {value.neuron: value.slope for value in one.forward}
    for delta in one.deltas:
        slope = slopes[delta.neuron]
        table.rows.append(
            [
                delta.neuron,
                "" if delta.d_out is None else _worked(delta.d_out),
                "" if slope is None or delta.d_out is None else _worked(slope),
                _worked(delta.delta),
                value_cell(delta.delta),
            ]
        )
    return table


def _chain_table(one: SamplePass, label: str) -> Table:
    table = Table(
        [Column("parameter"), Column("chain rule"), Column("values"), Column("∂E/∂p", "right")],
        title=f"Chain rule{label}",
    )
    for chain in one.chains:
        rule = Math((chain.symbol, *([chain.formula] if chain.formula is not None else [])))
        values = Math((*chain.substituted, Num(chain.number)))
        table.rows.append([chain.name.rsplit("dE/d", 1)[1], rule, values, value_cell(chain)])
    return table


def backprop_json(result: BackpropResult, digits: int = 6) -> dict[str, Any]:
    spec = result.spec
    return {
        "dlcalc": __version__,
        "command": "backprop",
        "source": spec.source,
        "loss": spec.loss,
        "rate": spec.rate.value if spec.rate else None,
        "mode": spec.mode,
        "epochs": spec.epochs,
        "parameters": {p.name: p.value.value for p in spec.parameters},
        "steps": [_step_json(step) for step in result.steps],
        **({"what_if": _what_if_json(result)} if result.what_if else {}),
        **({"exact": _exact_json(result, digits)} if result.exact else {}),
        "notes": list(result.notes),
        "working": working_json(result.working, digits),
    }


def _exact_json(result: BackpropResult, digits: int) -> dict[str, Any]:
    exact = result.exact
    assert exact is not None

    text = TextPrinter(digits)

    def pair(tree: Expr, value: float) -> dict[str, Any]:
        return {"form": text.print(tree), "value": value}

    def pairs(forms: dict[str, tuple[Expr, float]]) -> dict[str, Any]:
        return {name: pair(*found) for name, found in forms.items()}

    return {
        "outputs": pairs(exact.outputs),
        "loss": None if exact.loss is None else pair(*exact.loss),
        "gradients": pairs(exact.gradients),
        "updated": pairs(exact.updated),
    }


def _what_if_json(result: BackpropResult) -> dict[str, Any]:
    what = result.what_if
    assert what is not None
    return {
        "changes": {name: new for name, _, new in what.changes},
        "outputs": {neuron: {"before": b, "after": a} for neuron, b, a in what.outputs},
        "loss_before": what.loss_before,
        "loss_after": what.loss_after,
        "predicted_change": None if what.predicted is None else what.predicted.value,
    }


def _step_json(step: Iteration) -> dict[str, Any]:
    samples = [
        {
            "forward": {v.neuron: {"net": v.net.value, "out": v.out.value} for v in one.forward},
            "loss": one.loss.value if one.loss else None,
            **({"deltas": {d.neuron: d.delta.value for d in one.deltas}} if one.deltas else {}),
        }
        for one in step.passes
    ]
    loss = None if step.loss is None else step.loss.value
    data: dict[str, Any] = {"epoch": step.epoch, "sample": step.sample, "loss": loss}
    if len(samples) == 1:
        data["forward"] = samples[0]["forward"]
    data["samples"] = samples
    if step.loss is not None:
        data["gradients"] = dict(step.gradients)
        if len(step.passes) == 1:
            data["deltas"] = samples[0]["deltas"]
    if step.updates:
        data["updated"] = {u.parameter: u.new.value for u in step.updates}
    return data


def _what_if_table(result: BackpropResult, f: Any) -> Table:
    what = result.what_if
    assert what is not None
    changes = ", ".join(f"{name} = {f(new)} (was {f(old)})" for name, old, new in what.changes)
    table = Table(
        [
            Column("output"),
            Column("out", "right"),
            Column("out with the change", "right"),
            Column("change", "right"),
        ],
        title=f"With {changes}",
    )
    for neuron, before, after in what.outputs:
        table.rows.append([neuron, f(before), f(after), f(after - before)])
    return table


def _exact_rows(result: BackpropResult) -> list[tuple[str, Expr, float]]:
    """Each closed form: what it is, the form, its decimal."""
    exact = result.exact
    assert exact is not None
    rows = [(f"out_{name}", *pair) for name, pair in exact.outputs.items()]
    if exact.loss is not None:
        rows.append(("E", *exact.loss))
    rows += [(f"∂E/∂{name}", *pair) for name, pair in exact.gradients.items()]
    rows += [(f"{name} (new)", *pair) for name, pair in exact.updated.items()]
    return rows


def _exact_table(result: BackpropResult, f: Fmt) -> Table:
    table = Table(
        [Column("value"), Column("closed form"), Column("decimal", "right")],
        title="Closed forms (first step)",
    )
    table.rows += [[name, Math((tree,)), f(decimal)] for name, tree, decimal in _exact_rows(result)]
    return table


def _equations(result: BackpropResult) -> list[Math]:
    """The derivation for LaTeX: every step, then the closed forms."""
    equations = [_worked(s) for s in result.working]
    if result.exact is not None:
        equations += [
            Math((tree, Num(decimal)), label=f"{name} (closed form)")
            for name, tree, decimal in _exact_rows(result)
        ]
    return equations


def _records(result: BackpropResult) -> Table:
    """Every update with plain numbers, for CSV."""
    names = ("epoch", "sample", "parameter", "old", "gradient", "new", "frozen")
    table = Table([Column(name) for name in names])
    for step in result.steps:
        for update in step.updates:
            table.rows.append(
                [
                    str(step.epoch),
                    "" if step.sample is None else str(step.sample),
                    update.parameter,
                    repr(update.old),
                    repr(update.gradient),
                    repr(update.new.value),
                    str(update.frozen).lower(),
                ]
            )
    return table
