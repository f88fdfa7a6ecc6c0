#!/usr/bin/env python3
"""Independent oracle for `dlcalc optimize`: torch.optim and keras.optimizers steps, in float64.

This script does NOT import dlcalc.  It writes tests/data/optimizer_oracle.json: "given
gradients" problems (1-3 parameters with start values, 3-6 steps, a gradient per step and
parameter that does not depend on the parameter) run through the real optimizers:

* convention "pytorch": torch.optim.{SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax, NAdam},
  float64 tensors with .grad assigned before each opt.step();
* convention "keras": keras.optimizers.{SGD, Adagrad, RMSprop, Adadelta, Adam, AdamW, Adamax,
  Nadam} (Keras 3, torch backend, keras.config.set_floatx("float64"), float64 variables,
  optimizer.apply_gradients).

For every optimizer there are 12 seeded random cases (1-3 parameters, 3-6 steps, gradients of
order 1 or, in about a fifth of the cases, of order 1e-6..1e-4 so that the eps placement shows)
that cycle through a fixed list of hyper-parameter subsets: the framework defaults only, lr
only, and combinations of the optimizer's options (momentum, dampening, nesterov, weight decay,
lr_decay, initial accumulator, centered, amsgrad, betas, eps, momentum_decay ...), with random
values.  AMSGrad cases are redrawn until AMSGrad changes a value by more than 1e-9.  Besides
these there are the reference examples of /work/shared/conventions.md section 1 (w0 = 1,
g = 0.5, -0.3, 0.2, or the small gradients of section 1.5), with the numbers printed there.

Besides the "given gradients" cases there are "function_cases" (about 35, every optimizer in
both conventions): `dlcalc optimize OPT --function EXPR --start x=..,y=.. --steps N` problems
(functions of 1-3 parameters: quadratic bowls, Rosenbrock, exp/log, sin/cos, sqrt/tanh, Abs away
from its kink, 3-20 steps) where the gradient of every step is computed by torch autograd in
float64 from the same expression (evaluated by Python on torch tensors), then given to
torch.optim (.backward(), opt.step()) or to Keras (torch.autograd.grad on the Keras variable's
own tensor, optimizer.apply_gradients).  They record the parameters and f after every step; the
hyper-parameters are only the ones `dlcalc optimize` has options for.

Each case lists under "hyper" only the keyword arguments that were given to the framework (in
dlcalc's names: lr, beta1/beta2 for torch's betas, rho for torch RMSprop's alpha, eps for Keras's
epsilon, initial_accumulator for initial_accumulator_value) and under "defaults" the framework
defaults of the others (read from the constructor signatures), so the case is fully specified.

Cross-checks (printed, and stored under "checks" and "findings"): a plain-Python float64
re-implementation of the formulas of conventions.md section 1 is run on every case and compared
with the framework; the framework defaults are compared with the tables of conventions.md; the
reference examples are compared with the numbers printed there; a few equivalences stated there
are checked (torch and Keras momentum/Nesterov agree at constant lr, Keras Adam(weight_decay)
equals Keras AdamW, torch NAdam(momentum_decay=1) equals Keras 3 Nadam, Keras Adadelta with
torch's defaults equals torch Adadelta); and the dtypes of every optimizer state are recorded.

Everything is seeded: a rerun writes the same file (`--check` verifies that).

Requirements (own virtual environment, not the project's):
    python3 -m venv /work/oracle-venv
    /work/oracle-venv/bin/pip install torch==2.13.0 keras
Regenerate (from the repository root):
    KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_optimizer_oracle.py
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import platform
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import torch
from oracle_output import dump, write_or_check  # beside this file

SEED = 20250615
N_RANDOM = 12
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "optimizer_oracle.json"
REGENERATE = "KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_optimizer_oracle.py"
F64 = torch.float64
OPTIMIZERS = ["sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam"]
FORMULA_TOL = 1e-12  # framework vs plain-Python formulas (absolute; the values are of order 1)
EQUIV_TOL = 1e-14  # two frameworks / settings that conventions.md says agree

Hyper = dict[str, Any]
Rows = list[list[float]]

# --------------------------------------------------------------------------------------------
# Frameworks: classes, argument names, defaults
# --------------------------------------------------------------------------------------------

TORCH_CLASSES = {
    "sgd": torch.optim.SGD,
    "adagrad": torch.optim.Adagrad,
    "rmsprop": torch.optim.RMSprop,
    "adadelta": torch.optim.Adadelta,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "adamax": torch.optim.Adamax,
    "nadam": torch.optim.NAdam,
}
# dlcalc name -> torch keyword (beta1/beta2 are torch's `betas` tuple)
TORCH_ARG = {
    "lr": "lr",
    "momentum": "momentum",
    "dampening": "dampening",
    "nesterov": "nesterov",
    "weight_decay": "weight_decay",
    "eps": "eps",
    "amsgrad": "amsgrad",
    "centered": "centered",
    "lr_decay": "lr_decay",
    "initial_accumulator": "initial_accumulator_value",
    "momentum_decay": "momentum_decay",
}
# the dlcalc keys that each torch optimizer takes (rho is `alpha` for RMSprop, `rho` for Adadelta)
TORCH_KEYS = {
    "sgd": ["lr", "momentum", "dampening", "nesterov", "weight_decay"],
    "adagrad": ["lr", "lr_decay", "initial_accumulator", "eps", "weight_decay"],
    "rmsprop": ["lr", "rho", "eps", "momentum", "centered", "weight_decay"],
    "adadelta": ["lr", "rho", "eps", "weight_decay"],
    "adam": ["lr", "beta1", "beta2", "eps", "amsgrad", "weight_decay"],
    "adamw": ["lr", "beta1", "beta2", "eps", "amsgrad", "weight_decay"],
    "adamax": ["lr", "beta1", "beta2", "eps", "weight_decay"],
    "nadam": ["lr", "beta1", "beta2", "eps", "momentum_decay", "weight_decay"],
}

KERAS_CLASSES = {
    "sgd": keras.optimizers.SGD,
    "adagrad": keras.optimizers.Adagrad,
    "rmsprop": keras.optimizers.RMSprop,
    "adadelta": keras.optimizers.Adadelta,
    "adam": keras.optimizers.Adam,
    "adamw": keras.optimizers.AdamW,
    "adamax": keras.optimizers.Adamax,
    "nadam": keras.optimizers.Nadam,
}
KERAS_ARG = {
    "lr": "learning_rate",
    "momentum": "momentum",
    "nesterov": "nesterov",
    "weight_decay": "weight_decay",
    "eps": "epsilon",
    "amsgrad": "amsgrad",
    "centered": "centered",
    "rho": "rho",
    "initial_accumulator": "initial_accumulator_value",
    "beta1": "beta_1",
    "beta2": "beta_2",
}
KERAS_KEYS = {
    "sgd": ["lr", "momentum", "nesterov", "weight_decay"],
    "adagrad": ["lr", "initial_accumulator", "eps", "weight_decay"],
    "rmsprop": ["lr", "rho", "momentum", "eps", "centered", "weight_decay"],
    "adadelta": ["lr", "rho", "eps", "weight_decay"],
    "adam": ["lr", "beta1", "beta2", "eps", "amsgrad", "weight_decay"],
    "adamw": ["lr", "beta1", "beta2", "eps", "amsgrad", "weight_decay"],
    "adamax": ["lr", "beta1", "beta2", "eps", "weight_decay"],
    "nadam": ["lr", "beta1", "beta2", "eps", "weight_decay"],
}

# The defaults as conventions.md section 1 states them (only the keys it names).
DOC_DEFAULTS: dict[str, dict[str, Hyper]] = {
    "pytorch": {
        "sgd": {"lr": 1e-3, "momentum": 0, "dampening": 0, "weight_decay": 0, "nesterov": False},
        "adagrad": {
            "lr": 1e-2,
            "lr_decay": 0,
            "weight_decay": 0,
            "initial_accumulator": 0,
            "eps": 1e-10,
        },
        "rmsprop": {
            "lr": 1e-2,
            "rho": 0.99,
            "eps": 1e-8,
            "weight_decay": 0,
            "momentum": 0,
            "centered": False,
        },
        "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        "adam": {
            "lr": 1e-3,
            "beta1": 0.9,
            "beta2": 0.999,
            "eps": 1e-8,
            "weight_decay": 0,
            "amsgrad": False,
        },
        "adamw": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 1e-2},
        "adamax": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "nadam": {
            "lr": 2e-3,
            "beta1": 0.9,
            "beta2": 0.999,
            "eps": 1e-8,
            "weight_decay": 0,
            "momentum_decay": 4e-3,
        },
    },
    "keras": {
        "sgd": {"lr": 0.01, "momentum": 0.0, "nesterov": False},
        "adagrad": {"lr": 0.001, "initial_accumulator": 0.1, "eps": 1e-7},
        "rmsprop": {"lr": 0.001, "rho": 0.9, "momentum": 0.0, "eps": 1e-7, "centered": False},
        "adadelta": {"lr": 0.001, "rho": 0.95, "eps": 1e-7},
        "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7, "amsgrad": False},
        "adamw": {"lr": 0.001, "weight_decay": 0.004, "eps": 1e-7},
        "adamax": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
        "nadam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
    },
}


def _signature_defaults(cls: type) -> dict[str, Any]:
    params = inspect.signature(cls.__init__).parameters
    return {k: p.default for k, p in params.items() if p.default is not inspect.Parameter.empty}


def framework_defaults(convention: str, opt: str) -> Hyper:
    """The constructor defaults of every key the optimizer takes, under dlcalc's names."""
    out: Hyper = {}
    if convention == "pytorch":
        sig = _signature_defaults(TORCH_CLASSES[opt])
        for key in TORCH_KEYS[opt]:
            if key in ("beta1", "beta2"):
                out[key] = float(sig["betas"][0 if key == "beta1" else 1])
            elif key == "rho":
                out[key] = sig["alpha" if opt == "rmsprop" else "rho"]
            else:
                out[key] = sig[TORCH_ARG[key]]
    else:
        sig = _signature_defaults(KERAS_CLASSES[opt])
        for key in KERAS_KEYS[opt]:
            value = sig[KERAS_ARG[key]]
            # Keras's weight_decay=None means "no weight decay", the same numbers as 0.0
            out[key] = 0.0 if key == "weight_decay" and value is None else value
    # torch writes integer defaults (momentum=0, ...); store them as floats, but keep bools
    return {
        k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
        for k, v in out.items()
    }


