#!/usr/bin/env python3
"""High-precision oracle for `dlcalc activate`, `dlcalc softmax` and `dlcalc loss`.

Writes tests/data/precision/calculators.json, read by tests/test_precision_oracle.py: a list of
cases, each a dlcalc command line (without ``dlcalc`` and ``-f json``) and the value that every
number of its JSON must have, by dotted path (``rows.0.value``, ``gradient.1.2``).  Every
computed number is covered (inputs echoed back are not); negative numbers are written without
``--`` before them (dlcalc takes them as values), since the harness appends ``-f json``.

This script does NOT import dlcalc.  Every value is computed with mpmath at 100 significant
digits from the mathematical definitions (each activation and its derivative, softmax,
log-softmax, each loss, its reduction and its gradient written out below), at the points where
float64 formulas lose digits: saturated sigmoids and tanh, tiny and huge inputs, kinks, large and
mixed logits, probabilities near 0 and 1, Keras's clipping.  The formulas are arranged so that
no subtraction cancels at 100 digits either (1 − σ(x) is σ(−x), 1 − p is −expm1(ln p), ...).

Conventions are dlcalc's documented ones (README: `dlcalc activate`, `dlcalc softmax`,
`dlcalc loss`), since the point is to check digits, not conventions:

* an input is the float64 nearest to the number typed (dlcalc reads float64s); from there on
  the arithmetic is exact (to 100 digits), so a case checks dlcalc's float64 arithmetic only;
* ReLU′(0) = 0, leaky ReLU slope 0.01 and derivative α at 0 (``--grad-at-zero`` overrides), ELU
  and SELU take the x ≤ 0 branch at 0, SELU's λ and α are the constants of the paper (PyTorch's
  digits), GELU is x·Φ(x) (``--approximate tanh``: ½x(1 + tanh(√(2/π)(x + 0.044715x³)))),
  hard sigmoid clip(x/6 + ½, 0, 1) with slope 0 at ±3 (``--convention keras2``:
  clip(0.2x + ½, 0, 1) with slope 0.2 at ±2.5), the step is 1 at 0 (``--step-at-zero``),
  softplus is exactly ln(1 + e^x);
* softmax(z/T); the loss −Σ y·ln p; its gradient (p − y)/T; the Jacobian p_i(δ_ij − p_j)/T;
  ``shift`` is the largest z/T where e^(z/T) would leave float64, else 0 (checked only far
  from that threshold); ``argmax`` is the first largest score;
* losses: element-wise kinds are averaged over all elements (``--convention keras``: over each
  example's outputs first, which changes ``sum``); cce, sparse_cce and kl sum each example's
  classes and reduce over the examples; hinge and squared hinge average each example's outputs
  (labels 0/1 become −1/+1); the gradient is that of the reduced loss; a certain and right
  prediction has term 0 and gradient 0; Keras's convention clips p to [1e−7, 1 − 1e−7] (kl: y
  and p to [1e−7, 1]) with gradient 0 where the clip is active, and cce divides each row by its
  sum first.  The clip bounds are the exact numbers 10^−7 and 1 − 10^−7.

Regenerate (from the repository root; only mpmath is needed):
    python scripts/make_precision_oracle_calculators.py          # writes the file
    python scripts/make_precision_oracle_calculators.py --check  # 0 if the file is up to date
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from mpmath import mp, mpf
from oracle_output import dump, write_or_check  # beside this file

mp.dps = 100

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "precision" / "calculators.json"
SOURCE = "scripts/make_precision_oracle_calculators.py"
DIGITS = 30

Case = dict[str, Any]


def num(text: str) -> mpf:
    """The number dlcalc reads for ``text``: the float64 nearest to it (``1/3`` too)."""
    return mpf(float(Fraction(text.strip())))


def out(x: mpf | int) -> str:
    """A value as the file holds it: a decimal string of 30 significant digits.  A value below
    10^−10000 (such as e^(−10^300)) is written as 0: its exponent is beyond Python's Decimal,
    and the harness treats every value below float64's normal range alike anyway."""
    x = mpf(x)
    if abs(x) < mpf(10) ** -10000:
        x = mpf(0)
    return str(mp.nstr(x, DIGITS))


def case(case_id: str, args: Sequence[str], expect: dict[str, mpf | int]) -> Case:
    return {"id": case_id, "args": list(args), "expect": {k: out(v) for k, v in expect.items()}}


def without(found: Case, *paths: str) -> Case:
    """A case with some values left unchecked (each use says why)."""
    found["expect"] = {k: v for k, v in found["expect"].items() if k not in paths}
    return found


# ------------------------------------------------------------------------------------------
# Activations
# ------------------------------------------------------------------------------------------


def sigma(x: mpf) -> mpf:
    """The logistic function 1/(1 + e^(−x)); σ(−x) is 1 − σ(x) without the subtraction."""
    return 1 / (1 + mp.exp(-x))


def softplus(x: mpf) -> mpf:
    """ln(1 + e^x), with log1p so that e^x ≪ 1 keeps its digits."""
    return mp.log1p(mp.exp(x))


# SELU's constants (Klambauer et al. 2017), to the digits PyTorch's source gives them.
SELU_LAMBDA = mpf("1.0507009873554804934193349852946")
SELU_ALPHA = mpf("1.6732632423543772848170429916717")
GELU_CUBIC = mpf("0.044715")


@dataclass(frozen=True)
class ActivationOptions:
    alpha: mpf | None = None
    approximate: str = "none"
    convention: str = "pytorch"
    grad_at_zero: mpf | None = None
    step_at_zero: mpf | None = None  # None: 1, the default


