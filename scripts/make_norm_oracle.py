#!/usr/bin/env python3
"""Independent oracle for `dlcalc batchnorm`, `layernorm` and `dropout`: PyTorch and Keras 3.

This script does NOT import dlcalc.  It writes tests/data/norm_oracle.json: for each case the
exact command line after `dlcalc` (without `-f json`) and what PyTorch computes for it in
float64.  Matrices are [row][column]; for batchnorm the rows are the examples of a mini-batch and
the statistics are per column (feature), for layernorm they are per row (example).

- batchnorm: `mean`, `var` [F] (the variance used to normalise: the biased batch variance when
  training, the running variance with --eval), `x_hat`, `output` [m][F], when training the
  updated `running_mean`, `running_var` [F], and with --grad G `input_grad` [m][F],
  `gamma_grad`, `beta_grad` [F] by autograd through F.batch_norm (training: through the batch
  statistics; eval: the running statistics are constants; F.batch_norm refuses eps 0 when
  training, so those cases write the same formula in torch ops).  Convention pytorch (eps 1e-5,
  momentum 0.1, running = (1 - momentum) * running + momentum * batch statistic, with the
  UNBIASED batch variance for running_var) or keras (eps 1e-3, momentum 0.99, moving =
  moving * momentum + batch statistic * (1 - momentum), with the BIASED batch variance).
- batchnorm --channels (BatchNorm2d): the input is a batch of volumes, examples separated by
  '||', channels by '|', rows by ';'; statistics per channel over the N·H·W values of the
  4-D tensor (N, C, H, W) given to F.batch_norm; gamma, beta and the running statistics per
  channel.  `mean`, `var`, `running_mean`, `running_var`, `gamma_grad`, `beta_grad` [C];
  `x_hat`, `output`, `input_grad` [N][C][H][W]; --grad in the input's layout.  Otherwise as
  the matrix form (conventions, eval, eps 0 as the formula in torch ops).
- layernorm: `mean`, `var` [m] (biased, per row), `x_hat`, `output`, and with --grad the three
  gradients (F.layer_norm over the last axis, autograd); eps 1e-5 (pytorch) or 1e-3 (keras).
- dropout: `output` [1][H][W] from the formula, with a given 0/1 mask: inverted x * mask / (1 - p),
  --no-scale x * mask, --eval x (inverted) or x * (1 - p) (--no-scale).

Cases (seeded random draws): batches of 2-6 examples and 1-4 features, values with 3 decimals in
[-3, 3] or small integers (some with a constant feature); both conventions, explicit eps (also
0), momentum, gamma / beta, running statistics (sometimes only one of them), about a third in
eval mode, about half with an upstream gradient; the course-notes batch 5 3 2 1 9 (mean 4,
biased variance 8, asserted).  Drawn after all those (so their draws are as before): 26
batchnorm --channels cases, N 1-3 examples, C 1-3 channels of 1-3 x 1-3 (at least two values
per channel when training), both conventions, about a third in eval mode, about half with an
upstream gradient; then the example '1 2; 3 4 | 0 1; 1 0 || 5 6; 7 8 | 1 1; 0 0' three times
(pytorch with a gradient, keras eval, eps 0).  Each case carries "features" so a test can check
coverage ("channels" for the volume form).

Every case is cross-checked (the script stops on a disagreement) against
- an exact reference written out here in decimal arithmetic (50 digits), to 1e-13 (for
  --channels on the matrix with one column per channel and one row per example, row and
  column);
- Keras 3 (torch backend) layers in float64: BatchNormalization (momentum, epsilon, gamma,
  beta and moving statistics set, called with training=True / False; the moving statistics are
  compared for the keras convention; axis=1 for --channels), LayerNormalization, and their
  gradients by torch autograd through the Keras layer (gamma.value.grad, ...), to 1e-10
  (Keras's torch backend computes the variance as E[x^2] - E[x]^2).  NOTE: Keras 3 on a
  non-TensorFlow backend quietly computes these layers in float32 even with dtype="float64"
  (keras.backend.result_type maps float64 to float32 through dtypes.BIT64_TO_BIT32_DTYPE);
  the script shows that once and then maps float64 to itself while it calls Keras.
The library conventions the data relies on are checked at the start (verify_conventions) and
listed in the JSON ("verified").  Everything is seeded: a rerun writes the same file (`--check`
verifies that).

Requirements (own virtual environment, not the project's):
    python3 -m venv /work/oracle-venv
    /work/oracle-venv/bin/pip install torch==2.13.0 keras
Regenerate (from the repository root):
    KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_norm_oracle.py
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal, getcontext
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import torch
import torch.nn.functional as F
from keras.src.backend.common import dtypes as keras_dtypes
from oracle_output import dump, write_or_check  # beside this file

SEED = 20250615
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "norm_oracle.json"
REGENERATE = "KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_norm_oracle.py"
F64 = torch.float64
N_BATCHNORM = 104  # random draws, besides the course-notes cases
N_LAYERNORM = 26
N_CHANNELS = 26  # batchnorm --channels (drawn after everything else)
EXACT_TOL = 1e-13  # torch against the decimal reference
KERAS_TOL = 1e-10  # torch against Keras (its variance is E[x^2] - E[x]^2)
DEFAULTS = {"pytorch": (1e-5, 0.1), "keras": (1e-3, 0.99)}  # (eps, momentum)
COURSE = [[5], [3], [2], [1], [9]]
VOLUME_EXAMPLE = [  # N 2, C 2, 2x2: "1 2; 3 4 | 0 1; 1 0 || 5 6; 7 8 | 1 1; 0 0"
    [[[1, 2], [3, 4]], [[0, 1], [1, 0]]],
    [[[5, 6], [7, 8]], [[1, 1], [0, 0]]],
]

Num = float | int
Matrix = list[list[Any]]
Volumes = list[list[list[list[Any]]]]  # [example][channel][row][column]
VOLUME_KEYS = ("x_hat", "output", "input_grad")  # [N][C][H][W] in a --channels case
MAX_DEV: dict[str, float] = {"decimal": 0.0, "keras": 0.0}

NOTES = [
    "All numbers are PyTorch float64 (gradients by autograd); each checked against an exact "
    "decimal computation to 1e-13 and against Keras 3 layers (float64, torch backend) to 1e-10. "
    "Compare to about 1e-12.",
    "batchnorm: rows are examples, columns features; mean / var per column.  var is the variance "
    "that normalises: the biased batch variance when training, the running variance with --eval.",
    "batchnorm running statistics (training only): pytorch running = (1 - momentum) * running + "
    "momentum * stat with the UNBIASED batch variance (what F.batch_norm does); keras moving = "
    "moving * momentum + stat * (1 - momentum) with the BIASED batch variance (what "
    "keras.layers.BatchNormalization does).  Not given: running mean 0, running variance 1.",
    "batchnorm gradients: training, through the batch mean and variance; eval, the running "
    "statistics are constants, so input_grad = gamma * G / sqrt(running_var + eps).  Keras "
    "gradients are torch autograd through the Keras layer (torch backend).",
    "batchnorm --eps 0 when training: F.batch_norm refuses eps <= 0 in training, so these cases "
    "are the formula in torch ops (autograd through the batch mean and variance).",
    "batchnorm --channels (BatchNorm2d): input N volumes ('||' between examples, '|' between "
    "channels); F.batch_norm on the (N, C, H, W) tensor, statistics per channel over N*H*W "
    "values; mean, var, running_*, gamma_grad, beta_grad [C]; x_hat, output, input_grad "
    "[N][C][H][W].  Running statistics as for a matrix (pytorch: unbiased, N*H*W - 1).",
    "layernorm: mean / var (biased) per row; gamma / beta per column.",
    "dropout: output [1][H][W]; inverted x * mask / (1 - p), --no-scale x * mask, --eval x "
    "(inverted) or x * (1 - p) (--no-scale).  Plain formula; the inverted form is checked against "
    "torch F.dropout and keras.layers.Dropout (mask read off their output).",
]


# --------------------------------------------------------------------------------------------
# Text of the command-line arguments
# --------------------------------------------------------------------------------------------


def num(v: Num) -> str:
    if isinstance(v, int):
        return str(v)
    return repr(float(v) + 0.0)  # + 0.0: never "-0.0"


def matrix_text(m: Matrix) -> str:
    """Rows separated by ';', values by spaces."""
    return "; ".join(" ".join(num(v) for v in row) for row in m)


def list_text(v: list[Num]) -> str:
    return ",".join(num(x) for x in v)


# --------------------------------------------------------------------------------------------
# Random values, tensors
# --------------------------------------------------------------------------------------------


def value(rng: random.Random, kind: str) -> Num:
    if kind == "float":
        return round(rng.uniform(-3.0, 3.0), 3) + 0.0
    if kind == "int":
        return rng.randint(-3, 3)
    if kind == "digit":
        return rng.randint(0, 9)
    if kind == "grad":
        return round(rng.uniform(-2.0, 2.0), 3) + 0.0
    if kind == "gamma":
        return rng.choice([round(rng.uniform(-2.0, 2.0), 3) + 0.0, rng.randint(-2, 3)])
    if kind == "var":  # a running variance
        return rng.choice([round(rng.uniform(0.05, 4.0), 3), rng.randint(1, 4)])
    raise ValueError(kind)


def matrix(rng: random.Random, m: int, f: int, kind: str) -> Matrix:
    return [[value(rng, kind) for _ in range(f)] for _ in range(m)]


def vector(rng: random.Random, n: int, kind: str) -> list[Num]:
    return [value(rng, kind) for _ in range(n)]


def tensor(data: Any, grad: bool = False) -> torch.Tensor:
    t = torch.tensor(data, dtype=F64)
    return t.requires_grad_() if grad else t


def nested(v: Any) -> Any:
    return [nested(a) for a in v] if isinstance(v, list) else float(v) + 0.0


def tolist(t: torch.Tensor) -> Any:
    """Nested lists of floats (never -0.0), any number of axes."""
    return nested(t.detach().tolist())


def integer(m: Matrix) -> bool:
    return all(isinstance(v, int) for row in m for v in row)


def agree(got: Any, expected: Any, what: str, tol: float, source: str) -> None:
    """Nested lists of numbers equal to tol (relative, absolute near 0); track the worst."""
    if isinstance(expected, list):
        assert isinstance(got, list) and len(got) == len(expected), (what, got, expected)
        for g, e in zip(got, expected):
            agree(g, e, what, tol, source)
        return
    dev = abs(float(got) - float(expected)) / max(1.0, abs(float(expected)))
    MAX_DEV[source] = max(MAX_DEV[source], dev)
    if dev > tol:
        raise AssertionError(f"{source} disagrees on {what}: {got} != {expected}")


def check(case: dict[str, Any], other: dict[str, Any], tol: float, source: str) -> None:
    for key, val in other.items():
        agree(case[key], val, key, tol, source)


# --------------------------------------------------------------------------------------------
# The exact reference: decimal arithmetic, written from the definitions
# --------------------------------------------------------------------------------------------

getcontext().prec = 50


def dec(v: Num) -> Decimal:
    return Decimal(v)  # exact: an int, or the binary value of a float


def transpose(m: list[list[Any]]) -> list[list[Any]]:
    return [list(col) for col in zip(*m)]


def reference(
    x: Matrix,
    gamma: list[Num],
    beta: list[Num],
    eps: Num,
    grad: Matrix | None,
    per_row: bool,
    fixed: tuple[list[Num], list[Num]] | None = None,
) -> dict[str, Any]:
    """Normalise each column (batchnorm) or row (layernorm: per_row) of x; fixed = the running
    (mean, var) of batchnorm's eval mode.  gamma and beta are per column in both."""
    xm = [[dec(v) for v in row] for row in x]
    vecs = xm if per_row else transpose(xm)
    e = dec(eps)
    means, variances, unbiased, sigmas, hats = [], [], [], [], []
    for k, v in enumerate(vecs):
        n = len(v)
        if fixed is None:
            mu = sum(v, Decimal(0)) / n
            ss = sum(((a - mu) ** 2 for a in v), Decimal(0))
            var = ss / n
            unbiased.append(ss / (n - 1) if n > 1 else Decimal("NaN"))
        else:
            mu, var = dec(fixed[0][k]), dec(fixed[1][k])
        s = (var + e).sqrt()
        means.append(mu)
        variances.append(var)
        sigmas.append(s)
        hats.append([(a - mu) / s for a in v])
    xh = hats if per_row else transpose(hats)
    g, b = [dec(v) for v in gamma], [dec(v) for v in beta]
    out = [[g[j] * h + b[j] for j, h in enumerate(row)] for row in xh]
    res: dict[str, Any] = {
        "mean": means,
        "var": variances,
        "x_hat": xh,
        "output": out,
        "unbiased": unbiased,
    }
    if grad is not None:
        gm = [[dec(v) for v in row] for row in grad]
        dxh = [[gm[i][j] * g[j] for j in range(len(g))] for i in range(len(gm))]
        dvecs = dxh if per_row else transpose(dxh)
        dx = []
        for d, h, s in zip(dvecs, hats, sigmas):
            if fixed is not None:
                dx.append([a / s for a in d])
                continue
            n = len(d)
            md = sum(d, Decimal(0)) / n
            mdh = sum((a * c for a, c in zip(d, h)), Decimal(0)) / n
            dx.append([(a - md - c * mdh) / s for a, c in zip(d, h)])
        res["input_grad"] = dx if per_row else transpose(dx)
        res["gamma_grad"] = [
            sum((gm[i][j] * xh[i][j] for i in range(len(gm))), Decimal(0)) for j in range(len(g))
        ]
        res["beta_grad"] = [sum((row[j] for row in gm), Decimal(0)) for j in range(len(g))]
    return res


