#!/usr/bin/env python3
"""High-precision oracle for `dlcalc optimize`: every optimizer's update rules run with mpmath at
100 significant digits, written from the definitions in the README (the `dlcalc optimize`
section and its table of the three conventions), independently of dlcalc's code.

This script does NOT import dlcalc.  It writes tests/data/precision/optimize.json, which
tests/test_precision_oracle.py runs: each case is a `dlcalc optimize` command line (the harness
appends `-f json`) and `expect` maps dotted paths of dlcalc's JSON (`steps.2.state.w.m_hat`) to
the exact value, a decimal string of 30 significant digits.

The model (the README's words, per convention; k = t - 1 the steps already taken):

* learning rate eta_t: `time` eta/(1 + decay*k), `step` eta*gamma^floor(k/every), `exp`
  eta*r^(k/every) (`staircase`: r^floor(k/every)), `cosine` eta_min + (eta - eta_min)(1 +
  cos(pi*k/T))/2 for k <= T, eta_min after.  `steps.N.lr` is eta_t.
* weight decay: L2 (g <- g + lambda*theta, state `g_l2`) under course and pytorch except AdamW;
  decoupled (theta <- theta - eta_t*lambda*theta first, state `theta_decayed`) for AdamW and for
  every optimizer under keras.
* sgd: theta - eta*g.  momentum: course v <- beta*v + (1 - beta)*g, theta - eta*v; pytorch
  b <- g at the first step, then mu*b + (1 - tau)*g, theta - eta*b (Nesterov: g + mu*b, state
  `g_nesterov`); keras v <- mu*v - eta*g, theta + v (Nesterov: theta + mu*v - eta*g).  course
  Nesterov is Sutskever's: lookahead theta + mu*v (the gradient is evaluated there with
  --function; given gradients are taken to be those), v <- mu*v - eta*g, theta + v, and the L2
  term is lambda*theta at theta.
* adagrad: G <- G + g^2 from 0 (keras 0.1, or the problem's initial_accumulator); denominator
  sqrt(G) + eps (keras sqrt(G + eps)); pytorch's lr_decay gives lr_t = eta_t/(1 + (t-1)*lr_decay).
* rmsprop: E[g^2] <- rho*E + (1 - rho)*g^2; centered g_bar <- rho*g_bar + (1 - rho)*g and
  E - g_bar^2 under the root; denominator sqrt(.) + eps (keras sqrt(. + eps)); with a momentum
  buf <- mu*buf + g/denominator, theta - eta*buf (keras buf <- mu*buf + eta*g/denominator,
  theta - buf).
* adadelta: E[g^2] as rmsprop, delta = sqrt(E[d^2] + eps)/sqrt(E[g^2] + eps)*g,
  E[d^2] <- rho*E[d^2] + (1 - rho)*delta^2, theta - eta*delta.
* adam/adamw: m, v (AMSGrad v_max = max(v_max, v)); course/pytorch m_hat = m/(1 - beta1^t),
  v_hat = v/(1 - beta2^t) (v_max with AMSGrad), theta - eta*m_hat/(sqrt(v_hat) + eps); keras
  alpha_t = eta*sqrt(1 - beta2^t)/(1 - beta1^t), theta - alpha_t*m/(sqrt(v) + eps_hat).
* adamax: m; course/pytorch u <- max(beta2*u, |g| + eps), theta - eta/(1 - beta1^t)*m/u; keras
  u <- max(beta2*u, |g|), theta - eta*m/((1 - beta1^t)*(u + eps)).
* nadam: mu_t = beta1*(1 - 0.96^(t*psi)/2), mu_next the same at t + 1, mu_product the product
  of the mu_t, m, v, m_hat = mu_next*m/(1 - mu_product*mu_next) + (1 - mu_t)*g/(1 - mu_product),
  v_hat = v/(1 - beta2^t), theta - eta*m_hat/(sqrt(v_hat) + eps); psi = momentum_decay (0.004)
  under course and pytorch, 1 under keras.
* `step` is theta_after - theta_before of the whole update (exactly, here).

Inputs are the float64 numbers dlcalc reads (`read`: 0.1 is 0.1000000000000000055511...), as
dlcalc's precision promise is about the arithmetic after reading: beta2 = 0.999999 is the
float64 0.99999899999999997..., and 1 - beta2 is then exact. Values close to 1 are also written
as exact binary fractions (1 - 2^-20).

Function cases: f and its gradient are written here by hand (checked against mpmath.diff), and
evaluated at 100 digits at each step's parameters (the lookahead point for course Nesterov).

Long runs: the expected values of a long run are listed for a sample of its steps (the first
five, the middle, powers of two and ten, the last); the runs are at most 800 steps (the most a
run may write out), where float64 rounding accumulated over the steps (~N*1e-16) stays well
inside the harness's 1e-12.  Centered RMSprop with a constant gradient is the exception on
purpose: E[g^2] - g_bar^2 = g^2*rho^t*(1 - rho^t) cancels, so float64 loses ~1/rho^t of its
digits (long800-rmsprop-pytorch-centered, long150-rmsprop-course-centered; the 200-step case
is the fair one).

Every case is computed twice, at 100 and at 130 digits: the values agree to the 30 digits
written, except a quantity that is exactly zero (0.5*(-0.002) - 0.01*(-0.1)), whose 100-digit
rounding noise shrinks with more digits and is written 0.

Cases that are expected to disagree with dlcalc's float64 (genuine losses, kept on purpose):
`step` wherever |step| is far below theta (dlcalc subtracts the rounded theta's: the error is
up to half an ulp of theta, lr1e-8-*, tiny9-*, keras adadelta, long800-momentum-course ...);
1 - beta^t for beta close to 1 (beta2-exact-near-1-adam-course); the decimal 0.999999, which
float64 holds only to 1 - beta within 3e-11 (*-0.999999-decimal-*); the centered RMSprop
cancellation above; and eps0-adagrad-tiny300, where g^2 = 1e-600 underflows and dlcalc divides
by zero (exactly, theta - eta*g/sqrt(g^2) = theta - eta).

Regenerate (from the repository root; `--check` only compares with the file on disk):
    python scripts/make_precision_oracle_optimize.py
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mpmath
from mpmath import mp, mpf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oracle_output import dump, write_or_check  # beside this file

DPS = 100
mp.dps = DPS
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "precision" / "optimize.json"
SOURCE = "scripts/make_precision_oracle_optimize.py"
DIGITS = 30  # significant digits written per expected value
FULL_STEPS = 40  # runs up to this long list every step; longer ones a sample
CHECK_EXTRA_DPS = 30  # every case is computed again with this many more digits

Mp = Any  # an mpmath mpf (mpmath has no type stubs)
Params = dict[str, Mp]

OPTIMIZERS = [
    "sgd",
    "momentum",
    "nesterov",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "adamax",
    "nadam",
]
CONVENTIONS = ["course", "pytorch", "keras"]

# Each convention's defaults, as the README states them and `dlcalc optimize -f json` lists them
# under `hyper` (course: PyTorch's for the Adam family, 0.01 for SGD and momentum, RMSprop's rho
# 0.9, Adadelta's rho 0.95; keras: its constructors', momentum 0.9 for `momentum`/`nesterov`).
_ADAM = {"beta1": "0.9", "beta2": "0.999"}
DEFAULTS: dict[str, dict[str, dict[str, str]]] = {
    "course": {
        "sgd": {"lr": "0.01"},
        "momentum": {"lr": "0.01", "momentum": "0.9"},
        "nesterov": {"lr": "0.01", "momentum": "0.9"},
        "adagrad": {"lr": "0.01", "eps": "1e-8"},
        "rmsprop": {"lr": "0.001", "rho": "0.9", "eps": "1e-8"},
        "adadelta": {"lr": "1.0", "rho": "0.95", "eps": "1e-6"},
        "adam": {"lr": "0.001", **_ADAM, "eps": "1e-8"},
        "adamw": {"lr": "0.001", **_ADAM, "eps": "1e-8", "weight_decay": "0.01"},
        "adamax": {"lr": "0.002", **_ADAM, "eps": "1e-8"},
        "nadam": {"lr": "0.002", **_ADAM, "eps": "1e-8", "momentum_decay": "0.004"},
    },
    "pytorch": {
        "sgd": {"lr": "0.001"},
        "momentum": {"lr": "0.001", "momentum": "0.9"},
        "nesterov": {"lr": "0.001", "momentum": "0.9"},
        "adagrad": {"lr": "0.01", "eps": "1e-10"},
        "rmsprop": {"lr": "0.01", "rho": "0.99", "eps": "1e-8"},
        "adadelta": {"lr": "1.0", "rho": "0.9", "eps": "1e-6"},
        "adam": {"lr": "0.001", **_ADAM, "eps": "1e-8"},
        "adamw": {"lr": "0.001", **_ADAM, "eps": "1e-8", "weight_decay": "0.01"},
        "adamax": {"lr": "0.002", **_ADAM, "eps": "1e-8"},
        "nadam": {"lr": "0.002", **_ADAM, "eps": "1e-8", "momentum_decay": "0.004"},
    },
    "keras": {
        "sgd": {"lr": "0.01"},
        "momentum": {"lr": "0.01", "momentum": "0.9"},
        "nesterov": {"lr": "0.01", "momentum": "0.9"},
        "adagrad": {"lr": "0.001", "eps": "1e-7", "initial_accumulator": "0.1"},
        "rmsprop": {"lr": "0.001", "rho": "0.9", "eps": "1e-7"},
        "adadelta": {"lr": "0.001", "rho": "0.95", "eps": "1e-7"},
        "adam": {"lr": "0.001", **_ADAM, "eps": "1e-7"},
        "adamw": {"lr": "0.001", **_ADAM, "eps": "1e-7", "weight_decay": "0.004"},
        "adamax": {"lr": "0.001", **_ADAM, "eps": "1e-7"},
        "nadam": {"lr": "0.001", **_ADAM, "eps": "1e-7"},
    },
}
# the hyper-parameters every optimizer has (0 unless given or defaulted otherwise)
ZERO_DEFAULTS = ("weight_decay", "momentum", "dampening", "lr_decay", "initial_accumulator")

# command-line options (the others are problem-file keys only)
OPTIONS = {
    "lr": "--lr",
    "momentum": "--momentum",
    "beta1": "--beta1",
    "beta2": "--beta2",
    "rho": "--rho",
    "eps": "--eps",
    "weight_decay": "--weight-decay",
}
FLAGS = ("nesterov", "amsgrad", "centered")


# --------------------------------------------------------------------------------------------
# Learning-rate schedules
# --------------------------------------------------------------------------------------------


def read(text: str | float) -> Mp:
    """A number as dlcalc reads it: the float64 nearest the decimal, exactly."""
    return mpf(float(text))


def parse_schedule(text: str) -> tuple[str, dict[str, Mp], bool]:
    """`exp:rate=0.96,every=1000,staircase` -> ("exp", {"rate": .., "every": ..}, True)."""
    kind, _, rest = text.partition(":")
    values: dict[str, Mp] = {}
    staircase = False
    for item in filter(None, rest.split(",")):
        if item == "staircase":
            staircase = True
        else:
            key, _, value = item.partition("=")
            values[key] = read(value)
    return kind, values, staircase


def scheduled_lr(schedule: str | None, lr: Mp, t: int) -> Mp:
    """eta_t of step t (k = t - 1 steps already taken)."""
    if schedule is None:
        return lr
    kind, s, staircase = parse_schedule(schedule)
    k = mpf(t - 1)
    if kind == "time":
        return lr / (1 + s["decay"] * k)
    if kind == "step":
        return lr * s["gamma"] ** mpmath.floor(k / s["every"])
    if kind == "exp":
        exponent = k / s.get("every", mpf(1))
        return lr * s["rate"] ** (mpmath.floor(exponent) if staircase else exponent)
    if kind == "cosine":
        low, period = s.get("min", mpf(0)), s["T"]
        if k >= period:
            return low
        return low + (lr - low) * (1 + mpmath.cos(mpmath.pi * k / period)) / 2
    raise ValueError(f"unknown schedule {schedule!r}")


# --------------------------------------------------------------------------------------------
# Functions (for --function cases): f and its gradient, written by hand
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Function:
    text: str  # as dlcalc reads it
    f: Callable[[Params], Mp]
    grad: Callable[[Params], Params]


def _sech2(y: Mp) -> Mp:
    return 1 / mpmath.cosh(y) ** 2


FUNCTIONS: dict[str, Function] = {
    "bowl": Function(
        "x**2 + 10*y**2",
        lambda p: p["x"] ** 2 + 10 * p["y"] ** 2,
        lambda p: {"x": 2 * p["x"], "y": 20 * p["y"]},
    ),
    "rosenbrock": Function(
        "(1 - x)**2 + 100*(y - x**2)**2",
        lambda p: (1 - p["x"]) ** 2 + 100 * (p["y"] - p["x"] ** 2) ** 2,
        lambda p: {
            "x": -2 * (1 - p["x"]) - 400 * p["x"] * (p["y"] - p["x"] ** 2),
            "y": 200 * (p["y"] - p["x"] ** 2),
        },
    ),
    "explog": Function(
        "exp(x) + log(1 + y**2)",
        lambda p: mpmath.exp(p["x"]) + mpmath.log(1 + p["y"] ** 2),
        lambda p: {"x": mpmath.exp(p["x"]), "y": 2 * p["y"] / (1 + p["y"] ** 2)},
    ),
    "trig": Function(
        "sin(x)*cos(y) + x**2/2",
        lambda p: mpmath.sin(p["x"]) * mpmath.cos(p["y"]) + p["x"] ** 2 / 2,
        lambda p: {
            "x": mpmath.cos(p["x"]) * mpmath.cos(p["y"]) + p["x"],
            "y": -mpmath.sin(p["x"]) * mpmath.sin(p["y"]),
        },
    ),
    "sqrt_tanh": Function(
        "sqrt(1 + x**2) + y*tanh(y)",
        lambda p: mpmath.sqrt(1 + p["x"] ** 2) + p["y"] * mpmath.tanh(p["y"]),
        lambda p: {
            "x": p["x"] / mpmath.sqrt(1 + p["x"] ** 2),
            "y": mpmath.tanh(p["y"]) + p["y"] * _sech2(p["y"]),
        },
    ),
    "abs": Function(
        "Abs(x - 3) + y**2",
        lambda p: abs(p["x"] - 3) + p["y"] ** 2,
        lambda p: {"x": mpmath.sign(p["x"] - 3), "y": 2 * p["y"]},
    ),
    "quartic": Function(
        "x**4 - 3*x**2 + x",
        lambda p: p["x"] ** 4 - 3 * p["x"] ** 2 + p["x"],
        lambda p: {"x": 4 * p["x"] ** 3 - 6 * p["x"] + 1},
    ),
    "three": Function(
        "x**2 + 2*y**2 + 3*z**2 + x*y",
        lambda p: p["x"] ** 2 + 2 * p["y"] ** 2 + 3 * p["z"] ** 2 + p["x"] * p["y"],
        lambda p: {"x": 2 * p["x"] + p["y"], "y": 4 * p["y"] + p["x"], "z": 6 * p["z"]},
    ),
    "pi": Function(
        "sin(pi*x) + (x - 1)^2",
        lambda p: mpmath.sin(mpmath.pi * p["x"]) + (p["x"] - 1) ** 2,
        lambda p: {"x": mpmath.pi * mpmath.cos(mpmath.pi * p["x"]) + 2 * (p["x"] - 1)},
    ),
    "ratio": Function(
        "x/(1 + y**2) + y**2/4",
        lambda p: p["x"] / (1 + p["y"] ** 2) + p["y"] ** 2 / 4,
        lambda p: {
            "x": 1 / (1 + p["y"] ** 2),
            "y": -2 * p["x"] * p["y"] / (1 + p["y"] ** 2) ** 2 + p["y"] / 2,
        },
    ),
}


def check_gradients() -> None:
    """The hand-written gradients against mpmath's numerical derivative (at 100 digits)."""
    point = {"x": mpf("0.7"), "y": mpf("-0.4"), "z": mpf("1.3")}
    for name, fn in FUNCTIONS.items():
        grad = fn.grad(point)
        for key, value in grad.items():

            def along(s: Mp, key: str = key, fn: Function = fn) -> Mp:
                return fn.f({**point, key: s})

            numeric = mpmath.diff(along, point[key])
            assert abs(numeric - value) < mpf("1e-60"), (name, key, numeric, value)


