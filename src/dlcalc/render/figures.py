"""Plots as pictures (``--plot FILE.svg`` or ``FILE.png``), drawn with matplotlib.

matplotlib is optional (``pip install 'dlcalc[plot]'``) and imported only when a figure is drawn,
always headless (the Agg canvas, never pyplot). The same input gives the same bytes.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlcalc.errors import DlcalcError, Location

if TYPE_CHECKING:
    from matplotlib.axes import Axes

FORMATS = {".svg": "svg", ".png": "png"}
SIZE = (6.4, 4.4)
"""Inches; a PNG is drawn at ``DPI`` dots an inch (960 × 660 pixels)."""
DPI = 150
MARKERS_UP_TO = 60
"""A line gets a marker at every point when it has at most this many."""
GRID = 80
"""Level curves: the function is evaluated on GRID × GRID points."""
_STYLE: dict[str, Any] = {
    "svg.hashsalt": "dlcalc",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 12,
    "legend.fontsize": 9,
    "legend.framealpha": 0.9,
    "axes.grid": True,
    "grid.alpha": 0.35,
}
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
        xs = [_finite(x) for x, _, _ in curve]
        for column, color, label in ((1, "C0", f"{name}(x)"), (2, "C1", f"{name}′(x)")):
            ax.plot(xs, [_finite(t[column]) for t in curve], color=color, label=label, zorder=2)
            marks = [_finite(t[column]) for t in points]
            ax.plot([_finite(t[0]) for t in points], marks, "o", color=color, zorder=3)
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.legend(loc="best")

    _render(path, draw, name)


def path_figure(
    path: Path,
    names: tuple[str, str],
    paths: dict[str, Sequence[tuple[float, float]]],
    function: Callable[[float, float], float] | None = None,
) -> None:
    """Optimizer paths in the plane of two parameters (``names``), each from its start (a square)
    on; with ``function``, on its level curves over a box around every path."""

    points = [p for track in paths.values() for p in track]

    def draw(ax: Axes) -> None:
        from matplotlib.lines import Line2D

        (x0, x1), (y0, y1) = _box([p[0] for p in points]), _box([p[1] for p in points])
        if function is not None:
            _contour(ax, function, (x0, x1), (y0, y1))
        handles: list[Any] = []
        for index, (label, track) in enumerate(paths.items()):
            if not track:
                continue
            color = f"C{index % 10}"
            xs, ys = [_finite(p[0]) for p in track], [_finite(p[1]) for p in track]
            size = 4.0 if len(track) <= MARKERS_UP_TO else 2.0
            (line,) = ax.plot(xs, ys, "o-", color=color, markersize=size, label=label, zorder=3)
            ax.plot(xs[:1], ys[:1], "s", color=color, markersize=9, mec="black", zorder=4)
            handles.append(line)
        start = Line2D([], [], linestyle="", marker="s", color="0.6", mec="black", markersize=8)
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
        ax.set_title(f"path in ({names[0]}, {names[1]})")
        if handles:
            ax.legend([*handles, start], [*(h.get_label() for h in handles), "start"], loc="best")

    _render(path, draw, f"path in ({names[0]}, {names[1]})")


def series_figure(
    path: Path,
    title: str,
    x_label: str,
    series: dict[str, Sequence[tuple[float, float]]],
    y_label: str = "",
) -> None:
    """One line for each of ``series`` (x, y) over steps: a parameter, f or the rate per step."""

    def draw(ax: Axes) -> None:
        from matplotlib.ticker import MaxNLocator

        for label, points in series.items():
            marker = "o" if len(points) <= MARKERS_UP_TO else ""
            xs, ys = [_finite(x) for x, _ in points], [_finite(y) for _, y in points]
            ax.plot(xs, ys, marker=marker, markersize=3.5, label=label)
        steps = [x for points in series.values() for x, _ in points]
        if steps and all(math.isfinite(x) and x == int(x) for x in steps):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(title)
        ax.set_xlabel(x_label)
        ax.set_ylabel(y_label)
        if len(series) > 1:
            ax.legend(loc="best")

    _render(path, draw, title)


def _finite(value: float) -> float:
    """``value``, or NaN (a gap in the line) when it is infinite."""
    return value if math.isfinite(value) else math.nan


def _box(values: Sequence[float]) -> tuple[float, float]:
    """The range of the finite ``values`` with a 10 % margin on each side."""
    finite = [v for v in values if math.isfinite(v)]
    low, high = (min(finite), max(finite)) if finite else (-1.0, 1.0)
    span = high - low or max(abs(low), 1.0)
    return low - 0.1 * span, high + 0.1 * span


def _contour(
    ax: Axes,
    function: Callable[[float, float], float],
    xs: tuple[float, float],
    ys: tuple[float, float],
) -> None:
    """The level curves of ``function`` over the box ``xs`` × ``ys``, behind the paths."""
    import numpy as np

    gx = [xs[0] + (xs[1] - xs[0]) * i / (GRID - 1) for i in range(GRID)]
    gy = [ys[0] + (ys[1] - ys[0]) * j / (GRID - 1) for j in range(GRID)]
    z = np.full((GRID, GRID), np.nan)
    for j, y in enumerate(gy):
        for i, x in enumerate(gx):
            with contextlib.suppress(ArithmeticError, ValueError, TypeError):
                z[j, i] = float(function(x, y))
    z[~np.isfinite(z)] = np.nan
    seen = z[np.isfinite(z)]
    if seen.size < 4 or seen.min() == seen.max():
        return
    low, high = float(seen.min()), float(seen.max())
    middle = float(np.median(seen))
    if high - low > 50 * (middle - low):  # a wide range: log-spaced above the minimum
        levels = low + np.geomspace((high - low) * 1e-4, high - low, 14)[:-1]
    else:
        levels = np.quantile(seen, np.linspace(0.02, 0.98, 13))
    levels = np.unique(levels)
    if levels.size < 2:
        return
    masked = np.ma.masked_invalid(z)
    lines = ax.contour(gx, gy, masked, levels=levels, cmap="viridis", linewidths=0.8, zorder=1)
    ax.clabel(lines, lines.levels[::2], fontsize=7, fmt="%.3g")


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
        draw(figure.add_subplot())
        meta = {"Date": None, "Title": title} if form == "svg" else {"Software": None}
        _write(path, lambda out: figure.savefig(out, format=form, dpi=DPI, metadata=meta))


def _write(path: Path, save: Callable[[Any], None]) -> None:
    """``save`` into a temporary file beside ``path``, then moved onto it: whole or not at all."""
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            save(out)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as error:
        raise DlcalcError(
            f"cannot write the plot to {str(path)!r}: {error.strerror or error}",
            location=_WHERE,
            suggestion="check that the directory exists and can be written to",
        ) from error
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.unlink(temporary)
