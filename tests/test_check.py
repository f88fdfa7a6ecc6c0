"""`dlcalc check`: the marking rule, every named mistake against values worked by hand, the
notes' wrong answers explained, and the command's input, output and exit status."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from conftest import PROBLEMS, run_cli
from dlcalc.errors import Location
from dlcalc.parse.answers import parse_sections, read_value
from dlcalc.parse.source import read_source
from dlcalc.solve.marking import agrees
from dlcalc.spec.answers import Answer

CLASSIC = str(PROBLEMS / "backprop" / "classic-2-2-2.net")
ADAM = str(PROBLEMS / "optimize" / "adam-three-steps.opt")
MOMENTUM = str(PROBLEMS / "optimize" / "momentum-quadratic.opt")
LENET = str(PROBLEMS / "shapes" / "lenet5-exam.arch")


def given(text: str) -> object:
    return read_value(Answer("x", text, Location("test")))


# --- the marking rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "exact", "right"),
    [
        ("0.3589", 0.35891648, True),  # rounded and truncated
        ("0.359", 0.35891648, True),  # rounded
        ("0.35891648", 0.35891648, True),
        ("0.3590", 0.35891648, False),  # four decimals written: 0.3589
        ("0.3588", 0.35891648, False),
        ("0.35", 0.35891648, True),  # truncated to two decimals
        ("0.36", 0.35891648, True),  # rounded to two decimals
        ("0.37", 0.35891648, False),
        ("-0.0226", -0.0226025405, True),
        ("−0.0226", -0.0226025405, True),  # a typeset minus
        ("-0.0227", -0.0226025405, False),
        ("4.0e-05", 4.0e-05, True),
        ("4.1e-05", 4.0e-05, False),
        ("0.4990000001", 0.49900000005, True),  # a tie, rounded up
        ("0.4990000000", 0.49900000005, True),  # truncated
        ("156", 156, True),
        ("61,706", 61706, True),
        ("61706.0", 61706, True),
        ("61707", 61706, False),
        ("nan", math.nan, True),
        ("overflow", math.inf, True),
        ("nan", 0.5, False),
    ],
)
def test_a_decimal_is_right_rounded_or_truncated_to_the_digits_written(
    text: str, exact: float, right: bool
) -> None:
    assert agrees(given(text), exact) is right  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["28x28x6", "28×28×6", "(28, 28, 6)", "(28,28,6)"])
def test_shapes_in_every_notation(text: str) -> None:
    assert agrees(given(text), (28, 28, 6))  # type: ignore[arg-type]
    assert not agrees(given(text), (28, 6, 28))  # type: ignore[arg-type]


def test_relative_tolerance_overrides_the_digits() -> None:
    assert agrees(given("0.3590"), 0.35891648, rel_tol=1e-3)  # type: ignore[arg-type]
    assert not agrees(given("0.36"), 0.35891648, rel_tol=1e-3)  # type: ignore[arg-type]


# --- every named mistake, against values worked by hand ----------------------------------

MISTAKES_ARCH = """\
input 32x32x3
conv 8 5x5 stride=2 padding=1
conv 16 3x3
maxpool 3x3 stride=2
conv 4 4x4 padding=same
flatten
dense 10
"""


SHAPES_HAND_VALUES = [
    ("conv1.output", "14x14x8", "padding-left-out"),  # ⌊(32 − 5)/2⌋ + 1
    ("conv1.output", "30x30x8", "stride-ignored"),  # 32 + 2 − 5 + 1
    ("maxpool1.output", "5x5x16", "pooling-formula"),  # ⌊(13 − 3 + 1)/2⌋
    ("conv1.output", "16x16x8", "ceil"),  # ⌈29/2⌉ + 1
    ("conv1.params", "600", "bias-left-out"),  # 5·5·3·8
    ("conv1.params", "208", "input-channels-left-out"),  # (5·5·1 + 1)·8
    ("conv2.params", "448", "channels-from-wrong-layer"),  # (3·3·3 + 1)·16
    ("maxpool1.params", "2320", "pooling-given-parameters"),  # (3·3·16 + 1)·16
    ("conv3.output", "5x5x4", "same-course-rule"),  # p = ⌊3/2⌋ = 1: 6 + 2 − 4 + 1
    ("dense1.params", "50", "flatten-channels-only"),  # 4·10 + 10
    ("conv1.output", "14x14x8", "plus-one-left-out"),  # ⌊(32 + 2 − 5)/2⌋
]


def test_every_shapes_mistake_of_the_registry_is_tried_by_hand() -> None:
    """Each name of the registry has a worked example; a name outside it cannot be made."""
    from dlcalc.parse.architecture import parse_architecture
    from dlcalc.parse.source import Source
    from dlcalc.solve.shape_mistakes import MISTAKES
    from dlcalc.solve.shapes import ShapesOptions, solve_shapes

    assert {mistake for _, _, mistake in SHAPES_HAND_VALUES} == set(MISTAKES)
    spec = parse_architecture(Source("t.arch", "input 4x4x1\nconv 1 3x3\n", ""))
    with pytest.raises(KeyError):
        solve_shapes(spec, ShapesOptions(mistake="cel"))


@pytest.mark.parametrize(("name", "wrong", "mistake"), SHAPES_HAND_VALUES)
def test_each_shapes_mistake_reproduces_its_hand_value(
    tmp_path: Path, name: str, wrong: str, mistake: str
) -> None:
    arch = tmp_path / "mistakes.arch"
    arch.write_text(MISTAKES_ARCH)
    run = run_cli("check", str(arch), "--answer", f"{name}={wrong}", "-f", "json")
    assert run.code == 1, run.err
    (answer,) = json.loads(run.out)["answers"]
    assert answer["correct"] is False
    assert mistake in answer["mistakes"]


def test_the_right_shapes_of_the_mistakes_architecture(tmp_path: Path) -> None:
    arch = tmp_path / "mistakes.arch"
    arch.write_text(MISTAKES_ARCH)
    answers = {
        "conv1.output": "15x15x8",
        "conv1.params": "608",
        "conv2.params": "1168",
        "maxpool1.output": "6x6x16",
        "conv3.output": "6x6x4",
        "conv3.params": "1028",
        "dense1.params": "1450",
    }
    run = run_cli("check", str(arch), *[f"--answer={k}={v}" for k, v in answers.items()])
    assert run.code == 0, run.out + run.err


# the classic network's published intermediate values (independent of dlcalc)
OUT_H1, OUT_H2, OUT_O1, OUT_O2 = 0.593269992, 0.596884378, 0.75136507, 0.772928465
DELTA_O1 = (OUT_O1 - 0.01) * OUT_O1 * (1 - OUT_O1)
DELTA_O2 = (OUT_O2 - 0.99) * OUT_O2 * (1 - OUT_O2)
DW5 = DELTA_O1 * OUT_H1


@pytest.mark.parametrize(
    ("name", "wrong", "mistake"),
    [
        ("w5", 0.4 + 0.5 * DW5, "update-sign"),
        ("w5", 0.4 - 0.25 * DW5, "rate-twice"),
        ("w5", 0.4 - 0.5 * 2 * DW5, "loss-without-half"),
        ("dE/dw5", (OUT_O1 - 0.01) * OUT_O1 * OUT_H1, "sigmoid-derivative-value"),
        ("dE/dw5", (OUT_O1 - 0.01) * (2 * OUT_O1 - 1) * OUT_H1, "sigmoid-derivative-difference"),
        ("dE/dw1", DELTA_O1 * 0.40 * OUT_H1 * (1 - OUT_H1) * 0.05, "one-path:o1"),
        ("dE/dw1", DELTA_O2 * 0.50 * OUT_H1 * (1 - OUT_H1) * 0.05, "one-path:o2"),
        (
            "dE/dw1",
            (DELTA_O1 * (0.40 - 0.5 * DW5) + DELTA_O2 * (0.50 - 0.5 * DELTA_O2 * OUT_H1))
            * OUT_H1
            * (1 - OUT_H1)
            * 0.05,
            "new-weights-in-deltas",
        ),
        (
            "b2",
            0.6 - 0.5 * (DELTA_O1 + DELTA_O2),
            "frozen-bias-updated",
        ),
    ],
)
def test_each_backprop_mistake_reproduces_its_hand_value(
    name: str, wrong: float, mistake: str
) -> None:
    run = run_cli("check", CLASSIC, "--answer", f"{name}={wrong:.6g}", "-f", "json")
    assert run.code == 1, run.err
    (answer,) = json.loads(run.out)["answers"]
    assert mistake in answer["mistakes"], answer


SSE_THREE = """\
inputs x=1
layer o1 o2 o3 linear
targets o1=1 o2=0 o3=1
weight w1 x -> o1 0.5
weight w2 x -> o2 0.25
weight w3 x -> o3 0.75
loss sse
rate 0.1
"""
# out = w: ∂E/∂w1 = 2·(0.5 − 1)·1 = −1; with ½: −0.5; the mean over the 3 outputs: −1/3
NETWORK_HAND_VALUES = [
    (CLASSIC, "dE/dw5", (OUT_O1 - 0.01) * OUT_H1, "sigmoid-derivative-left-out"),
    (CLASSIC, "dE/dw5", -DW5, "error-sign"),
    (SSE_THREE, "dE/dw1", -0.5, "loss-with-half"),
    (SSE_THREE, "dE/dw1", -1 / 3, "loss-mean"),
]


@pytest.mark.parametrize(("net", "name", "wrong", "mistake"), NETWORK_HAND_VALUES)
def test_more_backprop_mistakes_reproduce_their_hand_values(
    tmp_path: Path, net: str, name: str, wrong: float, mistake: str
) -> None:
    if "\n" in net:
        (tmp_path / "n.net").write_text(net)
        net = str(tmp_path / "n.net")
    run = run_cli("check", net, "--answer", f"{name}={wrong:.6g}", "-f", "json")
    assert mistake in json.loads(run.out)["answers"][0]["mistakes"]


def test_every_network_and_optimizer_mistake_of_the_registries_is_tried_by_hand() -> None:
    """Each name of the two registries has a worked example in this file."""
    from dlcalc.solve.network_mistakes import MISTAKES as NETWORK
    from dlcalc.solve.optimizer_mistakes import MISTAKES as OPTIMIZER

    source = Path(__file__).read_text(encoding="utf-8")
    for name in (*NETWORK, *OPTIMIZER):
        assert f'"{name}"' in source, name


def test_relu_derivative_at_zero_is_a_diagnosed_convention(tmp_path: Path) -> None:
    net = tmp_path / "relu.net"
    net.write_text(
        "inputs x=1\nlayer h relu\nlayer o linear\ntargets o=1\n"
        "weight w1 x -> h 0.5\nbias b h -0.5\nweight w2 h -> o 2\nloss half_sse\nrate 0.1\n"
    )
    # net_h = 0 exactly; out = 0, so dE/dw1 = (0 − 1)·2·ReLU′(0)·1: 0, or −2 with ReLU′(0) = 1
    run = run_cli("check", str(net), "--answer", "dE/dw1=-2", "-f", "json")
    assert run.code == 1, run.err
    assert json.loads(run.out)["answers"][0]["mistakes"] == ["relu-grad-at-zero"]


def test_bias_not_updated(tmp_path: Path) -> None:
    net = tmp_path / "bias.net"
    net.write_text(
        "inputs x=1\nlayer o linear\ntargets o=1\nweight w x -> o 0.5\nbias b o 0.25\n"
        "loss half_sse\nrate 0.1\n"
    )
    # out = 0.75, ∂E/∂b = −0.25: b → 0.275; left at 0.25 by the mistake
    run = run_cli("check", str(net), "--answer", "b=0.275", "--answer", "b=0.2500", "-f", "json")
    first, second = json.loads(run.out)["answers"]
    assert first["correct"] and not second["correct"]
    assert second["mistakes"] == ["bias-not-updated"]


ADAM_G1_M, ADAM_G1_V = 0.02, 4e-05  # m and v after the first gradient 0.2


@pytest.mark.parametrize(
    ("file", "name", "wrong", "mistake"),
    [
        (
            ADAM,
            "w_1",
            0.5 - 0.001 * ADAM_G1_M / (math.sqrt(ADAM_G1_V) + 1e-8),
            "no-bias-correction",
        ),
        (ADAM, "m_hat_w_1", ADAM_G1_M, "t-from-0"),  # no correction at the first step
        (MOMENTUM, "x_1", 1 - 0.1 * 2, "momentum-without-1-minus-beta"),  # v = g = 2x = 2
        (MOMENTUM, "x_1", 1 - 0.1 * 2, "convention:pytorch"),  # PyTorch's buffer: b = g
    ],
)
def test_each_optimizer_mistake_reproduces_its_hand_value(
    file: str, name: str, wrong: float, mistake: str
) -> None:
    run = run_cli("check", file, "--answer", f"{name}={wrong:.8g}", "-f", "json")
    assert run.code == 1, run.err
    assert mistake in json.loads(run.out)["answers"][0]["mistakes"]


def test_adam_epsilon_under_the_root(tmp_path: Path) -> None:
    problem = tmp_path / "adam.opt"
    problem.write_text("optimizer adam\nlr 0.1\neps 0.1\nstart w=1\ngrads 0.1\n")
    # m̂ = 0.1, v̂ = 0.01: w = 1 − 0.1·0.1/(0.1 + 0.1) = 0.95; with ε under the root 0.969849
    run = run_cli(
        "check", str(problem), "--answer", "w=0.95", "--answer", "w=0.969849", "-f", "json"
    )
    right, wrong = json.loads(run.out)["answers"]
    assert right["correct"] and wrong["mistakes"] == ["eps-moved"]


def test_another_conventions_formulas_are_named(tmp_path: Path) -> None:
    problem = tmp_path / "m.opt"
    problem.write_text("optimizer momentum\nconvention pytorch\nlr 0.1\nmomentum 0.9\n"
                       "start x=1\ngrads 2\n")  # fmt: skip
    # PyTorch: b = g = 2, x = 0.8; the course: v = 0.9·0 + 0.1·2 = 0.2, x = 1 − 0.1·0.2 = 0.98
    run = run_cli("check", str(problem), "--answer", "x_1=0.98", "-f", "json")
    assert "convention:course" in json.loads(run.out)["answers"][0]["mistakes"]
    # Keras's Adam: α = η·√(1 − β2)/(1 − β1), w = w − α·m/(√v + ε)
    alpha = 0.001 * math.sqrt(1 - 0.999) / (1 - 0.9)
    keras = 0.5 - alpha * ADAM_G1_M / (math.sqrt(ADAM_G1_V) + 1e-8)
    run = run_cli("check", ADAM, "--answer", f"w_1={keras:.10g}", "-f", "json")
    assert "convention:keras" in json.loads(run.out)["answers"][0]["mistakes"]


def test_adam_step_count_from_zero_at_the_second_step() -> None:
    m2, v2 = 0.9 * 0.02 + 0.1 * -0.1, 0.999 * 4e-05 + 0.001 * 0.01
    w1 = 0.5 - 0.001 * 0.02 / (math.sqrt(4e-05) + 1e-8)  # the first step uncorrected
    w2 = w1 - 0.001 * (m2 / 0.1) / (math.sqrt(v2 / 0.001) + 1e-8)  # corrected with t = 1
    run = run_cli("check", ADAM, "--answer", f"w_2={w2:.8g}", "-f", "json")
    assert json.loads(run.out)["answers"][0]["mistakes"] == ["t-from-0"]


@pytest.mark.parametrize(
    ("file", "name", "wrong", "mistake"),
    [
        ("softmax/four-class-scores.calc", "L", -math.log10(0.8420335724), "log10"),
        (
            "softmax/four-class-scores.calc",
            "p0",
            1e5 / (1e5 + 1e2 + 1e-1 + 1e3),
            "exp-base-10",
        ),
        ("softmax/large-scores-stability.calc", "p0", "nan", "no-max-shift"),
        ("softmax/large-scores-stability.calc", "p2", "overflow", "no-max-shift"),
        ("activations/sigmoid-table.calc", "sigmoid(0.5)", 1 / (1 + 10**-0.5), "exp-base-10"),
        (
            "loss/binary-cross-entropy-three-examples.calc",
            "L",
            -(math.log10(0.9) + math.log10(0.8) + math.log10(0.6)) / 3,
            "log10",
        ),
        (
            "loss/binary-cross-entropy-three-examples.calc",
            "L",
            -(math.log(0.9) + math.log(0.8) + math.log(0.6)),
            "reduction-sum",
        ),
    ],
)
def test_each_calculator_mistake_reproduces_its_hand_value(
    file: str, name: str, wrong: float | str, mistake: str
) -> None:
    value = wrong if isinstance(wrong, str) else f"{wrong:.8g}"
    run = run_cli("check", str(PROBLEMS / file), "--answer", f"{name}={value}", "-f", "json")
    assert run.code == 1, run.err
    assert mistake in json.loads(run.out)["answers"][0]["mistakes"]


def test_an_unexplained_wrong_answer_has_no_diagnosis() -> None:
    run = run_cli("check", CLASSIC, "--answer", "w5=0.123", "-f", "json")
    answer = json.loads(run.out)["answers"][0]
    assert answer["correct"] is False and answer["diagnosis"] is None


# --- the course notes' wrong answers ---------------------------------------------------------

NOTES_FILES = [
    path
    for path in sorted(PROBLEMS.rglob("*.*"))
    if path.is_file() and "notes" in parse_sections(read_source(str(path)))
]


def test_the_notes_wrong_answers_are_recorded() -> None:
    assert {p.stem for p in NOTES_FILES} >= {
        "notes-q1-2-2-2-mse",
        "notes-q2-3-2-1-mse",
        "assignment-4-2-1",
        "alexnet-style-same-padding-exam",
    }


@pytest.mark.parametrize("path", NOTES_FILES, ids=lambda p: p.stem)
def test_dlcalc_explains_the_notes_wrong_numbers(path: Path) -> None:
    """Each notes answer tagged ``# mistake: NAME`` is marked wrong and NAME explains it."""
    lines = path.read_text().splitlines()
    run = run_cli("check", str(path), "--notes", "-f", "json")
    answers = json.loads(run.out)["answers"]
    tagged = 0
    for answer, recorded in zip(answers, parse_sections(read_source(str(path)))["notes"]):
        assert recorded.location.line is not None
        tag = re.search(r"# mistake: (\S+)", lines[recorded.location.line - 1])
        if tag:
            tagged += 1
            assert answer["correct"] is False, answer
            assert tag.group(1) in answer["mistakes"], answer
    assert run.code == (0 if all(a["correct"] for a in answers) else 1)


