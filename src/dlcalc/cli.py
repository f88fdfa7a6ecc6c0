"""The ``dlcalc`` command: wires parsing, solving and rendering, and turns errors into messages.

This is the one place where an error becomes a message and an exit status: 0 on success,
2 for unusable input (one clear message, no traceback).
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from dlcalc import __version__
from dlcalc.cli_layers import add_layer_commands
from dlcalc.cli_options import (
    DIGITS_OPTION,
    FORMAT_OPTION,
    OUTPUT_OPTION,
    PLOT_FILE_OPTION,
    STANDALONE_OPTION,
    OutputFormat,
    examples,
)
from dlcalc.cli_output import OutputFailed, no_color_first, plot_files, show
from dlcalc.errors import DlcalcError, Location

if TYPE_CHECKING:
    pass

EXIT_INPUT = 2
EXIT_OUTPUT = 74
EXIT_INTERNAL = 70

app = typer.Typer(
    name="dlcalc",
    help="Calculator and exam-problem solver for deep learning: every answer with its working.",
    epilog="Where courses and frameworks differ, each command says which convention it used; "
    "docs/conventions.md in the project lists them all, with the option that selects each.",
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ShapesConvention(str, Enum):
    keras = "keras"
    pytorch = "pytorch"


EXAMPLES = {
    "shapes": examples(
        "dlcalc shapes lenet5-exam",
        "dlcalc shapes alexnet-style-same-padding-exam --convention pytorch -f json",
        "dlcalc shapes lenet5-exam -o lenet.md",
    ),
    "activate": examples(
        "dlcalc activate sigmoid 0.5 -1",
        "dlcalc activate relu 0 --grad-at-zero 1",
        "dlcalc activate gelu 1 --exact",
    ),
    "softmax": examples(
        "dlcalc softmax 5 2 -1 3",
        "dlcalc softmax 5 2 -1 3 --target 0 --jacobian",
        "dlcalc softmax 1 2 3 --temperature 2",
    ),
    "loss": examples(
        "dlcalc loss bce --pred 0.9,0.2 --target 1,0 --grad",
        "dlcalc loss mse --pred 0.5,0.3 --target 1,0 --reduction sum",
        "dlcalc loss cce --pred 0.7,0.2,0.1 --target 1,0,0 --convention keras",
    ),
    "backprop": examples(
        "dlcalc backprop classic-2-2-2",
        "dlcalc backprop classic-2-2-2 --only w5,w1",
        "dlcalc backprop classic-2-2-2 -f latex --standalone -o working.tex",
    ),
    "optimize": examples(
        "dlcalc optimize adam --grads 0.2,-0.1,0.4 --start w=0.5",
        'dlcalc optimize momentum --function "x**2 + 10*y**2" --start x=1,y=1 --steps 10',
        "dlcalc optimize adam-three-steps",
    ),
    "check": examples(
        "dlcalc check lenet5-exam --answer conv1.params=156",
        "dlcalc check classic-2-2-2 --answer w5=0.441084",
        "dlcalc check classic-2-2-2 --list",
    ),
}
"""Each command's examples, shown under its --help (the tests run each one)."""


def _problems_or_files(kind: str | None) -> Callable[[str], list[tuple[str, str]]]:
    """Shell completion of a problem argument: the library's names of that kind, with their
    topics (where none matches, the shell's own completion of file names)."""

    def complete(incomplete: str) -> list[tuple[str, str]]:
        from dlcalc.parse.library import library
        from dlcalc.spec.problem import KINDS

        return [
            (p.name, p.topic)
            for p in library()
            if p.name.startswith(incomplete) and (kind is None or KINDS[p.path.suffix] == kind)
        ]

    return complete


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dlcalc {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
    no_color: bool = typer.Option(
        False,
        "--no-color",
        help="No colours on a terminal, as NO_COLOR=1 (also after the command's name).",
    ),
) -> None:
    """Calculator and exam-problem solver for deep learning: every answer with its working."""
    if no_color:
        os.environ["NO_COLOR"] = "1"  # what Rich and every printer of this process read
    if ctx.invoked_subcommand is None:  # `dlcalc` alone: the help, and success
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