def reference_running(
    ref: dict[str, Any], rm: list[Num], rv: list[Num], mom: Num, convention: str
) -> None:
    """Add the running statistics after the batch to a batchnorm reference (training)."""
    dm = dec(mom)
    if convention == "pytorch":
        ref["running_mean"] = [(1 - dm) * dec(r) + dm * s for r, s in zip(rm, ref["mean"])]
        ref["running_var"] = [(1 - dm) * dec(r) + dm * s for r, s in zip(rv, ref["unbiased"])]
    else:
        ref["running_mean"] = [dec(r) * dm + s * (1 - dm) for r, s in zip(rm, ref["mean"])]
        ref["running_var"] = [dec(r) * dm + s * (1 - dm) for r, s in zip(rv, ref["var"])]


# --------------------------------------------------------------------------------------------
# Keras 3 in real float64
# --------------------------------------------------------------------------------------------


@contextmanager
def keras_float64() -> Iterator[None]:
    """Keras 3 maps float64 to float32 in result_type on non-TensorFlow backends, so its
    normalisation layers compute in float32 whatever their dtype; map float64 to itself."""
    old = keras_dtypes.BIT64_TO_BIT32_DTYPE["float64"]
    keras_dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"
    try:
        assert keras.backend.result_type("float64", "float32") == "float64"
        yield
    finally:
        keras_dtypes.BIT64_TO_BIT32_DTYPE["float64"] = old


