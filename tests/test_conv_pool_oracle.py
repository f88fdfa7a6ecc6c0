"""`dlcalc conv` and `dlcalc pool` against PyTorch (float64) and Keras 3 ('same' padding).

The data is made by ``scripts/make_conv_pool_oracle.py`` (which does not import dlcalc) and
committed, so that these tests need neither PyTorch nor Keras.  Each case is a command line
after ``dlcalc`` and the arrays PyTorch computes for it: ``output`` [channel][row][column],
``indices`` (max pooling: the (row, column) of each window's maximum, PyTorch's choice on ties)
and, with ``--grad``, ``input_grad``, ``kernel_grad`` and ``bias_grad`` by autograd.

Regenerate (from the repository root; own virtual environment with torch and keras):
    KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_conv_pool_oracle.py
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import assert_close, oracle_cases, run_cli

ARRAYS = ("output", "input_grad", "kernel_grad", "bias_grad")
FEATURES = (
    *("conv2d", "1d", "flip", "course-notes", "max", "avg", "multi-channel", "multi-kernel"),
    *("rect", "bias", "grad", "stride2", "stride3", "stride-rect", "dilation", "padding"),
    *("padding-rect", "same", "same-asym", "valid", "integer", "ties", "overlap", "ceil"),
    *("ceil-drop", "ceil-extra", "ceil-overhang", "exclude-pad", "default-stride"),
)


def cases() -> list[dict[str, Any]]:
    return oracle_cases("conv_pool_oracle.json")


def case_id(index: int) -> str:
    case = cases()[index]
    kind = f"-{case['args'][1]}" if case["command"] == "pool" else ""
    return f"{index:03d}-{case['command']}{kind}"


def test_the_oracle_is_large_and_varied() -> None:
    assert len(cases()) >= 200
    present = {feature for case in cases() for feature in case["features"]}
    assert set(FEATURES) <= present, set(FEATURES) - present


@pytest.mark.parametrize("index", range(len(cases())), ids=case_id)
def test_matches_pytorch(index: int) -> None:
    case = cases()[index]
    run = run_cli(*case["args"], "-f", "json")
    assert run.code == 0, run.err
    got = json.loads(run.out)
    for key in ARRAYS:
        if key in case:
            assert key in got, key
            assert_close(got[key], case[key], key)
    if "indices" in case:
        assert got["indices"] == case["indices"]
