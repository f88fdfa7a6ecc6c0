"""Every value of every command's JSON against the project's own high-precision oracle
(tests/data/precision/*.json, made by scripts/make_precision_oracle_*.py with mpmath at 100
digits, from the definitions, independently of dlcalc's code), at adversarial points: saturated
sigmoids and tanh, large and mixed logits, tiny and huge inputs, kinks, long optimizer runs.

A value agrees when it is within 1e−12 of the oracle's relative to it (1e−15 at ``--digits 15``,
where dlcalc computes at 40 digits), or when both are below float64's normal range
(2.2·10^−308), where a float64 has fewer digits than that."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli

DATA = Path(__file__).parent / "data" / "precision"
TINY = 2.2250738585072014e-308
CASES = [
    (path.stem, case)
    for path in sorted(DATA.glob("*.json"))
    for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
]


def found(data: Any, path: str) -> Any:
    """The value at a dotted path: ``rows.0.value``, ``steps.2.state.w.m_hat``."""
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def agrees(got: float, expected: Decimal, within: str = "1e-12") -> bool:
    if not math.isfinite(got):
        return False
    if abs(got) < TINY and abs(expected) < Decimal(TINY):
        return True
    return abs(Decimal(got) - expected) <= abs(expected) * Decimal(within)


def test_the_oracle_covers_every_command() -> None:
    commands = {case["args"][0] for _, case in CASES}
    assert {"activate", "softmax", "loss", "backprop", "optimize"} <= commands
    assert len(CASES) >= 200


@pytest.mark.parametrize("digits", [6, 15])
@pytest.mark.parametrize(("kind", "case"), CASES, ids=[f"{k}-{c['id']}" for k, c in CASES])
def test_every_value_agrees_with_the_high_precision_oracle(
    kind: str, case: dict[str, Any], digits: int, tmp_path: Path
) -> None:
    args = list(case["args"])
    for name, text in case.get("files", {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        args = [str(tmp_path / name) if arg == name else arg for arg in args]
    run = run_cli(*args, "-f", "json", "--digits", str(digits))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    within = "1e-12" if digits == 6 else "1e-15"
    wrong = {
        path: (found(data, path), value)
        for path, value in case["expect"].items()
        if not agrees(found(data, path), Decimal(value), within)
    }
    assert not wrong, wrong