Activation = Callable[[mpf, ActivationOptions], tuple[mpf, mpf]]


def act_sigmoid(x: mpf, _: ActivationOptions) -> tuple[mpf, mpf]:
    return sigma(x), sigma(x) * sigma(-x)


def act_tanh(x: mpf, _: ActivationOptions) -> tuple[mpf, mpf]:
    return mp.tanh(x), mp.sech(x) ** 2


def act_relu(x: mpf, o: ActivationOptions) -> tuple[mpf, mpf]:
    if x > 0:
        return x, mpf(1)
    if x < 0:
        return mpf(0), mpf(0)
    return mpf(0), o.grad_at_zero if o.grad_at_zero is not None else mpf(0)


def act_leaky_relu(x: mpf, o: ActivationOptions) -> tuple[mpf, mpf]:
    a = o.alpha if o.alpha is not None else mpf(1) / 100
    if x > 0:
        return x, mpf(1)
    if x < 0:
        return a * x, a
    return mpf(0), o.grad_at_zero if o.grad_at_zero is not None else a


def act_elu(x: mpf, o: ActivationOptions) -> tuple[mpf, mpf]:
    a = o.alpha if o.alpha is not None else mpf(1)
    if x > 0:
        return x, mpf(1)
    return a * mp.expm1(x), a * mp.exp(x)


def act_selu(x: mpf, _: ActivationOptions) -> tuple[mpf, mpf]:
    if x > 0:
        return SELU_LAMBDA * x, SELU_LAMBDA
    return SELU_LAMBDA * SELU_ALPHA * mp.expm1(x), SELU_LAMBDA * SELU_ALPHA * mp.exp(x)


def act_gelu(x: mpf, o: ActivationOptions) -> tuple[mpf, mpf]:
    if o.approximate == "tanh":
        # ½(1 + tanh u) = σ(2u) and ½·sech²u = 2·σ(2u)·σ(−2u): no 1 + (−1 + tiny).
        c = mp.sqrt(2 / mp.pi)
        u = c * (x + GELU_CUBIC * x**3)
        du = c * (1 + 3 * GELU_CUBIC * x**2)
        h = sigma(2 * u)
        return x * h, h + 2 * x * sigma(2 * u) * sigma(-2 * u) * du
    cdf = mp.erfc(-x / mp.sqrt(2)) / 2  # Φ(x), erfc so that Φ(−38) keeps its digits
    pdf = mp.exp(-(x**2) / 2) / mp.sqrt(2 * mp.pi)
    return x * cdf, cdf + x * pdf


def act_silu(x: mpf, _: ActivationOptions) -> tuple[mpf, mpf]:
    s = sigma(x)
    return x * s, s + x * s * sigma(-x)


def act_softplus(x: mpf, _: ActivationOptions) -> tuple[mpf, mpf]:
    return softplus(x), sigma(x)


def act_softsign(x: mpf, _: ActivationOptions) -> tuple[mpf, mpf]:
    return x / (1 + abs(x)), 1 / (1 + abs(x)) ** 2


def act_hard_sigmoid(x: mpf, o: ActivationOptions) -> tuple[mpf, mpf]:
    if o.convention == "keras2":  # slope 0.2 at ±2.5 itself, as TensorFlow's clip
        slope, inside = mpf(1) / 5, abs(x) <= mpf(5) / 2
    else:  # pytorch, and keras (Keras 3) which is the same: slope 0 at ±3
        slope, inside = mpf(1) / 6, abs(x) < 3
    value = min(max(slope * x + mpf(1) / 2, mpf(0)), mpf(1))
    return value, slope if inside else mpf(0)


def act_step(x: mpf, o: ActivationOptions) -> tuple[mpf, mpf]:
    if x > 0:
        return mpf(1), mpf(0)
    if x < 0:
        return mpf(0), mpf(0)
    return o.step_at_zero if o.step_at_zero is not None else mpf(1), mpf(0)


def act_linear(x: mpf, _: ActivationOptions) -> tuple[mpf, mpf]:
    return x, mpf(1)


def act_mish(x: mpf, _: ActivationOptions) -> tuple[mpf, mpf]:
    sp = softplus(x)
    t = mp.tanh(sp)
    return x * t, t + x * mp.sech(sp) ** 2 * sigma(x)


ACTIVATIONS: dict[str, Activation] = {
    "sigmoid": act_sigmoid,
    "tanh": act_tanh,
    "relu": act_relu,
    "leaky_relu": act_leaky_relu,
    "elu": act_elu,
    "selu": act_selu,
    "gelu": act_gelu,
    "silu": act_silu,
    "swish": act_silu,
    "softplus": act_softplus,
    "softsign": act_softsign,
    "hard_sigmoid": act_hard_sigmoid,
    "step": act_step,
    "linear": act_linear,
    "mish": act_mish,
}


def options(opts: Sequence[str]) -> dict[str, str]:
    """A command line's options: ``--name value`` pairs, and flags (value "")."""
    values: dict[str, str] = {}
    i = 0
    while i < len(opts):
        if opts[i] in FLAGS:
            values[opts[i]] = ""
            i += 1
        else:
            values[opts[i]] = opts[i + 1]
            i += 2
    return values


FLAGS = {"--jacobian", "--from-logits", "--log2", "--grad"}


