"""dlcalc from Python: the same results as the command line, as objects."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import dlcalc
from conftest import PROBLEMS, ROOT, run_cli

LENET = PROBLEMS / "shapes" / "lenet5-exam.arch"


def test_shapes_from_a_path_and_from_text() -> None:
    from_path = dlcalc.shapes(str(LENET))
    from_text = dlcalc.shapes(LENET.read_text(encoding="utf-8"))
    assert from_path.total_params == from_text.total_params == 61706
    assert from_path.layers[0].output_shape == (28, 28, 6)
    cli = json.loads(run_cli("shapes", str(LENET), "-f", "json").out)
    assert from_path.to_dict() == cli
    assert json.loads(from_path.to_json()) == cli
    assert dlcalc.shapes(LENET, convention="pytorch").convention == "pytorch"


def test_activate_steps_and_every_format() -> None:
    result = dlcalc.activate("sigmoid", [0.5, -2], digits=4)
    assert [s.name for s in result.working] == [
        "sigmoid(0.5)",
        "sigmoid'(0.5)",
        "sigmoid(-2)",
        "sigmoid'(-2)",
    ]
    assert result.rows[0].value.value == pytest.approx(0.6224593312018546, rel=1e-15)
    assert (
        result.to_text()
        == run_cli("activate", "sigmoid", "0.5", "-2", "--digits", "4", "-f", "plain").out
    )
    assert result.to_markdown().startswith("## Activation: sigmoid")
    assert result.to_latex(standalone=True).startswith("\\documentclass")
    # Jupyter: the formulas typeset by MathJax
    shown = result._repr_markdown_()
    assert r"$\sigma(0.5) = \frac{1}{1 + e^{-0.5}} = \frac{1}{1 + 0.6065}$" in shown


def test_softmax_loss_backprop_optimize_and_check() -> None:
    probabilities = dlcalc.softmax([5, 2, -1, 3], target=0)
    assert probabilities.loss.value == pytest.approx(0.1719353933, rel=1e-9)
    assert probabilities.argmax == 0
    two = dlcalc.loss("bce", [[0.9, 0.2], [0.5, 0.5]], [[1, 0], [1, 1]], grad=True)
    assert two.value == pytest.approx(0.4286996070, rel=1e-9)
    assert two.gradient[1] == pytest.approx((-0.5, -0.5))
    net = dlcalc.backprop(PROBLEMS / "backprop" / "classic-2-2-2.net")
    assert net.steps[0].loss.value == pytest.approx(0.298371109, rel=1e-8)
    assert net.working[0].name == "net_h1"
    adam = dlcalc.optimize("adam", start={"w": 0.5}, grads=[0.2, -0.1, 0.4])
    assert adam.to_dict()["steps"][0]["params"]["w"] == pytest.approx(0.49900000005, rel=1e-12)
    assert [s.name for s in adam.working[:2]] == ["m_w_1", "v_w_1"]
    marked = dlcalc.check("lenet5-exam", {"conv1.params": 150, "total_params": "61,706"})
    assert [m.correct for m in marked.marked] == [False, True]
    assert marked.right == 1


def test_bad_input_raises_the_command_lines_error() -> None:
    with pytest.raises(dlcalc.DlcalcError, match="unknown activation function 'sigmoidd'"):
        dlcalc.activate("sigmoidd", [1])
    with pytest.raises(dlcalc.DlcalcError, match="unknown layer kind"):
        dlcalc.shapes("input 4x4x1\nfrobnicate 3\n")
    with pytest.raises(dlcalc.DlcalcError, match=r"no such file: missing\.arch"):
        dlcalc.shapes("missing.arch")


def test_importing_dlcalc_loads_neither_the_api_nor_sympy() -> None:
    code = "import sys, dlcalc; print(sorted(m for m in ('dlcalc.api', 'sympy', 'numpy') if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_the_package_is_typed() -> None:
    assert (ROOT / "src" / "dlcalc" / "py.typed").exists()


def test_the_readme_example_runs(monkeypatch) -> None:
    import doctest

    monkeypatch.chdir(ROOT)  # the example's paths are the repository's
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## From Python") :]
    example = re.search(r"```python\n(.*?)```", section, re.S)
    assert example is not None
    parser = doctest.DocTestParser()
    test = parser.get_doctest(example.group(1), {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 4


def test_library_names_and_digits_past_twelve_as_on_the_command_line() -> None:
    """``dlcalc.backprop("classic-2-2-2", digits=15)`` is the command line's
    ``dlcalc backprop classic-2-2-2 --digits 15``: the library problem, computed at 40 digits."""
    net = dlcalc.backprop("classic-2-2-2", digits=15)
    cli = json.loads(run_cli("backprop", "classic-2-2-2", "--digits", "15", "-f", "json").out)
    assert net.to_dict() == cli
    assert dlcalc.shapes("lenet5-exam").total_params == 61706
    fifteen = dlcalc.check("classic-2-2-2", {"w5": "0.358916479717900"})
    assert not fifteen.marked[0].correct  # wrong in its 14th digit, caught at 40 digits