# --------------------------------------------------------------------------------------------
# The optimizers
# --------------------------------------------------------------------------------------------


@dataclass
class Setup:
    optimizer: str  # as given: sgd, momentum, nesterov, adagrad, ...
    convention: str
    hyper: dict[str, Mp]  # every hyper-parameter (defaults and given)
    nesterov: bool = False
    amsgrad: bool = False
    centered: bool = False
    schedule: str | None = None

    @property
    def kind(self) -> str:
        """The update rule: sgd with a momentum is `momentum` (with --nesterov `nesterov`)."""
        if self.optimizer == "sgd" and self.hyper["momentum"] != 0:
            return "nesterov" if self.nesterov else "momentum"
        return self.optimizer


@dataclass
class State:
    """One parameter's optimizer state (all zero at the start)."""

    buf: Mp = field(default_factory=lambda: mpf(0))  # momentum v / b, RMSprop's buf
    acc: Mp = field(default_factory=lambda: mpf(0))  # G, E[g^2]
    g_bar: Mp = field(default_factory=lambda: mpf(0))
    edelta2: Mp = field(default_factory=lambda: mpf(0))
    m: Mp = field(default_factory=lambda: mpf(0))
    v: Mp = field(default_factory=lambda: mpf(0))
    v_max: Mp = field(default_factory=lambda: mpf(0))
    u: Mp = field(default_factory=lambda: mpf(0))