def activation_options(opts: Sequence[str]) -> ActivationOptions:
    """The options of an ``activate`` command line that change a value."""
    values = options(opts)
    return ActivationOptions(
        alpha=num(values["--alpha"]) if "--alpha" in values else None,
        approximate=values.get("--approximate", "none"),
        convention=values.get("--convention", "pytorch"),
        grad_at_zero=num(values["--grad-at-zero"]) if "--grad-at-zero" in values else None,
        step_at_zero=num(values["--step-at-zero"]) if "--step-at-zero" in values else None,
    )


def activate(case_id: str, function: str, xs: str, *opts: str) -> Case:
    """``dlcalc activate FUNCTION [OPTIONS] X...``: each row's value and derivative."""
    f, o = ACTIVATIONS[function], activation_options(opts)
    expect: dict[str, mpf | int] = {}
    for i, text in enumerate(xs.split()):
        value, derivative = f(num(text), o)
        expect[f"rows.{i}.value"] = value
        expect[f"rows.{i}.derivative"] = derivative
    return case(case_id, ["activate", function, *opts, *xs.split()], expect)


# ------------------------------------------------------------------------------------------
# Softmax
# ------------------------------------------------------------------------------------------


ONE = mpf(1)


@dataclass(frozen=True)
class LogSoftmax:
    """ln softmax(u), softmax(u) and 1 − softmax(u), each without cancellation."""

    log_p: list[mpf]
    p: list[mpf]
    q: list[mpf]  # 1 − p
    argmax: int


def log_softmax(u: Sequence[mpf]) -> LogSoftmax:
    top = max(u)
    k = list(u).index(top)
    rest = mp.fsum(mp.exp(v - top) for j, v in enumerate(u) if j != k)
    lse = mp.log1p(rest)  # ln Σ e^(u_j − max), exact for a rest of 1e−448 too
    log_p = [(v - top) - lse for v in u]
    return LogSoftmax(log_p, [mp.exp(v) for v in log_p], [-mp.expm1(v) for v in log_p], argmax=k)


def p_minus_y(ls: LogSoftmax, i: int, y: mpf, total: mpf = ONE) -> mpf:
    """p_i·Σy − y_i, written as (Σy − y_i) − Σy·(1 − p_i) when y_i ≠ 0 (p_i may be 1 − 1e−448)."""
    if y == 0:
        return ls.p[i] * total
    return (total - y) - total * ls.q[i]


# The largest z/T decides whether e^(z/T) would leave float64 (about ±709): beyond ±1000 dlcalc
# certainly shifts by it, within ±690 it certainly does not; in between ``shift`` is not checked.
SHIFT_CERTAIN, NO_SHIFT_CERTAIN = 1000, 690


def softmax(case_id: str, zs: str, *opts: str) -> Case:
    """``dlcalc softmax [OPTIONS] Z...``: probabilities, log-probabilities, arg max, shift, and
    with ``--target`` the loss and gradient, with ``--jacobian`` the Jacobian."""
    values = options(opts)
    temperature = num(values.get("-t", values.get("--temperature", "1")))
    z = [num(t) for t in zs.split()]
    u = [v / temperature for v in z]
    ls = log_softmax(u)
    n = len(z)
    expect: dict[str, mpf | int] = {}
    for i in range(n):
        expect[f"probabilities.{i}"] = ls.p[i]
    for i in range(n):
        expect[f"log_probabilities.{i}"] = ls.log_p[i]
    expect["argmax"] = ls.argmax
    top = max(u)
    if abs(top) >= SHIFT_CERTAIN:
        expect["shift"] = top
    elif abs(top) <= NO_SHIFT_CERTAIN:
        expect["shift"] = mpf(0)
    if "--target" in values:
        text = values["--target"]
        if "," in text:
            y = [num(t) for t in text.split(",")]
        else:
            y = [mpf(1) if i == int(text) else mpf(0) for i in range(n)]
        expect["loss"] = -mp.fsum(yi * lp for yi, lp in zip(y, ls.log_p) if yi != 0)
        for i in range(n):
            expect[f"gradient.{i}"] = p_minus_y(ls, i, y[i]) / temperature
    if "--jacobian" in values:
        for i in range(n):
            for j in range(n):
                entry = ls.p[i] * ls.q[i] if i == j else -ls.p[i] * ls.p[j]
                expect[f"jacobian.{i}.{j}"] = entry / temperature
    return case(case_id, ["softmax", *opts, *zs.split()], expect)


# ------------------------------------------------------------------------------------------
# Losses
# ------------------------------------------------------------------------------------------

EPS = mpf(10) ** -7  # Keras's epsilon, the exact number 10^−7
UPPER = mpf(1 - 1e-7)
"""Keras's upper clip bound 1 − ε as its float64 arithmetic makes it (0.99999990000000005838…):
dlcalc reproduces Keras run in float64, so 1 − p at the bound is 1.0000000005838672·10^−7."""
ELEMENTWISE = {"mse", "mae", "huber", "log_cosh", "bce"}
SUMMED = {"sse", "half_sse"}
PER_EXAMPLE = {"cce", "sparse_cce", "kl"}
HINGES = {"hinge", "squared_hinge"}


def matrix(text: str) -> list[list[mpf]]:
    return [[num(t) for t in row.split(",")] for row in text.split(";")]


def clip(x: mpf, low: mpf, high: mpf) -> mpf:
    return min(max(x, low), high)


def sign(x: mpf) -> mpf:
    return mpf(1) if x > 0 else mpf(-1) if x < 0 else mpf(0)


@dataclass(frozen=True)
class LossOptions:
    delta: mpf
    from_logits: bool
    keras: bool


