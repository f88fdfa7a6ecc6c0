"""``dlcalc batchnorm``, ``layernorm`` and ``dropout``: the grids and statistics as tables, the
working of every cell, and the JSON."""

from __future__ import annotations

from typing import Any, TypeVar

from dlcalc import __version__
from dlcalc.render.grids import grid_table, records, working_table
from dlcalc.render.report import Cell, Math, Report, Table
from dlcalc.render.working import value_cell, working_json
from dlcalc.solve.dropout import DropoutResult
from dlcalc.solve.norm import NormResult
from dlcalc.spec.grids import NormSpec
from dlcalc.steps.expr import Num
from dlcalc.steps.step import Step


def _values(rows: list[list[Step]]) -> list[list[Cell]]:
    return [[value_cell(s) for s in row] for row in rows]


def _volumes(spec: NormSpec, rows: list[list[T]]) -> list[list[list[list[T]]]]:
    """--channels: the (N·H·W) × C matrix back into N volumes of C channels of H×W."""
    assert spec.volumes is not None
    count, channels, height, width = spec.volumes
    return [
        [
            [[rows[(n * height + h) * width + w][c] for w in range(width)] for h in range(height)]
            for c in range(channels)
        ]
        for n in range(count)
    ]


def _grids(spec: NormSpec, title: str, rows: list[list[Cell]]) -> list[Table]:
    """A matrix as one table, or --channels' volumes as a table per example and channel."""
    if spec.volumes is None:
        return [grid_table(title, rows)]
    return [
        grid_table(f"{title}, example {n + 1}, channel {c + 1}", channel)
        for n, volume in enumerate(_volumes(spec, rows))
        for c, channel in enumerate(volume)
    ]


def _layout(spec: NormSpec, rows: list[list[Step]]) -> list[Any]:
    """The JSON of cells: rows × features, or --channels' [N][C][H][W]."""
    numbers = [_numbers(row) for row in rows]
    return numbers if spec.volumes is None else _volumes(spec, numbers)


T = TypeVar("T")


def norm_report(result: NormResult, digits: int = 6) -> Report:
    spec = result.spec
    batch = spec.kind == "batchnorm"
    _, rows, columns = spec.input.shape
    if batch:
        statistics = (
            "statistics of each feature (column) over the examples (rows); the variance is the "
            "biased one, ÷ m, as in training"
        )
    else:
        statistics = "statistics of each example (row) over its features; the variance ÷ n"
    if spec.eval_:
        statistics = "inference (--eval): the running statistics"
    meta: list[Cell] = [
        f"{rows} example(s) × {columns} feature(s); {statistics}",
        f"convention: {spec.convention} (ε = {spec.eps.text}"
        + (f", momentum {spec.momentum.text}" if batch and spec.momentum else "")
        + ")",
    ]
    given: list[list[Cell]] = [
        [Math((Num(n.value, n.text),)) for n in row] for row in spec.input.channels[0]
    ]
    tables = _grids(spec, "Input", given)
    working = [s for g in result.groups for s in (g.mean, g.var)]
    tables.append(working_table("Mean and variance", working))
    tables.append(working_table("x̂ = (x − μ)/√(σ² + ε)", [s for row in result.x_hat for s in row]))
    tables.append(working_table("y = γ·x̂ + β", [s for row in result.outputs for s in row]))
    tables += _grids(spec, "Output y", _values(result.outputs))
    if result.running:
        tables.append(working_table("Running statistics after this batch", list(result.running)))
    if result.input_grad is not None:
        backward = [*result.backward, *(s for row in result.input_grad for s in row)]
        backward += [*(result.gamma_grad or ()), *(result.beta_grad or ())]
        tables.append(working_table("Working of the backward pass", backward))
        tables += _grids(spec, "∂L/∂x", _values(result.input_grad))
    title = "Batch normalisation" if batch else "Layer normalisation"
    return Report(
        title=title,
        meta=meta,
        tables=tables,
        notes=list(result.notes),
        digits=digits,
        records=lambda: records(result.steps),
    )


def _numbers(steps: list[Step] | tuple[Step, ...]) -> list[float]:
    return [float(s.value) for s in steps]  # type: ignore[arg-type]


def norm_json(result: NormResult, digits: int = 6) -> dict[str, Any]:
    spec = result.spec
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": spec.kind,
        "convention": spec.convention,
        "eps": spec.eps.value,
        "mode": "eval" if spec.eval_ else "train",
        "mean": _numbers([g.mean for g in result.groups]),
        "var": _numbers([g.var for g in result.groups]),
        "x_hat": _layout(spec, result.x_hat),
        "output": _layout(spec, result.outputs),
    }
    running: dict[str, list[float]] = {s.name.split("[")[0]: [] for s in result.running}
    for s in result.running:
        running[s.name.split("[")[0]].append(float(s.value))  # type: ignore[arg-type]
    data.update({key: running[key] for key in ("running_mean", "running_var") if key in running})
    if result.input_grad is not None:
        data["input_grad"] = _layout(spec, result.input_grad)
        data["gamma_grad"] = _numbers(result.gamma_grad or ())
        data["beta_grad"] = _numbers(result.beta_grad or ())
    data["working"] = working_json(result.steps, digits)
    return data


def dropout_report(result: DropoutResult, digits: int = 6) -> Report:
    spec = result.spec
    p = spec.rate.text
    form = (
        "inverted dropout (the kept values divided by 1 − p)"
        if spec.scale
        else "dropout in its original form (no scaling in training)"
    )
    mode = "inference (--eval)" if spec.eval_ else "training"
    mask = (
        "the mask given"
        if spec.drawn is None
        else f"a mask drawn with seed {spec.drawn} (each value kept with probability 1 − {p})"
    )
    tables = []
    count = len(spec.input.channels)
    for c, (channel, drop) in enumerate(zip(spec.input.channels, spec.mask.channels)):
        suffix = f", channel {c + 1}" if count > 1 else ""
        tables.append(
            grid_table(
                "Input" + suffix, [[Math((Num(n.value, n.text),)) for n in row] for row in channel]
            )
        )
        if not spec.eval_:
            tables.append(
                grid_table("Mask" + suffix, [[str(int(n.value)) for n in row] for row in drop])
            )
        tables.append(grid_table("Output" + suffix, _values(result.outputs[c])))
    tables.append(working_table("Working", result.steps))
    return Report(
        title="Dropout",
        meta=[
            f"{form}; rate p = {p}; {mode}" + ("" if spec.eval_ else f"; {mask}"),
            result.expectation,
        ],
        tables=tables,
        digits=digits,
        records=lambda: records(result.steps),
    )


def dropout_json(result: DropoutResult, digits: int = 6) -> dict[str, Any]:
    spec = result.spec
    return {
        "dlcalc": __version__,
        "command": "dropout",
        "rate": spec.rate.value,
        "inverted": spec.scale,
        "mode": "eval" if spec.eval_ else "train",
        "seed": spec.drawn,
        "mask": [
            [[int(n.value) for n in row] for row in channel] for channel in spec.mask.channels
        ],
        "output": [[_numbers(row) for row in channel] for channel in result.outputs],
        "working": working_json(result.steps, digits),
    }
