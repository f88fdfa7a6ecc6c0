"""Backpropagation: the forward pass, the loss, every chain-rule term, and the updates.

Values are float64 throughout; the working shows each formula with its values substituted. The
activations and losses are those of `dlcalc activate` and `dlcalc loss`, so a number here is the
number there.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.rules import softmax as softmax_rule
from dlcalc.solve.activations import activation_steps
from dlcalc.solve.losses import LossResult, solve_loss
from dlcalc.solve.numbers import Fmt, factor, finite, num, plus
from dlcalc.spec.calculators import ActivationParams, LossSpec, Number
from dlcalc.spec.network import BackpropOptions, Edge, Layer, NetworkSpec, Sample
from dlcalc.steps.expr import Num
from dlcalc.steps.text import step_text

if TYPE_CHECKING:
    from dlcalc.solve.backprop_exact import ExactForms


class SaturatedError(DlcalcError):
    """A loss that is infinite in float64 because an output saturated to exactly 0 or 1."""


LOSS_REDUCTION = {
    "half_sse": "sum",
    "sse": "sum",
    "mse": "mean",
    "mae": "mean",
    "bce": "sum",
    "cce": "sum",
}
"""Each loss over the outputs of one example, as the network file defines it."""


class NeuronValue(NamedTuple):
    neuron: str
    net: float
    out: float
    net_working: str
    out_working: str


class Delta(NamedTuple):
    """δ = ∂E/∂net of one neuron, as ∂E/∂out · ∂out/∂net (or directly, for softmax)."""

    neuron: str
    d_out: float | None
    d_out_working: str
    d_act: float | None
    d_act_working: str
    delta: float
    delta_working: str


class Chain(NamedTuple):
    parameter: str
    symbolic: str
    worked: str
    value: float


class SamplePass(NamedTuple):
    forward: tuple[NeuronValue, ...]
    loss: LossResult | None
    deltas: tuple[Delta, ...]
    chains: tuple[Chain, ...]
    gradients: dict[str, float]


class Update(NamedTuple):
    parameter: str
    old: float
    gradient: float
    new: float
    frozen: bool


class Step(NamedTuple):
    epoch: int
    sample: int | None
    """The sample (1-based) of a stochastic step; None for a batch step."""
    passes: tuple[SamplePass, ...]
    loss: float | None
    gradients: dict[str, float]
    updates: tuple[Update, ...]


class WhatIf(NamedTuple):
    """The first sample again with some parameters changed (``--set``)."""

    changes: tuple[tuple[str, float, float], ...]
    """(parameter, old value, new value)."""
    outputs: tuple[tuple[str, float, float], ...]
    """(output neuron, out before, out after)."""
    loss_before: float | None
    loss_after: float | None
    predicted: float | None
    """The first-order prediction of the change in loss: Σ ∂E/∂p·Δp."""
    predicted_working: str


class BackpropResult(NamedTuple):
    spec: NetworkSpec
    steps: tuple[Step, ...]
    notes: tuple[str, ...]
    what_if: WhatIf | None = None
    exact: ExactForms | None = None
    """The first step's closed forms (``--exact``)."""


class Wiring(NamedTuple):
    """The edges and biases of each neuron, found once (not by a search per neuron)."""

    incoming: dict[str, list[Edge]]
    outgoing: dict[str, list[Edge]]
    biases: dict[str, list[str]]


def _wiring(spec: NetworkSpec) -> Wiring:
    incoming: dict[str, list[Edge]] = {}
    outgoing: dict[str, list[Edge]] = {}
    biases: dict[str, list[str]] = {}
    for edge in spec.edges:
        incoming.setdefault(edge.target, []).append(edge)
        outgoing.setdefault(edge.source, []).append(edge)
    for bias in spec.biases:
        for neuron in bias.neurons:
            biases.setdefault(neuron, []).append(bias.parameter)
    return Wiring(incoming, outgoing, biases)


