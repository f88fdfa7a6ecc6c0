"""The validated form of a network file: neurons in layers, named weights and biases, examples."""

from __future__ import annotations

from typing import NamedTuple

from dlcalc.errors import Location
from dlcalc.spec.calculators import Number

NETWORK_ACTIVATIONS = (
    *("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax", "step", "sign"),
)
NETWORK_LOSSES = ("half_sse", "sse", "mse", "mae", "bce", "cce")


class Layer(NamedTuple):
    name: str
    neurons: tuple[str, ...]
    activation: str
    """One of NETWORK_ACTIVATIONS ("input" for the input layer)."""
    slope: float | None = None
    """leaky_relu's slope (``leaky_relu:0.1``); None for the default 0.01."""
    location: Location | None = None


class Parameter(NamedTuple):
    """A weight or a bias: its name, value, and whether it is updated."""

    name: str
    value: Number
    frozen: bool = False
    location: Location | None = None


class Edge(NamedTuple):
    """The weight ``parameter`` on the connection ``source → target``."""

    parameter: str
    source: str
    target: str


class Bias(NamedTuple):
    """The bias ``parameter``, added to the net input of each of ``neurons`` (shared if several)."""

    parameter: str
    neurons: tuple[str, ...]


class Sample(NamedTuple):
    inputs: tuple[Number, ...]
    """In the order of the input layer's neurons."""
    targets: tuple[Number, ...] | None
    """In the order of the output layer's neurons; None for a forward pass only."""


class NetworkSpec(NamedTuple):
    source: str
    layers: tuple[Layer, ...]
    """The input layer first, the output layer last."""
    parameters: tuple[Parameter, ...]
    edges: tuple[Edge, ...]
    biases: tuple[Bias, ...]
    samples: tuple[Sample, ...]
    loss: str | None = None
    rate: Number | None = None
    mode: str = "stochastic"
    epochs: int = 1
    batch_size: int = 0
    """``mode minibatch N``: N; the other modes 0."""

    def groups(self) -> list[list[int]]:
        """The samples of each update, by index: one each (stochastic), all (batch), or N at a
        time in file order, the last group the rest (minibatch)."""
        indices = list(range(len(self.samples)))
        if self.mode == "batch":
            return [indices]
        size = self.batch_size if self.mode == "minibatch" else 1
        return [indices[i : i + size] for i in range(0, len(indices), size)]


class BackpropOptions(NamedTuple):
    relu_grad_at_zero: float | None = None
    digits: int = 6
    only: tuple[str, ...] = ()
    """The parameters whose chain rule is written out (all when empty)."""
    changes: tuple[tuple[str, float], ...] = ()
    """``--set``: parameters to change, to compare the effect with the gradient's prediction."""
    exact: bool = False
    """Closed forms of the first step (SymPy)."""