def row_terms(kind: str, p: list[mpf], y: list[mpf], o: LossOptions) -> tuple[list[mpf], list[mpf]]:
    """One example's terms ℓ_j and the gradient ∂(Σ_j ℓ_j)/∂p_j (before reduction)."""
    if kind in ("cce", "sparse_cce"):
        return cce_row(p, y, o)
    if kind == "kl":
        return kl_row(p, y, o)
    terms: list[mpf] = []
    grads: list[mpf] = []
    for pj, yj in zip(p, y):
        t, g = element(kind, pj, yj, o)
        terms.append(t)
        grads.append(g)
    return terms, grads


def element(kind: str, p: mpf, y: mpf, o: LossOptions) -> tuple[mpf, mpf]:
    """The term of one element and its derivative, for the element-wise kinds."""
    r = p - y
    if kind in ("mse", "sse"):
        return r**2, 2 * r
    if kind == "half_sse":
        return r**2 / 2, r
    if kind == "mae":
        return abs(r), sign(r)
    if kind == "huber":
        if abs(r) <= o.delta:
            return r**2 / 2, r
        return o.delta * (abs(r) - o.delta / 2), o.delta * sign(r)
    if kind == "log_cosh":
        return mp.log1p(2 * mp.sinh(r / 2) ** 2), mp.tanh(r)  # cosh r = 1 + 2·sinh²(r/2)
    if kind == "bce":
        return bce_logits(p, y) if o.from_logits else bce_probability(p, y, o)
    margin = 1 - y * p  # hinge kinds, y = ±1; the gradient is 0 at the edge of the margin
    if kind == "hinge":
        return max(margin, mpf(0)), -y if margin > 0 else mpf(0)
    if kind == "squared_hinge":
        return max(margin, mpf(0)) ** 2, -2 * y * margin if margin > 0 else mpf(0)
    raise ValueError(kind)


def bce_probability(p: mpf, y: mpf, o: LossOptions) -> tuple[mpf, mpf]:
    pc = clip(p, EPS, UPPER) if o.keras else p
    term = mpf(0)
    if y != 0:
        term -= y * mp.log(pc)
    if y != 1:
        term -= (1 - y) * mp.log1p(-pc)  # log1p: ln(1 − 1e−300) is −1e−300, not 0
    if o.keras and pc != p:
        return term, mpf(0)  # the clip's gradient
    if p in (0, 1):
        assert p == y, "an infinite loss: dlcalc refuses it"
        return term, mpf(0)
    return term, (p - y) / (p * (1 - p))  # relative errors only: 1 − p may round, harmlessly


def bce_logits(z: mpf, y: mpf) -> tuple[mpf, mpf]:
    """ln(1 + e^z) − y·z and σ(z) − y, arranged so that neither cancels."""
    if z >= 0:
        return (1 - y) * z + softplus(-z), (1 - y) - sigma(-z)
    return -y * z + softplus(z), sigma(z) - y


def cce_row(p: list[mpf], y: list[mpf], o: LossOptions) -> tuple[list[mpf], list[mpf]]:
    n = len(p)
    if o.from_logits:
        ls = log_softmax(p)
        total = mp.fsum(y)
        terms = [-y[j] * ls.log_p[j] if y[j] != 0 else mpf(0) for j in range(n)]
        return terms, [p_minus_y(ls, j, y[j], total) for j in range(n)]
    if not o.keras:
        terms = [-y[j] * mp.log(p[j]) if y[j] != 0 else mpf(0) for j in range(n)]
        return terms, [-y[j] / p[j] if y[j] != 0 else mpf(0) for j in range(n)]
    # Keras: q = p/Σp, clipped; ℓ_j = −y_j ln clip(q_j); the gradient goes through both.
    s = mp.fsum(p)
    q = [pj / s for pj in p]
    qc = [clip(v, EPS, UPPER) for v in q]
    terms = [-y[j] * mp.log(qc[j]) if y[j] != 0 else mpf(0) for j in range(n)]
    dq = [-y[j] / q[j] if y[j] != 0 and qc[j] == q[j] else mpf(0) for j in range(n)]
    through = mp.fsum(dq[i] * p[i] for i in range(n)) / s**2
    return terms, [dq[j] / s - through for j in range(n)]


def kl_row(p: list[mpf], y: list[mpf], o: LossOptions) -> tuple[list[mpf], list[mpf]]:
    terms: list[mpf] = []
    grads: list[mpf] = []
    for pj, yj in zip(p, y):
        if o.keras:
            yc, pc = clip(yj, EPS, mpf(1)), clip(pj, EPS, mpf(1))
            terms.append(yc * mp.log(yc / pc))
            grads.append(-yc / pj if pc == pj else mpf(0))
        elif yj == 0:
            terms.append(mpf(0))
            grads.append(mpf(0))
        else:
            terms.append(yj * mp.log(yj / pj))
            grads.append(-yj / pj)
    return terms, grads


