"""``dlcalc softmax``: the result as a report and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.render.report import Cell, Column, Math, Report, Table
from dlcalc.render.working import exact_cell, value_cell, working_cell, working_json
from dlcalc.rules import softmax as rule
from dlcalc.solve.softmax import SoftmaxResult
from dlcalc.steps.expr import Expr, Num, Sum, Sym, exp
from dlcalc.steps.text import TextPrinter


def softmax_report(result: SoftmaxResult, digits: int = 6) -> Report:
    scaled = result.temperature != 1
    with_target = result.loss is not None
    exact = any(row.probability.exact is not None for row in result.rows)
    columns = [Column("i", "right"), Column("z", "right")]
    if scaled:
        columns.append(Column("z/T", "right"))
    columns += [Column("e^(…)"), Column("p = e^(…)/Σ"), Column("p", "right")]
    columns += [Column("p exact")] if exact else []
    columns += [Column("ln p", "right"), Column("hard max", "right")]
    if with_target:
        columns += [Column("y", "right"), Column("∂L/∂z (working)"), Column("∂L/∂z", "right")]
    table = Table(columns, title="Probabilities")
    for row in result.rows:
        cells: list[Cell] = [str(row.position), Math((Num(row.z),))]
        if scaled:
            cells.append(Math((Num(row.scaled),)))
        cells += [
            working_cell(row.exponential, with_value=True),
            Math(row.probability.substituted[1:]),
            value_cell(row.probability),
            *([exact_cell(row.probability)] if exact else []),
            value_cell(row.log_probability),
            "1" if row.position == result.argmax else "0",
        ]
        if with_target and row.gradient is not None:
            cells += [
                Math((Num(row.target or 0),)),
                working_cell(row.gradient),
                value_cell(row.gradient),
            ]
        table.rows.append(cells)
    footer: list[Cell] = ["Σ", "", *([""] if scaled else [])]
    footer += [Math((*result.total.substituted[1:], Num(result.total.value))), "", "1"]  # type: ignore[arg-type]
    footer += ["1"] if exact else []
    table.footer.append(footer + [""] * (len(columns) - len(footer)))
    tables = [table]
    if result.jacobian is not None:
        jacobian = Table(
            [Column("∂p_i/∂z_j", "right")]
            + [Column(f"j={j}", "right") for j in range(len(result.rows))],
            title="Jacobian: p_i·(δ_ij − p_j)" + ("/T" if scaled else ""),
        )
        for i, line in enumerate(result.jacobian):
            jacobian.rows.append([f"i={i}", *(value_cell(entry) for entry in line)])
        tables.append(jacobian)
    summary: list[tuple[str, Cell]] = [("arg max", f"class {result.argmax}")]
    if result.loss is not None:
        summary.append(
            ("cross-entropy", working_cell(result.loss, with_value=True, with_formula=True))
        )
        summary.append(("gradient", "∂L/∂z = p − y" + (" (divided by T)" if scaled else "")))
        if result.loss.exact is not None:
            summary.append(("exact", Math((Sym("L"), result.loss.exact))))
    return Report(
        records=lambda: _records(result),
        title="Softmax",
        meta=[Math((Sym("p", "i"), _rule_shown(scaled)))],
        tables=tables,
        notes=list(result.notes),
        summary=summary,
        digits=digits,
    )


def _rule_shown(scaled: bool) -> Expr:
    """e^(z_i)/Σ_j e^(z_j) (of z/T)."""
    zi, zj = Sym("z", "i"), Sym("z", "j")
    top = exp(zi / rule.T) if scaled else exp(zi)
    return top / Sum("j", exp(zj / rule.T) if scaled else exp(zj))


def _records(result: SoftmaxResult) -> Table:
    names = ("class", "z", "probability", "log_probability", "target", "gradient")
    records = Table([Column(name) for name in names])
    for row in result.rows:
        records.rows.append(
            [
                str(row.position),
                repr(row.z),
                repr(row.probability.value),
                repr(row.log_probability.value),
                "" if row.target is None else repr(row.target),
                "" if row.gradient is None else repr(row.gradient.value),
            ]
        )
    return records


def softmax_json(result: SoftmaxResult, digits: int = 6) -> dict[str, Any]:
    text = TextPrinter(digits)
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": "softmax",
        "z": [row.z for row in result.rows],
        "temperature": result.temperature,
        "probabilities": [row.probability.value for row in result.rows],
        "log_probabilities": [row.log_probability.value for row in result.rows],
        "argmax": result.argmax,
        "shift": result.shift,
    }
    if result.loss is not None:
        data["target"] = [row.target for row in result.rows]
        data["loss"] = result.loss.value
        data["gradient"] = [row.gradient.value if row.gradient else None for row in result.rows]
    if result.jacobian is not None:
        data["jacobian"] = [[entry.value for entry in line] for line in result.jacobian]
    exact = [row.probability.exact for row in result.rows]
    if all(e is not None for e in exact):
        data["exact_probabilities"] = [text.print(e) for e in exact if e is not None]
        if result.loss is not None and result.loss.exact is not None:
            data["exact_loss"] = text.print(result.loss.exact)
    data["notes"] = list(result.notes)
    data["working"] = working_json(result.steps, digits)
    return data
