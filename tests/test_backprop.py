"""`dlcalc backprop`: the published examples, every kind of line, the working and bad input."""

from __future__ import annotations

import json
import math

import pytest

from conftest import run_cli

CLASSIC = """\
# A classic step-by-step example: 2-2-2, sigmoid, E = 1/2 Σ (t − o)², learning rate 0.5
inputs   i1=0.05 i2=0.10
layer    h1 h2  sigmoid
layer    o1 o2  sigmoid
targets  o1=0.01 o2=0.99
weight   w1  i1 -> h1  0.15
weight   w2  i2 -> h1  0.20
weight   w3  i1 -> h2  0.25
weight   w4  i2 -> h2  0.30
weight   w5  h1 -> o1  0.40
weight   w6  h2 -> o1  0.45
weight   w7  h1 -> o2  0.50
weight   w8  h2 -> o2  0.55
bias     b1  h1 h2  0.35  frozen   # one bias shared by h1 and h2, not updated
bias     b2  o1 o2  0.60  frozen
loss     half_sse
rate     0.5
"""

TEXTBOOK = """\
# The textbook 3-2-1 example, x = (1, 0, 1), class 1, learning rate 0.9
inputs   x1=1 x2=0 x3=1
layer    4 5  sigmoid
layer    6    sigmoid
targets  6=1
weight   w14 x1 -> 4  0.2
weight   w15 x1 -> 5 -0.3
weight   w24 x2 -> 4  0.4
weight   w25 x2 -> 5  0.1
weight   w34 x3 -> 4 -0.5
weight   w35 x3 -> 5  0.2
weight   w46 4 -> 6  -0.3
weight   w56 5 -> 6  -0.2
bias     θ4  4  -0.4
bias     θ5  5   0.2
bias     θ6  6   0.1
loss     half_sse
rate     0.9
"""


SATURATED_SOFTMAX = (
    "inputs a=1\nlayer y z softmax\nweight w1 a -> y 800\nweight w2 a -> z 0\n"
    "targets y=0 z=1\nloss bce\nrate 1\n"
)
"""A softmax with bce (not from its net inputs): p_z = e^−800/(1 + e^−800) is 0 in float64."""


def backprop(arch_file, text: str, *args: str) -> dict:
    run = run_cli("backprop", arch_file(text, "net.net"), *args, "-f", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)


def test_the_classic_example_gives_the_published_results(arch_file) -> None:
    (step,) = backprop(arch_file, CLASSIC)["steps"]
    assert step["loss"] == pytest.approx(0.298371109, abs=5e-10)
    assert step["updated"]["w5"] == pytest.approx(0.35891648, abs=5e-9)
    assert step["updated"]["w1"] == pytest.approx(0.149780716, abs=5e-10)
    assert step["forward"]["h1"] == {
        "net": pytest.approx(0.3775),
        "out": pytest.approx(0.593269992, abs=1e-9),
    }
    assert step["updated"]["b1"] == 0.35  # frozen
    assert step["gradients"]["b1"] == pytest.approx(step["deltas"]["h1"] + step["deltas"]["h2"])


def test_the_textbook_example_gives_the_books_results(arch_file) -> None:
    (step,) = backprop(arch_file, TEXTBOOK)["steps"]
    updated = {k: round(v, 3) for k, v in step["updated"].items()}
    assert updated == {
        "w14": 0.192,
        "w15": -0.306,
        "w24": 0.4,
        "w25": 0.1,
        "w34": -0.508,
        "w35": 0.194,
        "w46": -0.261,
        "w56": -0.138,
        "θ4": -0.408,
        "θ5": 0.194,
        "θ6": 0.218,
    }


