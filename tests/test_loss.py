"""`dlcalc loss`: terms, reductions, gradients, conventions and bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli


def loss(*args: str) -> dict:
    run = run_cli("loss", *args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_the_classic_half_sse_example() -> None:
    data = loss("half_sse", "--pred", "0.75136507,0.772928465", "--target", "0.01,0.99", "--grad")
    assert data["value"] == pytest.approx(0.298371109, abs=1e-9)
    assert data["gradient"][0] == pytest.approx([0.74136507, -0.217071535])
    run = run_cli("loss", "half_sse", "--pred", "0.75136507,0.772928465", "--target", "0.01,0.99")
    assert "½·(0.75136507 − 0.01)²" in run.out  # inputs as typed
    assert "0.274811 + 0.02356 = 0.298371" in run.out


def test_mean_and_sum() -> None:
    mean = loss("mse", "--pred", "0.5,0.2;1,0", "--target", "1,0;1,1", "--grad")
    assert mean["value"] == pytest.approx((0.25 + 0.04 + 0 + 1) / 4)
    assert mean["gradient"] == [[pytest.approx(-0.25), pytest.approx(0.1)], [0.0, -0.5]]
    total = loss("mse", "--pred", "0.5,0.2;1,0", "--target", "1,0;1,1", "--reduction", "sum")
    assert total["value"] == pytest.approx(1.29)
    assert loss("sse", "--pred", "0.5", "--target", "1")["value"] == 0.25


def test_keras_sums_the_per_example_means() -> None:
    keras = loss(
        "mse", "--pred", "0.5,0.2", "--target", "1,0", "--reduction", "sum", "--convention", "keras"
    )
    assert keras["value"] == pytest.approx(0.145)


def test_cross_entropies() -> None:
    cce = loss("cce", "--pred", "0.7,0.2,0.1;0.1,0.8,0.1", "--target", "1,0,0;0,1,0")
    sparse = loss("sparse_cce", "--pred", "0.7,0.2,0.1;0.1,0.8,0.1", "--target", "0;1")
    expected = -(math.log(0.7) + math.log(0.8)) / 2
    assert cce["value"] == pytest.approx(expected)
    assert sparse["value"] == pytest.approx(expected)
    bits = loss("bce", "--pred", "0.5", "--target", "1", "--log2")
    assert bits["value"] == pytest.approx(1.0)


def test_bce_from_logits_is_stable() -> None:
    data = loss("bce", "--pred", "1000,-1000", "--target", "0,1", "--from-logits")
    assert data["value"] == pytest.approx(1000.0)


def test_hinge_turns_0_1_labels_into_signs() -> None:
    data = loss("hinge", "--pred", "0.3,-0.8", "--target", "1,0")
    assert data["value"] == pytest.approx((0.7 + 0.2) / 2)
    assert any("−1/+1" in note for note in data["notes"])


def test_keras_clipping_makes_an_infinite_loss_finite() -> None:
    run = run_cli("loss", "bce", "--pred", "1", "--target", "0")
    assert run.code == 2
    assert "the bce loss is infinite: at example 1, output 1" in run.err
    assert "--convention keras" in run.err
    data = loss("bce", "--pred", "1", "--target", "0", "--convention", "keras")
    assert data["value"] == pytest.approx(-math.log(1e-7), rel=1e-6)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["msa", "--pred", "1", "--target", "1"], "did you mean 'mse'?"),
        (
            ["mse", "--pred", "1,2", "--target", "1"],
            "the target's shape 1×1 differs from the prediction's 1×2",
        ),
        (["mse", "--pred", "1,x", "--target", "1,2"], "not 'x'"),
        (["mse", "--pred", "1,2;3", "--target", "1,2;3"], "different lengths"),
        (
            ["bce", "--pred", "1.5", "--target", "1"],
            "bce needs probabilities, but the prediction at example 1, output 1 is 1.5",
        ),
        (["bce", "--pred", "0.5", "--target", "2"], "needs targets from 0 to 1"),
        (
            ["cce", "--pred", "1,0", "--target", "0,1"],
            "the cce loss is infinite: at example 1, output 2",
        ),
        (["sparse_cce", "--pred", "0.5,0.5", "--target", "2"], "class 2 is out of range"),
        (["hinge", "--pred", "1", "--target", "2"], "hinge targets must be −1 or +1"),
        (
            ["sse", "--pred", "1", "--target", "1", "--reduction", "mean"],
            "sse is a sum by definition",
        ),
        (["huber", "--pred", "1", "--target", "1", "--delta", "0"], "--delta must be positive"),
    ],
)
def test_bad_input(args: list[str], message: str) -> None:
    run = run_cli("loss", *args)
    assert run.code == 2, run.out
    assert message in run.err
    assert run.out == ""


def test_overflow_is_an_error_not_infinity() -> None:
    run = run_cli("loss", "mse", "--pred", "1e308", "--target", "-1e308")
    assert run.code == 2
    assert "the mse loss overflows a float64" in run.err


def test_exact_closed_forms() -> None:
    data = loss("half_sse", "--pred", "0.75,0.77", "--target", "0.01,0.99", "--exact")
    assert data["exact_value"] == "149/500"
    assert data["exact_terms"] == [["1369/5000", "121/5000"]]
    data = loss("bce", "--pred", "0.9,0.2;0.5,0.5", "--target", "1,0;1,1", "--exact")
    assert data["exact_value"] == "ln 2/2 − ln(9/10)/4 − ln(4/5)/4"
    assert (
        loss("cce", "--pred", "0.7,0.3", "--target", "1,0", "--exact", "--log2")["exact_value"]
        == "−ln(7/10)/ln 2"
    )


@pytest.mark.parametrize(
    "args",
    [["softmax", "1", "2", "--target", "0"], ["loss", "bce", "--pred", "0.5", "--target", "1"]],
)
def test_sympy_is_not_imported_without_exact(args: list[str]) -> None:
    code = (
        "import sys\nfrom dlcalc.cli import main\n"
        f"sys.argv = ['dlcalc', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(str('sympy' in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stderr.endswith("False")
