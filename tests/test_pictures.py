"""``--plot FILE.svg|.png`` on the command line: the picture is written, the report printed
without the terminal's drawing; ``--plot`` alone still draws in the terminal."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_cli
from dlcalc.cli_output import plot_files

pytest.importorskip("matplotlib")
BRAILLE = range(0x2800, 0x2900)


def _has_braille(text: str) -> bool:
    return any(ord(c) in BRAILLE for c in text)


def _svg_text(path: Path) -> str:
    """Every comment and title of an SVG (matplotlib writes each text as a comment)."""
    ET.parse(path)  # well-formed
    return path.read_text(encoding="utf-8")


def test_plot_with_a_file_name_is_the_picture_and_alone_the_terminal_drawing() -> None:
    assert plot_files(["activate", "relu", "1", "--plot", "a.SVG"]) == [
        *("activate", "relu", "1", "--plot-file", "a.SVG")
    ]
    assert plot_files(["x", "--plot=b.png"]) == ["x", "--plot-file", "b.png"]
    assert plot_files(["x", "--plot", "0.5", "--plot", "1/3"]) == [
        *("x", "--plot", "0.5", "--plot", "1/3")
    ]
    assert plot_files(["x", "--plot", "--digits", "3"]) == ["x", "--plot", "--digits", "3"]
    assert plot_files(["x", "--plot", "out.pdf"]) == ["x", "--plot-file", "out.pdf"]


def test_an_activation_picture(tmp_path: Path) -> None:
    path = tmp_path / "sigmoid.svg"
    run = run_cli("activate", "sigmoid", "-2", "0", "1.5", "--plot", str(path), "-f", "plain")
    assert run.code == 0, run.err
    assert "σ(1.5) = 1/(1 + e^(−1.5))" in run.out and not _has_braille(run.out)
    svg = _svg_text(path)
    assert "σ(x)" in svg and "σ′(x)" in svg
    terminal = run_cli("activate", "sigmoid", "-2", "0", "1.5", "--plot", "-f", "plain")
    assert _has_braille(terminal.out)


def test_an_optimizer_path_on_level_curves_and_a_schedule(tmp_path: Path) -> None:
    path = tmp_path / "path.png"
    run = run_cli(
        *("optimize", "adam", "--function", "(x-1)^2 + 10*(y+x^2)^2", "--start", "x=-1,y=1"),
        *("--steps", "20", "--lr", "0.1", f"--plot={path}", "-f", "json"),
    )
    assert run.code == 0, run.err
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    contour = tmp_path / "path.svg"
    run_cli(
        *("optimize", "adam", "--function", "(x-1)^2 + 10*(y+x^2)^2", "--start", "x=-1,y=1"),
        *("--steps", "20", "--lr", "0.1", "--plot", str(contour)),
    )
    assert "f(x, y)" in _svg_text(contour)  # the level curves' colour bar
    schedule = tmp_path / "schedule.svg"
    run = run_cli(
        *("optimize", "sgd", "--grads", "0.5,0.2,0.1,0.3", "--start", "w=1"),
        *("--schedule", "step:every=2,gamma=0.5", "--plot", str(schedule)),
    )
    assert run.code == 0, run.err
    assert "learning rate (step)" in _svg_text(schedule)


def test_a_picture_of_another_kind_is_refused_and_nothing_is_printed(tmp_path: Path) -> None:
    path = tmp_path / "curve.pdf"
    run = run_cli("activate", "relu", "1", "--plot", str(path))
    assert run.code == 2 and run.out == ""
    assert "must end in .svg or .png" in run.err
    assert list(tmp_path.iterdir()) == []


def test_the_html_page_shows_the_plots_as_inline_svg(monkeypatch) -> None:
    page = run_cli("activate", "sigmoid", "-2", "0", "1.5", "--plot", "-f", "html").out
    figure = page[page.index("<figure>") : page.index("</figure>")]
    assert "<svg" in figure and "σ′(x)" in figure and "<pre>" not in page
    ET.fromstring(figure[figure.index("<svg") :])  # the picture is well-formed
    from dlcalc.render import html

    monkeypatch.setattr(html.importlib.util, "find_spec", lambda name: None)  # no matplotlib
    from dlcalc.parse.calculator_options import calculator_spec
    from dlcalc.render.activations import activate_report
    from dlcalc.solve.activations import solve_activate

    spec = calculator_spec("activate", ["sigmoid", "0.5"], {}, plot=True)
    text = html.html_page(activate_report(solve_activate(spec), 6))
    assert "<svg" not in text and "<pre>" in text and _has_braille(text)
