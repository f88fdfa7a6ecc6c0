"""``dlcalc activate``: the result as a report and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.render.report import Column, NoteIndex, Report, Table
from dlcalc.solve.activations import ActivateResult
from dlcalc.solve.numbers import num


def activate_report(result: ActivateResult, digits: int = 6) -> Report:
    notes = NoteIndex()
    exact = any(row.exact_value is not None for row in result.rows)
    f, d = result.symbol, f"{result.symbol}′"
    columns = [
        Column("x", "right"),
        Column(f"{f}(x) (working)"),
        Column(f"{f}(x)", "right"),
        Column(f"{d}(x) (working)"),
        Column(f"{d}(x)", "right"),
    ]
    if exact:
        columns += [Column(f"{f}(x) exact"), Column(f"{d}(x) exact")]
    columns.append(Column("Notes"))
    table = Table(columns)
    for row in result.rows:
        x = row.x.text.replace("-", "−")
        cells = [
            x,
            f"{f}({x}) = {row.value.worked}",
            num(row.value.value, digits),
            f"{d}({x}) = {row.derivative.worked}",
            num(row.derivative.value, digits),
        ]
        if exact:
            cells += [row.exact_value or "", row.exact_derivative or ""]
        cells.append(notes.refs(row.notes))
        table.rows.append(cells)
    meta = [result.formula, result.derivative_formula]
    if result.convention:
        meta.append(f"convention: {result.convention}")
    return Report(
        title=f"Activation: {result.function}", meta=meta, tables=[table], notes=notes.notes
    )


def activate_json(result: ActivateResult) -> dict[str, Any]:
    return {
        "dlcalc": __version__,
        "command": "activate",
        "function": result.function,
        "formula": result.formula,
        "derivative_formula": result.derivative_formula,
        "convention": result.convention,
        "params": {k: v for k, v in result.params._asdict().items() if v is not None},
        "rows": [
            {
                "x": row.x.value,
                "value": row.value.value,
                "derivative": row.derivative.value,
                "value_working": row.value.worked,
                "derivative_working": row.derivative.worked,
                **(
                    {"exact_value": row.exact_value, "exact_derivative": row.exact_derivative}
                    if row.exact_value is not None
                    else {}
                ),
                "notes": list(row.notes),
            }
            for row in result.rows
        ],
    }
