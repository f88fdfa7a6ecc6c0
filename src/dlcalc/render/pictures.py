"""``--plot FILE.svg`` (or ``.png``): a command's result as a picture, drawn by
:mod:`dlcalc.render.figures` — an activation and its derivative, an optimizer's path on the
level curves of f, each parameter per step, or a learning-rate schedule."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dlcalc.render.figures import activation_figure, path_figure, series_figure
from dlcalc.render.optimize import run_label
from dlcalc.solve.activations import ActivateResult
from dlcalc.solve.optimize import OptimizeResult, Run


def activate_picture(result: ActivateResult, path: Path) -> None:
    """The function and its derivative over the values' span, the values marked."""
    points = [(float(r.x.value), r.value.number, r.derivative.number) for r in result.rows]
    activation_figure(path, result.symbol, result.curve, points)


def optimize_picture(result: OptimizeResult, path: Path) -> None:
    """A schedule's η_t per step; else the path in the plane of two parameters (on the level
    curves of ``f`` where it is given); else each parameter (and f) per step."""
    spec, runs, f = result.spec, result.runs, result.objective
    several = len(runs) > 1
    if spec.schedule is not None:
        rates = {
            run_label(result, run): [(float(s.t), float(s.lr)) for s in run.steps] for run in runs
        }
        series_figure(path, f"learning rate ({spec.schedule.kind})", "step t", rates, "η_t")
        return
    start = dict((name, float(value.value)) for name, value in spec.start)
    names = list(start)
    paths = {run_label(result, run): _path(run, start) for run in runs}
    if len(names) == 2:
        x, y = names

        def level(a: float, b: float) -> float:
            assert f is not None
            return f({x: a, y: b})

        title_paths = {label: [(p[x], p[y]) for p in path] for label, path in paths.items()}
        path_figure(path, (x, y), title_paths, level if f is not None else None)
        return
    series: dict[str, Sequence[tuple[float, float]]] = {}
    for label, points in paths.items():
        for name in names:
            key = f"{name} ({label})" if several else name
            series[key] = [(float(t), p[name]) for t, p in enumerate(points)]
    series_figure(
        path, f"{spec.optimizer}: each parameter per step", "step t (0: the start)", series
    )


def _path(run: Run, start: dict[str, float]) -> list[dict[str, float]]:
    """The parameters at the start and after each step."""
    points = [dict(start)]
    for step in run.steps:
        points.append({p.parameter: float(p.new) for p in step.parameters})
    return points