# --------------------------------------------------------------------------------------------
# Running the frameworks
# --------------------------------------------------------------------------------------------


def torch_kwargs(opt: str, hyper: Hyper) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if "beta1" in hyper or "beta2" in hyper:
        kw["betas"] = (hyper["beta1"], hyper["beta2"])
    for key, value in hyper.items():
        if key in ("beta1", "beta2"):
            continue
        if key == "rho":
            kw["alpha" if opt == "rmsprop" else "rho"] = value
        else:
            kw[TORCH_ARG[key]] = value
    return kw


def run_torch(opt: str, hyper: Hyper, start: list[float], grads: Rows) -> tuple[Rows, list[str]]:
    """Parameter values after every step, and the dtypes of the optimizer state."""
    p = torch.tensor(start, dtype=F64, requires_grad=True)
    optimizer = TORCH_CLASSES[opt]([p], **torch_kwargs(opt, hyper))
    values = []
    for row in grads:
        p.grad = torch.tensor(row, dtype=F64)
        optimizer.step()
        values.append([float(x) for x in p.detach().tolist()])
    dtypes = sorted(
        {f"{k}:{str(v.dtype)[6:]}" for k, v in optimizer.state[p].items() if torch.is_tensor(v)}
    )
    return values, dtypes


def _state_name(path: str) -> str:
    """A Keras optimizer variable's name without the model variable's prefix; Nadam's unnamed
    u_product (auto-named variable_<n>, n depending on earlier runs) gets a stable name."""
    name = path.split("/")[-1].removeprefix("w_")
    return "u_product" if re.fullmatch(r"variable(_\d+)?", name) else name


def run_keras(
    opt: str, hyper: Hyper, start: list[float], grads: Rows, floatx: str = "float64"
) -> tuple[Rows, list[str]]:
    """Parameter values after every step, and the dtypes of the optimizer variables."""
    keras.config.set_floatx(floatx)
    try:
        optimizer = KERAS_CLASSES[opt](**{KERAS_ARG[k]: v for k, v in hyper.items()})
        var = keras.Variable(np.array(start, dtype=floatx), dtype=floatx, name="w")
        values = []
        for row in grads:
            g = keras.ops.convert_to_tensor(np.array(row, dtype=floatx), dtype=floatx)
            optimizer.apply_gradients([(g, var)])
            values.append([float(x) for x in keras.ops.convert_to_numpy(var)])
        dtypes = sorted({f"{_state_name(v.path)}:{v.dtype}" for v in optimizer.variables})
    finally:
        keras.config.set_floatx("float64")
    return values, dtypes


def run(convention: str, opt: str, hyper: Hyper, start: list[float], grads: Rows) -> Rows:
    if convention == "pytorch":
        return run_torch(opt, hyper, start, grads)[0]
    return run_keras(opt, hyper, start, grads)[0]


# --------------------------------------------------------------------------------------------
# The formulas of conventions.md section 1, in plain Python floats (one parameter at a time)
# --------------------------------------------------------------------------------------------


def _torch_formula(opt: str, h: Hyper, w: float, gs: list[float]) -> list[float]:
    lr, wd = h["lr"], h.get("weight_decay", 0.0)
    s = {"a": 0.0, "b": 0.0, "c": 0.0, "mu_prod": 1.0}
    if opt == "adagrad":
        s["a"] = h["initial_accumulator"]
    out = []
    for t, g0 in enumerate(gs, start=1):
        g = g0
        if opt == "adamw":
            w = w * (1 - lr * wd)
        elif wd:
            g = g + wd * w
        if opt == "sgd":
            mu = h["momentum"]
            if mu != 0:
                s["b"] = g if t == 1 else mu * s["b"] + (1 - h["dampening"]) * g
                g = g + mu * s["b"] if h["nesterov"] else s["b"]
            w = w - lr * g
        elif opt == "adagrad":
            clr = lr / (1 + (t - 1) * h["lr_decay"])
            s["a"] += g * g
            w = w - clr * g / (math.sqrt(s["a"]) + h["eps"])
        elif opt == "rmsprop":
            rho = h["rho"]
            s["a"] = rho * s["a"] + (1 - rho) * g * g
            v = s["a"]
            if h["centered"]:
                s["c"] = rho * s["c"] + (1 - rho) * g
                v = v - s["c"] ** 2
            d = math.sqrt(v) + h["eps"]
            if h["momentum"] > 0:
                s["b"] = h["momentum"] * s["b"] + g / d
                w = w - lr * s["b"]
            else:
                w = w - lr * g / d
        elif opt == "adadelta":
            rho, eps = h["rho"], h["eps"]
            s["a"] = rho * s["a"] + (1 - rho) * g * g
            delta = math.sqrt(s["b"] + eps) / math.sqrt(s["a"] + eps) * g
            s["b"] = rho * s["b"] + (1 - rho) * delta * delta
            w = w - lr * delta
        elif opt in ("adam", "adamw"):
            b1, b2 = h["beta1"], h["beta2"]
            s["a"] = b1 * s["a"] + (1 - b1) * g
            s["b"] = b2 * s["b"] + (1 - b2) * g * g
            v = s["b"]
            if h["amsgrad"]:
                s["c"] = max(s["c"], s["b"])
                v = s["c"]
            bc1, bc2 = 1 - b1**t, 1 - b2**t
            w = w - (lr / bc1) * s["a"] / (math.sqrt(v) / math.sqrt(bc2) + h["eps"])
        elif opt == "adamax":
            b1, b2 = h["beta1"], h["beta2"]
            s["a"] = b1 * s["a"] + (1 - b1) * g
            s["b"] = max(b2 * s["b"], abs(g) + h["eps"])
            w = w - (lr / (1 - b1**t)) * s["a"] / s["b"]
        elif opt == "nadam":
            b1, b2, psi = h["beta1"], h["beta2"], h["momentum_decay"]
            mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
            mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
            s["mu_prod"] *= mu
            s["a"] = b1 * s["a"] + (1 - b1) * g
            s["b"] = b2 * s["b"] + (1 - b2) * g * g
            denom = math.sqrt(s["b"] / (1 - b2**t)) + h["eps"]
            step = (1 - mu) * g / (1 - s["mu_prod"]) + mu_next * s["a"] / (
                1 - s["mu_prod"] * mu_next
            )
            w = w - lr * step / denom
        out.append(w)
    return out