def test_the_working_shows_every_chain_rule_term(arch_file) -> None:
    data = backprop(arch_file, CLASSIC)
    working = {s["name"]: s for s in data["working"]}

    def written(name: str) -> str:
        s = working[name]
        return " = ".join(filter(None, (s["symbol"], s["formula"], s["substituted"])))

    assert written("net_h1") == "net_h1 = w₁·out_i1 + w₂·out_i2 + b₁ = 0.15·0.05 + 0.2·0.1 + 0.35"
    assert written("out_h1").startswith("out_h1 = σ(net_h1) = σ(0.3775) = 1/(1 + e^(−0.3775))")
    assert written("dE/dw5") == (
        "∂E/∂w₅ = ∂E/∂out_o1·∂out_o1/∂net_o1·∂net_o1/∂w₅ = 0.741365·0.186816·0.59327"
    )
    assert working["dE/dw5"]["value"] == pytest.approx(0.0821670406, abs=1e-10)
    # the hidden weight's gradient sums the paths through both outputs
    assert written("dE/dout_h1") == (
        "∂E/∂out_h1 = δ_o1·w₅ + δ_o2·w₇ = 0.138499·0.4 + (−0.0380982)·0.5"
    )
    assert written("w5") == "w₅⁺ = w₅ − η·∂E/∂w₅ = 0.4 − 0.5·0.082167"
    run = run_cli("backprop", arch_file(CLASSIC, "net.net"))
    assert "Δw = η·δ·o" in run.out


def test_only_limits_the_chain_rule(arch_file) -> None:
    run = run_cli("backprop", arch_file(CLASSIC, "net.net"), "--only", "w5,w1")
    chain = run.out[run.out.index("Chain rule") : run.out.index("Updates")]
    assert "∂E/∂w₅" in chain and "∂E/∂w₁" in chain and "∂E/∂w₂" not in chain


def test_rate_and_epochs_overrides(arch_file) -> None:
    data = backprop(arch_file, CLASSIC, "--rate", "1", "--epochs", "3")
    assert len(data["steps"]) == 3
    assert data["steps"][0]["updated"]["w5"] == pytest.approx(0.4 - 0.0821670406, abs=1e-9)
    assert data["steps"][2]["loss"] < data["steps"][1]["loss"] < data["steps"][0]["loss"]


SAMPLES = """\
layer h: 2 sigmoid
layer o: 1 sigmoid
sample x1=0 x2=1 -> o1=1
sample x1=1 x2=0 -> o1=0
weights h <- input [[0.1, -0.2], [0.3, 0.4]]
biases h [0.1, 0.2]
weights o <- h [[0.5, -0.6]]
loss sse
rate 0.5
"""


def test_matrix_form_and_stochastic_samples(arch_file) -> None:
    data = backprop(arch_file, SAMPLES)
    assert [(s["epoch"], s["sample"]) for s in data["steps"]] == [(1, 1), (1, 2)]
    first, second = data["steps"]
    # the second sample sees the weights the first one updated
    assert second["samples"][0]["forward"]["h1"]["net"] == pytest.approx(
        first["updated"]["W_h[1,1]"] * 1 + first["updated"]["b_h[1]"]
    )
    assert set(first["gradients"]) == {
        "W_h[1,1]",
        "W_h[1,2]",
        "W_h[2,1]",
        "W_h[2,2]",
        "W_o[1,1]",
        "W_o[1,2]",
        "b_h[1]",
        "b_h[2]",
    }


def test_batch_mode_averages_the_gradients(arch_file) -> None:
    stochastic = backprop(arch_file, SAMPLES)
    batch = backprop(arch_file, SAMPLES + "mode batch\n")
    (step,) = batch["steps"]
    assert step["sample"] is None and len(step["samples"]) == 2
    assert step["loss"] == pytest.approx(
        (step["samples"][0]["loss"] + step["samples"][1]["loss"]) / 2
    )
    # each sample's gradient at the initial weights: run each one first, stochastically
    first = stochastic["steps"][0]["gradients"]
    lines = SAMPLES.splitlines()
    swapped = "\n".join([*lines[:2], lines[3], lines[2], *lines[4:]]) + "\n"
    second = backprop(arch_file, swapped)["steps"][0]["gradients"]
    for name, value in step["gradients"].items():
        assert value == pytest.approx((first[name] + second[name]) / 2)


SOFTMAX = """\
inputs x1=1 x2=2
layer h1 h2 relu
layer o1 o2 o3 softmax
targets o1=0 o2=1 o3=0
weight a x1 -> h1 0.5
weight b x2 -> h1 -0.1
weight c x1 -> h2 0.3
weight d x2 -> h2 0.2
weight e h1 -> o1 0.1
weight f h1 -> o2 0.2
weight g h1 -> o3 0.3
weight h h2 -> o1 -0.1
weight i h2 -> o2 0.4
weight j h2 -> o3 0.2
loss cce
rate 0.1
"""