# --- the command --------------------------------------------------------------------------


def test_the_report_has_a_row_per_answer_and_a_score() -> None:
    run = run_cli(
        "check", LENET, "--answer", "conv1.output=28x28x6", "--answer", "total_params=61470",
        "-f", "plain",
    )  # fmt: skip
    assert run.code == 1
    assert "✓  conv1.output" in run.out and "✗  total_params" in run.out
    assert "(5·5·1 + 1)·6 = 156" not in run.out  # only the answers asked for
    assert "156 + 2,416 + 48,120 + 10,164 + 850 = 61,706" in run.out  # the working
    assert "biases left out" in run.out
    assert "1/2 correct" in run.out


def test_json_has_the_documented_fields() -> None:
    run = run_cli("check", CLASSIC, "--answer", "w5=0.3589", "-f", "json")
    assert run.code == 0
    data = json.loads(run.out)
    (answer,) = data["answers"]
    assert answer["name"] == "w5" and answer["given"] == "0.3589"
    assert answer["expected"] == pytest.approx(0.35891648)
    assert answer["correct"] is True and answer["diagnosis"] is None
    assert (data["right"], data["total"]) == (1, 1)


def test_the_answers_section_is_marked_before_expected(tmp_path: Path) -> None:
    text = Path(CLASSIC).read_text() + "\nanswers\nw5 = 0.3589\nE = 0.2985\n"
    problem = tmp_path / "student.net"
    problem.write_text(text)
    run = run_cli("check", str(problem), "-f", "json")
    assert [a["name"] for a in json.loads(run.out)["answers"]] == ["w5", "E"]
    assert run.code == 1  # E = 0.298371…: 0.2984 or 0.2983, not 0.2985


