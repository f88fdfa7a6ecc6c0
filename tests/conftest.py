"""Shared helpers: run the CLI in-process, parse and solve architecture texts."""

from __future__ import annotations

import io
import json
import math
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from dlcalc.cli import main
from dlcalc.parse.architecture import parse_architecture
from dlcalc.parse.source import Source
from dlcalc.render.formats import text_cell
from dlcalc.render.working import arithmetic_cell
from dlcalc.solve.shapes import LayerResult, ShapesOptions, ShapesResult, solve_shapes

ROOT = Path(__file__).resolve().parent.parent
PROBLEMS = ROOT / "problems"


@dataclass
class Run:
    code: int
    out: str
    err: str


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def run_cli(*args: str, stdin: bytes = b"") -> Run:
    """Run ``dlcalc ARGS`` in this process, as the console script does."""
    out, err = io.StringIO(), io.StringIO()
    old_argv, old_stdin = sys.argv, sys.stdin
    sys.argv, sys.stdin = ["dlcalc", *args], _Stdin(stdin)  # type: ignore[assignment]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        sys.argv, sys.stdin = old_argv, old_stdin
    return Run(code, out.getvalue(), err.getvalue())


def shape_working(layer: LayerResult) -> str:
    """A layer's output-size working as the reports print it."""
    return text_cell(6)(arithmetic_cell(layer.output))


def params_working(layer: LayerResult) -> str:
    """A layer's parameter-count working as the reports print it."""
    return text_cell(6)(arithmetic_cell(layer.parameters))


def solve_text(text: str, convention: str = "keras", strict: bool = False) -> ShapesResult:
    spec = parse_architecture(Source("test.arch", text, ""))
    return solve_shapes(spec, ShapesOptions(convention=convention, strict=strict))  # type: ignore[arg-type]


@pytest.fixture
def arch_file(tmp_path: Path) -> Iterator:
    """Write an architecture text to a file and give its path."""

    def write(text: str, name: str = "net.arch") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)

    yield write


@cache
def oracle_cases(name: str) -> list[dict[str, Any]]:
    """The cases of ``tests/data/NAME``, an oracle script's committed output."""
    return json.loads((ROOT / "tests" / "data" / name).read_text(encoding="utf-8"))["cases"]


def assert_close(got: Any, expected: Any, where: str, tol: float = 1e-12) -> None:
    """Same nesting and lengths; numbers equal within ``tol`` (relative, absolute near 0)."""
    if isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), where
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_close(g, e, f"{where}[{i}]", tol)
        return
    assert isinstance(got, (int, float)) and not isinstance(got, bool), (where, got)
    assert math.isclose(got, expected, rel_tol=tol, abs_tol=tol), (where, got, expected)
