"""``dlcalc optimize``: the result as a report (a row per quantity of every step and parameter)
and as JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dlcalc import __version__
from dlcalc.render.plot import braille_plot, contour_plot, curves_plot
from dlcalc.render.report import Cell, Column, Math, Report, Table
from dlcalc.render.working import rule_cell, value_cell, working_json
from dlcalc.solve.numbers import Fmt, num
from dlcalc.solve.optimize import OptimizeResult, Run, run_working
from dlcalc.steps.step import Step
from dlcalc.steps.text import TextPrinter

DESCRIPTIONS = {
    "course": "the course notes' forms (momentum with (1 − β), Nesterov as Sutskever's look-ahead "
    "v ← μv − ηg; AdaGrad, RMSprop and Adam with ε outside the square root; Adam bias-corrected)",
    "pytorch": "torch.optim's formulas (momentum buffer without (1 − β), first step copied; "
    "weight decay as L2 except AdamW)",
    "keras": "keras.optimizers' formulas (v ← μv − ηg; ε inside the square root for AdaGrad and "
    "RMSprop; Adam's ε̂ form; AdaGrad's accumulator from 0.1; decoupled weight decay)",
}


def optimize_report(result: OptimizeResult) -> Report:
    spec = result.spec

    def f(value: float) -> str:
        return num(value, spec.digits)

    meta: list[Cell] = [Math(pair) for pair in result.derivatives]
    if spec.schedule is not None:
        settings = ", ".join(f"{k} = {f(v)}" for k, v in spec.schedule.settings.items())
        meta.append(f"schedule {spec.schedule.kind} ({settings}); k = t − 1, the steps taken")
    tables = []
    several = spec.compare or bool(spec.optimizers)
    for run in result.runs:
        hyper = ", ".join(f"{k} = {f(v)}" for k, v in run.settings.hyper.items() if v)
        name = run.settings.convention
        who = f"{run.settings.optimizer}, " if spec.optimizers else ""
        meta.append(f"{who}convention {name}: {DESCRIPTIONS[name]}; {hyper}")
        if not several:
            tables.append(_steps_table(run, f))
    if several:
        tables.append(_compare_table(result, f))
    summary = []
    for run in result.runs:
        suffix = f" ({run_label(result, run)})" if several else ""
        summary += [(p.parameter + suffix, f(p.new)) for p in run.steps[-1].parameters]
        if run.values:
            summary.append(("f" + suffix, f(run.values[-1].value)))  # type: ignore[arg-type]
    names = ", ".join(spec.optimizers) if spec.optimizers else spec.optimizer
    return Report(
        title=f"Optimizer: {names}, {spec.steps} step(s)",
        meta=meta,
        tables=tables,
        summary=summary,
        figures=_figures(result) if spec.plot else [],
        pictures=[(f"{names}: the steps", _picture(result))] if spec.plot else [],
        digits=spec.digits,
    )


def _picture(result: OptimizeResult) -> Callable[[Path], None]:
    def draw(path: Path) -> None:
        from dlcalc.render.pictures import optimize_picture

        optimize_picture(result, path)

    return draw


def _figures(result: OptimizeResult) -> list[tuple[str, list[str]]]:
    """The path on f's level curves (two parameters and a function), the path in the plane of
    two parameters, or each parameter (and f) per step."""
    run = result.runs[0]
    if len(result.runs) > 1 and run.values:
        ts = list(range(1, len(run.steps) + 1))
        curves = [(ts, _f_values(r), str(i)) for i, r in enumerate(result.runs, start=1)]
        legend = ", ".join(
            f"{i} {run_label(result, r)}" for i, r in enumerate(result.runs, start=1)
        )
        return [(f"f per step ({legend}: each at its last step)", curves_plot(curves))]
    start = {name: value.value for name, value in result.spec.start}
    paths = {name: [value] for name, value in start.items()}
    for step in run.steps:
        for p in step.parameters:
            paths[p.parameter].append(p.new)
    names = list(paths)
    if result.contour is not None:
        c = result.contour
        title = f"the path (●) on the level curves of f through its points; {names[0]} across"
        return [(title, contour_plot(c.grid, c.box, c.levels, list(zip(*paths.values()))))]
    if len(names) == 2:
        xs, ys = paths[names[0]], paths[names[1]]
        return [
            (
                f"the path (●): {names[0]} across, {names[1]} up",
                braille_plot(xs, ys, list(zip(xs, ys))),
            )
        ]
    steps = list(range(len(run.steps) + 1))
    figures = [
        (f"{name} per step (t = 0: the start)", braille_plot(steps, path, list(zip(steps, path))))
        for name, path in paths.items()
    ]
    if run.values:
        ts, values = steps[1:], _f_values(run)
        figures.append(("f per step", braille_plot(ts, values, list(zip(ts, values)))))
    return figures


def _f_values(run: Run) -> list[float]:
    return [float(s.value) for s in run.values]  # type: ignore[arg-type]


def _steps_table(run: Run, f: Fmt) -> Table:
    table = Table(
        [
            Column("t", "right"),
            Column("parameter"),
            Column("g", "right"),
            Column("quantity"),
            Column("working"),
            Column("value", "right"),
        ],
        title=f"Steps ({run.settings.convention})",
    )
    for index, at in enumerate(run.steps):
        if at.schedule is not None:
            table.rows.append([str(at.t), "", "", *_quantity(at.schedule)])
        for p in at.parameters:
            for k, quantity in enumerate(p.steps):
                head = [str(at.t), p.parameter, f(p.gradient)] if k == 0 else ["", "", ""]
                table.rows.append([*head, *_quantity(quantity)])
        if run.values:
            table.rows.append(["", "", "", *_quantity(run.values[index])])
    return table


def _quantity(step: Step) -> list[Cell]:
    """The quantity's symbol, its working (the rule, the values put in, the value), its value."""
    return [Math((step.symbol,)), rule_cell(step), value_cell(step)]