def keras_batchnorm(
    x: Matrix,
    gamma: list[Num],
    beta: list[Num],
    eps: Num,
    momentum: Num,
    running: tuple[list[Num], list[Num]],
    training: bool,
    grad: Matrix | None,
    axis: int = -1,
) -> dict[str, Any]:
    """x a matrix (axis -1: the features) or a batch of volumes [N][C][H][W] (axis 1: the
    channels, statistics over N, H and W)."""
    layer = keras.layers.BatchNormalization(
        axis=axis, momentum=float(momentum), epsilon=float(eps), dtype="float64"
    )
    layer.build((None, *tensor(x).shape[1:]))
    layer.gamma.assign(tensor(gamma))
    layer.beta.assign(tensor(beta))
    layer.moving_mean.assign(tensor(running[0]))
    layer.moving_variance.assign(tensor(running[1]))
    xt = tensor(x, grad=True)
    y = layer(xt, training=training)
    assert y.dtype == F64 and layer.moving_variance.value.dtype == F64
    res: dict[str, Any] = {
        "output": tolist(y),
        "moving_mean": tolist(layer.moving_mean.value),
        "moving_var": tolist(layer.moving_variance.value),
    }
    if grad is not None:
        y.backward(tensor(grad))
        assert xt.grad is not None
        res["input_grad"] = tolist(xt.grad)
        res["gamma_grad"] = tolist(layer.gamma.value.grad)
        res["beta_grad"] = tolist(layer.beta.value.grad)
    return res


def keras_layernorm(
    x: Matrix, gamma: list[Num], beta: list[Num], eps: Num, grad: Matrix | None
) -> dict[str, Any]:
    layer = keras.layers.LayerNormalization(epsilon=float(eps), dtype="float64")
    layer.build((None, len(x[0])))
    layer.gamma.assign(tensor(gamma))
    layer.beta.assign(tensor(beta))
    xt = tensor(x, grad=True)
    y = layer(xt)
    assert y.dtype == F64
    res: dict[str, Any] = {"output": tolist(y)}
    if grad is not None:
        y.backward(tensor(grad))
        assert xt.grad is not None
        res["input_grad"] = tolist(xt.grad)
        res["gamma_grad"] = tolist(layer.gamma.value.grad)
        res["beta_grad"] = tolist(layer.beta.value.grad)
    return res


# --------------------------------------------------------------------------------------------
# What the libraries do (asserted; the findings go into the JSON)
# --------------------------------------------------------------------------------------------


