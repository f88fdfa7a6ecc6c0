"""The hand-computed layers' commands (``dlcalc conv``, ``dlcalc pool``): their options read by
the schema a ``.calc`` problem shares, solved, shown."""

from __future__ import annotations

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
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """A convolution by hand: every output cell as its products and their sum; with --grad
    the gradients of the input, the kernels and the biases, each cell written out."""
    from dlcalc.parse.calculator_options import calculator_spec
    from dlcalc.render.grids import conv_json, conv_report
    from dlcalc.solve.conv import solve_conv
    from dlcalc.solve.precision import solved

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
    }
    spec = calculator_spec("conv", [], given, digits=digits)
    result = solved(solve_conv, spec, digits)
    show(
        output_format,
        lambda: conv_json(result, digits),
        lambda: conv_report(result, digits),
        standalone=standalone,
        output=output,
    )


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
    from dlcalc.parse.calculator_options import calculator_spec
    from dlcalc.render.grids import pool_json, pool_report
    from dlcalc.solve.pool import solve_pool
    from dlcalc.solve.precision import solved

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
    spec = calculator_spec("pool", [kind], given, digits=digits)
    result = solved(solve_pool, spec, digits)
    show(
        output_format,
        lambda: pool_json(result, digits),
        lambda: pool_report(result, digits),
        standalone=standalone,
        output=output,
    )


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
}


def add_layer_commands(app: typer.Typer) -> None:
    """Register ``conv`` and ``pool`` on the app."""
    app.command(epilog=EXAMPLES["conv"])(conv)
    app.command(epilog=EXAMPLES["pool"])(pool)