def test_softmax_with_cross_entropy_uses_out_minus_t(arch_file) -> None:
    (step,) = backprop(arch_file, SOFTMAX)["steps"]
    out = {k: v["out"] for k, v in step["forward"].items()}
    assert out["o1"] + out["o2"] + out["o3"] == pytest.approx(1.0)
    assert step["deltas"]["o2"] == pytest.approx(out["o2"] - 1)
    assert step["gradients"]["f"] == pytest.approx((out["o2"] - 1) * out["h1"])
    run = run_cli("backprop", arch_file(SOFTMAX, "net.net"))
    assert "(softmax with cross-entropy)" in run.out


def test_forward_pass_only(arch_file) -> None:
    text = "inputs a=1 b=2\nlayer y linear\nweight w1 a -> y 3\nweight w2 b -> y -1\n"
    data = backprop(arch_file, text)
    (step,) = data["steps"]
    assert step["forward"]["y"]["out"] == 1.0
    assert "gradients" not in step
    run = run_cli("backprop", arch_file(text, "net.net"))
    assert run.out.startswith("Forward pass:")


def test_step_works_forward_only(arch_file) -> None:
    text = "inputs a=1 b=-2\nlayer y step\nweight w1 a -> y 1\nweight w2 b -> y 1\n"
    assert backprop(arch_file, text)["steps"][0]["forward"]["y"]["out"] == 0.0
    run = run_cli("backprop", arch_file(text + "targets y=1\nloss sse\nrate 1\n", "net.net"))
    assert run.code == 2 and "cannot pass through the step function" in run.err


def test_relu_gradient_at_zero(arch_file) -> None:
    text = "inputs a=1\nlayer h relu\nlayer y linear\nweight w1 a -> h 0\nweight w2 h -> y 1\ntargets y=1\nloss half_sse\nrate 1\n"
    assert backprop(arch_file, text)["steps"][0]["gradients"]["w1"] == 0.0
    assert (
        backprop(arch_file, text, "--relu-grad-at-zero", "1")["steps"][0]["gradients"]["w1"] == -1.0
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("inputs a=1\nlayer y sigmoid\nweight w1 a -> z 1\n", "no neuron is named 'z'"),
        (
            "inputs a=1\nlayer h sigmoid\nlayer y sigmoid\nweight w1 a -> y 1\nweight w2 a -> h 1\n",
            "goes past a layer",
        ),
        (
            "inputs a=1 b=2\nlayer y sigmoid\nweight w1 a -> y 1\nweight w1 b -> y 1\n",
            "named twice",
        ),
        ("inputs a=1\nlayer h1 h2 sigmoid\nweight w1 a -> h1 1\n", "h2 has no incoming weights"),
        (
            "inputs a=1\nlayer y1 y2 sigmoid\nweight w1 a -> y1 1\nweight w2 a -> y2 1\ntargets y1=1\nloss sse\n",
            "no value for y2",
        ),
        (
            "inputs a=1\nlayer h softmax\nlayer y sigmoid\nweight w1 a -> h 1\nweight w2 h -> y 1\n",
            "softmax is on the hidden layer",
        ),
        (
            "inputs a=1\nlayer y sigmoid\nweight w1 a -> y 1\ntargets y=2\nloss bce\n",
            "bce needs targets from 0 to 1",
        ),
        ("inputs a=x\nlayer y sigmoid\nweight w1 a -> y 1\n", "must be a number, not 'x'"),
        (SATURATED_SOFTMAX, "out_y saturated to exactly 1 in float64"),
        (
            "inputs a=1\nlayer y sigmoid\nweight w1 a -> y 1\ntargets y=1\n",
            "there are targets but no loss",
        ),
        ("inputs a=1\nlayer y sigmid\n", "did you mean 'sigmoid'?"),
        ("inputs a=1\nlayer y sigmoid\nwieght w1 a -> y 1\n", "did you mean 'weight'?"),
    ],
)
def test_bad_input(arch_file, text: str, message: str) -> None:
    run = run_cli("backprop", arch_file(text, "net.net"))
    assert run.code == 2, run.out
    assert message in run.err
    assert "Traceback" not in run.err