def test_an_answers_file_and_answer_options_together(tmp_path: Path) -> None:
    answers = tmp_path / "mine.txt"
    answers.write_text("# my homework\nconv1.params = 156\nconv2.params = 2,416\n")
    run = run_cli("check", LENET, "--answers", str(answers), "--answer", "dense2.params=850")
    assert run.code == 0, run.out + run.err
    assert "3/3 correct" in run.out


def test_channels_first_shapes() -> None:
    run = run_cli("check", LENET, "--answer", "conv1.output=6x28x28", "--channels-first")
    assert run.code == 0, run.out + run.err
    assert run_cli("check", LENET, "--answer", "conv1.output=6x28x28").code == 1


def test_rel_tol_option() -> None:
    assert run_cli("check", CLASSIC, "--answer", "w5=0.3590", "--rel-tol", "1e-3").code == 0
    assert run_cli("check", CLASSIC, "--answer", "w5=0.3590").code == 1


def test_list_prints_names_not_values() -> None:
    run = run_cli("check", CLASSIC, "--list", "-f", "json")
    data = json.loads(run.out)
    assert {"w5", "dE/dw1", "E", "out_o1", "delta_h1", "net_h2"} <= set(data["names"])
    assert "one-path:o2" in data["mistakes"]
    assert "0.3589" not in run.out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("w9=0.1", "no answer named 'w9'"),
        ("dE/dw9=0.1", "the nearest: dE/dw"),
        ("w5=abc", "cannot read the answer 'abc'"),
        ("w5", "an answer must be NAME = VALUE"),
        ("conv1.params=156", "is an answer to an architecture problem"),
        ("w5=28x28x6", "w5 is a number, not '28x28x6'"),
    ],
)
def test_unusable_answers_exit_2_with_one_message(answer: str, message: str) -> None:
    run = run_cli("check", CLASSIC, "--answer", answer)
    assert run.code == 2
    assert message in run.err and "Traceback" not in run.err
    assert run.out == ""