def loss(case_id: str, kind: str, pred: str, target: str, *opts: str) -> Case:
    """``dlcalc loss KIND --pred P --target Y [OPTIONS] --grad``: the value, every term and
    every entry of the gradient of the reduced loss."""
    values = options(opts)
    o = LossOptions(
        delta=num(values.get("--delta", "1")),
        from_logits="--from-logits" in values,
        keras=values.get("--convention") == "keras",
    )
    reduction = values.get("--reduction", "sum" if kind in SUMMED else "mean")
    p = matrix(pred)
    if kind == "sparse_cce":
        classes = [int(t) for t in target.split(";")]
        y = [[mpf(1) if j == c else mpf(0) for j in range(len(p[0]))] for c in classes]
    else:
        y = matrix(target)
    if kind in HINGES and all(v in (0, 1) for row in y for v in row):
        y = [[2 * v - 1 for v in row] for row in y]  # 0/1 labels become −1/+1, as Keras
    examples, outputs = len(p), len(p[0])
    if kind in SUMMED:
        factor = mpf(1)
    elif kind in PER_EXAMPLE:
        factor = mpf(1) / examples if reduction == "mean" else mpf(1)
    elif kind in HINGES or o.keras:
        factor = mpf(1) / (examples * outputs) if reduction == "mean" else mpf(1) / outputs
    else:
        factor = mpf(1) / (examples * outputs) if reduction == "mean" else mpf(1)
    unit = mp.log(2) if "--log2" in values else mpf(1)
    expect: dict[str, mpf | int] = {}
    total: list[mpf] = []
    grads: dict[str, mpf] = {}
    for i, (pi, yi) in enumerate(zip(p, y)):
        terms, gradient = row_terms(kind, pi, yi, o)
        for j, (t, g) in enumerate(zip(terms, gradient)):
            expect[f"terms.{i}.{j}"] = t / unit
            total.append(t / unit)
            grads[f"gradient.{i}.{j}"] = factor * g / unit
    expect["value"] = factor * mp.fsum(total)
    expect.update(grads)
    args = ["loss", kind, "--pred", pred, "--target", target, *opts, "--grad"]
    return case(case_id, args, expect)


# ------------------------------------------------------------------------------------------
# The cases
# ------------------------------------------------------------------------------------------

SAT_NEG = "-800 -745 -700 -40 -38 -30 -20"
SAT_POS = "20 30 40 700 745 800"
TINY = "-1e-300 1e-300 -1e-12 1e-12 0"
MID = "-10 -6 -2.5 -1 -0.5 1/3 0.5 1 2.5 6 10"


def activation_cases() -> list[Case]:
    cases: list[Case] = []
    smooth = ["sigmoid", "tanh", "silu", "mish", "softplus", "softsign", "gelu"]
    for f in smooth:
        cases += [
            activate(f"act-{f}-sat-neg", f, SAT_NEG),
            activate(f"act-{f}-sat-pos", f, SAT_POS),
            activate(f"act-{f}-tiny", f, TINY),
            activate(f"act-{f}-mid", f, MID),
        ]
    gelu_far = "-38 -37 -30 -20 -10 -8 -6 -5 -3"
    cases += [
        activate("act-gelu-far-neg", "gelu", gelu_far),
        activate("act-gelu-tanh-far-neg", "gelu", gelu_far, "--approximate", "tanh"),
        activate("act-gelu-tanh-sat-pos", "gelu", SAT_POS, "--approximate", "tanh"),
        activate("act-gelu-tanh-tiny", "gelu", TINY, "--approximate", "tanh"),
        activate("act-gelu-tanh-mid", "gelu", MID, "--approximate", "tanh"),
        activate("act-swish-alias", "swish", "-30 -1 0 1e-12 1 30"),
        activate("act-softplus-40-800", "softplus", "-800 -40 40 800"),
        activate("act-softplus-threshold", "softplus", "19.5 20 20.5 25 33 36 37"),
        activate("act-softplus-neg-mid", "softplus", "-37 -36 -33 -25 -20.5"),
        activate("act-sigmoid-36-37", "sigmoid", "-37 -36 -33 33 36 37"),
        activate("act-tanh-edge", "tanh", "-19.1 -18 -0.001 0.001 18 19.1"),
        activate("act-mish-far", "mish", "-745 -100 -50 -18 18 50 100"),
        activate("act-silu-far", "silu", "-745 -700 -100 -50 50 100"),
        # kinks and piecewise functions
        activate("act-relu-kink", "relu", "-1e-300 0 1e-300 -1 1"),
        activate("act-relu-kink-grad1", "relu", "0 -1e-12 1e-12", "--grad-at-zero", "1"),
        activate("act-relu-far", "relu", "-800 -1e-12 1e-12 800 1e300"),
        activate("act-leaky-kink", "leaky_relu", "-1e-300 0 1e-300 -1 1"),
        activate("act-leaky-far", "leaky_relu", "-1e300 -800 -30 -1e-12 1e-12 30"),
        activate("act-leaky-alpha02", "leaky_relu", "-3 0 -1e-300 2", "--alpha", "0.2"),
        activate("act-leaky-alpha03", "leaky_relu", "-7 0 1/3 -1/3", "--alpha", "0.3"),
        activate("act-leaky-grad1", "leaky_relu", "0 -2", "--grad-at-zero", "1"),
        activate("act-elu-kink", "elu", "-1e-300 0 1e-300 -1e-12 1e-12"),
        activate("act-elu-sat", "elu", "-800 -745 -40 -37 -30 -20 -10 -1"),
        activate("act-elu-alpha", "elu", "-800 -30 -1 -1e-12 0 1", "--alpha", "0.5"),
        activate("act-elu-alpha2", "elu", "-20 -1e-300 0 3", "--alpha", "2"),
        activate("act-selu-kink", "selu", "-1e-300 0 1e-300 -1e-12 1e-12"),
        activate("act-selu-sat", "selu", "-800 -745 -40 -30 -20 -10 -1"),
        activate("act-selu-pos", "selu", "1 20 800 1e300"),
        activate("act-hsig-edges", "hard_sigmoid", "-3 3 -2.5 2.5 0 -1e-300 1e-300"),
        activate("act-hsig-near", "hard_sigmoid", "-3.0000001 -2.9999999 2.9999999 3.0000001"),
        activate("act-hsig-far", "hard_sigmoid", "-800 -1 1/3 1 800"),
        activate("act-hsig-keras3", "hard_sigmoid", "-3 3 1", "--convention", "keras"),
        activate("act-hsig-keras2", "hard_sigmoid", "-3 -2.5 0 1 2.5 3", "--convention", "keras2"),
        activate(
            "act-hsig-keras2-near",
            "hard_sigmoid",
            "-2.5000001 -2.4999999 2.4999999 2.5000001",
            "--convention",
            "keras2",
        ),
        activate("act-step-zero", "step", "-1e-300 0 1e-300 -800 800"),
        activate("act-step-at-0", "step", "0 -1 1", "--step-at-zero", "0"),
        activate("act-step-at-half", "step", "0 -1e-300 1e-300", "--step-at-zero", "0.5"),
        activate("act-linear", "linear", "-800 -1e-300 0 1e-12 1/3 1e300"),
        activate("act-softsign-huge", "softsign", "-1e300 -1e15 1e15 1e300"),
    ]
    return cases


