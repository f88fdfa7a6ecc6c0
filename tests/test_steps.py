"""The working as data: formula trees, their printers, and the activations defined once."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest

from conftest import run_cli
from dlcalc.render.math_latex import latex
from dlcalc.rules.activations import ACTIVATIONS
from dlcalc.spec.calculators import ACTIVATION_NAMES, ActivationParams
from dlcalc.steps.evaluate import evaluate, evaluate_calls
from dlcalc.steps.expr import Cases, Diff, Num, Rel, Sym, call, exp, ln, sqrt, tanh, tidy
from dlcalc.steps.text import text

x, y, w = Sym("x"), Sym("y"), Sym("w", "5")


@pytest.mark.parametrize(
    ("tree", "written", "typeset"),
    [
        (1 / (1 + exp(-x)), "1/(1 + e^(−x))", r"\frac{1}{1 + e^{-x}}"),
        (1 - tanh(x) ** 2, "1 − tanh²(x)", r"1 - \tanh^{2}\left(x\right)"),
        (Diff(Sym("E"), w), "∂E/∂w₅", r"\frac{\partial E}{\partial w_{5}}"),
        (Num(-2) * call("φ", Num(-2)), "(−2)·φ(−2)", r"\left(-2\right) \cdot \phi\left(-2\right)"),
        (x - (y - 1), "x − (y − 1)", r"x - \left(y - 1\right)"),
        (-(x + y), "−(x + y)", r"-\left(x + y\right)"),
        (
            call("floor", (x - 5) / 2) + 1,
            "⌊(x − 5)/2⌋ + 1",
            r"\left\lfloor\frac{x - 5}{2}\right\rfloor + 1",
        ),
        (sqrt(2 / Sym("π")), "√(2/π)", r"\sqrt{\frac{2}{\pi}}"),
        (ln(Num(0.9)), "ln 0.9", r"\ln 0.9"),
        (Sym("out", "h1"), "out_h1", r"\mathrm{out}_{\mathrm{h1}}"),
        (Num(1.5e-8) * x, "1.5·10^−8·x", r"1.5 \cdot 10^{-8} \cdot x"),
        (
            Cases(((Num(1), Rel(">", x, Num(0))), (Num(0), None))),
            "1 if x > 0, 0 otherwise",
            r"\begin{cases}1 & x > 0 \\ 0 & \text{otherwise}\end{cases}",
        ),
    ],
)
def test_one_tree_written_in_each_notation(tree, written: str, typeset: str) -> None:
    assert text(tree) == written
    assert latex(tree) == typeset


def test_numbers_are_written_at_the_printers_digits() -> None:
    tree = Num(1 / 3) + Num(Fraction(1, 2)) + Num(2.0e20)
    assert text(tree, digits=3) == "0.333 + ½ + 2·10^20"
    assert text(tree, digits=6) == "0.333333 + ½ + 2·10^20"
    assert text(Num(0.5, "0.50"), digits=2) == "0.50"  # an input stays as written


def test_putting_numbers_in_and_evaluating_the_functions() -> None:
    formula = 1 / (1 + exp(-x))
    put_in = tidy(formula.subs({"x": Num(-2.0, "-2")}))
    assert text(put_in) == "1/(1 + e^2)"
    assert text(evaluate_calls(put_in)) == "1/(1 + 7.38906)"
    # beyond a float64, the exponential is kept exactly as a decimal
    assert text(evaluate_calls(exp(Num(1000))), digits=4) == "1.97·10^434"


PARAMS = [ActivationParams(), ActivationParams(approximate="tanh", alpha=0.2)]


@pytest.mark.parametrize("function", ACTIVATION_NAMES)
@pytest.mark.parametrize("params", PARAMS, ids=["default", "options"])
def test_each_formula_tree_computes_the_value_it_stands_beside(function, params) -> None:
    """The formula a report shows, evaluated, is the number it shows (where it is smooth)."""
    activation = ACTIVATIONS[function]
    for at in (-2.5, -0.3, 0.7, 1.9):
        piece = activation.piece(at, params)
        values = {"x": Num(at), **activation.constants(params)}
        for name, definition in activation.where.items():
            values[name] = Num(evaluate(definition.subs(values)))
        value = evaluate(piece.value.subs(values))
        derivative = evaluate(piece.derivative.subs(values))
        assert value == pytest.approx(activation.value(at, params), rel=1e-12, abs=1e-15)
        assert derivative == pytest.approx(activation.derivative(at, params), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("function", ACTIVATION_NAMES)
def test_each_derivative_tree_is_the_derivative_of_its_value_tree(function) -> None:
    """SymPy differentiates the value's tree: the derivative's tree must be the same function."""
    sympy = pytest.importorskip("sympy")
    from dlcalc.steps.sympy_bridge import to_sympy

    activation = ACTIVATIONS[function]
    params = PARAMS[function == "gelu"]
    symbol = sympy.Symbol("x", real=True)
    for at in (-1.7, 0.6):
        piece = activation.piece(at, params)
        symbols = {"x": symbol, **activation.where}
        value = to_sympy(piece.value, symbols)
        derivative = to_sympy(piece.derivative, symbols)
        difference = (sympy.diff(value, symbol) - derivative).subs(symbol, sympy.Rational(at))
        assert abs(float(difference.evalf(30))) < 1e-25, (function, at)


def test_activate_json_has_a_working_list_in_report_order() -> None:
    run = run_cli("activate", "sigmoid", "0.5", "-2", "--digits", "4", "-f", "json")
    data = json.loads(run.out)
    working = data["working"]
    assert [s["name"] for s in working] == [
        "sigmoid(0.5)",
        "sigmoid'(0.5)",
        "sigmoid(-2)",
        "sigmoid'(-2)",
    ]
    first = working[0]
    assert first["symbol"] == "σ(0.5)"
    assert first["formula"] == "1/(1 + e^(−x))"
    assert first["formula_latex"] == r"\frac{1}{1 + e^{-x}}"
    assert first["substituted"] == "1/(1 + e^(−0.5)) = 1/(1 + 0.6065)"  # --digits 4 throughout
    assert first["value"] == pytest.approx(1 / (1 + math.exp(-0.5)), rel=1e-15)


def test_digits_apply_to_every_number_of_the_working() -> None:
    run = run_cli("activate", "tanh", "0.123456", "--digits", "3", "-f", "plain")
    assert "(1.13 − 0.884)/(1.13 + 0.884)" in run.out
    assert "1.1314" not in run.out and "0.883861" not in run.out


@pytest.mark.parametrize("function", ACTIVATION_NAMES)
def test_check_marks_every_step_of_the_working(function, tmp_path) -> None:
    """Every name in the JSON working is an answer name, and each step's own value is right."""
    data = json.loads(run_cli("activate", function, "-1.5", "0", "2", "-f", "json").out)
    problem = tmp_path / "p.calc"
    problem.write_text(f"activate {function} -1.5 0 2\n", encoding="utf-8")
    answers = [f"{s['name']}={s['value']!r}" for s in data["working"]]
    args = [arg for answer in answers for arg in ("--answer", answer)]
    run = run_cli("check", str(problem), *args, "-f", "json")
    assert run.code == 0, run.out + run.err
    marked = json.loads(run.out)["answers"]
    assert [m["name"] for m in marked] == [s["name"] for s in data["working"]]
    assert all(m["correct"] for m in marked)