def test_a_problem_without_answers(tmp_path: Path) -> None:
    problem = tmp_path / "bare.arch"
    problem.write_text("input 28x28x1\nconv 6 5x5\n")
    run = run_cli("check", str(problem))
    assert run.code == 2 and "no answers to check" in run.err
    assert run_cli("check", str(problem), "--answer", "conv1.params=156").code == 0


def test_a_file_of_unknown_kind(tmp_path: Path) -> None:
    problem = tmp_path / "what.txt"
    problem.write_text("hello 1 2\n")
    run = run_cli("check", str(problem), "--answer", "a=1")
    assert run.code == 2 and "cannot tell what kind of problem" in run.err


def test_a_file_of_known_kind_without_suffix(tmp_path: Path) -> None:
    problem = tmp_path / "softmax-homework"
    problem.write_text("softmax 1 2\n")
    run = run_cli("check", str(problem), "--answer", "p1=0.7311")
    assert run.code == 0, run.err


def test_a_bad_calculator_line(tmp_path: Path) -> None:
    problem = tmp_path / "bad.calc"
    problem.write_text("# statement\nsoftmax 1 2 --jacobian\n")
    run = run_cli("check", str(problem), "--answer", "p1=0.7311")
    assert run.code == 2 and f"{problem}:2" in run.err and "no option --jacobian" in run.err


