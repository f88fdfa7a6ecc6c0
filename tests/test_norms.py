"""`dlcalc batchnorm`, `layernorm` and `dropout`: the working, the conventions said, the edge
cases stated, and one message for each bad input (the numbers are checked against PyTorch and
Keras in ``test_norm_oracle.py``)."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli

BATCH = "5; 3; 2; 1; 9"


def _json(*args: str) -> dict:
    run = run_cli(*args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_the_mini_batch_and_both_libraries_running_statistics() -> None:
    torch = _json("batchnorm", "--input", BATCH)
    assert torch["mean"] == [4.0] and torch["var"] == [8.0]
    assert torch["running_mean"] == pytest.approx([0.4]) and torch["running_var"] == [1.9]
    keras = _json("batchnorm", "--input", BATCH, "--convention", "keras")
    assert keras["eps"] == 0.001
    assert keras["running_mean"] == pytest.approx([0.04])  # 0.99·0 + 0.01·4
    assert keras["running_var"] == pytest.approx([1.07])  # the biased 8: 0.99·1 + 0.01·8
    plain = run_cli("batchnorm", "--input", BATCH, "-f", "plain").out
    assert "var[1]   ((5 − 4)² + (3 − 4)² + (2 − 4)² + (1 − 4)² + (9 − 4)²)/5 = 8" in plain
    assert "x_hat[1,1]  (5 − 4)/√(8 + 1e−5) = 0.353553" in plain
    assert "PyTorch updates the running variance with the unbiased variance" in plain


def test_inference_uses_the_running_statistics() -> None:
    data = _json(
        "batchnorm", "--input", "2 4", "--eval", "--running-mean", "1,2", "--running-var", "4",
        "--eps", "0",
    )  # fmt: skip
    assert data["mode"] == "eval" and data["x_hat"] == [[0.5, 1.0]]
    assert "running_mean" not in data


def test_the_edge_cases_are_stated_not_nan() -> None:
    one = run_cli("batchnorm", "--input", "5 3 2", "-f", "plain").out
    assert "a batch of one example: σ² = 0" in one and "'5; 3; 2; 1; 9'" in one
    equal = _json("batchnorm", "--input", "2; 2", "--eps", "0")
    assert equal["x_hat"] == [[0.0], [0.0]]
    plain = run_cli("batchnorm", "--input", "2; 2", "--eps", "0", "-f", "plain").out
    assert "x̂ = 0/0; it is taken as 0" in plain


def test_layer_norm_normalises_each_example() -> None:
    data = _json("layernorm", "--input", "1 2 3; 2 4 6", "--gamma", "1,2,3", "--beta", "0.5")
    assert data["mean"] == [2.0, 4.0] and data["var"] == pytest.approx([2 / 3, 8 / 3])
    assert data["output"][0][1] == 0.5  # x̂ = 0: y = β


def test_dropout_inverted_original_and_at_inference() -> None:
    args = ("dropout", "--input", "1 2; 3 4", "--rate", "0.25", "--mask", "1 0; 1 1")
    assert _json(*args)["output"] == [[[4 / 3, 0.0], [4.0, 16 / 3]]]
    assert _json(*args, "--no-scale")["output"] == [[[1.0, 0.0], [3.0, 4.0]]]
    assert _json(*args, "--eval")["output"] == [[[1.0, 2.0], [3.0, 4.0]]]
    assert _json(*args, "--eval", "--no-scale")["output"] == [[[0.75, 1.5], [2.25, 3.0]]]
    drawn = _json("dropout", "--input", "1 2 3 4 5 6 7 8", "--rate", "0.5", "--seed", "7")
    assert drawn["mask"] == _json("dropout", "--input", "8 7 6 5 4 3 2 1", "--rate", "0.5",
                                  "--seed", "7")["mask"]  # fmt: skip
    assert "E[out] = (1 − 0.25)·x/(1 − 0.25)" in run_cli(*args, "-f", "plain").out


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["batchnorm", "--input", "1 2; 3 4", "--gamma", "1,2,3"], "--gamma has 3 values for 2 features"),
        (["batchnorm", "--input", "1; 2", "--eps", "-1"], "--eps must be a number ≥ 0"),
        (["batchnorm", "--input", "1; 2", "--momentum", "2"], "--momentum must be from 0 to 1"),
        (["batchnorm", "--input", "1; 2", "--running-var", "-1"], "a variance cannot be negative"),
        (["batchnorm", "--input", "1; 2", "--grad", "1 2"], "--grad is 1×2, the output 2×1"),
        (["batchnorm", "--input", "1 | 2"], "batchnorm takes a matrix"),
        (["layernorm", "--input", "1 x"], "must be a number, not 'x'"),
        (["dropout", "--input", "1 2", "--rate", "1"], "--rate must be below 1"),
        (["dropout", "--input", "1 2", "--rate", "0.5", "--mask", "1"], "--mask is 1×1, the input 1×2"),
        (["dropout", "--input", "1 2", "--rate", "0.5", "--mask", "1 2"], "0 (dropped) and 1 (kept) only"),
        (["dropout", "--input", "1 2", "--rate", "0.5", "--mask", "1 1", "--seed", "1"], "both given"),
        (["dropout", "--input", "1 2"], "dropout needs --rate"),
    ],
)  # fmt: skip
def test_bad_input_gets_one_message(args: list[str], says: str) -> None:
    run = run_cli(*args)
    assert run.code == 2 and run.out == "", run.err
    assert says in run.err and run.err.startswith("error:"), run.err


def test_a_batch_of_volumes_has_statistics_per_channel() -> None:
    volumes = "1 2; 3 4 | 0 1; 1 0 || 5 6; 7 8 | 1 1; 0 0"
    data = _json("batchnorm", "--channels", "--input", volumes)
    assert data["mean"] == [4.5, 0.5] and data["var"] == [5.25, 0.25]  # each over 2·2·2 values
    assert len(data["output"]) == 2 and len(data["output"][0]) == 2  # [N][C][H][W]
    names = {step["name"] for step in data["working"]}
    assert "x_hat[2,1,2,2]" in names and "y[1,2,1,1]" in names
    wrong = run_cli("batchnorm", "--channels", "--input", "1 2 || 1 2 3")
    assert wrong.code == 2 and "example 2 of --input is 1×3, example 1 1×2" in wrong.err
