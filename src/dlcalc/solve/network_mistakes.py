"""A network problem's mistakes, registered once in :data:`MISTAKES`: each a variant of the
rules (:class:`dlcalc.solve.backprop_pass.Rules`: σ′ misremembered, ∂E/∂out with its sign
flipped, the update added, the updated weights in a hidden δ, one path of the chain rule), or of
the problem (the loss with or without its ½, the biases frozen or not), solved by the real
solver so that its working shows the slip."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dlcalc.rules.activations import ACTIVATIONS, Activation
from dlcalc.solve.backprop_pass import CORRECT, Rules
from dlcalc.solve.calculator_mistakes import SLIPPED, sigmoid_with_derivative
from dlcalc.spec.network import BackpropOptions, NetworkSpec
from dlcalc.steps.expr import Neg, Num
from dlcalc.steps.step import Step

Variant = tuple[NetworkSpec, BackpropOptions, Rules]


class Mistake(NamedTuple):
    description: str
    applies: Callable[[NetworkSpec], bool]
    make: Callable[[NetworkSpec, BackpropOptions], Variant]


def _rules(rules: Rules) -> Callable[[NetworkSpec, BackpropOptions], Variant]:
    return lambda spec, options: (spec, options, rules)


def _loss(kind: str) -> Callable[[NetworkSpec, BackpropOptions], Variant]:
    return lambda spec, options: (spec._replace(loss=kind), options, CORRECT)


def _activation(slipped: Activation) -> Rules:
    return CORRECT._replace(
        activation=lambda name: slipped if name == "sigmoid" else ACTIVATIONS[name]
    )


def _negated(found: Step) -> Step:
    """∂E/∂out with its sign flipped (t − o for o − t): its formula, stages and value."""
    formula = None if found.formula is None else Neg(found.formula)
    stages = tuple(Neg(s) for s in found.substituted)
    return found._replace(formula=formula, substituted=stages, value=-found.value)  # type: ignore[operator]


def _biases(frozen: bool) -> Callable[[NetworkSpec, BackpropOptions], Variant]:
    def make(spec: NetworkSpec, options: BackpropOptions) -> Variant:
        names = _bias_names(spec)
        parameters = tuple(
            p._replace(frozen=frozen) if p.name in names else p for p in spec.parameters
        )
        return spec._replace(parameters=parameters), options, CORRECT

    return make


def _bias_names(spec: NetworkSpec) -> set[str]:
    return {bias.parameter for bias in spec.biases}


def _outputs(spec: NetworkSpec) -> int:
    return len(spec.layers[-1].neurons)


def _sigmoid(spec: NetworkSpec) -> bool:
    return any(layer.activation == "sigmoid" for layer in spec.layers)


def _rate(spec: NetworkSpec) -> bool:
    return spec.rate is not None


MISTAKES: dict[str, Mistake] = {
    "loss-without-half": Mistake(
        "the ½ (or 1/n) dropped from the loss",
        lambda s: s.loss == "half_sse" or (s.loss == "mse" and _outputs(s) > 1),
        _loss("sse"),
    ),
    "loss-with-half": Mistake(
        "a ½ put in the loss instead",
        lambda s: s.loss == "sse" or (s.loss == "mse" and _outputs(s) != 2),
        _loss("half_sse"),
    ),
    "loss-mean": Mistake(
        "1/n (the mean over the outputs) used in the loss",
        lambda s: (
            (s.loss == "sse" and _outputs(s) > 1) or (s.loss == "half_sse" and _outputs(s) != 2)
        ),
        _loss("mse"),
    ),
    "sigmoid-derivative-difference": Mistake(
        "σ′ taken as out − (1 − out)",
        _sigmoid,
        _rules(_activation(SLIPPED["sigmoid-derivative-difference"])),
    ),
    "sigmoid-derivative-value": Mistake(
        "σ′ taken as σ(net), without the (1 − σ)",
        _sigmoid,
        _rules(_activation(SLIPPED["sigmoid-derivative-value"])),
    ),
    "sigmoid-derivative-left-out": Mistake(
        "the σ′ factor left out of the chain rule",
        _sigmoid,
        _rules(_activation(sigmoid_with_derivative(Num(1), lambda s: 1.0))),
    ),
    "relu-grad-at-zero": Mistake(
        "ReLU′(0) taken as 1",
        lambda s: any(layer.activation in ("relu", "leaky_relu") for layer in s.layers),
        lambda spec, options: (spec, options._replace(relu_grad_at_zero=1.0), CORRECT),
    ),
    "error-sign": Mistake(
        "∂E/∂out taken with the opposite sign (t − o for o − t)",
        lambda s: True,
        _rules(CORRECT._replace(output_gradient=_negated)),
    ),
    "update-sign": Mistake(
        "the update added with the wrong sign (p + η·∂E/∂p)",
        _rate,
        _rules(CORRECT._replace(update=lambda p, rate, g: p + rate * g)),
    ),
    "rate-twice": Mistake(
        "the learning rate applied twice (η²·∂E/∂p)",
        _rate,
        _rules(CORRECT._replace(update=lambda p, rate, g: p - rate**2 * g)),
    ),
    "new-weights-in-deltas": Mistake(
        "the already-updated weights of the layer above used in the hidden δ",
        lambda s: _rate(s) and len(s.layers) > 2,
        _rules(CORRECT._replace(weight_in_delta=lambda w, change: w - change)),
    ),
    "bias-not-updated": Mistake(
        "the biases not updated",
        lambda s: any(not p.frozen for p in s.parameters if p.name in _bias_names(s)),
        _biases(frozen=True),
    ),
    "frozen-bias-updated": Mistake(
        "the frozen biases updated as well",
        lambda s: any(p.frozen for p in s.parameters if p.name in _bias_names(s)),
        _biases(frozen=False),
    ),
}


def _one_path(neuron: str) -> Mistake:
    """A hidden weight's gradient through one output alone."""
    rules = CORRECT._replace(paths=lambda edges: [e for e in edges if e.target == neuron] or edges)
    return Mistake(
        f"a hidden weight's gradient through {neuron} alone (the other output paths dropped)",
        lambda s: len(s.layers) > 2 and _outputs(s) > 1 and neuron in s.layers[-1].neurons,
        _rules(rules),
    )


def mistakes(spec: NetworkSpec) -> dict[str, Mistake]:
    """The mistakes a wrong answer to this network is checked against, by name (one
    ``one-path:N`` for every output N)."""
    found = {name: m for name, m in MISTAKES.items() if m.applies(spec)}
    for neuron in spec.layers[-1].neurons:
        one = _one_path(neuron)
        if one.applies(spec):
            found[f"one-path:{neuron}"] = one
    return found
