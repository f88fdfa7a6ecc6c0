"""`dlcalc grad` against PyTorch autograd (float64) on random formulas.

The data is made by ``scripts/make_grad_oracle.py`` (which does not import dlcalc) and
committed, so that these tests need no PyTorch.  Each case is a command line after ``dlcalc``
with the expected ``value`` and ``gradient`` (autograd), with ``--nudge`` the ``numeric``
one- and two-sided estimates (float64 evaluations of the formula, compared at 1e-9) and with
``--check`` ``passed`` and ``difference`` (rounding noise: only difference < 1e-6 is asked).

Regenerate (from the repository root; own virtual environment with torch):
    /work/oracle-venv/bin/python scripts/make_grad_oracle.py
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import assert_close, oracle_cases, run_cli

FEATURES = (
    *("add", "sub", "mul", "div", "neg", "pow-int", "pow-general", "constant-base", "caret"),
    *("starstar", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "max", "min"),
    *("relu-negative", "abs-negative", "max-second", "min-second", "named", "nudge", "check"),
    *("threshold", "course", "vars1", "vars2", "vars3", "vars4", "depth1", "depth4"),
)


def cases() -> list[dict[str, Any]]:
    return oracle_cases("grad_oracle.json")


def case_id(index: int) -> str:
    case = cases()[index]
    kind = "-nudge" if "numeric" in case else "-check" if "passed" in case else ""
    return f"{index:03d}{kind}"


def test_the_oracle_is_large_and_varied() -> None:
    assert len(cases()) >= 200
    present = {feature for case in cases() for feature in case["features"]}
    assert set(FEATURES) <= present, set(FEATURES) - present


@pytest.mark.parametrize("index", range(len(cases())), ids=case_id)
def test_matches_pytorch(index: int) -> None:
    case = cases()[index]
    run = run_cli(*case["args"], "-f", "json")
    assert run.code == 0, run.err
    got = json.loads(run.out)
    tol = 1e-10 if "pow-general" in case["features"] else 1e-12
    assert_close(got["value"], case["value"], "value", tol)
    assert set(got["gradient"]) == set(case["gradient"])
    for name, expected in case["gradient"].items():
        assert_close(got["gradient"][name], expected, f"gradient {name}", tol)
    for name, estimates in case.get("numeric", {}).items():
        for side, expected in estimates.items():
            assert_close(got["numeric"][name][side], expected, f"numeric {name} {side}", 1e-9)
    if "passed" in case:
        assert got["passed"] is True
        assert got["difference"] < 1e-6
