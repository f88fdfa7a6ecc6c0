"""`dlcalc conv --depthwise / --pointwise / --transpose` against PyTorch (float64) and Keras 3.

The data is made by ``scripts/make_conv_extra_oracle.py`` (which does not import dlcalc) and
committed, so that these tests need neither PyTorch nor Keras.  Each case is a command line
after ``dlcalc`` and the ``output`` [channel][row][column] PyTorch computes for it (cross-checked
there against a direct loop and Keras DepthwiseConv2D, SeparableConv2D and Conv2DTranspose):
depthwise F.conv2d(groups=C); separable: the depthwise step without bias, then the 1x1
pointwise step plus the bias; transposed F.conv_transpose2d with each ``--kernel`` one output
channel, and ``--padding same`` as Keras Conv2DTranspose (output n·s, an odd crop at the
bottom / right).  Cases with ``--grad`` (depthwise and transposed) also carry the autograd
``input_grad`` [C][H][W], ``kernel_grad`` ([C][1][kh][kw] depthwise, [K][C][kh][kw] transposed)
and, with ``--bias``, ``bias_grad``; they are compared the same way.

Regenerate (from the repository root; own virtual environment with torch and keras):
    KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_conv_extra_oracle.py
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import assert_close, oracle_cases, run_cli

KINDS = ("depthwise", "separable", "transpose")
GRADS = ("input_grad", "kernel_grad", "bias_grad")
FEATURES = (
    *KINDS,
    *("textbook", "multi-channel", "multi-kernel", "pointwise3", "rect", "bias", "integer"),
    *("stride2", "stride3", "stride-rect", "dilation", "padding", "padding-rect", "valid"),
    *("same", "same-asym", "same-odd-crop", "same-extend", "output-padding"),
    *("output-padding-rect", "output-padding-dilation", "overlap", "gaps", "grad"),
)
GRAD_FEATURES = {  # what the --grad cases of each kind cover
    "depthwise": ("bias", "stride2", "padding", "dilation", "same", "multi-channel"),
    "transpose": (
        *("bias", "stride2", "stride3", "padding", "output-padding", "dilation", "same"),
        *("same-odd-crop", "multi-channel", "multi-kernel"),
    ),
}


def cases() -> list[dict[str, Any]]:
    return oracle_cases("conv_extra_oracle.json")


def kind(case: dict[str, Any]) -> str:
    return next(k for k in KINDS if k in case["features"])


def case_id(index: int) -> str:
    return f"{index:03d}-{kind(cases()[index])}"


def test_the_oracle_is_large_and_varied() -> None:
    assert len(cases()) >= 120
    per_kind = {k: sum(kind(case) == k for case in cases()) for k in KINDS}
    assert per_kind["depthwise"] >= 30 and per_kind["separable"] >= 25, per_kind
    assert per_kind["transpose"] >= 50, per_kind
    present = {feature for case in cases() for feature in case["features"]}
    assert set(FEATURES) <= present, set(FEATURES) - present
    same_transposed = [c for c in cases() if {"transpose", "same"} <= set(c["features"])]
    assert len(same_transposed) >= 10


def test_the_gradient_cases() -> None:
    grad_cases = [case for case in cases() if "grad" in case["features"]]
    per_kind = {k: sum(kind(case) == k for case in grad_cases) for k in KINDS}
    assert per_kind["depthwise"] >= 20 and per_kind["transpose"] >= 30, per_kind
    assert per_kind["separable"] == 0, per_kind  # no --grad with --pointwise
    for case in cases():
        has_grad = "--grad" in case["args"]
        assert has_grad == ("grad" in case["features"]), case["args"]
        assert has_grad == ("input_grad" in case) == ("kernel_grad" in case), case["args"]
        assert ("bias_grad" in case) == (has_grad and "--bias" in case["args"]), case["args"]
    for k, wanted in GRAD_FEATURES.items():
        present = {f for case in grad_cases if kind(case) == k for f in case["features"]}
        assert set(wanted) <= present, (k, set(wanted) - present)


@pytest.mark.parametrize("index", range(len(cases())), ids=case_id)
def test_matches_pytorch(index: int) -> None:
    case = cases()[index]
    run = run_cli(*case["args"], "-f", "json")
    assert run.code == 0, run.err
    got = json.loads(run.out)
    assert "output" in got
    assert_close(got["output"], case["output"], "output")
    for key in GRADS:
        if key in case:
            assert key in got, key
            assert_close(got[key], case[key], key)