def nadam_mu(s: Setup, t: int) -> Mp:
    """NAdam's mu_t = beta1*(1 - 0.96^(t*psi)/2): psi = momentum_decay, 1 under keras."""
    psi = mpf(1) if s.convention == "keras" else s.hyper["momentum_decay"]
    return s.hyper["beta1"] * (1 - mpf("0.96") ** (t * psi) / 2)


def update(
    s: Setup, st: State, theta0: Mp, g: Mp, t: int, lr: Mp, mu_product: Mp
) -> tuple[Mp, dict[str, Mp]]:
    """One parameter's step: its value after the step and every quantity, by JSON key.

    The change is kept as its parts (the decoupled decay, the update's increment), so that
    `step` is exact even where it is far below theta's last digit (a 1e-295 step of 0.5)."""
    h, conv, kind = s.hyper, s.convention, s.kind
    q: dict[str, Mp] = {}
    inc: Mp
    theta, decay = theta0, mpf(0)
    wd = h["weight_decay"]
    if wd != 0:
        if conv == "keras" or kind == "adamw":
            decay = -lr * wd * theta0
            theta = theta0 + decay
            q["theta_decayed"] = theta
        else:
            g = g + wd * theta
            q["g_l2"] = g
    if kind == "sgd":
        inc = -lr * g
    elif kind in ("momentum", "nesterov") and conv == "pytorch":
        mu = h["momentum"]
        st.buf = g if t == 1 else mu * st.buf + (1 - h["dampening"]) * g
        q["b"] = st.buf
        if kind == "nesterov":
            q["g_nesterov"] = g + mu * st.buf
            inc = -lr * q["g_nesterov"]
        else:
            inc = -lr * st.buf
    elif kind == "momentum" and conv == "course":
        beta = h["momentum"]
        st.buf = beta * st.buf + (1 - beta) * g
        q["v"] = st.buf
        inc = -lr * st.buf
    elif kind in ("momentum", "nesterov"):  # keras, and course Nesterov (Sutskever's)
        mu = h["momentum"]
        if conv == "course":
            q["lookahead"] = theta + mu * st.buf
        st.buf = mu * st.buf - lr * g
        q["v"] = st.buf
        # keras's Nesterov steps by mu*v - eta*g, the others by the new v
        inc = mu * st.buf - lr * g if kind == "nesterov" and conv == "keras" else st.buf
    elif kind == "adagrad":
        if t == 1:
            st.acc = h["initial_accumulator"]
        st.acc = st.acc + g * g
        q["G"] = st.acc
        if conv == "pytorch" and h["lr_decay"] != 0:
            lr = lr / (1 + (t - 1) * h["lr_decay"])
            q["lr_t"] = lr
        den = mpmath.sqrt(st.acc + h["eps"]) if conv == "keras" else mpmath.sqrt(st.acc) + h["eps"]
        q["denominator"] = den
        inc = -lr * g / den
    elif kind == "rmsprop":
        rho = h["rho"]
        st.acc = rho * st.acc + (1 - rho) * g * g
        q["Eg2"] = st.acc
        var = st.acc
        if s.centered:
            st.g_bar = rho * st.g_bar + (1 - rho) * g
            q["g_bar"] = st.g_bar
            var = st.acc - st.g_bar**2
        den = mpmath.sqrt(var + h["eps"]) if conv == "keras" else mpmath.sqrt(var) + h["eps"]
        q["denominator"] = den
        mu = h["momentum"]
        if mu != 0 and conv == "keras":
            st.buf = mu * st.buf + lr * g / den
            q["buf"] = st.buf
            inc = -st.buf
        elif mu != 0:
            st.buf = mu * st.buf + g / den
            q["buf"] = st.buf
            inc = -lr * st.buf
        else:
            inc = -lr * g / den
    elif kind == "adadelta":
        rho, eps = h["rho"], h["eps"]
        st.acc = rho * st.acc + (1 - rho) * g * g
        q["Eg2"] = st.acc
        delta = mpmath.sqrt(st.edelta2 + eps) / mpmath.sqrt(st.acc + eps) * g
        q["delta"] = delta
        st.edelta2 = rho * st.edelta2 + (1 - rho) * delta**2
        q["Edelta2"] = st.edelta2
        inc = -lr * delta
    elif kind in ("adam", "adamw"):
        b1, b2 = h["beta1"], h["beta2"]
        st.m = b1 * st.m + (1 - b1) * g
        st.v = b2 * st.v + (1 - b2) * g * g
        q["m"], q["v"] = st.m, st.v
        second = st.v
        if s.amsgrad:
            st.v_max = max(st.v_max, st.v)
            q["v_max"] = second = st.v_max
        if conv == "keras":
            alpha = lr * mpmath.sqrt(1 - b2**t) / (1 - b1**t)
            q["alpha_t"] = alpha
            inc = -alpha * st.m / (mpmath.sqrt(second) + h["eps"])
        else:
            q["m_hat"] = st.m / (1 - b1**t)
            q["v_hat"] = second / (1 - b2**t)
            inc = -lr * q["m_hat"] / (mpmath.sqrt(q["v_hat"]) + h["eps"])
    elif kind == "adamax":
        b1, b2, eps = h["beta1"], h["beta2"], h["eps"]
        st.m = b1 * st.m + (1 - b1) * g
        q["m"] = st.m
        if conv == "keras":
            st.u = max(b2 * st.u, abs(g))
            q["u"] = st.u
            inc = -lr * st.m / ((1 - b1**t) * (st.u + eps))
        else:
            st.u = max(b2 * st.u, abs(g) + eps)
            q["u"] = st.u
            inc = -lr / (1 - b1**t) * st.m / st.u
    elif kind == "nadam":
        b1, b2 = h["beta1"], h["beta2"]
        mu_t, mu_next = nadam_mu(s, t), nadam_mu(s, t + 1)
        q["mu_t"], q["mu_next"], q["mu_product"] = mu_t, mu_next, mu_product
        st.m = b1 * st.m + (1 - b1) * g
        st.v = b2 * st.v + (1 - b2) * g * g
        q["m"], q["v"] = st.m, st.v
        q["m_hat"] = mu_next * st.m / (1 - mu_product * mu_next) + (1 - mu_t) * g / (1 - mu_product)
        q["v_hat"] = st.v / (1 - b2**t)
        inc = -lr * q["m_hat"] / (mpmath.sqrt(q["v_hat"]) + h["eps"])
    else:
        raise ValueError(f"{conv} {kind}")
    q["theta"] = theta + inc
    q["step"] = decay + inc
    return q["theta"], q


