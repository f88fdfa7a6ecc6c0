"""One example through a network: the forward pass, the loss, every δ and every gradient, each
quantity a step whose formula is the rule in symbols.

    net_k = Σ_j w_jk·out_j + b_k          out_k = f(net_k)
    δ_k = ∂E/∂out_k·f′(net_k)             ∂E/∂out_j = Σ_k δ_k·w_jk (a hidden neuron)
    ∂E/∂w_jk = δ_k·out_j                  ∂E/∂b = Σ δ of the neurons it feeds

The activations and losses are those of ``dlcalc activate`` and ``dlcalc loss`` (one
definition each); a softmax layer is ``dlcalc softmax``'s. A student's mistake is a variant of
the :class:`Rules` (:mod:`dlcalc.solve.network_mistakes`); the rules here are the correct ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.rules import softmax as softmax_rule
from dlcalc.rules.activations import ACTIVATIONS, Activation
from dlcalc.rules.losses import output
from dlcalc.solve.activations import activation_steps
from dlcalc.solve.losses import LossResult, solve_loss
from dlcalc.solve.numbers import finite, num
from dlcalc.spec.calculators import ActivationParams, LossSpec, Number
from dlcalc.spec.network import BackpropOptions, Edge, Layer, NetworkSpec, Sample
from dlcalc.steps import arith
from dlcalc.steps.evaluate import evaluate, sigmoid
from dlcalc.steps.expr import Add, Call, Diff, Expr, Mul, Num, Sum, Sym, exp, tidy, transform
from dlcalc.steps.step import Step, step

E = Sym("E")
η = Sym("η")
LOSS_REDUCTION = {
    "half_sse": "sum",
    "sse": "sum",
    "mse": "mean",
    "mae": "mean",
    "bce": "sum",
    "cce": "sum",
}
"""Each loss over the outputs of one example, as the network file defines it."""


def parameter(name: str) -> Sym:
    """A weight or bias as a symbol: ``w5`` as w₅, ``b_1`` as b₁, any other name as itself."""
    found = re.fullmatch(r"([A-Za-z]+)_?(\d+)", name)
    return Sym(found[1], found[2]) if found else Sym(name)


def net(neuron: str) -> Sym:
    return Sym("net", neuron)


def out(neuron: str) -> Sym:
    return Sym("out", neuron)


def delta(neuron: str) -> Sym:
    return Sym("δ", neuron)


class Rules(NamedTuple):
    """The rules a student can get wrong, each a function."""

    activation: Callable[[str], Activation] = ACTIVATIONS.__getitem__
    """The definition of an activation (σ with a misremembered σ′, for instance)."""
    output_gradient: Callable[[Step], Step] = lambda s: s
    """∂E/∂out of an output neuron, as the loss gives it (or with its sign flipped)."""
    weight_in_delta: Callable[[Sym, Expr], Expr] = lambda w, change: w
    """The weight w_jk in a hidden δ, given its own update's change η·δ_k·out_j."""
    paths: Callable[[list[Edge]], list[Edge]] = lambda edges: edges
    """The weights leaving a hidden neuron that its ∂E/∂out sums over."""
    update: Callable[[Expr, Expr, Expr], Expr] = lambda p, rate, g: p - rate * g
    """p ← p − η·∂E/∂p."""


CORRECT = Rules()

COMPLEMENTS: dict[str, Callable[[float], float]] = {
    "sigmoid": lambda net: sigmoid(-net),  # 1 − σ(x) = σ(−x)
    "tanh": lambda net: 2 * sigmoid(-2 * net),  # 1 − tanh x = 2σ(−2x)
}
"""1 − out of the activations that saturate at 1, without subtracting from a rounded out."""

SIGMOID_BCE = (
    "a sigmoid output with binary cross-entropy: ∂E/∂out·∂out/∂net = (o − t)/(o(1 − o))·o(1 − o) "
    "= o − t, computed as σ(net) − t (and E from net: max(net, 0) − t·net + ln(1 + e^−|net|)); "
    "the product of the two rounded factors loses digits once o nears 0 or 1"
)


class NeuronValue(NamedTuple):
    neuron: str
    net: Step
    out: Step
    slope: Step | None
    """∂out/∂net (None for softmax, whose δ comes directly)."""


