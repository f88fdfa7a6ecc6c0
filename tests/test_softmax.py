"""`dlcalc softmax`: probabilities, stability, temperature, loss, gradient and Jacobian."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli
from dlcalc.solve.softmax import solve_softmax
from dlcalc.spec.calculators import Number, SoftmaxSpec


def softmax(*args: str) -> dict:
    run = run_cli("softmax", *args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_the_published_example() -> None:
    data = softmax("5", "2", "-1", "3")
    assert [round(p, 3) for p in data["probabilities"]] == [0.842, 0.042, 0.002, 0.114]
    assert data["argmax"] == 0
    run = run_cli("softmax", "5", "2", "-1", "3")
    assert "e^5 = 148.413" in run.out
    assert "148.413 + 7.38906 + 0.367879 + 20.0855 = 176.256" in run.out


def test_large_scores_are_shifted_and_said_so() -> None:
    data = softmax("1000", "1001")
    assert data["probabilities"] == pytest.approx([1 / (1 + math.e), math.e / (1 + math.e)])
    assert data["shift"] == 1001
    assert "largest score 1001 is subtracted first" in data["notes"][0]
    assert softmax("-1000", "0", "1000")["probabilities"] == [0.0, 0.0, 1.0]


def test_cross_entropy_and_gradient() -> None:
    data = softmax("5", "2", "-1", "3", "--target", "0")
    p = data["probabilities"]
    assert data["loss"] == pytest.approx(-math.log(p[0]))
    assert data["gradient"] == pytest.approx([p[0] - 1, p[1], p[2], p[3]])
    run = run_cli("softmax", "5", "2", "-1", "3", "--target", "0")
    assert "L = −ln p₀ = −ln 0.842034 = −(−0.171935) = 0.171935" in run.out


def test_a_probability_target_and_temperature() -> None:
    data = softmax("1", "2", "3", "-t", "0.5", "--target", "0.2,0.3,0.5")
    z = [2.0, 4.0, 6.0]
    total = sum(math.exp(v) for v in z)
    p = [math.exp(v) / total for v in z]
    assert data["probabilities"] == pytest.approx(p)
    assert data["loss"] == pytest.approx(-sum(y * math.log(q) for y, q in zip([0.2, 0.3, 0.5], p)))
    assert data["gradient"] == pytest.approx([(q - y) / 0.5 for q, y in zip(p, [0.2, 0.3, 0.5])])


def test_the_loss_stays_finite_when_a_probability_underflows() -> None:
    data = softmax("-1000", "0", "--target", "0")
    assert data["probabilities"][0] == 0.0
    assert data["loss"] == pytest.approx(1000.0)


def test_a_probability_below_float64_is_shown_not_a_silent_zero(tmp_path) -> None:
    run = run_cli("softmax", "-f", "plain", "--", "0", "1031")
    assert "1.74739·10^−448" in run.out.split("Notes:")[0]  # e^(0 − 1031) = e^−1031
    assert "p₀ is below the smallest float64" in run.out
    working = {s["name"]: s for s in softmax("0", "1031")["working"]}
    assert working["p0"]["substituted"].endswith("1.74739·10^−448/1")
    problem = tmp_path / "tiny.calc"
    problem.write_text("softmax 0 1031\n")
    marked = run_cli("check", str(problem), "--answer", "p0=1.747387e-448", "-f", "json")
    assert json.loads(marked.out)["answers"][0]["correct"]


def test_jacobian() -> None:
    data = softmax("1", "2", "--jacobian")
    p = data["probabilities"]
    flat = [v for line in data["jacobian"] for v in line]
    assert flat == pytest.approx([p[0] * (1 - p[0]), -p[0] * p[1], -p[1] * p[0], p[1] * (1 - p[1])])


@settings(max_examples=200, deadline=None)
@given(
    z=st.lists(st.floats(-50, 50), min_size=1, max_size=8),
    shift=st.floats(-100, 100),
)
def test_sums_to_one_and_is_shift_invariant(z: list[float], shift: float) -> None:
    def probabilities(values: list[float]) -> list[float]:
        spec = SoftmaxSpec(tuple(Number(repr(v), v, 0) for v in values), Number("1", 1.0, 1))
        return [row.probability.value for row in solve_softmax(spec).rows]

    p = probabilities(z)
    assert sum(p) == pytest.approx(1.0, abs=1e-12)
    assert probabilities([v + shift for v in z]) == pytest.approx(p, abs=1e-9)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no scores given"),
        (["1", "x"], "each score must be a number, not 'x'"),
        (["1", "2", "--target", "2"], "class 2 is out of range: there are 2 classes, 0 to 1"),
        (["1", "2", "--target", "0.5,0.6"], "add up to 1 (they add up to 1.1)"),
        (["1", "2", "--target", "1,0,0"], "the target has 3 values but there are 2 classes"),
        (["1", "2", "--target", "-1,2"], "(-1, 2 is not)"),
        (["1", "2", "-t", "0"], "the temperature must be positive"),
    ],
)
def test_bad_input(args: list[str], message: str) -> None:
    run = run_cli("softmax", *args)
    assert run.code == 2
    assert message in run.err


def test_exact_closed_forms() -> None:
    data = softmax("1", "2", "--target", "0", "--exact")
    assert data["exact_probabilities"] == ["e/(e + e^2)", "e^2/(e + e^2)"]
    assert data["exact_loss"] == "−ln(e/(e + e^2))"
