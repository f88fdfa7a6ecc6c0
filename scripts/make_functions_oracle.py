#!/usr/bin/env python3
"""Independent oracle for `dlcalc activate`, `dlcalc softmax` and `dlcalc loss`.

This script does NOT import dlcalc.  It writes tests/data/functions_oracle.json with reference
values computed by PyTorch in float64 (torch.nn.functional, derivatives and gradients by autograd)
and, where its convention differs from PyTorch's, by Keras 3 (torch backend, floatx float64):

* "activations": value and autograd derivative of each activation on a fixed grid of x plus 20
  seeded random points (at kinks the derivative is PyTorch's own convention);
* "softmax": probabilities, log-probabilities, Jacobian d p_i / d z_j, and the cross-entropy
  -log p_k with its gradient w.r.t. z, all for softmax(z / T);
* "losses": value and gradient w.r.t. pred of MSE, MAE, Huber, log-cosh, BCE (probabilities,
  logits, and Keras's clipped version), CCE (exact, and Keras's renormalised version), sparse CCE,
  KL divergence, hinge and squared hinge, for the reductions "mean" and "sum".

Everything is seeded, so a rerun writes the same file.  As a cross-check the script also runs
the Keras 3 functions (keras.activations.*, keras.losses.*) and high-precision mpmath versions
of the activations, and prints every place where they disagree with the PyTorch numbers; those
findings are also stored under "disagreements".  Floats are written by json (repr, so they round
trip exactly); the file holds no NaN or Infinity.

Requirements (own virtual environment, not the project's):
    python3 -m venv /work/oracle-venv
    /work/oracle-venv/bin/pip install torch==2.13.0 keras
Regenerate (from the repository root):
    KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_functions_oracle.py
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sys
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")  # e.g. Keras's warning for a one-class categorical CE

import keras  # noqa: E402
import mpmath as mp  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from oracle_output import dump  # noqa: E402 (beside this file)

SEED = 20250612
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "functions_oracle.json"
REGENERATE = "KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_functions_oracle.py"
F64 = torch.float64
TOL = 1e-12  # agreement tolerance for the cross-checks: |a - b| <= TOL * max(1, |b|)

X_GRID = [-1000.0, -50.0, -20.0, -10.0, -5.0, -3.0, -2.5, -1.0, -0.5, -1e-8, 0.0, 1e-8]
X_GRID += [0.5, 1.0, 2.5, 3.0, 5.0, 10.0, 20.0, 50.0, 1000.0]
N_RANDOM_X = 20
# Extra points for the two softplus entries only: above torch's threshold (20) the PyTorch
# convention returns x (derivative 1), while the exact log(1 + e^x) still differs from x.
SOFTPLUS_EXTRA_X = [20.5, 22.0, 25.0, 30.0]
N_RANDOM_SOFTMAX = 20
N_RANDOM_LOSS = 8  # random cases per (kind, params, convention) and reduction
N_RANDOM_LOSS_01 = 3  # hinge / squared_hinge with 0/1 labels
MAZUR = ([[0.75136507, 0.77292847]], [[0.01, 0.99]])  # Mazur's step-by-step backprop example

DISAGREEMENTS: list[str] = []
NOTES = [
    "Every value is PyTorch float64 (autograd for derivatives and gradients) unless the entry says "
    "otherwise in its note; entries with convention 'keras' follow Keras 3's definition.",
    "Compare with a relative AND an absolute tolerance (e.g. rel 1e-12, abs 1e-15): where a "
    "result is tiny, PyTorch's float64 formulas lose relative accuracy (sigmoid'(20) = "
    "2.0611536879193953e-09 vs exact 2.0611536139e-09, gelu(-10) = -0.0 vs exact -7.62e-23); "
    "'disagreements' lists every such point (checked against mpmath at 40 digits).",
    "'disagreements' also lists where Keras 3 (torch backend) differs from these numbers.",
]


def report(msg: str) -> None:
    DISAGREEMENTS.append(msg)


def t64(v: Any, grad: bool = False) -> torch.Tensor:
    return torch.tensor(v, dtype=F64, requires_grad=grad)


def as_list(t: torch.Tensor) -> Any:
    """Python floats (or nested lists); non-finite values become None."""
    v = t.detach().tolist()

    def fix(u: Any) -> Any:
        if isinstance(u, list):
            return [fix(w) for w in u]
        return u if math.isfinite(u) else None

    return fix(v)


def has_null(v: Any) -> bool:
    if isinstance(v, list):
        return any(has_null(u) for u in v)
    return v is None


def close(a: float, b: float, tol: float = TOL) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(b))


def flat(v: Any) -> list[float]:
    if isinstance(v, list):
        return [w for u in v for w in flat(u)]
    return [v]


def max_diff(a: Any, b: Any) -> tuple[float, int]:
    """Largest |a - b| over matching (flattened) elements, and its index."""
    fa, fb = flat(a), flat(b)
    best, where = 0.0, -1
    for i, (u, w) in enumerate(zip(fa, fb)):
        d = abs(u - w)
        if d > best:
            best, where = d, i
    return best, where


def all_close(a: Any, b: Any, tol: float = TOL) -> bool:
    return all(close(u, w, tol) for u, w in zip(flat(a), flat(b)))


def value_and_derivative(fn: Callable, xs: list[float]) -> tuple[list, list]:
    x = t64(xs, grad=True)
    y = fn(x)
    (dy,) = torch.autograd.grad(y.sum(), x)
    return as_list(y), as_list(dy)


# --------------------------------------------------------------------------------------------
# 1. Activations
# --------------------------------------------------------------------------------------------

SELU_ALPHA = mp.mpf("1.6732632423543772848170429916717")
SELU_SCALE = mp.mpf("1.0507009873554804934193349852946")


def mp_act(name: str, params: dict) -> Callable | None:
    """High-precision reference (mpmath) of an activation, for the sanity check."""
    a = mp.mpf(params.get("alpha", 0.0))
    half, one = mp.mpf(0.5), mp.mpf(1)

    def softplus(x):
        return mp.log(1 + mp.exp(x))

    table = {
        "sigmoid": lambda x: 1 / (1 + mp.exp(-x)),
        "tanh": mp.tanh,
        "relu": lambda x: max(x, 0),
        "linear": lambda x: x,
        "softsign": lambda x: x / (1 + abs(x)),
        "mish": lambda x: x * mp.tanh(softplus(x)),
        "selu": lambda x: SELU_SCALE * (x if x > 0 else SELU_ALPHA * (mp.exp(x) - 1)),
        "silu": lambda x: x / (1 + mp.exp(-x)),
        "swish": lambda x: x / (1 + mp.exp(-x)),
        "leaky_relu": lambda x: x if x > 0 else a * x,
        "elu": lambda x: x if x > 0 else a * (mp.exp(x) - 1),
    }
    if name in table:
        return table[name]
    if name == "gelu" and params["approximate"] == "none":
        return lambda x: half * x * (1 + mp.erf(x / mp.sqrt(2)))
    if name == "gelu":
        c = mp.sqrt(2 / mp.pi)
        return lambda x: half * x * (1 + mp.tanh(c * (x + mp.mpf(0.044715) * x**3)))
    if name == "softplus" and not params:
        return softplus
    if name == "softplus":
        return lambda x: x if x > 20 else softplus(x)
    if name == "hard_sigmoid" and params["convention"] == "pytorch":
        return lambda x: min(max(x + 3, 0), 6) / 6
    if name == "hard_sigmoid":
        return lambda x: min(max(mp.mpf(0.2) * x + half, 0), one)
    return None


KINKS = {
    "relu": [0.0],
    "leaky_relu": [0.0],
    "elu": [0.0],
    "selu": [0.0],
    "hard_sigmoid:pytorch": [-3.0, 3.0],
    "hard_sigmoid:keras2": [-2.5, 2.5],
    "softplus:pytorch": [20.0],
}


def hard_sigmoid_exact_slope(x: torch.Tensor) -> torch.Tensor:
    """F.hardsigmoid with the same values and kink convention, but an exact float64 slope 1/6
    (torch's backward kernel multiplies by a float32 constant 1/6)."""
    return torch.where((x > -3) & (x < 3), (x + 3) / 6, F.hardsigmoid(x))


def activation_specs() -> list[dict[str, Any]]:
    """name, params, torch function, Keras function (or None), note, extra x points."""
    ka = keras.activations
    specs: list[dict[str, Any]] = []

    def add(name, params, fn, kfn=None, note=None, extra=()):
        specs.append(
            {"name": name, "params": params, "fn": fn, "kfn": kfn, "note": note, "extra": extra}
        )

    add("sigmoid", {}, torch.sigmoid, ka.sigmoid)
    add("tanh", {}, torch.tanh, ka.tanh)
    add("relu", {}, F.relu, ka.relu)
    add("linear", {}, lambda x: x * 1.0, ka.linear)
    add("softsign", {}, F.softsign, ka.softsign)
    add("mish", {}, F.mish, ka.mish)
    add("selu", {}, F.selu, ka.selu)
    add("silu", {}, F.silu, ka.silu)
    add("swish", {}, F.silu, ka.swish, note="same function as silu: x * sigmoid(x)")
    for a in (0.01, 0.2, 0.3):
        add(
            "leaky_relu",
            {"alpha": a},
            lambda x, a=a: F.leaky_relu(x, negative_slope=a),
            lambda x, a=a: ka.leaky_relu(x, negative_slope=a),
        )
    for a in (1.0, 0.5):
        add(
            "elu",
            {"alpha": a},
            lambda x, a=a: F.elu(x, alpha=a),
            lambda x, a=a: ka.elu(x, alpha=a),
        )
    for approx in ("none", "tanh"):
        add(
            "gelu",
            {"approximate": approx},
            lambda x, s=approx: F.gelu(x, approximate=s),
            lambda x, s=approx: ka.gelu(x, approximate=s == "tanh"),
        )
    add(
        "softplus",
        {},
        lambda x: torch.logaddexp(x, torch.zeros_like(x)),
        ka.softplus,
        note=(
            "exact log(1 + e^x), computed as torch.logaddexp(x, 0) (equal to "
            "F.softplus(x, threshold=1e6) wherever that is finite; it overflows to inf at "
            "x = 1000); "
            f"x also holds {SOFTPLUS_EXTRA_X}, above torch's threshold 20"
        ),
        extra=SOFTPLUS_EXTRA_X,
    )
    add(
        "softplus",
        {"convention": "pytorch"},
        F.softplus,
        ka.softplus,
        note=(
            "torch.nn.functional.softplus with its default threshold=20: returns x (derivative 1) "
            f"when x > 20; x also holds {SOFTPLUS_EXTRA_X}, where it differs from the exact value"
        ),
        extra=SOFTPLUS_EXTRA_X,
    )
    add(
        "hard_sigmoid",
        {"convention": "pytorch"},
        hard_sigmoid_exact_slope,
        ka.hard_sigmoid,
        note=(
            "torch.nn.functional.hardsigmoid = relu6(x + 3) / 6 = Keras 3 hard_sigmoid; the "
            "derivative follows PyTorch (1/6 on the open interval (-3, 3), 0 at x = -3 and 3 and "
            "outside), but is the exact float64 1/6: autograd of F.hardsigmoid returns "
            "0.1666666716337204 (1/6 rounded to float32) even in float64"
        ),
    )
    add(
        "hard_sigmoid",
        {"convention": "keras2"},
        lambda x: torch.clamp(0.2 * x + 0.5, 0.0, 1.0),
        None,
        note=(
            "Keras 2 / Theano hard sigmoid 0.2x + 0.5 clipped to [0, 1]; no framework has it now, "
            "so it is computed with torch ops: torch.clamp(0.2 * x + 0.5, 0, 1), derivative by "
            "autograd (torch.clamp passes the gradient at the bounds, so the derivative at "
            "x = -2.5 and x = 2.5 is 0.2)"
        ),
    )
    return specs


def check_activation_mpmath(entry: dict, key: str) -> list[str]:
    """Compare values and (away from kinks) derivatives with mpmath at 40 digits."""
    f = mp_act(entry["function"], entry["params"])
    if f is None:
        return []
    kinks = KINKS.get(key, KINKS.get(entry["function"], []))
    bad, tiny = [], []
    with mp.workdps(40):
        for x, v, d in zip(entry["x"], entry["value"], entry["derivative"]):
            checks = [("value", v, f(mp.mpf(x)))]
            if not any(abs(x - k) < 1e-6 for k in kinks):
                checks.append(("derivative", d, mp.diff(f, mp.mpf(x))))
            for what, got, ref in checks:
                err = abs(mp.mpf(got) - ref)
                if err <= 1e-14 * max(abs(ref), 1e-300):
                    continue
                item = f"{what} at x={x!r}: torch {got!r}, exact {mp.nstr(ref, 17)}"
                if err > 1e-15 * max(abs(ref), 1):
                    bad.append(item)
                else:
                    tiny.append(item)
    out = []
    if bad:
        out.append("differs from the exact value: " + "; ".join(bad))
    if tiny:
        out.append(
            "relative error > 1e-14 but absolute error < 1e-15 (underflow / cancellation, use an "
            "absolute tolerance): " + "; ".join(tiny)
        )
    return out


def make_activations(rng: random.Random) -> list[dict]:
    xs = X_GRID + [round(rng.uniform(-6.0, 6.0), 6) for _ in range(N_RANDOM_X)]
    entries = []
    for spec in activation_specs():
        x = xs + list(spec["extra"])
        value, deriv = value_and_derivative(spec["fn"], x)
        entry: dict[str, Any] = {
            "function": spec["name"],
            "params": spec["params"],
            "x": x,
            "value": value,
            "derivative": deriv,
        }
        notes = [spec["note"]] if spec["note"] else []
        if has_null(value) or has_null(deriv):
            notes.append("null: PyTorch's value is not finite at that x")
        if notes:
            entry["note"] = "; ".join(notes)
        key = f"{spec['name']}:{spec['params'].get('convention', '')}".rstrip(":")
        label = f"{spec['name']} {json.dumps(spec['params'])}"
        for problem in check_activation_mpmath(entry, key):
            report(f"activation {label}: PyTorch vs mpmath: {problem}")
        if spec["kfn"] is not None:
            kv, kd = value_and_derivative(spec["kfn"], x)
            for what, a, b in (("value", kv, value), ("derivative", kd, deriv)):
                bad = [
                    (xi, ai, bi) for xi, ai, bi in zip(x, a, b) if not close(ai, bi) and ai != bi
                ]
                if bad:
                    shown = ", ".join(
                        f"x={xi!r}: keras {ai!r} torch {bi!r}" for xi, ai, bi in bad[:4]
                    )
                    more = f" (and {len(bad) - 4} more points)" if len(bad) > 4 else ""
                    report(f"activation {label}: Keras 3 vs oracle {what}: {shown}{more}")
        if spec["fn"] is hard_sigmoid_exact_slope:
            tv, td = value_and_derivative(F.hardsigmoid, x)
            if tv != value:
                report("hard_sigmoid: the exact-slope version changes F.hardsigmoid's values")
            odd = sorted({b for a, b in zip(deriv, td) if a != b})
            if odd:
                report(
                    f"hard_sigmoid (pytorch): autograd of F.hardsigmoid gives {odd} on (-3, 3) "
                    f"in float64 (1/6 rounded to float32); the oracle writes {1 / 6!r}"
                )
        if spec["name"] == "softplus" and not spec["params"]:
            tv, td = value_and_derivative(lambda t: F.softplus(t, threshold=1e6), x)
            for xi, a, b, c, d in zip(x, tv, value, td, deriv):
                if a is None or c is None:
                    continue
                if not (close(a, b, 1e-15) and close(c, d, 1e-15)):
                    report(f"softplus: F.softplus(threshold=1e6) differs from logaddexp at x={xi}")
        entries.append(entry)
    check_activation_defaults()
    return entries


def check_activation_defaults() -> None:
    """Report-only: default parameters that differ between the frameworks."""
    m1 = t64([-1.0])
    one = t64([1.0])
    torch_leaky = F.leaky_relu(m1).item()
    keras_fn = keras.activations.leaky_relu(m1).item()
    keras_layer = keras.layers.LeakyReLU()(m1).item()
    ops_leaky = keras.ops.leaky_relu(m1).item()
    report(
        "leaky_relu defaults at x=-1: torch F.leaky_relu "
        f"{torch_leaky!r} (slope 0.01), keras.activations.leaky_relu {keras_fn!r} and "
        f"keras.ops.leaky_relu {ops_leaky!r} (slope 0.2), keras.layers.LeakyReLU() "
        f"{keras_layer!r} (slope 0.3)"
    )
    act_gelu = keras.activations.gelu(one).item()
    ops_gelu = keras.ops.gelu(one).item()
    report(
        f"gelu defaults at x=1: keras.activations.gelu {act_gelu!r} (exact, = torch "
        f"{F.gelu(one).item()!r}), keras.ops.gelu {ops_gelu!r} (tanh approximation, = torch "
        f"{F.gelu(one, approximate='tanh').item()!r})"
    )
    hs = keras.activations.hard_sigmoid(one).item()
    report(
        f"hard_sigmoid at x=1: Keras 3 {hs!r} (= torch hardsigmoid), Keras 2 0.2x+0.5 gives "
        f"{torch.clamp(0.2 * one + 0.5, 0, 1).item()!r}"
    )


# --------------------------------------------------------------------------------------------
# 2. Softmax with temperature
# --------------------------------------------------------------------------------------------


def softmax_entry(z: list[float], temperature: float, target: int) -> dict:
    zt = t64(z)

    def probs(v: torch.Tensor) -> torch.Tensor:
        return torch.softmax(v / temperature, dim=-1)

    p = probs(zt)
    logp = torch.log_softmax(zt / temperature, dim=-1)
    jac = torch.autograd.functional.jacobian(probs, zt)
    zg = t64(z, grad=True)
    loss = -torch.log_softmax(zg / temperature, dim=-1)[target]
    (grad,) = torch.autograd.grad(loss, zg)
    entry = {
        "z": z,
        "temperature": temperature,
        "probabilities": as_list(p),
        "log_probabilities": as_list(logp),
        "jacobian": as_list(jac),
        "argmax": int(torch.argmax(p).item()),
        "target": target,
        "loss": loss.item(),
        "gradient": as_list(grad),
    }
    if len(set(z)) < len(z) and max(z) == min(z):
        entry["note"] = "all classes tie: argmax is the first index (torch.argmax)"
    # Sanity checks: closed forms of the Jacobian and the gradient.
    jac_ref = (torch.diag(p) - torch.outer(p, p)) / temperature
    grad_ref = (p - F.one_hot(torch.tensor(target), len(z)).to(F64)) / temperature
    if not (
        all_close(as_list(jac), as_list(jac_ref))
        and all_close(entry["gradient"], as_list(grad_ref))
    ):
        report(f"softmax z={z} T={temperature}: autograd differs from the closed form")
    # Keras 3: softmax, and categorical_crossentropy on the probabilities (clips p to 1e-7).
    kp = keras.activations.softmax(zt / temperature)
    if not all_close(as_list(kp), entry["probabilities"]):
        report(f"softmax z={z} T={temperature}: keras.activations.softmax differs")
    onehot = F.one_hot(torch.tensor([target]), len(z)).to(F64)
    kloss = keras.losses.categorical_crossentropy(onehot, kp[None, :]).item()
    klogits = keras.losses.categorical_crossentropy(onehot, (zt / temperature)[None, :], True)
    if not close(klogits.item(), entry["loss"]):
        report(f"softmax z={z}: Keras CCE(from_logits=True) {klogits.item()!r} != {loss.item()!r}")
    if not close(kloss, entry["loss"]) and len(z) > 1:
        SOFTMAX_CLIPPED.append(f"z={z} T={temperature} k={target}: {entry['loss']!r} vs {kloss!r}")
    return entry


SOFTMAX_CLIPPED: list[str] = []


def make_softmax(rng: random.Random) -> list[dict]:
    fixed = [
        ([5.0, 2.0, -1.0, 3.0], 1.0, 0),
        ([1000.0, 1001.0], 1.0, 0),
        ([-1000.0, 0.0, 1000.0], 1.0, 0),
        ([0.0, 0.0, 0.0], 1.0, 0),
        ([1.0, 2.0, 3.0], 0.5, 2),
        ([1.0, 2.0, 3.0], 2.0, 2),
        ([0.1], 1.0, 0),
    ]
    entries = [softmax_entry(*case) for case in fixed]
    published = [round(v, 3) for v in entries[0]["probabilities"]]
    if published != [0.842, 0.042, 0.002, 0.114]:
        report(f"softmax [5, 2, -1, 3]: {published} is not the published (0.842, 0.042, ...)")
    for _ in range(N_RANDOM_SOFTMAX):
        n = rng.randint(2, 8)
        z = [round(rng.uniform(-10.0, 10.0), 4) for _ in range(n)]
        temperature = rng.choice([1.0, 1.0, 1.0, 0.5, 2.0, 3.0])
        entries.append(softmax_entry(z, temperature, rng.randrange(n)))
    if SOFTMAX_CLIPPED:
        report(
            f"softmax: in {len(SOFTMAX_CLIPPED)} of {len(entries)} cases p_k < 1e-7, so -log p_k "
            "differs from keras.losses.categorical_crossentropy on the probabilities (Keras clips "
            "p to [1e-7, 1 - 1e-7]: at most -ln(1e-7) = 16.118...; from_logits=True agrees): "
            + "; ".join(SOFTMAX_CLIPPED)
        )
    return entries


# --------------------------------------------------------------------------------------------
# 3. Losses
# --------------------------------------------------------------------------------------------


def reduce(per: torch.Tensor, reduction: str) -> torch.Tensor:
    return per.mean() if reduction == "mean" else per.sum()


def reduced(fn: Callable) -> Callable:
    """Loss from an elementwise or per-example function of (p, t): mean / sum over its values."""

    def loss(p, t, reduction):
        return reduce(fn(p, t), reduction)

    return loss


def hinge_torch(p: torch.Tensor, t: torch.Tensor, squared: bool, labels01: bool) -> torch.Tensor:
    if labels01:
        t = 2.0 * t - 1.0
    h = torch.clamp(1.0 - t * p, min=0.0)
    return (h**2 if squared else h).mean(dim=-1)


def prob_row(rng: random.Random, n: int) -> list[float]:
    """A probability vector with 4-decimal entries (>= 0.005) that sums to 1."""
    while True:
        cuts = sorted(rng.sample(range(1, 10000), n - 1))
        parts = [b - a for a, b in zip([0, *cuts], [*cuts, 10000])]
        if min(parts) >= 50:
            return [q / 10000 for q in parts]


def u4(rng: random.Random, lo: float, hi: float) -> float:
    return round(rng.uniform(lo, hi), 4)


def shape(rng: random.Random, min_out: int = 1) -> tuple[int, int]:
    return rng.randint(1, 4), rng.randint(min_out, 5)


def gen_regression(rng):
    b, n = shape(rng)
    pred = [[u4(rng, -3, 3) for _ in range(n)] for _ in range(b)]
    target = [[u4(rng, -3, 3) for _ in range(n)] for _ in range(b)]
    return pred, target


def gen_bce(rng):
    b, n = shape(rng)
    pred = [[u4(rng, 0.01, 0.99) for _ in range(n)] for _ in range(b)]
    soft = rng.random() < 0.3
    target = [
        [u4(rng, 0, 1) if soft else float(rng.randint(0, 1)) for _ in range(n)] for _ in range(b)
    ]
    return pred, target


def gen_logits(rng):
    b, n = shape(rng)
    pred = [[u4(rng, -8, 8) for _ in range(n)] for _ in range(b)]
    soft = rng.random() < 0.3
    target = [
        [u4(rng, 0, 1) if soft else float(rng.randint(0, 1)) for _ in range(n)] for _ in range(b)
    ]
    return pred, target


def gen_bce_keras(rng):
    b, n = shape(rng)
    pred = [[rng.choice([0.0, 1.0, u4(rng, 0.01, 0.99)]) for _ in range(n)] for _ in range(b)]
    target = [[float(rng.randint(0, 1)) for _ in range(n)] for _ in range(b)]
    if not any(v in (0.0, 1.0) for v in flat(pred)):
        pred[0][0] = 1.0 - target[0][0]  # at least one exact 0 / 1, the worst case
    return pred, target


def one_hot_or_soft(rng: random.Random, n: int) -> list[float]:
    if rng.random() < 0.6:
        k = rng.randrange(n)
        return [1.0 if i == k else 0.0 for i in range(n)]
    return prob_row(rng, n)


def gen_cce(rng):
    b, n = shape(rng, min_out=2)
    return [prob_row(rng, n) for _ in range(b)], [one_hot_or_soft(rng, n) for _ in range(b)]


def gen_cce_keras(rng):
    b, n = shape(rng, min_out=2)
    pred = []
    for _ in range(b):
        while True:
            row = [u4(rng, 0.05, 1.5) for _ in range(n)]
            if abs(sum(row) - 1.0) > 0.05:
                break
        pred.append(row)
    return pred, [one_hot_or_soft(rng, n) for _ in range(b)]


def gen_sparse(rng):
    b, n = shape(rng, min_out=2)
    return [prob_row(rng, n) for _ in range(b)], [rng.randrange(n) for _ in range(b)]


def gen_kl(rng):
    b, n = shape(rng, min_out=2)
    pred = [prob_row(rng, n) for _ in range(b)]
    target = []
    for i in range(b):
        if i == 0 or rng.random() < 0.4:  # every case has a target row with a 0 entry
            zero = rng.randrange(n)
            rest = prob_row(rng, n - 1)
            target.append([*rest[:zero], 0.0, *rest[zero:]])
        else:
            target.append(prob_row(rng, n))
    return pred, target


def gen_hinge(labels01: bool):
    def gen(rng):
        b, n = shape(rng)
        while True:
            target = [[float(rng.choice([0, 1] if labels01 else [-1, 1])) for _ in range(n)]]
            target += [
                [float(rng.choice([0, 1] if labels01 else [-1, 1])) for _ in range(n)]
                for _ in range(b - 1)
            ]
            if not labels01 or 0.0 in flat(target):  # all-ones would be read as -1/+1 labels
                break
        pred = []
        for row in target:
            out = []
            for tv in row:
                s = 2 * tv - 1 if labels01 else tv
                while True:
                    pv = u4(rng, -2.5, 2.5)
                    if abs(1 - s * pv) >= 0.01:  # stay away from the kink
                        break
                out.append(pv)
            pred.append(out)
        return pred, target

    return gen


KERAS_LOSS_TOL = 2e-6  # Keras 3 losses on the torch backend reduce (ops.mean) in float32


def keras_float32_reduction_note() -> str:
    return (
        "on the torch backend Keras 3's ops.mean (used for the mean over the last axis) computes "
        "in float32 even with floatx float64 (keras.src.backend.common.dtypes maps float64 to "
        "float32 for every backend but TensorFlow), so keras.losses.* agree with float64 values "
        "only to about 1e-7 relative"
    )


def loss_specs() -> list[dict[str, Any]]:
    kl = keras.losses
    specs: list[dict[str, Any]] = []

    def add(kind, params, gen, torch_fn, keras_per=None, *, convention="exact", **extra):
        specs.append(
            {
                "kind": kind,
                "params": params,
                "gen": gen,
                "torch": torch_fn,
                "keras": keras_per,
                "convention": convention,
                "framework": extra.get("framework", "torch"),
                "n": extra.get("n", N_RANDOM_LOSS),
                "edge": extra.get("edge", []),
                "note": extra.get("note"),
                "gradient": extra.get("gradient", True),
            }
        )

    mazur = [MAZUR]
    add(
        "mse",
        {},
        gen_regression,
        lambda p, t, r: F.mse_loss(p, t, reduction=r),
        kl.mean_squared_error,
        edge=mazur,
    )
    add(
        "mae",
        {},
        gen_regression,
        lambda p, t, r: F.l1_loss(p, t, reduction=r),
        kl.mean_absolute_error,
        edge=[*mazur, ([[0.5, -1.25, 2.0]], [[0.5, 0.25, 2.0]])],  # p = t: gradient 0
    )
    for d in (1.0, 0.5):
        add(
            "huber",
            {"delta": d},
            gen_regression,
            lambda p, t, r, d=d: F.huber_loss(p, t, reduction=r, delta=d),
            lambda t, p, d=d: kl.huber(t, p, delta=d),
            edge=[*mazur, ([[1.5, -0.25, 3.0]], [[1.5 - d, -0.25 + d, 0.0]])],  # |e| = delta
        )
    add(
        "log_cosh",
        {},
        gen_regression,
        reduced(lambda p, t: torch.log(torch.cosh(p - t))),
        kl.log_cosh,
        edge=[*mazur, ([[12.0, -12.0]], [[0.0, 0.0]])],
        note="log(cosh(p - t)) computed with torch ops",
    )
    add(
        "bce",
        {},
        gen_bce,
        lambda p, t, r: F.binary_cross_entropy(p, t, reduction=r),
        kl.binary_crossentropy,
        edge=mazur,
    )
    add(
        "bce",
        {"from_logits": True},
        gen_logits,
        lambda p, t, r: F.binary_cross_entropy_with_logits(p, t, reduction=r),
        lambda t, p: kl.binary_crossentropy(t, p, from_logits=True),
        note="pred holds logits z; the loss is BCE on sigmoid(z)",
    )
    add(
        "bce",
        {},
        gen_bce_keras,
        reduced(lambda p, t: keras.ops.binary_crossentropy(t, p).mean(dim=-1)),
        kl.binary_crossentropy,
        convention="keras",
        framework="keras",
        note=(
            "Keras 3 binary cross-entropy, dtype float64: keras.ops.binary_crossentropy (torch "
            "backend: p clipped to [1e-7, 1 - 1e-7], then BCE) per element, then the mean over the "
            "last axis in float64; reduction mean = mean over examples of the per-example means "
            "(Keras 'sum_over_batch_size'), sum = their sum over examples (Keras 'sum'); gradient "
            "= torch autograd through the Keras op (0 where the clip is active). "
            "keras.losses.binary_crossentropy gives the same to ~1e-7 relative: "
            + keras_float32_reduction_note()
        ),
    )
    add(
        "cce",
        {},
        gen_cce,
        reduced(lambda p, t: -(t * torch.log(p)).sum(dim=-1)),
        kl.categorical_crossentropy,
        note="-sum t ln p per example, computed with torch ops",
    )
    add(
        "cce",
        {},
        gen_cce_keras,
        reduced(lambda p, t: kl.categorical_crossentropy(t, p)),
        convention="keras",
        framework="keras",
        gradient=False,
        note=(
            "keras.losses.categorical_crossentropy (float64 throughout on the torch backend) on "
            "preds that do not sum to 1: Keras first renormalises each row p <- p / sum(p), then "
            "clips to [1e-7, 1 - 1e-7], then -sum t ln p; reduction mean / sum over examples"
        ),
    )
    add(
        "sparse_cce",
        {},
        gen_sparse,
        lambda p, t, r: F.nll_loss(torch.log(p), t, reduction=r),
        kl.sparse_categorical_crossentropy,
        note="target holds integer class labels; same as cce with one-hot targets (nll_loss)",
    )
    add(
        "kl",
        {},
        gen_kl,
        lambda p, t, r: F.kl_div(torch.log(p), t, reduction="batchmean" if r == "mean" else "sum"),
        kl.kl_divergence,
        note=(
            "KL(target || pred) = sum t ln(t / q) per example (0 ln 0 = 0); torch kl_div(log q, t, "
            "reduction='batchmean' / 'sum')"
        ),
    )
    for kind, sq in (("hinge", False), ("squared_hinge", True)):
        kfun = kl.squared_hinge if sq else kl.hinge
        for labels01 in (False, True):
            add(
                kind,
                {"labels": "01"} if labels01 else {},
                gen_hinge(labels01),
                reduced(lambda p, t, s=sq, l01=labels01: hinge_torch(p, t, s, l01)),
                kfun,
                convention="keras" if labels01 else "exact",
                framework="keras",
                n=N_RANDOM_LOSS_01 if labels01 else N_RANDOM_LOSS,
                note=(
                    f"keras.losses.{kind}: per example the mean over the last axis of "
                    f"max(1 - t p, 0){'^2' if sq else ''}; reduction mean = mean over examples, "
                    "sum = sum over examples"
                    + ("; targets are 0/1 and Keras converts them to -1/+1" if labels01 else "")
                    + "; value and gradient computed in float64 with the same formula in torch "
                    "ops (autograd), checked against keras.losses: "
                    + keras_float32_reduction_note()
                ),
            )
    return specs


def formula_loss(entry: dict) -> float:
    """The loss from the definitions, in plain Python floats (math.fsum), as a cross-check."""
    kind, params, conv = entry["kind"], entry["params"], entry["convention"]
    pred, target = entry["pred"], entry["target"]
    if kind == "sparse_cce":
        target = [[1.0 if j == k else 0.0 for j in range(len(p))] for k, p in zip(target, pred)]
    eps = 1e-7

    def elem(p: float, t: float) -> float:
        e = p - t
        if kind == "mse":
            return e * e
        if kind == "mae":
            return abs(e)
        if kind == "huber":
            d = params["delta"]
            return 0.5 * e * e if abs(e) <= d else d * (abs(e) - 0.5 * d)
        if kind == "log_cosh":
            return math.log(math.cosh(e))
        if params.get("from_logits"):
            return max(p, 0.0) - p * t + math.log1p(math.exp(-abs(p)))
        if conv == "keras":
            p = min(max(p, eps), 1 - eps)
        return -(t * math.log(p) + (1 - t) * math.log1p(-p))

    def row(ps: list[float], ts: list[float]) -> float:
        if kind in ("cce", "sparse_cce"):
            if conv == "keras":
                s = math.fsum(ps)
                ps = [min(max(p / s, eps), 1 - eps) for p in ps]
            return -math.fsum(t * math.log(p) for p, t in zip(ps, ts))
        if kind == "kl":
            return math.fsum(t * math.log(t / q) for q, t in zip(ps, ts) if t > 0)
        if kind in ("hinge", "squared_hinge"):
            if params.get("labels") == "01":
                ts = [2 * t - 1 for t in ts]
            h = [max(1 - t * p, 0.0) for p, t in zip(ps, ts)]
            return math.fsum(v * v if kind == "squared_hinge" else v for v in h) / len(h)
        return math.fsum(elem(p, t) for p, t in zip(ps, ts)) / len(ps)

    rows = [row(p, t) for p, t in zip(pred, target)]
    elementwise = kind in ("mse", "mae", "huber", "log_cosh") or (kind == "bce" and conv == "exact")
    if elementwise:  # mean / sum over all elements
        vals = [elem(p, t) for ps, ts in zip(pred, target) for p, t in zip(ps, ts)]
        return math.fsum(vals) / (len(vals) if entry["reduction"] == "mean" else 1)
    return math.fsum(rows) / (len(rows) if entry["reduction"] == "mean" else 1)


def keras_kl_formula(pred: list, target: list, reduction: str) -> float:
    """Keras 3 kl_divergence: sum t ln(t / q) with t and q both clipped to [1e-7, 1]."""
    rows = []
    for qs, ts in zip(pred, target):
        pairs = [(min(max(q, 1e-7), 1.0), min(max(t, 1e-7), 1.0)) for q, t in zip(qs, ts)]
        rows.append(math.fsum(t * math.log(t / q) for q, t in pairs))
    return math.fsum(rows) / (len(rows) if reduction == "mean" else 1)


# Cross-check statistics, per (label): max relative difference and number of cases.
LOSS_STATS: dict[str, dict[str, Any]] = {}


def stat(label: str, what: str, diff: float, example: str = "") -> None:
    s = LOSS_STATS.setdefault(label, {})
    cur = s.get(what)
    if cur is None or diff > cur[0]:
        s[what] = (diff, example)


def rel(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300)


def loss_entry(spec: dict, pred: list, target: list, reduction: str) -> dict:
    p = t64(pred, grad=True)
    sparse = spec["kind"] == "sparse_cce"
    t = torch.tensor(target, dtype=torch.long) if sparse else t64(target)
    label = f"{spec['kind']} {json.dumps(spec['params'])} convention={spec['convention']}"
    label += f" reduction={reduction}"
    value = spec["torch"](p, t, reduction)
    entry: dict[str, Any] = {
        "kind": spec["kind"],
        "params": spec["params"],
        "reduction": reduction,
        "pred": pred,
        "target": target,
        "value": value.item(),
    }
    if spec["gradient"]:
        entry["gradient"] = as_list(torch.autograd.grad(value, p)[0])
    entry["framework"] = spec["framework"]
    entry["convention"] = spec["convention"]
    if spec["note"]:
        entry["note"] = spec["note"]
    if not math.isfinite(entry["value"]) or has_null(entry.get("gradient", [])):
        raise SystemExit(f"non-finite value in {label}: {entry}")
    case = f"pred={pred} target={target}"

    # 1. The definitions in plain Python floats.
    f = formula_loss(entry)
    if not close(f, entry["value"]):
        report(f"loss {label}: formula {f!r} != oracle {entry['value']!r} ({case})")
    stat(label, "formula", rel(f, entry["value"]))

    # 2. Keras 3 (per-example function; Keras reduction 'sum_over_batch_size' or 'sum').
    kfun = spec["keras"]
    if kfun is not None:
        q = t64(pred, grad=True)
        per = kfun(t, q)
        kv = reduce(per, reduction)
        n_out = len(pred[0])
        if reduction == "sum" and spec["kind"] in ("mse", "mae", "huber", "log_cosh", "bce"):
            # Keras 'sum' adds the per-example means: 1 / n_outputs of the elementwise sum.
            elementwise_sum = spec["convention"] == "exact"
            scale = n_out if elementwise_sum else 1
            d = rel(kv.item() * scale, entry["value"])
            stat(label, "keras_sum_times_n_outputs" if elementwise_sum else "keras", d, case)
            if elementwise_sum and n_out > 1:
                stat(
                    label, "keras_sum_example", 0.0, f"{kv.item()!r} vs {entry['value']!r}; {case}"
                )
            if d > KERAS_LOSS_TOL:
                report(f"loss {label}: Keras {kv.item()!r} vs {entry['value']!r} ({case})")
        else:
            kind = spec["kind"]
            kval = kv.item()
            if kind == "kl":
                # Keras clips t and q to [1e-7, 1]: compare with that formula, and with ours.
                clipped = keras_kl_formula(pred, target, reduction)
                stat(label, "keras_vs_clipped_formula", rel(kval, clipped), case)
                stat(label, "keras_vs_exact", rel(kval, entry["value"]), case)
                d = rel(kval, clipped)
            else:
                d = rel(kval, entry["value"])
                stat(label, "keras", d, case)
            if d > KERAS_LOSS_TOL:
                report(f"loss {label}: Keras {kval!r} vs {entry['value']!r} ({case})")
            if spec["gradient"]:
                kg = as_list(torch.autograd.grad(kv, q)[0])
                expected = entry["gradient"]
                if kind in ("cce", "sparse_cce"):
                    # Keras renormalises p <- p / sum(p): d/dp_j gains sum(t) / sum(p) per row.
                    tt = t64(target) if kind == "cce" else F.one_hot(t, len(pred[0])).to(F64)
                    extra = tt.sum(dim=-1, keepdim=True) / t64(pred).sum(dim=-1, keepdim=True)
                    if reduction == "mean":
                        extra = extra / len(pred)
                    expected = as_list(t64(entry["gradient"]) + extra.expand(len(pred), -1))
                    stat(
                        label,
                        "keras_gradient_renorm",
                        0.0,
                        f"Keras {kg} vs torch {entry['gradient']}; {case}",
                    )
                gd = max(abs(a - b) / max(abs(b), 1.0) for a, b in zip(flat(kg), flat(expected)))
                stat(label, "keras_gradient", gd, case)
                if kind == "kl":
                    stat(
                        label,
                        "kl_gradient_example",
                        0.0,
                        f"Keras {kg} vs torch {entry['gradient']}; {case}",
                    )
                elif gd > KERAS_LOSS_TOL:
                    report(f"loss {label}: Keras gradient {kg} vs {entry['gradient']} ({case})")

    # 3. Keras-convention entries: what the exact formula would give.
    if spec["kind"] == "cce" and spec["convention"] == "keras":
        naive = reduce(-(t * torch.log(t64(pred))).sum(dim=-1), reduction).item()
        entry["note"] += f"; without renormalisation -sum t ln p would give {naive!r}"
    if spec["kind"] == "bce" and spec["convention"] == "keras":
        exact = F.binary_cross_entropy(t64(pred), t, reduction="none").mean(dim=-1)
        per32 = keras.ops.binary_crossentropy(
            torch.tensor(target, dtype=torch.float32), torch.tensor(pred, dtype=torch.float32)
        )
        v32 = reduce(per32.double().mean(dim=-1), reduction).item()
        stat(
            label,
            "bce_example",
            0.0,
            f"Keras float64 {entry['value']!r}, Keras float32 {v32!r}, torch BCELoss (each log "
            f"clamped at -100) {reduce(exact, reduction).item()!r}; {case}",
        )
    return entry


def make_losses(rng: random.Random) -> list[dict]:
    entries = []
    for spec in loss_specs():
        for reduction in ("mean", "sum"):
            for pred, target in spec["edge"]:
                entries.append(loss_entry(spec, pred, target, reduction))
            for _ in range(spec["n"]):
                pred, target = spec["gen"](rng)
                entries.append(loss_entry(spec, pred, target, reduction))
    for label, s in LOSS_STATS.items():
        parts = [f"formula max rel diff {s['formula'][0]:.1e}"]
        if "keras" in s:
            parts.append(f"keras.losses max rel diff {s['keras'][0]:.1e}")
        if "keras_vs_clipped_formula" in s:
            parts.append(
                "keras.losses.kl_divergence clips t and q to [1e-7, 1], so a 0 in the target adds "
                "1e-7 ln(1e-7 / q): max rel diff to this exact value "
                f"{s['keras_vs_exact'][0]:.1e}, to the clipped formula "
                f"{s['keras_vs_clipped_formula'][0]:.1e}"
            )
        if "keras_gradient_renorm" in s:
            parts.append(
                "Keras's GRADIENT w.r.t. p differs: it renormalises p <- p / sum(p) first, so "
                "d/dp_j gains + sum(t) / sum(p) (= 1 per row, / batch for mean) even though the "
                "values agree; max diff after adding that term "
                f"{s['keras_gradient'][0]:.1e}; e.g. " + s["keras_gradient_renorm"][1]
            )
        elif "kl_gradient_example" in s:
            parts.append(
                "Keras gradient differs where t = 0 (clipped t = 1e-7 gives -1e-7 / q / batch "
                f"instead of 0), max diff {s['keras_gradient'][0]:.1e}; e.g. "
                + s["kl_gradient_example"][1]
            )
        elif "keras_gradient" in s:
            parts.append(f"Keras gradient max diff {s['keras_gradient'][0]:.1e}")
        if "keras_sum_times_n_outputs" in s:
            parts.append(
                "Keras reduction='sum' is the sum of per-example MEANS over the last axis = this "
                "sum / n_outputs (max rel diff after x n_outputs "
                f"{s['keras_sum_times_n_outputs'][0]:.1e}); e.g. Keras "
                + s.get("keras_sum_example", (0, "(only 1-output cases)"))[1]
            )
        if "bce_example" in s:
            parts.append(s["bce_example"][1])
        report(f"loss {label}: " + "; ".join(parts))
    kl_keras_checks(entries)
    return entries


def kl_keras_checks(entries: list[dict]) -> None:
    """Report Keras kl_divergence (clips t and q to [1e-7, 1]) on a row with a 0 target."""
    for e in entries:
        if e["kind"] != "kl" or e["reduction"] != "mean":
            continue
        for q_row, t_row in zip(e["pred"], e["target"]):
            if 0.0 in t_row:
                k = keras.losses.kl_divergence(t64([t_row]), t64([q_row])).item()
                x = F.kl_div(torch.log(t64(q_row)), t64(t_row), reduction="sum").item()
                report(
                    f"kl target={t_row} pred={q_row}: exact {x!r}, keras.losses.kl_divergence "
                    f"{k!r} (the 0 is clipped to 1e-7 and contributes 1e-7 ln(1e-7 / q))"
                )
                return


def keras_loss_class_dtype() -> None:
    t, p = t64([[0.0]]), t64([[1.0 / 3.0]])
    v = keras.losses.MeanSquaredError()(t, p)
    report(
        "keras.losses.MeanSquaredError() (reduction 'sum_over_batch_size') returns "
        f"{v.dtype} {v.item()!r} for (1/3)^2 = {1 / 9!r} even with floatx float64 on the torch "
        "backend (its ops.divide_no_nan promotes to float32); the oracle reduces the float64 "
        "per-example losses itself"
    )


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if keras.backend.backend() != "torch":
        sys.exit("set KERAS_BACKEND=torch")
    keras.config.set_floatx("float64")
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(args.seed)

    activations = make_activations(random.Random(f"{args.seed}-activations"))
    softmax = make_softmax(random.Random(f"{args.seed}-softmax"))
    losses = make_losses(random.Random(f"{args.seed}-losses"))
    keras_loss_class_dtype()

    doc = {
        "generated_by": "scripts/make_functions_oracle.py",
        "regenerate": REGENERATE,
        "versions": {
            "torch": torch.__version__,
            "keras": keras.__version__,
            "keras_backend": keras.backend.backend(),
            "keras_floatx": keras.config.floatx(),
            "numpy": np.__version__,
            "mpmath": mp.__version__,
            "python": platform.python_version(),
        },
        "seed": args.seed,
        "dtype": "float64",
        "x_grid": X_GRID,
        "notes": NOTES,
        "activations": activations,
        "softmax": softmax,
        "losses": losses,
        "disagreements": DISAGREEMENTS,
    }
    text = dump(doc)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")

    print(f"wrote {args.out} ({len(text)} bytes)")
    print(f"versions: torch {torch.__version__}, keras {keras.__version__} (torch backend)")
    acts = Counter(e["function"] for e in activations)
    print(f"activations: {len(activations)} entries, {len(activations[0]['x'])} x each")
    print("  " + ", ".join(f"{k} {v}" for k, v in acts.items()))
    print(f"softmax: {len(softmax)} entries")
    kinds = Counter((e["kind"], e["convention"]) for e in losses)
    print(f"losses: {len(losses)} entries")
    for (k, c), v in kinds.items():
        print(f"  {k:14s} {c:6s} {v}")
    print(f"cross-checks: {len(DISAGREEMENTS)} findings (Keras / mpmath / formulas vs torch):")
    for d in DISAGREEMENTS:
        print("  - " + d)


if __name__ == "__main__":
    main()
