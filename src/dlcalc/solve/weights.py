"""The weight tensors of a layer, named and shaped as the convention's framework holds them:
Keras's ``kernel (5, 5, 1, 6)``, ``recurrent_kernel``, ``moving_mean``; PyTorch's
``weight (6, 1, 5, 5)``, ``weight_hh_l0``, ``bias_ih_l0``. Their sizes add up to the layer's
parameter count (trainable and non-trainable), and the oracle's random architectures check
every name and shape against PyTorch and Keras themselves (a PyTorch separable convolution is
the oracle's own pair of ``depthwise`` and ``pointwise`` convolutions)."""

from __future__ import annotations

import math
from typing import NamedTuple

from dlcalc.spec.architecture import (
    Convention,
    ConvOp,
    DenseOp,
    EmbeddingOp,
    LayerSpec,
    NormOp,
    RecurrentOp,
)


class Weight(NamedTuple):
    name: str
    shape: tuple[int, ...]
    trainable: bool = True

    @property
    def size(self) -> int:
        return math.prod(self.shape)


GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def layer_weights(
    layer: LayerSpec, inputs: tuple[tuple[int, ...], ...], convention: Convention
) -> tuple[Weight, ...]:
    """The weights of ``layer`` given its inputs' shapes (channels last), as ``convention``'s
    framework names and shapes them (none for a layer without parameters)."""
    op, shape = layer.op, inputs[0] if inputs else ()
    torch = convention == "pytorch"
    if isinstance(op, ConvOp):
        return _conv(op, shape[-1], torch)
    if isinstance(op, DenseOp):
        n_in = math.prod(shape) if len(shape) > 2 else shape[-1]
        kernel = Weight("weight", (op.units, n_in)) if torch else Weight("kernel", (n_in, op.units))
        return (kernel, *_bias(op.bias, op.units))
    if isinstance(op, EmbeddingOp):
        return (Weight("weight" if torch else "embeddings", (op.vocab, op.dim)),)
    if isinstance(op, NormOp):
        c = (shape[-1],)
        if torch or op.kind == "layernorm":
            names = ("weight", "bias") if torch else ("gamma", "beta")
            return tuple(Weight(name, c) for name in names)
        stored = (Weight("moving_mean", c, False), Weight("moving_variance", c, False))
        return (Weight("gamma", c), Weight("beta", c), *stored)
    if isinstance(op, RecurrentOp):
        return _recurrent(op, shape[-1], torch)
    return ()


def _bias(given: bool, units: int) -> tuple[Weight, ...]:
    return (Weight("bias", (units,)),) if given else ()


def _conv(op: ConvOp, c: int, torch: bool) -> tuple[Weight, ...]:
    kernel = op.kernel * op.spatial_rank if len(op.kernel) == 1 else op.kernel
    ones = (1,) * op.spatial_rank
    if op.kind in ("depthwise", "separable"):
        m = c * op.multiplier
        separable = op.kind == "separable"
        depthwise = (
            Weight("depthwise.weight" if separable else "weight", (m, 1, *kernel))
            if torch
            else Weight("depthwise_kernel" if separable else "kernel", (*kernel, c, op.multiplier))
        )
        if op.kind == "depthwise":
            return (depthwise, *_bias(op.bias, m))
        assert op.filters is not None
        pointwise = (
            Weight("pointwise.weight", (op.filters, m, *ones))
            if torch
            else Weight("pointwise_kernel", (*ones, m, op.filters))
        )
        bias = _bias(op.bias, op.filters)
        if torch:
            bias = tuple(b._replace(name="pointwise.bias") for b in bias)
        return (depthwise, pointwise, *bias)
    assert op.filters is not None
    k, g = op.filters, op.groups
    if op.kind == "convtranspose":
        shape = (c, k // g, *kernel) if torch else (*kernel, k, c)
    else:
        shape = (k, c // g, *kernel) if torch else (*kernel, c // g, k)
    return (Weight("weight" if torch else "kernel", shape), *_bias(op.bias, k))


def _recurrent(op: RecurrentOp, f: int, torch: bool) -> tuple[Weight, ...]:
    u, gates = op.units, GATES[op.cell]
    directions = ("", "_reverse") if op.bidirectional else ("",)
    found: list[Weight] = []
    for direction in directions:
        if torch:
            suffix = f"_l0{direction}"
            found += [
                Weight(f"weight_ih{suffix}", (gates * u, f)),
                Weight(f"weight_hh{suffix}", (gates * u, u)),
                Weight(f"bias_ih{suffix}", (gates * u,)),
                Weight(f"bias_hh{suffix}", (gates * u,)),
            ]
            continue
        prefix = {"": "forward_", "_reverse": "backward_"}[direction] if op.bidirectional else ""
        two_biases = op.cell == "gru" and op.reset_after
        found += [
            Weight(f"{prefix}kernel", (f, gates * u)),
            Weight(f"{prefix}recurrent_kernel", (u, gates * u)),
            Weight(f"{prefix}bias", (2, gates * u) if two_biases else (gates * u,)),
        ]
    return tuple(found)