@app.command(epilog=EXAMPLES["shapes"])
def shapes(
    arch_file: str = typer.Argument(
        ...,
        help="Architecture file (text, .json or .toml; - for standard input), or a library "
        "problem's name.",
        metavar="ARCH_FILE",
        autocompletion=_problems_or_files("architecture"),
        show_default=False,
    ),
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
    convention: ShapesConvention | None = typer.Option(
        None,
        "--convention",
        help="Whose parameter counts: keras (BatchNorm 4·C, 2·C non-trainable) or pytorch "
        "(BatchNorm 2·C; two bias vectors in recurrent layers) \\[default: the file's "
        "`convention` line, else keras].",
        show_default=False,
    ),
    channels_first: bool = typer.Option(
        False, "--channels-first", help="Print shapes as C×H×W, as PyTorch does."
    ),
    strict: bool = typer.Option(
        False,
        "--strict",
        help="Treat a division that is not whole, such as (224 − 11)/4, as an error "
        "instead of flooring it.",
    ),
    depth: int | None = typer.Option(
        None,
        "--depth",
        min=1,
        metavar="N",
        help="One row per block: layers whose names share their first N dot-separated "
        "parts (conv2_1.*) with their totals, as torchinfo's depth.",
        show_default=False,
    ),
) -> None:
    """Output shape, parameters (with working), MACs and receptive field of every layer.

    One layer a line, e.g. `input 32x32x1`, `conv 6 5x5`, `avgpool 2x2 stride=2`, `flatten`,
    `dense 84`. See the README for the full architecture-file reference.
    """
    from dlcalc.parse.architecture import parse_architecture
    from dlcalc.parse.library import problem_path
    from dlcalc.parse.source import read_source
    from dlcalc.render.shapes import shapes_json, shapes_report
    from dlcalc.solve.shapes import ShapesOptions, solve_shapes

    spec = parse_architecture(read_source(problem_path(arch_file, "architecture")))
    chosen = convention.value if convention else spec.convention or "keras"
    options = ShapesOptions(chosen, strict, channels_first, read_channels_first=channels_first)
    result = solve_shapes(spec, options)
    show(
        output_format,
        lambda: shapes_json(result, depth),
        lambda: shapes_report(result, channels_first=channels_first, depth=depth),
        standalone=standalone,
        output=output,
    )


