"""The layer kinds of an architecture file: their arguments, options and validation.

Each kind has a builder that turns one tokenized line into a validated operation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from dlcalc.parse.lines import Line, Token, did_you_mean
from dlcalc.parse.values import (
    parse_bool,
    parse_float,
    parse_int,
    parse_padding,
    parse_size,
)
from dlcalc.spec.architecture import (
    VALID,
    ActivationOp,
    AdaptivePoolOp,
    ConvOp,
    DenseOp,
    DropoutOp,
    EmbeddingOp,
    FlattenOp,
    GlobalPoolOp,
    MergeOp,
    NormOp,
    Op,
    PoolOp,
    RecurrentOp,
    Size,
    ZeroPadOp,
)

ACTIVATIONS = (
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "sigmoid",
    "hard_sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "swish",
    "silu",
    "hard_swish",
    "mish",
    "softplus",
    "softsign",
    "linear",
)
GRAPH_OPTIONS = frozenset({"name", "from", "share"})
ALIASES = {
    "conv2d": "conv",
    "fc": "dense",
    "bn": "batchnorm",
    "ln": "layernorm",
    "gap": "globalavgpool",
    "gmp": "globalmaxpool",
    "deconv": "convtranspose",
    "maxpool2d": "maxpool",
    "avgpool2d": "avgpool",
    "separableconv": "separable",
    "depthwiseconv": "depthwise",
}


class LayerKind(NamedTuple):
    """How one layer kind is written (``usage``) and turned into an operation (``build``)."""

    usage: str
    options: frozenset[str]
    build: Callable[[str, Line], Op]


def _options(line: Line) -> dict[str, Token]:
    return {key.text: value for key, value in line.options}


def _args(line: Line, kind: str, count: int) -> tuple[Token, ...]:
    """The ``count`` positional values of a line of ``kind`` (an error names its usage)."""
    usage = LAYER_KINDS[kind].usage
    if len(line.args) != count:
        where = line.args[count] if len(line.args) > count else line.head
        got = "nothing" if not line.args else " ".join(a.text for a in line.args)
        raise where.error(
            f"{kind} takes {count} value{'s' if count != 1 else ''} before its options, got {got}",
            expected=usage,
        )
    return line.args


def _axes(token: Token, what: str, rank: int, minimum: int = 1) -> Size:
    values = parse_size(token, what, minimum)
    if len(values) not in (1, rank):
        raise token.error(
            f"{what} {token.text} has {len(values)} values; a {rank}-D layer takes 1 or {rank}",
            expected=f"one number, or {rank} separated by x",
        )
    return values


def _activation(options: dict[str, Token]) -> str | None:
    token = options.get("activation")
    if token is None:
        return None
    if token.text.lower() not in ACTIVATIONS:
        raise token.error(
            f"unknown activation '{token.text}'",
            expected="one of " + ", ".join(ACTIVATIONS),
            suggestion=did_you_mean(token.text, ACTIVATIONS),
        )
    return token.text.lower()


_RANK = {"conv": 2, "conv1d": 1, "conv3d": 3, "depthwise": 2, "separable": 2, "convtranspose": 2}
_CONV_OPTIONS = frozenset({"stride", "padding", "dilation", "bias", "activation"})
_CONV_USAGE = {
    "conv": "conv FILTERS KERNEL [stride=] [padding=valid|same|P|PHxPW] [dilation=] [groups=] "
    "[bias=false] [activation=]",
    "depthwise": "depthwise KERNEL [multiplier=] [stride=] [padding=] [dilation=] [bias=false]",
    "separable": "separable FILTERS KERNEL [multiplier=] [stride=] [padding=] [dilation=] "
    "[bias=false]",
    "convtranspose": "convtranspose FILTERS KERNEL [stride=] [padding=] [output_padding=] "
    "[dilation=] [groups=] [bias=false]",
}
_CONV_USAGE["conv1d"] = _CONV_USAGE["conv"].replace("conv ", "conv1d ", 1)
_CONV_USAGE["conv3d"] = _CONV_USAGE["conv"].replace("conv ", "conv3d ", 1)


def _build_conv(kind: str, line: Line) -> Op:
    rank = _RANK[kind]
    opts = _options(line)
    if kind == "depthwise":
        (kernel_token,) = _args(line, kind, 1)
        filters = None
    else:
        filters_token, kernel_token = _args(line, kind, 2)
        filters = parse_int(filters_token, "the number of filters")
    defaults = {"stride": (1,), "dilation": (1,), "output_padding": (0,)}
    sized = {
        key: _axes(opts[key], key, rank, minimum=0 if key == "output_padding" else 1)
        if key in opts
        else default
        for key, default in defaults.items()
    }
    padding = parse_padding(opts["padding"]) if "padding" in opts else VALID
    return ConvOp(
        kind=kind,  # type: ignore[arg-type]
        spatial_rank=rank,
        filters=filters,
        kernel=_axes(kernel_token, "kernel", rank),
        stride=sized["stride"],
        padding=padding,
        dilation=sized["dilation"],
        groups=parse_int(opts["groups"], "groups") if "groups" in opts else 1,
        multiplier=parse_int(opts["multiplier"], "multiplier") if "multiplier" in opts else 1,
        output_padding=sized["output_padding"],
        bias=parse_bool(opts["bias"], "bias") if "bias" in opts else True,
        activation=_activation(opts),
    )


def _build_pool(kind: str, line: Line) -> Op:
    (kernel_token,) = _args(line, kind, 1)
    opts = _options(line)
    return PoolOp(
        kind=kind,  # type: ignore[arg-type]
        kernel=parse_size(kernel_token, "pool size"),
        stride=parse_size(opts["stride"], "stride") if "stride" in opts else None,
        padding=parse_padding(opts["padding"]) if "padding" in opts else VALID,
        ceil=parse_bool(opts["ceil"], "ceil") if "ceil" in opts else False,
    )


def _build_global_pool(kind: str, line: Line) -> Op:
    _args(line, kind, 0)
    return GlobalPoolOp(kind)  # type: ignore[arg-type]


def _build_adaptive_pool(kind: str, line: Line) -> Op:
    (size_token,) = _args(line, kind, 1)
    return AdaptivePoolOp(kind, parse_size(size_token, "output size"))  # type: ignore[arg-type]


def _build_zeropad(kind: str, line: Line) -> Op:
    (pad_token,) = _args(line, kind, 1)
    padding = parse_padding(pad_token)
    if padding.mode != "explicit":
        raise pad_token.error(
            "zeropad takes a number of pixels", expected="a whole number (1) or one per axis (1x2)"
        )
    return ZeroPadOp(padding)


def _build_norm(kind: str, line: Line) -> Op:
    _args(line, kind, 0)
    return NormOp(kind)  # type: ignore[arg-type]


def _build_dropout(kind: str, line: Line) -> Op:
    (rate_token,) = _args(line, kind, 1)
    return DropoutOp(parse_float(rate_token, "the dropout rate", 0.0, 1.0))


def _build_flatten(kind: str, line: Line) -> Op:
    _args(line, kind, 0)
    return FlattenOp()


def _build_activation(kind: str, line: Line) -> Op:
    _args(line, kind, 0)
    return ActivationOp(kind)


def _build_dense(kind: str, line: Line) -> Op:
    (units_token,) = _args(line, kind, 1)
    opts = _options(line)
    return DenseOp(
        units=parse_int(units_token, "the number of units"),
        bias=parse_bool(opts["bias"], "bias") if "bias" in opts else True,
        activation=_activation(opts),
    )


def _build_embedding(kind: str, line: Line) -> Op:
    vocab, dim = _args(line, kind, 2)
    return EmbeddingOp(parse_int(vocab, "the vocabulary size"), parse_int(dim, "the dimension"))


def _build_recurrent(kind: str, line: Line) -> Op:
    (units_token,) = _args(line, kind, 1)
    opts = _options(line)
    flags = {
        key: parse_bool(opts[key], key) if key in opts else default
        for key, default in (
            ("return_sequences", False),
            ("bidirectional", False),
            ("reset_after", True),
        )
    }
    return RecurrentOp(
        cell=kind,  # type: ignore[arg-type]
        units=parse_int(units_token, "the number of units"),
        **flags,
    )


def _build_merge(kind: str, line: Line) -> Op:
    if len(line.args) < 2:
        raise line.head.error(
            f"{kind} needs the names of at least two layers",
            expected=f"{kind} NAME NAME [...]" + (" [axis=-1]" if kind == "concat" else ""),
        )
    opts = _options(line)
    axis = -1
    if "axis" in opts:
        token = opts["axis"]
        try:
            axis = int(token.text)
        except ValueError:
            raise token.error(
                f"axis must be a whole number, not '{token.text}'",
                expected="an axis index of the channels-last shape, such as -1 (channels)",
            ) from None
    return MergeOp(kind, axis)  # type: ignore[arg-type]


LAYER_KINDS: dict[str, LayerKind] = {
    **{
        kind: LayerKind(
            _CONV_USAGE[kind],
            _CONV_OPTIONS
            | ({"groups"} if kind in ("conv", "conv1d", "conv3d", "convtranspose") else set())
            | ({"multiplier"} if kind in ("depthwise", "separable") else set())
            | ({"output_padding"} if kind == "convtranspose" else set()),
            _build_conv,
        )
        for kind in _RANK
    },
    "maxpool": LayerKind(
        "maxpool KERNEL [stride=] [padding=valid|same|P] [ceil=true]",
        frozenset({"stride", "padding", "ceil"}),
        _build_pool,
    ),
    "avgpool": LayerKind(
        "avgpool KERNEL [stride=] [padding=valid|same|P] [ceil=true]",
        frozenset({"stride", "padding", "ceil"}),
        _build_pool,
    ),
    "globalavgpool": LayerKind("globalavgpool", frozenset(), _build_global_pool),
    "globalmaxpool": LayerKind("globalmaxpool", frozenset(), _build_global_pool),
    "adaptiveavgpool": LayerKind("adaptiveavgpool HxW", frozenset(), _build_adaptive_pool),
    "adaptivemaxpool": LayerKind("adaptivemaxpool HxW", frozenset(), _build_adaptive_pool),
    "zeropad": LayerKind("zeropad P or zeropad PHxPW", frozenset(), _build_zeropad),
    "batchnorm": LayerKind("batchnorm", frozenset(), _build_norm),
    "layernorm": LayerKind("layernorm", frozenset(), _build_norm),
    "dropout": LayerKind(
        "dropout RATE (the fraction dropped, 0 ≤ RATE < 1)", frozenset(), _build_dropout
    ),
    "flatten": LayerKind("flatten", frozenset(), _build_flatten),
    "dense": LayerKind(
        "dense UNITS [activation=] [bias=false]",
        frozenset({"activation", "bias"}),
        _build_dense,
    ),
    "embedding": LayerKind("embedding VOCAB DIM", frozenset(), _build_embedding),
    **{
        cell: LayerKind(
            f"{cell} UNITS [return_sequences=true] [bidirectional=true]"
            + (" [reset_after=false]" if cell == "gru" else ""),
            frozenset(
                {"return_sequences", "bidirectional"}
                | ({"reset_after"} if cell == "gru" else set())
            ),
            _build_recurrent,
        )
        for cell in ("rnn", "lstm", "gru")
    },
    "add": LayerKind("add NAME NAME [...]", frozenset(), _build_merge),
    "concat": LayerKind("concat NAME NAME [...] [axis=-1]", frozenset({"axis"}), _build_merge),
    **{name: LayerKind(name, frozenset(), _build_activation) for name in ACTIVATIONS},
}
POSITIONAL: dict[str, tuple[str, ...]] = {
    # the names of each kind's values, in order (the keys of JSON/TOML layer tables)
    **{
        k: ("filters", "kernel") for k in ("conv", "conv1d", "conv3d", "separable", "convtranspose")
    },
    "depthwise": ("kernel",),
    "maxpool": ("kernel",),
    "avgpool": ("kernel",),
    "adaptiveavgpool": ("size",),
    "adaptivemaxpool": ("size",),
    "zeropad": ("padding",),
    "dropout": ("rate",),
    "dense": ("units",),
    "embedding": ("vocab", "dim"),
    "rnn": ("units",),
    "lstm": ("units",),
    "gru": ("units",),
    "add": ("inputs",),
    "concat": ("inputs",),
}
SEQUENCE_CONSUMERS = frozenset({"rnn", "lstm", "gru", "conv1d"})
SHAPE_KEEPING = frozenset({"dropout", "batchnorm", "layernorm", *ACTIVATIONS})
"""Layers that neither need nor change the kind of their input."""


def build_op(kind: str, line: Line) -> Op:
    """Validate one layer line of a known ``kind`` and build its operation."""
    rule = LAYER_KINDS[kind]
    allowed = rule.options | GRAPH_OPTIONS
    seen: set[str] = set()
    for key, _ in line.options:
        if key.text in seen:
            raise key.error(
                f"the option '{key.text}' is given twice",
                expected=rule.usage,
                suggestion="keep one of the two",
            )
        seen.add(key.text)
        if key.text not in allowed:
            raise key.error(
                f"{kind} has no option '{key.text}'",
                expected=rule.usage + " [name=] [from=] [share=]",
                suggestion=did_you_mean(key.text, allowed),
            )
    return rule.build(kind, line)