def solve_backprop(spec: NetworkSpec, options: BackpropOptions | None = None) -> BackpropResult:
    options = options or BackpropOptions()
    wiring = _wiring(spec)
    values = {p.name: p.value.value for p in spec.parameters}
    frozen = {p.name for p in spec.parameters if p.frozen}
    training = spec.samples[0].targets is not None
    if training:
        _check_differentiable(spec)
    try:
        steps = _steps(spec, wiring, values, frozen, options, training)
    except SaturatedError as error:
        if not options.exact:
            raise
        note = f"{error.message}; the closed forms below are exact"
        from dlcalc.solve.backprop_exact import exact_forms

        forms = exact_forms(spec, options)
        return BackpropResult(spec, (), (*_notes(spec, options), note), None, forms)
    what_if = _what_if(spec, options, steps[0]) if options.changes else None
    exact = None
    if options.exact:
        from dlcalc.solve.backprop_exact import exact_forms

        exact = exact_forms(spec, options)
    return BackpropResult(spec, tuple(steps), _notes(spec, options), what_if, exact)


def _what_if(spec: NetworkSpec, options: BackpropOptions, first: Step) -> WhatIf:
    """The first sample with the changed parameters, beside the gradient's prediction."""
    initial = {p.name: p.value.value for p in spec.parameters}
    changed = dict(initial)
    changed.update(options.changes)
    sample = spec.samples[0]
    before, after = first.passes[0], _pass(spec, _wiring(spec), sample, changed, options)
    outputs = spec.layers[-1].neurons
    out_before = {v.neuron: v.out for v in before.forward}
    out_after = {v.neuron: v.out for v in after.forward}
    predicted, working = None, ""
    if before.loss is not None:
        predicted = sum(
            before.gradients[name] * (value - initial[name]) for name, value in options.changes
        )
        terms = " + ".join(
            f"{factor(num(before.gradients[name], options.digits))}·"
            f"{factor(num(value - initial[name], options.digits))}"
            for name, value in options.changes
        )
        working = f"Σ ∂E/∂p·Δp = {terms} = {num(predicted, options.digits)}"
    return WhatIf(
        tuple((name, initial[name], value) for name, value in options.changes),
        tuple((n, out_before[n], out_after[n]) for n in outputs),
        before.loss.value if before.loss else None,
        after.loss.value if after.loss else None,
        predicted,
        working,
    )


def _steps(
    spec: NetworkSpec,
    wiring: Wiring,
    values: dict[str, float],
    frozen: set[str],
    options: BackpropOptions,
    training: bool,
) -> list[Step]:
    steps: list[Step] = []
    epochs = spec.epochs if training else 1
    exact: dict[str, Fraction] | None = {p.name: p.value.exact for p in spec.parameters}
    for epoch in range(1, epochs + 1):
        if spec.mode == "batch" and training and len(spec.samples) > 1:
            passes = tuple(
                _pass(spec, wiring, sample, values, options, exact) for sample in spec.samples
            )
            gradients = {
                name: sum(p.gradients[name] for p in passes) / len(passes) for name in values
            }
            loss = sum(p.loss.value for p in passes if p.loss) / len(passes)
            steps.append(_step(spec, epoch, None, passes, loss, gradients, values, frozen))
            exact = None if steps[-1].updates else exact
            continue
        for index, sample in enumerate(spec.samples, start=1):
            one = _pass(spec, wiring, sample, values, options, exact)
            loss_value = one.loss.value if one.loss else None
            steps.append(
                _step(spec, epoch, index, (one,), loss_value, one.gradients, values, frozen)
            )
            exact = None if steps[-1].updates else exact
    return steps


def _step(
    spec: NetworkSpec,
    epoch: int,
    sample: int | None,
    passes: tuple[SamplePass, ...],
    loss: float | None,
    gradients: dict[str, float],
    values: dict[str, float],
    frozen: set[str],
) -> Step:
    """One update p ← p − η·∂E/∂p of every parameter that is not frozen (in place)."""
    updates = []
    if spec.rate is not None and loss is not None:
        rate = spec.rate.value
        for name, old in list(values.items()):
            gradient = gradients[name]
            new = old if name in frozen else old - rate * gradient
            finite(f"the new value of {name}", new)
            updates.append(Update(name, old, gradient, new, name in frozen))
            values[name] = new
    return Step(epoch, sample, passes, loss, gradients, tuple(updates))


def _check_differentiable(spec: NetworkSpec) -> None:
    for layer in spec.layers[1:]:
        if layer.activation == "step":
            raise DlcalcError(
                f"backpropagation cannot pass through the step function of {layer.name}: its "
                "derivative is 0 everywhere (and undefined at 0), so every gradient before it is 0",
                location=layer.location,
                expected="a differentiable activation (sigmoid, tanh, relu, ...) for training",
                suggestion="leave out the targets for a forward pass only",
            )


