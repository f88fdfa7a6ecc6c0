"""``dlcalc loss``: the result as a report and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.render.report import Column, Report, Table
from dlcalc.solve.losses import LossResult
from dlcalc.solve.numbers import num
from dlcalc.spec.calculators import LossSpec


def loss_report(result: LossResult, spec: LossSpec) -> Report:
    def f(value: float) -> str:
        return num(value, spec.digits)

    var = "z" if spec.from_logits else "p"
    columns = [
        Column("example", "right"),
        Column("output", "right"),
        Column(var, "right"),
        Column("y", "right"),
        Column("term (working)"),
        Column("term", "right"),
    ]
    if result.exact_terms:
        columns.append(Column("term (exact)"))
    if spec.gradient:
        total = f"∂L/∂{var}" + ("" if result.scale == "1" else f" = ∂ℓ/∂{var}·{result.scale}")
        columns += [Column(f"∂ℓ/∂{var} (working)"), Column(total, "right")]
    table = Table(columns, title="Terms")
    for i, (prow, trow, terms, grads) in enumerate(
        zip(spec.pred, spec.target, result.terms, result.gradient), start=1
    ):
        for j, (p, t, term, g) in enumerate(zip(prow, trow, terms, grads), start=1):
            cells = [str(i), str(j), f(p.value), f(t.value), term.working, f(term.value)]
            if result.exact_terms:
                cells.append(result.exact_terms[i - 1][j - 1])
            if spec.gradient:
                cells += [term.gradient_working, f(g)]
            table.rows.append(cells)
    records = Table(
        [Column(name) for name in ("example", "output", "prediction", "target", "term", "gradient")]
    )
    for i, (prow, trow, terms, grads) in enumerate(
        zip(spec.pred, spec.target, result.terms, result.gradient), start=1
    ):
        for j, (pj, tj, term, g) in enumerate(zip(prow, trow, terms, grads), start=1):
            records.rows.append(
                [str(i), str(j), repr(pj.value), repr(tj.value), repr(term.value), repr(g)]
            )
    return Report(
        records=records,
        title=f"Loss: {result.kind} ({result.reduction})",
        meta=[result.formula] + ([result.gradient_formula] if spec.gradient else []),
        tables=[table],
        notes=list(result.notes),
        summary=[
            ("reduction", result.reduction_working),
            ("loss", f(result.value)),
            *([("exact", result.exact_value)] if result.exact_value else []),
        ],
    )


def loss_json(result: LossResult, spec: LossSpec) -> dict[str, Any]:
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": "loss",
        "kind": result.kind,
        "reduction": result.reduction,
        "value": result.value,
        "terms": [[term.value for term in row] for row in result.terms],
        "formula": result.formula,
        "reduction_working": result.reduction_working,
        "convention": "keras" if spec.keras else "exact",
        "notes": list(result.notes),
    }
    if spec.gradient:
        data["gradient"] = [list(row) for row in result.gradient]
    if result.exact_value is not None:
        data["exact_terms"] = [list(row) for row in result.exact_terms]
        data["exact_value"] = result.exact_value
    return data
