"""One rule per kind of layer: its output shape and parameters, each with its working."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from dlcalc.errors import DlcalcError
from dlcalc.solve.layer_working import (
    AXIS_LABELS,
    DENSE,
    EMBEDDING,
    FOUR_C,
    NO_PARAMETERS,
    TWO_C,
    UNCHANGED,
    C,
    K,
    Working,
    arithmetic,
    flatten_rule,
    kernel_symbols,
    numbers,
    per_output,
    plus_biases_rule,
    recurrent_rule,
    rule,
    sized,
    two,
    words,
)
from dlcalc.solve.sliding import PADDED, Axis, AxisResult, transposed, window
from dlcalc.solve.working import shape_text
from dlcalc.spec.architecture import (
    ActivationOp,
    AdaptivePoolOp,
    ConvOp,
    DenseOp,
    DropoutOp,
    EmbeddingOp,
    FlattenOp,
    GlobalPoolOp,
    LayerSpec,
    MergeOp,
    NormOp,
    Padding,
    PoolOp,
    RecurrentOp,
    Size,
    ZeroPadOp,
)
from dlcalc.steps.expr import Add, Expr, Mul, Num, Sym

Fractions = tuple[Fraction, ...]


class Frame(NamedTuple):
    """What flows between layers: a shape, and the receptive field and jump of its positions."""

    shape: tuple[int, ...]
    field: Fractions | None
    jump: Fractions | None

    @property
    def spatial(self) -> tuple[int, ...]:
        return self.shape[:-1]

    @property
    def channels(self) -> int:
        return self.shape[-1]


class Computed(NamedTuple):
    shape: tuple[int, ...]
    shape_working: Working
    params_working: Working = NO_PARAMETERS
    trainable: int = 0
    non_trainable: int = 0
    macs: int = 0
    field: Fractions | None = None
    jump: Fractions | None = None
    notes: tuple[str, ...] = ()
    inexact: str | None = None


def layer_error(spec: LayerSpec, message: str, at: str | None = None, **kwargs: Any) -> DlcalcError:
    location, text = spec.mark(at)
    return DlcalcError(
        f"{spec.name}: {message}", location=location, text=text, context=spec.context, **kwargs
    )


class Rules:
    """The rules that a student's mistake can replace, each a method: the output size of a
    sliding window's axis, the channels a filter sees, whether a layer has biases, a pool's
    parameters, a flattened size. These are the correct ones; each mistake in
    :mod:`dlcalc.solve.shape_mistakes` is a variant that overrides one of them."""

    def window(self, axis: Axis, padding: Padding, index: int, ceil: bool) -> AxisResult:
        return window(axis, padding, index, ceil)

    def per_filter(self, channels: int, groups: int) -> int:
        return channels // groups

    def bias(self, given: bool) -> bool:
        return given

    def pool_parameters(self, kernel: Size, channels: int) -> tuple[Working, int] | None:
        return None

    def inputs(
        self,
        layer: LayerSpec,
        inputs: list[Frame],
        frames: dict[str, Frame],
        sources: dict[str, str],
    ) -> list[Frame]:
        """The frames a layer reads (``sources``: each layer's first input)."""
        return inputs

    def flatten(self, layer: Layer, frame: Frame) -> Computed:
        size = math.prod(frame.shape)
        axes = layer.layout(frame.shape)
        first = layer.channels_first
        formula = rule(("flatten", len(axes), first), lambda: flatten_rule(len(axes), first))
        stage = Mul(numbers(axes)) if len(axes) > 1 else Num(size)
        return Computed((size,), sized("", formula, stage, size))


CORRECT = Rules()


class Layer:
    """The layer being computed, for error messages that point at its line."""

    def __init__(
        self, spec: LayerSpec, convention: str, channels_first: bool, rules: Rules
    ) -> None:
        self.spec = spec
        self.convention = convention
        self.channels_first = channels_first
        self.rules = rules

    def layout(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """The axes in the order the user reads them (channels first with --channels-first)."""
        if self.channels_first and len(shape) > 1:
            return (shape[-1], *shape[:-1])
        return shape

    def error(self, message: str, at: str | None = None, **kwargs: Any) -> DlcalcError:
        """An error about this layer, pointing at its option or value ``at`` (or its kind)."""
        return layer_error(self.spec, message, at, **kwargs)

    def need_rank(self, frame: Frame, ranks: Sequence[int], wanted: str) -> None:
        if len(frame.shape) - 1 not in ranks:
            hint = (
                "layers that slide over space come before flatten"
                if len(frame.shape) == 1
                else "check the input shape and the layers before this one"
            )
            raise self.error(
                f"{self.spec.kind} needs {wanted}, but its input is {_describe(frame.shape)}",
                expected=wanted,
                suggestion=hint,
            )


def _describe(shape: tuple[int, ...]) -> str:
    names = {1: "a vector", 2: "a sequence", 3: "an image", 4: "a volume"}
    return f"{names.get(len(shape), 'a tensor')} {shape_text(shape)}"


def _per_axis(layer: Layer, values: Size, rank: int, what: str) -> Size:
    """One value per spatial axis (``what`` is the option's name, or a positional value's)."""
    if len(values) == 1:
        return values * rank
    if len(values) != rank:
        raise layer.error(
            f"the {what.replace('_', ' ')} has {len(values)} values but the input has {rank} "
            "spatial axes",
            at=what,
            expected=f"one number, or {rank} separated by x",
        )
    return values


def _check_padding(layer: Layer, padding: Padding, rank: int) -> None:
    """Per-axis padding (``2x1``) must give one value per spatial axis of the input."""
    if padding.amounts:
        _per_axis(layer, padding.amounts, rank, "padding")


def _axes(results: Sequence[AxisResult]) -> Working:
    """The working of a shape's spatial axes, each labelled (H, W)."""
    labels = AXIS_LABELS[len(results)]
    return Working(results[0].formula, parts=tuple(zip(labels, results)))


def _notes(results: Sequence[AxisResult]) -> tuple[str, ...]:
    seen: list[str] = []
    for result in results:
        seen += [note for note in result.notes if note not in seen]
    return tuple(seen)


def _field(
    frame: Frame, spans: Sequence[int], strides: Sequence[Fraction | int]
) -> tuple[Fractions | None, Fractions | None]:
    """The receptive field after windows of ``spans`` every ``strides`` outputs of ``frame``:
    r_out = r_in + (k − 1)·j_in and j_out = j_in·s, per axis."""
    if frame.field is None or frame.jump is None:
        return None, None
    field = tuple(r + (k - 1) * j for r, k, j in zip(frame.field, spans, frame.jump))
    jump = tuple(j * s for j, s in zip(frame.jump, strides))
    return field, jump


class Slid(NamedTuple):
    """A sliding window's output positions, with their working and receptive field."""

    kernel: Size
    """The window's size on every axis."""
    sizes: tuple[int, ...]
    working: Working
    notes: tuple[str, ...]
    inexact: str | None
    field: Fractions | None
    jump: Fractions | None

    def computed(
        self,
        channels: int,
        params_working: Working = NO_PARAMETERS,
        params: int = 0,
        macs: int = 0,
        notes: tuple[str, ...] = (),
    ) -> Computed:
        return Computed(
            shape=(*self.sizes, channels),
            shape_working=self.working,
            params_working=params_working,
            trainable=params,
            macs=macs,
            field=self.field,
            jump=self.jump,
            notes=self.notes + notes,
            inexact=self.inexact,
        )


def _slide(
    layer: Layer,
    frame: Frame,
    kernel: Size,
    stride: Size,
    dilation: Size,
    padding: Padding,
    compute: Callable[[Axis, int], AxisResult],
) -> Slid:
    rank = len(frame.spatial)
    _check_padding(layer, padding, rank)
    kernel = _per_axis(layer, kernel, rank, "kernel")
    stride = _per_axis(layer, stride, rank, "stride")
    dilation = _per_axis(layer, dilation, rank, "dilation")
    axes = [Axis(n, f, s, d) for n, f, s, d in zip(frame.spatial, kernel, stride, dilation)]
    # axes alike (a square image, kernel and stride) share one working
    found: dict[tuple[Axis, int], AxisResult] = {}
    results = []
    for index, axis in enumerate(axes):
        key = (axis, padding.on_axis(index))
        if key not in found:
            found[key] = compute(axis, index)
        results.append(found[key])
    for axis, result in zip(axes, results):
        if not result.fits:
            raise layer.error(
                f"the {shape_text(kernel)} kernel is larger than its padded input: "
                f"{axis.span} > {result.padded} (an axis of {axis.n}"
                f"{f' plus {result.padded - axis.n} padding' if result.padded > axis.n else ''})",
                at="kernel",
                expected="a kernel no larger than the padded input",
                suggestion="check the layers before this one, add padding or use a smaller kernel",
            )
        if result.size < 1:
            raise layer.error(
                f"the output size {result.written} is not positive",
                expected="hyper-parameters that give an output of at least 1",
                suggestion="reduce the padding or check the layers before this one",
            )
    inexact = "; ".join(dict.fromkeys(r.inexact for r in results if r.inexact)) or None
    field, jump = _field(frame, tuple(a.span for a in axes), stride)
    sizes = tuple(r.size for r in results)
    return Slid(kernel, sizes, _axes(results), _notes(results), inexact, field, jump)


def _transposed(layer: Layer, op: ConvOp, frame: Frame) -> Slid:
    rank = op.spatial_rank
    if op.padding.mode == "same" and any(op.output_padding):
        raise layer.error(
            "output_padding cannot be combined with padding=same (whose output is n·s)",
            at="output_padding",
            expected="padding=same alone, or an explicit padding with output_padding",
            suggestion="Keras changes its formula when output_padding is given; write the "
            "padding as a number to say which size you mean",
        )
    pads = _per_axis(layer, op.output_padding, rank, "output_padding")
    strides = _per_axis(layer, op.stride, rank, "stride")
    dilations = _per_axis(layer, op.dilation, rank, "dilation")
    for pad, stride, dilation in zip(pads, strides, dilations):
        if pad >= max(stride, dilation):
            raise layer.error(
                f"output_padding {pad} must be smaller than the stride ({stride}) "
                f"or the dilation ({dilation})",
                at="output_padding",
                expected="output_padding < max(stride, dilation), as PyTorch requires",
                suggestion="output_padding only picks one of the s sizes a strided conv "
                "maps to the same input size",
            )
    slid = _slide(
        layer,
        frame,
        op.kernel,
        op.stride,
        op.dilation,
        op.padding,
        lambda axis, i: transposed(axis, op.padding, i, pads[i]),
    )
    # outputs are s times denser than inputs: the window of k outputs spans (k − 1)/s inputs
    upsampled = Frame(frame.shape, frame.field, None)
    if frame.jump is not None:
        upsampled = upsampled._replace(jump=tuple(j / s for j, s in zip(frame.jump, strides)))
    field, _ = _field(upsampled, slid.kernel, strides)
    return slid._replace(field=field, jump=upsampled.jump if field is not None else None)


def _conv(layer: Layer, op: ConvOp, frame: Frame) -> Computed:
    wanted = {1: "a sequence T×C", 2: "an image H×W×C", 3: "a volume D×H×W×C"}[op.spatial_rank]
    layer.need_rank(frame, (op.spatial_rank,), wanted)
    if op.kind == "convtranspose":
        slid = _transposed(layer, op, frame)
    else:
        slid = _slide(
            layer,
            frame,
            op.kernel,
            op.stride,
            op.dilation,
            op.padding,
            lambda axis, i: layer.rules.window(axis, op.padding, i, False),
        )
    kernel = slid.kernel
    if op.kind in ("depthwise", "separable"):
        return _depthwise(op, frame, slid, kernel)
    assert op.filters is not None
    c_in, k = frame.channels, op.filters
    if c_in % op.groups or k % op.groups:
        raise layer.error(
            f"groups={op.groups} must divide both the input channels ({c_in}) "
            f"and the filters ({k})",
            at="groups",
            expected=f"a number of groups that divides {c_in} and {k}",
            suggestion="groups=1 is an ordinary convolution; groups=C a depthwise one",
        )
    window_size = math.prod(kernel)
    per_filter = layer.rules.per_filter(c_in, op.groups)
    bias = layer.rules.bias(op.bias)
    params = window_size * per_filter * k + (k if bias else 0)
    notes: tuple[str, ...] = ()
    if op.groups > 1:
        notes = (
            f"groups={op.groups}: each filter sees {c_in}/{op.groups} = {per_filter} channels",
        )
    if op.kind == "convtranspose":
        # every input position is spread over a kernel-sized patch of each output channel
        macs = math.prod(frame.spatial) * window_size * c_in * (k // op.groups)
    else:
        macs = math.prod(slid.sizes) * k * window_size * per_filter
    rank, grouped = len(kernel), op.groups > 1
    if op.kind == "convtranspose" and grouped:
        weights = Mul((*numbers(kernel), Num(c_in), Num(k // op.groups)))
        formula = rule(
            ("transposed", rank, bias),
            lambda: plus_biases_rule(Mul((*kernel_symbols(rank), C, K / Sym("g"))), bias),
        )
        stage = Add((weights, Num(k))) if bias else weights
        return slid.computed(k, arithmetic(formula, stage), params, macs, notes)
    weights = Mul((*numbers(kernel), Num(per_filter)))
    channels: Expr = C / Sym("g") if grouped else C
    working = per_output(
        ("conv", rank, grouped), lambda: Mul((*kernel_symbols(rank), channels)), weights, k, bias
    )
    return slid.computed(k, working, params, macs, notes)


def _depthwise(op: ConvOp, frame: Frame, slid: Slid, kernel: Size) -> Computed:
    c, m = frame.channels, op.multiplier
    depth_channels = c * m
    positions = math.prod(slid.sizes)
    macs = positions * depth_channels * math.prod(kernel)
    rank = len(kernel)
    channels: Expr = Mul((Num(c), Num(m))) if m > 1 else Num(c)
    window = Mul(numbers(kernel))

    def channel_rule() -> Expr:
        return C * Sym("m") if m > 1 else C

    if op.kind == "depthwise":
        params = math.prod(kernel) * depth_channels + (depth_channels if op.bias else 0)
        key = ("depthwise", rank, m > 1, op.bias)
        if op.bias:
            formula = rule(key, lambda: (Mul(kernel_symbols(rank)) + 1) * channel_rule())
            working = arithmetic(formula, Mul((Add((window, Num(1))), channels)))
        else:
            formula = rule(key, lambda: Mul(kernel_symbols(rank)) * channel_rule())
            working = arithmetic(formula, Mul((window, channels)))
        return slid.computed(depth_channels, working, params, macs)
    assert op.filters is not None
    k = op.filters
    params = math.prod(kernel) * depth_channels + depth_channels * k + (k if op.bias else 0)
    formula = rule(
        ("separable", rank, m > 1, op.bias),
        lambda: plus_biases_rule(
            Mul(kernel_symbols(rank)) * channel_rule() + channel_rule() * K, op.bias
        ),
    )
    terms: tuple[Expr, ...] = (Mul((window, channels)), Mul((channels, Num(k))))
    working = arithmetic(formula, Add((*terms, Num(k))) if op.bias else Add(terms))
    macs += positions * depth_channels * k
    return slid.computed(
        k, working, params, macs, ("depthwise (one filter per channel) then pointwise 1×1",)
    )


def _pool(layer: Layer, op: PoolOp, frame: Frame) -> Computed:
    layer.need_rank(frame, (1, 2, 3), "a sequence, an image or a volume")
    stride = op.stride if op.stride is not None else op.kernel
    slid = _slide(
        layer,
        frame,
        op.kernel,
        stride,
        (1,),
        op.padding,
        lambda axis, i: layer.rules.window(axis, op.padding, i, op.ceil),
    )
    for index, f in enumerate(slid.kernel):
        if op.padding.on_axis(index) * 2 > f:
            raise layer.error(
                f"padding {op.padding.on_axis(index)} is more than half the pool size {f}",
                at="padding",
                expected="padding ≤ pool size / 2 (PyTorch's rule)",
            )
    if op.stride is None:
        slid = slid._replace(notes=("stride = pool size (the default)", *slid.notes))
    c = frame.channels
    parameters = layer.rules.pool_parameters(slid.kernel, c)
    if parameters is not None:
        return slid.computed(c, *parameters)
    return slid.computed(c, notes=("pooling has no parameters",))


def _global_pool(layer: Layer, op: GlobalPoolOp, frame: Frame) -> Computed:
    layer.need_rank(frame, (1, 2, 3), "a sequence, an image or a volume")
    how = "average" if op.kind == "globalavgpool" else "maximum"
    return Computed((frame.channels,), words(f"one {how} per channel: {frame.channels}"))


def largest_adaptive_window(n: int, o: int) -> int:
    """The widest of adaptive pooling's ``o`` windows over ``n`` positions. Window i covers
    ⌊i·n/o⌋ .. ⌈(i + 1)·n/o⌉, so its width is ⌈f + n/o⌉ with f the fraction of i·n/o, a
    multiple of g/o (g = gcd(n, o)) at most 1 − g/o: the widest is ⌈(n + o − g)/o⌉, found
    without a loop over the windows (there may be 10^9)."""
    return -(-(n + o - math.gcd(n, o)) // o)


def _adaptive_pool(layer: Layer, op: AdaptivePoolOp, frame: Frame) -> Computed:
    layer.need_rank(frame, (1, 2, 3), "a sequence, an image or a volume")
    size = _per_axis(layer, op.size, len(frame.spatial), "size")
    notes: tuple[str, ...] = ()
    if any(out > n for out, n in zip(size, frame.spatial)):
        notes = ("the output is larger than the input: windows overlap and repeat values",)
    widths = [largest_adaptive_window(n, o) for n, o in zip(frame.spatial, size)]
    field, jump = _field(frame, widths, [Fraction(n, o) for n, o in zip(frame.spatial, size)])
    if field is not None:
        notes += ("receptive field of the largest window; windows are n/o apart on average",)
    return Computed(
        (*size, frame.channels),
        words(f"fixed output {shape_text(size)}, whatever the input {shape_text(frame.spatial)}"),
        field=field,
        jump=jump,
        notes=notes,
    )


def _zeropad(layer: Layer, op: ZeroPadOp, frame: Frame) -> Computed:
    layer.need_rank(frame, (1, 2, 3), "a sequence, an image or a volume")
    _check_padding(layer, op.padding, len(frame.spatial))
    results = []
    for index, n in enumerate(frame.spatial):
        p = op.padding.on_axis(index)
        stage = Add((Num(n), Mul((Num(2), Num(p)))))
        results.append(AxisResult(n + 2 * p, PADDED, (stage,)))
    return Computed(
        (*(r.size for r in results), frame.channels),
        _axes(results),
        field=frame.field,
        jump=frame.jump,
    )


def _norm(layer: Layer, op: NormOp, frame: Frame) -> Computed:
    c = frame.channels
    two = arithmetic(TWO_C, Mul((Num(2), Num(c))))
    if op.kind == "layernorm":
        return _same_shape(frame, two, trainable=2 * c, notes=("γ and β over the last axis",))
    if layer.convention == "keras":
        return _same_shape(
            frame,
            arithmetic(FOUR_C, Mul((Num(4), Num(c)))),
            trainable=2 * c,
            non_trainable=2 * c,
            notes=(
                f"Keras: γ, β trainable (2·{c}); moving mean and variance non-trainable (2·{c})",
            ),
        )
    return _same_shape(
        frame,
        two,
        trainable=2 * c,
        notes=("PyTorch: γ and β; the running mean and variance are buffers, not parameters",),
    )


def _same_shape(
    frame: Frame,
    params_working: Working = NO_PARAMETERS,
    trainable: int = 0,
    non_trainable: int = 0,
    notes: tuple[str, ...] = (),
) -> Computed:
    return Computed(
        frame.shape,
        UNCHANGED,
        params_working,
        trainable,
        non_trainable,
        field=frame.field,
        jump=frame.jump,
        notes=notes,
    )


def _dropout(layer: Layer, op: DropoutOp, frame: Frame) -> Computed:
    return _same_shape(frame, notes=(f"drops a fraction {op.rate:g} of the values in training",))


def _activation(layer: Layer, op: ActivationOp, frame: Frame) -> Computed:
    return _same_shape(frame)


def _flatten(layer: Layer, op: FlattenOp, frame: Frame) -> Computed:
    return layer.rules.flatten(layer, frame)


def _dense(layer: Layer, op: DenseOp, frame: Frame) -> Computed:
    notes: tuple[str, ...] = ()
    shape = frame.shape
    if len(shape) > 2:
        flat = math.prod(shape)
        axes = layer.layout(shape)
        factors = "·".join(str(a) for a in axes)
        notes = (f"the {shape_text(axes)} input is flattened first: {factors} = {flat:,}",)
        shape = (flat,)
    n_in, n = shape[-1], op.units
    bias = layer.rules.bias(op.bias)
    params = n_in * n + (n if bias else 0)
    weights = Mul((Num(n_in), Num(n)))
    working = (
        arithmetic(DENSE + Sym("n"), Add((weights, Num(n)))) if bias else arithmetic(DENSE, weights)
    )
    if len(shape) == 1:
        return Computed((n,), words(f"{n} units"), working, params, macs=n_in * n, notes=notes)
    steps = shape[0]
    return Computed(
        (steps, n),
        words(f"{steps} steps × {n} units"),
        working,
        params,
        macs=steps * n_in * n,
        field=frame.field,
        jump=frame.jump,
        notes=(f"applied to each of the {steps} steps (on the last axis, as Keras)",),
    )


def _embedding(layer: Layer, op: EmbeddingOp, frame: Frame) -> Computed:
    layer.need_rank(frame, (0,), "a vector of token ids (input T)")
    t = frame.shape[0]
    params = op.vocab * op.dim
    one = (Fraction(1),)
    return Computed(
        (t, op.dim),
        words(f"{t} tokens × {op.dim}"),
        arithmetic(EMBEDDING, Mul((Num(op.vocab), Num(op.dim)))),
        params,
        field=one,
        jump=one,
    )


_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def _recurrent(layer: Layer, op: RecurrentOp, frame: Frame) -> Computed:
    layer.need_rank(frame, (1,), "a sequence T×F")
    t, f = frame.shape
    u = op.units
    gates = _GATES[op.cell]
    if layer.convention == "pytorch":
        biases, bias = 2 * u, two(u)
        note = "PyTorch: two bias vectors (b_ih and b_hh)"
    elif op.cell == "gru" and op.reset_after:
        biases, bias = 2 * u, two(u)
        note = "Keras GRU with reset_after=True (the default): two bias vectors"
    else:
        biases, bias = u, Num(u)
        note = "Keras: one bias vector"
    one_direction = gates * (u * (f + u) + biases)
    stage: Expr = Add((Mul((Num(u), Add((Num(f), Num(u))))), bias))
    if gates > 1:
        stage = Mul((Num(gates), stage))
    directions = 2 if op.bidirectional else 1
    if directions == 2:
        stage = Mul((Num(2), stage))
    key = ("recurrent", gates > 1, directions, biases == 2 * u)
    formula = rule(key, lambda: recurrent_rule(gates > 1, directions == 2, biases == 2 * u))
    params = directions * one_direction
    width = directions * u
    shape = (t, width) if op.return_sequences else (width,)
    worked = f"{t} steps × {width}" if op.return_sequences else f"last step: {width}"
    if directions == 2:
        worked += f" (2 directions × {u})"
    return Computed(
        shape,
        words(worked),
        arithmetic(formula, stage),
        params,
        macs=directions * t * gates * (f * u + u * u),
        notes=(note,),
    )


def _merge(layer: Layer, op: MergeOp, frames: Sequence[Frame]) -> Computed:
    shapes = [frame.shape for frame in frames]
    names = layer.spec.inputs
    listing = ", ".join(f"{n} is {shape_text(s)}" for n, s in zip(names, shapes))
    fields = [frame.field for frame in frames]
    jumps = [frame.jump for frame in frames]
    field = None if any(f is None for f in fields) else tuple(map(max, zip(*fields)))  # type: ignore[arg-type]
    jump = None if any(j is None for j in jumps) else tuple(map(max, zip(*jumps)))  # type: ignore[arg-type]
    if op.kind == "add":
        if len(set(shapes)) != 1:
            raise layer.error(
                f"add needs inputs of one shape, but {listing}",
                expected="layers with the same output shape",
                suggestion="a 1×1 conv (with the stride of the main path) on the shortcut can "
                "match the channels and size",
            )
        return Computed(
            shapes[0], words(f"{' + '.join(names)} (element-wise)"), field=field, jump=jump
        )
    rank = len(shapes[0])
    axis = op.axis if op.axis >= 0 else rank + op.axis
    if not 0 <= axis < rank or any(len(s) != rank for s in shapes):
        raise layer.error(
            f"cannot concatenate on axis {op.axis}: {listing}",
            expected=f"inputs of the same rank and an axis from {-rank} to {rank - 1}",
        )
    others = {tuple(d for i, d in enumerate(s) if i != axis) for s in shapes}
    if len(others) != 1:
        raise layer.error(
            f"concat needs the inputs to agree on every axis but {op.axis}, but {listing}",
            expected="the same size on every other axis",
        )
    joined = sum(s[axis] for s in shapes)
    shape = tuple(joined if i == axis else d for i, d in enumerate(shapes[0]))
    sizes = Add(tuple(Num(s[axis]) for s in shapes))
    count = len(shapes)
    formula = rule(
        ("concat", count), lambda: Add(tuple(Sym("c", str(i + 1)) for i in range(count)))
    )
    working = sized("", formula, sizes, joined, f"on axis {op.axis}")
    return Computed(shape, working, field=field, jump=jump)


_RULES: dict[type, Callable[[Layer, Any, Frame], Computed]] = {
    ConvOp: _conv,
    PoolOp: _pool,
    GlobalPoolOp: _global_pool,
    AdaptivePoolOp: _adaptive_pool,
    ZeroPadOp: _zeropad,
    NormOp: _norm,
    DropoutOp: _dropout,
    ActivationOp: _activation,
    FlattenOp: _flatten,
    DenseOp: _dense,
    EmbeddingOp: _embedding,
    RecurrentOp: _recurrent,
}


def compute_layer(
    spec: LayerSpec,
    inputs: Sequence[Frame],
    convention: str,
    channels_first: bool = False,
    rules: Rules = CORRECT,
) -> Computed:
    """The output of one layer given the frames of its inputs (``channels_first`` orders the
    axes in the working text as PyTorch does; ``rules``: a variant with a student's mistake)."""
    layer = Layer(spec, convention, channels_first, rules)
    if isinstance(spec.op, MergeOp):
        return _merge(layer, spec.op, inputs)
    return _RULES[type(spec.op)](layer, spec.op, inputs[0])