class Delta(NamedTuple):
    neuron: str
    d_out: Step | None
    """∂E/∂out (None for a softmax output)."""
    delta: Step


class SamplePass(NamedTuple):
    forward: tuple[NeuronValue, ...]
    loss: LossResult | None
    terms: tuple[Step, ...]
    """E_k: each output's loss term."""
    error: Step | None
    """E: the loss of the example."""
    deltas: tuple[Delta, ...]
    chains: tuple[Step, ...]
    """∂E/∂p by the chain rule, of the parameters shown (``--only``)."""
    gradients: dict[str, float]

    @property
    def steps(self) -> list[Step]:
        """Every step, in the order the report shows them."""
        found = [s for v in self.forward for s in (v.net, v.out)]
        found += [*self.terms, *([self.error] if self.error else [])]
        slopes = {v.neuron: v.slope for v in self.forward}
        for d in self.deltas:
            slope = slopes[d.neuron] if d.d_out else None
            found += [*([d.d_out] if d.d_out else []), *([slope] if slope else []), d.delta]
        return [*found, *self.chains]


class Wiring(NamedTuple):
    """The edges and biases of each neuron, found once (not by a search per neuron)."""

    incoming: dict[str, list[Edge]]
    outgoing: dict[str, list[Edge]]
    biases: dict[str, list[str]]


def wiring_of(spec: NetworkSpec) -> Wiring:
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


