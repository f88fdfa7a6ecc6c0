"""`dlcalc activate`: values, derivatives, working, conventions, exact forms and bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, run_cli
from dlcalc.render.plot import braille_plot
from dlcalc.solve.activations import solve_activate
from dlcalc.spec.calculators import ACTIVATION_NAMES, ActivateSpec, ActivationParams, Number


def rows(*args: str) -> list[dict]:
    run = run_cli("activate", *args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)["rows"]


def at(function: str, x: float, **params) -> tuple[float, float]:
    spec = ActivateSpec(function, (Number(repr(x), x, 0),), ActivationParams(**params))
    row = solve_activate(spec).rows[0]
    return row.value.value, row.derivative.value


def test_sigmoid_worked_as_in_an_exam() -> None:
    (row,) = rows("sigmoid", "0.5")
    assert row["value"] == pytest.approx(0.6224593312018546, abs=1e-15)
    assert row["derivative"] == pytest.approx(0.2350037122015945, abs=1e-15)
    assert row["value_working"] == "1/(1 + e^(−0.5)) = 1/(1 + 0.606531)"
    assert row["derivative_working"] == "σ(0.5)·(1 − σ(0.5)) = 0.622459·(1 − 0.622459)"


def test_the_table_shows_formula_working_and_values() -> None:
    run = run_cli("activate", "tanh", "0.7")
    assert run.code == 0
    assert "tanh′(x) = 1 − tanh²(x)" in run.out
    assert "tanh′(0.7) = 1 − tanh²(0.7) = 1 − 0.604368²" in run.out
    assert "0.634740" not in run.out  # 6 significant digits, no trailing zero
    assert "0.63474" in run.out


def test_negative_values_are_values_not_options() -> None:
    values = [row["x"] for row in rows("relu", "-1", "-0.5", "2")]
    assert values == [-1.0, -0.5, 2.0]


def test_sigmoid_of_minus_1000_is_0_with_the_tiny_exact_value_shown() -> None:
    run = run_cli("activate", "sigmoid", "-1000")
    assert run.code == 0
    assert "5.076·10^−435" in run.out
    assert "nan" not in run.out.lower()
    (row,) = rows("sigmoid", "-1000")
    assert row["value"] == 0.0 and row["derivative"] == 0.0


@pytest.mark.parametrize(
    ("function", "x", "params", "value", "derivative"),
    [
        ("relu", 0.0, {}, 0.0, 0.0),
        ("relu", 0.0, {"grad_at_zero": 1.0}, 0.0, 1.0),
        ("leaky_relu", -2.0, {}, -0.02, 0.01),
        ("leaky_relu", -2.0, {"alpha": 0.3}, -0.6, 0.3),
        ("leaky_relu", 0.0, {}, 0.0, 0.01),
        ("elu", 0.0, {}, 0.0, 1.0),
        ("elu", -1.0, {"alpha": 0.5}, 0.5 * (math.exp(-1) - 1), 0.5 * math.exp(-1)),
        ("selu", 0.0, {}, 0.0, 1.0507009873554805 * 1.6732632423543772),
        ("gelu", 1.0, {}, 0.8413447460685429, None),
        ("gelu", 1.0, {"approximate": "tanh"}, 0.8411919906082768, None),
        ("hard_sigmoid", 1.0, {}, 1 / 6 + 0.5, 1 / 6),
        ("hard_sigmoid", 1.0, {"convention": "keras2"}, 0.7, 0.2),
        ("hard_sigmoid", 3.0, {}, 1.0, 0.0),
        ("step", 0.0, {}, 1.0, 0.0),
        ("step", 0.0, {"step_at_zero": 0.5}, 0.5, 0.0),
        ("softplus", 0.0, {}, math.log(2), 0.5),
        ("softsign", -3.0, {}, -0.75, 1 / 16),
        ("linear", -7.5, {}, -7.5, 1.0),
        ("silu", 0.0, {}, 0.0, 0.5),
        ("mish", 0.0, {}, 0.0, math.tanh(math.log(2))),
    ],
)
def test_values_and_conventions(
    function: str, x: float, params: dict, value: float, derivative
) -> None:
    got_value, got_derivative = at(function, x, **params)
    assert got_value == pytest.approx(value, abs=1e-15)
    if derivative is not None:
        assert got_derivative == pytest.approx(derivative, abs=1e-15)


def test_the_convention_is_named() -> None:
    run = run_cli("activate", "relu", "0")
    assert "ReLU′(0) = 0, as PyTorch and Keras (--grad-at-zero 1" in run.out
    run = run_cli("activate", "relu", "0", "--grad-at-zero", "1")
    assert "ReLU′(0) = 1 (--grad-at-zero)" in run.out
    run = run_cli("activate", "hard_sigmoid", "1", "--convention", "keras2")
    assert "hard_sigmoid(x) = clip(0.2·x + ½, 0, 1)" in run.out


def test_exact_closed_forms() -> None:
    (row,) = rows("sigmoid", "0.5", "--exact")
    assert row["exact_value"] == "1/(e^(−1/2) + 1)"
    (row,) = rows("leaky_relu", "-2", "--exact")
    assert (row["exact_value"], row["exact_derivative"]) == ("−1/50", "1/100")
    (row,) = rows("softsign", "-2", "--exact")
    assert (row["exact_value"], row["exact_derivative"]) == ("−2/3", "1/9")


def test_range_and_file_inputs(tmp_path) -> None:
    assert [row["x"] for row in rows("linear", "--range", "-1:1:0.5")] == [-1, -0.5, 0, 0.5, 1]
    path = tmp_path / "xs.txt"
    path.write_text("# inputs\n0.5, -1\n2 1/4\n", encoding="utf-8")
    assert [row["x"] for row in rows("linear", "--file", str(path))] == [0.5, -1, 2, 0.25]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sigmod", "1"], "did you mean 'sigmoid'?"),
        (["sigmoid", "abc"], "each x must be a number, not 'abc'"),
        (["sigmoid"], "no values given"),
        (["sigmoid", "--range", "3:1:1"], "is empty"),
        (["sigmoid", "--range", "0:1e6:1e-6"], "more than 100,000"),
        (["sigmoid", "1e999"], "out of range"),
        (["sigmoid", "1", "--digits", "0"], "--digits must be from 1 to 17"),
        (["sigmoid", "--file", "/nonexistent/file"], "no such file"),
    ],
)
def test_bad_input(args: list[str], message: str) -> None:
    run = run_cli("activate", *args)
    assert run.code == 2
    assert message in run.err
    assert run.out == ""


def test_a_bad_value_in_a_file_gives_its_line_and_column(tmp_path) -> None:
    path = tmp_path / "xs.txt"
    path.write_text("0.5 1\n2 oops\n", encoding="utf-8")
    run = run_cli("activate", "tanh", "--file", str(path))
    assert run.code == 2
    assert f"{path}:2:3: each value must be a number, not 'oops'" in run.err


@settings(max_examples=300, deadline=None)
@given(
    function=st.sampled_from([f for f in ACTIVATION_NAMES if f not in ("step",)]),
    x=st.floats(-8, 8).filter(lambda v: min(abs(v), abs(abs(v) - 3), abs(abs(v) - 2.5)) > 1e-3),
)
def test_derivatives_agree_with_finite_differences(function: str, x: float) -> None:
    h = 1e-6
    for params in ({}, {"approximate": "tanh"}, {"convention": "keras2"}):
        _, derivative = at(function, x, **params)
        numeric = (at(function, x + h, **params)[0] - at(function, x - h, **params)[0]) / (2 * h)
        assert derivative == pytest.approx(numeric, abs=1e-6, rel=1e-6)


def test_sympy_is_imported_only_for_exact() -> None:
    code = (
        "import sys\nfrom dlcalc.cli import main\n"
        "sys.argv = ['dlcalc', 'activate', 'gelu', '0.5'] + sys.argv[1:]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(str('sympy' in sys.modules))\n"
    )
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    exact = subprocess.run(
        [sys.executable, "-c", code, "--exact"], capture_output=True, text=True, cwd=ROOT
    )
    assert plain.stderr.endswith("False")
    assert exact.stderr.endswith("True")


@pytest.mark.parametrize("function", ACTIVATION_NAMES)
def test_extreme_inputs_give_numbers_or_a_clear_error(function: str) -> None:
    for extra in ([], ["--approximate", "tanh"], ["--exact"]):
        run = run_cli(
            "activate", function, "-1e308", "1e308", "5e-324", "-745", "745", *extra, "-f", "json"
        )
        assert run.code in (0, 2), run.err
        assert "nan" not in run.out.lower() and "infinity" not in run.out.lower()


def test_plot_draws_the_curve_and_marks_the_points() -> None:
    run = run_cli("activate", "relu", "-2", "0", "3", "--plot")
    assert run.code == 0
    assert "ReLU(x) (● the given x)" in run.out and "ReLU′(x) (● the given x)" in run.out
    drawing = run.out[run.out.index("ReLU(x) (●") :]
    assert drawing.count("●") >= 6  # three marks in each of the two plots (titles included)
    assert "−2" in drawing and "3" in drawing
    assert any(0x2800 < ord(ch) <= 0x28FF for ch in drawing)


def test_braille_plot_of_a_line() -> None:
    lines = braille_plot([0, 1, 2, 3], [0, 1, 2, 3], marks=[(3, 3)], width=4, height=2)
    assert lines[0].startswith("3 ┤") and lines[0].endswith("●")  # top right: the mark
    assert lines[1].startswith("0 ┤")
    assert lines[-1].strip() == "0  3"