# --- one example ------------------------------------------------------------------------


def _pass(
    spec: NetworkSpec,
    wiring: Wiring,
    sample: Sample,
    values: dict[str, float],
    options: BackpropOptions,
    exact: dict[str, Fraction] | None = None,
) -> SamplePass:
    """One sample forward and (with targets) backward. ``exact``: the parameters as written,
    while no update has changed them, to tell a net input that is exactly 0 (a kink) from one
    that float64 rounding puts just beside it."""

    def f(value: float) -> str:
        return num(value, options.digits)

    outs = {n: v.value for n, v in zip(spec.layers[0].neurons, sample.inputs)}
    rational_outs: dict[str, Fraction] = {}
    if exact is not None:
        rational_outs = {n: v.exact for n, v in zip(spec.layers[0].neurons, sample.inputs)}
    forward: list[NeuronValue] = []
    derivatives: dict[str, tuple[float, str]] = {}
    for layer in spec.layers[1:]:
        nets = {n: _net(wiring, n, outs, values, f) for n in layer.neurons}
        for neuron, (net, _) in nets.items():
            finite(f"net_{neuron}", net, location=layer.location)
            rational = _rational_net(wiring, neuron, rational_outs, exact)
            if rational == 0 and net != 0:  # exactly 0 on paper: the kink, not beside it
                nets[neuron] = (0.0, nets[neuron][1].rsplit(" = ", 1)[0] + " = 0")
            _carry_rational(layer, neuron, rational, rational_outs)
        layer_values = _activate(layer, {n: v for n, (v, _) in nets.items()}, options, f)
        for neuron, (out, out_working, derivative) in layer_values.items():
            outs[neuron] = out
            derivatives[neuron] = derivative
            net, net_working = nets[neuron]
            forward.append(NeuronValue(neuron, net, out, net_working, out_working))
    if sample.targets is None:
        return SamplePass(tuple(forward), None, (), (), {})
    output_layer = spec.layers[-1]
    loss = _loss(spec, output_layer, outs, sample, options)
    if options.mistake == "error-sign":  # ∂E/∂out taken as t − o
        loss = _error_sign(loss)
    deltas = _deltas(
        spec, wiring, outs, derivatives, loss, sample, values, f, options.digits, options.mistake
    )
    gradients, chains = _gradients(spec, outs, deltas, options, f)
    where = Location(spec.source)
    for name, gradient in gradients.items():
        finite(f"∂E/∂{name}", gradient, location=where)
    return SamplePass(tuple(forward), loss, tuple(deltas.values()), chains, gradients)


def _rational_net(
    wiring: Wiring,
    neuron: str,
    outs: dict[str, Fraction],
    exact: dict[str, Fraction] | None,
) -> Fraction | None:
    """The net input in exact rationals, where every term is known exactly."""
    if exact is None:
        return None
    edges = wiring.incoming.get(neuron, [])
    if any(e.source not in outs for e in edges):
        return None
    net = sum((exact[e.parameter] * outs[e.source] for e in edges), Fraction(0))
    return net + sum((exact[name] for name in wiring.biases.get(neuron, [])), Fraction(0))


def _carry_rational(
    layer: Layer, neuron: str, net: Fraction | None, outs: dict[str, Fraction]
) -> None:
    """A piecewise-linear activation of an exact net input is exact too."""
    if net is None or layer.activation not in ("relu", "leaky_relu", "linear", "step"):
        return
    if layer.activation == "step":
        outs[neuron] = Fraction(int(net >= 0))
    elif layer.activation == "linear" or net > 0:
        outs[neuron] = net
    else:
        slope = 0 if layer.activation == "relu" else Fraction(str(layer.slope or 0.01))
        outs[neuron] = slope * net


def _net(
    wiring: Wiring, neuron: str, outs: dict[str, float], values: dict[str, float], f: Fmt
) -> tuple[float, str]:
    terms = [(values[e.parameter], outs[e.source]) for e in wiring.incoming.get(neuron, [])]
    biases = [values[name] for name in wiring.biases.get(neuron, [])]
    net = sum(w * o for w, o in terms) + sum(biases)
    parts = [f"{factor(f(w))}·{factor(f(o))}" for w, o in terms] + [
        f"{factor(f(b))}·1" for b in biases
    ]
    return net, f"{' + '.join(parts)} = {f(net)}"