# --- the problems library -------------------------------------------------------------------


def test_problems_lists_every_bundled_problem_with_a_description() -> None:
    run = run_cli("problems", "-f", "json")
    assert run.code == 0, run.err
    listed = {(p["topic"], p["name"]): p["description"] for p in json.loads(run.out)["problems"]}
    files = [p for p in PROBLEMS.rglob("*") if p.suffix in (".arch", ".net", ".opt", ".calc")]
    assert len(listed) == len(files)
    assert {topic for topic, _ in listed} == {
        "activations", "backprop", "graphs", "layers", "loss", "optimize", "shapes", "softmax",
    }  # fmt: skip
    assert all(0 < len(text) <= 100 for text in listed.values())
    assert listed[("shapes", "lenet5-exam")] == "LeNet-5 exam problem."


def test_problems_show_prints_the_statement_and_the_names() -> None:
    run = run_cli("problems", "show", "lenet5-exam", "-f", "plain")
    assert run.code == 0, run.err
    assert "for a 32x32x1 image, compute the output shape" in run.out
    assert "conv 6 5x5" in run.out and "total_params" in run.out
    assert "61706" not in run.out  # the answers are not shown


def test_check_a_library_problem_by_name() -> None:
    run = run_cli("check", "lenet5-exam", "--answer", "total_params=61706")
    assert run.code == 0, run.out + run.err
    run = run_cli("problems", "show", "lenet-5")
    assert run.code == 2 and "did you mean 'lenet5-exam'?" in run.err


