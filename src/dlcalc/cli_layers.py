"""The hand-computed layers' commands (``dlcalc conv``, ``pool``, ``batchnorm``, ``layernorm``,
``dropout``): their options read by
the schema a ``.calc`` problem shares, solved, shown."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import typer

from dlcalc.cli_options import (
    DIGITS_OPTION,
    FORMAT_OPTION,
    OUTPUT_OPTION,
    STANDALONE_OPTION,
    OutputFormat,
    examples,
)
from dlcalc.cli_output import show

if TYPE_CHECKING:
    from dlcalc.api import Result

GRID = "rows separated by ;, values by spaces or commas, channels by |; or [[…]], or @FILE"


def conv(
    image: str | None = typer.Option(None, "--input", help=f"The input: {GRID}."),
    kernel: list[str] = typer.Option(
        None,
        "--kernel",
        help="A kernel, one slice per input channel (separated by |); repeat for more output "
        "channels. Or a named one: sobel_x, sobel_y, vertical_edge, horizontal_edge, "
        "laplacian, identity, box3.",
    ),
    bias: str | None = typer.Option(None, "--bias", help="One bias per kernel: b1,b2."),
    stride: str = typer.Option("1", "--stride", help="S, or SH,SW."),
    padding: str = typer.Option(
        "0", "--padding", help="P, PH,PW, valid, or same (TensorFlow's, at any stride)."
    ),
    dilation: str = typer.Option("1", "--dilation", help="D, or DH,DW."),
    activation: str | None = typer.Option(
        None, "--activation", help="Applied to each sum: relu, sigmoid, tanh, leaky_relu."
    ),
    flip: bool = typer.Option(
        False, "--flip", help="Turn each kernel 180° first (convolution, not cross-correlation)."
    ),
    one_d: bool = typer.Option(False, "--1d", help="1-D: one row per channel."),
    grad: str | None = typer.Option(
        None, "--grad", help="The upstream gradient ∂L/∂out (output-shaped): the backward pass."
    ),
    depthwise: bool = typer.Option(
        False, "--depthwise", help="Each kernel slice on its own channel, no sum (groups = C)."
    ),
    pointwise: list[str] = typer.Option(
        None,
        "--pointwise",
        help="After --depthwise, 1×1 weights, one per channel, for one output channel "
        "(repeat): a separable convolution.",
    ),
    transpose: bool = typer.Option(
        False, "--transpose", help="A transposed convolution (each --kernel one output channel's)."
    ),
    output_padding: str | None = typer.Option(
        None,
        "--output-padding",
        help="--transpose: rows and columns added at the end, OP or OPH,OPW.",
    ),
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """A convolution by hand: every output cell as its products and their sum; with --grad
    the gradients of the input, the kernels and the biases, each cell written out."""
    from dlcalc.render.grids import conv_json, conv_report
    from dlcalc.solve.conv import solve_conv

    given = {
        "--input": image,
        "--kernel": list(kernel or []),
        "--bias": bias,
        "--stride": stride,
        "--padding": padding,
        "--dilation": dilation,
        "--activation": activation,
        "--flip": flip,
        "--1d": one_d,
        "--grad": grad,
        "--depthwise": depthwise,
        "--pointwise": list(pointwise or []),
        "--transpose": transpose,
        "--output-padding": output_padding,
    }
    result = by_schema("conv", [], given, digits, solve_conv, conv_report, conv_json)
    _show(result, output_format, standalone, output)


def pool(
    kind: str = typer.Argument(..., help="max or avg.", metavar="KIND"),
    image: str | None = typer.Option(None, "--input", help=f"The input: {GRID}."),
    size: str = typer.Option("2", "--size", help="The window: F, or FH,FW."),
    stride: str | None = typer.Option(
        None, "--stride", help="S, or SH,SW [default: the window's size]."
    ),
    padding: str = typer.Option("0", "--padding", help="P, PH,PW, or same (TensorFlow's)."),
    dilation: str = typer.Option("1", "--dilation", help="D, or DH,DW (max pooling only)."),
    ceil: bool = typer.Option(False, "--ceil", help="Ceil mode: a last, partial window."),
    include_pad: str = typer.Option(
        "true",
        "--count-include-pad",
        help="Average pooling: the padded zeros count in the mean (true, PyTorch's default).",
    ),
    whole: bool = typer.Option(False, "--global", help="Global pooling: one window, the input."),
    grad: str | None = typer.Option(
        None, "--grad", help="The upstream gradient (output-shaped): the backward pass."
    ),
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Max or average pooling by hand: each window and its maximum (with its arg-max) or mean;
    with --grad the gradient routed back to the input."""
    from dlcalc.render.grids import pool_json, pool_report
    from dlcalc.solve.pool import solve_pool

    given = {
        "--input": image,
        "--size": size,
        "--stride": stride,
        "--padding": padding,
        "--dilation": dilation,
        "--ceil": ceil,
        "--count-include-pad": include_pad,
        "--global": whole,
        "--grad": grad,
    }
    result = by_schema("pool", [kind], given, digits, solve_pool, pool_report, pool_json)
    _show(result, output_format, standalone, output)


