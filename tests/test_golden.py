"""Golden outputs: each format of a few representative problems, compared whole, so that a
printer change shows up as a diff to review. After a deliberate change, write them anew with
``DLCALC_GOLDEN=write pytest tests/test_golden.py`` and read the diff before committing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden"
PROBLEMS = {
    "activate-sigmoid": ["activate", "sigmoid", "0.5", "-1", "--exact"],
    "activate-relu-kink": ["activate", "relu", "-1", "0", "2"],
    "softmax-target": ["softmax", "5", "2", "-1", "3", "--target", "0", "--jacobian"],
    "loss-bce": ["loss", "bce", "--pred", "0.9,0.2", "--target", "1,0", "--grad", "--exact"],
    "shapes-lenet5": ["shapes", "problems/shapes/lenet5-exam.arch"],
    "shapes-alexnet-same": ["shapes", "problems/shapes/alexnet-style-same-padding-exam.arch"],
    "backprop-classic": ["backprop", "problems/backprop/classic-2-2-2.net"],
    "optimize-adam": ["optimize", "adam", "--grads", "0.2,-0.1", "--start", "w=0.5"],
    "conv-two-channels-grad": [
        "conv",
        "--input",
        "1 2 0; 0 1 3; 2 1 1 | 1 0 1; 2 2 0; 0 1 1",
        "--kernel",
        "1 0; 0 -1 | 0.5 1; 1 0",
        "--bias",
        "0.5",
        "--padding",
        "1",
        "--stride",
        "2",
        "--grad",
        "1 0; 0 2",
    ],
    "pool-max-grad": [
        "pool",
        "max",
        "--input",
        "1 3 2 1; 4 6 5 2; 7 8 9 1; 0 2 3 4",
        "--grad",
        "1 2; 3 4",
    ],
    "batchnorm-grad": [
        "batchnorm",
        "--input",
        "1 2; 3 6; 5 1",
        "--gamma",
        "2,1",
        "--beta",
        "0.5",
        "--grad",
        "1 0; 0 1; 1 1",
    ],
    "grad-nudge": [
        "grad",
        "J = 3*(a + b*c)",
        "--at",
        "a=5,b=3,c=2",
        "--name",
        "u=b*c",
        "--nudge",
        "0.001",
    ],
    "check-classic": [
        "check",
        "problems/backprop/classic-2-2-2.net",
        "--answer",
        "w5=0.441084",
        "--answer",
        "delta_o1=0.1385",
    ],
    "check-lenet5": [
        "check",
        "problems/shapes/lenet5-exam.arch",
        "--answer",
        "conv2.params=416",
        "--answer",
        "conv1.H=28",
    ],
}
FORMATS = {
    "plain": "txt",
    "rich": "rich.txt",
    "markdown": "md",
    "latex": "tex",
    "csv": "csv",
    "json": "json",
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", PROBLEMS)
def test_golden_output(name: str, fmt: str, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # paths in the output as typed from the repository
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    run = run_cli(*PROBLEMS[name], "-f", fmt)
    assert run.code in (0, 1), run.err
    path = GOLDEN / f"{name}.{FORMATS[fmt]}"
    if os.environ.get("DLCALC_GOLDEN") == "write":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(run.out, encoding="utf-8")
    assert run.out == path.read_text(encoding="utf-8")
