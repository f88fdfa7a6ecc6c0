"""Edge cases of `activate`, `softmax` and `loss`: each once gave a wrong number, a crash or an
unclear message."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import run_cli
from dlcalc.parse.calculators import parse_loss
from dlcalc.solve.losses import solve_loss
from dlcalc.solve.softmax import solve_softmax
from dlcalc.spec.calculators import LossOptions, Number, SoftmaxSpec


def data(*args: str) -> dict:
    run = run_cli(*args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_a_certain_and_right_prediction_has_zero_loss_and_gradient() -> None:
    result = data("loss", "bce", "--pred", "1,0", "--target", "1,0", "--grad")
    assert result["value"] == 0.0
    assert result["gradient"] == [[0.0, 0.0]]


def test_keras_clips_both_distributions_in_kl() -> None:
    result = data("loss", "kl", "--pred", "0,1", "--target", "0.5,0.5", "--convention", "keras")
    assert result["value"] == pytest.approx(0.5 * math.log(0.5 / 1e-7) + 0.5 * math.log(0.5))


def test_sse_stays_a_sum_under_keras() -> None:
    result = data("loss", "sse", "--pred", "1,2", "--target", "0,0", "--convention", "keras")
    assert result["value"] == 5.0


def test_logits_are_not_clipped_in_the_exact_form() -> None:
    result = data(
        "loss",
        "bce",
        "--pred",
        "2,-3",
        "--target",
        "1,0",
        "--from-logits",
        "--convention",
        "keras",
        "--exact",
    )
    assert result["value"] == pytest.approx(
        (math.log1p(math.exp(-2)) + math.log1p(math.exp(-3))) / 2
    )
    assert "1/20000000" not in result["exact_value"]


def test_cce_from_logits() -> None:
    result = data(
        "loss", "cce", "--pred", "0.5,0.2,0.1", "--target", "1,0,0", "--from-logits", "--grad"
    )
    z = [0.5, 0.2, 0.1]
    total = sum(math.exp(v) for v in z)
    assert result["value"] == pytest.approx(-(0.5 - math.log(total)))
    assert result["gradient"][0] == pytest.approx(
        [math.exp(v) / total - y for v, y in zip(z, [1, 0, 0])]
    )


def test_a_gradient_that_overflows_does_not_stop_the_loss() -> None:
    result = data("loss", "bce", "--pred", "1e-320", "--target", "1")
    assert result["value"] == pytest.approx(-math.log(1e-320))
    run = run_cli("loss", "bce", "--pred", "1e-320", "--target", "1", "--grad")
    assert run.code == 2 and "∂L/∂p of the bce loss overflows" in run.err


def test_tanh_derivative_is_accurate_far_out() -> None:
    (row,) = data("activate", "tanh", "19")["rows"]
    assert row["derivative"] == pytest.approx(
        4 * math.exp(-38) / (1 + math.exp(-38)) ** 2, rel=1e-12
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["activate", "relu", "1e-400"], "too small for a float64"),
        (["activate", "leaky_relu", "-1", "--alpha", "nan"], "--alpha must be a number, not 'nan'"),
        (["activate", "sigmoid", "1", "--alpha", "0.3"], "--alpha does not apply to sigmoid"),
        (
            ["activate", "tanh", "1", "--approximate", "tanh"],
            "--approximate does not apply to tanh",
        ),
        (
            ["loss", "mse", "--pred", "1", "--target", "0", "--delta", "5"],
            "--delta does not apply to mse",
        ),
        (
            ["loss", "huber", "--pred", "1", "--target", "0", "--delta", "nan"],
            "--delta must be a number, not 'nan'",
        ),
        (["loss", "mse", "--pred", "1", "--target", "0", "--log2"], "--log2 does not apply to mse"),
        (["softmax", "1e10", "1", "-t", "1e-300"], "beyond a float64"),
        (["softmax", "1", "2", "--target", ""], "the target must be a class index or a vector"),
        (
            ["softmax", "1e308", "-1e308", "--target", "1"],
            "a log-probability (the scores' spread) overflows",
        ),
    ],
)
def test_clear_errors(args: list[str], message: str) -> None:
    run = run_cli(*args)
    assert run.code == 2, run.out
    assert message in run.err


def test_softmax_underflow_is_shifted_and_said_so() -> None:
    result = data("softmax", "-800", "-801")
    assert result["probabilities"] == pytest.approx(
        [1 / (1 + math.exp(-1)), math.exp(-1) / (1 + math.exp(-1))]
    )
    assert "underflow" in result["notes"][0]
    assert data("softmax", "5", "-800")["shift"] == 0.0


@pytest.mark.parametrize(
    "args", [["sigmoid", "-1e308", "1e308"], ["selu", "0", "1e308"], ["linear", "3"]]
)
def test_plots_on_any_span(args: list[str]) -> None:
    run = run_cli("activate", *args, "--plot")
    assert run.code == 0, run.err
    assert "●" in run.out


@pytest.mark.parametrize(
    ("args", "bad"),
    [
        (["activate", "tanh", "1/3"], "e^1/3"),
        (["activate", "softsign", "1/3"], "1/3/"),
        (["activate", "sigmoid", "+5"], "−+5"),
        (["loss", "hinge", "--pred", "0.3,-2", "--target", "1,-1"], "− −"),
        (["loss", "bce", "--pred", "2,-1", "--target", "1,0", "--from-logits"], "− −"),
    ],
)
def test_working_is_written_unambiguously(args: list[str], bad: str) -> None:
    run = run_cli(*args)
    assert run.code == 0, run.err
    assert bad not in run.out


def test_json_has_no_negative_zero() -> None:
    run = run_cli("activate", "silu", "-1000", "-f", "json")
    assert "-0.0" not in run.out


def _loss_value(kind: str, pred: list[list[float]], target: str, reduction: str) -> float:
    text = ";".join(",".join(repr(v) for v in row) for row in pred)
    return solve_loss(parse_loss(kind, text, target, reduction, LossOptions())).value


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["mse", "mae", "huber", "log_cosh", "bce", "cce", "kl", "squared_hinge"]),
    values=st.lists(st.floats(0.05, 0.95), min_size=4, max_size=4),
    reduction=st.sampled_from(["mean", "sum"]),
)
def test_loss_gradients_agree_with_finite_differences(
    kind: str, values: list[float], reduction: str
) -> None:
    pred = [values[:2], values[2:]]
    target = {"cce": "1,0;0,1", "kl": "0.3,0.7;0.6,0.4", "squared_hinge": "1,-1;-1,1"}.get(
        kind, "0.2,0.9;0.7,0.1"
    )
    text = ";".join(",".join(repr(v) for v in row) for row in pred)
    options = LossOptions(gradient=True)
    gradient = solve_loss(parse_loss(kind, text, target, reduction, options)).gradient
    h = 1e-6
    for i in range(2):
        for j in range(2):
            up = [row[:] for row in pred]
            down = [row[:] for row in pred]
            up[i][j] += h
            down[i][j] -= h
            if (
                kind in ("mae", "huber")
                and min(abs(values[2 * i + j] - t) for t in (0.2, 0.9, 0.7, 0.1)) < 2e-6
            ):
                continue  # at a kink
            numeric = (
                _loss_value(kind, up, target, reduction)
                - _loss_value(kind, down, target, reduction)
            ) / (2 * h)
            assert gradient[i][j] == pytest.approx(numeric, abs=1e-5, rel=1e-5)


@settings(max_examples=100, deadline=None)
@given(z=st.lists(st.floats(-5, 5), min_size=2, max_size=5), t=st.sampled_from([1.0, 0.5, 2.0]))
def test_softmax_jacobian_agrees_with_finite_differences(z: list[float], t: float) -> None:
    def probabilities(values: list[float]) -> list[float]:
        spec = SoftmaxSpec(tuple(Number(repr(v), v, 0) for v in values), Number(repr(t), t, 0))  # type: ignore[arg-type]
        return [row.probability.value for row in solve_softmax(spec).rows]

    spec = SoftmaxSpec(
        tuple(Number(repr(v), v, 0) for v in z), Number(repr(t), t, 0), jacobian=True
    )  # type: ignore[arg-type]
    jacobian = solve_softmax(spec).jacobian
    assert jacobian is not None
    h = 1e-6
    for j in range(len(z)):
        up, down = z[:], z[:]
        up[j] += h
        down[j] -= h
        column = [(a - b) / (2 * h) for a, b in zip(probabilities(up), probabilities(down))]
        assert [jacobian[i][j].value for i in range(len(z))] == pytest.approx(column, abs=1e-6)