CONVENTION = typer.Option(
    "pytorch", "--convention", help="pytorch (ε 1e-5, momentum 0.1) or keras (ε 1e-3, 0.99)."
)
GAMMA = typer.Option(None, "--gamma", help="γ, one per feature (or one for all) [default: 1].")
BETA = typer.Option(None, "--beta", help="β, one per feature (or one for all) [default: 0].")
EPS = typer.Option(None, "--eps", help="ε [default: the convention's].")
GRAD = typer.Option(
    None, "--grad", help="The upstream gradient ∂L/∂y (input-shaped): the backward pass."
)
MATRIX = f"The mini-batch: rows are examples, columns features ({GRID})."


def batchnorm(
    image: str | None = typer.Option(None, "--input", help=MATRIX),
    gamma: str | None = GAMMA,
    beta: str | None = BETA,
    eps: str | None = EPS,
    convention: str = CONVENTION,
    momentum: str | None = typer.Option(
        None, "--momentum", help="The running statistics' momentum [default: the convention's]."
    ),
    running_mean: str | None = typer.Option(
        None, "--running-mean", help="The running means before the batch [default: 0]."
    ),
    running_var: str | None = typer.Option(
        None, "--running-var", help="The running variances before the batch [default: 1]."
    ),
    inference: bool = typer.Option(False, "--eval", help="Inference: the running statistics."),
    grad: str | None = GRAD,
    channels: bool = typer.Option(
        False,
        "--channels",
        help="A batch of volumes, an example each, separated by ||: statistics per channel.",
    ),
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Batch normalisation by hand: each feature's mean and variance over the mini-batch, every
    x̂ and y written out, the running statistics after the batch; with --grad the backward pass."""
    given = {
        "--input": image,
        "--gamma": gamma,
        "--beta": beta,
        "--eps": eps,
        "--convention": convention,
        "--momentum": momentum,
        "--running-mean": running_mean,
        "--running-var": running_var,
        "--eval": inference,
        "--grad": grad,
        "--channels": channels,
    }
    _normalise("batchnorm", given, digits, output_format, standalone, output)


def layernorm(
    image: str | None = typer.Option(None, "--input", help=MATRIX),
    gamma: str | None = GAMMA,
    beta: str | None = BETA,
    eps: str | None = EPS,
    convention: str = CONVENTION,
    grad: str | None = GRAD,
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Layer normalisation by hand: each example's mean and variance over its features, every
    x̂ and y written out; with --grad the backward pass."""
    given = {
        "--input": image,
        "--gamma": gamma,
        "--beta": beta,
        "--eps": eps,
        "--convention": convention,
        "--grad": grad,
    }
    _normalise("layernorm", given, digits, output_format, standalone, output)


def _normalise(
    command: str,
    given: Mapping[str, str | bool | None],
    digits: int,
    output_format: OutputFormat | None,
    standalone: bool,
    output: str | None,
) -> None:
    from dlcalc.render.norms import norm_json, norm_report
    from dlcalc.solve.norm import solve_norm

    result = by_schema(command, [], given, digits, solve_norm, norm_report, norm_json)
    _show(result, output_format, standalone, output)


def dropout(
    image: str | None = typer.Option(None, "--input", help=f"The input: {GRID}."),
    rate: str | None = typer.Option(None, "--rate", help="p, the probability of dropping."),
    mask: str | None = typer.Option(
        None, "--mask", help="The mask: 1 kept, 0 dropped, shaped as the input."
    ),
    seed: str | None = typer.Option(
        None, "--seed", help="Draw the mask with this seed [default: 0, when no --mask]."
    ),
    no_scale: bool = typer.Option(
        False,
        "--no-scale",
        help="The original form: no scaling in training, × (1 − p) at inference.",
    ),
    inference: bool = typer.Option(False, "--eval", help="Inference."),
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Dropout by hand: the mask and each value kept (inverted: divided by 1 − p) or dropped,
    and why the expected output is the input."""
    from dlcalc.render.norms import dropout_json, dropout_report
    from dlcalc.solve.dropout import solve_dropout

    given = {
        "--input": image,
        "--rate": rate,
        "--mask": mask,
        "--seed": seed,
        "--no-scale": no_scale,
        "--eval": inference,
    }
    result = by_schema("dropout", [], given, digits, solve_dropout, dropout_report, dropout_json)
    _show(result, output_format, standalone, output)


def grad(
    formula: str = typer.Argument(
        ...,
        help="The formula, e.g. '3*(a + b*c)', or 'J = 3*(a + b*c)' to name it.",
        metavar="EXPR",
    ),
    at: str | None = typer.Option(None, "--at", help="The point: a=5,b=3,c=2."),
    name: list[str] = typer.Option(
        None, "--name", help="Name a node: u=b*c (repeatable; a later name may use an earlier)."
    ),
    nudge: str | None = typer.Option(
        None, "--nudge", help="ε: f(x ± ε) and the one- and two-sided slopes [default: 0.001]."
    ),
    check: bool = typer.Option(
        False, "--check", help="Gradient checking: the two-sided slopes (ε 1e-7) against ∂f/∂x."
    ),
    threshold: str | None = typer.Option(
        None, "--threshold", help="--check passes below it [default: 1e-7]."
    ),
    exact: bool = typer.Option(
        False, "--exact", help="Each input's derivative in closed form (SymPy)."
    ),
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """A formula as a computation graph: each node's value forward, each gradient backward as
    upstream × local, ∂f/∂ each input; --nudge and --check for finite differences."""
    from dlcalc.render.graph import graph_json, graph_report
    from dlcalc.solve.graph import solve_graph

    given = {
        "--at": at,
        "--name": list(name or []),
        "--nudge": nudge,
        "--check": check,
        "--threshold": threshold,
    }
    result = by_schema(
        "grad", [formula], given, digits, solve_graph, graph_report, graph_json, exact=exact
    )
    _show(result, output_format, standalone, output)


EXAMPLES = {
    "conv": examples(
        "dlcalc conv --input '1 1 1 0 0; 0 1 1 1 0; 0 0 1 1 1; 0 0 1 1 0; 0 1 1 0 0' "
        "--kernel '1 0 1; 0 1 0; 1 0 1'",
        "dlcalc conv --input '1 2 3; 4 5 6; 7 8 9' --kernel sobel_x --padding 1",
    ),
    "pool": examples(
        "dlcalc pool max --input '1 3 2 1; 4 6 5 2; 7 8 9 1; 0 2 3 4' --size 2",
        "dlcalc pool avg --input '1 3; 4 6' --size 2 --grad '1'",
    ),
    "batchnorm": examples(
        "dlcalc batchnorm --input '5; 3; 2; 1; 9'",
        "dlcalc batchnorm --input '1 2; 3 6' --gamma 2 --beta 0.5 --grad '1 0; 0 1'",
    ),
    "layernorm": examples("dlcalc layernorm --input '1 2 3; 2 4 6'"),
    "grad": examples(
        "dlcalc grad 'J = 3*(a + b*c)' --at a=5,b=3,c=2 --name u=b*c --name v=a+u",
        "dlcalc grad 'x**2 + 2' --at x=2 --nudge 0.0001",
        "dlcalc grad '1/(1 + exp(-(w0*x0 + w1*x1 + w2)))' "
        "--at w0=2,x0=-1,w1=-3,x1=-2,w2=-3 --check",
    ),
    "dropout": examples(
        "dlcalc dropout --input '1 2; 3 4' --rate 0.5 --mask '1 0; 1 1'",
        "dlcalc dropout --input '1 2; 3 4' --rate 0.5 --no-scale --eval",
    ),
}


def by_schema(
    command: str,
    values: list[str],
    given: Mapping[str, Any],
    digits: int,
    solve: Callable[[Any], Any],
    report: Callable[[Any, int], Any],
    data: Callable[[Any, int], dict[str, Any]],
    exact: bool = False,
) -> Result:
    """:func:`dlcalc.api_layers.by_schema`, imported when a command runs."""
    from dlcalc.api_layers import by_schema as solved

    return solved(command, values, given, digits, solve, report, data, exact)


def _show(
    result: Result, output_format: OutputFormat | None, standalone: bool, output: str | None
) -> None:
    show(output_format, result.to_dict, result.report, standalone=standalone, output=output)


def add_layer_commands(app: typer.Typer) -> None:
    """Register the hand-computed layers' commands on the app."""
    app.command(epilog=EXAMPLES["conv"])(conv)
    app.command(epilog=EXAMPLES["pool"])(pool)
    app.command(epilog=EXAMPLES["batchnorm"])(batchnorm)
    app.command(epilog=EXAMPLES["layernorm"])(layernorm)
    app.command(epilog=EXAMPLES["dropout"])(dropout)
    app.command(epilog=EXAMPLES["grad"])(grad)
