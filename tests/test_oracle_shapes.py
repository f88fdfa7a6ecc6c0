"""dlcalc against an independent oracle: shapes, parameter counts and weight tensors from PyTorch
and Keras.

The data is made by ``scripts/make_shapes_oracle.py`` (which builds each architecture in the
framework, runs it, counts its parameters and lists its weight tensors) and committed, so these
tests need neither.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest

from conftest import PROBLEMS, ROOT, solve_text
from dlcalc.parse.architecture import parse_architecture
from dlcalc.parse.source import read_source
from dlcalc.solve.shapes import ShapesOptions, solve_shapes

DATA = ROOT / "tests" / "data" / "shapes_oracle.json"
MODEL_FILES = {
    "alexnet-torch": "alexnet-torchvision.arch",
    "vgg16-torch": "vgg16-torchvision.arch",
    "vgg19-torch": "vgg19-torchvision.arch",
    "resnet18-torch": "resnet18-torchvision.arch",
    "resnet50-torch": "resnet50-torchvision.arch",
    "resnet50-keras": "resnet50-keras.arch",
    "mobilenet-keras": "mobilenet-v1-keras.arch",
}
WEIGHTED = {"conv", "depthwise", "dense", "batchnorm"}


@cache
def oracle() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_the_oracle_covers_every_layer_kind_and_both_conventions() -> None:
    cases = oracle()["cases"]
    assert len(cases) >= 100
    assert {case["convention"] for case in cases} == {"pytorch", "keras"}
    kinds = {line.split()[0] for case in cases for line in case["arch"].splitlines()[1:]}
    required = {
        "conv",
        "conv1d",
        "conv3d",
        "depthwise",
        "separable",
        "convtranspose",
        "maxpool",
        "avgpool",
        "globalavgpool",
        "globalmaxpool",
        "adaptiveavgpool",
        "zeropad",
        "batchnorm",
        "layernorm",
        "dropout",
        "flatten",
        "dense",
        "embedding",
        "rnn",
        "lstm",
        "gru",
        "add",
        "concat",
    }
    assert required <= kinds, required - kinds


@pytest.mark.parametrize("index", range(len(oracle()["cases"])), ids=lambda i: f"case{i:03d}")
def test_random_architecture_matches_the_framework(index: int) -> None:
    case = oracle()["cases"][index]
    result = solve_text(case["arch"], case["convention"])
    assert len(result.layers) == len(case["layers"])
    for layer, expected in zip(result.layers, case["layers"]):
        where = f"{case['id']} {layer.name}"
        assert list(layer.output_shape) == expected["output_shape"], where
        assert layer.trainable_params == expected["trainable_params"], where
        assert layer.non_trainable_params == expected["non_trainable_params"], where
    assert result.total_params == case["total_params"]
    assert result.trainable_params == case["trainable_params"]
    assert result.non_trainable_params == case["non_trainable_params"]


@pytest.mark.parametrize("index", range(len(oracle()["cases"])), ids=lambda i: f"case{i:03d}")
def test_random_architecture_has_the_frameworks_weight_tensors(index: int) -> None:
    """Every layer's weights are the framework's own, in its order: PyTorch's
    ``named_parameters()`` of the layer's module, Keras's ``layer.weights`` by short name."""
    case = oracle()["cases"][index]
    result = solve_text(case["arch"], case["convention"])
    assert len(result.layers) == len(case["layers"])
    wrong = []
    for layer, expected in zip(result.layers, case["layers"]):
        ours = [(w.name, list(w.shape), w.trainable) for w in layer.weights]
        theirs = [(w["name"], w["shape"], w["trainable"]) for w in expected["weights"]]
        if ours != theirs:
            wrong.append(f"{layer.name} ({layer.kind}): dlcalc {ours} != framework {theirs}")
    assert not wrong, f"{case['id']} ({case['convention']}):\n" + "\n".join(wrong)


def _normalised(kind: str, shape: list[int]) -> tuple[str, list[int]]:
    # Keras's MobileNet ends in a 1x1 conv on a 1x1 map (conv_preds), which is a dense layer.
    if kind == "conv" and all(d == 1 for d in shape[:-1]):
        return "dense", shape[-1:]
    return kind, shape


@pytest.mark.parametrize("model", sorted(MODEL_FILES))
def test_standard_model_matches_the_framework_layer_by_layer(model: str) -> None:
    (expected,) = [m for m in oracle()["models"] if m["id"] == model]
    (path,) = PROBLEMS.rglob(MODEL_FILES[model])
    spec = parse_architecture(read_source(str(path)))
    result = solve_shapes(spec, ShapesOptions(convention=expected["convention"]))
    assert spec.convention == expected["convention"]
    assert list(result.input_shape) == expected["input_shape"]
    assert list(result.layers[-1].output_shape) == expected["output_shape"]
    assert result.total_params == expected["total_params"]
    assert result.trainable_params == expected["trainable_params"]
    assert result.non_trainable_params == expected["non_trainable_params"]
    ours = [
        (layer.kind, list(layer.output_shape), layer.params)
        for layer in result.layers
        if layer.kind in WEIGHTED
    ]
    theirs = [
        (*_normalised(w["kind"], w["output_shape"]), w["params"])
        for w in expected["weighted_layers"]
    ]
    if expected["convention"] == "keras":
        # Keras lists layers by depth in the graph, interleaving a block's two branches.
        ours, theirs = sorted(ours), sorted(theirs)
    assert ours == theirs