def test_the_readme_working_example_is_current() -> None:
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = next(line for line in readme.splitlines() if line.startswith('{"name": "sigmoid(0.5)"'))
    run = run_cli("activate", "sigmoid", "0.5", "-f", "json")
    assert json.loads(shown) == json.loads(run.out)["working"][0]


@pytest.mark.parametrize("at", [-6.0, -3.0, 0.5, 4.0, 9.0])
def test_gelu_tanh_form_is_right_to_the_last_digit_far_out(at: float) -> None:
    """½·x·(1 + tanh u) computed as x·σ(2u): torch's naive form loses digits at −6."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    x = mpmath.mpf(at)
    c = mpmath.sqrt(2 / mpmath.pi)
    u = c * (x + mpmath.mpf("0.044715") * x**3)
    t = mpmath.tanh(u)
    value = x * (1 + t) / 2
    derivative = (1 + t) / 2 + x * (1 - t * t) * c * (1 + 3 * mpmath.mpf("0.044715") * x * x) / 2
    params = ActivationParams(approximate="tanh")
    gelu = ACTIVATIONS["gelu"]
    assert gelu.value(at, params) == pytest.approx(float(value), rel=1e-14)
    assert gelu.derivative(at, params) == pytest.approx(float(derivative), rel=1e-13)


def test_keras_cross_entropy_is_flat_where_the_clip_binds() -> None:
    """With p = 1e−9 clipped to 1e−7 (after the row's renormalisation), the loss does not move
    with p: its gradient is 0, as Keras's autograd and finite differences give."""
    run = run_cli(
        "loss", "cce", "--pred", "1e-9,0.999999999", "--target", "1,0",
        "--convention", "keras", "--grad", "-f", "json",
    )  # fmt: skip
    assert json.loads(run.out)["gradient"] == [[0.0, 0.0]]


def test_log_softmax_and_log1p_keep_every_digit() -> None:
    """ln p of a probability that rounds to 1 and ln(1 − p) of a tiny p, against mpmath."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    scores = ["22.0129", "-41.9042", "10.0649", "42.3607"]
    z = [mpmath.mpf(s) for s in scores]
    exact = -(z[3] - mpmath.log(sum(mpmath.exp(v) for v in z)))
    run = run_cli("softmax", "--target", "3", "-f", "json", "--", *scores)
    assert json.loads(run.out)["loss"] == pytest.approx(float(exact), rel=1e-13)
    run = run_cli("loss", "bce", "--pred", "1e-12", "--target", "0", "-f", "json")
    exact = -mpmath.log(1 - mpmath.mpf("1e-12"))
    assert json.loads(run.out)["value"] == pytest.approx(float(exact), rel=1e-14)
