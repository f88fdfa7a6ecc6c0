"""`activate` and `softmax` against PyTorch (float64, autograd) and Keras 3.

The data is made by ``scripts/make_functions_oracle.py`` and committed, so that these tests
need neither framework.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from conftest import ROOT
from dlcalc.parse.calculators import parse_loss
from dlcalc.solve.activations import solve_activate
from dlcalc.solve.losses import solve_loss
from dlcalc.solve.softmax import solve_softmax
from dlcalc.spec.calculators import (
    ActivateSpec,
    ActivationParams,
    LossOptions,
    Number,
    SoftmaxSpec,
)

DATA = ROOT / "tests" / "data" / "functions_oracle.json"
TOLERANCE = 1e-12


@cache
def oracle() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def close(got: float, expected: float) -> bool:
    return abs(got - expected) <= TOLERANCE * max(1.0, abs(expected))


def number(value: float) -> Number:
    return Number(repr(value), value, 0)  # type: ignore[arg-type]


def activation_params(params: dict[str, Any]) -> ActivationParams:
    known = {k: v for k, v in params.items() if k in ("alpha", "approximate")}
    if params.get("convention") == "keras2":
        known["convention"] = "keras2"
    return ActivationParams(**known)


ACTIVATIONS = oracle()["activations"]


@pytest.mark.parametrize(
    "entry", ACTIVATIONS, ids=[f"{e['function']}{json.dumps(e['params'])}" for e in ACTIVATIONS]
)
def test_activation_values_and_derivatives(entry: dict[str, Any]) -> None:
    function = "silu" if entry["function"] == "swish" else entry["function"]
    torch_softplus = function == "softplus" and entry["params"].get("convention") == "pytorch"
    spec = ActivateSpec(
        function, tuple(number(x) for x in entry["x"]), activation_params(entry["params"])
    )
    rows = solve_activate(spec).rows
    for row, value, derivative in zip(rows, entry["value"], entry["derivative"]):
        x = row.x.value
        if torch_softplus and x > 20:
            # PyTorch returns x itself above its threshold; dlcalc gives ln(1 + e^x) exactly
            assert abs(row.value.value - value) < 3e-9 * max(1.0, abs(value))
            continue
        assert close(row.value.value, value), (function, x, row.value.value, value)
        if function == "hard_sigmoid" and derivative not in (0.0, 0.2):
            # PyTorch's Hardsigmoid backward uses the float32 constant 1/6, even in float64
            assert abs(row.derivative.value - derivative) < 1e-8
            continue
        assert close(row.derivative.value, derivative), (function, x, row.derivative.value)


SOFTMAX = oracle()["softmax"]


@pytest.mark.parametrize("entry", SOFTMAX, ids=[f"softmax{i}" for i in range(len(SOFTMAX))])
def test_softmax(entry: dict[str, Any]) -> None:
    classes = len(entry["z"])
    target = tuple(number(float(i == entry["target"])) for i in range(classes))
    spec = SoftmaxSpec(
        tuple(number(z) for z in entry["z"]), number(entry["temperature"]), target, jacobian=True
    )
    result = solve_softmax(spec)
    assert result.argmax == entry["argmax"]
    for row, p, log_p, g in zip(
        result.rows, entry["probabilities"], entry["log_probabilities"], entry["gradient"]
    ):
        assert close(row.probability.number, p)  # a float64: 0 where it underflows
        assert close(row.log_probability.value, log_p)
        assert row.gradient is not None and close(row.gradient.value, g)
    assert result.loss is not None and close(result.loss.value, entry["loss"])
    assert result.jacobian is not None
    for ours, theirs in zip(result.jacobian, entry["jacobian"]):
        assert all(close(a.value, b) for a, b in zip(ours, theirs))


LOSSES = oracle()["losses"]


def _text(matrix: list) -> str:
    if matrix and not isinstance(matrix[0], list):
        return ";".join(repr(v) for v in matrix)  # sparse labels
    return ";".join(",".join(repr(float(v)) for v in row) for row in matrix)


@pytest.mark.parametrize(
    "entry",
    LOSSES,
    ids=[
        f"{e['kind']}{json.dumps(e['params'])}-{e['convention']}-{e['reduction']}-{i}"
        for i, e in enumerate(LOSSES)
    ],
)
def test_loss(entry: dict[str, Any]) -> None:
    params = entry["params"]
    options = LossOptions(
        delta=params.get("delta"),
        from_logits=params.get("from_logits", False),
        keras=entry["convention"] == "keras" and entry["kind"] in ("bce", "cce"),
        gradient=True,
    )
    spec = parse_loss(
        entry["kind"], _text(entry["pred"]), _text(entry["target"]), entry["reduction"], options
    )
    result = solve_loss(spec)
    assert abs(result.value - entry["value"]) <= 1e-12 * abs(entry["value"]) + 1e-15
    if "gradient" in entry:
        for ours, theirs in zip(result.gradient, entry["gradient"]):
            assert all(abs(a - b) <= 1e-12 * abs(b) + 1e-15 for a, b in zip(ours, theirs)), (
                ours,
                theirs,
            )
