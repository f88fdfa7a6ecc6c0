"""The validated form of an architecture file: a graph of layers, each with one operation.

Shapes are channels-last: a vector is ``(N,)``, a sequence ``(T, F)``, an image ``(H, W, C)``
and a volume ``(D, H, W, C)``; everything before the last axis is "spatial".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from dlcalc.errors import Location

Size = tuple[int, ...]
"""One value per spatial axis (a kernel, a stride, a dilation)."""


@dataclass(frozen=True)
class Padding:
    """``mode`` 'valid' (none), 'same' (output ⌈n/s⌉, as TensorFlow/Keras) or 'explicit'.

    For 'explicit', ``amounts`` gives the padding added on *each* side, per spatial axis
    (an empty tuple means the same amount on every axis: ``uniform``).
    """

    mode: Literal["valid", "same", "explicit"]
    amounts: Size = ()
    uniform: int = 0

    def on_axis(self, axis: int) -> int:
        if self.mode != "explicit":
            return 0
        return self.amounts[axis] if self.amounts else self.uniform


VALID = Padding("valid")


@dataclass(frozen=True)
class InputOp:
    shape: Size


@dataclass(frozen=True)
class ConvOp:
    """conv, conv1d, conv3d, depthwise, separable and convtranspose.

    ``spatial_rank`` is 1, 2 or 3; ``kernel`` etc. may have fewer values than that when
    given as one number (``5`` means 5x5 for a 2-D conv): see ``per_axis``.
    """

    kind: Literal["conv", "conv1d", "conv3d", "depthwise", "separable", "convtranspose"]
    spatial_rank: int
    filters: int | None
    kernel: Size
    stride: Size = (1,)
    padding: Padding = VALID
    dilation: Size = (1,)
    groups: int = 1
    multiplier: int = 1
    output_padding: Size = (0,)
    bias: bool = True
    activation: str | None = None


@dataclass(frozen=True)
class PoolOp:
    kind: Literal["maxpool", "avgpool"]
    kernel: Size
    stride: Size | None = None
    padding: Padding = VALID
    ceil: bool = False


@dataclass(frozen=True)
class GlobalPoolOp:
    kind: Literal["globalavgpool", "globalmaxpool"]


@dataclass(frozen=True)
class AdaptivePoolOp:
    kind: Literal["adaptiveavgpool", "adaptivemaxpool"]
    size: Size


@dataclass(frozen=True)
class ZeroPadOp:
    padding: Padding


@dataclass(frozen=True)
class NormOp:
    kind: Literal["batchnorm", "layernorm"]


@dataclass(frozen=True)
class DropoutOp:
    rate: float


@dataclass(frozen=True)
class FlattenOp:
    pass


@dataclass(frozen=True)
class ActivationOp:
    function: str


@dataclass(frozen=True)
class DenseOp:
    units: int
    bias: bool = True
    activation: str | None = None


@dataclass(frozen=True)
class EmbeddingOp:
    vocab: int
    dim: int


@dataclass(frozen=True)
class RecurrentOp:
    cell: Literal["rnn", "lstm", "gru"]
    units: int
    return_sequences: bool = False
    bidirectional: bool = False
    reset_after: bool = True


@dataclass(frozen=True)
class MergeOp:
    kind: Literal["add", "concat"]
    axis: int = -1


Op = (
    InputOp
    | ConvOp
    | PoolOp
    | GlobalPoolOp
    | AdaptivePoolOp
    | ZeroPadOp
    | NormOp
    | DropoutOp
    | FlattenOp
    | ActivationOp
    | DenseOp
    | EmbeddingOp
    | RecurrentOp
    | MergeOp
)


@dataclass(frozen=True)
class LayerSpec:
    """One layer line: its unique name, the layers it reads, its operation and where it was written.

    ``share`` names an earlier layer whose weights this one reuses (counted once).
    """

    name: str
    kind: str
    op: Op
    inputs: tuple[str, ...]
    location: Location
    share: str | None = None
    context: str | None = None
    """The line as written, for messages."""


@dataclass(frozen=True)
class ArchitectureSpec:
    """An input and the layers after it, in file order (every input of a layer comes before it)."""

    source: str
    input: LayerSpec
    layers: tuple[LayerSpec, ...]
    convention: str | None = None
    """The counting convention the file asks for (``convention pytorch``), if any."""