class Pass:
    """One example through the network with the parameters ``values``; its steps are named
    ``PREFIX`` + the answer name (``net_h1``, ``step2.delta_o1``)."""

    def __init__(
        self,
        spec: NetworkSpec,
        wiring: Wiring,
        values: dict[str, float],
        options: BackpropOptions,
        rules: Rules,
        prefix: str,
    ) -> None:
        self.spec, self.wiring, self.values = spec, wiring, values
        self.options, self.rules, self.prefix = options, rules, prefix
        self.outs: dict[str, float] = {}
        self.complements: dict[str, float] = {}
        """1 − out where the activation gives it better than subtracting (σ(−net))."""
        self.nets: dict[str, float] = {}
        self.slopes: dict[str, Step | None] = {}

    def run(self, sample: Sample, exact: dict[str, Fraction] | None) -> SamplePass:
        """Forward and (with targets) backward. ``exact``: the parameters as written, while no
        update has changed them, to tell a net input that is exactly 0 (a kink) from one that
        float64 rounding puts just beside it."""
        self.outs = {n: v.value for n, v in zip(self.spec.layers[0].neurons, sample.inputs)}
        rationals: dict[str, Fraction] | None = None
        if exact is not None:
            rationals = {n: v.exact for n, v in zip(self.spec.layers[0].neurons, sample.inputs)}
        forward: list[NeuronValue] = []
        for layer in self.spec.layers[1:]:
            nets = {n: self._net(n, layer, exact, rationals) for n in layer.neurons}
            forward += self._activate(layer, nets)
        if sample.targets is None:
            return SamplePass(tuple(forward), None, (), None, (), (), {})
        loss, terms, error = self._loss(sample)
        deltas = self._deltas(loss, sample)
        gradients, chains = self._gradients(deltas)
        where = Location(self.spec.source)
        for name, gradient in gradients.items():
            finite(f"∂E/∂{name}", gradient, location=where)
        return SamplePass(
            tuple(forward), loss, terms, error, tuple(deltas.values()), chains, gradients
        )

    def name(self, answer: str) -> str:
        return self.prefix + answer

    # --- forward --------------------------------------------------------------------------

    def _net(
        self,
        neuron: str,
        layer: Layer,
        exact: dict[str, Fraction] | None,
        rationals: dict[str, Fraction] | None,
    ) -> Step:
        """net = Σ w·out + b."""
        edges = self.wiring.incoming.get(neuron, [])
        biases = self.wiring.biases.get(neuron, [])
        terms: list[Expr] = [parameter(e.parameter) * out(e.source) for e in edges]
        terms += [parameter(b) for b in biases]
        values: dict[str, Expr] = {out(e.source).key: Num(self.outs[e.source]) for e in edges}
        values.update({parameter(p).key: Num(self.values[p]) for p in self._names(edges, biases)})
        total = arith.fsum(
            [self.values[e.parameter] * self.outs[e.source] for e in edges]
            + [self.values[b] for b in biases]
        )
        finite(f"net_{neuron}", total, location=layer.location)
        rational = _rational_net(edges, biases, rationals, exact)
        if rational == 0:  # exactly 0 on paper: the kink, not beside it
            total = 0.0
        _carry_rational(layer, neuron, rational, rationals)
        formula = _sum(terms) if terms else Num(0)
        self.nets[neuron] = total
        return step(self.name(f"net_{neuron}"), net(neuron), formula, values, total)

    @staticmethod
    def _names(edges: list[Edge], biases: list[str]) -> list[str]:
        return [e.parameter for e in edges] + biases

    def _activate(self, layer: Layer, nets: dict[str, Step]) -> list[NeuronValue]:
        """out = f(net), and ∂out/∂net = f′(net) (softmax: the whole layer at once)."""
        found = []
        if layer.activation == "softmax":  # the numbers of dlcalc softmax (one definition)
            scores = [s.number for s in nets.values()]  # type: ignore[arg-type]
            numbers = softmax_rule.softmax(scores)
            shown = [exp(Num(z)) for z in scores]
            total = shown[0] if len(shown) == 1 else Add(tuple(shown))
            every = Sum("j", exp(net("j")))
            pairs = zip(numbers.probabilities, numbers.log_probabilities)
            for (neuron, net_step), (p, log_p), e in zip(nets.items(), pairs, shown):
                self.outs[neuron] = p
                self.complements[neuron] = softmax_rule.complement(p, log_p)
                self.slopes[neuron] = None
                formula = exp(net(neuron)) / every
                out_step = step(
                    self.name(f"out_{neuron}"), out(neuron), formula, {}, p, stages=(e / total,)
                )
                found.append(NeuronValue(neuron, net_step, out_step, None))
            return found
        function = "linear" if layer.activation == "input" else layer.activation
        params = ActivationParams(alpha=layer.slope, grad_at_zero=self.options.relu_grad_at_zero)
        activation = self.rules.activation(function)
        for neuron, net_step in nets.items():
            value, slope = activation_steps(
                function, Num(net_step.number), neuron, params, activation=activation
            )
            symbol = Diff(out(neuron), net(neuron))
            out_step = value._replace(
                name=self.name(f"out_{neuron}"),
                symbol=out(neuron),
                formula=_applied(value.symbol, net(neuron)),
                substituted=(value.symbol, *value.substituted),
            )
            slope_step = slope._replace(
                name=self.name(f"dout/dnet_{neuron}"),
                symbol=symbol,
                formula=_applied(slope.symbol, net(neuron)),
                substituted=(slope.symbol, *slope.substituted),
            )
            self.outs[neuron] = value.number
            self.slopes[neuron] = slope_step
            complement = COMPLEMENTS.get(function)
            if complement is not None:
                self.complements[neuron] = complement(net_step.number)
            found.append(NeuronValue(neuron, net_step, out_step, slope_step))
        return found

    # --- the loss -------------------------------------------------------------------------

    def _loss(self, sample: Sample) -> tuple[LossResult, tuple[Step, ...], Step]:
        spec = self.spec
        assert spec.loss is not None and sample.targets is not None
        layer = spec.layers[-1]
        logits = self._logits()
        if logits is None:
            outputs = [self._output(n) for n in layer.neurons]
            for neuron, value, target in zip(layer.neurons, outputs, sample.targets):
                check_log(spec.loss, layer, neuron, value, target.value)
        else:  # E from the net inputs: ln(1 + e^30) = 30.0000000000000935, not ln(1 − 1)
            outputs = logits
        loss = solve_loss(
            LossSpec(
                spec.loss,
                (tuple(Number(num(o), o, Fraction(float(o))) for o in outputs),),
                (sample.targets,),
                LOSS_REDUCTION[spec.loss],
                gradient=True,
                digits=self.options.digits,
                from_logits=logits is not None,
            )
        )
        terms = tuple(
            _renamed(term.value, self.name(f"E_{n}"), Sym("E", n), _in_network(n, term.value))
            for n, term in zip(layer.neurons, loss.terms[0])
        )
        if len(terms) == 1:  # E is the one term: its working
            return loss, terms, _renamed(terms[0], self.name("E"), E, terms[0].formula)
        error = loss.loss
        formula = None if error.formula is None else transform(error.formula, _ell_as_e)
        return loss, terms, _renamed(error, self.name("E"), E, formula)

    # --- backward -------------------------------------------------------------------------

    def _deltas(self, loss: LossResult, sample: Sample) -> dict[str, Delta]:
        """δ = ∂E/∂net of every neuron, from the output layer back."""
        assert sample.targets is not None
        deltas: dict[str, Delta] = {}
        layer = self.spec.layers[-1]
        for k, neuron in enumerate(layer.neurons):
            if self._logits() is not None:
                deltas[neuron] = self._logit_delta(k, layer, loss, sample)
                continue
            if layer.activation == "softmax":
                deltas[neuron] = self._softmax_delta(k, layer, loss, sample)
                continue
            term = loss.gradients[0][k]
            slope = loss.terms[0][k].gradient
            stages = tuple(
                s if loss.scale == 1 else Mul((s, Num(loss.scale))) for s in slope.substituted
            )
            rule = _in_network(neuron, slope)
            formula = rule if rule is None or loss.scale == 1 else Mul((rule, Num(loss.scale)))
            d_out = step(
                self.name(f"dE/dout_{neuron}"),
                Diff(E, out(neuron)),
                formula,
                {},
                term.value,
                stages=stages,
            )
            deltas[neuron] = self._delta(neuron, self.rules.output_gradient(d_out))
        for index in range(len(self.spec.layers) - 2, 0, -1):
            for neuron in self.spec.layers[index].neurons:
                deltas[neuron] = self._delta(neuron, self._hidden_d_out(neuron, deltas))
        return deltas

    def _hidden_d_out(self, neuron: str, deltas: dict[str, Delta]) -> Step:
        """∂E/∂out_j = Σ_k δ_k·w_jk over the weights leaving j."""
        paths = self.rules.paths(self.wiring.outgoing.get(neuron, []))
        symbol = Diff(E, out(neuron))
        if not paths:
            return step(
                self.name(f"dE/dout_{neuron}"),
                symbol,
                None,
                {},
                0.0,
                stages=(Num(0),),
                words=f"(no weight leaves {neuron})",
            )
        values: dict[str, Expr] = {"η": Num(self.spec.rate.value if self.spec.rate else 0.0)}
        values[out(neuron).key] = Num(self.outs[neuron])
        terms: list[Expr] = []
        for e in paths:
            w = parameter(e.parameter)
            change = η * delta(e.target) * out(neuron)
            terms.append(delta(e.target) * self.rules.weight_in_delta(w, change))
            values[w.key] = Num(self.values[e.parameter])
            values[delta(e.target).key] = Num(deltas[e.target].delta.number)
        formula = _sum(terms)
        value = evaluate(tidy(formula.subs(values)))
        return step(self.name(f"dE/dout_{neuron}"), symbol, formula, values, value)

    def _delta(self, neuron: str, d_out: Step) -> Delta:
        """δ = ∂E/∂out·∂out/∂net."""
        slope = self.slopes[neuron]
        assert slope is not None
        value = d_out.number * slope.number
        formula = Mul((d_out.symbol, slope.symbol))
        stages = (Mul((Num(d_out.number), Num(slope.number))),)
        delta_step = step(
            self.name(f"delta_{neuron}"), delta(neuron), formula, {}, value, stages=stages
        )
        return Delta(neuron, d_out, delta_step)

    def _output(self, neuron: str) -> float:
        """out, with 1 − out beside it where the activation gives it (for the loss)."""
        complement = self.complements.get(neuron)
        value = self.outs[neuron]
        return value if complement is None else output(value, complement)

    def _logits(self) -> list[float] | None:
        """The output layer's net inputs where the loss is taken from them: a sigmoid with
        binary cross-entropy, a softmax with cross-entropy (the stable forms, as PyTorch's
        BCEWithLogitsLoss and CrossEntropyLoss)."""
        layer = self.spec.layers[-1]
        pair = (layer.activation, self.spec.loss)
        if pair not in (("sigmoid", "bce"), ("softmax", "cce")):
            return None
        return [self.nets[n] for n in layer.neurons]

    def _logit_delta(self, k: int, layer: Layer, loss: LossResult, sample: Sample) -> Delta:
        """δ = out − t (out·Σt − t for a softmax whose targets do not sum to 1): the chain
        ∂E/∂out·∂out/∂net with its factors cancelled on paper, from the net inputs."""
        assert sample.targets is not None
        neuron, target = layer.neurons[k], sample.targets[k].value
        values: dict[str, Expr] = {out(neuron).key: Num(self.outs[neuron])}
        values[f"t_{neuron}"] = Num(target)
        formula: Expr = out(neuron) - Sym("t", neuron)
        total = sum(t.value for t in sample.targets)
        sigmoid = layer.activation == "sigmoid"
        if not sigmoid and abs(total - 1) >= 1e-12:
            formula = out(neuron) * Sym("Σt") - Sym("t", neuron)
            values["Σt"] = Num(total)
        found = step(
            self.name(f"delta_{neuron}"),
            delta(neuron),
            formula,
            values,
            loss.gradients[0][k].number,  # σ(net) − t without subtracting a rounded 1 − out
            words=f"({'sigmoid with binary' if sigmoid else 'softmax with'} cross-entropy)",
            notes=(SIGMOID_BCE,) if sigmoid else (),
        )
        return Delta(neuron, None, found)

    def _softmax_delta(self, k: int, layer: Layer, loss: LossResult, sample: Sample) -> Delta:
        """δ_j = Σ_k ∂E/∂out_k·out_k·(1[k = j] − out_j) (a loss other than cross-entropy)."""
        neuron = layer.neurons[k]
        p = [self.outs[n] for n in layer.neurons]
        name, symbol = self.name(f"delta_{neuron}"), delta(neuron)
        g = loss.gradient[0]
        # the same sum as out_k·Σ_{j≠k} out_j·(g_k − g_j) (Σ out = 1): no 1 − out_k to cancel
        value = p[k] * arith.fsum(p[j] * (g[k] - g[j]) for j in range(len(p)) if j != k)
        pieces = [Mul((Num(g[j]), Num(p[j]), Num(int(j == k)) - Num(p[k]))) for j in range(len(p))]
        indicator = Sym(f"1[k = {neuron}]")
        each = Mul((Diff(E, out("k")), out("k"), indicator - out(neuron)))
        found = step(name, symbol, Sum("k", each), {}, value, stages=(_sum(pieces),))
        return Delta(neuron, None, found)

    def _gradients(self, deltas: dict[str, Delta]) -> tuple[dict[str, float], tuple[Step, ...]]:
        """∂E/∂w = δ·out of the neuron it leaves; ∂E/∂b = Σ δ of the neurons it feeds."""
        gradients: dict[str, float] = {}
        chains: list[Step] = []
        for edge in self.spec.edges:
            d = deltas[edge.target]
            source = self.outs[edge.source]
            value = d.delta.number * source  # type: ignore[arg-type]
            gradients[edge.parameter] = value
            chains.append(self._weight_chain(edge, d, source, value))
        for bias in self.spec.biases:
            value = sum(deltas[n].delta.number for n in bias.neurons)  # type: ignore[arg-type]
            gradients[bias.parameter] = value
            b = parameter(bias.parameter)
            formula = _sum([Mul((Diff(E, net(n)), Diff(net(n), b))) for n in bias.neurons])
            stages = _sum([Mul((Num(deltas[n].delta.number), Num(1))) for n in bias.neurons])
            chains.append(
                step(
                    self.name(f"dE/d{bias.parameter}"),
                    Diff(E, b),
                    formula,
                    {},
                    value,
                    stages=(stages,),
                )
            )
        if self.options.only:
            only = {self.name(f"dE/d{p}") for p in self.options.only}
            chains = [c for c in chains if c.name in only]
        return gradients, tuple(chains)

    def _weight_chain(self, edge: Edge, d: Delta, source: float, value: float) -> Step:
        w, k = parameter(edge.parameter), edge.target
        if d.d_out is None:  # softmax: δ directly
            formula: Expr = Mul((Diff(E, net(k)), Diff(net(k), w)))
            stage: Expr = Mul((Num(d.delta.number), Num(source)))
        else:
            slope = self.slopes[k]
            assert slope is not None
            formula = Mul((Diff(E, out(k)), Diff(out(k), net(k)), Diff(net(k), w)))
            stage = Mul((Num(d.d_out.number), Num(slope.number), Num(source)))
        name = self.name(f"dE/d{edge.parameter}")
        return step(name, Diff(E, w), formula, {}, value, stages=(stage,))


