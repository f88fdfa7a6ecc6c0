"""``dlcalc activate``: the result as a report and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.render.plot import braille_plot
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
        title=f"Activation: {result.function}",
        meta=meta,
        tables=[table],
        notes=notes.notes,
        figures=_plots(result),
        records=_records(result),
    )


def _records(result: ActivateResult) -> Table:
    """Every row with plain numbers, for CSV."""
    table = Table(
        [
            Column(name)
            for name in (
                "x",
                "value",
                "derivative",
                "value_working",
                "derivative_working",
                "exact_value",
                "exact_derivative",
            )
        ]
    )
    for row in result.rows:
        table.rows.append(
            [
                repr(row.x.value),
                repr(row.value.value),
                repr(row.derivative.value),
                row.value.worked,
                row.derivative.worked,
                row.exact_value or "",
                row.exact_derivative or "",
            ]
        )
    return table


def _plots(result: ActivateResult) -> list[tuple[str, list[str]]]:
    if not result.curve:
        return []
    xs = [x for x, _, _ in result.curve]
    figures = []
    for index, name in ((1, f"{result.symbol}(x)"), (2, f"{result.symbol}′(x)")):
        ys = [point[index] for point in result.curve]
        marks = [(row.x.value, (row.value, row.derivative)[index - 1].value) for row in result.rows]
        figures.append((f"{name} (● the given x)", braille_plot(xs, ys, marks)))
    return figures


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
