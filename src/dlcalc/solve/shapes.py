"""Output shapes, parameter counts, cost and receptive fields of every layer of an architecture."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from dlcalc.errors import DlcalcError
from dlcalc.solve.layer_rules import (
    CORRECT,
    Computed,
    Frame,
    Rules,
    compute_layer,
    layer_error,
)
from dlcalc.solve.layer_working import Working
from dlcalc.solve.marking import Worked
from dlcalc.solve.weights import Weight, layer_weights
from dlcalc.spec.architecture import ArchitectureSpec, Convention, LayerSpec
from dlcalc.steps.expr import Add, Call, Expr, Mul, Num, Sum, Sym, count
from dlcalc.steps.step import Step, StepValue, shown_parts, step
from dlcalc.steps.text import text

FLOAT32_BYTES = 4


class ShapesOptions(NamedTuple):
    convention: Convention = "keras"
    strict: bool = False
    channels_first: bool = False
    """Write the axes in the working text channels first (C·H·W), as PyTorch does."""
    read_channels_first: bool = False
    """Read the ``input`` line as C×H×W too (``dlcalc shapes --channels-first``; a problem
    that ``check`` marks keeps its own layout)."""
    mistake: str | None = None
    """A mistake of :data:`dlcalc.solve.shape_mistakes.MISTAKES`, made on purpose: what a
    student's wrong answer is checked against."""


class LayerResult(NamedTuple):
    """One layer's answer: shape and parameters with their working, cost, receptive field."""

    name: str
    kind: str
    inputs: tuple[str, ...]
    output_shape: tuple[int, ...]
    output: Step
    """The output shape with its working (each axis a part of it)."""
    parameters: Step
    """The parameter count with its working."""
    trainable_params: int
    non_trainable_params: int
    macs: int
    receptive_field: tuple[Fraction, ...] | None
    """Per spatial axis, in input pixels; None once every output sees the whole input."""
    jump: tuple[Fraction, ...] | None
    """The distance in input pixels between neighbouring outputs (the effective stride)."""
    notes: tuple[str, ...] = ()
    line: int | None = None
    weights: tuple[Weight, ...] = ()
    """The weight tensors, as the convention's framework names and shapes them."""

    @property
    def params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    @property
    def macs_step(self) -> Step:
        return Step(f"{self.name}.macs", Call("MACs", (Sym(self.name),)), None, (), self.macs)

    @property
    def counts(self) -> list[Step]:
        """The trainable and non-trainable parameters and the activations (the values the layer
        outputs), answerable but not in the working."""
        return [
            Step(f"{self.name}.{part}", Call(part, (Sym(self.name),)), None, (), value)
            for part, value in (
                ("trainable_params", self.trainable_params),
                ("non_trainable_params", self.non_trainable_params),
                ("activations", self.activations),
            )
        ]

    @property
    def flops(self) -> int:
        return 2 * self.macs

    @property
    def activations(self) -> int:
        return math.prod(self.output_shape)

    @property
    def activation_bytes(self) -> int:
        return FLOAT32_BYTES * self.activations


def added(layers: tuple[LayerResult, ...], part: str) -> int:
    """The layers' ``part`` (``macs``, ``trainable_params``) added up."""
    return sum(getattr(layer, part) for layer in layers)


class ShapesResult(NamedTuple):
    source: str
    convention: Convention
    input_shape: tuple[int, ...]
    layers: tuple[LayerResult, ...]
    notes: tuple[str, ...] = ()

    @property
    def steps(self) -> list[Step]:
        """Every step the report shows, in its order: each layer's axes, shape, parameters and
        MACs, then the totals."""
        found: list[Step] = []
        for layer in self.layers:
            found += shown_parts(layer.output)
            found += [layer.output, layer.parameters, layer.macs_step]
        return [*found, *self.totals]

    @property
    def totals(self) -> list[Step]:
        """total_params, trainable_params, non_trainable_params, total_macs and total_flops."""
        sums = [
            ("total_params", "params", self.total_params),
            ("trainable_params", "trainable_params", self.trainable_params),
            ("non_trainable_params", "non_trainable_params", self.non_trainable_params),
            ("total_macs", "macs", self.total_macs),
        ]
        steps = [_total(name, part, value, self.layers) for name, part, value in sums]
        macs = Sym("MACs")
        flops = step(
            "total_flops",
            Sym("FLOPs"),
            2 * macs,
            {},
            self.total_flops,
            stages=[Mul((Num(2), count(self.total_macs)))],
        )
        return [*steps, flops]

    @property
    def trainable_params(self) -> int:
        return added(self.layers, "trainable_params")

    @property
    def non_trainable_params(self) -> int:
        return added(self.layers, "non_trainable_params")

    @property
    def total_params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    @property
    def total_macs(self) -> int:
        return added(self.layers, "macs")

    @property
    def total_flops(self) -> int:
        return 2 * self.total_macs

    @property
    def total_activations(self) -> int:
        """Values produced in one forward pass: the input and every layer's output."""
        return math.prod(self.input_shape) + added(self.layers, "activations")

    @property
    def total_activation_bytes(self) -> int:
        return FLOAT32_BYTES * self.total_activations