def run(
    s: Setup,
    start: Params,
    steps: int,
    grads: list[list[Mp]] | None = None,
    function: Function | None = None,
    batch_size: int | None = None,
) -> list[dict[str, Any]]:
    """Every step as dlcalc's JSON has it: t, lr, params, gradient, state, and f."""
    names = list(start)
    theta = dict(start)
    states = {p: State() for p in names}
    mu_product = mpf(1)
    out: list[dict[str, Any]] = []
    for t in range(1, steps + 1):
        lr = scheduled_lr(s.schedule, s.hyper["lr"], t)
        if function is not None:
            at = theta
            if s.kind == "nesterov" and s.convention == "course":
                at = {p: theta[p] + s.hyper["momentum"] * states[p].buf for p in names}
            gradient = function.grad(at)
        else:
            assert grads is not None
            n = batch_size or 1
            rows = grads[(t - 1) * n : t * n]
            gradient = {p: sum((row[j] for row in rows), mpf(0)) / n for j, p in enumerate(names)}
        if s.kind == "nadam":
            mu_product = mu_product * nadam_mu(s, t)
        state: dict[str, dict[str, Mp]] = {}
        for p in names:
            theta[p], q = update(s, states[p], theta[p], gradient[p], t, lr, mu_product)
            state[p] = {"g_mean": gradient[p], **q} if batch_size is not None else q
        record: dict[str, Any] = {
            "t": mpf(t),
            "lr": lr,
            "params": dict(theta),
            "gradient": gradient,
            "state": state,
        }
        if function is not None:
            record["f"] = function.f(theta)
        out.append(record)
    return out


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