def _applied(function: Expr, argument: Expr) -> Expr:
    """f(net) from f(0.3775): the activation's symbol applied to the net input's."""
    assert isinstance(function, Call)
    return Call(function.name, (argument,), function.primes)


def _sum(parts: Sequence[Expr]) -> Expr:
    return parts[0] if len(parts) == 1 else Add(tuple(parts))


def _renamed(found: Step, name: str, symbol: Expr, formula: Expr | None) -> Step:
    return found._replace(name=name, symbol=symbol, formula=formula)


def _in_network(neuron: str, term: Step) -> Expr | None:
    """A loss formula in p and y written for an output neuron: out_k and t_k."""
    if term.formula is None:
        return None
    return term.formula.subs({"p": out(neuron), "z": net(neuron), "y": Sym("t", neuron)})


def _ell_as_e(node: Expr) -> Expr:
    """The loss's Σ ℓ_j written as Σ E_j."""
    if isinstance(node, Sym) and node.name == "ℓ":
        return Sym("E", node.sub)
    return node


def _rational_net(
    edges: list[Edge],
    biases: list[str],
    outs: dict[str, Fraction] | None,
    exact: dict[str, Fraction] | None,
) -> Fraction | None:
    """The net input in exact rationals, where every term is known exactly."""
    if exact is None or outs is None or any(e.source not in outs for e in edges):
        return None
    total = sum((exact[e.parameter] * outs[e.source] for e in edges), Fraction(0))
    return total + sum((exact[name] for name in biases), Fraction(0))


