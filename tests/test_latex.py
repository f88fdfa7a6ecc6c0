"""Every command's LaTeX compiles with pdflatex, with no overfull box (nothing runs off an A4
page). Where pdflatex is missing the tests are skipped, except on CI, which installs it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PROBLEMS, ROOT, run_cli

COMMANDS = {
    "activate": ["activate", "sigmoid", "0.5", "-1", "--exact"],
    "activate-gelu": ["activate", "gelu", "1", "-2", "--approximate", "tanh", "--exact"],
    "activate-all-kinks": ["activate", "leaky_relu", "-3", "0", "2", "--exact"],
    "activate-gelu-erf": ["activate", "gelu", "-1", "2", "--exact"],
    "activate-mish": ["activate", "mish", "-1", "2", "--exact", "--plot"],
    "softmax": ["softmax", "5", "2", "-1", "3", "--target", "0", "--jacobian", "--exact"],
    "softmax-wide": ["softmax", *(str(i) for i in range(1, 13)), "--target", "3"],
    "loss": ["loss", "bce", "--pred", "0.9,0.2", "--target", "1,0", "--grad", "--exact"],
    "loss-examples": ["loss", "hinge", "--pred", "0.3,-2;1,1", "--target", "1,-1;1,1", "--grad"],
    "shapes": ["shapes", str(PROBLEMS / "shapes" / "lenet5-exam.arch")],
    "shapes-resnet": ["shapes", str(PROBLEMS / "shapes" / "models" / "resnet50-keras.arch")],
    "backprop": ["backprop", str(PROBLEMS / "backprop" / "classic-2-2-2.net")],
    "backprop-exact": ["backprop", str(PROBLEMS / "backprop" / "classic-2-2-2.net"), "--exact"],
    "optimize-function": shlex.split(
        'optimize adam --function "sin(x)*exp(y/2) + x**2/3" --start x=1,y=1 --steps 2 '
        "--schedule cosine:T=10"
    ),
    "check-network": [
        "check",
        str(PROBLEMS / "backprop" / "classic-2-2-2.net"),
        "--answer",
        "w5=0.441084",
    ],
    "optimize": ["optimize", "adam", "--grads", "0.2,-0.1,0.4", "--start", "w=0.5"],
    "optimize-compare": shlex.split(
        'optimize sgd --function "x**2 + 3*y**2" --start x=1,y=1 --steps 3 --compare'
    ),
    "check-optimizer": ["check", str(PROBLEMS / "optimize" / "adam-three-steps.opt")],
    "check": [
        "check",
        str(PROBLEMS / "shapes" / "lenet5-exam.arch"),
        "--answer",
        "conv1.params=150",
    ],
    "check-calc": ["check", str(PROBLEMS / "activations" / "sigmoid-table.calc"), "--notes"],
    "problems": ["problems"],
    "conv-transposed-grad": shlex.split(
        'conv --transpose --input "1 2; 3 4 | 0 1; 1 0" --kernel "1 -1; 2 0.5 | 0 1; 1 1" '
        '--stride 2 --padding 1 --output-padding 1 --bias 0.5 --grad "1 0 2; 0 1 0; -1 0 1"'
    ),
    "pool-avg": shlex.split('pool avg --input "1 3 2; 4 6 5; 7 8 9" --padding 1 --grad "1 2; 3 4"'),
    "batchnorm-grad": shlex.split(
        'batchnorm --input "1 2; 3 6; 5 1" --gamma 2,1 --beta 0.5 --grad "1 0; 0 1; 1 1"'
    ),
    "dropout": shlex.split('dropout --input "1 2; 3 4" --rate 0.25 --seed 2'),
    "grad-check": shlex.split(
        'grad "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))" --at w0=2,x0=-1,w1=-3,x1=-2,w2=-3 --check'
    ),
    "grad-nudge": shlex.split('grad "J = 3*(a + b*c)" --at a=5,b=3,c=2 --nudge 0.001'),
}


def _pdflatex() -> str:
    found = shutil.which("pdflatex")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing on CI (.ci/run installs texlive)")
        pytest.skip("pdflatex is not installed")
    return found


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_latex_compiles_without_overfull_boxes(args: list[str], tmp_path: Path) -> None:
    pdflatex = _pdflatex()
    run = run_cli(*args, "-f", "latex", "--standalone")
    assert run.code in (0, 1), run.err  # check exits 1 when an answer is wrong
    assert run.out.startswith("\\documentclass")
    (tmp_path / "report.tex").write_text(run.out, encoding="utf-8")
    compiled = subprocess.run(
        [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "report.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = (tmp_path / "report.log").read_text(encoding="latin-1")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert compiled.returncode == 0 and not errors, errors
    overfull = [line for line in log.splitlines() if line.startswith("Overfull")]
    assert not overfull, overfull


def test_standalone_is_only_for_latex() -> None:
    run = run_cli("activate", "relu", "1", "-f", "plain", "--standalone")
    assert run.code == 2
    assert "--standalone makes a LaTeX document" in run.err


def test_the_readme_gives_the_preamble() -> None:
    from dlcalc.render.latex import PREAMBLE

    assert PREAMBLE in (ROOT / "README.md").read_text(encoding="utf-8")