@app.command(context_settings={"ignore_unknown_options": True}, epilog=EXAMPLES["activate"])
def activate(
    function: str = typer.Argument(
        ...,
        help="sigmoid, tanh, relu, leaky_relu, elu, selu, gelu, silu (swish), softplus, "
        "softsign, hard_sigmoid, step, linear or mish.",
        show_default=False,
    ),
    values: list[str] = typer.Argument(
        None, help="The x values (negative ones too: dlcalc activate tanh -0.7).", metavar="X..."
    ),
    span: str | None = typer.Option(
        None, "--range", help="START:STOP:STEP, e.g. -3:3:0.5 (both ends included)."
    ),
    file: str | None = typer.Option(None, "--file", help="A file of numbers (- for stdin)."),
    alpha: str | None = typer.Option(
        None,
        "--alpha",
        metavar="NUMBER",
        help="leaky_relu's slope (default 0.01) or elu's α (default 1).",
    ),
    approximate: str | None = typer.Option(
        None,
        "--approximate",
        metavar="none|tanh",
        help="GELU: none (exact erf, the default) or tanh.",
    ),
    convention: str | None = typer.Option(
        None,
        "--convention",
        metavar="pytorch|keras|keras2",
        help="hard_sigmoid: pytorch (the default) / keras (Keras 3: x/6 + ½) or keras2 (0.2x + ½).",
    ),
    grad_at_zero: str | None = typer.Option(
        None,
        "--grad-at-zero",
        metavar="NUMBER",
        help="The derivative at 0 of relu / leaky_relu \\[default: the frameworks' 0 / α].",
    ),
    step_at_zero: str | None = typer.Option(
        None,
        "--step-at-zero",
        metavar="NUMBER",
        help="The step's value at 0: 1 (x ≥ 0, the default), 0 (x > 0) or 0.5.",
    ),
    exact: bool = typer.Option(False, "--exact", help="Also give the closed forms (SymPy)."),
    digits: int = DIGITS_OPTION,
    plot: bool = typer.Option(
        False,
        "--plot",
        help="Draw the function and its derivative over the values' span; --plot FILE.svg or "
        ".png draws them in a picture (matplotlib: pip install 'dlcalc[plot]').",
    ),
    plot_file: str | None = PLOT_FILE_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Value and derivative of an activation function, with formulas and values substituted."""
    from dlcalc.parse.calculator_options import calculator_spec
    from dlcalc.render.activations import activate_json, activate_report
    from dlcalc.solve.activations import solve_activate
    from dlcalc.solve.precision import solved

    given = {
        "--alpha": alpha,
        "--approximate": approximate,
        "--convention": convention,
        "--grad-at-zero": grad_at_zero,
        "--step-at-zero": step_at_zero,
    }
    spec = calculator_spec(
        "activate",
        [function, *(values or [])],
        given,
        digits=digits,
        exact=exact,
        plot=plot or plot_file is not None,
        span=span,
        path=file,
    )
    result = solved(solve_activate, spec, digits)
    if plot_file is not None:
        from dlcalc.render.pictures import activate_picture

        activate_picture(result, Path(plot_file))
    shown = result if plot else result._replace(curve=())
    show(
        output_format,
        lambda: activate_json(shown, digits),
        lambda: activate_report(shown, digits),
        standalone=standalone,
        output=output,
    )


@app.command(context_settings={"ignore_unknown_options": True}, epilog=EXAMPLES["softmax"])
def softmax(
    scores: list[str] = typer.Argument(
        None, help="The scores (logits) z, e.g. 5 2 -1 3.", metavar="Z..."
    ),
    temperature: str = typer.Option("1", "--temperature", "-t", help="T: softmax(z/T)."),
    target: str | None = typer.Option(
        None,
        "--target",
        help="The true class (counting from 0, as PyTorch) or a probability vector 0,1,0,0: "
        "adds the cross-entropy loss and its gradient p − y.",
    ),
    jacobian: bool = typer.Option(False, "--jacobian", help="Also the Jacobian ∂p_i/∂z_j."),
    exact: bool = typer.Option(False, "--exact", help="Also the closed forms (SymPy)."),
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Softmax probabilities with every exponential shown, log-softmax, arg max, and with a
    target the cross-entropy loss and its gradient."""
    from dlcalc.parse.calculator_options import calculator_spec
    from dlcalc.render.softmax import softmax_json, softmax_report
    from dlcalc.solve.precision import solved
    from dlcalc.solve.softmax import solve_softmax

    given = {"--temperature": temperature, "--target": target}
    spec = calculator_spec(
        "softmax", scores or [], given, digits=digits, exact=exact, jacobian=jacobian
    )
    result = solved(solve_softmax, spec, digits)
    show(
        output_format,
        lambda: softmax_json(result, digits),
        lambda: softmax_report(result, digits),
        standalone=standalone,
        output=output,
    )


@app.command(context_settings={"ignore_unknown_options": True}, epilog=EXAMPLES["loss"])
def loss(
    kind: str = typer.Argument(
        ...,
        help="mse, sse, half_sse, mae, huber, log_cosh, bce, cce, sparse_cce, kl, hinge or "
        "squared_hinge.",
        show_default=False,
    ),
    pred: str = typer.Option(
        ..., "--pred", help='Predictions, e.g. "0.9,0.2;0.1,0.8" (rows are examples).'
    ),
    target: str = typer.Option(
        ..., "--target", help="Targets of the same shape (sparse_cce: one class per example)."
    ),
    reduction: str | None = typer.Option(
        None,
        "--reduction",
        metavar="mean|sum",
        help="mean or sum \\[default: sum for sse/half_sse, else mean].",
    ),
    delta: str | None = typer.Option(
        None, "--delta", metavar="NUMBER", help="Huber's δ \\[default: 1]."
    ),
    from_logits: bool = typer.Option(False, "--from-logits", help="bce on raw scores z."),
    log2: bool = typer.Option(False, "--log2", help="Logarithms in base 2 (bits)."),
    convention: str | None = typer.Option(
        None,
        "--convention",
        metavar="exact|keras",
        help="exact (the default), or keras (clip p to [1e−7, 1 − 1e−7]; cce renormalises rows).",
    ),
    grad: bool = typer.Option(False, "--grad", help="Also ∂L/∂p for every prediction."),
    exact: bool = typer.Option(False, "--exact", help="Also the closed forms (SymPy)."),
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """A loss with every term written out, the reduction, and (--grad) its gradient."""
    from dlcalc.parse.calculator_options import calculator_spec
    from dlcalc.render.losses import loss_json, loss_report
    from dlcalc.solve.losses import solve_loss
    from dlcalc.solve.precision import solved

    given = {
        "--pred": pred,
        "--target": target,
        "--reduction": reduction,
        "--delta": delta,
        "--from-logits": from_logits,
        "--log2": log2,
        "--convention": convention,
        "--grad": grad,
    }
    spec = calculator_spec("loss", [kind], given, digits=digits, exact=exact)
    result = solved(solve_loss, spec, digits)
    show(
        output_format,
        lambda: loss_json(result, spec),
        lambda: loss_report(result, spec),
        standalone=standalone,
        output=output,
    )


add_layer_commands(app)


@app.command(epilog=EXAMPLES["backprop"])
def backprop(
    net_file: str = typer.Argument(
        ...,
        help="Network file (- for standard input), or a library problem's name.",
        metavar="NET_FILE",
        show_default=False,
        autocompletion=_problems_or_files("network"),
    ),
    rate: str | None = typer.Option(None, "--rate", help="Override the file's learning rate."),
    epochs: int | None = typer.Option(None, "--epochs", help="Override the file's epochs."),
    relu_grad_at_zero: float | None = typer.Option(
        None, "--relu-grad-at-zero", help="ReLU′(0) \\[default: 0, as PyTorch]; 1 for z ≥ 0."
    ),
    only: str | None = typer.Option(
        None, "--only", help="Write the chain rule of these parameters only, e.g. w5,w1."
    ),
    digits: int = DIGITS_OPTION,
    change: list[str] = typer.Option(
        None,
        "--set",
        help="Re-evaluate with a parameter changed (NAME=VALUE, repeatable): the change in "
        "output and loss beside the gradient's first-order prediction.",
    ),
    exact: bool = typer.Option(
        False, "--exact", help="Also the first step's closed forms (SymPy): outputs, E, ∂E/∂p."
    ),
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Forward pass, loss, every chain-rule term and the weight updates of a small network."""
    from dlcalc.parse.calculators import backprop_overrides
    from dlcalc.parse.library import problem_path
    from dlcalc.parse.network import parse_network
    from dlcalc.parse.source import read_source
    from dlcalc.render.backprop import backprop_json, backprop_report
    from dlcalc.solve.backprop import solve_backprop
    from dlcalc.solve.precision import solved

    spec = parse_network(read_source(problem_path(net_file, "network")))
    spec, options = backprop_overrides(
        spec, rate, epochs, relu_grad_at_zero, only, digits, change or (), exact
    )
    result = solved(
        lambda given: solve_backprop(*given), (spec, options), options.digits, decimals=True
    )
    show(
        output_format,
        lambda: backprop_json(result, digits),
        lambda: backprop_report(result, digits),
        standalone=standalone,
        output=output,
    )


class OptimizerConvention(str, Enum):
    course = "course"
    pytorch = "pytorch"
    keras = "keras"


@app.command(epilog=EXAMPLES["optimize"])
def optimize(
    optimizer: str | None = typer.Argument(
        None,
        help="sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw, adamax, nadam; "
        "or a problem file.",
        show_default=False,
    ),
    function: str | None = typer.Option(None, "--function", help='f, e.g. "x**2 + 10*y**2".'),
    grads: str | None = typer.Option(
        None, "--grads", help='Given gradients: "0.2,-0.1,0.4" (one parameter) or "a,b;c,d".'
    ),
    start: str | None = typer.Option(None, "--start", help="Start values: w=0.5 or x=1,y=1."),
    batch_size: str | None = typer.Option(
        None, "--batch-size", help="Average each N gradient rows (per-example) into one step."
    ),
    steps: int | None = typer.Option(
        None, "--steps", help="Steps (default: one per given gradient)."
    ),
    lr: str | None = typer.Option(None, "--lr", help="Learning rate η."),
    schedule: str | None = typer.Option(
        None,
        "--schedule",
        help="Learning-rate schedule KIND:SETTINGS, e.g. time:decay=0.1 or "
        "cosine:T=100; step (every, gamma), exp (rate, every, staircase), cosine (T, min).",
        metavar="SPEC",
    ),
    momentum: str | None = typer.Option(None, "--momentum", "--beta", help="Momentum μ or β."),
    beta1: str | None = typer.Option(None, "--beta1", help="Adam's β1."),
    beta2: str | None = typer.Option(None, "--beta2", help="Adam's β2."),
    rho: str | None = typer.Option(None, "--rho", help="RMSprop's and Adadelta's ρ (α)."),
    eps: str | None = typer.Option(None, "--eps", help="ε."),
    weight_decay: str | None = typer.Option(None, "--weight-decay", help="λ."),
    nesterov: bool = typer.Option(False, "--nesterov", help="Nesterov momentum (sgd)."),
    amsgrad: bool = typer.Option(False, "--amsgrad", help="AMSGrad (adam, adamw)."),
    centered: bool = typer.Option(False, "--centered", help="Centered RMSprop."),
    convention: OptimizerConvention = typer.Option(
        OptimizerConvention.course, "--convention", help="course, pytorch or keras formulas."
    ),
    compare: bool = typer.Option(False, "--compare", help="The three conventions side by side."),
    compare_optimizers: str | None = typer.Option(
        None,
        "--compare-optimizers",
        help="Several optimizers on the same input: sgd,momentum,adam.",
    ),
    plot: bool = typer.Option(
        False,
        "--plot",
        help="Draw the path (on f's level curves for two parameters); --plot FILE.svg or .png "
        "draws it, or a schedule's η_t, in a picture (pip install 'dlcalc[plot]').",
    ),
    plot_file: str | None = PLOT_FILE_OPTION,
    digits: int = DIGITS_OPTION,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Optimizer update steps with every state update written out, in the course's, PyTorch's
    or Keras's convention."""

    from dlcalc.parse.library import exists, is_library_problem, problem_path
    from dlcalc.parse.optimizer import OPTIMIZER_ALIASES, optimize_file, optimize_spec
    from dlcalc.parse.source import read_source
    from dlcalc.render.optimize import optimize_json, optimize_report
    from dlcalc.solve.optimize import solve_optimize
    from dlcalc.solve.precision import solved
    from dlcalc.spec.optimizer import OPTIMIZERS

    given = {
        "lr": lr,
        "momentum": momentum,
        "beta1": beta1,
        "beta2": beta2,
        "rho": rho,
        "eps": eps,
        "weight_decay": weight_decay,
    }
    hyper = {key: value for key, value in given.items() if value is not None}
    switches = {"nesterov": nesterov, "amsgrad": amsgrad, "centered": centered, "plot": plot}
    # an optimizer's name is the optimizer, even beside a file of that name (./adam is the file)
    if (
        optimizer is not None
        and optimizer not in (*OPTIMIZERS, *OPTIMIZER_ALIASES)
        and (
            Path(optimizer).suffix
            or exists(Path(optimizer))
            or is_library_problem(optimizer, "optimizer")
        )
    ):
        spec = optimize_file(read_source(problem_path(optimizer, "optimizer")), digits)
    else:
        spec = optimize_spec(
            optimizer,
            convention.value,
            hyper,
            start,
            {
                "grads": grads,
                "function": function,
                "schedule": schedule,
                "optimizers": compare_optimizers,
                "batch_size": batch_size,
            },
            steps,
            switches,
            compare,
            digits,
        )
    result = solved(solve_optimize, spec, spec.digits)
    if plot_file is not None:
        from dlcalc.render.pictures import optimize_picture

        optimize_picture(result, Path(plot_file))
    show(
        output_format,
        lambda: optimize_json(result),
        lambda: optimize_report(result),
        standalone=standalone,
        output=output,
    )


@app.command(epilog=EXAMPLES["check"])
def check(
    problem_file: str = typer.Argument(
        ...,
        help="A problem file (.arch, .net, .opt or .calc; - for standard input), or the name "
        "of a library problem (dlcalc problems lists them).",
        metavar="FILE",
        autocompletion=_problems_or_files(None),
        show_default=False,
    ),
    answers_file: str | None = typer.Option(
        None, "--answers", help="A file of NAME = VALUE lines to mark."
    ),
    answer: list[str] = typer.Option(
        None, "--answer", help="An answer to mark, NAME=VALUE (repeatable), e.g. w5=0.3589."
    ),
    notes: bool = typer.Option(
        False, "--notes", help="Mark the course notes' own answers (the file's notes section)."
    ),
    list_names: bool = typer.Option(
        False, "--list", help="Print every answerable name of the problem, and the mistakes."
    ),
    rel_tol: float | None = typer.Option(
        None,
        "--rel-tol",
        help="Right when within this relative tolerance \\[default: right at the precision "
        "written, rounded or truncated].",
    ),
    channels_first: bool = typer.Option(
        False, "--channels-first", help="Shapes are written C×H×W, as PyTorch does."
    ),
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Mark answers to a problem (✓/✗ with the working), and name the mistake behind a wrong one.

    Exit status 0 when every answer is right, 1 when one is wrong, 2 for unusable input.
    """
    from dlcalc.parse.answers import chosen_answers, read_value
    from dlcalc.parse.library import problem_path
    from dlcalc.parse.problem import read_problem
    from dlcalc.parse.source import read_source
    from dlcalc.render.check import check_json, check_report, names_json, names_report
    from dlcalc.solve.check import check as mark
    from dlcalc.solve.check import digits_written
    from dlcalc.solve.problems import solve_problem

    if rel_tol is not None:
        rel_tol += 0.0  # −0 is 0
    if rel_tol is not None and not (0 <= rel_tol < 1):
        raise DlcalcError(
            f"--rel-tol {rel_tol:g} is out of range",
            location=Location("<command line>", path="--rel-tol"),
            expected="a relative tolerance from 0 to 1, such as 1e-3",
        )
    spec = read_problem(read_source(problem_path(problem_file)))
    if list_names:
        problem = solve_problem(spec, channels_first)
        show(
            output_format,
            lambda: names_json(problem),
            lambda: names_report(problem),
            standalone=standalone,
            output=output,
        )
        return
    answers = chosen_answers(spec.sections, spec.source, answers_file, answer or (), notes)
    given = tuple((a, read_value(a)) for a in answers)
    problem = solve_problem(spec, channels_first, digits_written(given))
    result = mark(problem, given, rel_tol, channels_first)
    show(
        output_format,
        lambda: check_json(result),
        lambda: check_report(result),
        standalone=standalone,
        output=output,
    )
    if result.right < len(result.marked):
        raise typer.Exit(1)


problems_app = typer.Typer(
    help="The problems library: exam-style problems with their answers recorded.",
    no_args_is_help=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(problems_app, name="problems")


@problems_app.callback(invoke_without_command=True)
def problems(
    ctx: typer.Context,
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """List the library's problems, each with a one-line description."""
    if ctx.invoked_subcommand is not None:
        return
    from dlcalc.parse.library import library
    from dlcalc.render.library import library_json, library_report

    found = library()
    show(
        output_format,
        lambda: library_json(found),
        lambda: library_report(found),
        standalone=standalone,
        output=output,
    )


@problems_app.command("show")
def problems_show(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The problem's name, e.g. lenet5-exam."),
    remarks: bool = typer.Option(
        False, "--remarks", help="Also the remarks: source, published results, the notes' slips."
    ),
    output_format: OutputFormat | None = FORMAT_OPTION,
    standalone: bool = STANDALONE_OPTION,
    output: str | None = OUTPUT_OPTION,
) -> None:
    """Print a problem: its statement, its file, and the names its answers go by (the remarks,
    which may give answers away, only with --remarks)."""
    parent = ctx.parent.params.get("output_format") if ctx.parent else None
    if output_format is None and parent is not None:  # dlcalc problems -f json show NAME
        output_format = OutputFormat(parent)
    from dlcalc.parse.library import show_problem
    from dlcalc.render.library import problem_json, problem_report

    shown = show_problem(name)
    show(
        output_format,
        lambda: problem_json(shown, remarks),
        lambda: problem_report(shown, remarks),
        standalone=standalone,
        output=output,
    )


def main() -> None:
    """The console script: run the app, turning input errors into a message and exit status 2."""
    # The working is many small trees and no cycles: the cycle collector would only rescan
    # them (a third of the time of a large network); a short-lived process does without it.
    gc.disable()
    from dlcalc.render.encoding import ascii_fallback

    ascii_fallback()  # a stream that cannot encode × or σ gets x and sigma, never an error
    colour = os.environ.get("NO_COLOR")
    try:
        _run()
    finally:
        gc.enable()
        if colour is None:  # --no-color is this run's only (the app may run again in-process)
            os.environ.pop("NO_COLOR", None)


def _run() -> None:
    try:
        app(args=no_color_first(plot_files(sys.argv[1:])))
    except DlcalcError as error:
        sys.stderr.write(error.describe() + "\n")
        sys.exit(EXIT_INPUT)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except OutputFailed as error:
        sys.stderr.write(f"error: cannot write the output: {error}\n")
        sys.exit(EXIT_OUTPUT)
    except OSError as error:  # reading an input: its name too long, a folder not searchable, …
        sys.stderr.write(f"error: {error.strerror or error}\n")
        sys.exit(EXIT_INPUT)
    except Exception as error:  # never a traceback, unless asked for
        if os.environ.get("DLCALC_DEBUG"):
            raise
        sys.stderr.write(
            f"error: internal error ({type(error).__name__}: {error}).\n"
            "hint: this is a bug in dlcalc; run again with DLCALC_DEBUG=1 for the details.\n"
        )
        sys.exit(EXIT_INTERNAL)
