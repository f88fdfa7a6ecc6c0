"""A network problem's answers by name (``net_h1``, ``delta_o1``, ``dE/dw5``, ``E``, the
parameters after the update) and its mistakes, made by the solver's switch
(:class:`dlcalc.spec.network.BackpropOptions` ``mistake``) or by changing the problem."""

from __future__ import annotations

from fractions import Fraction

from dlcalc.solve.backprop import BackpropResult, Step
from dlcalc.solve.marking import Worked
from dlcalc.solve.numbers import factor, num
from dlcalc.spec.calculators import Number
from dlcalc.spec.network import BackpropOptions, NetworkSpec
from dlcalc.steps.text import step_text


def answer_values(result: BackpropResult) -> dict[str, Worked]:
    """Every answerable name of a backprop problem, its value and working.

    Of the first step: ``net_N``, ``out_N``, ``delta_N`` of every neuron, ``E_N`` (the loss
    term of every output N, of the first sample), ``dE/dP`` of every parameter and ``E`` (the
    loss); and ``P``, every parameter's value after the last update.
    """
    first = result.steps[0]
    one = first.passes[0]
    values: dict[str, Worked] = {}
    for value in one.forward:
        values[f"net_{value.neuron}"] = Worked(value.net, value.net_working)
        values[f"out_{value.neuron}"] = Worked(value.out, value.out_working)
    for delta in one.deltas:
        values[f"delta_{delta.neuron}"] = Worked(delta.delta, delta.delta_working)
    if one.loss is not None:
        outputs = result.spec.layers[-1].neurons
        for neuron, term in zip(outputs, one.loss.terms[0]):
            values[f"E_{neuron}"] = Worked(term.value.value, term.value)  # type: ignore[arg-type]
    chains = {chain.parameter: chain for chain in one.chains}
    for name, gradient in first.gradients.items():
        chain = chains.get(name)
        working = f"{chain.symbolic} = {chain.worked}" if chain and len(first.passes) == 1 else ""
        values[f"dE/d{name}"] = Worked(gradient, working or num(gradient))
    if first.loss is not None:
        values["E"] = Worked(first.loss, _loss_working(first))
    for p in result.spec.parameters:
        values[p.name] = Worked(p.value.value, f"{p.name} = {p.value.text} (not updated)")
    eta = result.spec.rate.value if result.spec.rate else 0.0
    sign = "−" if eta >= 0 else "+"
    for step in result.steps:
        for u in step.updates:
            working = (
                f"{u.parameter} (frozen) = {num(u.new)}"
                if u.frozen
                else f"{u.parameter} {sign} η·∂E/∂{u.parameter} = {num(u.old)} {sign} "
                f"{num(abs(eta))}·{factor(num(u.gradient))} = {num(u.new)}"
            )
            values[u.parameter] = Worked(u.new, working)
    return values


def _loss_working(step: Step) -> str:
    """E with its terms: the reduction of the loss terms, or the one term written out."""
    assert step.loss is not None
    loss = step.passes[0].loss
    if loss is None or len(step.passes) > 1:
        return f"E = {num(step.loss)} (the mean over the samples)"
    terms = [term for row in loss.terms for term in row]
    if len(terms) == 1:
        return f"E = {step_text(terms[0].value).split(' = ', 1)[1]}"
    return f"E = {step_text(loss.loss).split(' = ', 1)[1]}"


def mistakes(spec: NetworkSpec) -> dict[str, str]:
    """The mistakes a wrong answer to this network is checked against, by name."""
    found: dict[str, str] = {}
    outputs = len(spec.layers[-1].neurons)
    if spec.loss == "half_sse" or (spec.loss == "mse" and outputs > 1):
        found["loss-without-half"] = "the ½ (or 1/n) dropped from the loss"
    if spec.loss == "sse" or (spec.loss == "mse" and outputs != 2):
        found["loss-with-half"] = "a ½ put in the loss instead"
    if (spec.loss == "sse" and outputs > 1) or (spec.loss == "half_sse" and outputs != 2):
        found["loss-mean"] = "1/n (the mean over the outputs) used in the loss"
    if any(layer.activation == "sigmoid" for layer in spec.layers):
        found["sigmoid-derivative-difference"] = "σ′ taken as out − (1 − out)"
        found["sigmoid-derivative-value"] = "σ′ taken as σ(net), without the (1 − σ)"
        found["sigmoid-derivative-left-out"] = "the σ′ factor left out of the chain rule"
    if any(layer.activation in ("relu", "leaky_relu") for layer in spec.layers):
        found["relu-grad-at-zero"] = "ReLU′(0) taken as 1"
    found["error-sign"] = "∂E/∂out taken with the opposite sign (t − o for o − t)"
    if spec.rate is not None:
        found["update-sign"] = "the update added with the wrong sign (p + η·∂E/∂p)"
        found["rate-twice"] = "the learning rate applied twice (η²·∂E/∂p)"
        if len(spec.layers) > 2:
            found["new-weights-in-deltas"] = (
                "the already-updated weights of the layer above used in the hidden δ"
            )
    if any(not p.frozen for p in spec.parameters if p.name in _bias_names(spec)):
        found["bias-not-updated"] = "the biases not updated"
    if any(p.frozen for p in spec.parameters if p.name in _bias_names(spec)):
        found["frozen-bias-updated"] = "the frozen biases updated as well"
    if len(spec.layers) > 2 and len(spec.layers[-1].neurons) > 1:
        for neuron in spec.layers[-1].neurons:
            found[f"one-path:{neuron}"] = (
                f"a hidden weight's gradient through {neuron} alone (the other output paths "
                "dropped)"
            )
    return found


def _bias_names(spec: NetworkSpec) -> set[str]:
    return {bias.parameter for bias in spec.biases}


def with_mistake(
    spec: NetworkSpec, options: BackpropOptions, mistake: str
) -> tuple[NetworkSpec, BackpropOptions]:
    """The network and options that make ``mistake`` (one of ``mistakes(spec)``)."""
    options = options._replace(mistake=mistake)
    loss = {
        "loss-without-half": "sse",
        "loss-with-half": "half_sse",
        "loss-mean": "mse",
    }.get(mistake)
    if loss is not None:
        return spec._replace(loss=loss), options
    if mistake == "relu-grad-at-zero":
        return spec, options._replace(relu_grad_at_zero=1.0)
    if spec.rate is not None and mistake in ("update-sign", "rate-twice"):
        eta = spec.rate.value
        rate = -eta if mistake == "update-sign" else eta * eta
        return spec._replace(rate=Number(repr(rate), rate, Fraction(rate))), options
    if mistake in ("bias-not-updated", "frozen-bias-updated"):
        biases = _bias_names(spec)
        frozen = mistake == "bias-not-updated"
        parameters = tuple(
            p._replace(frozen=frozen) if p.name in biases else p for p in spec.parameters
        )
        return spec._replace(parameters=parameters), options
    return spec, options