def verify_conventions() -> list[str]:
    found = []
    bn, ln = torch.nn.BatchNorm1d(1), torch.nn.LayerNorm(3)
    assert (bn.eps, bn.momentum, ln.eps) == (1e-5, 0.1, 1e-5)
    kbn, kln = keras.layers.BatchNormalization(), keras.layers.LayerNormalization()
    assert (kbn.epsilon, kbn.momentum, kln.epsilon) == (1e-3, 0.99, 1e-3)
    found.append(
        "defaults: torch BatchNorm1d eps 1e-5 momentum 0.1, LayerNorm eps 1e-5; keras "
        "BatchNormalization epsilon 1e-3 momentum 0.99, LayerNormalization epsilon 1e-3"
    )

    # PyTorch: the running variance takes the unbiased batch variance (course batch: 10, not 8)
    x = tensor(COURSE)
    rm, rv = torch.zeros(1, dtype=F64), torch.ones(1, dtype=F64)
    F.batch_norm(x, rm, rv, training=True, momentum=0.1, eps=1e-5)
    assert rm.item() == 0.9 * 0 + 0.1 * 4 and rv.item() == 0.9 * 1 + 0.1 * 10, (rm, rv)
    found.append(
        "torch F.batch_norm(training=True): running_var = 0.9 * 1 + 0.1 * 10 = 1.9 on the course "
        "batch: the UNBIASED variance (10, not 8) goes into the running variance; the "
        "normalisation uses the biased one"
    )

    try:
        F.batch_norm(x, None, None, training=True, eps=0.0)
        raise AssertionError("torch accepted eps 0 in training")
    except ValueError:
        pass
    found.append(
        "torch F.batch_norm refuses eps 0 when training (ValueError; eval accepts it): those "
        "cases are computed with the formula in torch ops, autograd through mean and variance"
    )

    # PyTorch eval: the running statistics cannot take part in autograd
    xg = tensor(COURSE, grad=True)
    try:
        F.batch_norm(xg, tensor([1.0], grad=True), tensor([2.0], grad=True), training=False)
        raise AssertionError("torch differentiated through the running statistics")
    except RuntimeError as err:
        assert "not differentiable" in str(err), err
    y = F.batch_norm(xg, tensor([1.0]), tensor([2.0]), training=False, eps=1e-5)
    y.backward(torch.ones_like(y))
    assert xg.grad is not None
    assert torch.allclose(xg.grad, torch.full_like(xg, (2.0 + 1e-5) ** -0.5), 1e-15, 0)
    found.append(
        "eval-mode gradients do not go through the running statistics: torch refuses running "
        "tensors that require grad ('not differentiable'), input_grad = gamma * G / "
        "sqrt(running_var + eps); Keras's moving statistics are non-trainable variables"
    )

    # Keras: without help the layer computes in float32
    layer = keras.layers.BatchNormalization(dtype="float64")
    layer.build((None, 1))
    layer(tensor(COURSE), training=True)
    float32_var = layer.moving_variance.value.item()
    assert float32_var == float(torch.tensor(1.07, dtype=torch.float32)), float32_var
    found.append(
        "keras 3 (torch backend) BatchNormalization(dtype='float64') computes in float32 "
        f"(moving variance {float32_var!r} on the course batch): result_type('float64', "
        "'float32') is 'float32' outside TensorFlow; the oracle maps float64 to itself in "
        "keras.src.backend.common.dtypes.BIT64_TO_BIT32_DTYPE while it calls Keras"
    )

    with keras_float64():
        layer = keras.layers.BatchNormalization(dtype="float64")
        layer.build((None, 1))
        layer(tensor(COURSE), training=True)
        mm, mv = layer.moving_mean.value.item(), layer.moving_variance.value.item()
        assert mm == 0.0 * 0.99 + 4.0 * (1.0 - 0.99), mm
        assert mv == 1.0 * 0.99 + 8.0 * (1.0 - 0.99), mv  # 8: biased (unbiased 10 -> 1.09)
        found.append(
            "keras BatchNormalization(training=True): moving = moving * momentum + stat * "
            f"(1 - momentum); moving variance {mv!r} on the course batch = 0.99 * 1 + 0.01 * 8: "
            "the BIASED batch variance (ops.moments), not the unbiased 10 (1.09)"
        )
        xg = tensor(COURSE, grad=True)
        y = layer(xg, training=False)
        y.backward(torch.ones_like(y))
        assert xg.grad is not None and layer.moving_variance.value.grad is None
        want = (mv + 1e-3) ** -0.5
        assert torch.allclose(xg.grad, torch.full_like(xg, want), 1e-15, 0)
        found.append(
            "keras training=False: normalises with the moving statistics; input gradient "
            "gamma * G / sqrt(moving_var + epsilon), no gradient to the moving statistics"
        )

    # BatchNorm2d: per channel over N, H and W; the running variance takes the unbiased one
    bn2 = torch.nn.BatchNorm2d(2).to(F64)
    bn2(tensor(VOLUME_EXAMPLE))
    assert bn2.running_mean.tolist() == [0.1 * 4.5, 0.1 * 0.5], bn2.running_mean
    want_var = [0.9 + 0.1 * 6.0, 0.9 + 0.1 * 2.0 / 7.0]  # unbiased: 42 / 7 and 2 / 7
    assert torch.allclose(bn2.running_var, tensor(want_var), 1e-15, 0), bn2.running_var
    with keras_float64():
        layer = keras.layers.BatchNormalization(axis=1, dtype="float64")
        layer.build((None, 2, 2, 2))
        layer(tensor(VOLUME_EXAMPLE), training=True)
        mv = layer.moving_variance.value.tolist()
        want_var = [0.99 + 0.01 * 5.25, 0.99 + 0.01 * 0.25]  # biased: 42 / 8 and 2 / 8
        assert torch.allclose(tensor(mv), tensor(want_var), 1e-15, 0), mv
    found.append(
        "torch BatchNorm2d on the example '1 2; 3 4 | 0 1; 1 0 || 5 6; 7 8 | 1 1; 0 0' "
        "(N 2, C 2, 2x2): statistics per channel over the N*H*W = 8 values (means 4.5, 0.5; "
        "biased variances 5.25, 0.25), running_var 0.9 + 0.1 * 6 (unbiased, 42 / 7) and "
        "0.9 + 0.1 * 2/7; keras BatchNormalization(axis=1) (channels first): moving variance "
        "0.99 + 0.01 * 5.25 and 0.99 + 0.01 * 0.25, the biased ones, as for a matrix"
    )

    # Dropout: the inverted form in both libraries
    torch.manual_seed(7)
    ones = torch.ones(4, 5, dtype=F64)
    yt = F.dropout(ones, p=0.4, training=True)
    mask = (yt != 0).to(F64)
    assert torch.equal(yt, mask / (1 - 0.4)) and torch.equal(F.dropout(ones, 0.4, False), ones)
    with keras_float64():
        yk = keras.layers.Dropout(0.4, seed=7, dtype="float64")(ones, training=True)
        mk = (yk != 0).to(F64)
        assert torch.allclose(yk, ones * mk / (1 - 0.4), 1e-15, 0)
    found.append(
        "dropout: torch F.dropout and keras.layers.Dropout are inverted (kept values times "
        "1 / (1 - p) when training, the identity in eval)"
    )
    return found


# --------------------------------------------------------------------------------------------
# batchnorm
# --------------------------------------------------------------------------------------------