def _keras_formula(opt: str, h: Hyper, w: float, gs: list[float]) -> list[float]:
    lr, wd = h["lr"], h.get("weight_decay", 0.0)
    s = {"a": 0.0, "b": 0.0, "c": 0.0, "u_prod": 1.0}
    if opt == "adagrad":
        s["a"] = h["initial_accumulator"]
    out = []
    for t, g in enumerate(gs, start=1):
        if wd:
            w = w - w * wd * lr  # decoupled, before the step, for every optimizer
        if opt == "sgd":
            mu = h["momentum"]
            if mu != 0:
                s["b"] = mu * s["b"] - lr * g
                w = w + (mu * s["b"] - lr * g if h["nesterov"] else s["b"])
            else:
                w = w - lr * g
        elif opt == "adagrad":
            s["a"] += g * g
            w = w - lr * g / math.sqrt(s["a"] + h["eps"])
        elif opt == "rmsprop":
            rho = h["rho"]
            s["a"] = rho * s["a"] + (1 - rho) * g * g
            if h["centered"]:
                s["c"] = rho * s["c"] + (1 - rho) * g
                den = math.sqrt(s["a"] - s["c"] ** 2 + h["eps"])
            else:
                den = math.sqrt(s["a"] + h["eps"])
            inc = lr * g / den
            if h["momentum"] > 0:
                s["b"] = h["momentum"] * s["b"] + inc
                w = w - s["b"]
            else:
                w = w - inc
        elif opt == "adadelta":
            rho, eps = h["rho"], h["eps"]
            s["a"] = rho * s["a"] + (1 - rho) * g * g
            delta = math.sqrt(s["b"] + eps) / math.sqrt(s["a"] + eps) * g
            s["b"] = rho * s["b"] + (1 - rho) * delta * delta
            w = w - lr * delta
        elif opt in ("adam", "adamw"):
            b1, b2 = h["beta1"], h["beta2"]
            alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
            s["a"] = b1 * s["a"] + (1 - b1) * g
            s["b"] = b2 * s["b"] + (1 - b2) * g * g
            v = s["b"]
            if h["amsgrad"]:
                s["c"] = max(s["c"], s["b"])
                v = s["c"]
            w = w - alpha * s["a"] / (math.sqrt(v) + h["eps"])
        elif opt == "adamax":
            b1, b2 = h["beta1"], h["beta2"]
            s["a"] = b1 * s["a"] + (1 - b1) * g
            s["b"] = max(b2 * s["b"], abs(g))
            w = w - lr * s["a"] / ((1 - b1**t) * (s["b"] + h["eps"]))
        elif opt == "nadam":
            b1, b2 = h["beta1"], h["beta2"]
            u = b1 * (1 - 0.5 * 0.96**t)
            u_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
            s["u_prod"] *= u
            s["a"] = b1 * s["a"] + (1 - b1) * g
            s["b"] = b2 * s["b"] + (1 - b2) * g * g
            m_hat = u_next * s["a"] / (1 - s["u_prod"] * u_next) + (1 - u) * g / (1 - s["u_prod"])
            w = w - lr * m_hat / (math.sqrt(s["b"] / (1 - b2**t)) + h["eps"])
        out.append(w)
    return out


def formula(convention: str, opt: str, h: Hyper, start: list[float], grads: Rows) -> Rows:
    fn = _torch_formula if convention == "pytorch" else _keras_formula
    cols = [fn(opt, h, w0, [row[j] for row in grads]) for j, w0 in enumerate(start)]
    return [list(r) for r in zip(*cols)]


def max_diff(a: Rows, b: Rows) -> float:
    return max(abs(x - y) for ra, rb in zip(a, b) for x, y in zip(ra, rb))


# --------------------------------------------------------------------------------------------
# Random cases
# --------------------------------------------------------------------------------------------

# Hyper-parameter subsets, cycled through by the random cases: a plain key gets a random value,
# "key=value" a fixed one (often the other framework's default).
VARIANTS: dict[str, dict[str, list[tuple[str, ...]]]] = {
    "pytorch": {
        "sgd": [
            (),
            ("lr",),
            ("lr", "momentum"),
            ("lr", "momentum", "dampening"),
            ("lr", "momentum", "nesterov"),
            ("lr", "weight_decay"),
            ("lr", "momentum", "weight_decay"),
            ("lr", "momentum", "dampening", "weight_decay"),
            ("lr", "momentum", "nesterov", "weight_decay"),
            ("momentum",),
            ("lr", "momentum", "nesterov"),
            ("lr", "momentum", "dampening"),
        ],
        "adagrad": [
            (),
            ("lr",),
            ("lr", "lr_decay"),
            ("lr", "initial_accumulator"),
            ("lr", "eps"),
            ("lr", "weight_decay"),
            ("lr", "lr_decay", "initial_accumulator"),
            ("lr", "initial_accumulator", "eps"),
            ("lr", "lr_decay", "initial_accumulator", "eps", "weight_decay"),
            ("lr", "initial_accumulator=0.1", "eps=1e-07"),
            ("lr",),
            ("lr", "lr_decay", "weight_decay"),
        ],
        "rmsprop": [
            (),
            ("lr",),
            ("lr", "rho"),
            ("lr", "eps"),
            ("lr", "momentum"),
            ("lr", "centered"),
            ("lr", "momentum", "centered"),
            ("lr", "weight_decay"),
            ("lr", "rho", "eps", "momentum", "centered", "weight_decay"),
            ("lr", "rho=0.9", "eps=1e-07"),
            ("lr", "rho", "momentum"),
            ("lr", "rho", "centered", "weight_decay"),
        ],
        "adadelta": [
            (),
            ("lr",),
            ("rho",),
            ("lr", "rho"),
            ("lr", "eps"),
            ("lr", "weight_decay"),
            ("lr", "rho", "eps"),
            ("lr", "rho", "eps", "weight_decay"),
            ("lr=0.001", "rho=0.95", "eps=1e-07"),
            ("lr",),
            ("rho", "eps"),
            ("lr", "rho", "weight_decay"),
        ],
        "adam": [
            (),
            ("lr",),
            ("lr", "beta1", "beta2"),
            ("lr", "eps"),
            ("lr", "weight_decay"),
            ("lr", "amsgrad"),
            ("lr", "weight_decay", "amsgrad"),
            ("lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"),
            ("lr", "beta1", "beta2", "amsgrad"),
            ("lr", "eps=1e-07"),
            ("lr", "beta1", "beta2", "weight_decay"),
            ("lr",),
        ],
        "adamw": [
            (),
            ("lr",),
            ("lr", "weight_decay"),
            ("lr", "beta1", "beta2", "weight_decay"),
            ("lr", "eps"),
            ("lr", "amsgrad"),
            ("lr", "weight_decay", "amsgrad"),
            ("lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"),
            ("lr", "weight_decay=0.004", "eps=1e-07"),
            ("lr", "weight_decay"),
            ("lr", "beta1", "beta2"),
            ("lr", "weight_decay=0.0"),
        ],
        "adamax": [
            (),
            ("lr",),
            ("lr", "beta1", "beta2"),
            ("lr", "eps"),
            ("lr", "weight_decay"),
            ("lr", "beta1", "beta2", "eps"),
            ("lr", "beta1", "beta2", "eps", "weight_decay"),
            ("lr", "eps=1e-07"),
            ("lr",),
            ("lr", "beta1", "beta2"),
            ("lr", "weight_decay"),
            ("beta1", "beta2"),
        ],
        "nadam": [
            (),
            ("lr",),
            ("lr", "beta1", "beta2"),
            ("lr", "eps"),
            ("lr", "momentum_decay"),
            ("lr", "weight_decay"),
            ("lr", "momentum_decay=1.0"),
            ("lr", "beta1", "beta2", "eps", "momentum_decay", "weight_decay"),
            ("lr", "momentum_decay", "weight_decay"),
            ("lr", "beta1", "beta2", "momentum_decay"),
            ("lr",),
            ("lr", "eps=1e-07", "momentum_decay=1.0"),
        ],
    },
    "keras": {
        "sgd": [
            (),
            ("lr",),
            ("lr", "momentum"),
            ("lr", "momentum", "nesterov"),
            ("lr", "weight_decay"),
            ("lr", "momentum", "weight_decay"),
            ("lr", "momentum", "nesterov", "weight_decay"),
            ("momentum",),
            ("lr", "nesterov"),
            ("lr", "momentum"),
            ("lr", "momentum", "nesterov"),
            ("lr", "weight_decay"),
        ],
        "adagrad": [
            (),
            ("lr",),
            ("lr", "initial_accumulator"),
            ("lr", "eps"),
            ("lr", "initial_accumulator", "eps"),
            ("lr", "initial_accumulator=0.0"),
            ("lr", "weight_decay"),
            ("lr", "initial_accumulator", "eps", "weight_decay"),
            ("lr", "initial_accumulator=0.0", "eps=1e-10"),
            ("lr",),
            ("initial_accumulator",),
            ("lr", "eps"),
        ],
        "rmsprop": [
            (),
            ("lr",),
            ("lr", "rho"),
            ("lr", "momentum"),
            ("lr", "eps"),
            ("lr", "centered"),
            ("lr", "momentum", "centered"),
            ("lr", "rho", "momentum", "eps", "centered"),
            ("lr", "weight_decay"),
            ("lr", "rho=0.99", "eps=1e-08"),
            ("lr", "rho", "momentum", "centered", "weight_decay"),
            ("lr", "rho", "eps"),
        ],
        "adadelta": [
            (),
            ("lr",),
            ("lr=1.0",),
            ("lr", "rho"),
            ("lr", "eps"),
            ("lr", "rho", "eps"),
            ("lr", "weight_decay"),
            ("lr=1.0", "rho=0.9", "eps=1e-06"),
            ("rho",),
            ("lr", "rho", "eps", "weight_decay"),
            ("lr",),
            ("lr", "rho"),
        ],
        "adam": [
            (),
            ("lr",),
            ("lr", "beta1", "beta2"),
            ("lr", "eps"),
            ("lr", "amsgrad"),
            ("lr", "beta1", "beta2", "eps", "amsgrad"),
            ("lr", "weight_decay"),
            ("lr", "weight_decay", "amsgrad"),
            ("lr", "eps=1e-08"),
            ("lr", "beta1", "beta2", "eps", "weight_decay"),
            ("lr",),
            ("lr", "beta1", "beta2", "amsgrad"),
        ],
        "adamw": [
            (),
            ("lr",),
            ("lr", "weight_decay"),
            ("lr", "beta1", "beta2", "weight_decay"),
            ("lr", "eps"),
            ("lr", "amsgrad"),
            ("lr", "weight_decay", "amsgrad"),
            ("lr", "weight_decay=0.01", "eps=1e-08"),
            ("lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"),
            ("lr",),
            ("lr", "weight_decay"),
            ("weight_decay",),
        ],
        "adamax": [
            (),
            ("lr",),
            ("lr", "beta1", "beta2"),
            ("lr", "eps"),
            ("lr", "beta1", "beta2", "eps"),
            ("lr", "weight_decay"),
            ("lr", "eps=1e-08"),
            ("lr", "beta1", "beta2", "eps", "weight_decay"),
            ("lr",),
            ("beta1", "beta2"),
            ("lr", "beta1", "beta2"),
            ("lr", "weight_decay"),
        ],
        "nadam": [
            (),
            ("lr",),
            ("lr", "beta1", "beta2"),
            ("lr", "eps"),
            ("lr", "weight_decay"),
            ("lr", "beta1", "beta2", "eps"),
            ("lr", "eps=1e-08"),
            ("lr", "beta1", "beta2", "eps", "weight_decay"),
            ("lr",),
            ("beta1", "beta2"),
            ("lr", "beta1", "beta2"),
            ("lr", "weight_decay"),
        ],
    },
}


