"""Output shapes, parameter counts, cost and receptive fields of every layer of an architecture."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from dlcalc.errors import DlcalcError
from dlcalc.solve.layer_rules import Computed, Frame, compute_layer, layer_error
from dlcalc.spec.architecture import ArchitectureSpec, Convention, LayerSpec

FLOAT32_BYTES = 4


class ShapesOptions(NamedTuple):
    convention: Convention = "keras"
    strict: bool = False
    channels_first: bool = False
    """Write the axes in the working text channels first (C·H·W), as PyTorch does."""


class LayerResult(NamedTuple):
    """One layer's answer: shape and parameters with their working, cost, receptive field."""

    name: str
    kind: str
    inputs: tuple[str, ...]
    output_shape: tuple[int, ...]
    shape_working: str
    params_working: str
    trainable_params: int
    non_trainable_params: int
    macs: int
    receptive_field: tuple[Fraction, ...] | None
    """Per spatial axis, in input pixels; None once every output sees the whole input."""
    jump: tuple[Fraction, ...] | None
    """The distance in input pixels between neighbouring outputs (the effective stride)."""
    notes: tuple[str, ...] = ()
    line: int | None = None

    @property
    def params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def activations(self) -> int:
        return math.prod(self.output_shape)

    @property
    def activation_bytes(self) -> int:
        return FLOAT32_BYTES * self.activations


class ShapesResult(NamedTuple):
    source: str
    convention: Convention
    input_shape: tuple[int, ...]
    layers: tuple[LayerResult, ...]
    notes: tuple[str, ...] = ()

    @property
    def trainable_params(self) -> int:
        return sum(layer.trainable_params for layer in self.layers)

    @property
    def non_trainable_params(self) -> int:
        return sum(layer.non_trainable_params for layer in self.layers)

    @property
    def total_params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    @property
    def total_macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def total_flops(self) -> int:
        return 2 * self.total_macs

    @property
    def total_activations(self) -> int:
        """Values produced in one forward pass: the input and every layer's output."""
        return math.prod(self.input_shape) + sum(layer.activations for layer in self.layers)

    @property
    def total_activation_bytes(self) -> int:
        return FLOAT32_BYTES * self.total_activations


def solve_shapes(spec: ArchitectureSpec, options: ShapesOptions | None = None) -> ShapesResult:
    """Every layer's output shape, parameters (with working), MACs and receptive field."""
    options = options or ShapesOptions()
    input_shape = spec.input.op.shape  # type: ignore[union-attr]
    rank = len(input_shape) - 1
    ones = (Fraction(1),) * rank if rank else None
    frames: dict[str, Frame] = {"input": Frame(input_shape, ones, ones)}
    results: dict[str, LayerResult] = {}
    weights: dict[str, tuple[str, str]] = {}
    """Each layer's kind and parameter working before sharing: its weight shape."""
    owners: dict[str, str] = {}
    """Who really holds the weights of a layer that shares them."""
    for layer in spec.layers:
        inputs = [frames[name] for name in layer.inputs]
        computed = compute_layer(layer, inputs, options.convention, options.channels_first)
        if options.strict and computed.inexact:
            raise _strict_error(layer, computed.inexact)
        weights[layer.name] = (layer.kind, computed.params_working)
        if layer.share is not None:
            owner = owners.get(layer.share, layer.share)
            owners[layer.name] = owner
            computed = _shared(layer, computed, owner, weights[owner])
        frames[layer.name] = Frame(computed.shape, computed.field, computed.jump)
        results[layer.name] = LayerResult(
            name=layer.name,
            kind=layer.kind,
            inputs=layer.inputs,
            output_shape=computed.shape,
            shape_working=computed.shape_working,
            params_working=computed.params_working,
            trainable_params=computed.trainable,
            non_trainable_params=computed.non_trainable,
            macs=computed.macs,
            receptive_field=computed.field,
            jump=computed.jump,
            notes=computed.notes,
            line=layer.location.line,
        )
    return ShapesResult(spec.source, options.convention, input_shape, tuple(results.values()))


def _strict_error(layer: LayerSpec, division: str) -> DlcalcError:
    return layer_error(
        layer,
        f"{division} is not whole, so these hyper-parameters do not fit the input",
        expected="a kernel, stride and padding for which (n + 2p − f)/s is whole",
        suggestion="change the padding or the stride, or drop --strict to floor the division",
    )


def _shared(layer: LayerSpec, computed: Computed, owner: str, weights: tuple[str, str]) -> Computed:
    kind, working = weights
    if kind != layer.kind or working != computed.params_working:
        raise layer_error(
            layer,
            f"cannot share the weights of {owner}: its weights are {kind} {working}, "
            f"this layer's would be {layer.kind} {computed.params_working}",
            at="share",
            expected="share=NAME naming an earlier layer of the same kind and weight shape",
        )
    return computed._replace(
        params_working=f"0 (shares the weights of {owner}, counted there)",
        trainable=0,
        non_trainable=0,
    )


Answer = int | tuple[int, ...]


def answer_values(result: ShapesResult) -> dict[str, Answer]:
    """Every answerable name of a shapes problem and its correct value.

    ``total_params``, ``trainable_params``, ``non_trainable_params``, ``total_macs``,
    ``total_flops``, and per layer ``NAME.output`` (a shape), ``NAME.params``,
    ``NAME.trainable_params``, ``NAME.non_trainable_params``, ``NAME.macs``.
    """
    values: dict[str, Answer] = {
        "input.output": result.input_shape,
        "total_params": result.total_params,
        "trainable_params": result.trainable_params,
        "non_trainable_params": result.non_trainable_params,
        "total_macs": result.total_macs,
        "total_flops": result.total_flops,
    }
    for layer in result.layers:
        values[f"{layer.name}.output"] = layer.output_shape
        values[f"{layer.name}.params"] = layer.params
        values[f"{layer.name}.trainable_params"] = layer.trainable_params
        values[f"{layer.name}.non_trainable_params"] = layer.non_trainable_params
        values[f"{layer.name}.macs"] = layer.macs
    return values