def test_the_other_frameworks_batch_norm_count(tmp_path: Path) -> None:
    arch = tmp_path / "bn.arch"
    arch.write_text("input 8x8x3\nconv 4 3x3\nbatchnorm\n")
    # Keras counts γ, β, moving mean and variance: 4·4 = 16; PyTorch 2·4 = 8
    run = run_cli("check", str(arch), "--answer", "batchnorm1.params=8", "-f", "json")
    assert json.loads(run.out)["answers"][0]["mistakes"] == ["convention"]


@pytest.mark.parametrize(
    ("loss", "answer", "mistake"),
    [
        # out = 0.75 for the target 1 and 0, 0 for the others: sse = 0.0625, half_sse 0.03125,
        # mse (the mean over three outputs) 0.0208333
        ("sse", "E=0.03125", "loss-with-half"),
        ("sse", "E=0.02083", "loss-mean"),
        ("half_sse", "E=0.0625", "loss-without-half"),
    ],
)
def test_the_loss_scaling_mistakes(tmp_path: Path, loss: str, answer: str, mistake: str) -> None:
    net = tmp_path / "loss.net"
    net.write_text(
        "inputs x=1\nlayer o1 o2 o3 linear\ntargets o1=1 o2=0 o3=0\nweight w1 x -> o1 0.75\n"
        f"weight w2 x -> o2 0\nweight w3 x -> o3 0\nloss {loss}\nrate 0.1\n"
    )
    run = run_cli("check", str(net), "--answer", answer, "-f", "json")
    assert mistake in json.loads(run.out)["answers"][0]["mistakes"]


def test_keras_convention_as_a_mistake(tmp_path: Path) -> None:
    problem = tmp_path / "ada.opt"
    problem.write_text("optimizer adagrad\nlr 0.1\neps 0.1\nstart w=1\ngrads 0.5\n")
    # course: 1 − 0.1·0.5/(√0.25 + 0.1) = 0.916667; Keras: ε under the root and its G starts
    # at 0.1: 1 − 0.1·0.5/√(0.1 + 0.25 + 0.1)
    keras = 1 - 0.1 * 0.5 / math.sqrt(0.1 + 0.25 + 0.1)
    run = run_cli("check", str(problem), "--answer", f"w={keras:.6f}", "-f", "json")
    assert "convention:keras" in json.loads(run.out)["answers"][0]["mistakes"]


@pytest.mark.parametrize(
    ("line", "answer", "mistake"),
    [
        ("activate relu 0 2", "relu'(0)=1", "relu-grad-at-zero"),
        ("activate softplus 1", f"softplus(1)={math.log10(1 + math.e):.6f}", "log10"),
        ("loss sse --pred 0.5,1 --target 1,0", "L=0.625", "reduction-mean"),
    ],
)
def test_more_calculator_mistakes(tmp_path: Path, line: str, answer: str, mistake: str) -> None:
    problem = tmp_path / "p.calc"
    problem.write_text(line + "\n")
    run = run_cli("check", str(problem), "--answer", answer, "-f", "json")
    assert run.code == 1, run.err
    assert mistake in json.loads(run.out)["answers"][0]["mistakes"]


# --- review findings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["1e-30", "1e-400", "1e99999999999", "0.35891648000000000000000000001", "-0"]
)
def test_extreme_answers_are_marked_not_crashed(value: str) -> None:
    run = run_cli("check", CLASSIC, "--answer", f"w5={value}", "--rel-tol", "0.01", "-f", "json")
    assert run.code in (0, 1), run.err
    run = run_cli("check", CLASSIC, "--answer", f"w5={value}", "-f", "json")
    assert run.code == 1, run.err


def test_huge_exact_values_are_compared(tmp_path: Path) -> None:
    problem = tmp_path / "big.calc"
    problem.write_text("softmax 300 1 --target 0\n")
    run = run_cli("check", str(problem), "--answer", "sum=3", "--answer", "sum=1.942426e+130")
    assert run.code == 1 and "1/2 correct" in run.out, run.err


