"""`dlcalc optimize`: the published reference values of each convention, the working shown, the
function mode, the side-by-side comparison, problem files and bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

G = "0.5,-0.3,0.2"
"""The gradients of the reference examples in shared/conventions.md (w starts at 1)."""


def optimize(*args: str) -> dict:
    run = run_cli("optimize", *args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def path(*args: str, parameter: str = "w") -> list[float]:
    return [step["params"][parameter] for step in optimize(*args)["steps"]]


def fails(*args: str) -> str:
    run = run_cli("optimize", *args)
    assert run.code == 2, run.out
    assert "Traceback" not in run.err
    return run.err


# The reference values of shared/conventions.md §1, each framework's formulas run by hand there.
REFERENCES = [
    (["momentum", "--lr", "0.1", "--convention", "pytorch"], [0.95, 0.935, 0.9015]),
    (["momentum", "--lr", "0.1", "--convention", "keras"], [0.95, 0.935, 0.9015]),
    (["momentum", "--lr", "0.1"], [0.995, 0.9935, 0.99015]),
    (["nesterov", "--lr", "0.1", "--convention", "pytorch"], [0.905, 0.9215, 0.87135]),
    (["nesterov", "--lr", "0.1", "--convention", "keras"], [0.905, 0.9215, 0.87135]),
    (["adagrad", "--convention", "pytorch"], [0.99, 0.9951449576, 0.9919005291]),
    (
        ["adagrad", "--convention", "keras", "--lr", "0.01"],
        [0.9915484587, 0.9960711283, 0.9931843773],
    ),
    (["rmsprop", "--convention", "pytorch"], [0.90000002, 0.9516397891, 0.9189417612]),
    (["rmsprop", "--convention", "keras"], [0.9968377287, 0.9985280345, 0.9974160668]),
    (
        ["adam", "--convention", "pytorch", "--lr", "0.1", "--weight-decay", "0.01"],
        [0.9, 0.8787012439, 0.8417716298],
    ),
    (
        ["adamw", "--convention", "pytorch", "--lr", "0.1"],
        [0.8990000020, 0.8789511989, 0.8433294796],
    ),
    (
        ["nadam", "--convention", "pytorch", "--lr", "0.01", "--eps", "1e-8"],
        [0.9894354824, 0.9942730823, 0.9904304326],
    ),
    (
        ["nadam", "--convention", "keras", "--lr", "0.01", "--eps", "1e-8"],
        [0.9893721222, 0.9940122343, 0.9903339063],
    ),
]


@pytest.mark.parametrize(("args", "expected"), REFERENCES, ids=[" ".join(a) for a, _ in REFERENCES])
def test_reference_values(args: list[str], expected: list[float]) -> None:
    assert path(*args, "--grads", G, "--start", "w=1") == pytest.approx(expected, abs=2e-8)


EPSILON_EXAMPLE = "1e-6,-1e-6,2e-6"


def test_where_adam_puts_epsilon() -> None:
    args = ("--grads", EPSILON_EXAMPLE, "--start", "w=1", "--lr", "0.1")
    assert path("adam", *args, "--convention", "pytorch") == pytest.approx(
        [0.9009900990, 0.9062011464, 0.8567266818]
    )
    assert path("adam", *args, "--convention", "keras", "--eps", "1e-8") == pytest.approx(
        [0.9240253073, 0.9283264581, 0.8842003270]
    )
    assert path("adam", *args, "--convention", "keras") == pytest.approx(
        [0.9759746927, 0.9776008169, 0.9558560257]
    )


def test_keras_weight_decay_is_decoupled_in_every_optimizer() -> None:
    decayed = path("adam", "--grads", G, "--start", "w=1", "--lr", "0.1", "--weight-decay",
                   "0.01", "--convention", "keras")  # fmt: skip
    adamw = path("adamw", "--grads", G, "--start", "w=1", "--lr", "0.1", "--weight-decay",
                 "0.01", "--convention", "keras")  # fmt: skip
    assert decayed == adamw
    plain = path("adam", "--grads", G, "--start", "w=1", "--lr", "0.1", "--convention", "keras")
    assert decayed[0] == pytest.approx(plain[0] - 0.1 * 0.01 * 1.0)


def test_adam_first_step_moves_by_the_learning_rate() -> None:
    """m̂ = g and v̂ = g² at t = 1, so θ moves by η·g/(|g| + ε): almost exactly η, whatever g."""
    for g in ("3.7", "-0.02"):
        (first,) = path("adam", "--grads", g, "--start", "w=0", "--lr", "0.01")
        assert first == pytest.approx(-0.01 * math.copysign(1, float(g)), rel=1e-6)


def test_the_working_is_written_out() -> None:
    run = run_cli("optimize", "adam", "--grads", "0.5,0.2", "--start", "w=1", "-f", "plain")
    assert run.code == 0
    assert "β₁·m + (1 − β₁)·g = 0.9·0 + (1 − 0.9)·0.5 = 0.05" in run.out
    assert "m/(1 − β₁^t) = 0.065/(1 − 0.9²) = 0.342105" in run.out
    assert (
        "θ − η·m̂/(√v̂ + ε) = 1 − 0.001·0.5/(√0.25 + 1·10^−8) = 1 − 0.001·0.5/(0.5 + 1·10^−8) = 0.999"
        in run.out
    )
    assert "convention course" in run.out and "lr = 0.001" in run.out


def test_a_function_is_differentiated_and_followed() -> None:
    data = optimize("sgd", "--function", "x**2 + 10*y**2", "--start", "x=1,y=1", "--lr", "0.05",
                    "--steps", "3")  # fmt: skip
    assert data["gradient"] == {"∂f/∂x": "2·x", "∂f/∂y": "20·y"}
    x, y = 1.0, 1.0
    for step in data["steps"]:
        assert step["gradient"] == {"x": pytest.approx(2 * x), "y": pytest.approx(20 * y)}
        x, y = x - 0.05 * 2 * x, y - 0.05 * 20 * y
        assert step["params"] == {"x": pytest.approx(x), "y": pytest.approx(y)}
        assert step["f"] == pytest.approx(x**2 + 10 * y**2)


def test_compare_runs_the_three_conventions() -> None:
    data = optimize("momentum", "--function", "x**2 + 10*y**2", "--start", "x=1,y=1", "--lr",
                    "0.05", "--steps", "2", "--compare")  # fmt: skip
    x = {name: [s["params"]["x"] for s in run["steps"]] for name, run in data["compare"].items()}
    # course: v = 0.9·0 + 0.1·2 = 0.2, x = 1 − 0.05·0.2; then v = 0.18 + 0.1·1.98 = 0.378.
    assert x["course"] == pytest.approx([0.99, 0.99 - 0.05 * 0.378])
    # PyTorch copies the first gradient into the buffer; Keras folds η into v: the same θ.
    assert x["pytorch"] == pytest.approx([0.9, 0.72])
    assert x["keras"] == pytest.approx(x["pytorch"])
    run = run_cli("optimize", "momentum", "--grads", G, "--start", "w=1", "--compare", "-f",
                  "plain")  # fmt: skip
    assert "side by side" in run.out and "course" in run.out and "keras" in run.out


def test_several_parameters_take_a_row_per_step() -> None:
    data = optimize("sgd", "--grads", "1,2;3,4", "--start", "a=0,b=0", "--lr", "0.5")
    assert [s["params"] for s in data["steps"]] == [{"a": -0.5, "b": -1.0}, {"a": -2.0, "b": -3.0}]


def test_a_problem_file(tmp_path: Path) -> None:
    problem = tmp_path / "adam.opt"
    problem.write_text(
        "# Adam, two steps, PyTorch's formulas\noptimizer adam\nconvention pytorch\nlr 0.1\n"
        "start w=1\ngrads 0.5 -0.3\n",
        encoding="utf-8",
    )
    data = optimize(str(problem))
    # t = 2: m = 0.9·0.05 + 0.1·(−0.3) = 0.015, v = 0.999·0.00025 + 0.001·0.09 = 0.00033975
    second = 0.9 - 0.1 * (0.015 / 0.19) / math.sqrt(0.00033975 / 0.001999)
    assert [s["params"]["w"] for s in data["steps"]] == pytest.approx([0.9, second], abs=1e-8)
    problem.write_text("optimizer adam\nstart w=1\ngrads 0.5\nbeta1 1.5\n", encoding="utf-8")
    err = fails(str(problem))
    assert "adam.opt:4" in err and "beta1 must be in [0, 1)" in err
    problem.write_text("optimizer adma\nstart w=1\ngrads 0.5\n", encoding="utf-8")
    assert "adam" in fails(str(problem))
    problem.write_text("optimizer adam\nstart w=1\ngrads 0.5\nsteps two\n", encoding="utf-8")
    assert "steps is a whole number" in fails(str(problem))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["adam", "--grads", "0.1"], "no start values"),
        (["adam", "--start", "w=1"], "either the gradients or a function"),
        (["adam", "--start", "w=1", "--grads", "1", "--function", "w**2"], "either"),
        (["adam", "--start", "w=1,v=2", "--grads", "1,2;3"], "step 2 gives 1 gradients for 2"),
        (["adam", "--start", "w", "--grads", "1"], "NAME=VALUE"),
        (["adam", "--start", "w=1,w=2", "--grads", "1,2"], "given twice"),
        (["adam", "--start", "w=1", "--grads", "1,x"], "gradient"),
        (["adam", "--start", "w=1", "--grads", "1", "--steps", "3"], "3 steps but gradients for 1"),
        (["adam", "--start", "w=1", "--grads", "1", "--beta2", "1"], "beta2 must be in [0, 1)"),
        (["adam", "--start", "w=1", "--grads", "1", "--lr", "0"], "learning rate must be positive"),
        (["adam", "--start", "w=1", "--grads", "1", "--momentum", "0.9"], "adam has no momentum"),
        (["rmsprop", "--start", "w=1", "--grads", "1", "--amsgrad"], "rmsprop has no amsgrad"),
        (["adamm", "--start", "w=1", "--grads", "1"], "adam"),
        (["sgd", "--start", "x=1", "--function", "x**2 + z"], "uses z"),
        (["sgd", "--start", "x=1", "--function", "x**2 +"], "cannot read the function"),
        (["sgd", "--start", "x=1", "--function", "(x).__class__"], "cannot read the function"),
        (["sgd", "--start", "x=1", "--function", "__import__('os')"], "cannot read"),
        (["sgd", "--start", "x=0", "--function", "sqrt(x)"], "gradient is undefined at step 1"),
        (
            ["sgd", "--start", "x=1", "--function", "-x**2", "--lr", "1", "--steps", "700"],
            "diverges",
        ),
    ],
)
def test_bad_input_gets_one_message(args: list[str], message: str) -> None:
    assert message in fails(*args)


# w after each of six SGD steps (η = 0.1, g = 1, w₀ = 0) under torch.optim.lr_scheduler and
# keras.optimizers.schedules, run in float64 (torch 2.13, Keras 3.15 on the torch backend).
SCHEDULES = [
    ("step:every=2,gamma=0.5", [-0.1, -0.2, -0.25, -0.3, -0.325, -0.35]),  # StepLR(2, 0.5)
    ("exp:rate=0.9", [-0.1, -0.19, -0.271, -0.3439, -0.40951, -0.468559]),  # ExponentialLR(0.9)
    (  # keras InverseTimeDecay(0.1, 1, 0.5)
        "time:decay=0.5",
        [-0.1, -0.1666666667, -0.2166666667, -0.2566666667, -0.29, -0.3185714286],
    ),
    (  # keras ExponentialDecay(0.1, 2, 0.5), and with staircase=True
        "exp:rate=0.5,every=2",
        [-0.1, -0.1707106781, -0.2207106781, -0.2560660172, -0.2810660172, -0.2987436867],
    ),
    ("exp:rate=0.5,every=2,staircase", [-0.1, -0.2, -0.25, -0.3, -0.325, -0.35]),
    (  # keras CosineDecay(0.1, 4, alpha=0.1), which CosineAnnealingLR(4, 0.01) equals to step 5
        "cosine:T=4,min=0.01",
        [-0.1, -0.1868198052, -0.2418198052, -0.265, -0.275, -0.285],
    ),
]


@pytest.mark.parametrize(("schedule", "expected"), SCHEDULES, ids=[s for s, _ in SCHEDULES])
def test_learning_rate_schedules(schedule: str, expected: list[float]) -> None:
    data = optimize("sgd", "--grads", "1,1,1,1,1,1", "--start", "w=0", "--lr", "0.1",
                    "--schedule", schedule)  # fmt: skip
    assert [s["params"]["w"] for s in data["steps"]] == pytest.approx(expected, abs=1e-9)
    rates = [s["lr"] for s in data["steps"]]
    assert rates[0] == 0.1 and data["schedule"]["kind"] == schedule.split(":")[0]


def test_the_rate_of_each_step_is_shown() -> None:
    run = run_cli("optimize", "sgd", "--grads", "1,1,1", "--start", "w=0", "--lr", "0.1",
                  "--schedule", "step:every=2,gamma=0.5", "-f", "plain")  # fmt: skip
    assert "η·γ^⌊k/every⌋ = 0.1·0.5^⌊2/2⌋ = 0.1·0.5^1 = 0.05" in run.out
    assert "schedule step (every = 2, gamma = 0.5)" in run.out


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("cosin:T=4", "did you mean 'cosine'"),
        ("time:decy=2", "has no setting 'decy=2'"),
        ("exp:every=2", "the exp schedule needs rate"),
        ("step:every=0,gamma=0.5", "every must be positive"),
        ("exp:rate=0.9,staircase=1", "has no setting"),
    ],
)
def test_bad_schedules(schedule: str, message: str) -> None:
    assert message in fails("sgd", "--grads", "1", "--start", "w=0", "--schedule", schedule)


def test_course_nesterov_takes_the_gradient_at_the_look_ahead_point() -> None:
    data = optimize("nesterov", "--function", "x**2", "--start", "x=1", "--steps", "2", "--lr",
                    "0.1")  # fmt: skip
    # t = 1: v = −0.1·2 = −0.2, x = 0.8; t = 2: look-ahead 0.8 + 0.9·(−0.2) = 0.62, g = 1.24,
    # v = 0.9·(−0.2) − 0.1·1.24 = −0.304, x = 0.496.
    assert [s["gradient"]["x"] for s in data["steps"]] == pytest.approx([2, 1.24])
    assert [s["params"]["x"] for s in data["steps"]] == pytest.approx([0.8, 0.496])
    assert data["steps"][1]["state"]["x"]["lookahead"] == pytest.approx(0.62)
    # PyTorch's form takes the gradient at θ: b = 2, x = 1 − 0.1·(2 + 0.9·2) = 0.62; then g = 1.24,
    # b = 0.9·2 + 1.24, x = 0.62 − 0.1·(1.24 + 0.9·b).
    torch = optimize("nesterov", "--function", "x**2", "--start", "x=1", "--steps", "2", "--lr",
                     "0.1", "--convention", "pytorch")  # fmt: skip
    assert [s["params"]["x"] for s in torch["steps"]] == pytest.approx(
        [1 - 0.1 * 3.8, 0.62 - 0.1 * (1.24 + 0.9 * (0.9 * 2 + 1.24))]
    )


def test_plot_of_the_path_on_the_level_curves() -> None:
    run = run_cli("optimize", "momentum", "--function", "x**2 + 10*y**2", "--start", "x=1,y=1",
                  "--steps", "3", "--lr", "0.05", "--plot", "-f", "plain")  # fmt: skip
    assert "level curves of f" in run.out
    drawing = run.out[run.out.index("level curves") :]
    assert 2 <= drawing.count("●") <= 4  # the start and three steps (two may share a cell)
    assert any(ch in drawing for ch in "⠁⠂⠄⡀⠈⠐⠠⢀")  # level curves drawn as braille dots
    one = run_cli("optimize", "adam", "--grads", "0.2,-0.1,0.4", "--start", "w=0.5", "--plot",
                  "-f", "plain")  # fmt: skip
    assert "w per step" in one.out and one.out.count("●") == 4
    assert "per step" not in run_cli("optimize", "adam", "--grads", "0.2", "--start", "w=0.5",
                                     "-f", "plain").out  # fmt: skip


def test_contour_plot_draws_the_level_curve_through_a_point() -> None:
    from dlcalc.render.plot import contour_plot

    rows, columns = 16, 20  # 4 × 10 characters; f = x² + y² on [−1, 1]²
    grid = [
        [(-1 + 2 * c / (columns - 1)) ** 2 + (1 - 2 * r / (rows - 1)) ** 2 for c in range(columns)]
        for r in range(rows)
    ]
    lines = contour_plot(grid, (-1, 1, -1, 1), [0.5], [(-1.0, -1.0), (1.0, 1.0)])
    body = [line.split("┤", 1)[1] for line in lines[:4]]
    assert body[3][0] == "●" and body[0][-1] == "●"  # (−1, −1) bottom left, (1, 1) top right
    assert all(any(ch != "⠀" for ch in row) for row in body)  # the circle crosses every row


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["adagrad", "--lr-decay", "0.5"], "lr_decay is a setting of the pytorch convention only"),
        (["nadam", "--momentum-decay", "0.1", "--convention", "keras"], "course or pytorch"),
    ],
)
def test_convention_only_settings(tmp_path: Path, args: list[str], message: str) -> None:
    key, value = args[1].lstrip("-").replace("-", "_"), args[2]
    problem = tmp_path / "p.opt"
    convention = args[4] if len(args) > 3 else "course"
    problem.write_text(
        f"optimizer {args[0]}\nconvention {convention}\n{key} {value}\nstart w=1\ngrads 0.5\n",
        encoding="utf-8",
    )
    assert message in fails(str(problem))


def test_compare_optimizers_on_one_function() -> None:
    data = optimize("--compare-optimizers", "sgd,momentum,adam", "--function", "x**2 + 10*y**2",
                    "--start", "x=1,y=1", "--steps", "2", "--lr", "0.05", "--momentum", "0.9")  # fmt: skip
    runs = data["optimizers"]
    assert list(runs) == ["sgd", "momentum", "adam"]
    assert [s["params"]["x"] for s in runs["sgd"]["steps"]] == pytest.approx([0.9, 0.81])
    assert [s["params"]["x"] for s in runs["momentum"]["steps"]] == pytest.approx([0.99, 0.9711])
    # Adam's first step moves each parameter by about η, whatever its gradient.
    assert runs["adam"]["steps"][0]["params"] == pytest.approx({"x": 0.95, "y": 0.95})
    assert "momentum" not in runs["adam"]["hyper"] or runs["adam"]["hyper"]["momentum"] == 0
    run = run_cli("optimize", "--compare-optimizers", "sgd,adam", "--function", "x**2",
                  "--start", "x=1", "--steps", "3", "--plot", "-f", "plain")  # fmt: skip
    assert "1 sgd, 2 adam" in run.out and "f (adam)" in run.out
    assert "no optimizer given" in fails("--grads", "1", "--start", "w=1")
    assert "cannot be combined" in fails("sgd", "--compare-optimizers", "adam", "--compare",
                                         "--grads", "1", "--start", "w=1")  # fmt: skip
    assert "did you mean" in fails("--compare-optimizers", "sgd,adamm", "--grads", "1",
                                   "--start", "w=1")  # fmt: skip


def test_mini_batches_average_the_per_example_gradients(tmp_path: Path) -> None:
    data = optimize("sgd", "--grads", "0.2,0.4;0.1,0.3;1,1;0,0", "--batch-size", "2",
                    "--start", "a=1,b=1", "--lr", "0.1")  # fmt: skip
    assert [s["gradient"] for s in data["steps"]] == [
        {"a": pytest.approx(0.15), "b": pytest.approx(0.35)},
        {"a": 0.5, "b": 0.5},
    ]
    assert data["steps"][1]["params"] == {"a": pytest.approx(0.935), "b": pytest.approx(0.915)}
    assert data["steps"][0]["state"]["a"]["g_mean"] == pytest.approx(0.15)
    full = optimize("sgd", "--grads", "0.2,0.4,-0.1,0.3", "--batch-size", "4", "--start", "w=1")
    assert [s["gradient"]["w"] for s in full["steps"]] == [pytest.approx(0.2)]  # full batch
    run = run_cli("optimize", "sgd", "--grads", "0.2,0.4", "--batch-size", "2", "--start", "w=1",
                  "-f", "plain")  # fmt: skip
    assert "Σ_i g_i/n = (0.2 + 0.4)/2 = 0.3" in run.out
    assert "whole number of batches" in fails("sgd", "--grads", "0.2,0.4,1", "--batch-size", "2",
                                              "--start", "w=1")  # fmt: skip
    assert "the batch size is a whole number" in fails("sgd", "--grads", "0.2", "--batch-size",
                                                       "x", "--start", "w=1")  # fmt: skip
    problem = tmp_path / "batch.opt"
    problem.write_text("optimizer sgd\nlr 0.1\nstart w=1\ngrads 0.2 0.4\nbatch_size 2\n")
    assert optimize(str(problem))["steps"][0]["params"]["w"] == pytest.approx(0.97)


def test_latex_typesets_the_symbols() -> None:
    run = run_cli("optimize", "rmsprop", "--centered", "--grads", "0.2", "--start", "w=0.5",
                  "-f", "latex")  # fmt: skip
    assert r"$\bar{g}$" in run.out and r"\rho \cdot \bar{g}" in run.out
    assert r"\sqrt{E[g^{2}] - \bar{g}^{2}} + \varepsilon" in run.out
    adam = run_cli("optimize", "adam", "--grads", "0.2", "--start", "w=0.5", "-f", "latex")
    assert r"\theta - \frac{\eta \cdot \hat{m}}{\sqrt{\hat{v}} + \varepsilon}" in adam.out
    assert "\u0302" not in adam.out and "ε" not in adam.out


def test_review_cases_give_numbers_or_one_message(tmp_path: Path) -> None:
    """Inputs that once crashed or gave a wrong number."""
    many = ",".join(["0.7"] * 60)  # centered RMSprop: E − ḡ² rounds to just below 0 at step 54
    data = optimize("rmsprop", "--centered", "--rho", "0.5", "--grads", many, "--start", "x=1")
    assert all(math.isfinite(s["params"]["x"]) for s in data["steps"])
    # a step schedule's interval is a whole number; ⌊k/every⌋ drops at k = 2 for every = 2
    assert [s["lr"] for s in optimize("sgd", "--grads", "1,1,1", "--start", "x=1", "--lr", "1",
            "--schedule", "step:every=2,gamma=0.5")["steps"]] == [1, 1, 0.5]  # fmt: skip
    assert "whole number of steps" in fails("sgd", "--grads", "1", "--start", "x=1",
                                            "--schedule", "step:every=1.5,gamma=0.5")  # fmt: skip
    assert "cannot be computed" in fails("adam", "--eps", "0", "--grads", "0,0;0,0", "--start",
                                         "w=1,b=0", "--convention", "pytorch")  # fmt: skip
    assert "function's name" in fails("adam", "--start", "pi=1", "--function", "pi**2")
    assert "function's name" in fails("adam", "--start", "exp=1", "--function", "exp")
    assert "batch size of 0" in fails("sgd", "--grads", "1", "--batch-size", "0", "--start", "w=1")
    assert "overflows at step 2" in fails("sgd", "--start", "x=1", "--grads", "1,1,1",
                                          "--schedule", "exp:rate=1e308,every=1e-300")  # fmt: skip
    assert "its state passes 1e300" in fails("adam", "--grads", "1e308,1e308", "--start", "w=1")
    assert "needs a momentum" in fails("sgd", "--nesterov", "--grads", "0.2", "--start", "w=1")
    assert "needs a momentum" in fails("momentum", "--compare-optimizers", "sgd,nesterov",
                                       "--nesterov", "--grads", "0.2", "--start", "w=1")  # fmt: skip
    assert "not ''" in fails("sgd", "--grads", "1,,2", "--start", "w=1")
    problem = tmp_path / "p.opt"
    problem.write_text("optimizer adam\nstart w=0.5\n", encoding="utf-8")
    assert "p.opt: the problem has neither a grads line nor a function line" in fails(str(problem))
    problem.write_text("optimizer adam\nstart w=0.5\ngrads 1\namsgrad maybe\n", encoding="utf-8")
    assert "p.opt:4:9: a switch is on or off" in fails(str(problem))
    problem.write_text("optimizer adam\nstart w=0.5\ngrads 1\nsteps 1.5\n", encoding="utf-8")
    assert "p.opt:4:7: steps is a whole number" in fails(str(problem))


def test_f_is_written_at_each_new_point() -> None:
    run = run_cli("optimize", "sgd", "--function", "x**2 + 10*y**2", "--start", "x=1,y=1",
                  "--lr", "0.05", "-f", "plain")  # fmt: skip
    assert "f(x, y) = f(0.9, 0) = 0.81" in run.out


def test_sympy_is_imported_only_for_a_function() -> None:
    code = (
        "import sys\nfrom dlcalc.cli import main\n"
        "sys.argv = ['dlcalc', 'optimize', 'adam', '--grads', '0.2,-0.1', '--start', 'w=0.5']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(str('sympy' in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.stderr.endswith("False")
