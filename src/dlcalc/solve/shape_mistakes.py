"""The shapes mistakes, each a variant of the rules (:class:`dlcalc.solve.layer_rules.Rules`)
with one rule replaced by the slip. The registry :data:`MISTAKES` is the only place a mistake's
name is written; ``check`` tries each on a wrong answer."""

from __future__ import annotations

import math
from typing import NamedTuple

from dlcalc.solve.layer_rules import Computed, Frame, Layer, Rules
from dlcalc.solve.layer_working import C, Working, kernel_symbols, numbers, per_output, sized
from dlcalc.solve.sliding import (
    Axis,
    AxisResult,
    F,
    N,
    P,
    S,
    course_same,
    explicit,
    numerator_of,
    plus,
    window,
)
from dlcalc.spec.architecture import ConvOp, LayerSpec, Padding, Size
from dlcalc.steps.expr import Div, Mul, Num, call


class Variant(NamedTuple):
    description: str
    rules: Rules


class StrideIgnored(Rules):
    def window(self, axis: Axis, padding: Padding, index: int, ceil: bool) -> AxisResult:
        return window(axis._replace(s=1), padding, index, ceil)


class PaddingLeftOut(Rules):
    def window(self, axis: Axis, padding: Padding, index: int, ceil: bool) -> AxisResult:
        return explicit(axis, 0, 0, ceil)


class PlusOneInside(Rules):
    """The pooling formula as some notes quote it: (n + 2p − f + 1)/s, floored."""

    def window(self, axis: Axis, padding: Padding, index: int, ceil: bool) -> AxisResult:
        if padding.mode == "same":
            return window(axis, padding, index, ceil)
        top, value = numerator_of(axis, padding.on_axis(index), padding.on_axis(index))
        size = (value + 1) // axis.s
        stage = call("floor", Div(plus(top, 1), Num(axis.s)))
        rule = call("floor", (N + 2 * P - F + 1) / S)
        return AxisResult(size, rule, (stage,), fits=value >= 0, padded=axis.n)


class PlusOneLeftOut(Rules):
    """The output-size formula with its + 1 forgotten: ⌊(n + 2p − f)/s⌋."""

    def window(self, axis: Axis, padding: Padding, index: int, ceil: bool) -> AxisResult:
        if padding.mode == "same":
            return window(axis, padding, index, ceil)
        top, value = numerator_of(axis, padding.on_axis(index), padding.on_axis(index))
        size = value // axis.s
        stage = call("floor", Div(top, Num(axis.s))) if axis.s > 1 else top
        rule = call("floor", (N + 2 * P - F) / S)
        return AxisResult(size, rule, (stage,), fits=value >= 0, padded=axis.n)


class Ceil(Rules):
    def window(self, axis: Axis, padding: Padding, index: int, ceil: bool) -> AxisResult:
        return window(axis, padding, index, True)


class SameCourseRule(Rules):
    """'same' as p = (f − 1)/2, floored for an even kernel."""

    def window(self, axis: Axis, padding: Padding, index: int, ceil: bool) -> AxisResult:
        if padding.mode == "same" and axis.span % 2 == 0:
            return course_same(axis)
        return window(axis, padding, index, ceil)


class BiasLeftOut(Rules):
    def bias(self, given: bool) -> bool:
        return False


class InputChannelsLeftOut(Rules):
    def per_filter(self, channels: int, groups: int) -> int:
        return 1


class PoolingGivenParameters(Rules):
    """A pool counted like a convolution with C filters."""

    def pool_parameters(self, kernel: Size, channels: int) -> tuple[Working, int] | None:
        rank = len(kernel)
        weights = Mul((*numbers(kernel), Num(channels)))
        working = per_output(
            ("conv", rank, False),
            lambda: Mul((*kernel_symbols(rank), C)),
            weights,
            channels,
            True,
        )
        return working, (math.prod(kernel) * channels + 1) * channels


class FlattenChannelsOnly(Rules):
    def flatten(self, layer: Layer, frame: Frame) -> Computed:
        c = frame.shape[-1]
        return Computed((c,), sized("", C, Num(c), c, "(the channels alone)"))


class ChannelsFromWrongLayer(Rules):
    """A convolution's input channels taken from the layer before the previous one."""

    def inputs(
        self,
        layer: LayerSpec,
        inputs: list[Frame],
        frames: dict[str, Frame],
        sources: dict[str, str],
    ) -> list[Frame]:
        before = sources.get(layer.inputs[0]) if layer.inputs else None
        if not isinstance(layer.op, ConvOp) or before is None or len(inputs[0].shape) < 2:
            return inputs
        wrong = frames[before].shape[-1]
        return [inputs[0]._replace(shape=(*inputs[0].shape[:-1], wrong))]


MISTAKES: dict[str, Variant] = {
    "padding-left-out": Variant("the padding left out", PaddingLeftOut()),
    "stride-ignored": Variant("the stride ignored (taken as 1)", StrideIgnored()),
    "pooling-formula": Variant(
        "the formula (W − F + 1)/S instead of ⌊(W − F)/S⌋ + 1", PlusOneInside()
    ),
    "plus-one-left-out": Variant(
        "the + 1 left out of the output size (⌊(W − F + 2P)/S⌋)", PlusOneLeftOut()
    ),
    "ceil": Variant("the division rounded up (ceil) instead of floored", Ceil()),
    "bias-left-out": Variant("the biases left out of the parameter count", BiasLeftOut()),
    "input-channels-left-out": Variant(
        "the input channels left out (f·f·k + k)", InputChannelsLeftOut()
    ),
    "channels-from-wrong-layer": Variant(
        "the input channels taken from the layer before the previous one",
        ChannelsFromWrongLayer(),
    ),
    "pooling-given-parameters": Variant(
        "pooling counted like a convolution with C filters", PoolingGivenParameters()
    ),
    "flatten-channels-only": Variant(
        "the flattened size taken as the channels alone (not H·W·C)", FlattenChannelsOnly()
    ),
    "same-course-rule": Variant(
        "'same' taken as p = (f − 1)/2, floored, with an even kernel", SameCourseRule()
    ),
}
