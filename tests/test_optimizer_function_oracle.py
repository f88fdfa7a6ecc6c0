"""`dlcalc optimize --function` against torch.optim and keras.optimizers with the gradient of
every step by torch autograd (the "function_cases" of tests/data/optimizer_oracle.json, made by
scripts/make_optimizer_oracle.py): the same parameters and the same f after every step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli

ORACLE = json.loads(
    (Path(__file__).parent / "data" / "optimizer_oracle.json").read_text(encoding="utf-8")
)
CASES = ORACLE["function_cases"]
SWITCHES = ("nesterov", "amsgrad", "centered")
OPTIONS = ("lr", "momentum", "beta1", "beta2", "rho", "eps", "weight_decay")


def cli_args(case: dict) -> list[str]:
    """The `dlcalc optimize` command line of a case (hyper-parameters in dlcalc's names)."""
    hyper = case["hyper"]
    assert set(hyper) <= set(SWITCHES) | set(OPTIONS), hyper
    start = ",".join(f"{name}={value!r}" for name, value in case["start"].items())
    args = [case["optimizer"], "--function", case["function"], "--start", start]
    args += ["--steps", str(case["steps"]), "--convention", case["convention"]]
    for key in OPTIONS:
        if key in hyper:
            args += ["--" + key.replace("_", "-"), repr(float(hyper[key]))]
    args += [f"--{key}" for key in SWITCHES if hyper.get(key)]
    return args


def test_the_function_cases_are_there() -> None:
    assert len(CASES) >= 30
    assert {c["convention"] for c in CASES} == {"pytorch", "keras"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_the_frameworks_path_on_a_function(case: dict) -> None:
    run = run_cli("optimize", *cli_args(case), "-f", "json")
    assert run.code == 0, run.err
    steps = json.loads(run.out)["steps"]
    assert len(steps) == case["steps"]
    names = list(case["start"])
    got = [step["params"][name] for step in steps for name in names]
    expected = [value for row in case["values"] for value in row]
    assert got == pytest.approx(expected, rel=1e-10, abs=1e-12)
    assert [step["f"] for step in steps] == pytest.approx(case["f"], rel=1e-10, abs=1e-12)
