"""``dlcalc activate``: the result as a report and as JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dlcalc import __version__
from dlcalc.render.plot import braille_plot
from dlcalc.render.report import Column, Math, NoteIndex, Report, Table
from dlcalc.render.working import exact_cell, value_cell, working_cell, working_json
from dlcalc.solve.activations import ActivateResult
from dlcalc.steps.expr import Call, Expr, Sym
from dlcalc.steps.text import TextPrinter

X = Sym("x")


def _rule_lines(result: ActivateResult) -> list[Math]:
    """``σ(x) = 1/(1 + e^(−x))``, the derivative's, and the auxiliary symbols (u = …)."""
    value, derivative = result.rule
    lines = [
        Math((Call(result.symbol, (X,)), value)),
        Math((Call(result.symbol, (X,), primes=1), derivative)),
    ]
    used = TextPrinter().chain(result.rule)
    for name, definition in result.where.items():
        if name in used:
            lines.append(Math((Sym(name), definition)))
    return lines


def activate_report(result: ActivateResult, digits: int = 6) -> Report:
    notes = NoteIndex()
    exact = any(row.value.exact is not None for row in result.rows)
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
        cells: list[Any] = [
            row.x.text.replace("-", "−"),
            working_cell(row.value),
            value_cell(row.value),
            working_cell(row.derivative),
            value_cell(row.derivative),
        ]
        if exact:
            cells += [exact_cell(row.value), exact_cell(row.derivative)]
        cells.append(notes.refs([*row.value.notes, *row.derivative.notes]))
        table.rows.append(cells)
    meta: list[Any] = list(_rule_lines(result))
    if result.convention:
        meta.append(f"convention: {result.convention}")
    return Report(
        title=f"Activation: {result.function}",
        meta=meta,
        tables=[table],
        notes=notes.notes,
        figures=_plots(result),
        pictures=[(f"{result.symbol}(x) and {result.symbol}′(x)", _picture(result))]
        if result.curve
        else [],
        records=lambda: _records(result),
        digits=digits,
    )


def _records(result: ActivateResult) -> Table:
    """Every row with plain numbers, for CSV."""
    names = ("x", "value", "derivative", "value_working", "derivative_working")
    exact = ("exact_value", "exact_derivative")
    table = Table([Column(name) for name in names + exact])
    for row in result.rows:
        table.rows.append(
            [
                repr(row.x.value),
                repr(float(row.value.value)),  # type: ignore[arg-type]
                repr(float(row.derivative.value)),  # type: ignore[arg-type]
                working_cell(row.value, with_value=True),
                working_cell(row.derivative, with_value=True),
                exact_cell(row.value),
                exact_cell(row.derivative),
            ]
        )
    return table


def _picture(result: ActivateResult) -> Callable[[Path], None]:
    def draw(path: Path) -> None:
        from dlcalc.render.pictures import activate_picture

        activate_picture(result, path)

    return draw


def _plots(result: ActivateResult) -> list[tuple[str, list[str]]]:
    if not result.curve:
        return []
    xs = [x for x, _, _ in result.curve]
    figures = []
    for index, name in ((1, f"{result.symbol}(x)"), (2, f"{result.symbol}′(x)")):
        ys = [point[index] for point in result.curve]
        marks = [
            (row.x.value, float((row.value, row.derivative)[index - 1].value))  # type: ignore[arg-type]
            for row in result.rows
        ]
        figures.append((f"{name} (● the given x)", braille_plot(xs, ys, marks)))
    return figures


def activate_json(result: ActivateResult, digits: int = 6) -> dict[str, Any]:
    text = TextPrinter(digits)
    value, derivative = result.rule
    symbol: Expr = Call(result.symbol, (X,))
    return {
        "dlcalc": __version__,
        "command": "activate",
        "function": result.function,
        "formula": text.chain((symbol, value)),
        "derivative_formula": text.chain((Call(result.symbol, (X,), primes=1), derivative)),
        "convention": result.convention,
        "params": {k: v for k, v in result.params._asdict().items() if v is not None},
        "rows": [
            {
                "x": row.x.value,
                "value": row.value.value,
                "derivative": row.derivative.value,
                "value_working": text.chain(row.value.substituted),
                "derivative_working": text.chain(row.derivative.substituted),
                **(
                    {
                        "exact_value": text.print(row.value.exact),
                        "exact_derivative": text.print(row.derivative.exact),
                    }
                    if row.value.exact is not None and row.derivative.exact is not None
                    else {}
                ),
                "notes": [*row.value.notes, *row.derivative.notes],
            }
            for row in result.rows
        ],
        "working": working_json(result.steps, digits),
    }