def sig(x: float, digits: int = 2) -> float:
    """x rounded to `digits` significant digits (so the JSON shows short decimals)."""
    return float(f"{x:.{digits}g}")


def loguniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def draw(rng: random.Random, opt: str, key: str) -> Any:
    if key == "lr":
        return sig(loguniform(rng, 0.1, 2.0) if opt == "adadelta" else loguniform(rng, 1e-3, 0.3))
    if key in ("nesterov", "amsgrad", "centered"):
        return True
    if key == "momentum":
        return round(rng.uniform(0.5, 0.99), 2)
    if key == "dampening":
        return round(rng.uniform(0.1, 0.9), 2)
    if key == "weight_decay":
        return sig(loguniform(rng, 1e-3, 0.2))
    if key == "beta1":
        return round(rng.uniform(0.5, 0.95), 2)
    if key == "beta2":
        return rng.choice([0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 0.9995, 0.9999])
    if key == "eps":
        return float(f"{rng.choice([1, 2, 5])}e-{rng.randint(3, 10)}")
    if key == "rho":
        return round(rng.uniform(0.8, 0.99), 2)
    if key == "lr_decay":
        return sig(loguniform(rng, 0.01, 0.5))
    if key == "initial_accumulator":
        return sig(loguniform(rng, 0.01, 1.0))
    if key == "momentum_decay":
        return sig(loguniform(rng, 1e-3, 0.1))
    raise ValueError(key)


def draw_problem(rng: random.Random) -> tuple[list[float], Rows, str]:
    n_params = rng.randint(1, 3)
    n_steps = rng.randint(3, 6)
    start = [round(rng.uniform(-2.0, 2.0), 2) for _ in range(n_params)]
    if rng.random() < 0.2:
        scale = 10.0 ** rng.randint(-6, -4)
        grads = [
            [float(f"{rng.uniform(-1, 1) * scale:.2e}") for _ in range(n_params)]
            for _ in range(n_steps)
        ]
        return start, grads, "small"
    grads = [[round(rng.uniform(-2.0, 2.0), 3) for _ in range(n_params)] for _ in range(n_steps)]
    return start, grads, "unit"


def names(n: int) -> list[str]:
    return ["w"] if n == 1 else [f"w{i + 1}" for i in range(n)]


def make_case(
    cid: str,
    convention: str,
    opt: str,
    hyper: Hyper,
    start: list[float],
    grads: Rows,
    kind: str,
) -> dict[str, Any]:
    keys = TORCH_KEYS[opt] if convention == "pytorch" else KERAS_KEYS[opt]
    assert set(hyper) <= set(keys), (cid, hyper)
    defaults = {k: v for k, v in framework_defaults(convention, opt).items() if k not in hyper}
    values = run(convention, opt, hyper, start, grads)
    full = {**defaults, **hyper}
    check = max_diff(values, formula(convention, opt, full, start, grads))
    return {
        "id": cid,
        "convention": convention,
        "optimizer": opt,
        "kind": kind,
        "hyper": hyper,
        "defaults": defaults,
        "start": dict(zip(names(len(start)), start)),
        "grads": grads,
        "values": values,
        "formula_max_abs_diff": check,
    }


def random_cases(seed: int, convention: str, opt: str) -> tuple[list[dict[str, Any]], int]:
    rng = random.Random(f"{seed}-{convention}-{opt}")
    prefix = "torch" if convention == "pytorch" else "keras"
    variants = VARIANTS[convention][opt]
    cases, redraws = [], 0
    for i in range(N_RANDOM):
        hyper: Hyper = {}
        for key in variants[i % len(variants)]:
            name, _, fixed = key.partition("=")
            hyper[name] = float(fixed) if fixed else draw(rng, opt, name)
        while True:
            start, grads, scale = draw_problem(rng)
            if not hyper.get("amsgrad"):
                break
            full = {**framework_defaults(convention, opt), **hyper}
            plain = {**full, "amsgrad": False}
            a = formula(convention, opt, full, start, grads)
            b = formula(convention, opt, plain, start, grads)
            if max_diff(a, b) > 1e-9:
                break
            redraws += 1
        case = make_case(
            f"{prefix}-{opt}-{i + 1:03d}", convention, opt, hyper, start, grads, f"random-{scale}"
        )
        cases.append(case)
    return cases, redraws


# --------------------------------------------------------------------------------------------
# Reference examples of conventions.md section 1
# --------------------------------------------------------------------------------------------

G = [[0.5], [-0.3], [0.2]]
G_SMALL = [[1e-6], [-1e-6], [2e-6]]
SGD_MOM = ["0.95", "0.935", "0.9015"]
SGD_NAG = ["0.905", "0.9215", "0.87135"]
KERAS_NADAM = ["0.9893721222", "0.9940122343", "0.9903339063"]