def test_gradients_agree_with_finite_differences(arch_file) -> None:
    data = backprop(arch_file, CLASSIC.replace("frozen", ""))
    (step,) = data["steps"]
    h = 1e-6
    for name in ("w1", "w5", "b1"):
        value = {"w1": "0.15", "w5": "0.40", "b1": "0.35"}[name]
        losses = []
        for shift in (h, -h):
            changed = CLASSIC.replace(f"{name}  ", f"{name}  ", 1)
            line = next(
                line
                for line in changed.splitlines()
                if line.split()[:2] in (["weight", name], ["bias", name])
            )
            moved = line.replace(value, repr(float(value) + shift))
            losses.append(backprop(arch_file, changed.replace(line, moved))["steps"][0]["loss"])
        assert step["gradients"][name] == pytest.approx((losses[0] - losses[1]) / (2 * h), rel=1e-6)
    assert math.isfinite(step["loss"])


def test_set_compares_the_change_with_the_first_order_prediction(arch_file) -> None:
    data = backprop(arch_file, CLASSIC, "--set", "w5=0.5", "--set", "w7=0.45")
    what = data["what_if"]
    assert what["changes"] == {"w5": 0.5, "w7": 0.45}
    gradients = data["steps"][0]["gradients"]
    assert what["predicted_change"] == pytest.approx(gradients["w5"] * 0.1 - gradients["w7"] * 0.05)
    assert what["loss_before"] == pytest.approx(0.298371109, abs=1e-9)
    assert what["loss_after"] - what["loss_before"] == pytest.approx(
        what["predicted_change"], rel=0.1
    )
    assert what["outputs"]["o2"]["after"] < what["outputs"]["o2"]["before"]
    run = run_cli("backprop", arch_file(CLASSIC, "net.net"), "--set", "w5=0.5")
    assert "the prediction gets     less accurate (the loss rises)" in run.out
    bad = run_cli("backprop", arch_file(CLASSIC, "net.net"), "--set", "w9=1")
    assert bad.code == 2 and "--set needs NAME=VALUE with a parameter of the file" in bad.err


def test_latex_is_a_derivation_of_equations(arch_file) -> None:
    run = run_cli("backprop", arch_file(CLASSIC, "net.net"), "-f", "latex")
    assert run.code == 0
    lead = "\\par\\smallskip\\noindent\\hangindent=2em $\\displaystyle "
    body = [line[len(lead) : -1] for line in run.out.splitlines() if line.startswith(lead)]
    net = r"\mathrm{net}_{\mathrm{h1}} = w_{1} \cdot \mathrm{out}_{\mathrm{i1}} + w_{2} \cdot "
    assert any(line.startswith(net) and line.endswith("+ 0.35 = 0.3775") for line in body)
    assert any(line.startswith(r"\frac{\partial E}{\partial w_{5}} = ") for line in body)
    update = r"w^{+}_{5} = w_{5} - \eta \cdot \frac{\partial E}{\partial w_{5}} = 0.4 - 0.5"
    assert any(line.startswith(update) and "0.358916" in line for line in body)
    assert all(line.count("{") == line.count("}") for line in body)
    assert "\\begin{tabular}" not in run.out


def test_only_takes_matrix_names(arch_file) -> None:
    run = run_cli("backprop", arch_file(SAMPLES, "net.net"), "--only", "W_o[1,1],b_h[2]")
    assert run.code == 0, run.err
    chain = run.out[run.out.index("Chain rule") : run.out.index("Updates")]
    assert "∂E/∂W_o[1,1]" in chain and "∂E/∂b_h[2]" in chain and "∂E/∂W_o[1,2]" not in chain


def _evaluate(form: str) -> float:
    import sympy

    python = form.replace("·", "*").replace("−", "-").replace("^", "**").replace("√", "sqrt")
    python = python.replace("²", "**2").replace("³", "**3")
    return float(sympy.sympify(python.replace("e**", "E**"), locals={"E": sympy.E}))


