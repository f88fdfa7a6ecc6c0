"""Past float64's promise: ``--digits`` above 12 and answers written to more than 12 digits are
computed at 40 digits (mpmath) and rounded back; the default stays float64."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROBLEMS, ROOT, run_cli
from dlcalc.steps import arith
from dlcalc.steps.printer import format_number

CLASSIC = PROBLEMS / "backprop" / "classic-2-2-2.net"
PRECISE_FILES = sorted([*PROBLEMS.rglob("*.net"), *PROBLEMS.rglob("*.opt")])


def test_the_arithmetic_is_float64_again_after_precise_even_after_an_error() -> None:
    with pytest.raises(ZeroDivisionError), arith.precise():
        assert arith.is_mpf(arith.exp(1))
        assert str(arith.real(0.1)).startswith("0.1000000000000000055511151231257827")
        1 / 0  # noqa: B018
    assert arith.exp is math.exp and arith.real is float and not arith.is_precise
    with arith.precise(decimals=True):  # a float64 read as the decimal that reads as it
        assert str(arith.real(0.1)) == "0.1"


def test_rounded_gives_float64_or_a_decimal_beyond_its_range() -> None:
    with arith.precise():
        third = arith.real(1) / 3
        tiny = arith.exp(arith.real(-1000))
        beyond = arith.exp(arith.real(-1e300))
    assert arith.rounded(third) == 1 / 3 and isinstance(arith.rounded(third), float)
    assert str(arith.rounded(tiny)).startswith("5.0759588975494567653E-435")
    assert arith.rounded(beyond) == 0.0  # beyond 10^(−10^9): as float64, 0


@pytest.mark.parametrize("path", PRECISE_FILES, ids=lambda p: p.name)
def test_at_fifteen_digits_the_report_prints_the_json_values_to_fifteen_digits(
    path: Path,
) -> None:
    """Every value of the working, written to 15 digits, is in the plain report: the report's
    numbers are the rounded values of the 40-digit computation, nothing else."""
    command = "optimize" if path.suffix == ".opt" else "backprop"
    data = json.loads(run_cli(command, str(path), "--digits", "15", "-f", "json").out)
    plain = run_cli(command, str(path), "--digits", "15", "-f", "plain")
    assert plain.code == 0, plain.err
    values = [s["value"] for s in data["working"] if isinstance(s["value"], float)]
    missing = [v for v in values if format_number(v, 15) not in plain.out]
    assert values and not missing


def test_fifteen_digits_of_a_long_chain_are_those_of_the_exact_value() -> None:
    """classic-2-2-2's w₅ after one step is 0.358916479717885 to 15 digits (mpmath at 60
    digits, from the decimals of the file, gives 0.35891647971788465...)."""
    run = run_cli("backprop", str(CLASSIC), "--digits", "15", "-f", "plain")
    row = "w5          0.4    0.0821670405642308    −0.0410835202821154  0.358916479717885"
    assert row in run.out.splitlines()


def test_an_optimizer_report_works_to_the_digits_asked() -> None:
    run = run_cli(
        *("optimize", "adam", "--function", "(x-1)^2 + 10*(y+x^2)^2"),
        *("--start", "x=0.5,y=1", "--steps", "1", "--digits", "15", "-f", "plain"),
    )
    assert "f(x, y) = f(0.499000000000417, 0.9990000000004) = 15.8260659600299" in run.out


def test_check_marks_an_answer_of_fifteen_digits_against_the_exact_value(tmp_path) -> None:
    """0.358916479717900 is within float64's 1e−12 of w₅ = 0.35891647971788465 but wrong in
    its 14th digit: at 15 digits, check computes at 40 and says so; 0.358916479717885 is right."""

    def correct(value: str) -> bool:
        run = run_cli("check", str(CLASSIC), "--answer", f"w5={value}", "-f", "json")
        return json.loads(run.out)["answers"][0]["correct"]

    assert correct("0.358916479717885")
    assert correct("0.35891647971788465")
    assert not correct("0.358916479717900")
    assert correct("0.358916479717884")  # truncated: right, as at any precision
    assert not correct("0.358916479717883")
    assert correct("0.3589164797")  # ten digits: float64, as always


def test_the_default_digits_do_not_load_mpmath() -> None:
    code = (
        "import sys\nfrom dlcalc.cli import main\n"
        "sys.argv = ['dlcalc', 'backprop', sys.argv[1]] + sys.argv[2:]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(str('mpmath' in sys.modules))\n"
    )

    def loads(*args: str) -> str:
        run = [sys.executable, "-c", code, str(CLASSIC), *args]
        return subprocess.run(run, capture_output=True, text=True, cwd=ROOT).stderr[-5:]

    assert loads().endswith("False")
    assert loads("--digits", "15").endswith("True")