# (convention, optimizer, tag, hyper, grads, section, the numbers printed there or None, note)
REFERENCES: list[tuple[str, str, str, Hyper, Rows, str, list[str] | None, str]] = [
    ("pytorch", "sgd", "momentum", {"lr": 0.1, "momentum": 0.9}, G, "1.1", SGD_MOM, ""),
    (
        "pytorch",
        "sgd",
        "nesterov",
        {"lr": 0.1, "momentum": 0.9, "nesterov": True},
        G,
        "1.1",
        SGD_NAG,
        "",
    ),
    (
        "pytorch",
        "sgd",
        "weight-decay",
        {"lr": 0.1, "weight_decay": 0.01},
        G,
        "1.6",
        None,
        "L2; without momentum the same numbers as Keras's decoupled decay",
    ),
    (
        "pytorch",
        "adagrad",
        "lr",
        {"lr": 0.01},
        G,
        "1.2",
        ["0.99", "0.9951449576", "0.9919005291"],
        "",
    ),
    (
        "pytorch",
        "rmsprop",
        "defaults",
        {},
        G,
        "1.3",
        ["0.90000002", "0.9516397891", "0.9189417612"],
        "framework defaults",
    ),
    ("pytorch", "adadelta", "defaults", {}, G, "1.4", None, "framework defaults"),
    (
        "pytorch",
        "adam",
        "small-grad",
        {"lr": 0.1, "eps": 1e-8},
        G_SMALL,
        "1.5",
        ["0.9009900990", "0.9062011464", "0.8567266818"],
        "eps placement example",
    ),
    (
        "pytorch",
        "adam",
        "l2",
        {"lr": 0.1, "weight_decay": 0.01},
        G,
        "1.6",
        ["0.90000000", "0.8787012439", "0.8417716298"],
        "coupled (L2) weight decay",
    ),
    (
        "pytorch",
        "adamw",
        "decoupled",
        {"lr": 0.1, "weight_decay": 0.01},
        G,
        "1.6",
        ["0.8990000020", "0.8789511989", "0.8433294796"],
        "",
    ),
    ("pytorch", "adamax", "defaults", {}, G, "1.7", None, "framework defaults"),
    (
        "pytorch",
        "nadam",
        "lr",
        {"lr": 0.01, "eps": 1e-8},
        G,
        "1.8",
        ["0.9894354824", "0.9942730823", "0.9904304326"],
        "",
    ),
    (
        "pytorch",
        "nadam",
        "psi1",
        {"lr": 0.01, "eps": 1e-8, "momentum_decay": 1.0},
        G,
        "1.8",
        KERAS_NADAM,
        "momentum_decay=1 gives Keras 3's schedule 0.96^t; the numbers are the Keras ones",
    ),
    ("keras", "sgd", "momentum", {"lr": 0.1, "momentum": 0.9}, G, "1.1", SGD_MOM, ""),
    (
        "keras",
        "sgd",
        "nesterov",
        {"lr": 0.1, "momentum": 0.9, "nesterov": True},
        G,
        "1.1",
        SGD_NAG,
        "",
    ),
    (
        "keras",
        "sgd",
        "weight-decay",
        {"lr": 0.1, "weight_decay": 0.01},
        G,
        "1.6",
        None,
        "decoupled; same numbers as torch-sgd-ref-weight-decay",
    ),
    (
        "keras",
        "adagrad",
        "lr",
        {"lr": 0.01},
        G,
        "1.2",
        ["0.9915484587", "0.9960711283", "0.9931843773"],
        "",
    ),
    (
        "keras",
        "rmsprop",
        "defaults",
        {},
        G,
        "1.3",
        ["0.9968377287", "0.9985280345", "0.9974160668"],
        "framework defaults",
    ),
    ("keras", "adadelta", "defaults", {}, G, "1.4", None, "framework defaults"),
    (
        "keras",
        "adadelta",
        "torch-defaults",
        {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        G,
        "1.4",
        None,
        "torch's defaults; same numbers as torch-adadelta-ref-defaults",
    ),
    (
        "keras",
        "adam",
        "small-grad-eps1e-8",
        {"lr": 0.1, "eps": 1e-8},
        G_SMALL,
        "1.5",
        ["0.9240253073", "0.9283264581", "0.8842003270"],
        "epsilon-hat form with eps=1e-8",
    ),
    (
        "keras",
        "adam",
        "small-grad",
        {"lr": 0.1},
        G_SMALL,
        "1.5",
        ["0.9759746927", "0.9776008169", "0.9558560257"],
        "default epsilon 1e-7",
    ),
    (
        "keras",
        "adam",
        "weight-decay",
        {"lr": 0.1, "weight_decay": 0.01},
        G,
        "1.6",
        None,
        "Keras weight_decay is decoupled: same numbers as keras-adamw-ref-decoupled",
    ),
    ("keras", "adamw", "decoupled", {"lr": 0.1, "weight_decay": 0.01}, G, "1.6", None, ""),
    ("keras", "adamax", "defaults", {}, G, "1.7", None, "framework defaults"),
    ("keras", "nadam", "lr", {"lr": 0.01, "eps": 1e-8}, G, "1.8", KERAS_NADAM, ""),
]

# pairs of reference cases that conventions.md says give the same numbers
EQUIVALENCES = [
    ("torch-sgd-ref-momentum", "keras-sgd-ref-momentum", "1.1: same theta at constant lr"),
    ("torch-sgd-ref-nesterov", "keras-sgd-ref-nesterov", "1.1: Nesterov forms agree"),
    (
        "torch-sgd-ref-weight-decay",
        "keras-sgd-ref-weight-decay",
        "1.6: plain SGD, L2 = decoupled decay",
    ),
    ("keras-adam-ref-weight-decay", "keras-adamw-ref-decoupled", "1.6: Adam(weight_decay)=AdamW"),
    ("torch-nadam-ref-psi1", "keras-nadam-ref-lr", "1.8: only the schedule psi differs"),
    (
        "torch-adadelta-ref-defaults",
        "keras-adadelta-ref-torch-defaults",
        "1.4: only the defaults differ",
    ),
]


def decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def reference_cases() -> list[dict[str, Any]]:
    cases = []
    for convention, opt, tag, hyper, grads, section, printed, note in REFERENCES:
        prefix = "torch" if convention == "pytorch" else "keras"
        case = make_case(
            f"{prefix}-{opt}-ref-{tag}", convention, opt, hyper, [1.0], grads, "reference"
        )
        ref: dict[str, Any] = {"section": section}
        if note:
            ref["note"] = note
        if printed is not None:
            got = [row[0] for row in case["values"]]
            diffs = [abs(float(p) - v) for p, v in zip(printed, got)]
            ref["printed"] = [float(p) for p in printed]
            ref["max_abs_diff"] = max(diffs)
            # the printed number is the value rounded to its decimals (half a unit of slack)
            ref["agrees"] = all(
                d <= 0.5 * 10.0 ** -decimals(p) + 1e-15 for p, d in zip(printed, diffs)
            )
            if convention == "keras":
                f32 = [row[0] for row in run_keras(opt, hyper, [1.0], grads, "float32")[0]]
                d32 = [abs(float(p) - v) for p, v in zip(printed, f32)]
                ref["keras_float32_values"] = f32
                ref["float32_max_abs_diff"] = max(d32)
                ref["float32_agrees"] = all(
                    d <= 0.5 * 10.0 ** -decimals(p) + 1e-15 for p, d in zip(printed, d32)
                )
        case["reference"] = ref
        cases.append(case)
    return cases


# --------------------------------------------------------------------------------------------
# Function cases: the gradient at every step by autograd, from an expression
# --------------------------------------------------------------------------------------------

QUADRATIC = "x**2 + 10*y**2"
ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"
EXP_LOG = "exp(x) + log(1 + y**2)"
TRIG = "sin(x)*cos(y) + x**2/4"
SQRT_TANH = "sqrt(x**2 + 1) + tanh(y)"
ABS = "Abs(x - 1) + y**2"
ONE_PARAM = "(x - 2)**2 + exp(-x)"
PI_COS = "cos(pi*x/4) + (y - 1)**2/2"
THREE = "x**2 + 2*y**2 + 3*z**2 + x*y - y*z"
THREE_MIXED = "(x - 1)**2 + tanh(y)**2 + log(1 + z**2) + x*z/2"


def _on_float64(fn: Any) -> Any:
    return lambda a: fn(torch.as_tensor(a, dtype=F64))


# The names dlcalc's --function accepts besides the parameters, as torch functions (float64).
TORCH_FUNCTIONS: dict[str, Any] = {
    "exp": _on_float64(torch.exp),
    "log": _on_float64(torch.log),
    "sqrt": _on_float64(torch.sqrt),
    "sin": _on_float64(torch.sin),
    "cos": _on_float64(torch.cos),
    "tanh": _on_float64(torch.tanh),
    "Abs": _on_float64(torch.abs),
}
TORCH_FUNCTIONS["pi"] = math.pi

# (convention, optimizer, tag, hyper, function, start, steps, kink): kink is an expression that
# must stay away from 0 along the path (where the function is not differentiable), or "".
FUNCTION_CASES: list[tuple[str, str, str, Hyper, str, dict[str, float], int, str]] = [
    ("pytorch", "sgd", "quadratic", {"lr": 0.04}, QUADRATIC, {"x": 1.5, "y": -1.0}, 10, ""),
    (
        "pytorch",
        "sgd",
        "momentum-rosenbrock",
        {"lr": 0.001, "momentum": 0.9},
        ROSENBROCK,
        {"x": -1.2, "y": 1.0},
        20,
        "",
    ),
    (
        "pytorch",
        "sgd",
        "nesterov-trig",
        {"lr": 0.02, "momentum": 0.9, "nesterov": True},
        TRIG,
        {"x": 1.0, "y": 0.5},
        12,
        "",
    ),
    (
        "pytorch",
        "sgd",
        "momentum-decay-explog",
        {"lr": 0.1, "momentum": 0.5, "weight_decay": 0.1},
        EXP_LOG,
        {"x": 0.5, "y": -1.5},
        8,
        "",
    ),
    ("pytorch", "sgd", "one-param", {"lr": 0.1}, ONE_PARAM, {"x": 0.0}, 5, ""),
    ("pytorch", "adagrad", "quadratic", {"lr": 0.5}, QUADRATIC, {"x": 1.5, "y": -1.0}, 10, ""),
    (
        "pytorch",
        "adagrad",
        "decay-sqrt-tanh",
        {"lr": 0.3, "eps": 1e-6, "weight_decay": 0.05},
        SQRT_TANH,
        {"x": 2.0, "y": 0.3},
        6,
        "",
    ),
    ("pytorch", "rmsprop", "abs", {"lr": 0.01}, ABS, {"x": 3.0, "y": 1.0}, 15, "x - 1"),
    (
        "pytorch",
        "rmsprop",
        "centered-rosenbrock",
        {"lr": 0.01, "rho": 0.9, "momentum": 0.5, "centered": True},
        ROSENBROCK,
        {"x": 0.0, "y": 0.0},
        10,
        "",
    ),
    (
        "pytorch",
        "adadelta",
        "three",
        {"rho": 0.9, "eps": 1e-4},
        THREE,
        {"x": 1.0, "y": -1.0, "z": 0.5},
        20,
        "",
    ),
    ("pytorch", "adam", "quadratic", {"lr": 0.1}, QUADRATIC, {"x": 1.0, "y": 2.0}, 10, ""),
    (
        "pytorch",
        "adam",
        "amsgrad-rosenbrock",
        {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "amsgrad": True},
        ROSENBROCK,
        {"x": -1.2, "y": 1.0},
        20,
        "",
    ),
    (
        "pytorch",
        "adam",
        "l2-trig",
        {"lr": 0.05, "weight_decay": 0.1},
        TRIG,
        {"x": -2.0, "y": 1.0},
        8,
        "",
    ),
    ("pytorch", "adam", "eps-pi", {"lr": 0.1, "eps": 1e-3}, PI_COS, {"x": 1.0, "y": 0.0}, 3, ""),
    (
        "pytorch",
        "adamw",
        "explog",
        {"lr": 0.05, "weight_decay": 0.1},
        EXP_LOG,
        {"x": 1.0, "y": 2.0},
        10,
        "",
    ),
    (
        "pytorch",
        "adamw",
        "amsgrad-sqrt-tanh",
        {"lr": 0.1, "amsgrad": True},
        SQRT_TANH,
        {"x": -1.0, "y": 1.0},
        12,
        "",
    ),
    ("pytorch", "adamax", "abs", {"lr": 0.1}, ABS, {"x": -1.5, "y": 2.0}, 10, "x - 1"),
    (
        "pytorch",
        "nadam",
        "betas-rosenbrock",
        {"lr": 0.05, "beta1": 0.85, "beta2": 0.995},
        ROSENBROCK,
        {"x": 0.5, "y": -0.5},
        15,
        "",
    ),
    (
        "pytorch",
        "nadam",
        "l2-one-param",
        {"lr": 0.1, "weight_decay": 0.05},
        ONE_PARAM,
        {"x": 0.0},
        6,
        "",
    ),
    ("keras", "sgd", "rosenbrock", {"lr": 0.001}, ROSENBROCK, {"x": -1.2, "y": 1.0}, 10, ""),
    (
        "keras",
        "sgd",
        "momentum-quadratic",
        {"lr": 0.01, "momentum": 0.9},
        QUADRATIC,
        {"x": 1.0, "y": 1.0},
        20,
        "",
    ),
    (
        "keras",
        "sgd",
        "nesterov-explog",
        {"lr": 0.05, "momentum": 0.8, "nesterov": True},
        EXP_LOG,
        {"x": 0.5, "y": -1.0},
        10,
        "",
    ),
    (
        "keras",
        "sgd",
        "decay-trig",
        {"lr": 0.1, "weight_decay": 0.05},
        TRIG,
        {"x": 1.0, "y": 0.5},
        8,
        "",
    ),
    ("keras", "adagrad", "sqrt-tanh", {"lr": 0.1}, SQRT_TANH, {"x": 2.0, "y": 0.3}, 10, ""),
    (
        "keras",
        "rmsprop",
        "momentum-quadratic",
        {"lr": 0.01, "momentum": 0.9},
        QUADRATIC,
        {"x": 1.5, "y": -1.0},
        12,
        "",
    ),
    (
        "keras",
        "rmsprop",
        "centered-abs",
        {"lr": 0.005, "rho": 0.8, "centered": True},
        ABS,
        {"x": 2.0, "y": -1.0},
        10,
        "x - 1",
    ),
    (
        "keras",
        "adadelta",
        "three",
        {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        THREE,
        {"x": 1.0, "y": -1.0, "z": 0.5},
        15,
        "",
    ),
    ("keras", "adam", "rosenbrock", {"lr": 0.05}, ROSENBROCK, {"x": -1.2, "y": 1.0}, 20, ""),
    (
        "keras",
        "adam",
        "amsgrad-explog",
        {"lr": 0.1, "beta1": 0.9, "beta2": 0.6, "amsgrad": True},
        EXP_LOG,
        {"x": 1.0, "y": 2.0},
        12,
        "",
    ),
    (
        "keras",
        "adam",
        "decay-three",
        {"lr": 0.05, "weight_decay": 0.05},
        THREE_MIXED,
        {"x": 0.5, "y": 1.0, "z": -2.0},
        3,
        "",
    ),
    (
        "keras",
        "adamw",
        "quadratic",
        {"lr": 0.1, "weight_decay": 0.01},
        QUADRATIC,
        {"x": 1.0, "y": 2.0},
        10,
        "",
    ),
    (
        "keras",
        "adamw",
        "amsgrad-pi",
        {"lr": 0.05, "beta2": 0.9, "amsgrad": True},
        PI_COS,
        {"x": 1.0, "y": 3.0},
        15,
        "",
    ),
    ("keras", "adamax", "trig", {"lr": 0.05}, TRIG, {"x": 1.0, "y": 0.5}, 10, ""),
    (
        "keras",
        "nadam",
        "betas-sqrt-tanh",
        {"lr": 0.02, "beta1": 0.8, "beta2": 0.99},
        SQRT_TANH,
        {"x": 2.0, "y": -0.5},
        10,
        "",
    ),
    (
        "keras",
        "nadam",
        "decay-one-param",
        {"lr": 0.1, "weight_decay": 0.02},
        ONE_PARAM,
        {"x": 0.0},
        7,
        "",
    ),
]
# the hyper-parameters that `dlcalc optimize` takes as options (--lr, --momentum, ...)
FUNCTION_KEYS = {"lr", "momentum", "nesterov", "weight_decay", "beta1", "beta2", "eps"} | {
    "amsgrad",
    "centered",
    "rho",
}


def torch_function(text: str, params: list[str]) -> Any:
    """The expression as a function of one float64 tensor (its entries are the parameters in
    `params` order), evaluated by Python on torch tensors: the operators + - * / ** of dlcalc's
    --function are Python's, and its functions are the ones in TORCH_FUNCTIONS."""
    code = compile(text, "<function>", "eval")
    unknown = set(code.co_names) - set(params) - set(TORCH_FUNCTIONS)
    assert not unknown, (text, unknown)

    def f(p: torch.Tensor) -> torch.Tensor:
        scope = {**TORCH_FUNCTIONS, **{name: p[i] for i, name in enumerate(params)}}
        return torch.as_tensor(eval(code, {"__builtins__": {}}, scope), dtype=F64)

    return f


def run_torch_function(opt: str, hyper: Hyper, start: list[float], f: Any, steps: int) -> Any:
    """torch.optim with .grad from f(p).backward(): values, f after every step, gradients."""
    kw_hyper = dict(hyper)
    if ("beta1" in hyper) != ("beta2" in hyper):  # torch takes both as `betas`
        kw_hyper = {**framework_defaults("pytorch", opt), **hyper}
        kw_hyper = {k: v for k, v in kw_hyper.items() if k in hyper or k in ("beta1", "beta2")}
    p = torch.tensor(start, dtype=F64, requires_grad=True)
    optimizer = TORCH_CLASSES[opt]([p], **torch_kwargs(opt, kw_hyper))
    values, fs, grads = [], [], []
    for _ in range(steps):
        optimizer.zero_grad()
        f(p).backward()
        assert p.grad is not None and p.grad.dtype == F64
        grads.append([float(g) for g in p.grad.tolist()])
        optimizer.step()
        values.append([float(x) for x in p.detach().tolist()])
        with torch.no_grad():
            fs.append(float(f(p)))
    return values, fs, grads


def run_keras_function(opt: str, hyper: Hyper, start: list[float], f: Any, steps: int) -> Any:
    """keras.optimizers (torch backend, float64) with the gradient by torch autograd on the
    variable's own tensor, then optimizer.apply_gradients: values, f after every step,
    gradients."""
    keras.config.set_floatx("float64")
    optimizer = KERAS_CLASSES[opt](**{KERAS_ARG[k]: v for k, v in hyper.items()})
    var = keras.Variable(np.array(start, dtype="float64"), dtype="float64", name="w")
    values, fs, grads = [], [], []
    for _ in range(steps):
        w = var.value  # the torch.nn.Parameter behind the Keras variable
        assert w.dtype == F64 and w.requires_grad
        (g,) = torch.autograd.grad(f(w), w)
        grads.append([float(x) for x in g.tolist()])
        optimizer.apply_gradients([(g, var)])
        values.append([float(x) for x in keras.ops.convert_to_numpy(var)])
        with torch.no_grad():
            fs.append(float(f(var.value)))
    return values, fs, grads


def run_function(
    convention: str, opt: str, hyper: Hyper, start: list[float], f: Any, steps: int
) -> Any:
    runner = run_torch_function if convention == "pytorch" else run_keras_function
    return runner(opt, hyper, start, f, steps)


def function_cases() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The function cases, and per case the cross-checks: the largest difference from the
    conventions.md formulas fed with the same autograd gradients, the smallest distance of the
    kink expression from 0 along the path, and how much AMSGrad changes the values."""
    cases: list[dict[str, Any]] = []
    checks: dict[str, Any] = {}
    ids = set()
    for convention, opt, tag, hyper, text, start_map, steps, kink in FUNCTION_CASES:
        prefix = "torch" if convention == "pytorch" else "keras"
        cid = f"fn-{prefix}-{opt}-{tag}"
        assert cid not in ids, cid
        ids.add(cid)
        keys = TORCH_KEYS[opt] if convention == "pytorch" else KERAS_KEYS[opt]
        assert set(hyper) <= set(keys) & FUNCTION_KEYS, (cid, hyper)
        assert 3 <= steps <= 20 and 1 <= len(start_map) <= 3, cid
        params = list(start_map)
        start = [float(v) for v in start_map.values()]
        f = torch_function(text, params)
        values, fs, grads = run_function(convention, opt, hyper, start, f, steps)
        assert all(math.isfinite(v) for row in values for v in row) and all(
            math.isfinite(v) for v in fs
        ), cid
        full = {**framework_defaults(convention, opt), **hyper}
        check: dict[str, Any] = {
            "formula_max_abs_diff": max_diff(values, formula(convention, opt, full, start, grads))
        }
        if kink:
            g = torch_function(kink, params)
            with torch.no_grad():
                margin = min(
                    abs(float(g(torch.tensor(row, dtype=F64)))) for row in [start, *values]
                )
            check["kink_margin"] = margin
            assert margin > 0.05, (cid, margin)
        if hyper.get("amsgrad"):
            plain = {**hyper, "amsgrad": False}
            d = max_diff(values, run_function(convention, opt, plain, start, f, steps)[0])
            check["amsgrad_effect"] = d
            assert d > 1e-9, (cid, d)
        checks[cid] = check
        cases.append(
            {
                "id": cid,
                "convention": convention,
                "optimizer": opt,
                "hyper": hyper,
                "function": text,
                "start": dict(start_map),
                "steps": steps,
                "values": values,
                "f": fs,
            }
        )
    return cases, checks


# --------------------------------------------------------------------------------------------
# Cross-checks and findings
# --------------------------------------------------------------------------------------------


def check_defaults() -> list[str]:
    findings = []
    for convention, table in DOC_DEFAULTS.items():
        for opt, doc in table.items():
            actual = framework_defaults(convention, opt)
            for key, value in doc.items():
                if actual.get(key) != value:
                    findings.append(
                        f"{convention} {opt}: default {key} = {actual.get(key)!r}, "
                        f"conventions.md says {value!r}"
                    )
    return findings


def state_dtypes() -> dict[str, dict[str, list[str]]]:
    """The dtype of every optimizer state, after two steps with all options on."""
    out: dict[str, dict[str, list[str]]] = {"pytorch": {}, "keras": {}}
    grads = [[0.5, -0.3], [-0.3, 0.2]]
    for opt in OPTIMIZERS:
        th = {"momentum": 0.9, "centered": True, "amsgrad": True, "weight_decay": 0.01}
        th = {k: v for k, v in th.items() if k in TORCH_KEYS[opt]}
        out["pytorch"][opt] = run_torch(opt, th, [1.0, 2.0], grads)[1]
        kh = {k: v for k, v in th.items() if k in KERAS_KEYS[opt]}
        out["keras"][opt] = run_keras(opt, kh, [1.0, 2.0], grads)[1]
    return out


def torch_float32_scalar_effect() -> float:
    """NAdam's mu_product (and every `step`) is a float32 tensor unless the default dtype is
    float64: the size of the effect on the section 1.8 example."""
    saved = torch.get_default_dtype()
    try:
        torch.set_default_dtype(torch.float32)
        a = run_torch("nadam", {"lr": 0.01, "eps": 1e-8}, [1.0], G)[0]
        torch.set_default_dtype(torch.float64)
        b = run_torch("nadam", {"lr": 0.01, "eps": 1e-8}, [1.0], G)[0]
    finally:
        torch.set_default_dtype(saved)
    return max_diff(a, b)


NOTES = [
    "Each case: start values, one gradient row per step (one column per parameter, in start "
    "order), and the parameter values after every step (one row per step). The gradient is "
    "given, it does not depend on the parameter.",
    "hyper: only the keyword arguments given to the framework, in dlcalc's names (torch betas "
    "-> beta1/beta2, torch RMSprop alpha -> rho, Keras learning_rate -> lr, Keras epsilon -> "
    "eps, initial_accumulator_value -> initial_accumulator). defaults: the constructor defaults "
    "(read from the signatures) of the other keys, so hyper + defaults fully specify the case.",
    "Keras's weight_decay default is None (no weight decay); it is written as 0.0, which gives "
    "exactly the same numbers. Keras's weight_decay is decoupled for every optimizer "
    "(theta <- theta - theta*weight_decay*lr before the step); torch's is L2 added to the "
    "gradient except for AdamW.",
    "pytorch: torch.optim in float64 (tensors of dtype float64, .grad assigned, opt.step()), "
    "default implementation on CPU (the single-tensor code path), torch default dtype set to "
    "float64 so that the scalar state (`step`, NAdam's `mu_product`) is float64 too.",
    "keras: Keras 3 with the torch backend (keras/src/backend/torch/optimizers/torch_*.py, "
    "which re-implement update_step with torch._foreach_*), keras.config.set_floatx('float64') "
    "before the optimizer is built (so its learning-rate variable is float64), float64 "
    "variables, optimizer.apply_gradients. Every optimizer variable is float64 (see "
    "checks.state_dtypes; the iteration counter is an int32) and every value agrees with a "
    "float64 re-implementation (formula_max_abs_diff), so Keras computes nothing in float32 "
    "here. reference.keras_float32_values gives the same run with floatx float32.",
    "formula_max_abs_diff: largest |framework - formula| over the case, where the formula is a "
    "plain-Python float64 re-implementation of conventions.md section 1.",
    "kind: 'reference' (the examples of conventions.md section 1, w0 = 1), 'random-unit' "
    "(gradients of order 1) or 'random-small' (gradients of order 1e-6..1e-4, where the eps "
    "placement matters). reference.printed are the numbers printed in conventions.md, "
    "reference.agrees whether they match to the decimals printed.",
    "function_cases: `dlcalc optimize OPT --function EXPR --start ... --steps N --convention "
    "...`. The gradient at every step is computed by torch autograd (float64) from the "
    "expression, evaluated by Python on torch tensors (exp, log, sqrt, sin, cos, tanh, Abs -> "
    "torch functions, pi -> math.pi): pytorch, f(p).backward() then opt.step(); keras, "
    "torch.autograd.grad on the Keras variable's own tensor then optimizer.apply_gradients. "
    "hyper: only the keyword arguments given (dlcalc's names; the rest are the framework "
    "defaults, as in the cases' `defaults`). values: the parameters after every step (a row "
    "per step, in the start's order); f: the function's value after every step. "
    "checks.function_cases: the largest difference from the conventions.md formulas fed the "
    "same autograd gradients, the distance of Abs's argument from its kink along the path, and "
    "how much AMSGrad changes the values.",
]


def summarize(cases: list[dict[str, Any]]) -> tuple[list[str], dict[str, Any]]:
    findings: list[str] = check_defaults()
    by_id = {c["id"]: c for c in cases}
    worst: dict[str, float] = defaultdict(float)
    for c in cases:
        key = f"{c['convention']}/{c['optimizer']}"
        worst[key] = max(worst[key], c["formula_max_abs_diff"])
        if c["formula_max_abs_diff"] > FORMULA_TOL:
            findings.append(
                f"{c['id']}: framework differs from the conventions.md formula by "
                f"{c['formula_max_abs_diff']:.3g}"
            )
        ref = c.get("reference", {})
        if "printed" in ref and not ref["agrees"]:
            findings.append(
                f"{c['id']} (section {ref['section']}): conventions.md prints {ref['printed']}, "
                f"the framework gives {[row[0] for row in c['values']]} "
                f"(max diff {ref['max_abs_diff']:.3g})"
            )
    keras_refs = [
        c["reference"]
        for c in cases
        if c["convention"] == "keras" and "printed" in c.get("reference", {})
    ]
    if all(r["agrees"] for r in keras_refs) and not all(r["float32_agrees"] for r in keras_refs):
        findings.append(
            "conventions.md's header says its Keras example values were computed in float32 "
            "(agreeing with exact values to about 1e-7), but every printed Keras number matches "
            "the float64 run to all printed decimals (max diff "
            f"{max(r['max_abs_diff'] for r in keras_refs):.2g}); Keras in float32 differs from "
            f"them by up to {max(r['float32_max_abs_diff'] for r in keras_refs):.2g}"
        )
    equivalences = []
    for a, b, claim in EQUIVALENCES:
        d = max_diff(by_id[a]["values"], by_id[b]["values"])
        equivalences.append({"cases": [a, b], "claim": claim, "max_abs_diff": d})
        if d > EQUIV_TOL:
            findings.append(f"{a} vs {b} ({claim}): differ by {d:.3g}")
    nadam32 = torch_float32_scalar_effect()
    findings.append(
        "torch keeps `step` and NAdam's `mu_product` as scalar tensors of the default dtype "
        "(float32 unless torch.set_default_dtype(torch.float64)), even for float64 parameters: "
        f"NAdam's section 1.8 example moves by {nadam32:.3g} (not stated in conventions.md)"
    )
    checks = {
        "formula_max_abs_diff": dict(sorted(worst.items())),
        "equivalences": equivalences,
        "state_dtypes": state_dtypes(),
        "torch_nadam_float32_scalar_state_effect": nadam32,
    }
    return findings, checks


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="only compare with the existing file")
    args = ap.parse_args(argv)
    if keras.backend.backend() != "torch":
        sys.exit("set KERAS_BACKEND=torch")
    keras.config.set_floatx("float64")
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(args.seed)  # nothing here is random in torch; set for good measure

    cases = reference_cases()
    redraws = 0
    for convention in ("pytorch", "keras"):
        for opt in OPTIMIZERS:
            new, n = random_cases(args.seed, convention, opt)
            cases += new
            redraws += n
    findings, checks = summarize(cases)
    fn_cases, fn_checks = function_cases()
    checks["function_cases"] = fn_checks
    for cid, check in fn_checks.items():
        if check["formula_max_abs_diff"] > FORMULA_TOL:
            findings.append(
                f"{cid}: framework differs from the conventions.md formula (fed the same "
                f"autograd gradients) by {check['formula_max_abs_diff']:.3g}"
            )

    doc = {
        "generated_by": "scripts/make_optimizer_oracle.py",
        "regenerate": REGENERATE,
        "versions": {
            "torch": torch.__version__,
            "keras": keras.__version__,
            "keras_backend": keras.backend.backend(),
            "keras_floatx": keras.config.floatx(),
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
        "seed": args.seed,
        "dtype": "float64",
        "notes": NOTES,
        "findings": findings,
        "checks": checks,
        "cases": cases,
        "function_cases": fn_cases,
    }
    text = dump(doc)

    print(f"versions: torch {torch.__version__}, keras {keras.__version__} (torch backend)")
    counts = Counter((c["convention"], c["optimizer"], c["kind"] == "reference") for c in cases)
    print(f"{len(cases)} cases ({len(text.encode())} bytes), amsgrad redraws: {redraws}")
    for convention in ("pytorch", "keras"):
        row = ", ".join(
            f"{opt} {counts[convention, opt, False]}+{counts[convention, opt, True]}"
            for opt in OPTIMIZERS
        )
        print(f"  {convention:7s} (random+reference): {row}")
    print("largest |framework - conventions.md formula| per optimizer:")
    for key, d in checks["formula_max_abs_diff"].items():
        print(f"  {key:18s} {d:.3g}")
    print("equivalences stated in conventions.md:")
    for e in checks["equivalences"]:
        print(f"  {e['cases'][0]} = {e['cases'][1]}: max diff {e['max_abs_diff']:.3g}")
    refs = [c for c in cases if "printed" in c.get("reference", {})]
    ok = sum(c["reference"]["agrees"] for c in refs)
    print(f"reference examples: {ok}/{len(refs)} agree with the numbers printed in conventions.md")
    fn_counts = Counter((c["convention"], c["optimizer"]) for c in fn_cases)
    print(f"{len(fn_cases)} function cases (gradients by autograd):")
    for convention in ("pytorch", "keras"):
        row = ", ".join(f"{opt} {fn_counts[convention, opt]}" for opt in OPTIMIZERS)
        print(f"  {convention:7s}: {row}")
    worst_fn = max(fn_checks.items(), key=lambda kv: kv[1]["formula_max_abs_diff"])
    print(
        "  largest |framework - formula with the same gradients|: "
        f"{worst_fn[1]['formula_max_abs_diff']:.3g} ({worst_fn[0]})"
    )
    for cid, check in fn_checks.items():
        extra = {k: f"{v:.3g}" for k, v in check.items() if k != "formula_max_abs_diff"}
        if extra:
            print(f"  {cid}: {extra}")
    print(f"findings ({len(findings)}):")
    for f in findings:
        print("  - " + f)
    return write_or_check(args.out, text, args.check)


if __name__ == "__main__":
    sys.exit(main())