def softmax_cases() -> list[Case]:
    brief = "22.0129 -41.9042 10.0649 42.3607"
    return [
        softmax("sm-readme", "5 2 -1 3", "--target", "0"),
        softmax("sm-readme-jac", "5 2 -1 3", "--jacobian"),
        softmax("sm-brief", brief, "--target", "3"),
        softmax("sm-brief-wrong", brief, "--target", "1", "--jacobian"),
        softmax("sm-large", "1000 1001", "--target", "0", "--jacobian"),
        softmax("sm-large-right", "1000 1001 999", "--target", "1"),
        softmax("sm-large-neg", "-1000 -1001 -1002", "--target", "2", "--jacobian"),
        softmax("sm-spread-2000", "1000 -1000", "--target", "1"),
        softmax("sm-spread-2000-jac", "-1000 1000 0", "--target", "0", "--jacobian"),
        softmax("sm-1e-448", "0 -1031.55", "--target", "1"),
        softmax("sm-1e-448-right", "1031.55 0", "--target", "0", "--jacobian"),
        softmax("sm-mixed", "1000 -1000 500 0", "--target", "2"),
        softmax("sm-below-float", "0 -745 -800", "--target", "0"),
        softmax("sm-subnormal", "0 -740 -700", "--target", "2", "--jacobian"),
        softmax("sm-equal", "1 1 1 1", "--target", "2", "--jacobian"),
        softmax("sm-equal-large", "1000 1000 1000", "--target", "0"),
        softmax("sm-equal-zero", "0 0", "--target", "1", "--jacobian"),
        softmax("sm-single", "5", "--target", "0", "--jacobian"),
        softmax("sm-near-one", "0 30", "--target", "1", "--jacobian"),
        softmax("sm-near-one-wrong", "0 30", "--target", "0"),
        softmax("sm-near-one-40", "-40 0 -38", "--target", "1", "--jacobian"),
        softmax("sm-tiny-gap", "1e-12 0", "--target", "0", "--jacobian"),
        softmax("sm-tiny-gap-300", "1e-300 0 -1e-300", "--target", "1"),
        softmax("sm-dist", "5 2 -1 3", "--target", "0.25,0.25,0.25,0.25", "--jacobian"),
        softmax("sm-dist-large", "1000 1001 -1000", "--target", "0.25,0.75,0"),
        softmax("sm-dist-far", "0 -1000", "--target", "0.5,0.5"),
        softmax("sm-t2", "5 2 -1 3", "-t", "2", "--target", "0", "--jacobian"),
        softmax("sm-t-half", "5 2 -1 3", "-t", "0.5", "--target", "3", "--jacobian"),
        softmax("sm-t-tenth", "5 2 -1 3", "--temperature", "0.1", "--target", "1"),
        softmax("sm-t-large", "1000 999 998", "-t", "1000", "--target", "2", "--jacobian"),
        softmax("sm-t-overflow", "400 401", "-t", "0.25", "--target", "0"),
        softmax("sm-t-spread", "1000 1001 -1000", "-t", "2", "--target", "2", "--jacobian"),
        softmax("sm-t-underflow", "400 0.5", "-t", "0.25", "--target", "1"),
        softmax("sm-t-third", "1 2 3", "-t", "1/3", "--target", "0"),
        softmax("sm-t-milli", "1 2 3", "-t", "0.001", "--target", "2", "--jacobian"),
        softmax("sm-t-1e-300", "1 2 3", "-t", "1e-300", "--target", "0", "--jacobian"),
        softmax("sm-million", "1000000 1000001 999999", "--target", "2", "--jacobian"),
        softmax("sm-ten", "0 1 2 3 4 5 6 7 8 9", "--target", "9"),
        softmax("sm-ten-neg", "-9 -8 -7 -6 -5 -4 -3 -2 -1 0", "--target", "0"),
    ]


