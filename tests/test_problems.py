"""Every bundled problem gives the answers recorded in its own ``expected`` section."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from conftest import PROBLEMS, run_cli
from dlcalc.parse.answers import parse_answers
from dlcalc.parse.optimizer import optimize_file
from dlcalc.parse.source import read_source
from dlcalc.spec.optimizer import OPTIMIZERS

ARCH_FILES = sorted(PROBLEMS.rglob("*.arch"))
NET_FILES = sorted(PROBLEMS.rglob("*.net"))
OPT_FILES = sorted(PROBLEMS.rglob("*.opt"))
ALL_FILES = sorted(ARCH_FILES + NET_FILES + OPT_FILES + list(PROBLEMS.rglob("*.calc")))


def test_the_library_has_the_required_problems() -> None:
    names = {path.stem for path in ARCH_FILES}
    required = {
        "lenet5-exam",
        "alexnet-style-same-padding-exam",
        "mnist-conv-pool-chain",
        "alexnet-torchvision",
        "vgg16-torchvision",
        "vgg19-torchvision",
        "resnet18-torchvision",
        "resnet50-torchvision",
        "resnet50-keras",
        "mobilenet-v1-keras",
    }
    assert required <= names


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: str(p.relative_to(PROBLEMS)))
def test_every_problem_checks_its_own_expected_answers(path: Path) -> None:
    """`dlcalc check` on each bundled problem marks its recorded answers all right (exit 0)."""
    source = read_source(str(path))
    assert parse_answers(source), f"{path.name} records no expected answers"
    run = run_cli("check", str(path), "--format", "json")
    assert run.code == 0, run.out + run.err
    data = json.loads(run.out)
    assert data["right"] == data["total"] == len(parse_answers(source))


@pytest.mark.parametrize(
    ("name", "total", "trainable", "non_trainable"),
    [
        ("alexnet-torchvision", 61_100_840, 61_100_840, 0),
        ("vgg16-torchvision", 138_357_544, 138_357_544, 0),
        ("vgg19-torchvision", 143_667_240, 143_667_240, 0),
        ("resnet18-torchvision", 11_689_512, 11_689_512, 0),
        ("resnet50-torchvision", 25_557_032, 25_557_032, 0),
        ("resnet50-keras", 25_636_712, 25_583_592, 53_120),
        ("mobilenet-v1-keras", 4_253_864, 4_231_976, 21_888),
    ],
)
def test_standard_models_match_published_counts(
    name: str, total: int, trainable: int, non_trainable: int
) -> None:
    (path,) = [p for p in ARCH_FILES if p.stem == name]
    run = run_cli("shapes", str(path), "--format", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert (data["total_params"], data["trainable_params"], data["non_trainable_params"]) == (
        total,
        trainable,
        non_trainable,
    )
    assert data["layers"][-1]["output_shape"] == [1000]


def test_the_library_has_the_published_backprop_examples() -> None:
    assert {"classic-2-2-2", "textbook-3-2-1"} <= {path.stem for path in NET_FILES}


def test_the_library_has_an_optimizer_exercise_for_every_optimizer() -> None:
    assert {optimize_file(read_source(str(path))).optimizer for path in OPT_FILES} == set(
        OPTIMIZERS
    )


def _command(path: Path) -> list[str]:
    """The command that solves a problem file."""
    if path.suffix in (".opt", ".net"):
        return ["optimize" if path.suffix == ".opt" else "backprop", str(path)]
    if path.suffix == ".calc":
        lines = path.read_text(encoding="utf-8").splitlines()
        line = next(line for line in lines if line.strip() and not line.startswith("#"))
        return shlex.split(line)
    return ["shapes", str(path)]


def _stem(path: Path) -> str:
    return path.stem


def _written(value: object) -> str:
    if isinstance(value, list):
        return "x".join(str(v) for v in value)
    return repr(value)


STEP_FILES = sorted(ALL_FILES)


@pytest.mark.parametrize("path", STEP_FILES, ids=lambda p: str(p.relative_to(PROBLEMS)))
def test_every_step_of_the_working_is_an_answer_and_its_own_value_is_right(
    path: Path, tmp_path: Path
) -> None:
    """Every name in the JSON ``working`` is an answer name, and each step's own value,
    written out in full, is marked right."""
    working = json.loads(run_cli(*_command(path), "-f", "json").out)["working"]
    answers = tmp_path / "answers.txt"
    answers.write_text(
        "".join(f"{step['name']} = {_written(step['value'])}\n" for step in working),
        encoding="utf-8",
    )
    run = run_cli("check", str(path), "--answers", str(answers), "-f", "json")
    assert run.code == 0, run.out + run.err
    data = json.loads(run.out)
    assert data["right"] == data["total"] == len(working)
    assert [m["name"] for m in data["answers"]] == [step["name"] for step in working]


def test_every_command_takes_a_library_problem_by_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # no problems/ folder here: the names come from the library
    shapes = json.loads(run_cli("shapes", "lenet5-exam", "-f", "json").out)
    assert shapes["total_params"] == 61706
    network = json.loads(run_cli("backprop", "classic-2-2-2", "-f", "json").out)
    assert network["steps"][0]["loss"] == pytest.approx(0.298371109, abs=1e-9)
    steps = json.loads(run_cli("optimize", "adam-three-steps", "-f", "json").out)["steps"]
    assert steps[-1]["params"]["w"] == pytest.approx(0.4980755515, abs=1e-10)
    assert json.loads(run_cli("optimize", "adam", "--grads", "0.2", "--start", "w=1",
                              "-f", "json").out)["optimizer"] == "adam"  # fmt: skip
    wrong = run_cli("shapes", "classic-2-2-2")
    assert wrong.code == 2 and "is a network problem" in wrong.err
    assert "dlcalc backprop classic-2-2-2" in wrong.err
    missing = run_cli("shapes", "nosuch.arch")
    assert missing.code == 2 and "`dlcalc problems` lists" in missing.err


CALC_FILES = sorted(PROBLEMS.rglob("*.calc"))


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("path", [*ARCH_FILES, *NET_FILES, *OPT_FILES, *CALC_FILES], ids=_stem)
def test_every_library_report_fits_the_terminal(path: Path, width: int, monkeypatch) -> None:
    """No line wider than the terminal (columns that cannot fit are folded into a second
    table), and the numbers a student came for are never split across lines: every count, and
    every value of the working as the report writes it."""
    from dlcalc.render.formats import columns_of
    from dlcalc.steps.printer import format_number

    monkeypatch.setenv("COLUMNS", str(width))
    command = _command(path)
    out = run_cli(*command, "-f", "rich").out
    assert max(columns_of(line) for line in out.splitlines()) <= width
    data = json.loads(run_cli(*command, "-f", "json").out)
    if command[0] == "shapes":
        assert f"{data['total_params']:,}" in out
        for layer in data["layers"]:
            assert f"{layer['params']:,}" in out, layer["name"]
        return
    values = [s["value"] for s in data["working"] if isinstance(s["value"], float)]
    words = set(out.replace("(", " ").replace(")", " ").split())
    words |= {
        format_number(float(w.replace("−", "-")), 6) for w in words if _decimal(w)
    }  # 8.012006001 too
    assert values and {format_number(v, 6) for v in values} <= words


def _decimal(word: str) -> bool:
    """A number written out in full (as a nudged value is, with the digits it needs)."""
    return re.fullmatch(r"−?\d+\.\d+", word) is not None and sum(c.isdigit() for c in word) > 6
