"""Backpropagation: every example through the network (:mod:`dlcalc.solve.backprop_pass`),
then the update p ← p − η·∂E/∂p, sample by sample or once per batch, epoch after epoch.

Values are float64 throughout; each quantity is a step named as ``dlcalc check`` names it:
``net_h1``, ``delta_o1``, ``dE/dw5``, ``E`` of the first step; ``step2.net_h1`` of the second;
``sample2.net_h1`` of a batch's second sample; ``w5``, a parameter after the last update
(``step1.w5`` after the first of several).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from dlcalc.errors import DlcalcError
from dlcalc.solve.backprop_pass import (
    CORRECT,
    SIGMOID_BCE,
    E,
    Pass,
    Rules,
    SamplePass,
    SaturatedError,
    Wiring,
    parameter,
    wiring_of,
    η,
)
from dlcalc.solve.numbers import finite, num
from dlcalc.spec.network import BackpropOptions, NetworkSpec, Sample
from dlcalc.steps.evaluate import evaluate
from dlcalc.steps.expr import Add, Diff, Div, Expr, Mul, Num, Sum, Sym, tidy
from dlcalc.steps.step import Step, step

if TYPE_CHECKING:
    from dlcalc.solve.backprop_exact import ExactForms


class Update(NamedTuple):
    parameter: str
    old: float
    gradient: float
    new: Step
    frozen: bool


class Iteration(NamedTuple):
    """One update of the parameters: after one sample, or after a batch."""

    epoch: int
    sample: int | None
    """The sample (1-based) of a stochastic step; None for a batch step."""
    passes: tuple[SamplePass, ...]
    loss: Step | None
    gradients: dict[str, float]
    averages: tuple[Step, ...]
    """A batch's ∂E/∂p, the mean over its samples."""
    updates: tuple[Update, ...]

    @property
    def steps(self) -> list[Step]:
        """Every step, in the order the report shows them."""
        found = [s for one in self.passes for s in one.steps]
        if len(self.passes) > 1 and self.loss is not None:
            found.append(self.loss)
        return [*found, *self.averages, *(u.new for u in self.updates)]


class WhatIf(NamedTuple):
    """The first sample again with some parameters changed (``--set``)."""

    changes: tuple[tuple[str, float, float], ...]
    """(parameter, old value, new value)."""
    outputs: tuple[tuple[str, float, float], ...]
    """(output neuron, out before, out after)."""
    loss_before: float | None
    loss_after: float | None
    predicted: Step | None
    """The first-order prediction of the change in loss: Σ ∂E/∂p·Δp."""


class BackpropResult(NamedTuple):
    spec: NetworkSpec
    steps: tuple[Iteration, ...]
    notes: tuple[str, ...]
    what_if: WhatIf | None = None
    exact: ExactForms | None = None
    """The first step's closed forms (``--exact``)."""

    @property
    def working(self) -> list[Step]:
        return [s for iteration in self.steps for s in iteration.steps]


def solve_backprop(
    spec: NetworkSpec, options: BackpropOptions | None = None, rules: Rules = CORRECT
) -> BackpropResult:
    """Every step of training (or the forward pass, without targets), under the ``rules``
    (a student's mistake made on purpose: :mod:`dlcalc.solve.network_mistakes`)."""
    options = options or BackpropOptions()
    wiring = wiring_of(spec)
    training = spec.samples[0].targets is not None
    if training:
        _check_differentiable(spec)
    try:
        steps = _iterations(spec, wiring, options, rules, training)
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


def one_pass(
    spec: NetworkSpec,
    values: dict[str, float],
    options: BackpropOptions,
    sample: Sample,
    exact: dict[str, Fraction] | None = None,
    wiring: Wiring | None = None,
    rules: Rules = CORRECT,
    prefix: str = "",
) -> SamplePass:
    """One sample forward and (with targets) backward, with the parameters ``values``."""
    worker = Pass(spec, wiring or wiring_of(spec), values, options, rules, prefix)
    return worker.run(sample, exact)


def _iterations(
    spec: NetworkSpec,
    wiring: Wiring,
    options: BackpropOptions,
    rules: Rules,
    training: bool,
) -> list[Iteration]:
    values = {p.name: p.value.value for p in spec.parameters}
    exact: dict[str, Fraction] | None = {p.name: p.value.exact for p in spec.parameters}
    batch = spec.mode != "stochastic" and training and len(spec.samples) > 1
    groups = spec.groups() if training else [[i] for i in range(len(spec.samples))]
    total = (spec.epochs if training else 1) * len(groups)
    found: list[Iteration] = []
    for epoch in range(1, (spec.epochs if training else 1) + 1):
        for group in groups:
            k = len(found) + 1
            lead = f"step{k}." if k > 1 else ""
            passes = tuple(
                one_pass(
                    spec,
                    values,
                    options,
                    spec.samples[i],
                    exact,
                    wiring,
                    rules,
                    lead + (f"sample{i + 1}." if batch else ""),
                )
                for i in group
            )
            last = f"step{k}." if k < total else ""
            iteration = _iteration(spec, epoch, group, batch, passes, values, rules, lead, last)
            found.append(iteration)
            exact = None if iteration.updates else exact
    return found


