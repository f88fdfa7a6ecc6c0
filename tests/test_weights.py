"""Each layer's weight tensors (name and shape, as the convention's framework holds them)."""

from __future__ import annotations

import json

import pytest

from conftest import PROBLEMS, ROOT, run_cli, solve_text
from dlcalc.parse.architecture import parse_architecture
from dlcalc.parse.source import read_source
from dlcalc.solve.shapes import ShapesOptions, ShapesResult, solve_shapes

ORACLE = json.loads((ROOT / "tests" / "data" / "shapes_oracle.json").read_text(encoding="utf-8"))
LIBRARY = sorted(PROBLEMS.rglob("*.arch"))


def _sizes_add_up(result: ShapesResult) -> None:
    for layer in result.layers:
        trainable = sum(w.size for w in layer.weights if w.trainable)
        stored = sum(w.size for w in layer.weights if not w.trainable)
        assert (trainable, stored) == (layer.trainable_params, layer.non_trainable_params), (
            layer.name,
            layer.weights,
        )


@pytest.mark.parametrize("convention", ["keras", "pytorch"])
@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_the_weights_add_up_to_the_parameters_of_every_library_layer(path, convention) -> None:
    spec = parse_architecture(read_source(str(path)))
    _sizes_add_up(solve_shapes(spec, ShapesOptions(convention)))


def test_the_weights_add_up_in_every_random_architecture_of_the_oracle() -> None:
    kinds = set()
    for case in ORACLE["cases"]:
        result = solve_text(case["arch"], case["convention"])
        _sizes_add_up(result)
        kinds |= {layer.kind for layer in result.layers if layer.weights}
    assert {"conv", "conv1d", "conv3d", "convtranspose", "depthwise", "separable"} <= kinds
    assert {"dense", "embedding", "batchnorm", "layernorm", "rnn", "lstm", "gru"} <= kinds


def _weights(arch: str, convention: str) -> list[list[tuple[str, tuple[int, ...], bool]]]:
    result = solve_text(arch, convention)
    return [[tuple(w) for w in layer.weights] for layer in result.layers]  # type: ignore[misc]


def test_an_lstm_of_nine_units_on_one_feature() -> None:
    keras = _weights("input 10x1\nlstm 9", "keras")
    (lstm,) = keras
    assert lstm == [
        ("kernel", (1, 36), True),
        ("recurrent_kernel", (9, 36), True),
        ("bias", (36,), True),
    ]
    torch = _weights("input 10x1\nlstm 9", "pytorch")
    assert [(name, shape) for name, shape, _ in torch[0]] == [
        ("weight_ih_l0", (36, 1)),
        ("weight_hh_l0", (36, 9)),
        ("bias_ih_l0", (36,)),
        ("bias_hh_l0", (36,)),
    ]


def test_convolutions_in_each_layout_and_batchnorms_stored_statistics() -> None:
    arch = "input 32x32x3\nconv 16 5x5 groups=1\nbatchnorm"
    (conv, norm) = _weights(arch, "keras")
    assert conv == [("kernel", (5, 5, 3, 16), True), ("bias", (16,), True)]
    assert norm[2:] == [("moving_mean", (16,), False), ("moving_variance", (16,), False)]
    (conv, norm) = _weights(arch, "pytorch")
    assert conv[0] == ("weight", (16, 3, 5, 5), True)
    assert [name for name, _, _ in norm] == ["weight", "bias"]  # running stats: buffers


def test_the_report_and_json_give_the_weights() -> None:
    data = json.loads(run_cli("shapes", "lenet5-exam", "-f", "json").out)
    assert data["layers"][0]["weights"] == [
        {"name": "kernel", "shape": [5, 5, 1, 6], "trainable": True},
        {"name": "bias", "shape": [6], "trainable": True},
    ]
    assert data["layers"][1]["weights"] == []  # a pool has none
    plain = run_cli("shapes", "lenet5-exam", "-f", "plain").out.splitlines()
    assert "conv3   kernel (5, 5, 16, 120); bias (120,)" in plain