@pytest.mark.parametrize(("value", "right"), [("0", False), ("0.3", True), ("0.000", False)])
def test_zero_is_not_a_value_truncated_to_nothing(value: str, right: bool) -> None:
    assert agrees(given(value), 0.35891648) is right  # type: ignore[arg-type]
    assert agrees(given("0"), 0.0)  # type: ignore[arg-type]


def test_one_significant_digit_is_not_diagnosed() -> None:
    run = run_cli("check", CLASSIC, "--answer", "w5=0.2", "-f", "json")
    assert json.loads(run.out)["answers"][0]["mistakes"] == []


def test_problems_show_as_csv() -> None:
    run = run_cli("problems", "show", "lenet5-exam", "-f", "csv")
    assert run.code == 0, run.err
    assert run.out.splitlines()[:2] == ["answer", "conv1.output"]


def test_a_library_name_with_a_dot() -> None:
    run = run_cli("check", "relu-2-2-1-target7-w2.01")
    assert run.code == 0, run.err


def test_a_missing_path_is_a_missing_file() -> None:
    run = run_cli("check", "no/such/problem")
    assert run.code == 2 and "no such file" in run.err


@pytest.mark.parametrize("text", ["", "# nothing\n", "answers\n"])
def test_an_answers_file_without_answers(tmp_path: Path, text: str) -> None:
    answers = tmp_path / "a.txt"
    answers.write_text(text)
    run = run_cli("check", CLASSIC, "--answers", str(answers))
    assert run.code == 2 and "has no answers" in run.err


def test_every_line_of_an_answers_file_is_marked(tmp_path: Path) -> None:
    answers = tmp_path / "a.txt"
    answers.write_text("w5 = 0.3589\nanswers\nw1 = 0.1498\n")
    run = run_cli("check", CLASSIC, "--answers", str(answers))
    assert run.code == 0 and "2/2 correct" in run.out, run.out + run.err


def test_keras_adam_does_not_list_a_mistake_it_cannot_make(tmp_path: Path) -> None:
    problem = tmp_path / "k.opt"
    problem.write_text("optimizer adam\nconvention keras\nstart w=0.5\ngrads 0.2\n")
    mistakes = json.loads(run_cli("check", str(problem), "--list", "-f", "json").out)["mistakes"]
    assert "eps-moved" not in mistakes and "no-bias-correction" in mistakes


def test_the_diagnosis_working_is_channels_first(tmp_path: Path) -> None:
    arch = tmp_path / "m.arch"
    arch.write_text(MISTAKES_ARCH)
    run = run_cli("check", str(arch), "--channels-first", "--answer", "conv1.output=8x14x14")
    assert "→ 8×14×14" in run.out and "8×15×15" in run.out, run.out


def test_json_architecture_on_standard_input() -> None:
    data = b'{"input": [32, 32, 1], "layers": [{"kind": "conv", "filters": 6, "kernel": 5}]}'
    run = run_cli("check", "-", "--answer", "conv1.params=156", stdin=data)
    assert run.code == 0, run.err


def test_notes_flag_wins_over_an_answers_section(tmp_path: Path) -> None:
    text = (PROBLEMS / "softmax" / "four-class-scores.calc").read_text() + "\nanswers\np0 = 0.9\n"
    problem = tmp_path / "both.calc"
    problem.write_text(text)
    assert run_cli("check", str(problem)).code == 1  # the answers section
    assert run_cli("check", str(problem), "--notes").code == 0  # the notes' (right) answers
    run = run_cli("check", LENET, "--notes")
    assert run.code == 2 and "no notes section to mark" in run.err


def test_a_shape_with_an_axis_of_zero_is_not_a_shape() -> None:
    run = run_cli("check", CLASSIC, "--answer", "w5=0x10")
    assert run.code == 2 and "cannot read the answer '0x10'" in run.err


def test_a_single_output_loss_shows_its_term() -> None:
    run = run_cli("check", "relu-2-2-1-target7", "--answer", "E=9", "-f", "json")
    assert json.loads(run.out)["answers"][0]["working"] == "E = |16 − 7| = 9"


def test_rel_tol_is_checked_before_listing() -> None:
    assert run_cli("check", CLASSIC, "--list", "--rel-tol", "2").code == 2


def test_problems_format_before_show() -> None:
    run = run_cli("problems", "-f", "json", "show", "lenet5-exam")
    assert json.loads(run.out)["name"] == "lenet5-exam"


# --- second review ------------------------------------------------------------------------


def test_the_plus_one_left_out() -> None:
    run = run_cli("check", LENET, "--answer", "conv1.output=27x27x6", "-f", "json")
    assert json.loads(run.out)["answers"][0]["mistakes"] == ["plus-one-left-out"]


