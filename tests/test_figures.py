"""Plots written to SVG and PNG files: well formed, labelled, reproducible, written whole or not
at all, and matplotlib imported only when a figure is drawn."""

from __future__ import annotations

import math
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("matplotlib")

from dlcalc.errors import DlcalcError
from dlcalc.render.figures import activation_figure, path_figure, series_figure

SVG = "{http://www.w3.org/2000/svg}"


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


CURVE = [(x, sigmoid(x), sigmoid(x) * (1 - sigmoid(x))) for x in (-6 + 0.1 * i for i in range(121))]
POINTS = [(x, sigmoid(x), sigmoid(x) * (1 - sigmoid(x))) for x in (-2.0, 0.5)]


def descent(start: tuple[float, float], rate: float, steps: int) -> list[tuple[float, float]]:
    """Gradient descent on x² + 10y²."""
    path = [start]
    for _ in range(steps):
        x, y = path[-1]
        path.append((x - rate * 2 * x, y - rate * 20 * y))
    return path


PATHS = {"GD η = 0.09": descent((4.0, 1.0), 0.09, 20), "GD η = 0.02": descent((4.0, 1.0), 0.02, 20)}


def bowl(x: float, y: float) -> float:
    return x * x + 10 * y * y


def svg_texts(path: Path) -> tuple[ET.Element, set[str]]:
    """The parsed SVG and its texts (drawn as glyphs, each announced by a comment)."""
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.parse(path, parser).getroot()
    comments = {e.text.strip() for e in root.iter() if e.tag is ET.Comment and e.text}
    return root, comments | {e.text for e in root.iter(f"{SVG}title") if e.text}


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_activation_svg_has_title_and_legend(tmp_path: Path) -> None:
    out = tmp_path / "sigmoid.svg"
    activation_figure(out, "σ", CURVE, POINTS)
    root, texts = svg_texts(out)
    assert root.tag == f"{SVG}svg"
    assert {"σ", "σ(x)", "σ′(x)", "x"} <= texts
    assert [p.name for p in tmp_path.iterdir()] == ["sigmoid.svg"]


def test_same_input_same_svg_bytes(tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    path_figure(first, ("w₁", "w₂"), PATHS, bowl)
    path_figure(second, ("w₁", "w₂"), PATHS, bowl)
    assert first.read_bytes() == second.read_bytes()
    activation_figure(first, "tanh", CURVE, POINTS)
    activation_figure(second, "tanh", CURVE, POINTS)
    assert first.read_bytes() == second.read_bytes()


def test_png_signature_and_size(tmp_path: Path) -> None:
    out = tmp_path / "rate.PNG"  # the suffix in any case
    series_figure(out, "η_t", "step t", {"η_t": [(t, 0.1 * 0.9**t) for t in range(30)]}, "η")
    assert png_size(out) == (960, 660)  # 6.4 × 4.4 inches at 150 dpi
    again = tmp_path / "again.png"
    series_figure(again, "η_t", "step t", {"η_t": [(t, 0.1 * 0.9**t) for t in range(30)]}, "η")
    assert again.read_bytes() == out.read_bytes()
    assert b"tEXt" not in out.read_bytes()[:200]  # no "Software" note


def test_level_curves_behind_the_paths(tmp_path: Path) -> None:
    plain, contour = tmp_path / "plain.svg", tmp_path / "contour.svg"
    path_figure(plain, ("w₁", "w₂"), PATHS)
    path_figure(contour, ("w₁", "w₂"), PATHS, bowl)
    root_plain, texts = svg_texts(plain)
    root_contour, _ = svg_texts(contour)
    assert {"w₁", "w₂", "GD η = 0.09", "GD η = 0.02", "start"} <= texts
    count = [len(list(r.iter(f"{SVG}path"))) for r in (root_plain, root_contour)]
    assert count[1] > count[0] + 5


def test_level_curves_skip_where_undefined(tmp_path: Path) -> None:
    """log x is undefined left of 0 and math.log raises there: those points are left out."""
    out = tmp_path / "log.png"
    path = [(1.0, 1.0), (0.2, 0.5), (-0.1, 0.0)]
    path_figure(out, ("a", "b"), {"GD": path}, lambda a, b: math.log(a) + b * b)
    assert png_size(out) == (960, 660)


def test_series_with_several_lines_and_gaps(tmp_path: Path) -> None:
    out = tmp_path / "params.svg"
    series = {"θ₁": [(0, 1.0), (1, 0.5), (2, math.inf)], "θ₂": [(t, -0.01 * t) for t in range(100)]}
    series_figure(out, "parameters per step", "step t", series, "value")
    _, texts = svg_texts(out)
    assert {"parameters per step", "step t", "value", "θ₁", "θ₂"} <= texts


@pytest.mark.parametrize("name", ["plot.pdf", "plot.txt", "plot"])
def test_other_suffixes_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(DlcalcError) as caught:
        activation_figure(tmp_path / name, "σ", CURVE, POINTS)
    assert ".svg or .png" in caught.value.message
    assert caught.value.location is not None and caught.value.location.path == "--plot"
    assert list(tmp_path.iterdir()) == []


def test_missing_matplotlib_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(DlcalcError) as caught:
        series_figure(tmp_path / "f.svg", "f", "t", {"f": [(0, 1.0)]})
    assert "matplotlib" in caught.value.message
    assert caught.value.suggestion == "pip install 'dlcalc[plot]'"
    assert list(tmp_path.iterdir()) == []


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(DlcalcError, match="cannot write"):
        activation_figure(tmp_path / "no" / "such.svg", "σ", CURVE, POINTS)
    assert list(tmp_path.iterdir()) == []


def test_failed_move_leaves_no_temporary_file(tmp_path: Path) -> None:
    """The figure is drawn into a temporary file, which cannot replace a directory."""
    (tmp_path / "taken.svg").mkdir()
    with pytest.raises(DlcalcError, match="cannot write"):
        activation_figure(tmp_path / "taken.svg", "σ", CURVE, POINTS)
    assert [p.name for p in tmp_path.iterdir()] == ["taken.svg"]
    assert list((tmp_path / "taken.svg").iterdir()) == []


def test_failed_drawing_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    def broken(self: Figure, out: Any, **options: Any) -> None:
        out.write(b"<svg")
        raise RuntimeError("drawing failed half-way")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError):
        series_figure(tmp_path / "bad.svg", "f", "t", {"f": [(0, 1.0)]})
    assert list(tmp_path.iterdir()) == []


def test_labels_are_literal(tmp_path: Path) -> None:
    """A "$" in a label is text, not the start of a formula."""
    out = tmp_path / "cost.svg"
    series_figure(out, "cost in $ per $unit", "t", {"f": [(0, 1.0)]}, y_label="$\\frac{")
    _, texts = svg_texts(out)
    assert {"cost in $ per $unit", "$\\frac{"} <= texts


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="needs a user that permissions stop"
)
def test_unwritable_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(DlcalcError, match="cannot write"):
            activation_figure(locked / "sigmoid.svg", "σ", CURVE, POINTS)
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_written_file_is_readable_by_others(tmp_path: Path) -> None:
    """Not the private mode of a temporary file: the umask's usual mode."""
    out = tmp_path / "f.svg"
    series_figure(out, "f", "t", {"f": [(0, 1.0), (1, 0.5)]})
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_import_does_not_load_matplotlib() -> None:
    code = "import dlcalc.render.figures, sys; print('matplotlib' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"