class Block(NamedTuple):
    """Consecutive layers whose names share their first ``depth`` parts (``conv2_1.conv1`` …
    ``conv2_1.relu3`` at depth 1), as one row with their totals (torchinfo's ``depth``)."""

    name: str
    layers: tuple[LayerResult, ...]

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.layers[-1].output_shape

    @property
    def kind(self) -> str:
        return self.layers[0].kind if len(self.layers) == 1 else f"{len(self.layers)} layers"

    @property
    def trainable_params(self) -> int:
        return added(self.layers, "trainable_params")

    @property
    def non_trainable_params(self) -> int:
        return added(self.layers, "non_trainable_params")

    @property
    def params(self) -> int:
        return self.trainable_params + self.non_trainable_params

    @property
    def macs(self) -> int:
        return added(self.layers, "macs")

    @property
    def activations(self) -> int:
        return added(self.layers, "activations")


def blocks(result: ShapesResult, depth: int) -> list[Block]:
    """The layers grouped by the first ``depth`` parts of their names (split at dots), each
    group the consecutive layers that share them."""
    found: list[Block] = []
    for layer in result.layers:
        name = ".".join(layer.name.split(".")[:depth])
        if found and found[-1].name == name:
            found[-1] = Block(name, (*found[-1].layers, layer))
        else:
            found.append(Block(name, (layer,)))
    return found


def solve_shapes(spec: ArchitectureSpec, options: ShapesOptions | None = None) -> ShapesResult:
    """Every layer's output shape, parameters (with working), MACs and receptive field."""
    options = options or ShapesOptions()
    written = spec.input.op.shape  # type: ignore[union-attr]
    input_shape, notes = _input_layout(written, options.read_channels_first)
    rank = len(input_shape) - 1
    ones = (Fraction(1),) * rank if rank else None
    frames: dict[str, Frame] = {"input": Frame(input_shape, ones, ones)}
    results: dict[str, LayerResult] = {}
    weights: dict[str, tuple[str, Working]] = {}
    """Each layer's kind and parameter working before sharing: its weight shape."""
    owners: dict[str, str] = {}
    """Who really holds the weights of a layer that shares them."""
    sources: dict[str, str] = {}
    """Each layer's (first) input."""
    rules = _rules(options.mistake)
    for layer in spec.layers:
        inputs = rules.inputs(layer, [frames[name] for name in layer.inputs], frames, sources)
        sources[layer.name] = layer.inputs[0] if layer.inputs else "input"
        try:
            computed = compute_layer(
                layer, inputs, options.convention, options.channels_first, rules
            )
        except DlcalcError:
            if options.mistake is None:
                raise
            break  # the mistake makes the rest impossible: the layers so far are its answers
        if options.strict and computed.inexact:
            raise _strict_error(layer, computed.inexact)
        weights[layer.name] = (layer.kind, computed.params_working)
        if layer.share is not None:
            owner = owners.get(layer.share, layer.share)
            owners[layer.name] = owner
            computed = _shared(layer, computed, owner, weights[owner])
        frames[layer.name] = Frame(computed.shape, computed.field, computed.jump)
        results[layer.name] = LayerResult(
            name=layer.name,
            kind=layer.kind,
            inputs=layer.inputs,
            output_shape=computed.shape,
            output=_output_step(layer.name, computed),
            parameters=_working_step(
                f"{layer.name}.params",
                Call("params", (Sym(layer.name),)),
                computed.params_working,
                computed.trainable + computed.non_trainable,
            ),
            trainable_params=computed.trainable,
            non_trainable_params=computed.non_trainable,
            macs=computed.macs,
            receptive_field=computed.field,
            jump=computed.jump,
            notes=computed.notes,
            line=layer.location.line,
            weights=()
            if layer.share is not None or options.mistake is not None
            else layer_weights(layer, tuple(f.shape for f in inputs), options.convention),
        )
    layers = tuple(results.values())
    return ShapesResult(spec.source, options.convention, input_shape, layers, notes)