def test_exact_closed_forms_agree_with_the_numbers(arch_file) -> None:
    data = backprop(arch_file, CLASSIC, "--exact")
    exact, (step,) = data["exact"], data["steps"]
    assert _evaluate(exact["loss"]["form"]) == pytest.approx(step["loss"], rel=1e-12)
    assert exact["loss"]["value"] == pytest.approx(step["loss"], rel=1e-12)
    for name, gradient in step["gradients"].items():
        form = exact["gradients"][name]["form"]
        assert _evaluate(form) == pytest.approx(gradient, rel=1e-10, abs=1e-15)
        assert exact["updated"][name]["value"] == pytest.approx(step["updated"][name], rel=1e-12)
    out = step["forward"]["o1"]["out"]
    assert exact["outputs"]["o1"]["value"] == pytest.approx(out, rel=1e-12)
    assert exact["updated"]["b1"]["form"] == "7/20"  # frozen


def test_exact_with_softmax_and_relu(arch_file) -> None:
    data = backprop(arch_file, SOFTMAX, "--exact")
    exact, (step,) = data["exact"], data["steps"]
    for name, gradient in step["gradients"].items():
        assert exact["gradients"][name]["value"] == pytest.approx(gradient, rel=1e-10, abs=1e-15)


@pytest.mark.parametrize(
    ("text", "args"),
    [
        (SAMPLES + "mode batch\n", ()),  # the batch loss, averaged over the samples
        ("inputs a=1 b=-2\nlayer y step\nweight w1 a -> y 1\nweight w2 b -> y 1\n", ()),
        (
            "inputs a=3 b=2\nlayer h relu\nlayer y linear\nweight w1 a -> h 1\nweight w2 b -> h -1.5\nweight w3 h -> y 2\ntargets y=1\nloss mae\nrate 1\n",
            ("--relu-grad-at-zero", "0.5"),
        ),
    ],
    ids=["batch", "step", "mae-and-kink"],
)
def test_exact_agrees_with_the_numbers(arch_file, text: str, args: tuple[str, ...]) -> None:
    data = backprop(arch_file, text, "--exact", *args)
    exact, step = data["exact"], data["steps"][0]
    for neuron, pair in exact["outputs"].items():
        forward = step.get("forward") or step["samples"][0]["forward"]
        assert pair["value"] == pytest.approx(forward[neuron]["out"], rel=1e-12, abs=1e-15)
    if "gradients" in step:
        assert exact["loss"]["value"] == pytest.approx(step["loss"], rel=1e-12)
        for name, gradient in step["gradients"].items():
            assert exact["gradients"][name]["value"] == pytest.approx(
                gradient, rel=1e-10, abs=1e-15
            )
            assert "Subs" not in exact["gradients"][name]["form"]


def test_exact_refuses_large_networks(arch_file) -> None:
    lines = ["inputs x: " + " ".join(["0.5"] * 8), "layer h: 6 sigmoid", "layer o: 1 sigmoid"]
    lines += ["weights h <- x " + repr([[0.1] * 8] * 6), "weights o <- h " + repr([[0.1] * 6])]
    run = run_cli("backprop", arch_file("\n".join(lines) + "\n", "net.net"), "--exact")
    assert run.code == 2 and "--exact is for small networks" in run.err