def _iteration(
    spec: NetworkSpec,
    epoch: int,
    group: list[int],
    batch: bool,
    passes: tuple[SamplePass, ...],
    values: dict[str, float],
    rules: Rules,
    lead: str,
    last: str,
) -> Iteration:
    """The step's loss and gradients (a batch's: the means), and its updates (in place)."""
    sample = None if batch else group[0] + 1
    averages: tuple[Step, ...] = ()
    if not batch:
        one = passes[0]
        loss = one.error
        gradients = one.gradients
    else:
        losses = [p.error.number for p in passes if p.error]  # type: ignore[arg-type]
        loss = _mean(lead + "E", E, [Sym("E", f"s{i + 1}") for i in group], losses)
        gradients = {name: sum(p.gradients[name] for p in passes) / len(passes) for name in values}
        averages = tuple(
            _mean(
                f"{lead}dE/d{name}",
                Diff(E, parameter(name)),
                [Diff(Sym("E", f"s{i + 1}"), parameter(name)) for i in group],
                [p.gradients[name] for p in passes],
            )
            for name in values
        )
    updates = []
    if spec.rate is not None and loss is not None:
        frozen = {p.name for p in spec.parameters if p.frozen}
        for name, old in list(values.items()):
            update = _update(last + name, name, old, gradients[name], spec, rules, name in frozen)
            finite(f"the new value of {name}", update.new.number)  # type: ignore[arg-type]
            updates.append(update)
            values[name] = update.new.number
    return Iteration(epoch, sample, passes, loss, gradients, averages, tuple(updates))


def _mean(name: str, symbol: Expr, parts: list[Expr], numbers: list[float]) -> Step:
    """The mean over a batch's samples, written out."""
    count = Num(len(numbers))
    formula = Div(Add(tuple(parts)), count)
    stage = Div(Add(tuple(Num(n) for n in numbers)), count)
    return step(name, symbol, formula, {}, sum(numbers) / len(numbers), stages=(stage,))


def _update(
    name: str,
    parameter_name: str,
    old: float,
    gradient: float,
    spec: NetworkSpec,
    rules: Rules,
    frozen: bool,
) -> Update:
    """p ← p − η·∂E/∂p (a frozen parameter keeps its value)."""
    p = parameter(parameter_name)
    symbol = Sym(f"{p.name}⁺", p.sub)
    if frozen:
        kept = step(name, symbol, p, {}, old, stages=(Num(old),), words="(frozen)")
        return Update(parameter_name, old, gradient, kept, True)
    assert spec.rate is not None
    formula = rules.update(p, η, Diff(E, p))
    stage = tidy(rules.update(Num(old), Num(spec.rate.value), Num(gradient)))
    new = step(name, symbol, formula, {}, evaluate(stage), stages=(stage,))
    return Update(parameter_name, old, gradient, new, False)


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


def _what_if(spec: NetworkSpec, options: BackpropOptions, first: Iteration) -> WhatIf:
    """The first sample with the changed parameters, beside the gradient's prediction."""
    initial = {p.name: p.value.value for p in spec.parameters}
    changed = dict(initial)
    changed.update(options.changes)
    before, after = (
        first.passes[0],
        one_pass(spec, changed, options, spec.samples[0], prefix="what-if."),
    )
    outputs = spec.layers[-1].neurons
    out_before = {v.neuron: v.out.number for v in before.forward}  # type: ignore[arg-type]
    out_after = {v.neuron: v.out.number for v in after.forward}  # type: ignore[arg-type]
    predicted = None
    if before.loss is not None:
        pairs = [(before.gradients[n], value - initial[n]) for n, value in options.changes]
        shown = [Mul((Num(g), Num(change))) for g, change in pairs]
        rule = Sum("p", Mul((Diff(E, Sym("p")), Sym("Δp"))))
        predicted = step(
            "predicted_change",
            Sym("ΔE"),
            rule,
            {},
            sum(g * change for g, change in pairs),
            stages=(shown[0] if len(shown) == 1 else Add(tuple(shown)),),
        )
    return WhatIf(
        tuple((name, initial[name], value) for name, value in options.changes),
        tuple((n, out_before[n], out_after[n]) for n in outputs),
        before.loss.value if before.loss else None,
        after.loss.value if after.loss else None,
        predicted,
    )


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
    if spec.loss == "bce" and spec.layers[-1].activation == "sigmoid":
        notes.append(SIGMOID_BCE)
    activations = {layer.activation for layer in spec.layers[1:]}
    if activations & {"relu", "leaky_relu"}:
        at_zero = options.relu_grad_at_zero
        notes.append(
            "ReLU′(0) = 0 and leaky ReLU′(0) = its slope, as PyTorch (--relu-grad-at-zero 1 for "
            "the z ≥ 0 rule)"
            if at_zero is None
            else f"ReLU′(0) = leaky ReLU′(0) = {num(at_zero)} (--relu-grad-at-zero)"
        )
    if len(spec.samples) > 1 and spec.samples[0].targets is None:
        notes.append("forward only: each sample through the network, no targets, no update")
    elif len(spec.samples) > 1:
        last = len(spec.samples) % spec.batch_size if spec.batch_size else 0
        notes.append(
            {
                "batch": "mode batch: the loss and the gradients are averaged over the samples, "
                "one update per epoch",
                "minibatch": f"mode minibatch {spec.batch_size}: the loss and the gradients are "
                f"averaged over each {spec.batch_size} samples in file order, one update each"
                + (f"; the last mini-batch has {last} sample(s)" if last else ""),
                "stochastic": "mode stochastic: one update after each sample, in file order",
            }[spec.mode]
        )
    if any(len(b.neurons) > 1 for b in spec.biases):
        notes.append("a bias shared by several neurons is one parameter: its gradient is the sum")
    return tuple(notes)
