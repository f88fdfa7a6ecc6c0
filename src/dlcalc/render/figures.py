"""Plots as pictures (``--plot FILE.svg`` or ``.png``) drawn with matplotlib, which is optional
(``pip install 'dlcalc[plot]'``), imported only to draw, and always headless (the Agg canvas, never
pyplot). The same input gives the same bytes."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlcalc.atomic import write_atomically
from dlcalc.errors import DlcalcError, Location
from dlcalc.solve.numbers import num

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Function = Callable[[float, float], float]
FORMATS = {".svg": "svg", ".png": "png"}
SIZE, DPI = (6.4, 4.4), 150  # inches; a PNG has 960 × 660 pixels
MARKERS_UP_TO = 60  # points of a line drawn with a marker each
GRID = 80  # level curves: the function is evaluated on GRID × GRID points
_STYLE: Any = {"svg.hashsalt": "dlcalc", "text.parse_math": False}  # fixed ids; "$" is no formula
_SUPERSCRIPTS = str.maketrans("0123456789−-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")
_WHERE = Location("<command line>", path="--plot")


def activation_figure(
    path: Path,
    name: str,
    curve: Sequence[tuple[float, float, float]],
    points: Sequence[tuple[float, float, float]],
) -> None:
    """``name``(x) and its derivative over ``curve`` (x, value, derivative), with the given
    ``points`` marked on both lines."""

    def draw(ax: Axes) -> None:
        ax.axhline(0.0, color="0.55", linewidth=0.8, zorder=1)
        ax.axvline(0.0, color="0.55", linewidth=0.8, zorder=1)
        for column, color, label in ((1, "C0", f"{name}(x)"), (2, "C1", f"{name}′(x)")):
            ax.plot(_column(curve, 0), _column(curve, column), color=color, label=label, zorder=2)
            ax.plot(_column(points, 0), _column(points, column), "o", color=color, zorder=3)
        ax.set(title=name, xlabel="x")
        ax.legend(loc="best")

    _render(path, draw, name)


def path_figure(
    path: Path,
    names: tuple[str, str],
    paths: Mapping[str, Sequence[tuple[float, float]]],
    function: Function | None = None,
) -> None:
    """Optimizer paths in the plane of two parameters (``names``), each from its start (a square)
    on; with ``function``, on its level curves over a box around every path."""

    points = [p for track in paths.values() for p in track]
    title = f"path in ({names[0]}, {names[1]})"

    def draw(ax: Axes) -> None:
        from matplotlib.lines import Line2D

        box = (*_box(_column(points, 0)), *_box(_column(points, 1)))
        if function is not None:
            _contour(ax, function, box, f"f({names[0]}, {names[1]})")
        for index, (label, track) in enumerate(paths.items()):
            color = f"C{index % 10}"
            xs, ys = _column(track, 0), _column(track, 1)
            size = 4.0 if len(track) <= MARKERS_UP_TO else 2.0
            ax.plot(xs, ys, "o-", color=color, markersize=size, label=label, zorder=3)
            ax.plot(xs[:1], ys[:1], "s", color=color, markersize=9, mec="black", zorder=4)
        ax.set(xlim=box[:2], ylim=box[2:], xlabel=names[0], ylabel=names[1], title=title)
        lines, labels = ax.get_legend_handles_labels()
        start = Line2D([], [], linestyle="", marker="s", color="0.6", mec="black", markersize=8)
        ax.legend([*lines, start], [*labels, "start"], loc="best")

    _render(path, draw, title)


def series_figure(
    path: Path,
    title: str,
    x_label: str,
    series: Mapping[str, Sequence[tuple[float, float]]],
    y_label: str = "",
) -> None:
    """One line for each of ``series`` (x, y) over steps: a parameter, f or the rate per step."""

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import MaxNLocator

        for label, points in series.items():
            marker = "o" if len(points) <= MARKERS_UP_TO else ""
            xs, ys = _column(points, 0), _column(points, 1)
            ax.plot(xs, ys, marker=marker, markersize=3.5, label=label)
        steps = [x for points in series.values() for x, _ in points]
        if steps and all(math.isfinite(x) and x == int(x) for x in steps):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        ax.set(title=title, xlabel=x_label, ylabel=y_label)
        if len(series) > 1:
            ax.legend(loc="best")

    _render(path, draw, title)


def _column(rows: Sequence[tuple[float, ...]], index: int) -> list[float]:
    """The ``index``th of each row, NaN (a gap in the line) where it is infinite."""
    return [row[index] if math.isfinite(row[index]) else math.nan for row in rows]


def _number(value: float) -> str:
    """A level for the colour bar: ``0.253``, ``−6.32``, ``3.97·10³``."""
    text, _, power = num(value, 3).partition("^")
    return text + power.translate(_SUPERSCRIPTS)


def _box(values: Sequence[float]) -> tuple[float, float]:
    """The range of the finite ``values`` with a 10 % margin on each side."""
    finite = [v for v in values if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (-1.0, 1.0)
    span = high - low or max(abs(low), 1.0)
    return low - 0.1 * span, high + 0.1 * span


def _contour(ax: Axes, function: Function, box: tuple[float, ...], label: str) -> None:
    """The level curves of ``function`` over ``box`` (x from, to, y from, to), behind the paths."""
    import numpy as np
    from matplotlib.colors import BoundaryNorm
    from matplotlib.ticker import FuncFormatter

    x0, x1, y0, y1 = box
    gx = [x0 + (x1 - x0) * i / (GRID - 1) for i in range(GRID)]
    gy = [y0 + (y1 - y0) * j / (GRID - 1) for j in range(GRID)]
    z = np.full((GRID, GRID), np.nan)
    for j, y in enumerate(gy):
        for i, x in enumerate(gx):
            with contextlib.suppress(ArithmeticError, ValueError, TypeError):
                z[j, i] = float(function(x, y))
    seen = z[np.isfinite(z)]
    if seen.size < 4 or seen.min() == seen.max():
        return
    low, middle, high = (float(v) for v in np.quantile(seen, [0, 0.5, 1]))
    if high - low > 50 * (middle - low):  # a wide range: log-spaced above the minimum
        levels = low + np.geomspace((high - low) * 1e-4, high - low, 14)[:-1]
    else:
        levels = np.quantile(seen, np.linspace(0.02, 0.98, 13))
    levels = np.unique(levels)
    if levels.size < 2:
        return
    norm = BoundaryNorm(levels, 256)  # colours by rank, also for log-spaced levels
    masked = np.ma.masked_invalid(z)
    lines = ax.contour(gx, gy, masked, levels=levels, cmap="viridis", norm=norm, linewidths=0.9)
    tick = FuncFormatter(lambda value, _: _number(value))
    bar = ax.figure.colorbar(lines, ax=ax, label=label, pad=0.02, aspect=30, format=tick)
    bar.ax.tick_params(labelsize=8)


def _render(path: Path, draw: Callable[[Axes], None], title: str) -> None:
    """A figure drawn by ``draw`` on one pair of axes, written to ``path`` (SVG or PNG)."""
    form = FORMATS.get(path.suffix.lower())
    if form is None:
        raise DlcalcError(
            f"the plot file must end in .svg or .png, not {path.suffix or 'no suffix'!r}",
            location=_WHERE,
            text=str(path),
            expected="a file name ending in .svg or .png",
            suggestion=f"write --plot {path.stem or 'plot'}.svg",
        )
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise DlcalcError(
            "plots to files need matplotlib, which is not installed",
            location=_WHERE,
            suggestion="pip install 'dlcalc[plot]'",
        ) from None
    with matplotlib.rc_context(_STYLE):
        figure = Figure(figsize=SIZE, dpi=DPI, layout="tight")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        axes.grid(alpha=0.35)
        draw(axes)
        meta = {"Date": None, "Title": title} if form == "svg" else {"Software": None}
        _write(path, lambda out: figure.savefig(out, format=form, dpi=DPI, metadata=meta))


def _write(path: Path, save: Callable[[Any], None]) -> None:
    """``save`` into ``path``, whole or not at all."""
    try:
        write_atomically(path, save)
    except OSError as error:
        raise DlcalcError(
            f"cannot write the plot to {str(path)!r}: {error.strerror or error}",
            location=_WHERE,
            suggestion="check that the directory exists and can be written to",
        ) from error
