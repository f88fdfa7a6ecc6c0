"""``dlcalc softmax``: the result as a report and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.render.report import Column, Report, Table
from dlcalc.solve.numbers import num
from dlcalc.solve.softmax import SoftmaxResult


def softmax_report(result: SoftmaxResult, digits: int = 6) -> Report:
    def f(value: float) -> str:
        return num(value, digits)

    scaled = result.temperature != 1
    with_target = result.loss is not None
    columns = [Column("i", "right"), Column("z", "right")]
    if scaled:
        columns.append(Column("z/T", "right"))
    columns += [
        Column("e^(…)"),
        Column("p = e^(…)/Σ"),
        Column("p", "right"),
        Column("ln p", "right"),
        Column("hard max", "right"),
    ]
    if with_target:
        columns += [Column("y", "right"), Column("∂L/∂z (working)"), Column("∂L/∂z", "right")]
    if result.exact_probabilities:
        columns.insert(columns.index(Column("p", "right")) + 1, Column("p exact"))
    table = Table(columns, title="Probabilities")
    for row in result.rows:
        cells = [str(row.position), f(row.z)]
        if scaled:
            cells.append(f(row.scaled))
        cells += [
            row.exponential,
            row.probability_working,
            f(row.probability),
            *([result.exact_probabilities[row.position]] if result.exact_probabilities else []),
            f(row.log_probability),
            "1" if row.position == result.argmax else "0",
        ]
        if with_target:
            cells += [f(row.target or 0.0), row.gradient_working or "", f(row.gradient or 0.0)]
        table.rows.append(cells)
    footer = ["Σ", "", *([""] if scaled else []), result.total_working, "", f(1.0)]
    footer += ["1"] if result.exact_probabilities else []
    table.footer.append(footer + [""] * (len(columns) - len(footer)))
    tables = [table]
    if result.jacobian is not None:
        jacobian = Table(
            [Column("∂p_i/∂z_j", "right")]
            + [Column(f"j={j}", "right") for j in range(len(result.rows))],
            title="Jacobian: p_i·(δ_ij − p_j)" + ("/T" if scaled else ""),
        )
        for i, line in enumerate(result.jacobian):
            jacobian.rows.append([f"i={i}", *(f(v) for v in line)])
        tables.append(jacobian)
    summary = [("arg max", f"class {result.argmax}")]
    if result.loss is not None:
        summary.append(
            ("cross-entropy", f"L = −Σ y·ln p = {result.loss_working} = {f(result.loss)}")
        )
        summary.append(("gradient", "∂L/∂z = p − y" + (" (divided by T)" if scaled else "")))
        if result.exact_loss:
            summary.append(("exact", f"L = {result.exact_loss}"))
    records = Table(
        [
            Column(name)
            for name in ("class", "z", "probability", "log_probability", "target", "gradient")
        ]
    )
    for row in result.rows:
        records.rows.append(
            [
                str(row.position),
                repr(row.z),
                repr(row.probability),
                repr(row.log_probability),
                "" if row.target is None else repr(row.target),
                "" if row.gradient is None else repr(row.gradient),
            ]
        )
    return Report(
        records=records,
        title="Softmax",
        meta=["p_i = e^(z_i)/Σ_j e^(z_j)" + (", on z/T" if scaled else "")],
        tables=tables,
        notes=list(result.notes),
        summary=summary,
    )


def softmax_json(result: SoftmaxResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": "softmax",
        "z": [row.z for row in result.rows],
        "temperature": result.temperature,
        "probabilities": [row.probability for row in result.rows],
        "log_probabilities": [row.log_probability for row in result.rows],
        "argmax": result.argmax,
        "shift": result.shift,
    }
    if result.loss is not None:
        data["target"] = [row.target for row in result.rows]
        data["loss"] = result.loss
        data["gradient"] = [row.gradient for row in result.rows]
    if result.jacobian is not None:
        data["jacobian"] = [list(line) for line in result.jacobian]
    if result.exact_probabilities:
        data["exact_probabilities"] = list(result.exact_probabilities)
        if result.exact_loss is not None:
            data["exact_loss"] = result.exact_loss
    data["notes"] = list(result.notes)
    return data