def test_exact_computes_a_loss_that_is_infinite_in_float64(arch_file) -> None:
    run = run_cli("backprop", arch_file(SATURATED_SOFTMAX, "net.net"))
    assert run.code == 2 and "--exact computes the loss" in run.err
    data = backprop(arch_file, SATURATED_SOFTMAX, "--exact")
    assert data["steps"] == []
    # p_y = σ(800): E = −ln(1 − p_y) − ln p_z = 2·ln(1 + e^800) = 1600 + 2·ln(1 + e^−800)
    assert data["exact"]["loss"]["value"] == pytest.approx(1600.0, rel=1e-12)
    # ∂E/∂w1 = 2·σ(800): the decimal right although the form cancels 350 digits
    assert data["exact"]["gradients"]["w1"]["value"] == pytest.approx(2.0, rel=1e-15)
    assert any("saturated to exactly 1" in note for note in data["notes"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "inputs a=1\nlayer y1 y2 sigmoid\nweight w1 a -> y1 1\nweight w2 a -> y2 1\ntargets y1=0.5 y1=0.7 y2=1\nloss sse\n",
            "y1 is given twice",
        ),
        (
            "inputs a=1\nlayer y sigmoid\nweight w1 a -> y 1\ntargets y=1\nloss sse\nloss mse\n",
            "the loss is given twice",
        ),
        (
            "inputs a=1\nlayer y sigmoid\nweight w1 a -> y 1\nbias b y y 0.3\n",
            "y is listed twice in the bias b",
        ),
        (
            "inputs a=1\nlayer y leaky_relu:\nweight w1 a -> y 1\n",
            "is not an activation with a parameter",
        ),
        ("inputs x: 1\nlayer h: 50000000 sigmoid\n", "more than 10,000"),
        (
            "inputs a=1\nlayer y sigmoid\nweight w1 a -> y 1\ntargets y=1\nloss sse\nrate 1\nepochs 100000000\n",
            "more than 10,000 epochs",
        ),
        (
            "inputs a=-1000\nlayer h linear\nlayer y sigmoid\nweight w1 a -> h 1e300\nweight w2 h -> y 1e10\ntargets y=1\nloss half_sse\n",
            "overflows a float64",
        ),
    ],
)
def test_more_bad_input(arch_file, text: str, message: str) -> None:
    run = run_cli("backprop", arch_file(text, "net.net"))
    assert run.code == 2, run.out
    assert message in run.err
    assert "NaN" not in run.out


def test_an_exactly_zero_net_input_is_at_the_kink(arch_file) -> None:
    # 0.1 + 0.2 − 0.3 is 5.55e−17 in float64 but 0 on paper: ReLU′(0) applies
    text = "inputs x1=0.1 x2=0.2\nlayer h relu\nlayer y linear\nweight w1 x1 -> h 1\nweight w2 x2 -> h 1\nbias b h -0.3\nweight v h -> y 1\ntargets y=1\nloss half_sse\nrate 0.1\n"
    (step,) = backprop(arch_file, text)["steps"]
    assert step["forward"]["h"]["net"] == 0.0
    assert step["gradients"]["w1"] == 0.0
    (step,) = backprop(arch_file, text, "--relu-grad-at-zero", "1")["steps"]
    assert step["gradients"]["w1"] == pytest.approx(-0.1)


def test_no_rate_means_no_update_and_says_so(arch_file) -> None:
    text = "inputs a=1\nlayer y sigmoid\nweight w1 a -> y 1\ntargets y=1\nloss sse\n"
    data = backprop(arch_file, text)
    assert "updated" not in data["steps"][0] and "gradients" in data["steps"][0]
    assert any("nothing is updated" in note for note in data["notes"])


def test_csv_lists_every_update(arch_file) -> None:
    run = run_cli("backprop", arch_file(CLASSIC, "net.net"), "-f", "csv")
    lines = run.out.splitlines()
    assert lines[0] == "epoch,sample,parameter,old,gradient,new,frozen"
    assert len(lines) == 11 and lines[-1].startswith("1,1,b2,0.6,")


def test_latex_escapes_names(arch_file) -> None:
    text = "inputs x_1=1\nlayer node_0 linear\nweight w_a x_1 -> node_0 2\n"
    run = run_cli("backprop", arch_file(text, "net.net"), "-f", "latex")
    assert r"\mathrm{net}_{\mathrm{node\_0}} = \mathrm{w\_a} \cdot " in run.out


SATURATED = """\
inputs x=1
layer a sigmoid
targets a=0
weight w x -> a 30
loss bce
"""
LOGISTIC = """\
layer y sigmoid
sample x1=1 x2=3 -> y=1
sample x1=2 x2=4 -> y=0
sample x1=-1 x2=-3.2 -> y=1
weight w1 x1 -> y 1
weight w2 x2 -> y 2
bias b y 2
mode batch
loss bce
"""