def _activate(
    layer: Layer, nets: dict[str, float], options: BackpropOptions, f: Fmt
) -> dict[str, tuple[float, str, tuple[float, str]]]:
    """Each neuron's out, its working, and ∂out/∂net with its working."""
    if layer.activation == "softmax":  # the numbers of dlcalc softmax (one definition)
        probabilities = softmax_rule.softmax(list(nets.values())).probabilities
        denominator = " + ".join(f"e^{factor(f(v))}" for v in nets.values())
        return {
            n: (p, f"e^{factor(f(nets[n]))}/({denominator}) = {f(p)}", (math.nan, "softmax: see δ"))
            for n, p in zip(nets, probabilities)
        }
    function = "linear" if layer.activation == "input" else layer.activation
    params = ActivationParams(alpha=layer.slope, grad_at_zero=options.relu_grad_at_zero)
    result = {}
    for neuron, net in nets.items():
        value, derivative = activation_steps(function, Num(net), neuron, params)
        out = float(value.value)  # type: ignore[arg-type]
        slope = (float(derivative.value), step_text(derivative, options.digits))  # type: ignore[arg-type]
        out_working = step_text(value, options.digits)
        if layer.activation == "sigmoid" and options.mistake in SIGMOID_SLIPS:
            slope = _sigmoid_slip(options.mistake, out, f)
        result[neuron] = (out, out_working, slope)
    return result


SIGMOID_SLIPS = (
    "sigmoid-derivative-difference",
    "sigmoid-derivative-value",
    "sigmoid-derivative-left-out",
)


def _sigmoid_slip(mistake: str | None, out: float, f: Fmt) -> tuple[float, str]:
    """σ′ as students sometimes write it: out − (1 − out), σ(net) alone, or left out (1)."""
    if mistake == "sigmoid-derivative-left-out":
        return 1.0, "left out (taken as 1)"
    if mistake == "sigmoid-derivative-difference":
        value = out - (1 - out)
        return value, f"out − (1 − out) = {f(out)} − (1 − {f(out)}) = {f(value)}"
    return out, f"σ(net) = {f(out)}"


def _loss(
    spec: NetworkSpec,
    layer: Layer,
    outs: dict[str, float],
    sample: Sample,
    options: BackpropOptions,
) -> LossResult:
    assert spec.loss is not None and sample.targets is not None
    outputs = [outs[n] for n in layer.neurons]
    for neuron, out, target in zip(layer.neurons, outputs, sample.targets):
        _check_log(spec.loss, layer, neuron, out, target.value)
    loss_spec = LossSpec(
        spec.loss,
        (tuple(Number(num(o, options.digits), o, Fraction(o)) for o in outputs),),
        (sample.targets,),
        LOSS_REDUCTION[spec.loss],
        gradient=True,
        digits=options.digits,
    )
    return solve_loss(loss_spec)


def _error_sign(loss: LossResult) -> LossResult:
    """The loss with ∂E/∂out taken with the opposite sign (t − o), a student's slip."""
    flipped = tuple(
        tuple(g._replace(value=-g.value) for g in row)  # type: ignore[operator]
        for row in loss.gradients
    )
    return loss._replace(gradients=flipped)


def _check_log(loss: str, layer: Layer, neuron: str, out: float, target: float) -> None:
    """bce and cce take ln of the outputs: say which output makes it ln 0, and why."""
    if loss not in ("bce", "cce"):
        return
    if not 0 <= out <= 1:
        raise DlcalcError(
            f"{loss} needs outputs from 0 to 1, but out_{neuron} = {num(out)} "
            f"(the {layer.activation} activation of {layer.name})",
            location=layer.location,
            expected="a sigmoid output layer for bce, a softmax one for cce",
        )
    zero = (out == 0 and target > 0) or (loss == "bce" and out == 1 and target < 1)
    if zero:
        why = "saturated" if layer.activation in ("sigmoid", "softmax") else "is"
        raise SaturatedError(
            f"the {loss} loss is infinite: out_{neuron} {why} to exactly {num(out)} in float64, "
            f"so ln({'out' if out == 0 else '1 − out'}) = ln 0 with the target {num(target)}",
            location=layer.location,
            expected="outputs strictly between 0 and 1 where they are logged",
            suggestion="--exact computes the loss and its gradients exactly instead",
        )


