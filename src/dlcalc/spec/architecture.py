"""The validated form of an architecture file: a graph of layers, each with one operation.

Shapes are channels-last: a vector is ``(N,)``, a sequence ``(T, F)``, an image ``(H, W, C)``
and a volume ``(D, H, W, C)``; everything before the last axis is "spatial".
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from dlcalc.errors import Location

Convention = Literal["keras", "pytorch"]
CONVENTIONS: tuple[Convention, ...] = ("keras", "pytorch")
"""Whose parameter counts: Keras's (BatchNorm 4·C) or PyTorch's (BatchNorm 2·C, two RNN biases)."""

Size = tuple[int, ...]
"""One value per spatial axis (a kernel, a stride, a dilation)."""


class Padding(NamedTuple):
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


class InputOp(NamedTuple):
    shape: Size


class ConvOp(NamedTuple):
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


class PoolOp(NamedTuple):
    kind: Literal["maxpool", "avgpool"]
    kernel: Size
    stride: Size | None = None
    padding: Padding = VALID
    ceil: bool = False


class GlobalPoolOp(NamedTuple):
    kind: Literal["globalavgpool", "globalmaxpool"]


class AdaptivePoolOp(NamedTuple):
    kind: Literal["adaptiveavgpool", "adaptivemaxpool"]
    size: Size


class ZeroPadOp(NamedTuple):
    padding: Padding


class NormOp(NamedTuple):
    kind: Literal["batchnorm", "layernorm"]


class DropoutOp(NamedTuple):
    rate: float


class FlattenOp(NamedTuple):
    """No values: the output is the product of the input's axes."""


class ActivationOp(NamedTuple):
    function: str


class DenseOp(NamedTuple):
    units: int
    bias: bool = True
    activation: str | None = None


class EmbeddingOp(NamedTuple):
    vocab: int
    dim: int


class RecurrentOp(NamedTuple):
    cell: Literal["rnn", "lstm", "gru"]
    units: int
    return_sequences: bool = False
    bidirectional: bool = False
    reset_after: bool = True


class MergeOp(NamedTuple):
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


class LayerSpec(NamedTuple):
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
    marks: tuple[tuple[str, Location, str], ...] = ()
    """Where each option and value was written (``("groups", location, "groups=2")``), so that a
    message about one of them can point at it."""

    def mark(self, name: str | None) -> tuple[Location, str]:
        """The place and text of the named option or value, or of the layer's kind."""
        for key, location, text in self.marks:
            if key == name:
                return location, text
        return self.location, self.kind


class ArchitectureSpec(NamedTuple):
    """An input and the layers after it, in file order (every input of a layer comes before it)."""

    source: str
    input: LayerSpec
    layers: tuple[LayerSpec, ...]
    convention: Convention | None = None
    """The counting convention the file asks for (``convention pytorch``), if any."""