def test_a_sigmoid_with_bce_takes_the_loss_and_delta_from_the_net_input(arch_file) -> None:
    """E = ln(1 + e^30) = 30.0000000000000935 and δ = σ(30) − 0, not (o − t)/(o(1 − o))·σ′
    with 1 − o rounded (which gave E = 30.001 and δ = 1.00102)."""
    data = backprop(arch_file, SATURATED)
    (step,) = data["steps"]
    assert step["loss"] == pytest.approx(30.0000000000000935, rel=1e-15)
    assert step["deltas"]["a"] == pytest.approx(0.99999999999990642, rel=1e-15)
    # the target 1: δ = σ(30) − 1 = −σ(−30), computed without cancelling
    one = backprop(arch_file, SATURATED.replace("a=0", "a=1"))["steps"][0]
    assert one["deltas"]["a"] == pytest.approx(-9.357622968839299e-14, rel=1e-13)
    assert one["loss"] == pytest.approx(9.357622968839299e-14, rel=1e-13)
    assert any("o − t, computed as σ(net) − t" in note for note in data["notes"])


def test_logistic_regression_gradient_to_every_digit(arch_file, tmp_path) -> None:
    (step,) = backprop(arch_file, LOGISTIC)["steps"]
    assert step["gradients"]["b"] == pytest.approx(0.00145557813678424, rel=1e-13)
    path = tmp_path / "logistic.net"
    path.write_text(LOGISTIC)
    run = run_cli("check", str(path), "--answer", "dE/db=0.00145557813678", "-f", "json")
    assert json.loads(run.out)["answers"][0]["correct"], run.out


def test_forward_only_samples_through_a_bipolar_perceptron(arch_file) -> None:
    """A truth table in one file: samples without targets, the sign activation (+1 at 0)."""
    text = (
        "layer y sign\nweight w1 x1 -> y 1\nweight w2 x2 -> y 1\nbias b y -1\n"
        "sample x1=0 x2=0\nsample x1=0 x2=1\nsample x1=1 x2=0\nsample x1=1 x2=1\n"
    )
    run = run_cli("backprop", arch_file(text, "gate.net"), "-f", "json")
    outs = {s["name"]: s["value"] for s in json.loads(run.out)["working"] if "out_y" in s["name"]}
    assert outs == {"out_y": -1.0, "step2.out_y": 1.0, "step3.out_y": 1.0, "step4.out_y": 1.0}
    mixed = run_cli("backprop", arch_file(text + "sample x1=1 x2=1 -> y=1\nloss sse\n", "m.net"))
    assert mixed.code == 2 and "some samples have targets and some do not" in mixed.err


MINIBATCH = """layer h1 h2 sigmoid
layer o sigmoid
weight w1 x1 -> h1 0.1
weight w2 x2 -> h1 -0.2
weight w3 x1 -> h2 0.4
weight w4 x2 -> h2 0.3
weight w5 h1 -> o 0.7
weight w6 h2 -> o -0.6
bias b1 h1 0.05
bias b2 h2 -0.05
bias b3 o 0.1
sample x1=0.5 x2=-0.3 -> o=1
sample x1=-1 x2=0.2 -> o=0
sample x1=0.3 x2=0.9 -> o=1
loss half_sse
rate 0.5
mode minibatch 2
epochs 2
"""


def test_mini_batches_update_after_each_group_of_samples(arch_file) -> None:
    """Two epochs of mini-batches of 2 over 3 samples: 4 updates, the last of one sample. The
    parameters after them are PyTorch's (float64 autograd, the mean loss of each group)."""
    run = run_cli("backprop", arch_file(MINIBATCH, "mb.net"), "-f", "json")
    data = json.loads(run.out)
    assert len(data["steps"]) == 4
    assert data["steps"][-1]["updated"] == pytest.approx(
        {"w1": 0.1233665630952437, "w2": -0.1866879343219021, "w3": 0.381388337508936,
         "w4": 0.2894343447012642, "w5": 0.752815137421422, "w6": -0.5313308306878863,
         "b1": 0.06828685705370784, "b2": -0.06494941836301649, "b3": 0.20331216508321662},
        rel=1e-12,
    )  # fmt: skip
    plain = run_cli("backprop", arch_file(MINIBATCH, "mb.net"), "-f", "plain").out
    assert "mode minibatch 2: the loss and the gradients are averaged" in plain
    assert "the last mini-batch has 1 sample(s)" in plain
    wrong = run_cli("backprop", arch_file(MINIBATCH.replace("minibatch 2", "minibatch"), "x.net"))
    assert wrong.code == 2 and "mode minibatch takes the batch size" in wrong.err