@pytest.mark.parametrize(
    ("name", "wrong", "mistake"),
    [
        ("dE/dw5", (OUT_O1 - 0.01) * OUT_H1, "sigmoid-derivative-left-out"),
        ("dE/dw5", -DW5, "error-sign"),
    ],
)
def test_more_backprop_slips(name: str, wrong: float, mistake: str) -> None:
    run = run_cli("check", CLASSIC, "--answer", f"{name}={wrong:.6g}", "-f", "json")
    assert mistake in json.loads(run.out)["answers"][0]["mistakes"]


@pytest.mark.parametrize(
    ("wrong", "mistake"),
    [
        (0.6224593312, "sigmoid-derivative-value"),
        (2 * 0.6224593312 - 1, "sigmoid-derivative-difference"),
    ],
)
def test_sigmoid_derivative_slips_in_the_calculator(
    tmp_path: Path, wrong: float, mistake: str
) -> None:
    problem = tmp_path / "s.calc"
    problem.write_text("activate sigmoid 0.5\n")
    run = run_cli("check", str(problem), "--answer", f"sigmoid'(0.5)={wrong:.6f}", "-f", "json")
    assert json.loads(run.out)["answers"][0]["mistakes"] == [mistake]


def test_mistakes_that_cannot_change_a_value_are_not_listed(tmp_path: Path) -> None:
    def listed(path: str) -> dict[str, str]:
        return json.loads(run_cli("check", path, "--list", "-f", "json").out)["mistakes"]

    assert "loss-without-half" not in listed("notes-q2-3-2-1-mse")  # mse of one output = sse
    assert "relu-grad-at-zero" not in listed("relu-three-values")  # no x = 0
    problem = tmp_path / "r.calc"
    problem.write_text("activate relu 0\n")
    assert "relu-grad-at-zero" in listed(str(problem))


def test_a_copied_loss_command_with_grad(tmp_path: Path) -> None:
    problem = tmp_path / "l.calc"
    problem.write_text("loss mse --pred 0.5 --target 1 --grad\n")
    assert run_cli("check", str(problem), "--answer", "L=0.25").code == 0


def test_the_update_working_of_a_negated_rate() -> None:
    run = run_cli("check", CLASSIC, "--answer", f"w5={0.4 + 0.5 * DW5:.6g}", "-f", "json")
    assert "w₅⁺ = 0.4 + 0.5·0.082167 = 0.441084" in run.out


def test_problems_show_keeps_the_remarks_back() -> None:
    run = run_cli("problems", "show", "alexnet-style-same-padding-exam", "-f", "json")
    data = json.loads(run.out)
    assert "1,664,678" not in data["statement"] and data["remarks"] is None
    run = run_cli("problems", "show", "alexnet-style-same-padding-exam", "--remarks", "-f", "json")
    assert "1,664,678" in json.loads(run.out)["remarks"]


CALCULATOR_HAND_VALUES = {
    "exp-base-10": ("activate sigmoid 1", "sigmoid(1)=0.9090909"),  # 1/(1 + 10^−1)
    "log10": ("activate softplus 1", "softplus(1)=0.570342"),  # ln(1 + e)/ln 10
    "sigmoid-derivative-value": ("activate sigmoid 0.5", "sigmoid'(0.5)=0.6224593312"),
    "sigmoid-derivative-difference": ("activate sigmoid 0.5", "sigmoid'(0.5)=0.2449186624"),
    "relu-grad-at-zero": ("activate relu 0 2", "relu'(0)=1"),
    "no-max-shift": ("softmax 1000 0", "p0=nan"),
    "reduction-sum": ("loss mse --pred 1,3 --target 0,0", "L=10"),  # (1 + 9), not /2
    "reduction-mean": ("loss mse --pred 1,3 --target 0,0 --reduction sum", "L=5"),
    "kernel-flipped": ("conv --input '1 2; 3 4' --kernel '1 0; 0 2'", "out[1,1]=6"),  # 2 + 4, not 9
}


def test_every_calculator_mistake_of_the_registry_is_tried_by_hand(tmp_path) -> None:
    """Each registered mistake explains its worked example (and there is one for each)."""
    from dlcalc.solve.calculator_mistakes import MISTAKES

    assert set(CALCULATOR_HAND_VALUES) == set(MISTAKES)
    for mistake, (line, answer) in CALCULATOR_HAND_VALUES.items():
        problem = tmp_path / "p.calc"
        problem.write_text(line + "\n", encoding="utf-8")
        run = run_cli("check", str(problem), "--answer", answer, "-f", "json")
        marked = json.loads(run.out)["answers"][0]
        assert not marked["correct"] and mistake in marked["mistakes"], (mistake, marked)


def test_a_slip_in_a_formula_shows_the_slipped_formula(tmp_path) -> None:
    problem = tmp_path / "p.calc"
    problem.write_text("activate sigmoid 1\n", encoding="utf-8")
    run = run_cli("check", str(problem), "--answer", "sigmoid(1)=0.9090909", "-f", "plain")
    assert "10^x in place of e^x: σ(1) = 1/(1 + 10^(−1)) = 0.909091" in run.out
