"""`dlcalc batchnorm`, `layernorm` and `dropout` against PyTorch (float64) and Keras 3.

The data is made by ``scripts/make_norm_oracle.py`` (which does not import dlcalc) and
committed, so that these tests need neither PyTorch nor Keras.  Each case is a command line
after ``dlcalc`` and the arrays PyTorch computes for it (cross-checked there against Keras 3 and
an exact decimal computation): ``mean``, ``var``, ``x_hat``, ``output``, for batchnorm in
training the updated ``running_mean`` / ``running_var`` (pytorch: unbiased batch variance,
keras: biased), and with ``--grad`` ``input_grad``, ``gamma_grad`` and ``beta_grad`` by autograd;
dropout has only ``output`` [1][H][W].  ``batchnorm --channels`` cases (a batch of volumes,
BatchNorm2d: statistics per channel over N·H·W) have the per-channel arrays [C] and ``x_hat``,
``output``, ``input_grad`` as [N][C][H][W].

Regenerate (from the repository root; own virtual environment with torch and keras):
    KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_norm_oracle.py
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import assert_close, oracle_cases, run_cli

ARRAYS = (
    *("mean", "var", "x_hat", "output", "running_mean", "running_var"),
    *("input_grad", "gamma_grad", "beta_grad"),
)
FEATURES = (
    *("batchnorm", "layernorm", "dropout", "pytorch", "keras", "default-convention"),
    *("train", "eval", "grad", "eps", "eps0", "momentum", "running", "running-one", "gamma"),
    *("beta", "one-feature", "two-examples", "constant-feature", "integer", "course"),
    *("one-example", "no-scale", "torch-mask", "channels"),
)
CHANNEL_FEATURES = (  # what the batchnorm --channels cases cover
    *("pytorch", "keras", "default-convention", "train", "eval", "grad", "gamma", "beta"),
    *("eps", "eps0", "momentum", "running", "running-one", "one-example", "multi-example"),
    *("one-channel", "multi-channel", "one-pixel", "rect", "example"),
)


def cases() -> list[dict[str, Any]]:
    return oracle_cases("norm_oracle.json")


def case_id(index: int) -> str:
    return f"{index:03d}-{cases()[index]['command']}"


def test_the_oracle_is_large_and_varied() -> None:
    assert len(cases()) >= 120
    present = {feature for case in cases() for feature in case["features"]}
    assert set(FEATURES) <= present, set(FEATURES) - present


def test_the_channel_cases() -> None:
    channel_cases = [case for case in cases() if "channels" in case["features"]]
    assert len(channel_cases) >= 25
    assert all("--channels" in case["args"] for case in channel_cases)
    present = {feature for case in channel_cases for feature in case["features"]}
    assert set(CHANNEL_FEATURES) <= present, set(CHANNEL_FEATURES) - present
    for case in channel_cases:  # [N][C][H][W] and [C]
        n_channels = len(case["mean"])
        assert all(len(volume) == n_channels for volume in case["output"]), case["args"]
    with_grad = [case for case in channel_cases if "grad" in case["features"]]
    assert {"train", "eval"} <= {f for case in with_grad for f in case["features"]}


@pytest.mark.parametrize("index", range(len(cases())), ids=case_id)
def test_matches_pytorch_and_keras(index: int) -> None:
    case = cases()[index]
    run = run_cli(*case["args"], "-f", "json")
    assert run.code == 0, run.err
    got = json.loads(run.out)
    for key in ARRAYS:
        if key in case:
            assert key in got, key
            assert_close(got[key], case[key], key)
