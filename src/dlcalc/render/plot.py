"""Plots in the terminal: a curve drawn with braille dots (2×4 dots a character)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from dlcalc.solve.numbers import num

_DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""The bit of each dot of a braille cell, by (row, column)."""
MARK = "●"


def braille_plot(
    xs: Sequence[float],
    ys: Sequence[float],
    marks: Sequence[tuple[float, float]] = (),
    width: int = 60,
    height: int = 12,
) -> list[str]:
    """The curve through (xs, ys) on a width × height grid of characters, with the marked points
    drawn as ●, the axes' ranges written at the edges, and y = 0 drawn where it is in view."""
    return curves_plot([(xs, ys, "")], marks, width, height)


def curves_plot(
    curves: Sequence[tuple[Sequence[float], Sequence[float], str]],
    marks: Sequence[tuple[float, float]] = (),
    width: int = 60,
    height: int = 12,
) -> list[str]:
    """Several curves (xs, ys, label) in one box, each labelled by its label's first letter at
    its last point; otherwise as :func:`braille_plot`."""
    lines = [[(x, y) for x, y in zip(xs, ys) if math.isfinite(y)] for xs, ys, _ in curves]
    points = [point for line in lines for point in line]
    if not points:
        return ["(nothing to plot)"]
    x_low, x_high = min(x for x, _ in points), max(x for x, _ in points)
    y_low, y_high = min(y for _, y in points), max(y for _, y in points)
    if y_high / 2 - y_low / 2 < 1e-12 * max(1.0, abs(y_high)):
        y_low, y_high = y_low - max(1.0, abs(y_low)), y_high + max(1.0, abs(y_high))
    if x_high / 2 - x_low / 2 < 1e-12 * max(1.0, abs(x_high)):
        x_low, x_high = x_low - max(1.0, abs(x_low)), x_high + max(1.0, abs(x_high))
    cells = [[0] * width for _ in range(height)]

    def dot(x: float, y: float) -> tuple[int, int]:
        # halves, so that spans such as −1e308 … 1e308 do not overflow
        across = (x / 2 - x_low / 2) / (x_high / 2 - x_low / 2)
        down = (y_high / 2 - y / 2) / (y_high / 2 - y_low / 2)
        return round(down * (4 * height - 1)), round(across * (2 * width - 1))

    if y_low < 0 < y_high:
        zero_row, _ = dot(x_low, 0.0)
        for column in range(2 * width):
            cells[zero_row // 4][column // 2] |= _DOTS[zero_row % 4][column % 2]
    for line in lines:
        previous: tuple[int, int] | None = None
        for x, y in line:
            row, column = dot(x, y)
            for r, c in _line(previous, (row, column)):
                cells[r // 4][c // 2] |= _DOTS[r % 4][c % 2]
            previous = (row, column)
    text = [[chr(0x2800 + bits) for bits in line] for line in cells]
    for x, y in marks:
        if x_low <= x <= x_high and y_low <= y <= y_high:
            row, column = dot(x, y)
            text[row // 4][column // 2] = MARK
    for line, (_, _, label) in zip(lines, curves):
        if label and line:
            row, column = dot(*line[-1])
            text[row // 4][column // 2] = label[0]
    return _framed(text, (x_low, x_high, y_low, y_high))


def _line(start: tuple[int, int] | None, end: tuple[int, int]) -> list[tuple[int, int]]:
    """The dots from start to end (Bresenham), so that steep parts of a curve stay joined."""
    if start is None:
        return [end]
    (r0, c0), (r1, c1) = start, end
    steps = max(abs(r1 - r0), abs(c1 - c0), 1)
    return [
        (round(r0 + (r1 - r0) * i / steps), round(c0 + (c1 - c0) * i / steps))
        for i in range(1, steps + 1)
    ]


def contour_plot(
    grid: Sequence[Sequence[float]],
    box: tuple[float, float, float, float],
    levels: Sequence[float],
    path: Sequence[tuple[float, float]],
) -> list[str]:
    """Level curves of f (its values on a grid of braille dots, the top row first, spanning
    ``box`` = x_low, x_high, y_low, y_high) at ``levels``, with the path drawn over them: its
    points as ●, joined by dots."""
    rows, columns = len(grid), len(grid[0])
    height, width = rows // 4, columns // 2
    x_low, x_high, y_low, y_high = box
    cells = [[0] * width for _ in range(height)]

    def band(value: float) -> int:
        return sum(value > level for level in levels) if math.isfinite(value) else -1

    for r in range(rows):
        for c in range(columns):
            here = band(grid[r][c])
            right = band(grid[r][c + 1]) if c + 1 < columns else here
            below = band(grid[r + 1][c]) if r + 1 < rows else here
            if here != right or here != below:
                cells[r // 4][c // 2] |= _DOTS[r % 4][c % 2]

    def dot(x: float, y: float) -> tuple[int, int]:
        across = (x - x_low) / (x_high - x_low)
        down = (y_high - y) / (y_high - y_low)
        return round(down * (rows - 1)), round(across * (columns - 1))

    previous: tuple[int, int] | None = None
    for x, y in path:
        for r, c in _line(previous, dot(x, y)):
            cells[r // 4][c // 2] |= _DOTS[r % 4][c % 2]
        previous = dot(x, y)
    text = [[chr(0x2800 + bits) for bits in line] for line in cells]
    for x, y in path:
        row, column = dot(x, y)
        text[row // 4][column // 2] = MARK
    return _framed(text, (x_low, x_high, y_low, y_high))


def _framed(text: list[list[str]], box: tuple[float, float, float, float]) -> list[str]:
    """The drawing with its y range written on the left and its x range below."""
    x_low, x_high, y_low, y_high = box
    labels = [num(y_high, 4), num(y_low, 4)]
    pad = max(len(label) for label in labels)
    lines = []
    for index, line in enumerate(text):
        label = labels[0] if index == 0 else labels[1] if index == len(text) - 1 else ""
        lines.append(f"{label.rjust(pad)} ┤{''.join(line)}")
    width = len(text[0])
    left, right = num(x_low, 4), num(x_high, 4)
    lines.append(" " * pad + " └" + "─" * width)
    lines.append(" " * (pad + 2) + left + right.rjust(width - len(left)))
    return lines
