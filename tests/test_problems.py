"""Every bundled problem gives the answers recorded in its own ``expected`` section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PROBLEMS, run_cli
from dlcalc.parse.answers import parse_answers, parse_whole_answer
from dlcalc.parse.architecture import parse_architecture
from dlcalc.parse.network import parse_network
from dlcalc.parse.optimizer import optimize_file
from dlcalc.parse.source import read_source
from dlcalc.solve.backprop import answer_values as backprop_answers
from dlcalc.solve.backprop import solve_backprop
from dlcalc.solve.optimize import answer_values as optimize_answers
from dlcalc.solve.optimize import solve_optimize
from dlcalc.solve.shapes import ShapesOptions, answer_values, solve_shapes
from dlcalc.spec.optimizer import OPTIMIZERS

ARCH_FILES = sorted(PROBLEMS.rglob("*.arch"))
NET_FILES = sorted(PROBLEMS.rglob("*.net"))
OPT_FILES = sorted(PROBLEMS.rglob("*.opt"))


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


@pytest.mark.parametrize("path", ARCH_FILES, ids=lambda p: str(p.relative_to(PROBLEMS)))
def test_problem_expected_answers(path: Path) -> None:
    source = read_source(str(path))
    answers = parse_answers(source)
    assert answers, f"{path.name} records no expected answers"
    spec = parse_architecture(source)
    result = solve_shapes(spec, ShapesOptions(convention=spec.convention or "keras"))
    values = answer_values(result)
    for answer in answers:
        assert answer.name in values, f"{path.name}: no answer is named {answer.name}"
        expected = parse_whole_answer(answer)
        if answer.name.endswith(".output") and isinstance(expected, int):
            expected = (expected,)
        assert values[answer.name] == expected, f"{path.name}: {answer.name}"


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


def _precision(text: str) -> float:
    """The size of the last digit written: 0.3589 → 1e−4 (rounded or truncated answers pass)."""
    mantissa = text.lower().split("e")[0]
    exponent = int(text.lower().split("e")[1]) if "e" in text.lower() else 0
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return 10.0 ** (exponent - decimals)


def test_the_library_has_the_published_backprop_examples() -> None:
    assert {"classic-2-2-2", "textbook-3-2-1"} <= {path.stem for path in NET_FILES}


def test_the_library_has_an_optimizer_exercise_for_every_optimizer() -> None:
    assert {optimize_file(read_source(str(path))).optimizer for path in OPT_FILES} == set(
        OPTIMIZERS
    )


@pytest.mark.parametrize("path", NET_FILES + OPT_FILES, ids=lambda p: str(p.relative_to(PROBLEMS)))
def test_decimal_problem_expected_answers(path: Path) -> None:
    source = read_source(str(path))
    answers = parse_answers(source)
    assert answers, f"{path.name} records no expected answers"
    if path.suffix == ".net":
        values = backprop_answers(solve_backprop(parse_network(source)))
    else:
        values = optimize_answers(solve_optimize(optimize_file(source)))
    for answer in answers:
        assert answer.name in values, f"{path.name}: no answer is named {answer.name}"
        expected = float(answer.value.replace("−", "-"))
        assert abs(values[answer.name] - expected) <= _precision(answer.value), (
            f"{path.name}: {answer.name} = {values[answer.name]}, expected {answer.value}"
        )