def batchnorm_case(
    x: Matrix,
    *,
    convention: str = "pytorch",
    show_convention: bool = False,
    gamma: list[Num] | None = None,
    beta: list[Num] | None = None,
    eps: Num | None = None,
    momentum: Num | None = None,
    running_mean: list[Num] | None = None,
    running_var: list[Num] | None = None,
    evaluate: bool = False,
    grad: Matrix | None = None,
    features: list[str] | None = None,
) -> dict[str, Any]:
    m, f = len(x), len(x[0])
    e = DEFAULTS[convention][0] if eps is None else eps
    mom = DEFAULTS[convention][1] if momentum is None else momentum
    g = [1] * f if gamma is None else gamma
    b = [0] * f if beta is None else beta
    rm = [0] * f if running_mean is None else running_mean
    rv = [1] * f if running_var is None else running_var

    xt, gt, bt = tensor(x, grad=True), tensor(g, grad=True), tensor(b, grad=True)
    rmt, rvt = tensor(rm), tensor(rv)
    case: dict[str, Any] = {}
    if evaluate:
        y = F.batch_norm(xt, rmt, rvt, gt, bt, training=False, eps=e)
        xh = F.batch_norm(xt.detach(), rmt, rvt, training=False, eps=e)
        case["mean"], case["var"] = tolist(rmt), tolist(rvt)
        assert case["mean"] == [float(v) for v in rm] and case["var"] == [float(v) for v in rv]
    elif e == 0:  # F.batch_norm refuses eps 0 when training: the same formula in torch ops
        bmean, bvar = xt.mean(0), xt.var(0, correction=0)
        xh = (xt - bmean) / torch.sqrt(bvar + e)
        y = xh * gt + bt
        bmean, bvar, xh = bmean.detach(), bvar.detach(), xh.detach()
        if convention == "pytorch":
            rmt = (1.0 - mom) * rmt + mom * bmean
            rvt = (1.0 - mom) * rvt + mom * xt.detach().var(0, correction=1)
        else:
            rmt = rmt * mom + bmean * (1.0 - mom)
            rvt = rvt * mom + bvar * (1.0 - mom)
    elif convention == "pytorch":
        y = F.batch_norm(xt, rmt, rvt, gt, bt, training=True, momentum=mom, eps=e)
        xh = F.batch_norm(xt.detach(), None, None, training=True, eps=e)
    else:
        y = F.batch_norm(xt, None, None, gt, bt, training=True, eps=e)
        xh = F.batch_norm(xt.detach(), None, None, training=True, eps=e)
        bmean, bvar = xt.detach().mean(0), xt.detach().var(0, correction=0)
        rmt = rmt * mom + bmean * (1.0 - mom)  # as keras.layers.BatchNormalization writes it
        rvt = rvt * mom + bvar * (1.0 - mom)
    if not evaluate:
        case["mean"] = tolist(xt.detach().mean(0))
        case["var"] = tolist(xt.detach().var(0, correction=0))
    case["x_hat"], case["output"] = tolist(xh), tolist(y)
    if not evaluate:
        case["running_mean"], case["running_var"] = tolist(rmt), tolist(rvt)
    if grad is not None:
        y.backward(tensor(grad))
        assert xt.grad is not None and gt.grad is not None and bt.grad is not None
        case["input_grad"] = tolist(xt.grad)
        case["gamma_grad"], case["beta_grad"] = tolist(gt.grad), tolist(bt.grad)

    # the exact reference
    ref = reference(x, g, b, e, grad, per_row=False, fixed=(rm, rv) if evaluate else None)
    if not evaluate:
        reference_running(ref, rm, rv, mom, convention)
    del ref["unbiased"]
    check(case, ref, EXACT_TOL, "decimal")

    # Keras: outputs and gradients always (same eps); the moving statistics for its convention
    with keras_float64():
        k = keras_batchnorm(x, g, b, e, mom, (rm, rv), not evaluate, grad)
    if evaluate:  # the moving statistics stay as they were
        agree(k.pop("moving_mean"), [float(v) for v in rm], "moving mean", 0.0, "keras")
        agree(k.pop("moving_var"), [float(v) for v in rv], "moving variance", 0.0, "keras")
    elif convention == "keras":
        k["running_mean"], k["running_var"] = k.pop("moving_mean"), k.pop("moving_var")
    else:
        del k["moving_mean"], k["moving_var"]
    check(case, k, KERAS_TOL, "keras")

    args = ["batchnorm", "--input", matrix_text(x)]
    if convention != "pytorch" or show_convention:
        args += ["--convention", convention]
    if gamma is not None:
        args += ["--gamma", list_text(gamma)]
    if beta is not None:
        args += ["--beta", list_text(beta)]
    if eps is not None:
        args += ["--eps", num(eps)]
    if momentum is not None:
        args += ["--momentum", num(momentum)]
    if running_mean is not None:
        args += ["--running-mean", list_text(running_mean)]
    if running_var is not None:
        args += ["--running-var", list_text(running_var)]
    if evaluate:
        args.append("--eval")
    if grad is not None:
        args += ["--grad", matrix_text(grad)]

    feats = ["batchnorm", convention, "eval" if evaluate else "train", *(features or [])]
    feats += ["default-convention"] * (convention == "pytorch" and not show_convention)
    feats += ["gamma"] * (gamma is not None) + ["beta"] * (beta is not None)
    feats += ["grad"] * (grad is not None) + ["momentum"] * (momentum is not None)
    if eps is not None:
        feats.append("eps0" if eps == 0 else "eps")
    if running_mean is not None or running_var is not None:
        feats.append("running")
        if (running_mean is None) != (running_var is None):
            feats.append("running-one")
    feats += ["one-feature"] * (f == 1) + ["two-examples"] * (m == 2)
    feats += ["integer"] * integer(x)
    feats += ["constant-feature"] * any(len(set(col)) == 1 for col in transpose(x))
    return {"command": "batchnorm", "args": args, **case, "features": sorted(set(feats))}


def course_cases() -> list[dict[str, Any]]:
    cases = [batchnorm_case(COURSE, features=["course"])]
    cases.append(
        batchnorm_case(
            COURSE,
            convention="keras",
            grad=[[1], [0], [0], [0], [0]],
            features=["course"],
        )
    )
    for case in cases:
        assert case["args"][:3] == ["batchnorm", "--input", "5; 3; 2; 1; 9"], case["args"]
        assert case["mean"] == [4.0] and case["var"] == [8.0], (case["mean"], case["var"])
    return cases


def random_batchnorm(rng: random.Random) -> dict[str, Any] | None:
    m, f = rng.randint(2, 6), rng.choice([1, 1, 2, 2, 3, 3, 4])
    convention = rng.choice(["pytorch", "keras"])
    r = rng.random()
    x = matrix(rng, m, f, "float" if r < 0.75 else ("int" if r < 0.9 else "digit"))
    evaluate = rng.random() < 0.33
    eps: Num | None = None
    if rng.random() < 0.4:
        eps = rng.choice([0, 0.0, 0, 1e-8, 1e-5, 1e-3, 0.01, 0.1, 0.5])
    cols = transpose(x)
    if eps == 0 and not evaluate and any(len(set(c)) == 1 for c in cols):
        return None  # var 0 and eps 0: a division by zero
    if eps == 0 and not evaluate and min(max(c) - min(c) for c in cols) < 0.2:
        return None  # keep the normalisation well conditioned
    momentum: Num | None = None
    if not evaluate and rng.random() < 0.4:
        table = [0.05, 0.2, 0.3, 0.5, 0.01, 1] if convention == "pytorch" else [0.9, 0.8, 0.5, 0]
        momentum = rng.choice(table)
    running_mean = running_var = None
    if rng.random() < (0.85 if evaluate else 0.45):
        which = rng.choice(["both", "both", "both", "mean", "var"])
        if which != "var":
            running_mean = vector(rng, f, "float" if rng.random() < 0.7 else "int")
        if which != "mean":
            running_var = vector(rng, f, "var")
    gamma = vector(rng, f, "gamma") if rng.random() < 0.55 else None
    beta = vector(rng, f, "gamma") if rng.random() < 0.5 else None
    grad = None
    if rng.random() < 0.5:
        grad = matrix(rng, m, f, "grad" if rng.random() < 0.75 else "int")
    return batchnorm_case(
        x,
        convention=convention,
        show_convention=rng.random() < 0.3,
        gamma=gamma,
        beta=beta,
        eps=eps,
        momentum=momentum,
        running_mean=running_mean,
        running_var=running_var,
        evaluate=evaluate,
        grad=grad,
    )


