"""``dlcalc optimize``: the result as a report (a row per quantity of every step and parameter)
and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.render.plot import braille_plot, contour_plot
from dlcalc.render.report import Column, Report, Table
from dlcalc.solve.numbers import num
from dlcalc.solve.optimize import OptimizeResult, Run, state_key

DESCRIPTIONS = {
    "course": "the course notes' forms (momentum with (1 − β); AdaGrad, RMSprop and Adam with ε "
    "outside the square root; Adam bias-corrected)",
    "pytorch": "torch.optim's formulas (momentum buffer without (1 − β), first step copied; "
    "weight decay as L2 except AdamW)",
    "keras": "keras.optimizers' formulas (v ← μv − ηg; ε inside the square root for AdaGrad and "
    "RMSprop; Adam's ε̂ form; AdaGrad's accumulator from 0.1; decoupled weight decay)",
}


def optimize_report(result: OptimizeResult) -> Report:
    spec = result.spec

    def f(value: float) -> str:
        return num(value, spec.digits)

    meta = [f"{d} = {text}" for d, text in result.derivatives]
    if spec.schedule is not None:
        settings = ", ".join(f"{k} = {f(v)}" for k, v in spec.schedule.settings.items())
        meta.append(f"schedule {spec.schedule.kind} ({settings}); k = t − 1, the steps taken")
    tables = []
    for run in result.runs:
        hyper = ", ".join(f"{k} = {f(v)}" for k, v in run.settings.hyper.items() if v)
        name = run.settings.convention
        meta.append(f"convention {name}: {DESCRIPTIONS[name]}; {hyper}")
        if not spec.compare:
            tables.append(_steps_table(run, f))
    if spec.compare:
        tables.append(_compare_table(result, f))
    final = result.runs[0].steps[-1]
    summary = [(p.parameter, f(p.new)) for p in final.parameters]
    if result.runs[0].values:
        summary.append(("f", f(result.runs[0].values[-1])))
    return Report(
        title=f"Optimizer: {spec.optimizer}, {spec.steps} step(s)",
        meta=meta,
        tables=tables,
        summary=summary,
        figures=_figures(result) if spec.plot else [],
    )


def _figures(result: OptimizeResult) -> list[tuple[str, list[str]]]:
    """The path on f's level curves (two parameters and a function), the path in the plane of
    two parameters, or each parameter (and f) per step."""
    run = result.runs[0]
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
        ts = steps[1:]
        figures.append(("f per step", braille_plot(ts, run.values, list(zip(ts, run.values)))))
    return figures


def _steps_table(run: Run, f: Any) -> Table:
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
    for index, step in enumerate(run.steps):
        if step.lr_worked:
            table.rows.append([str(step.t), "", "", "η_t", step.lr_worked, f(step.lr)])
        for p in step.parameters:
            for k, line in enumerate(p.lines):
                first = k == 0
                table.rows.append(
                    [
                        str(step.t) if first else "",
                        p.parameter if first else "",
                        f(p.gradient) if first else "",
                        line.name,
                        line.worked,
                        f(line.value),
                    ]
                )
        if run.values:
            table.rows.append(["", "", "", "f", "", f(run.values[index])])
    return table


def _compare_table(result: OptimizeResult, f: Any) -> Table:
    columns = [Column("t", "right"), Column("parameter")]
    columns += [Column(run.settings.convention, "right") for run in result.runs]
    table = Table(columns, title="The three conventions side by side")
    first = result.runs[0]
    for index, step in enumerate(first.steps):
        for j, p in enumerate(step.parameters):
            values = [f(run.steps[index].parameters[j].new) for run in result.runs]
            table.rows.append([str(step.t), p.parameter, *values])
    return table


def optimize_json(result: OptimizeResult) -> dict[str, Any]:
    runs = {run.settings.convention: _run_json(run) for run in result.runs}
    first = result.runs[0]
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": "optimize",
        "optimizer": result.spec.optimizer,
        "convention": first.settings.convention,
        "hyper": first.settings.hyper,
        "start": {name: value.value for name, value in result.spec.start},
        "steps": runs[first.settings.convention]["steps"],
    }
    if result.derivatives:
        data["gradient"] = dict(result.derivatives)
    if result.spec.schedule is not None:
        data["schedule"] = {"kind": result.spec.schedule.kind, **result.spec.schedule.settings}
    if result.spec.compare:
        data["compare"] = runs
    return data


def _run_json(run: Run) -> dict[str, Any]:
    steps = []
    for index, step in enumerate(run.steps):
        entry: dict[str, Any] = {
            "t": step.t,
            "lr": step.lr,
            "params": {p.parameter: p.new for p in step.parameters},
            "gradient": {p.parameter: p.gradient for p in step.parameters},
            "state": {
                p.parameter: {state_key(line.name): line.value for line in p.lines}
                for p in step.parameters
            },
        }
        if run.values:
            entry["f"] = run.values[index]
        steps.append(entry)
    return {"hyper": run.settings.hyper, "steps": steps}
