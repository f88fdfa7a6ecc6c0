"""`dlcalc grad`: the course's computation graphs, nudges and gradient checking, read as the
notes write them (the numbers are checked against PyTorch autograd in ``test_grad_oracle.py``)."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli


def _json(*args: str) -> dict:
    run = run_cli("grad", *args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_the_notes_computation_graph() -> None:
    data = _json("J = 3*(a + b*c)", "--at", "a=5,b=3,c=2", "--name", "u=b*c", "--name", "v=a+u")
    assert data["value"] == 33.0
    assert data["gradient"] == {"a": 3.0, "b": 6.0, "c": 9.0}
    assert [(n["name"], n["value"], n["grad"]) for n in data["nodes"]] == [
        ("u", 6.0, 3.0),
        ("v", 11.0, 3.0),
        ("J", 33.0, 1.0),
    ]
    plain = run_cli(
        "grad", "J = 3*(a + b*c)", "--at", "a=5,b=3,c=2", "--name", "u=b*c", "--name", "v=a+u",
        "-f", "plain",
    ).out  # fmt: skip
    assert "dJ/db = 6  dJ/du·du/db = 3·2 = 6  du/db = 2" in plain
    assert "v     v = a + u  a, u    5 + 6 = 11" in plain


def test_unnamed_nodes_are_u_v_w_and_a_repeated_part_is_one_node() -> None:
    data = _json("(x + y)*z + (x + y)", "--at", "x=-2,y=5,z=-4")
    assert [n["name"] for n in data["nodes"]] == ["u", "v", "f"]
    assert data["gradient"] == {"x": -3.0, "y": -3.0, "z": 3.0}  # z + 1 through both uses


@pytest.mark.parametrize(
    ("formula", "point", "slope"),
    [
        ("a**2", "a=2", 4.001),  # (4.004001 − 4)/0.001
        ("a^3", "a=2", 12.006001),
        ("log(a)", "a=2", (math.log(2.001) - math.log(2)) / 0.001),
    ],
)
def test_the_notes_nudges(formula: str, point: str, slope: float) -> None:
    data = _json(formula, "--at", point, "--nudge", "0.001")
    assert data["numeric"]["a"]["one_sided"] == pytest.approx(slope, rel=1e-9)


def test_x_squared_plus_two_nudged_as_the_notes_write_it() -> None:
    for x, shown, slope in (("2", "6.00040001", "4.0001"), ("5", "27.00100001", "10.0001")):
        out = run_cli("grad", "x**2 + 2", "--at", f"x={x}", "--nudge", "0.0001", "-f", "plain").out
        assert f"({shown} − " in out and f"= {slope}" in out


def test_gradient_checking_of_the_sigmoid_neuron() -> None:
    data = _json(
        "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))", "--at", "w0=2,x0=-1,w1=-3,x1=-2,w2=-3", "--check"
    )
    assert data["value"] == pytest.approx(0.7310585786300049, rel=1e-15)
    assert data["gradient"]["x0"] == pytest.approx(0.39322386648296376, rel=1e-12)
    assert data["passed"] is True and data["difference"] < 1e-7


def test_a_kink_takes_the_frameworks_convention() -> None:
    data = _json("relu(x) + max(x, y)", "--at", "x=0,y=0")
    assert data["gradient"] == {"x": 1.0, "y": 0.0}  # ReLU′(0) = 0; max passes a tie to x


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["a*b", "--at", "a=1"], "'b' has no value"),
        (["sinh(a)", "--at", "a=1"], "unknown function 'sinh'"),
        (["log(a)", "--at", "a=-1"], "the formula cannot be computed at the point"),
        (["a/b", "--at", "a=1,b=0"], "the formula cannot be computed at the point"),
        (["(-2)**a", "--at", "a=1"], "the derivative of ^(-2, 1) with respect to its argument 2"),
        (["log(a)", "--at", "a=0.0005", "--nudge", "0.001"], "leaves the formula's domain"),
        (["a*b", "--at", "a=1,b=2", "--name", "a=b"], "each --name must be NEW=FORMULA"),
        (["a*b", "--at", "a=1,b=2", "--nudge", "0"], "--nudge must be positive"),
        (["a*b"], "grad needs --at"),
        (["a.real", "--at", "a=1"], "cannot read this part of the formula"),
        (["9**9**9", "--at", "a=1"], "beyond float64"),
    ],
)
def test_bad_input_gets_one_message(args: list[str], says: str) -> None:
    run = run_cli("grad", *args)
    assert run.code == 2 and run.out == "", run.err
    assert says in run.err and run.err.startswith("error:"), run.err


@pytest.mark.parametrize(
    ("args", "heavy"),
    [
        (["grad", "a*b", "--at", "a=1,b=2"], ()),
        (["grad", "a*b", "--at", "a=1,b=2", "--nudge", "0.1"], ("mpmath",)),
        (["conv", "--input", "1 2; 3 4", "--kernel", "1", "--grad", "1 0; 0 1"], ()),
        (["batchnorm", "--input", "1; 2", "--grad", "1; 0"], ()),
    ],
)
def test_the_hand_computed_commands_start_light(args: list[str], heavy: tuple[str, ...]) -> None:
    """No SymPy or NumPy; mpmath only where a nudge computes at 40 digits."""
    code = (
        "import sys\nfrom dlcalc.cli import main\n"
        f"sys.argv = ['dlcalc', *{args!r}, '-f', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(m for m in ('sympy', 'numpy', 'mpmath') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert proc.stderr.split() == list(heavy), proc.stderr


def test_exact_gives_each_derivative_in_closed_form() -> None:
    data = _json("J = 3*(a + b*c)", "--at", "a=5,b=3,c=2", "--exact")
    assert data["exact"] == {"a": "3", "b": "3·c", "c": "3·b"}
    kink = _json("relu(x)*y", "--at", "x=2,y=3", "--exact")
    assert kink["exact"]["x"] == "y*Heaviside(x)"  # SymPy's own text where no tree prints it


def test_exact_with_a_nudge_reads_the_numbers_as_written() -> None:
    """--nudge computes at 40 digits; the closed form still takes the formula's 0.5 as ½."""
    data = _json("0.5*x**2", "--at", "x=3", "--nudge", "0.001", "--exact")
    assert data["exact"] == {"x": "x"} and data["gradient"] == {"x": 3.0}