# --------------------------------------------------------------------------------------------
# batchnorm --channels: a batch of volumes [N][C][H][W], statistics per channel
# --------------------------------------------------------------------------------------------


def batch_text(x: Volumes) -> str:
    """Examples separated by '||', channels by '|', rows by ';', values by spaces."""
    return " || ".join(" | ".join(matrix_text(ch) for ch in vol) for vol in x)


def volumes(rng: random.Random, shape: tuple[int, int, int, int], kind: str) -> Volumes:
    n, c, h, w = shape
    return [[matrix(rng, h, w, kind) for _ in range(c)] for _ in range(n)]


def as_matrix(x: Volumes) -> Matrix:
    """One row per (example, row, column), one column per channel: the matrix whose
    per-column batch norm is the volume's per-channel one."""
    return [
        [vol[c][i][j] for c in range(len(vol))]
        for vol in x
        for i in range(len(vol[0]))
        for j in range(len(vol[0][0]))
    ]


def channels_of(x: Volumes) -> list[list[Num]]:
    """Each channel's N·H·W values."""
    return transpose(as_matrix(x))


def batchnorm_channels_case(
    x: Volumes,
    *,
    convention: str = "pytorch",
    show_convention: bool = False,
    gamma: list[Num] | None = None,
    beta: list[Num] | None = None,
    eps: Num | None = None,
    momentum: Num | None = None,
    running_mean: list[Num] | None = None,
    running_var: list[Num] | None = None,
    evaluate: bool = False,
    grad: Volumes | None = None,
) -> dict[str, Any]:
    """BatchNorm2d: F.batch_norm on the (N, C, H, W) tensor, statistics over N, H and W."""
    n, c, h, w = len(x), len(x[0]), len(x[0][0]), len(x[0][0][0])
    e = DEFAULTS[convention][0] if eps is None else eps
    mom = DEFAULTS[convention][1] if momentum is None else momentum
    g = [1] * c if gamma is None else gamma
    b = [0] * c if beta is None else beta
    rm = [0] * c if running_mean is None else running_mean
    rv = [1] * c if running_var is None else running_var
    dims = (0, 2, 3)

    xt, gt, bt = tensor(x, grad=True), tensor(g, grad=True), tensor(b, grad=True)
    assert xt.shape == (n, c, h, w)
    rmt, rvt = tensor(rm), tensor(rv)
    case: dict[str, Any] = {}
    if evaluate:
        y = F.batch_norm(xt, rmt, rvt, gt, bt, training=False, eps=e)
        xh = F.batch_norm(xt.detach(), rmt, rvt, training=False, eps=e)
        case["mean"], case["var"] = tolist(rmt), tolist(rvt)
    else:
        assert n * h * w > 1, "torch needs more than one value per channel when training"
        bmean = xt.detach().mean(dims)
        bvar = xt.detach().var(dims, correction=0)
        if e == 0:  # F.batch_norm refuses eps 0 when training: the same formula in torch ops
            mu = xt.mean(dims, keepdim=True)
            sd = torch.sqrt(xt.var(dims, correction=0, keepdim=True) + e)
            y = (xt - mu) / sd * gt[:, None, None] + bt[:, None, None]
            xh = ((xt - mu) / sd).detach()
        elif convention == "pytorch":  # F.batch_norm updates rmt and rvt (unbiased variance)
            y = F.batch_norm(xt, rmt, rvt, gt, bt, training=True, momentum=mom, eps=e)
            xh = F.batch_norm(xt.detach(), None, None, training=True, eps=e)
        else:
            y = F.batch_norm(xt, None, None, gt, bt, training=True, eps=e)
            xh = F.batch_norm(xt.detach(), None, None, training=True, eps=e)
        if e == 0 and convention == "pytorch":
            rmt = (1.0 - mom) * rmt + mom * bmean
            rvt = (1.0 - mom) * rvt + mom * xt.detach().var(dims, correction=1)
        elif convention == "keras":  # as keras.layers.BatchNormalization writes it
            rmt = rmt * mom + bmean * (1.0 - mom)
            rvt = rvt * mom + bvar * (1.0 - mom)
        case["mean"], case["var"] = tolist(bmean), tolist(bvar)
    case["x_hat"], case["output"] = tolist(xh), tolist(y)
    if not evaluate:
        case["running_mean"], case["running_var"] = tolist(rmt), tolist(rvt)
    if grad is not None:
        y.backward(tensor(grad))
        assert xt.grad is not None and gt.grad is not None and bt.grad is not None
        case["input_grad"] = tolist(xt.grad)
        case["gamma_grad"], case["beta_grad"] = tolist(gt.grad), tolist(bt.grad)
    if evaluate:
        assert case["mean"] == [float(v) for v in rm] and case["var"] == [float(v) for v in rv]

    # the exact reference, on the matrix with one column per channel (its rows in the order
    # example, row, column), against the same reshaping of the torch arrays
    ref = reference(
        as_matrix(x),
        g,
        b,
        e,
        None if grad is None else as_matrix(grad),
        per_row=False,
        fixed=(rm, rv) if evaluate else None,
    )
    if not evaluate:
        reference_running(ref, rm, rv, mom, convention)
    del ref["unbiased"]
    flat = {k: as_matrix(v) if k in VOLUME_KEYS else v for k, v in case.items()}
    check(flat, ref, EXACT_TOL, "decimal")

    # Keras BatchNormalization(axis=1) on the volumes
    with keras_float64():
        k = keras_batchnorm(x, g, b, e, mom, (rm, rv), not evaluate, grad, axis=1)
    if evaluate:
        agree(k.pop("moving_mean"), [float(v) for v in rm], "moving mean", 0.0, "keras")
        agree(k.pop("moving_var"), [float(v) for v in rv], "moving variance", 0.0, "keras")
    elif convention == "keras":
        k["running_mean"], k["running_var"] = k.pop("moving_mean"), k.pop("moving_var")
    else:
        del k["moving_mean"], k["moving_var"]
    check(case, k, KERAS_TOL, "keras")

    args = ["batchnorm", "--channels", "--input", batch_text(x)]
    if convention != "pytorch" or show_convention:
        args += ["--convention", convention]
    if gamma is not None:
        args += ["--gamma", list_text(gamma)]
    if beta is not None:
        args += ["--beta", list_text(beta)]
    if eps is not None:
        args += ["--eps", num(eps)]
    if momentum is not None:
        args += ["--momentum", num(momentum)]
    if running_mean is not None:
        args += ["--running-mean", list_text(running_mean)]
    if running_var is not None:
        args += ["--running-var", list_text(running_var)]
    if evaluate:
        args.append("--eval")
    if grad is not None:
        args += ["--grad", batch_text(grad)]

    feats = ["batchnorm", "channels", convention, "eval" if evaluate else "train"]
    feats += ["default-convention"] * (convention == "pytorch" and not show_convention)
    feats += ["gamma"] * (gamma is not None) + ["beta"] * (beta is not None)
    feats += ["grad"] * (grad is not None) + ["momentum"] * (momentum is not None)
    if eps is not None:
        feats.append("eps0" if eps == 0 else "eps")
    if running_mean is not None or running_var is not None:
        feats.append("running")
        if (running_mean is None) != (running_var is None):
            feats.append("running-one")
    feats += ["one-example"] * (n == 1) + ["one-channel"] * (c == 1)
    feats += ["multi-channel"] * (c > 1) + ["multi-example"] * (n > 1)
    feats += ["one-pixel"] * (h * w == 1) + ["rect"] * (h != w)
    feats += ["integer"] * integer(as_matrix(x))
    return {"command": "batchnorm", "args": args, **case, "features": sorted(set(feats))}