def loss_cases() -> list[Case]:
    two = "0.9,0.2;0.1,0.8"
    return [
        # bce on probabilities
        loss("bce-readme", "bce", "0.9,0.2", "1,0"),
        loss("bce-tiny-0", "bce", "1e-12,1e-17,1e-300", "0,0,0"),
        loss("bce-tiny-1", "bce", "1e-12,1e-17,1e-300", "1,1,1"),
        loss("bce-near-1", "bce", "0.999999999999,0.9999999999999999", "1,1"),
        loss("bce-near-1-wrong", "bce", "0.999999999999,0.9999999999999999", "0,0"),
        loss(
            "bce-mixed-sum",
            "bce",
            "1e-12,0.999999999999;0.5,1e-17",
            "0,1;1,0",
            "--reduction",
            "sum",
        ),
        loss("bce-rows", "bce", two, "1,0;0,1"),
        loss("bce-rows-sum", "bce", two, "1,0;0,1", "--reduction", "sum"),
        loss("bce-soft", "bce", "0.3,1e-12,0.999999999999", "0.3,0.5,0.25"),
        loss("bce-certain", "bce", "1,0,0.5", "1,0,1"),
        loss("bce-log2", "bce", "1e-12,0.75", "0,1", "--log2"),
        loss("bce-log2-sum", "bce", "0.999999999999;1e-17", "0;1", "--log2", "--reduction", "sum"),
        loss("bce-keras", "bce", "1,0.5,1e-12", "0,1,1", "--convention", "keras"),
        loss("bce-keras-inside", "bce", "0.9,0.2;0.3,0.4", "1,0;0,1", "--convention", "keras"),
        loss("bce-keras-sum", "bce", two, "1,0;0,1", "--convention", "keras", "--reduction", "sum"),
        loss("bce-keras-upper", "bce", "0.999999999999,1", "1,1", "--convention", "keras"),
        loss("bce-keras-lower", "bce", "1e-12,0,1e-17", "0,0,1", "--convention", "keras"),
        # bce on logits
        loss("bcel-30", "bce", "30,-30,30,-30", "1,1,0,0", "--from-logits"),
        loss("bcel-800", "bce", "800,-800,800,-800", "1,1,0,0", "--from-logits"),
        loss("bcel-745", "bce", "745,-745,40,-40", "1,0,1,0", "--from-logits"),
        loss("bcel-tiny", "bce", "1e-12,-1e-300,0", "1,0,0.5", "--from-logits"),
        loss("bcel-soft", "bce", "30,-30,3", "0.25,0.75,0.5", "--from-logits"),
        loss("bcel-sum", "bce", "30,-800;0.5,20", "0,1;1,0", "--from-logits", "--reduction", "sum"),
        loss("bcel-log2", "bce", "-30,0.3", "1,0.5", "--from-logits", "--log2"),
        loss(
            "bcel-keras", "bce", "30,-30;1,2", "1,0;0,1", "--from-logits", "--convention", "keras"
        ),
        loss(
            "bcel-keras-sum",
            "bce",
            "40,-40,2;-2,0,1e-12",
            "0,1,1;1,0,0",
            "--from-logits",
            "--convention",
            "keras",
            "--reduction",
            "sum",
        ),
        # categorical cross-entropy
        loss("cce-rows", "cce", "0.7,0.2,0.1;0.1,0.1,0.8", "1,0,0;0,0,1"),
        loss("cce-tiny", "cce", "1e-12,0.999999999999;1e-300,1", "1,0;1,0"),
        loss("cce-near-1", "cce", "0.999999999999,1e-12", "1,0"),
        loss("cce-soft", "cce", "0.25,0.25,0.5;1e-17,0.5,0.5", "0.5,0.25,0.25;0.25,0.25,0.5"),
        loss("cce-sum", "cce", "0.7,0.2,0.1;1e-12,0.5,0.5", "1,0,0;1,0,0", "--reduction", "sum"),
        loss("cce-log2", "cce", "0.5,0.25,0.25;1e-12,0.5,0.5", "0,1,0;1,0,0", "--log2"),
        loss(
            "cce-keras-renorm",
            "cce",
            "0.7,0.2,0.2;0.1,0.1,0.8",
            "1,0,0;0,0,1",
            "--convention",
            "keras",
        ),
        loss("cce-keras-clip-low", "cce", "1e-9,0.3,0.7", "0.2,0.3,0.5", "--convention", "keras"),
        loss("cce-keras-clip-high", "cce", "1e-12,2", "0,1", "--convention", "keras"),
        loss(
            "cce-keras-sum",
            "cce",
            "1,1,2;0.5,1e-12,0.5",
            "0,0,1;0,1,0",
            "--convention",
            "keras",
            "--reduction",
            "sum",
        ),
        loss("ccel-large", "cce", "1000,-1000,0", "0,1,0", "--from-logits"),
        loss("ccel-1e-448", "cce", "0,-1031.55;1031.55,0", "0,1;1,0", "--from-logits"),
        loss("ccel-mixed", "cce", "2,1,-1;30,0,-30", "0,1,0;1,0,0", "--from-logits"),
        loss("ccel-soft", "cce", "1000,1001;0,40", "0.25,0.75;0.5,0.5", "--from-logits"),
        loss(
            "ccel-sum",
            "cce",
            "5,2,-1,3;1,1,1,1",
            "1,0,0,0;0,0,1,0",
            "--from-logits",
            "--reduction",
            "sum",
        ),
        loss("ccel-log2", "cce", "0,30", "0,1", "--from-logits", "--log2"),
        loss("ccel-keras", "cce", "2,1,-1", "0,1,0", "--from-logits", "--convention", "keras"),
        # sparse categorical cross-entropy
        loss("scce-rows", "sparse_cce", "0.7,0.2,0.1;0.1,0.1,0.8", "0;2"),
        loss("scce-tiny", "sparse_cce", "1e-12,0.999999999999;0.999999999999,1e-12", "0;0"),
        loss("scce-sum", "sparse_cce", "1e-17,0.5,0.5;0.25,0.5,0.25", "0;1", "--reduction", "sum"),
        loss("scce-log2", "sparse_cce", "0.5,0.5;0.125,0.875", "1;0", "--log2"),
        loss("scce-keras", "sparse_cce", "1e-12,2,2;0.25,0.25,0.5", "0;2", "--convention", "keras"),
        loss("sccel-large", "sparse_cce", "1000,-1000,0;0,0,0", "1;2", "--from-logits"),
        loss("sccel-1e-448", "sparse_cce", "1031.55,0", "1", "--from-logits"),
        loss(
            "sccel-right", "sparse_cce", "30,0;-800,0", "0;1", "--from-logits", "--reduction", "sum"
        ),
        # KL divergence
        loss("kl-basic", "kl", "0.7,0.2,0.1", "0.5,0.5,0"),
        loss("kl-tiny", "kl", "1e-12,0.999999999999;0.5,0.5", "0.5,0.5;1e-17,0.99999999999999999"),
        # its terms are ∓1.0000000828·10^−10 and the loss their sum, 2·10^−20: a float64 sum
        # of two terms is right to 1e−16 of the terms, not of the sum (a documented limit)
        without(loss("kl-close", "kl", "0.5000000001,0.4999999999", "0.5,0.5"), "value"),
        loss("kl-sum", "kl", "0.25,0.75;1e-300,1", "0.5,0.5;0.5,0.5", "--reduction", "sum"),
        loss("kl-log2", "kl", "0.7,0.3", "0.5,0.5", "--log2"),
        loss("kl-keras", "kl", "0.7,0.3,1e-9", "0.5,0.4,0.1", "--convention", "keras"),
        loss("kl-keras-zero-y", "kl", "0.5,0.5;1e-12,1", "0,1;0.25,0.75", "--convention", "keras"),
        # regression losses
        loss("mse-tiny", "mse", "1e-12,1e-300,0.1", "0,0,0.1000000000000001"),
        loss("mse-large", "mse", "1e150,-1e150;1000,0", "0,0;999.999999999,0"),
        loss("mse-sum", "mse", "1,2,3;3,4,5", "0,0,0;0,0,0", "--reduction", "sum"),
        loss(
            "mse-keras-sum",
            "mse",
            "1,2,3;3,4,5",
            "0,0,0;0,0,0",
            "--convention",
            "keras",
            "--reduction",
            "sum",
        ),
        loss("mse-keras-mean", "mse", "0.1,0.2;0.3,1/3", "0,0;0,0", "--convention", "keras"),
        loss("sse", "sse", "1,2;1e-12,1/3", "0,0;0,0"),
        loss("sse-keras", "sse", "1,2;3,4", "0,0;0,0", "--convention", "keras"),
        loss("half-sse", "half_sse", "0.75136507,0.77292847", "0.01,0.99"),
        loss("mae-kink", "mae", "1,2,3,1e-300", "1,1,4,0"),
        loss("mae-sum", "mae", "1e-12,-1e-12;1/3,0", "0,0;0,1/3", "--reduction", "sum"),
        loss(
            "mae-keras-sum",
            "mae",
            "1,2;3,5",
            "0,0;0,0",
            "--convention",
            "keras",
            "--reduction",
            "sum",
        ),
        loss("huber-regions", "huber", "1,2,3.5,-0.5", "1,1,1,0"),
        loss("huber-edge", "huber", "1,-1,1e-12,1e-300", "0,0,0,0"),
        loss("huber-delta-half", "huber", "0.5,-0.7,0.2,1000", "0,0,0,0", "--delta", "0.5"),
        loss("huber-delta-2", "huber", "2,-3,1/3", "0,0,0", "--delta", "2", "--reduction", "sum"),
        loss(
            "huber-keras-sum",
            "huber",
            "3,0.5;-2,0",
            "0,0;0,0",
            "--convention",
            "keras",
            "--reduction",
            "sum",
        ),
        loss("logcosh-1000", "log_cosh", "1000,-1000,0.5", "0,0,0"),
        loss("logcosh-tiny", "log_cosh", "1e-12,1e-300,1e-6,-1e-8", "0,0,0,0"),
        loss("logcosh-mid", "log_cosh", "20,30,40,-710", "0,0,0,0", "--reduction", "sum"),
        loss("logcosh-close", "log_cosh", "0.3,0.7", "0.3000000000001,0.7"),
        # hinge losses
        loss("hinge-basic", "hinge", "0.3,-2,1", "1,-1,1"),
        loss("hinge-01", "hinge", "0.3,-2,1", "1,0,1"),
        loss("hinge-edge", "hinge", "1,-1,0.999999999999,-1.000000000001", "1,-1,1,-1"),
        loss("hinge-rows-sum", "hinge", "0.5,2;-0.5,3", "1,-1;-1,1", "--reduction", "sum"),
        loss("hinge-tiny", "hinge", "1e-12,-1e-300,1e300", "1,1,-1"),
        loss("sqhinge-basic", "squared_hinge", "0.3,-2,1", "1,0,1"),
        loss("sqhinge-edge", "squared_hinge", "1,0.999999999999,1/3", "1,1,-1"),
        loss(
            "sqhinge-rows-sum", "squared_hinge", "0.5,2;-0.5,3", "1,-1;-1,1", "--reduction", "sum"
        ),
        loss("sqhinge-large", "squared_hinge", "1e100,-1e100", "-1,1"),
    ]


def build() -> dict[str, Any]:
    cases = activation_cases() + softmax_cases() + loss_cases()
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return {"source": SOURCE, "dps": mp.dps, "cases": cases}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say if the file is current")
    args = parser.parse_args()
    return write_or_check(OUT, dump(build()), args.check)


if __name__ == "__main__":
    raise SystemExit(main())
