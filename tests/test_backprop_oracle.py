"""`dlcalc backprop` against PyTorch autograd (float64) on random networks.

The data is made by ``scripts/make_backprop_oracle.py`` and committed, so that these tests need
no PyTorch.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from conftest import ROOT
from dlcalc.parse.network import parse_network
from dlcalc.parse.source import Source
from dlcalc.solve.backprop import solve_backprop

DATA = ROOT / "tests" / "data" / "backprop_oracle.json"


@cache
def cases() -> list[dict[str, Any]]:
    return json.loads(DATA.read_text(encoding="utf-8"))["cases"]


def close(got: float, expected: float) -> bool:
    return abs(got - expected) <= 1e-9 * max(1.0, abs(expected))


def test_the_oracle_is_large_and_varied() -> None:
    texts = [case["net"] for case in cases()]
    assert len(texts) >= 100
    for feature in (
        "softmax",
        "tanh",
        "relu",
        "leaky_relu",
        "linear",
        "weights ",
        "biases ",
        "frozen",
        "sample ",
        "mode batch",
        "epochs",
        "loss bce",
        "loss cce",
        "loss mae",
        "loss mse",
        "loss sse",
    ):
        assert any(feature in text for text in texts), feature


@pytest.mark.parametrize("index", range(len(cases())), ids=lambda i: cases()[i]["id"])
def test_random_network_matches_pytorch(index: int) -> None:
    case = cases()[index]
    result = solve_backprop(parse_network(Source(case["id"], case["net"], "")))
    assert len(result.steps) == len(case["steps"])
    for step, expected in zip(result.steps, case["steps"]):
        assert step.loss is not None and close(step.loss.number, expected["loss"])
        for one, sample in zip(step.passes, expected["samples"]):
            for value in one.forward:
                assert close(value.net.number, sample["forward"][value.neuron]["net"]), value.neuron
                assert close(value.out.number, sample["forward"][value.neuron]["out"]), value.neuron
        for name, gradient in expected["gradients"].items():
            assert close(step.gradients[name], gradient), name
        updated = {update.parameter: update.new.number for update in step.updates}
        for name, value in expected["updated"].items():
            assert close(updated[name], value), name