def volume_example_cases() -> list[dict[str, Any]]:
    """The example of the option's description three times: pytorch with an upstream
    gradient, keras in eval mode, eps 0 in training (the formula in torch ops)."""
    grad = [[[[1, 0], [0, 0]], [[0, 0], [0, 1]]], [[[1, 1], [1, 1]], [[0, 0], [0, 0]]]]
    cases = [
        batchnorm_channels_case(VOLUME_EXAMPLE, gamma=[2, 1], beta=[0.5, 0], grad=grad),
        batchnorm_channels_case(
            VOLUME_EXAMPLE,
            convention="keras",
            running_mean=[4, 0.5],
            running_var=[5, 0.25],
            evaluate=True,
            grad=grad,
        ),
        batchnorm_channels_case(VOLUME_EXAMPLE, eps=0, momentum=0.5),
    ]
    for case in cases:
        args = case["args"][:4]
        assert args[3] == "1 2; 3 4 | 0 1; 1 0 || 5 6; 7 8 | 1 1; 0 0", args
        case["features"] = sorted({*case["features"], "example"})
    assert cases[0]["mean"] == [4.5, 0.5] and cases[0]["var"] == [5.25, 0.25], cases[0]
    assert cases[2]["running_var"] == [0.5 + 0.5 * 6.0, 0.5 + 0.5 * 2 / 7], cases[2]
    return cases


def random_batchnorm_channels(rng: random.Random) -> dict[str, Any] | None:
    n, c = rng.randint(1, 3), rng.randint(1, 3)
    h, w = rng.randint(1, 3), rng.randint(1, 3)
    convention = rng.choice(["pytorch", "keras"])
    x = volumes(rng, (n, c, h, w), "float" if rng.random() < 0.8 else "int")
    evaluate = rng.random() < 0.3
    if not evaluate and n * h * w < 2:
        return None  # one value per channel: no batch variance to speak of (torch refuses)
    eps: Num | None = None
    if rng.random() < 0.3:
        eps = rng.choice([0, 1e-8, 1e-5, 1e-3, 0.01, 0.1])
    if eps == 0 and not evaluate and min(max(v) - min(v) for v in channels_of(x)) < 0.2:
        return None  # keep the normalisation well conditioned (no constant channel)
    momentum: Num | None = None
    if not evaluate and rng.random() < 0.4:
        table = [0.05, 0.2, 0.3, 0.5, 1] if convention == "pytorch" else [0.9, 0.8, 0.5, 0]
        momentum = rng.choice(table)
    running_mean = running_var = None
    if rng.random() < (0.85 if evaluate else 0.45):
        which = rng.choice(["both", "both", "both", "mean", "var"])
        if which != "var":
            running_mean = vector(rng, c, "float" if rng.random() < 0.7 else "int")
        if which != "mean":
            running_var = vector(rng, c, "var")
    gamma = vector(rng, c, "gamma") if rng.random() < 0.55 else None
    beta = vector(rng, c, "gamma") if rng.random() < 0.5 else None
    grad = volumes(rng, (n, c, h, w), "grad") if rng.random() < 0.5 else None
    return batchnorm_channels_case(
        x,
        convention=convention,
        show_convention=rng.random() < 0.3,
        gamma=gamma,
        beta=beta,
        eps=eps,
        momentum=momentum,
        running_mean=running_mean,
        running_var=running_var,
        evaluate=evaluate,
        grad=grad,
    )


# --------------------------------------------------------------------------------------------
# layernorm
# --------------------------------------------------------------------------------------------


def layernorm_case(
    x: Matrix,
    *,
    convention: str = "pytorch",
    show_convention: bool = False,
    gamma: list[Num] | None = None,
    beta: list[Num] | None = None,
    eps: Num | None = None,
    grad: Matrix | None = None,
) -> dict[str, Any]:
    f = len(x[0])
    e = DEFAULTS[convention][0] if eps is None else eps
    g = [1] * f if gamma is None else gamma
    b = [0] * f if beta is None else beta
    xt, gt, bt = tensor(x, grad=True), tensor(g, grad=True), tensor(b, grad=True)
    y = F.layer_norm(xt, (f,), gt, bt, eps=e)
    xd = xt.detach()
    case: dict[str, Any] = {
        "mean": tolist(xd.mean(1)),
        "var": tolist(xd.var(1, correction=0)),
        "x_hat": tolist(F.layer_norm(xd, (f,), eps=e)),
        "output": tolist(y),
    }
    if grad is not None:
        y.backward(tensor(grad))
        assert xt.grad is not None and gt.grad is not None and bt.grad is not None
        case["input_grad"] = tolist(xt.grad)
        case["gamma_grad"], case["beta_grad"] = tolist(gt.grad), tolist(bt.grad)
    ref = reference(x, g, b, e, grad, per_row=True)
    del ref["unbiased"]
    check(case, ref, EXACT_TOL, "decimal")
    with keras_float64():
        check(case, keras_layernorm(x, g, b, e, grad), KERAS_TOL, "keras")

    args = ["layernorm", "--input", matrix_text(x)]
    if convention != "pytorch" or show_convention:
        args += ["--convention", convention]
    if gamma is not None:
        args += ["--gamma", list_text(gamma)]
    if beta is not None:
        args += ["--beta", list_text(beta)]
    if eps is not None:
        args += ["--eps", num(eps)]
    if grad is not None:
        args += ["--grad", matrix_text(grad)]
    feats = ["layernorm", convention, "train"]
    feats += ["default-convention"] * (convention == "pytorch" and not show_convention)
    feats += ["gamma"] * (gamma is not None) + ["beta"] * (beta is not None)
    feats += ["grad"] * (grad is not None) + ["integer"] * integer(x)
    if eps is not None:
        feats.append("eps0" if eps == 0 else "eps")
    feats += ["one-feature"] * (f == 1) + ["one-example"] * (len(x) == 1)
    return {"command": "layernorm", "args": args, **case, "features": sorted(set(feats))}