def sampled(n: int) -> list[int]:
    """The step indices listed: all of a short run; of a long one the first five, powers of two
    and of ten (minus one) and the last."""
    if n <= FULL_STEPS:
        return list(range(n))
    picks = set(range(5)) | {n - 1, n // 2}
    picks |= {2**i - 1 for i in range(20) if 2**i <= n}
    picks |= {10**i - 1 for i in range(1, 6) if 10**i <= n}
    return sorted(picks)


def flatten(prefix: str, value: Any, into: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            flatten(f"{prefix}.{key}", inner, into)
    else:
        into[prefix] = mpmath.nstr(value, DIGITS)


def expectations(records: list[dict[str, Any]], root: str = "steps") -> dict[str, str]:
    out: dict[str, str] = {}
    for i in sampled(len(records)):
        flatten(f"{root}.{i}", records[i], out)
    return out


def number_text(x: str | float) -> str:
    return x if isinstance(x, str) else repr(x)


@dataclass
class Spec:
    """One `dlcalc optimize` command, and what the oracle needs to run it."""

    id: str
    optimizer: str
    convention: str = "course"
    start: dict[str, str] = field(default_factory=lambda: {"w": "0.5"})
    grads: list[list[str]] | None = None
    function: str | None = None  # a FUNCTIONS key
    steps: int | None = None
    options: dict[str, str] = field(default_factory=dict)  # lr, eps, ... as written
    flags: tuple[str, ...] = ()  # nesterov, amsgrad, centered
    schedule: str | None = None
    batch_size: int | None = None
    file_only: dict[str, str] = field(default_factory=dict)  # dampening, lr_decay, ...
    compare: tuple[str, ...] = ()  # --compare-optimizers (others beside this optimizer)
    compare_conventions: bool = False  # --compare

    def setup(self, optimizer: str | None = None, convention: str | None = None) -> Setup:
        opt = optimizer or self.optimizer
        conv = convention or self.convention
        given = {**self.options, **self.file_only}
        if optimizer is not None and optimizer != self.optimizer:
            # --compare-optimizers: each takes the hyper-parameters it has; sgd is plain
            given = {k: v for k, v in given.items() if k in DEFAULTS[conv][opt] or k == "lr"}
        text = {**{k: "0" for k in ZERO_DEFAULTS}, **DEFAULTS[conv][opt], **given}
        return Setup(
            optimizer=opt,
            convention=conv,
            hyper={k: read(v) for k, v in text.items()},
            nesterov="nesterov" in self.flags,
            amsgrad="amsgrad" in self.flags,
            centered="centered" in self.flags,
            schedule=self.schedule,
        )

    def grads_text(self) -> str:
        assert self.grads is not None
        if len(self.start) == 1:
            return ",".join(row[0] for row in self.grads)
        return "; ".join(",".join(row) for row in self.grads)

    def problem_file(self) -> str:
        lines = [f"optimizer {self.optimizer}", f"convention {self.convention}"]
        lines += [f"{k} {v}" for k, v in {**self.options, **self.file_only}.items()]
        lines += list(self.flags)
        lines.append("start " + ",".join(f"{k}={v}" for k, v in self.start.items()))
        if self.grads is not None:
            assert len(self.start) == 1
            lines.append("grads " + " ".join(row[0] for row in self.grads))
        else:
            assert self.function is not None and self.steps is not None
            lines += [f"function {FUNCTIONS[self.function].text}", f"steps {self.steps}"]
        if self.schedule:
            lines.append(f"schedule {self.schedule}")
        return "\n".join(lines) + "\n"

    def args(self) -> list[str]:
        if self.file_only:
            return ["optimize", "problem.opt"]
        args = ["optimize", self.optimizer]
        if self.function is not None:
            args += ["--function", FUNCTIONS[self.function].text]
        else:
            args += ["--grads", self.grads_text()]
        args += ["--start", ",".join(f"{k}={v}" for k, v in self.start.items())]
        if self.steps is not None:
            args += ["--steps", str(self.steps)]
        if self.batch_size is not None:
            args += ["--batch-size", str(self.batch_size)]
        for key, value in self.options.items():
            args += [OPTIONS[key], value]
        args += [f"--{flag}" for flag in self.flags]
        if self.schedule is not None:
            args += ["--schedule", self.schedule]
        args += ["--convention", self.convention]
        if self.compare:
            args += ["--compare-optimizers", ",".join(self.compare)]
        if self.compare_conventions:
            args.append("--compare")
        return args

    def records(self, setup: Setup) -> list[dict[str, Any]]:
        start = {k: read(v) for k, v in self.start.items()}
        if self.function is not None:
            assert self.steps is not None
            return run(setup, start, self.steps, function=FUNCTIONS[self.function])
        assert self.grads is not None
        rows = [[read(x) for x in row] for row in self.grads]
        n = len(rows) // (self.batch_size or 1)
        return run(setup, start, self.steps or n, grads=rows, batch_size=self.batch_size)

    def expectations(self) -> dict[str, str]:
        expect = expectations(self.records(self.setup()))
        for other in (self.optimizer, *self.compare) if self.compare else ():
            recs = self.records(self.setup(optimizer=other))
            expect |= expectations(recs, f"optimizers.{other}.steps")
        if self.compare_conventions:
            for conv in CONVENTIONS:
                recs = self.records(self.setup(convention=conv))
                expect |= expectations(recs, f"compare.{conv}.steps")
        return expect

    def case(self) -> dict[str, Any]:
        """The case, its values checked at a second, higher precision: a value that shrinks by
        many orders of magnitude with more digits is rounding noise around an exact zero (an
        exact cancellation of decimal inputs, as 0.5*(-0.002) - 0.01*(-0.1)) and is written 0;
        any other disagreement is an error."""
        expect = self.expectations()
        with mp.workdps(DPS + CHECK_EXTRA_DPS):
            finer = self.expectations()
        assert finer.keys() == expect.keys(), self.id
        for path, text in expect.items():
            a, b = abs(mpf(text)), abs(mpf(finer[path]))
            if text == finer[path] or abs(a - b) <= mpf("1e-28") * max(a, b):
                continue
            assert min(a, b) <= mpf("1e-20") * max(a, b), (self.id, path, text, finer[path])
            expect[path] = "0.0"
        out: dict[str, Any] = {"id": self.id, "args": self.args()}
        if self.file_only:
            out["files"] = {"problem.opt": self.problem_file()}
        out["expect"] = expect
        return out


def rows(*values: float | str) -> list[list[str]]:
    """Gradient rows of one parameter."""
    return [[number_text(v)] for v in values]


def table(text: str) -> list[list[str]]:
    """Gradient rows from "a,b; c,d"."""
    return [[x.strip() for x in row.split(",")] for row in text.split(";")]


def constant(value: str, n: int) -> list[list[str]]:
    return [[value] for _ in range(n)]


MIXED_1 = rows("0.2", "-0.1", "0.4", "0.3", "-0.25")
MIXED_2 = table("0.2,-1.5; -0.1,0.7; 0.4,0.05; 0.3,-0.9")
START_2 = {"w": "0.5", "b": "-1.2"}
LR = {  # a learning rate per optimizer that moves the parameters visibly in a few steps
    "sgd": "0.1",
    "momentum": "0.1",
    "nesterov": "0.1",
    "adagrad": "0.1",
    "rmsprop": "0.01",
    "adadelta": "1.0",
    "adam": "0.01",
    "adamw": "0.01",
    "adamax": "0.02",
    "nadam": "0.02",
}
TAKES_WD = set(OPTIMIZERS)
TAKES_EPS = {"adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam"}
ADAM_LIKE = ("adam", "adamw", "adamax", "nadam")


def matrix_cases() -> list[Spec]:
    """Every optimizer in every convention: with its defaults, with a learning rate and weight
    decay (L2 or decoupled, as the convention has it)."""
    specs = []
    for conv in CONVENTIONS:
        for opt in OPTIMIZERS:
            specs.append(Spec(f"{conv}-{opt}-defaults", opt, conv, start=START_2, grads=MIXED_2))
            specs.append(
                Spec(
                    f"{conv}-{opt}-wd",
                    opt,
                    conv,
                    grads=MIXED_1,
                    options={"lr": LR[opt], "weight_decay": "0.1"},
                )
            )
    return specs


def option_cases() -> list[Spec]:
    specs = []
    for conv in CONVENTIONS:
        specs += [
            Spec(f"{conv}-sgd-momentum", "sgd", conv, grads=MIXED_1, options={"momentum": "0.5"}),
            Spec(
                f"{conv}-sgd-nesterov",
                "sgd",
                conv,
                start=START_2,
                grads=MIXED_2,
                options={"lr": "0.05", "momentum": "0.8"},
                flags=("nesterov",),
            ),
            Spec(
                f"{conv}-nesterov-mu-wd",
                "nesterov",
                conv,
                start=START_2,
                grads=MIXED_2,
                options={"lr": "0.05", "momentum": "0.7", "weight_decay": "0.05"},
            ),
            Spec(
                f"{conv}-rmsprop-centered",
                "rmsprop",
                conv,
                start=START_2,
                grads=MIXED_2,
                options={"lr": "0.01"},
                flags=("centered",),
            ),
            Spec(
                f"{conv}-rmsprop-momentum",
                "rmsprop",
                conv,
                grads=MIXED_1,
                options={"lr": "0.01", "momentum": "0.9", "rho": "0.8"},
            ),
            Spec(
                f"{conv}-rmsprop-centered-momentum-wd",
                "rmsprop",
                conv,
                grads=MIXED_1,
                options={"lr": "0.01", "momentum": "0.5", "weight_decay": "0.1", "eps": "1e-6"},
                flags=("centered",),
            ),
            Spec(
                f"{conv}-adam-amsgrad",
                "adam",
                conv,
                grads=rows("1.0", "0.1", "-0.05", "0.02", "0.5", "-0.01"),
                options={"lr": "0.01", "beta2": "0.9"},
                flags=("amsgrad",),
            ),
            Spec(
                f"{conv}-adamw-amsgrad-wd",
                "adamw",
                conv,
                start=START_2,
                grads=table("1.0,-2; 0.1,0.5; -0.05,0.1; 0.3,-0.02"),
                options={"lr": "0.01", "weight_decay": "0.05", "beta1": "0.8", "beta2": "0.95"},
                flags=("amsgrad",),
            ),
            Spec(
                f"{conv}-adamax-betas",
                "adamax",
                conv,
                grads=rows("0.3", "-0.9", "0.05", "0.2", "1.5"),
                options={"lr": "0.01", "beta1": "0.8", "beta2": "0.5", "eps": "0.01"},
            ),
            Spec(
                f"{conv}-nadam-betas",
                "nadam",
                conv,
                grads=MIXED_1,
                options={"lr": "0.01", "beta1": "0.95", "beta2": "0.99", "eps": "1e-3"},
            ),
            Spec(
                f"{conv}-adadelta-rho",
                "adadelta",
                conv,
                grads=MIXED_1,
                options={"lr": "0.5", "rho": "0.5", "eps": "1e-4"},
            ),
        ]
    return specs


def file_cases() -> list[Spec]:
    """Problem-file keys: PyTorch's dampening and lr_decay, the initial accumulator, psi."""
    g = rows("0.2", "-0.1", "0.4", "0.3")
    return [
        Spec("file-pytorch-momentum-dampening", "momentum", "pytorch", grads=g,
             options={"lr": "0.1"}, file_only={"dampening": "0.3"}),
        Spec("file-pytorch-sgd-dampening-wd", "sgd", "pytorch", grads=g,
             options={"lr": "0.1", "momentum": "0.6", "weight_decay": "0.1"},
             file_only={"dampening": "0.5"}),
        Spec("file-pytorch-adagrad-lr-decay", "adagrad", "pytorch", grads=g,
             options={"lr": "0.1"}, file_only={"lr_decay": "0.5", "initial_accumulator": "0.3"}),
        Spec("file-pytorch-adagrad-lr-decay-schedule", "adagrad", "pytorch", grads=g,
             options={"lr": "0.1"}, file_only={"lr_decay": "0.25"},
             schedule="step:every=2,gamma=0.5"),
        Spec("file-course-adagrad-initial", "adagrad", "course", grads=g,
             file_only={"initial_accumulator": "0.3"}),
        Spec("file-keras-adagrad-initial-0", "adagrad", "keras", grads=g,
             options={"lr": "0.1"}, file_only={"initial_accumulator": "0"}),
        Spec("file-course-nadam-psi-1", "nadam", "course", grads=g,
             file_only={"momentum_decay": "1"}),
        Spec("file-pytorch-nadam-psi", "nadam", "pytorch", grads=g,
             options={"lr": "0.01"}, file_only={"momentum_decay": "0.1"}),
        Spec("file-course-adam-function", "adam", "course", function="bowl", steps=5,
             start={"x": "1", "y": "1"}, options={"lr": "0.1"}, file_only={"weight_decay": "0"}),
    ]  # fmt: skip


def schedule_cases() -> list[Spec]:
    g8 = rows("0.2", "-0.1", "0.4", "0.3", "-0.25", "0.15", "0.05", "-0.3")
    return [
        Spec("schedule-time-sgd", "sgd", grads=g8, schedule="time:decay=0.1"),
        Spec("schedule-time-keras-adam", "adam", "keras", grads=g8, schedule="time:decay=0.5"),
        Spec("schedule-step-momentum-pytorch", "momentum", "pytorch", grads=g8,
             options={"lr": "0.1"}, schedule="step:every=3,gamma=0.5"),
        Spec("schedule-exp-adagrad", "adagrad", grads=g8, schedule="exp:rate=0.96,every=3"),
        Spec("schedule-exp-every1-rmsprop-pytorch", "rmsprop", "pytorch", grads=g8,
             schedule="exp:rate=0.9"),
        Spec("schedule-exp-staircase-nadam", "nadam", grads=g8,
             schedule="exp:rate=0.5,every=2,staircase"),
        Spec("schedule-cosine-adam", "adam", grads=g8, options={"lr": "0.01"},
             schedule="cosine:T=8"),
        Spec("schedule-cosine-past-T-adamw-keras", "adamw", "keras", grads=g8,
             options={"lr": "0.01", "weight_decay": "0.1"}, schedule="cosine:T=5,min=0.001"),
        Spec("schedule-cosine-adadelta-keras", "adadelta", "keras", grads=g8,
             options={"lr": "1", "weight_decay": "0.01"}, schedule="cosine:T=3,min=0.1"),
        Spec("schedule-time-nesterov-course-function", "nesterov", "course", function="bowl",
             start={"x": "1", "y": "1"}, steps=8, options={"lr": "0.02"},
             schedule="time:decay=0.2"),
        Spec("schedule-step-adamax-pytorch", "adamax", "pytorch", grads=g8,
             options={"weight_decay": "0.01"}, schedule="step:every=2,gamma=0.1"),
    ]  # fmt: skip


def batch_cases() -> list[Spec]:
    return [
        Spec("batch-sgd-2", "sgd", start={"a": "1", "b": "2"}, batch_size=2,
             grads=table("0.2,1; 0.4,2; 0.1,3; 0.5,4; -0.3,0.7; 0.9,-0.2")),
        Spec("batch-adam-keras-3", "adam", "keras", batch_size=3,
             grads=rows("0.1", "0.2", "0.4", "-0.3", "0.7", "0.05", "1.1", "-0.2", "0.3")),
        Spec("batch-momentum-pytorch-full", "momentum", "pytorch", batch_size=4,
             options={"lr": "0.1"}, grads=rows("0.1", "0.3", "-0.2", "0.6")),
    ]  # fmt: skip


def adversarial_cases() -> list[Spec]:
    tiny9 = rows("1e-9", "-2e-9", "3e-9", "1e-9")
    tiny300 = rows("1e-300", "-2e-300", "3e-300")
    huge = rows("1e145", "-2e145", "3e145")  # g^2 and the state stay below dlcalc's 1e300
    huge150 = rows("1e150", "-2e150", "3e150")
    one_minus_2_20 = "0.99999904632568359375"  # 1 - 2^-20, exact in binary
    specs = [
        # eps = 0 with a nonzero gradient
        Spec("eps0-adam-course", "adam", grads=MIXED_1, options={"eps": "0", "lr": "0.01"}),
        Spec("eps0-adam-keras", "adam", "keras", grads=MIXED_1, options={"eps": "0"}),
        Spec("eps0-adagrad-course", "adagrad", grads=MIXED_1, options={"eps": "0"}),
        Spec("eps0-adagrad-keras", "adagrad", "keras", grads=MIXED_1, options={"eps": "0"}),
        Spec("eps0-rmsprop-pytorch", "rmsprop", "pytorch", grads=MIXED_1, options={"eps": "0"}),
        Spec("eps0-rmsprop-keras-centered", "rmsprop", "keras", grads=MIXED_1,
             options={"eps": "0"}, flags=("centered",)),
        Spec("eps0-adamax-pytorch", "adamax", "pytorch", grads=MIXED_1, options={"eps": "0"}),
        Spec("eps0-adamax-keras", "adamax", "keras", grads=MIXED_1, options={"eps": "0"}),
        Spec("eps0-nadam-keras", "nadam", "keras", grads=MIXED_1, options={"eps": "0"}),
        # (not eps0-adagrad-tiny300: g² = 1e−600 is 0 in float64, and dlcalc refuses the
        # division by zero with a message; exactly, θ − η·g/√(g²) = θ − η)
        # tiny gradients, where eps's place matters
        Spec("tiny9-adam-course", "adam", grads=tiny9),
        Spec("tiny9-adam-keras", "adam", "keras", grads=tiny9),
        Spec("tiny9-adagrad-pytorch", "adagrad", "pytorch", grads=tiny9),
        Spec("tiny9-adagrad-keras", "adagrad", "keras", grads=tiny9, options={"lr": "0.1"}),
        Spec("tiny9-rmsprop-course", "rmsprop", grads=tiny9),
        Spec("tiny9-rmsprop-keras", "rmsprop", "keras", grads=tiny9),
        Spec("tiny9-adadelta-pytorch", "adadelta", "pytorch", grads=tiny9),
        Spec("tiny9-adamax-keras", "adamax", "keras", grads=tiny9),
        Spec("tiny9-nadam-course", "nadam", grads=tiny9),
        Spec("tiny300-adam-course-w0", "adam", start={"w": "0"}, grads=tiny300),
        Spec("tiny300-adam-keras-w0", "adam", "keras", start={"w": "0"}, grads=tiny300),
        Spec("tiny300-rmsprop-keras-w0", "rmsprop", "keras", start={"w": "0"}, grads=tiny300),
        Spec("tiny300-sgd-w0", "sgd", start={"w": "0"}, grads=tiny300),
        Spec("tiny300-adam-course-w-half", "adam", grads=tiny300),
        # huge gradients
        Spec("huge145-adam-course", "adam", grads=huge),
        Spec("huge145-adam-keras", "adam", "keras", grads=huge),
        Spec("huge145-rmsprop-keras", "rmsprop", "keras", grads=huge),
        Spec("huge145-adagrad-course", "adagrad", grads=huge),
        Spec("huge145-adamax-pytorch", "adamax", "pytorch", grads=huge),
        Spec("huge145-nadam-keras", "nadam", "keras", grads=huge),
        Spec("huge145-sgd-lr-1e-147", "sgd", grads=huge, options={"lr": "1e-147"}),
        # 1e150 where the state stays below 1e300 (no square, or keras's unscaled v)
        Spec("huge150-sgd-lr-1e-152", "sgd", grads=huge150, options={"lr": "1e-152"}),
        Spec("huge150-momentum-keras", "momentum", "keras", grads=huge150,
             options={"lr": "1e-151"}),
        Spec("huge150-adamax-pytorch", "adamax", "pytorch", grads=huge150),
        Spec("huge150-adam-keras", "adam", "keras", grads=huge150),
        Spec("huge150-rmsprop-pytorch-centered", "rmsprop", "pytorch", grads=huge150,
             flags=("centered",)),
        # tiny gradients from w = 0, where every value is representable
        Spec("tiny9-adagrad-keras-w0", "adagrad", "keras", start={"w": "0"}, grads=tiny9,
             options={"lr": "0.1"}),
        Spec("tiny9-adadelta-pytorch-w0", "adadelta", "pytorch", start={"w": "0"}, grads=tiny9),
        Spec("tiny9-rmsprop-keras-centered-w0", "rmsprop", "keras", start={"w": "0"},
             grads=tiny9, flags=("centered",)),
        # learning rates 1e-8 and 10
        Spec("lr1e-8-sgd", "sgd", grads=MIXED_1, options={"lr": "1e-8"}),
        Spec("lr1e-8-adam-pytorch", "adam", "pytorch", grads=MIXED_1, options={"lr": "1e-8"}),
        Spec("lr1e-8-adam-pytorch-w0", "adam", "pytorch", start={"w": "0"},
             grads=rows("0.2", "0.1", "0.4"), options={"lr": "1e-8"}),
        Spec("lr10-sgd-keras", "sgd", "keras", grads=MIXED_1, options={"lr": "10"}),
        Spec("lr10-adam-course", "adam", grads=MIXED_1, options={"lr": "10"}),
        Spec("lr10-adagrad-keras", "adagrad", "keras", grads=MIXED_1, options={"lr": "10"}),
        Spec("lr10-momentum-pytorch", "momentum", "pytorch", grads=MIXED_1,
             options={"lr": "10"}),
        Spec("lr10-rmsprop-keras-momentum", "rmsprop", "keras", grads=MIXED_1,
             options={"lr": "10", "momentum": "0.5"}),
        Spec("lr10-nadam-keras", "nadam", "keras", grads=MIXED_1, options={"lr": "10"}),
        Spec("lr10-adadelta-course-wd", "adadelta", grads=MIXED_1,
             options={"lr": "10", "weight_decay": "0.01"}),
        # beta close to 1
        Spec("beta2-exact-near-1-adam-course", "adam", grads=MIXED_1,
             options={"beta2": one_minus_2_20}),
        Spec("beta2-exact-near-1-adam-keras-amsgrad", "adam", "keras", grads=MIXED_1,
             options={"beta2": one_minus_2_20}, flags=("amsgrad",)),
        Spec("beta1-exact-near-1-nadam-pytorch", "nadam", "pytorch", grads=MIXED_1,
             options={"beta1": one_minus_2_20}),
        Spec("rho-exact-near-1-rmsprop-course", "rmsprop", grads=MIXED_1,
             options={"rho": one_minus_2_20}),
        Spec("momentum-exact-near-1-course", "momentum", grads=MIXED_1,
             options={"momentum": one_minus_2_20, "lr": "1"}),
        Spec("beta2-0.999999-decimal-adam-course", "adam", grads=MIXED_1,
             options={"beta2": "0.999999"}),
        Spec("beta1-0.999999-decimal-adamax-keras", "adamax", "keras", grads=MIXED_1,
             options={"beta1": "0.999999"}),
    ]  # fmt: skip
    return specs


def long_cases() -> list[Spec]:
    """Long runs of a constant gradient, where float64 rounding accumulates over the steps."""
    return [
        Spec("long800-rmsprop-pytorch-centered", "rmsprop", "pytorch", start={"w": "20"},
             grads=constant("0.1", 800), options={"lr": "0.001"}, flags=("centered",)),
        Spec("long200-rmsprop-pytorch-centered", "rmsprop", "pytorch", start={"w": "2"},
             grads=constant("0.1", 200), options={"lr": "0.001"}, flags=("centered",)),
        Spec("long150-rmsprop-course-centered", "rmsprop", "course", start={"w": "2"},
             grads=constant("0.1", 150), flags=("centered",)),
        Spec("long800-adam-course", "adam", start={"w": "2"}, grads=constant("0.1", 800)),
        Spec("long800-adam-keras-amsgrad", "adam", "keras", start={"w": "2"},
             grads=constant("0.3", 800), flags=("amsgrad",)),
        Spec("long800-adamw-pytorch", "adamw", "pytorch", start={"w": "2"},
             grads=constant("-0.1", 800)),
        Spec("long800-adagrad-course", "adagrad", start={"w": "2"},
             grads=constant("0.1", 800)),
        Spec("long800-adagrad-keras", "adagrad", "keras", start={"w": "2"},
             grads=constant("0.7", 800), options={"lr": "0.01"}),
        Spec("long800-nadam-pytorch", "nadam", "pytorch", start={"w": "3"},
             grads=constant("0.1", 800)),
        Spec("long500-nadam-keras", "nadam", "keras", start={"w": "2"},
             grads=constant("0.1", 500)),
        Spec("long800-adadelta-course", "adadelta", start={"w": "2"},
             grads=constant("0.1", 800), options={"lr": "0.001"}),
        Spec("long800-momentum-course", "momentum", start={"w": "20"},
             grads=constant("0.1", 800)),
        Spec("long800-adamax-course", "adamax", start={"w": "3"},
             grads=constant("0.1", 800)),
        Spec("long300-adam-function", "adam", function="bowl", start={"x": "1", "y": "1"},
             steps=300),
    ]  # fmt: skip


def function_cases() -> list[Spec]:
    xy = {"x": "1", "y": "1"}
    return [
        Spec("fn-bowl-sgd", "sgd", function="bowl", start=xy, steps=20),
        Spec("fn-bowl-momentum-course", "momentum", function="bowl", start=xy, steps=20),
        Spec("fn-bowl-nesterov-course", "nesterov", function="bowl", start=xy, steps=20,
             options={"lr": "0.02"}),
        Spec("fn-bowl-nesterov-course-wd", "nesterov", function="bowl", start=xy, steps=10,
             options={"weight_decay": "0.1"}),
        Spec("fn-bowl-nesterov-pytorch", "nesterov", "pytorch", function="bowl", start=xy,
             steps=10, options={"lr": "0.01"}),
        Spec("fn-bowl-nesterov-keras", "nesterov", "keras", function="bowl", start=xy, steps=10),
        Spec("fn-bowl-adam-keras", "adam", "keras", function="bowl", start=xy, steps=20,
             options={"lr": "0.05"}),
        Spec("fn-rosenbrock-momentum-pytorch", "momentum", "pytorch", function="rosenbrock",
             start={"x": "-1.2", "y": "1"}, steps=15, options={"lr": "0.0005"}),
        Spec("fn-rosenbrock-adam-course", "adam", function="rosenbrock",
             start={"x": "-1.2", "y": "1"}, steps=20, options={"lr": "0.01"}),
        Spec("fn-explog-adagrad-keras", "adagrad", "keras", function="explog",
             start={"x": "0.5", "y": "2"}, steps=10, options={"lr": "0.1"}),
        Spec("fn-explog-rmsprop-course", "rmsprop", function="explog",
             start={"x": "0.5", "y": "2"}, steps=10, options={"lr": "0.01"}),
        Spec("fn-trig-adadelta-pytorch", "adadelta", "pytorch", function="trig",
             start={"x": "0.7", "y": "-0.4"}, steps=10),
        Spec("fn-trig-adamw-course", "adamw", function="trig",
             start={"x": "0.7", "y": "-0.4"}, steps=10, options={"lr": "0.05"}),
        Spec("fn-sqrt-tanh-adamax-keras", "adamax", "keras", function="sqrt_tanh",
             start={"x": "2", "y": "1.5"}, steps=10, options={"lr": "0.05"}),
        Spec("fn-sqrt-tanh-nadam-pytorch", "nadam", "pytorch", function="sqrt_tanh",
             start={"x": "2", "y": "1.5"}, steps=10, options={"lr": "0.05"}),
        Spec("fn-abs-sgd-keras", "sgd", "keras", function="abs", start={"x": "0", "y": "1"},
             steps=10, options={"lr": "0.1"}),
        Spec("fn-quartic-rmsprop-keras-centered", "rmsprop", "keras", function="quartic",
             start={"x": "2"}, steps=15, options={"lr": "0.01"}, flags=("centered",)),
        Spec("fn-three-nadam-keras", "nadam", "keras", function="three",
             start={"x": "1", "y": "-1", "z": "0.5"}, steps=10, options={"lr": "0.05"}),
        Spec("fn-pi-sgd-momentum-nesterov-course", "sgd", function="pi", start={"x": "0.3"},
             steps=12, options={"lr": "0.01", "momentum": "0.5"}, flags=("nesterov",)),
        Spec("fn-ratio-adagrad-pytorch-wd", "adagrad", "pytorch", function="ratio",
             start={"x": "1", "y": "0.5"}, steps=10, options={"weight_decay": "0.1"}),
    ]  # fmt: skip


def compare_cases() -> list[Spec]:
    return [
        Spec("compare-conventions-adam", "adam", grads=MIXED_1, compare_conventions=True),
        Spec("compare-conventions-rmsprop-wd", "rmsprop", grads=MIXED_1,
             options={"weight_decay": "0.1"}, compare_conventions=True),
        Spec("compare-optimizers-bowl", "adam", function="bowl", start={"x": "1", "y": "1"},
             steps=5, options={"lr": "0.1"}, compare=("sgd", "momentum", "adagrad")),
    ]  # fmt: skip


def all_specs() -> list[Spec]:
    return (
        matrix_cases()
        + option_cases()
        + file_cases()
        + schedule_cases()
        + batch_cases()
        + adversarial_cases()
        + long_cases()
        + function_cases()
        + compare_cases()
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="only compare with the existing file")
    args = ap.parse_args(argv)
    check_gradients()
    specs = all_specs()
    ids = [s.id for s in specs]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    cases = [spec.case() for spec in specs]
    doc = {"source": SOURCE, "dps": DPS, "cases": cases}
    values = sum(len(c["expect"]) for c in cases)
    print(f"{len(cases)} cases, {values} expected values")
    return write_or_check(args.out, dump(doc), args.check)


if __name__ == "__main__":
    sys.exit(main())