def _deltas(
    spec: NetworkSpec,
    wiring: Wiring,
    outs: dict[str, float],
    derivatives: dict[str, tuple[float, str]],
    loss: LossResult,
    sample: Sample,
    values: dict[str, float],
    f: Fmt,
    digits: int,
    mistake: str | None = None,
) -> dict[str, Delta]:
    """δ = ∂E/∂net for every neuron, from the output layer back (``mistake``: one of
    ``mistakes``, made on purpose)."""
    deltas: dict[str, Delta] = {}
    output_layer = spec.layers[-1]
    for k, neuron in enumerate(output_layer.neurons):
        term = loss.terms[0][k]
        d_out = loss.gradient[0][k]
        scale = "" if loss.scale == 1 else f"·{loss.scale}"
        slope = step_text(term.gradient, digits).split(" = ", 1)[1]
        d_out_working = f"∂E/∂out_{neuron} = {slope}{scale} = {f(d_out)}"
        if output_layer.activation != "softmax":
            deltas[neuron] = _delta(neuron, d_out, d_out_working, derivatives[neuron], f)
    if output_layer.activation == "softmax":
        deltas.update(_softmax_deltas(output_layer, outs, loss, sample, f))
    for index in range(len(spec.layers) - 2, 0, -1):
        for neuron in spec.layers[index].neurons:
            paths = wiring.outgoing.get(neuron, [])
            if not paths:
                working = f"∂E/∂out_{neuron} = 0 (no weight leaves {neuron})"
                deltas[neuron] = _delta(neuron, 0.0, working, derivatives[neuron], f)
                continue
            weights = {e.parameter: values[e.parameter] for e in paths}
            if mistake == "new-weights-in-deltas" and spec.rate is not None:
                rate = spec.rate.value
                for e in paths:
                    weights[e.parameter] -= rate * deltas[e.target].delta * outs[neuron]
            if mistake is not None and mistake.startswith("one-path:"):
                paths = [e for e in paths if e.target == mistake[9:]] or paths
            d_out = sum(weights[e.parameter] * deltas[e.target].delta for e in paths)
            symbols = " + ".join(f"δ_{e.target}·{e.parameter}" for e in paths)
            numbers = " + ".join(
                f"{factor(f(deltas[e.target].delta))}·{factor(f(weights[e.parameter]))}"
                for e in paths
            )
            working = f"∂E/∂out_{neuron} = {symbols} = {numbers} = {f(d_out)}"
            deltas[neuron] = _delta(neuron, d_out, working, derivatives[neuron], f)
    return deltas


def _delta(
    neuron: str, d_out: float, d_out_working: str, derivative: tuple[float, str], f: Fmt
) -> Delta:
    d_act, d_act_working = derivative
    delta = d_out * d_act
    chain = f"∂E/∂out_{neuron}·∂out_{neuron}/∂net_{neuron}"
    working = f"δ_{neuron} = {chain} = {factor(f(d_out))}·{factor(f(d_act))} = {f(delta)}"
    return Delta(neuron, d_out, d_out_working, d_act, d_act_working, delta, working)


def _softmax_deltas(
    layer: Layer, outs: dict[str, float], loss: LossResult, sample: Sample, f: Fmt
) -> dict[str, Delta]:
    """δ_j = Σ_k ∂E/∂out_k·out_k·(1[k = j] − out_j); with cce and targets that sum to 1, out − t."""
    assert sample.targets is not None
    p = [outs[n] for n in layer.neurons]
    g = loss.gradient[0]
    targets = [t.value for t in sample.targets]
    simplified = loss.kind == "cce" and abs(sum(targets) - 1) < 1e-12
    deltas = {}
    for j, neuron in enumerate(layer.neurons):
        if simplified:  # o − t exactly, not a sum of products that cancel
            delta = p[j] - targets[j]
        else:
            delta = sum(g[k] * p[k] * ((1.0 if k == j else 0.0) - p[j]) for k in range(len(p)))
        if simplified:
            working = (
                f"δ_{neuron} = out_{neuron} − t_{neuron} (softmax with cross-entropy) = "
                f"{f(p[j])} {plus(f(-targets[j]))} = {f(delta)}"
            )
        else:
            working = (
                f"δ_{neuron} = Σ_k ∂E/∂out_k·out_k·(1[k = {neuron}] − out_{neuron}) = {f(delta)}"
            )
        deltas[neuron] = Delta(neuron, None, "", None, "", delta, working)
    return deltas