def _carry_rational(
    layer: Layer, neuron: str, value: Fraction | None, outs: dict[str, Fraction] | None
) -> None:
    """A piecewise-linear activation of an exact net input is exact too."""
    if outs is None or value is None:
        return
    if layer.activation not in ("relu", "leaky_relu", "linear", "step"):
        return
    if layer.activation == "step":
        outs[neuron] = Fraction(int(value >= 0))
    elif layer.activation == "linear" or value > 0:
        outs[neuron] = value
    else:
        slope = 0 if layer.activation == "relu" else Fraction(str(layer.slope or 0.01))
        outs[neuron] = slope * value


class SaturatedError(DlcalcError):
    """A loss that is infinite in float64 because an output saturated to exactly 0 or 1."""


def check_log(loss: str, layer: Layer, neuron: str, value: float, target: float) -> None:
    """bce and cce take ln of the outputs: say which output makes it ln 0, and why."""
    if loss not in ("bce", "cce"):
        return
    if not 0 <= value <= 1:
        raise DlcalcError(
            f"{loss} needs outputs from 0 to 1, but out_{neuron} = {num(value)} "
            f"(the {layer.activation} activation of {layer.name})",
            location=layer.location,
            expected="a sigmoid output layer for bce, a softmax one for cce",
        )
    zero = (value == 0 and target > 0) or (loss == "bce" and value == 1 and target < 1)
    if zero:
        why = "saturated" if layer.activation in ("sigmoid", "softmax") else "is"
        raise SaturatedError(
            f"the {loss} loss is infinite: out_{neuron} {why} to exactly {num(value)} in "
            f"float64, so ln({'out' if value == 0 else '1 − out'}) = ln 0 with the target "
            f"{num(target)}",
            location=layer.location,
            expected="outputs strictly between 0 and 1 where they are logged",
            suggestion="--exact computes the loss and its gradients exactly instead",
        )