def run_label(result: OptimizeResult, run: Run) -> str:
    """What tells the runs apart: the optimizer, or the convention."""
    return run.settings.optimizer if result.spec.optimizers else run.settings.convention


def _compare_table(result: OptimizeResult, f: Fmt) -> Table:
    columns = [Column("t", "right"), Column("parameter")]
    columns += [Column(run_label(result, run), "right") for run in result.runs]
    title = "The optimizers" if result.spec.optimizers else "The three conventions"
    table = Table(columns, title=f"{title} side by side")
    first = result.runs[0]
    for index, step in enumerate(first.steps):
        for j, p in enumerate(step.parameters):
            values = [f(run.steps[index].parameters[j].new) for run in result.runs]
            table.rows.append([str(step.t), p.parameter, *values])
        if first.values:
            values = [f(_f_values(run)[index]) for run in result.runs]
            table.rows.append([str(step.t), "f", *values])
    return table


def optimize_json(result: OptimizeResult) -> dict[str, Any]:
    text = TextPrinter(result.spec.digits)
    runs = {run_label(result, run): _run_json(run, text) for run in result.runs}
    first = result.runs[0]
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": "optimize",
        "optimizer": result.spec.optimizer,
        "convention": first.settings.convention,
        "hyper": first.settings.hyper,
        "start": {name: value.value for name, value in result.spec.start},
        "steps": runs[run_label(result, first)]["steps"],
        "working": runs[run_label(result, first)]["working"],
    }
    if result.derivatives:
        data["gradient"] = {text.print(d): text.print(rule) for d, rule in result.derivatives}
    if result.spec.schedule is not None:
        data["schedule"] = {"kind": result.spec.schedule.kind, **result.spec.schedule.settings}
    if result.spec.compare:
        data["compare"] = runs
    if result.spec.optimizers:
        data["optimizers"] = runs
    return data


def _run_json(run: Run, text: TextPrinter) -> dict[str, Any]:
    steps = []
    for index, at in enumerate(run.steps):
        entry: dict[str, Any] = {
            "t": at.t,
            "lr": at.lr,
            "params": {p.parameter: p.new for p in at.parameters},
            "gradient": {p.parameter: p.gradient for p in at.parameters},
            "state": {
                p.parameter: {key: s.value for key, s in zip(p.keys, p.steps)}
                for p in at.parameters
            },
        }
        if run.values:
            entry["f"] = run.values[index].value
        steps.append(entry)
    working = working_json(run_working(run), text.digits, text)
    return {"hyper": run.settings.hyper, "steps": steps, "working": working}