def _gradients(
    spec: NetworkSpec,
    outs: dict[str, float],
    deltas: dict[str, Delta],
    options: BackpropOptions,
    f: Fmt,
) -> tuple[dict[str, float], tuple[Chain, ...]]:
    gradients: dict[str, float] = {}
    chains: list[Chain] = []
    for edge in spec.edges:
        delta = deltas[edge.target]
        value = delta.delta * outs[edge.source]
        gradients[edge.parameter] = value
        chains.append(
            _weight_chain(edge.parameter, edge.source, delta, outs[edge.source], value, f)
        )
    for bias in spec.biases:
        value = sum(deltas[n].delta for n in bias.neurons)
        gradients[bias.parameter] = value
        symbolic = " + ".join(f"∂E/∂net_{n}·∂net_{n}/∂{bias.parameter}" for n in bias.neurons)
        worked = " + ".join(f"{factor(f(deltas[n].delta))}·1" for n in bias.neurons)
        chains.append(
            Chain(
                bias.parameter,
                f"∂E/∂{bias.parameter} = {symbolic}",
                f"{worked} = {f(value)}",
                value,
            )
        )
    if options.only:
        chains = [c for c in chains if c.parameter in options.only]
    return gradients, tuple(chains)


def _weight_chain(name: str, source: str, delta: Delta, out: float, value: float, f: Fmt) -> Chain:
    n = delta.neuron
    if delta.d_out is None:  # softmax: δ directly
        symbolic = f"∂E/∂{name} = ∂E/∂net_{n}·∂net_{n}/∂{name}"
        worked = f"δ_{n}·out_{source} = {factor(f(delta.delta))}·{factor(f(out))} = {f(value)}"
        return Chain(name, symbolic, worked, value)
    assert delta.d_act is not None
    symbolic = f"∂E/∂{name} = ∂E/∂out_{n}·∂out_{n}/∂net_{n}·∂net_{n}/∂{name}"
    worked = f"{factor(f(delta.d_out))}·{factor(f(delta.d_act))}·{factor(f(out))} = {f(value)}"
    return Chain(name, symbolic, worked, value)


def _notes(spec: NetworkSpec, options: BackpropOptions) -> tuple[str, ...]:
    notes = []
    if spec.samples[0].targets is not None and spec.rate is None:
        notes.append("no rate in the file (or --rate): the gradients are shown, nothing is updated")
    if spec.samples[0].targets is not None and spec.rate is not None:
        textbook = (
            "; for a sigmoid output and ½Σ(t − o)² it is o(1 − o)(t − o)"
            if spec.layers[-1].activation == "sigmoid" and spec.loss == "half_sse"
            else ""
        )
        notes.append(
            "update: p ← p − η·∂E/∂p. The textbook writes the same update Δw = η·δ·o with its "
            f"δ (Err) = −∂E/∂net, the negative of δ here{textbook}"
        )
    activations = {layer.activation for layer in spec.layers[1:]}
    if activations & {"relu", "leaky_relu"}:
        at_zero = options.relu_grad_at_zero
        notes.append(
            "ReLU′(0) = 0 and leaky ReLU′(0) = its slope, as PyTorch (--relu-grad-at-zero 1 for "
            "the z ≥ 0 rule)"
            if at_zero is None
            else f"ReLU′(0) = leaky ReLU′(0) = {num(at_zero)} (--relu-grad-at-zero)"
        )
    if len(spec.samples) > 1:
        notes.append(
            "mode batch: the loss and the gradients are averaged over the samples, one update "
            "per epoch"
            if spec.mode == "batch"
            else "mode stochastic: one update after each sample, in file order"
        )
    if any(len(b.neurons) > 1 for b in spec.biases):
        notes.append("a bias shared by several neurons is one parameter: its gradient is the sum")
    return tuple(notes)
