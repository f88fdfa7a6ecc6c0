"""``dlcalc loss``: the result as a report and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.render.report import Cell, Column, Math, Report, Table
from dlcalc.render.working import exact_cell, value_cell, working_cell, working_json
from dlcalc.solve.losses import LossResult
from dlcalc.spec.calculators import LossSpec
from dlcalc.steps.expr import Diff, Expr, Num, Sym
from dlcalc.steps.text import TextPrinter

ELL = Sym("ℓ")


def _rules(result: LossResult, gradient: bool) -> list[Cell]:
    """ℓ = … (and ∂ℓ/∂p = …), with what the formula needs said."""
    remark = f" ({result.remark})" if result.remark else ""
    lines: list[Cell] = [Math((ELL, result.formula), words=remark.strip())]
    if gradient:
        lines.append(Math((Diff(ELL, Sym(result.variable)), result.gradient_formula)))
    return lines


def loss_report(result: LossResult, spec: LossSpec) -> Report:
    var = result.variable
    exact = result.loss.exact is not None
    columns = [
        Column("example", "right"),
        Column("output", "right"),
        Column(var, "right"),
        Column("y", "right"),
        Column("term (working)"),
        Column("term", "right"),
    ]
    if exact:
        columns.append(Column("term (exact)"))
    if spec.gradient:
        scale = "" if result.scale == 1 else f" = ∂ℓ/∂{var}·{result.scale}"
        columns += [Column(f"∂ℓ/∂{var} (working)"), Column(f"∂L/∂{var}{scale}", "right")]
    table = Table(columns, title="Terms")
    for i, (prow, trow, terms, grads) in enumerate(
        zip(spec.pred, spec.target, result.terms, result.gradients), start=1
    ):
        for j, (p, t, term, g) in enumerate(zip(prow, trow, terms, grads), start=1):
            cells: list[Cell] = [str(i), str(j), Math((Num(p.value),)), Math((Num(t.value),))]
            cells += [working_cell(term.value), value_cell(term.value)]
            cells += [exact_cell(term.value)] if exact else []
            if spec.gradient:
                cells += [working_cell(term.gradient), value_cell(g)]
            table.rows.append(cells)
    summary: list[tuple[str, Cell]] = [
        (f"example {i}", working_cell(e, with_value=True)) for i, e in enumerate(result.examples, 1)
    ]
    summary += [
        ("reduction", working_cell(result.loss, with_value=True, with_formula=True)),
        ("loss", value_cell(result.loss)),
    ]
    if exact:
        summary.append(("exact", exact_cell(result.loss)))
    return Report(
        records=lambda: _records(result, spec),
        title=f"Loss: {result.kind} ({result.reduction})",
        meta=_rules(result, spec.gradient),
        tables=[table],
        notes=list(result.notes),
        summary=summary,
        digits=spec.digits,
    )


def _records(result: LossResult, spec: LossSpec) -> Table:
    names = ("example", "output", "prediction", "target", "term", "gradient")
    records = Table([Column(name) for name in names])
    for i, (prow, trow, terms, grads) in enumerate(
        zip(spec.pred, spec.target, result.terms, result.gradient), start=1
    ):
        for j, (p, t, term, g) in enumerate(zip(prow, trow, terms, grads), start=1):
            records.rows.append(
                [str(i), str(j), repr(p.value), repr(t.value), repr(term.value.value), repr(g)]
            )
    return records


def loss_json(result: LossResult, spec: LossSpec) -> dict[str, Any]:
    text = TextPrinter(spec.digits)
    rule: Expr = result.formula
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": "loss",
        "kind": result.kind,
        "reduction": result.reduction,
        "value": result.value,
        "terms": [[term.value.value for term in row] for row in result.terms],
        "formula": text.chain((ELL, rule)),
        "reduction_working": text.chain(
            [*result.loss.substituted, Num(result.loss.value)]  # type: ignore[arg-type]
        ),
        "convention": "keras" if spec.keras else "exact",
        "notes": list(result.notes),
    }
    if spec.gradient:
        data["gradient"] = [list(row) for row in result.gradient]
    if result.loss.exact is not None:
        data["exact_terms"] = [
            [text.print(term.value.exact) for term in row if term.value.exact is not None]
            for row in result.terms
        ]
        data["exact_value"] = text.print(result.loss.exact)
    data["working"] = working_json(result.steps, spec.digits)
    return data