def _input_layout(
    shape: tuple[int, ...], channels_first: bool
) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The input as the solver holds it (channels last): ``input 3x32x32`` with
    --channels-first is 3 channels of 32×32. Without it, an input that looks channels-first
    (1 or 3 first, a larger last axis) is said to be read channels-last."""
    if len(shape) < 2:
        return shape, ()
    if channels_first:
        return (*shape[1:], shape[0]), ()
    if shape[0] in (1, 3) and shape[-1] > shape[0]:
        looks = "×".join(map(str, shape))
        read = "×".join(map(str, shape[:-1]))
        return shape, (
            f"the input {looks} is read channels last ({read} with {shape[-1]} channels); "
            f"--channels-first reads it as {shape[0]} channel{'s' if shape[0] > 1 else ''} of "
            f"{'×'.join(map(str, shape[1:]))}",
        )
    return shape, ()


def _working_step(name: str, symbol: Expr, working: Working, value: StepValue) -> Step:
    """The step of a working; a shape's axes (``conv1.H``) are steps of their own, its parts."""
    layer = name.rsplit(".", 1)[0]
    parts = tuple(
        (
            label,
            _working_step(
                f"{layer}.{label or 'size'}",
                Call(label or "size", (Sym(layer),)),
                Working(axis.formula, axis.stages),
                axis.size,
            ),
        )
        for label, axis in working.parts
    )
    return Step(
        name, symbol, working.formula, working.stages, value, words=working.words, parts=parts
    )


def _output_step(name: str, computed: Computed) -> Step:
    symbol = Call("shape", (Sym(name),))
    return _working_step(f"{name}.output", symbol, computed.shape_working, computed.shape)


def _rules(mistake: str | None) -> Rules:
    """The correct rules, or the variant with ``mistake`` made."""
    if mistake is None:
        return CORRECT
    from dlcalc.solve.shape_mistakes import MISTAKES

    return MISTAKES[mistake].rules


def _strict_error(layer: LayerSpec, division: str) -> DlcalcError:
    return layer_error(
        layer,
        f"{division} is not whole, so these hyper-parameters do not fit the input",
        expected="a kernel, stride and padding for which (n + 2p − f)/s is whole",
        suggestion="change the padding or the stride, or drop --strict to floor the division",
    )


def _shared(
    layer: LayerSpec, computed: Computed, owner: str, weights: tuple[str, Working]
) -> Computed:
    """A layer that uses another's weights: the same kind and weight shape (the same working of
    its parameter count), counted once, there."""
    kind, working = weights
    if kind != layer.kind or working != computed.params_working:

        def written(w: Working) -> str:
            return " = ".join(text(stage) for stage in w.stages) or "no weights"

        raise layer_error(
            layer,
            f"cannot share the weights of {owner}: its weights are {kind} {written(working)}, "
            f"this layer's would be {layer.kind} {written(computed.params_working)}",
            at="share",
            expected="share=NAME naming an earlier layer of the same kind and weight shape",
        )
    return computed._replace(
        params_working=Working(words=f"(shares the weights of {owner}, counted there)"),
        trainable=0,
        non_trainable=0,
    )


def _total(name: str, part: str, value: int, layers: tuple[LayerResult, ...]) -> Step:
    """A total as the sum of the layers' counts that are not 0."""
    terms = [count(getattr(layer, part)) for layer in layers if getattr(layer, part)]
    stages = [Add(tuple(terms))] if len(terms) > 1 else []
    return step(name, Sym(name), Sum("l", Call(part, (Sym("l"),))), {}, value, stages=stages)


def answer_values(result: ShapesResult) -> dict[str, Worked]:
    """Every answerable name of a shapes problem, with its step: ``input.output``; per layer
    ``NAME.output`` and each of its axes (``NAME.H``, ``NAME.W``, whether or not the working
    shows them apart), ``NAME.params``, ``NAME.macs``, ``NAME.trainable_params``,
    ``NAME.non_trainable_params``, ``NAME.activations``; ``total_params``,
    ``trainable_params``, ``non_trainable_params``, ``total_macs``, ``total_flops``,
    ``total_activations`` (the input's values included)."""
    given = Step("input.output", Call("shape", (Sym("input"),)), None, (), result.input_shape)
    steps = [given]
    for layer in result.layers:
        steps += [part for _, part in layer.output.parts]  # alike or not, each axis answers
        steps += [layer.output, layer.parameters, layer.macs_step, *layer.counts]
    steps += result.totals
    activations = Call("activations", (Sym("all"),))
    steps.append(Step("total_activations", activations, None, (), result.total_activations))
    return {s.name: Worked(s.value, s) for s in steps}  # type: ignore[arg-type]
