"""The validated input of the small calculators: `activate`, `softmax` and `loss`."""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

ACTIVATION_NAMES = (
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "softplus",
    "softsign",
    "hard_sigmoid",
    "step",
    "sign",
    "linear",
    "mish",
)
ACTIVATION_ALIASES = {
    "swish": "silu",
    "binary_step": "step",
    "bipolar_step": "sign",
    "identity": "linear",
    "leakyrelu": "leaky_relu",
}


class Number(NamedTuple):
    """A number as the user wrote it: its text, its float value and its exact rational value."""

    text: str
    value: float
    exact: Fraction


class ActivationParams(NamedTuple):
    """The options that change an activation's numbers (see the README's conventions)."""

    alpha: float | None = None
    """The leaky slope (leaky_relu, default 0.01) or ELU's α (default 1)."""
    approximate: str = "none"
    """GELU: "none" (exact, with erf) or "tanh"."""
    convention: str = "pytorch"
    """hard_sigmoid: "pytorch" (= Keras 3: x/6 + ½) or "keras2" (0.2x + ½)."""
    grad_at_zero: float | None = None
    """The derivative at a kink at 0 (ReLU, leaky ReLU, step); None for the frameworks' value."""
    step_at_zero: float = 1.0
    """The binary step's value at exactly 0 (1 for x ≥ 0, 0 for x > 0, ½ for numpy.heaviside)."""


class ActivateSpec(NamedTuple):
    function: str
    xs: tuple[Number, ...]
    params: ActivationParams
    exact: bool = False
    digits: int = 6
    plot_points: int = 0
    """How many points of the curve to sample for a plot (0: no plot)."""


class SoftmaxSpec(NamedTuple):
    z: tuple[Number, ...]
    temperature: Number
    target: tuple[Number, ...] | None = None
    """The target distribution (a one-hot vector for a class), if a loss is asked for."""
    jacobian: bool = False
    digits: int = 6
    exact: bool = False


LOSS_KINDS = (
    "mse",
    "sse",
    "half_sse",
    "mae",
    "huber",
    "log_cosh",
    "bce",
    "cce",
    "sparse_cce",
    "kl",
    "hinge",
    "squared_hinge",
)
LOSS_ALIASES = {
    "l2": "mse",
    "l1": "mae",
    "binary_crossentropy": "bce",
    "categorical_crossentropy": "cce",
    "sparse_categorical_crossentropy": "sparse_cce",
    "kld": "kl",
    "kl_divergence": "kl",
    "logcosh": "log_cosh",
}


class LossOptions(NamedTuple):
    """The command-line options of `loss`, before they are checked."""

    delta: float | None = None
    from_logits: bool = False
    log2: bool = False
    keras: bool = False
    gradient: bool = False
    digits: int = 6
    exact: bool = False


class LossSpec(NamedTuple):
    kind: str
    pred: tuple[tuple[Number, ...], ...]
    """One row per example."""
    target: tuple[tuple[Number, ...], ...]
    """The same shape as ``pred`` (integer labels are turned into one-hot rows)."""
    reduction: str
    """"mean" or "sum" (see the README for what each kind reduces over)."""
    delta: float = 1.0
    from_logits: bool = False
    log2: bool = False
    keras: bool = False
    """Keras's clipping of probabilities to [1e−7, 1 − 1e−7] (and cce's renormalisation)."""
    gradient: bool = False
    digits: int = 6
    labels01: bool = False
    """hinge targets given as 0/1 and turned into −1/+1, as Keras does."""
    exact: bool = False