def random_layernorm(rng: random.Random) -> dict[str, Any] | None:
    m, f = rng.randint(1, 5), rng.randint(2, 6)
    convention = rng.choice(["pytorch", "keras"])
    x = matrix(rng, m, f, "float" if rng.random() < 0.75 else "int")
    eps: Num | None = None
    if rng.random() < 0.35:
        eps = rng.choice([0, 1e-8, 1e-5, 1e-3, 0.1])
    if eps == 0 and min(max(r) - min(r) for r in x) < 0.2:
        return None
    return layernorm_case(
        x,
        convention=convention,
        show_convention=rng.random() < 0.3,
        gamma=vector(rng, f, "gamma") if rng.random() < 0.5 else None,
        beta=vector(rng, f, "gamma") if rng.random() < 0.5 else None,
        eps=eps,
        grad=matrix(rng, m, f, "grad") if rng.random() < 0.5 else None,
    )


# --------------------------------------------------------------------------------------------
# dropout
# --------------------------------------------------------------------------------------------


def dropout_case(
    x: Matrix, rate: float, mask: Matrix, scale: bool, evaluate: bool, features: list[str]
) -> dict[str, Any]:
    out: Matrix = []
    for row, krow in zip(x, mask):
        if evaluate:
            out.append([float(v) if scale else v * (1 - rate) for v in row])
        else:
            out.append([v * k / (1 - rate) if scale else float(v * k) for v, k in zip(row, krow)])
    args = ["dropout", "--input", matrix_text(x), "--rate", num(rate), "--mask", matrix_text(mask)]
    args += ["--no-scale"] * (not scale) + ["--eval"] * evaluate
    feats = ["dropout", "eval" if evaluate else "train", *features]
    feats += ["no-scale"] * (not scale) + ["integer"] * integer(x)
    output = [[[float(v) + 0.0 for v in row] for row in out]]
    return {"command": "dropout", "args": args, "output": output, "features": sorted(set(feats))}


def dropout_cases(rng: random.Random) -> list[dict[str, Any]]:
    cases = []
    # one mask from torch itself: its output on x must be the inverted formula with that mask
    x = matrix(rng, 3, 4, "float")
    torch.manual_seed(SEED)
    kept = F.dropout(torch.ones(3, 4, dtype=F64), p=0.5, training=True)
    mask = [[int(v != 0) for v in row] for row in kept.tolist()]
    torch.manual_seed(SEED)  # the same draw again, now on x
    yt = F.dropout(tensor(x), p=0.5, training=True)
    case = dropout_case(x, 0.5, mask, True, False, ["torch-mask"])
    agree(tolist(yt), case["output"][0], "dropout output", 1e-15, "decimal")
    assert 0 < sum(map(sum, mask)) < 12, mask
    cases.append(case)
    for i in range(11):
        h, w = rng.randint(1, 4), rng.randint(2, 5)
        x = matrix(rng, h, w, "float" if rng.random() < 0.7 else "int")
        while True:
            mask = [[rng.randint(0, 1) for _ in range(w)] for _ in range(h)]
            if 0 < sum(map(sum, mask)) < h * w:
                break
        rate = rng.choice([0.5, 0.2, 0.25, 0.1, 0.8, 0.3, 0.4])
        cases.append(dropout_case(x, rate, mask, i % 4 < 2, i % 2 == 1, []))
    return cases


# --------------------------------------------------------------------------------------------


def make_cases(seed: int) -> tuple[list[dict[str, Any]], int]:
    rng = random.Random(seed)
    cases = course_cases()
    redraws = 0
    for n, draw in ((N_BATCHNORM, random_batchnorm), (N_LAYERNORM, random_layernorm)):
        got = 0
        while got < n:
            case = draw(rng)
            if case is None:
                redraws += 1
                continue
            cases.append(case)
            got += 1
    cases += dropout_cases(rng)
    got = 0  # after the others, so that their draws stay as they were
    while got < N_CHANNELS:
        case = random_batchnorm_channels(rng)
        if case is None:
            redraws += 1
            continue
        cases.append(case)
        got += 1
    cases += volume_example_cases()
    return cases, redraws


def summary(cases: list[dict[str, Any]], redraws: int, size: int) -> list[str]:
    by_command = Counter(c["command"] for c in cases)
    feats = Counter(f for c in cases for f in c["features"])
    bn = Counter(f for c in cases if c["command"] == "batchnorm" for f in c["features"])
    return [
        f"{len(cases)} cases ({redraws} draws rejected), {size} bytes",
        "commands: " + ", ".join(f"{k} {v}" for k, v in sorted(by_command.items())),
        "features: " + ", ".join(f"{k} {v}" for k, v in sorted(feats.items())),
        "batchnorm features: " + ", ".join(f"{k} {v}" for k, v in sorted(bn.items())),
        "largest deviation: " + ", ".join(f"{k} {v:.1e}" for k, v in MAX_DEV.items()),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="only compare with the existing file")
    args = ap.parse_args(argv)
    if keras.backend.backend() != "torch":
        sys.exit("set KERAS_BACKEND=torch")
    keras.config.set_floatx("float64")
    torch.manual_seed(args.seed)

    verified = verify_conventions()
    cases, redraws = make_cases(args.seed)
    doc = {
        "generator": "scripts/make_norm_oracle.py",
        "regenerate": REGENERATE,
        "torch": torch.__version__,
        "keras": keras.__version__,
        "seed": args.seed,
        "dtype": "float64",
        "notes": NOTES,
        "verified": verified,
        "cases": cases,
    }
    text = dump(doc)
    for line in verified:
        print("verified:", line)
    for line in summary(cases, redraws, len(text.encode())):
        print(line)
    print("course-notes batch 5 3 2 1 9: mean 4, biased variance 8")
    return write_or_check(args.out, text, args.check)


if __name__ == "__main__":
    sys.exit(main())
