"""The ``dlcalc`` command: wires parsing, solving and rendering, and turns errors into messages.

This is the one place where an error becomes a message and an exit status: 0 on success,
2 for unusable input (one clear message, no traceback).
"""

from __future__ import annotations

import os
import sys
from enum import Enum

import typer

from dlcalc import __version__
from dlcalc.errors import DlcalcError

EXIT_INPUT = 2
EXIT_OUTPUT = 74
EXIT_INTERNAL = 70

app = typer.Typer(
    name="dlcalc",
    help="Calculator and exam-problem solver for deep learning: every answer with its working.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    rich = "rich"
    plain = "plain"
    markdown = "markdown"
    latex = "latex"
    csv = "csv"
    json = "json"


class ShapesConvention(str, Enum):
    keras = "keras"
    pytorch = "pytorch"


FORMAT_OPTION = typer.Option(
    None,
    "--format",
    "-f",
    help="Output format [default: rich on a terminal, plain when piped]. "
    "json is a stable interface for scripts.",
    show_default=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dlcalc {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """Calculator and exam-problem solver for deep learning: every answer with its working."""


@app.command()
def shapes(
    arch_file: str = typer.Argument(
        ...,
        help="Architecture file (text, .json or .toml; - for standard input).",
        metavar="ARCH_FILE",
        show_default=False,
    ),
    output_format: OutputFormat | None = FORMAT_OPTION,
    convention: ShapesConvention | None = typer.Option(
        None,
        "--convention",
        help="Whose parameter counts: keras (BatchNorm 4·C, 2·C non-trainable) or pytorch "
        "(BatchNorm 2·C; two bias vectors in recurrent layers) [default: the file's "
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
) -> None:
    """Output shape, parameters (with working), MACs and receptive field of every layer.

    One layer a line, e.g. `input 32x32x1`, `conv 6 5x5`, `avgpool 2x2 stride=2`, `flatten`,
    `dense 84`. See the README for the full architecture-file reference.
    """
    from dlcalc.parse.architecture import parse_architecture
    from dlcalc.parse.source import read_source
    from dlcalc.render.formats import choose_format, emit, emit_json
    from dlcalc.render.shapes import shapes_json, shapes_report
    from dlcalc.solve.shapes import ShapesOptions, solve_shapes

    spec = parse_architecture(read_source(arch_file))
    chosen = convention.value if convention else spec.convention or "keras"
    options = ShapesOptions(convention=chosen, strict=strict, channels_first=channels_first)
    result = solve_shapes(spec, options)
    fmt = choose_format(output_format.value if output_format else None, sys.stdout)
    if fmt == "json":
        emit_json(shapes_json(result))
    else:
        emit(shapes_report(result, channels_first=channels_first), fmt)


def main() -> None:
    """The console script: run the app, turning input errors into a message and exit status 2."""
    try:
        app()
    except DlcalcError as error:
        sys.stderr.write(error.describe() + "\n")
        sys.exit(EXIT_INPUT)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except OSError as error:
        sys.stderr.write(f"error: cannot write the output: {error.strerror or error}\n")
        sys.exit(EXIT_OUTPUT)
    except Exception as error:  # never a traceback, unless asked for
        if os.environ.get("DLCALC_DEBUG"):
            raise
        sys.stderr.write(
            f"error: internal error ({type(error).__name__}: {error}).\n"
            "hint: this is a bug in dlcalc; run again with DLCALC_DEBUG=1 for the details.\n"
        )
        sys.exit(EXIT_INTERNAL)
