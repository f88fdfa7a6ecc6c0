"""What the command line does around the solvers: the output written to the terminal or to a
file (whole or not at all, its format from the suffix), and, before Click reads the arguments,
``--plot FILE`` told apart from the ``--plot`` flag and ``--no-color`` taken anywhere."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlcalc.errors import DlcalcError, Location

if TYPE_CHECKING:
    from dlcalc.render.report import Report

SUFFIX_FORMATS = {
    ".json": "json",
    ".tex": "latex",
    ".md": "markdown",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
}


PICTURES = (".svg", ".png")


def no_color_first(args: list[str]) -> list[str]:
    """``--no-color`` anywhere before a ``--`` moved to the front, where ``dlcalc`` takes it
    (``dlcalc shapes lenet5-exam --no-color`` as ``dlcalc --no-color shapes lenet5-exam``)."""
    end = args.index("--") if "--" in args else len(args)
    if "--no-color" not in args[:end]:
        return args
    rest = [arg for i, arg in enumerate(args) if arg != "--no-color" or i >= end]
    return ["--no-color", *rest]


def plot_files(args: list[str]) -> list[str]:
    """``--plot FILE.svg`` (or ``.png``, or ``--plot=FILE``) as ``--plot-file FILE``: the flag
    ``--plot`` draws in the terminal, with a picture's name it writes the picture."""
    found: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg.startswith("--plot=") and arg != "--plot=":
            found += ["--plot-file", arg.split("=", 1)[1]]
        elif arg == "--plot" and (ahead := next(rest, None)) is not None:
            found += ["--plot-file", ahead] if _names_a_file(ahead) else [arg, ahead]
        else:
            found.append(arg)
    return found


def _names_a_file(arg: str) -> bool:
    """A picture's name (``path.svg``), or a word that is neither an option nor a number (a
    file of another kind, which the plot refuses with a message)."""
    if arg.lower().endswith(PICTURES):
        return True
    if arg.startswith("-") or not arg:
        return False
    from fractions import Fraction

    try:
        Fraction(arg)
    except ValueError:
        return True
    return False


def show(
    output_format: Enum | None,
    as_json: Callable[[], dict[str, Any]],
    as_report: Callable[[], Report],
    standalone: bool = False,
    output: str | None = None,
) -> None:
    """Print a result as JSON or as a report, in the chosen (or the terminal's) format; with
    ``output``, into that file, written whole or not at all."""
    from dlcalc.render.formats import choose_format

    if output is not None:
        import io

        buffer = io.StringIO()
        suffix = SUFFIX_FORMATS.get(Path(output).suffix.lower(), "plain")
        chosen = output_format.value if output_format else suffix
        _write(buffer, "plain" if chosen == "rich" else chosen, as_json, as_report, standalone)
        with _writing():
            _replace(Path(output), buffer.getvalue())
        return
    fmt = choose_format(output_format.value if output_format else None, sys.stdout)
    with _writing():
        _write(sys.stdout, fmt, as_json, as_report, standalone)


class OutputFailed(Exception):
    """The output could not be written (a full disk, a closed terminal): exit status 74."""


@contextmanager
def _writing() -> Iterator[None]:
    """An OSError while writing the output is the output's failure, not the input's."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputFailed(error.strerror or str(error)) from error


def _write(
    stream: Any,
    fmt: str,
    as_json: Callable[[], dict[str, Any]],
    as_report: Callable[[], Report],
    standalone: bool,
) -> None:
    from dlcalc.render.formats import emit, emit_json

    if standalone and fmt != "latex":
        raise DlcalcError(
            "--standalone makes a LaTeX document, but the format is " + fmt,
            location=Location("<command line>"),
            expected="--format latex with --standalone",
        )
    if fmt == "json":
        emit_json(as_json(), stream)
    else:
        emit(as_report(), fmt, stream, standalone=standalone)  # type: ignore[arg-type]


def _replace(path: Path, text: str) -> None:
    """``path`` holds ``text``, or is left as it was: written beside it, then renamed."""
    from dlcalc.atomic import write_atomically

    write_atomically(path, lambda out: out.write(text.encode("utf-8")))
