"""Every optimizer against torch.optim and keras.optimizers (tests/data/optimizer_oracle.json,
made by scripts/make_optimizer_oracle.py): the same parameters after every step, and the same
defaults as each framework's constructor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlcalc.solve.optimizers import run_steps, settings

ORACLE = json.loads(
    (Path(__file__).parent / "data" / "optimizer_oracle.json").read_text(encoding="utf-8")
)
SWITCHES = ("nesterov", "amsgrad", "centered")


def _split(hyper: dict) -> tuple[dict[str, float], dict[str, bool]]:
    numbers = {k: float(v) for k, v in hyper.items() if k not in SWITCHES}
    return numbers, {k: bool(hyper.get(k, False)) for k in SWITCHES}


@pytest.mark.parametrize("case", ORACLE["cases"], ids=[c["id"] for c in ORACLE["cases"]])
def test_the_frameworks_parameters_after_every_step(case: dict) -> None:
    numbers, switches = _split(case["hyper"])
    s = settings(case["optimizer"], case["convention"], numbers, **switches)
    grads = case["grads"]
    steps = run_steps(s, case["start"], lambda t, theta: list(grads[t - 1]), len(grads))
    names = list(case["start"])
    got = [step.parameters[i].new for step in steps for i in range(len(names))]
    expected = [value for row in case["values"] for value in row]
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("case", ORACLE["cases"], ids=[c["id"] for c in ORACLE["cases"]])
def test_the_frameworks_defaults(case: dict) -> None:
    numbers, _ = _split(case["defaults"])
    ours = settings(case["optimizer"], case["convention"], {}).hyper
    for key, value in numbers.items():
        if key in ours:
            assert ours[key] == pytest.approx(value), key
