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
import math
from functools import cache
from typing import Any

import pytest

from conftest import ROOT, run_cli

DATA = ROOT / "tests" / "data" / "conv_pool_oracle.json"
ARRAYS = ("output", "input_grad", "kernel_grad", "bias_grad")
FEATURES = (
    *("conv2d", "1d", "flip", "course-notes", "max", "avg", "multi-channel", "multi-kernel"),
    *("rect", "bias", "grad", "stride2", "stride3", "stride-rect", "dilation", "padding"),
    *("padding-rect", "same", "same-asym", "valid", "integer", "ties", "overlap", "ceil"),
    *("ceil-drop", "ceil-extra", "ceil-overhang", "exclude-pad", "default-stride"),
)


@cache
def cases() -> list[dict[str, Any]]:
    return json.loads(DATA.read_text(encoding="utf-8"))["cases"]


def case_id(index: int) -> str:
    case = cases()[index]
    kind = f"-{case['args'][1]}" if case["command"] == "pool" else ""
    return f"{index:03d}-{case['command']}{kind}"


def assert_close(got: Any, expected: Any, where: str) -> None:
    """Same nesting and lengths; numbers equal to 1e-12 (relative, absolute near 0)."""
    if isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), where
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_close(g, e, f"{where}[{i}]")
        return
    assert isinstance(got, (int, float)) and not isinstance(got, bool), (where, got)
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12), (where, got, expected)


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
