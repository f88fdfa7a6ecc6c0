#!/usr/bin/env python3
"""High-precision oracle for `dlcalc backprop`: mpmath at 100 digits, from the definitions.

This script does NOT import dlcalc.  It writes tests/data/precision/backprop.json, read by
tests/test_precision_oracle.py: for each case a network file (the README's "The network file
(`dlcalc backprop`)") and, under ``expect``, every number of the JSON's ``steps`` as a dotted
path (``steps.0.samples.1.deltas.h1``) with its true value to 30 significant digits.

The arithmetic follows the definitions, nothing else:

* net = Σ w·out + Σ b (a bias listed with several neurons is one parameter, added to each);
  out = f(net) with sigmoid 1/(1 + e^−net), tanh, relu, leaky_relu (slope 0.01, or
  ``leaky_relu:α``), linear, softmax (output layer), step (forward only, 1 at 0);
* per example E: half_sse ½Σ(o − t)², sse Σ(o − t)², mse and mae the mean of (o − t)² and
  |o − t| over the outputs, bce −Σ[t ln o + (1 − t) ln(1 − o)], cce −Σ t ln o;
* δ = ∂E/∂net by the chain rule: an output's δ is ∂E/∂out · f′(net) (softmax: the Jacobian,
  δ_k = p_k (g_k − Σ_j g_j p_j) with g = ∂E/∂out, summed as p_k (g_k (1 − p_k) − Σ_{j≠k} g_j p_j)),
  a hidden neuron's f′(net) · Σ_k w·δ_k;
  ReLU′(0) = 0, leaky ReLU′(0) = α, and |x|′ = sign(x) with sign(0) = 0;
* ∂E/∂w = δ_dst · out_src, ∂E/∂b = Σ δ over the bias's neurons; batch mode: the loss and the
  gradients are the means over the samples, one update per epoch; stochastic mode: one update
  per sample, in file order; p ← p − η·∂E/∂p unless frozen; no ``rate``: no update.

Numbers are exact where the definitions keep them rational: every number of the file is read as
a Fraction (``0.1`` is 1/10), and sums and products of rationals (linear, ReLU and leaky ReLU
layers; the squared and absolute losses; the updates) stay Fractions, so a net input that is 0
on paper (0.1 + 0.2 − 0.3) is exactly 0 and sits at the kink.  Everything else is mpmath at
``mp.dps = 100``.  Where float64 or a naive formula would lose the value, the complement
1 − out is computed on its own (σ(−z), Σ_{j≠k} softmax_j, 2/(1 + e^{2z}) for tanh), and ln out,
ln(1 − out) from the net input (−log1p(e^∓z), log-sum-exp), so saturated outputs (net inputs of
±700, logits 1000 apart) are right to 100 digits.  A sum that cancels to the working precision
(the gradient of a bias shared by a whole softmax layer, Σ_k δ_k = 0) is taken as exactly 0.  As
a check of the oracle itself, every case is computed again at 140 digits and must agree to
10^−35 (the 30 digits written, and 5 more): a value that lost digits, or a sum taken as 0 that
is only small, would not.

Cases: the published classic 2-2-2 example; adversarial networks on purpose (saturated sigmoid
outputs at net inputs ±20, ±30, ±40, ±700 with bce and half_sse; saturated sigmoid and tanh
hidden layers; softmax + cce with logits 40, 500 and 1000 apart; ReLU and leaky ReLU exactly at
the kink from 0.1 + 0.2 − 0.3; weights and inputs of 1e-300; the logistic-regression example
(batch bce, ∂E/∂b = 0.00145557813678424…) and the saturated `weight w x -> a 30` example
(E = 30.0000000000000935); mae exactly at its target; cce targets not summing to 1; a bias
shared by a whole softmax layer; a forward pass alone, with the step function at 0 and at
tanh(30) − 1); then seeded random networks (1–4 layers after the
inputs, 1–4 neurons each, every activation and loss, named weights or the matrix form, own,
shared, frozen and missing biases, one example or 2–4 samples, stochastic or batch, 1–3 epochs,
with and without ``rate``).  A random draw is redrawn when any sum in it (a net input, o − t, a
hidden δ's sum, a softmax δ's bracket, a shared bias's or a batch's sum, an update p − η·g)
cancels to below 10^−3 of the sum of its terms' sizes: float64 inputs (0.1 is not 1/10) would
then move dlcalc's value by more than 10^−13 without any fault of its formulas, and a net input
or o − t near 0 would hang on a convention at a kink.  A sum of exact zeros (a neuron whose inputs
are all 0, without a bias) is kept: it is 0 in float64 too, at the kink, with ReLU′(0) = 0 and
leaky ReLU′(0) = α as documented.

Run from the repository root (any Python 3.11 with mpmath):
    python scripts/make_precision_oracle_backprop.py           # write the file
    python scripts/make_precision_oracle_backprop.py --check   # only compare with the file
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeAlias

import mpmath
from mpmath import mp, mpf
from oracle_output import dump, write_or_check  # beside this file

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "precision" / "backprop.json"
SOURCE = "scripts/make_precision_oracle_backprop.py"
DPS = 100
CHECK_DPS = 140  # the oracle's own check: the same case at more digits
DIGITS = 30  # significant digits written
SEED = 20250901
N_RANDOM = 72
N_MATRIX = 14  # of the random networks, in the matrix form (`layer h: 3`, `weights h <- x`)
MIN_COND = 1e-3  # random draws: no sum cancels below this fraction of its terms

Num: TypeAlias = Fraction | mpf  # exact where the definitions keep it rational


# --------------------------------------------------------------------------------------------
# Arithmetic on Fractions and mpf: exact while every operand is a Fraction
# --------------------------------------------------------------------------------------------


def big(x: Num) -> mpf:
    return mpf(x.numerator) / x.denominator if isinstance(x, Fraction) else x


def _mixed(op: Callable[[Any, Any], Any], a: Num, b: Num) -> Num:
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return op(a, b)
    return op(big(a), big(b))


def add(a: Num, b: Num) -> Num:
    return _mixed(lambda x, y: x + y, a, b)


def sub(a: Num, b: Num) -> Num:
    return _mixed(lambda x, y: x - y, a, b)


def mul(a: Num, b: Num) -> Num:
    return _mixed(lambda x, y: x * y, a, b)


def div(a: Num, b: Num) -> Num:
    return _mixed(lambda x, y: x / y, a, b)


def neg(a: Num) -> Num:
    return -a


def total(xs: Iterable[Num]) -> Num:
    acc: Num = Fraction(0)
    for x in xs:
        acc = add(acc, x)
    return acc


@dataclass
class Conditioning:
    """The worst cancellation seen: min over sums of |Σ| / Σ|terms| (sums of zeros skipped)."""

    worst: mpf = field(default_factory=lambda: mpf(1))

    def summed(self, terms: list[Num]) -> Num:
        """The sum; one that cancels to the working precision (a bias shared by a whole
        softmax layer: Σ δ = 0) is taken as exactly 0, which the check at CHECK_DPS digits
        confirms (a value that is only small would not cancel there)."""
        value = total(terms)
        scale = total(abs(t) for t in terms)
        if scale == 0:
            return value
        if isinstance(value, mpf) and abs(value) <= big(scale) * mpf(10) ** (10 - mp.dps):
            value = Fraction(0)
        self.worst = min(self.worst, big(abs(value)) / big(scale))
        return value


# --------------------------------------------------------------------------------------------
# The network file (the subset this script writes, and the published example)
# --------------------------------------------------------------------------------------------


@dataclass
class Layer:
    name: str
    neurons: list[str]
    act: str


@dataclass
class Weight:
    name: str
    src: str
    dst: str


@dataclass
class Bias:
    name: str
    neurons: list[str]


@dataclass
class Network:
    inputs: list[str] = field(default_factory=list)
    input_layer: str = "input"
    layers: list[Layer] = field(default_factory=list)
    weights: list[Weight] = field(default_factory=list)
    biases: list[Bias] = field(default_factory=list)
    params: dict[str, Fraction] = field(default_factory=dict)  # file order
    frozen: set[str] = field(default_factory=set)
    samples: list[tuple[dict[str, Fraction], dict[str, Fraction] | None]] = field(
        default_factory=list
    )
    loss: str | None = None
    rate: Fraction | None = None
    mode: str = "stochastic"
    epochs: int = 1


def _pairs(tokens: list[str]) -> dict[str, Fraction]:
    return {name: Fraction(value) for name, value in (tok.split("=") for tok in tokens)}


def _values(tokens: list[str], names: list[str]) -> dict[str, Fraction]:
    if any("=" in tok for tok in tokens):
        return _pairs(tokens)
    assert len(tokens) == len(names), (tokens, names)
    return dict(zip(names, (Fraction(tok) for tok in tokens)))


def parse(text: str) -> Network:
    net = Network()
    inputs: dict[str, Fraction] | None = None
    target_tokens: list[str] | None = None
    sample_tokens: list[tuple[list[str], list[str]]] = []
    deferred: list[list[str]] = []
    for line in text.splitlines():
        tok = line.split("#", 1)[0].split()
        if not tok:
            continue
        kw = tok[0]
        if kw == "inputs":
            if tok[1].endswith(":"):
                net.input_layer = tok[1][:-1]
                net.inputs = [f"{net.input_layer}{k + 1}" for k in range(len(tok) - 2)]
                inputs = _values(tok[2:], net.inputs)
            else:
                inputs = _pairs(tok[1:])
                net.inputs = list(inputs)
        elif kw == "layer":
            if tok[1].endswith(":"):
                name = tok[1][:-1]
                neurons = [f"{name}{k + 1}" for k in range(int(tok[2]))]
            else:
                name, neurons = f"layer{len(net.layers) + 1}", tok[1:-1]
            net.layers.append(Layer(name, neurons, tok[-1]))
        elif kw in ("targets", "targets:"):
            target_tokens = tok[1:]
        elif kw == "sample":
            at = tok.index("->")
            sample_tokens.append((tok[1:at], tok[at + 1 :]))
        elif kw in ("weight", "weights", "bias", "biases"):
            deferred.append(tok)
        elif kw == "loss":
            net.loss = tok[1]
        elif kw == "rate":
            net.rate = Fraction(tok[1])
        elif kw == "mode":
            net.mode = tok[1]
        elif kw == "epochs":
            net.epochs = int(tok[1])
        else:
            raise ValueError(f"unknown line: {line!r}")
    layer_of = {layer.name: layer for layer in net.layers}
    for tok in deferred:
        if tok[0] == "weight":  # weight NAME SRC -> DST VALUE
            name, src, arrow, dst, value = tok[1:]
            assert arrow == "->"
            net.weights.append(Weight(name, src, dst))
            net.params[name] = Fraction(value)
        elif tok[0] == "weights":  # weights DST <- SRC [[...]]: one row per destination
            dst_layer, arrow, src_layer = tok[1:4]
            assert arrow == "<-"
            rows = json.loads(" ".join(tok[4:]), parse_float=str, parse_int=str)
            sources = net.inputs if src_layer == net.input_layer else layer_of[src_layer].neurons
            for i, dst in enumerate(layer_of[dst_layer].neurons):
                assert len(rows[i]) == len(sources)
                for j, src in enumerate(sources):
                    name = f"W_{dst_layer}[{i + 1},{j + 1}]"
                    net.weights.append(Weight(name, src, dst))
                    net.params[name] = Fraction(rows[i][j])
        elif tok[0] == "bias":  # bias NAME NEURON... VALUE [frozen]
            frozen = tok[-1] == "frozen"
            body = tok[1:-1] if frozen else tok[1:]
            net.biases.append(Bias(body[0], body[1:-1]))
            net.params[body[0]] = Fraction(body[-1])
            if frozen:
                net.frozen.add(body[0])
        else:  # biases LAYER [...]
            values = json.loads(" ".join(tok[2:]), parse_float=str, parse_int=str)
            for i, neuron in enumerate(layer_of[tok[1]].neurons):
                name = f"b_{tok[1]}[{i + 1}]"
                net.biases.append(Bias(name, [neuron]))
                net.params[name] = Fraction(values[i])
    outputs = net.layers[-1].neurons
    if sample_tokens:
        for xs, ts in sample_tokens:
            net.samples.append((_values(xs, net.inputs), _values(ts, outputs)))
        if not net.inputs:
            net.inputs = list(net.samples[0][0])
    else:
        assert inputs is not None
        targets = None if target_tokens is None else _values(target_tokens, outputs)
        net.samples.append((inputs, targets))
    return net


# --------------------------------------------------------------------------------------------
# The forward pass, the loss, the deltas, the gradients: from the definitions
# --------------------------------------------------------------------------------------------


@dataclass
class Unit:
    """One neuron's values for one example; ``comp`` is 1 − out, computed on its own."""

    net: Num
    out: Num
    comp: Num
    log_out: Callable[[], mpf]  # ln out, from the net input where that keeps the digits
    log_comp: Callable[[], mpf]  # ln(1 − out)


def slope(act: str) -> Fraction:
    return Fraction(act.split(":")[1]) if ":" in act else Fraction(1, 100)


def _log(x: Num) -> Callable[[], mpf]:
    return lambda: mpmath.log(big(x))


def _shifted(z: mpf, shift: mpf) -> Callable[[], mpf]:
    """ln softmax as (z − max) − ln Σ e^(z − max): subtracting in this order keeps the
    winner's ln p = −ln Σ (e^−1000 with logits 1000 apart) instead of absorbing it."""
    return lambda: z - shift


def _minus_softplus(x: mpf) -> Callable[[], mpf]:
    """−ln(1 + e^x): ln σ(−x), without forming σ."""
    return lambda: -mpmath.log1p(mpmath.exp(x))


def activate(act: str, nets: list[Num]) -> list[Unit]:
    if act == "softmax":
        zs = [big(z) for z in nets]
        top = max(range(len(zs)), key=lambda k: zs[k])
        es = [mpmath.exp(z - zs[top]) for z in zs]
        rest = mpmath.fsum(e for k, e in enumerate(es) if k != top)
        log_sum = mpmath.log1p(rest)  # ln Σ e^(z − max)
        whole = 1 + rest
        units = []
        for k, z in enumerate(zs):
            comp = mpmath.fsum(e for j, e in enumerate(es) if j != k) / whole
            units.append(
                Unit(
                    nets[k],
                    es[k] / whole,
                    comp,
                    _shifted(z - zs[top], log_sum),
                    _log(comp),
                )
            )
        return units
    units = []
    for z in nets:
        if act == "sigmoid":
            x = big(z)
            units.append(
                Unit(
                    z,
                    1 / (1 + mpmath.exp(-x)),
                    1 / (1 + mpmath.exp(x)),
                    _minus_softplus(-x),
                    _minus_softplus(x),
                )
            )
        elif act == "tanh":
            x = big(z)
            comp = 2 / (1 + mpmath.exp(2 * x))
            units.append(Unit(z, mpmath.tanh(x), comp, _log(mpmath.tanh(x)), _log(comp)))
        elif act == "step":
            out = Fraction(1) if z >= 0 else Fraction(0)
            units.append(Unit(z, out, 1 - out, _log(out), _log(1 - out)))
        else:
            if act == "linear" or z > 0:
                out = z
            elif act == "relu":
                out = Fraction(0)
            elif act.startswith("leaky_relu"):
                out = mul(slope(act), z)
            else:
                raise ValueError(act)
            comp = sub(Fraction(1), out)
            units.append(Unit(z, out, comp, _log(out), _log(comp)))
    return units


def derivative(act: str, unit: Unit) -> Num:
    """f′(net) of an element-wise activation."""
    if act == "sigmoid":
        return mul(unit.out, unit.comp)
    if act == "tanh":
        return mpmath.sech(big(unit.net)) ** 2
    if act == "linear":
        return Fraction(1)
    if act == "relu":
        return Fraction(1) if unit.net > 0 else Fraction(0)
    if act.startswith("leaky_relu"):
        return Fraction(1) if unit.net > 0 else slope(act)
    raise ValueError(act)


def sign(x: Num) -> Fraction:
    return Fraction((x > 0) - (x < 0))


def difference(unit: Unit, t: Fraction, cond: Conditioning) -> Num:
    """o − t; near o = 1 as (1 − t) − (1 − o), which keeps the digits of a saturated output."""
    if unit.out > 0.5:
        return cond.summed([1 - t, neg(unit.comp)])
    return cond.summed([unit.out, -t])


def loss(
    kind: str, units: list[Unit], ts: list[Fraction], cond: Conditioning
) -> tuple[Num, list[Num]]:
    """E of one example and ∂E/∂out of each output."""
    n = len(units)
    if kind in ("half_sse", "sse", "mse", "mae"):
        ds = [difference(u, t, cond) for u, t in zip(units, ts)]
        if kind == "mae":
            return div(total(abs(d) for d in ds), Fraction(n)), [sign(d) / n for d in ds]
        factor = {"half_sse": Fraction(1, 2), "sse": Fraction(1), "mse": Fraction(1, n)}[kind]
        e = mul(factor, total(mul(d, d) for d in ds))
        return e, [mul(2 * factor, d) for d in ds]
    for u, t in zip(units, ts):  # the cross-entropies: o − t only for the conditioning
        difference(u, t, cond)
    terms: list[Num] = []
    grads: list[Num] = []
    for u, t in zip(units, ts):
        g: Num = Fraction(0)
        if t != 0:
            terms.append(mul(-t, u.log_out()))
            g = add(g, div(-t, u.out))
        if kind == "bce" and t != 1:
            terms.append(mul(t - 1, u.log_comp()))
            g = add(g, div(1 - t, u.comp))
        elif kind not in ("bce", "cce"):
            raise ValueError(kind)
        grads.append(g)
    return total(terms), grads


@dataclass
class Example:
    forward: dict[str, dict[str, Num]]
    loss: Num | None
    deltas: dict[str, Num]
    gradients: dict[str, Num]


def run_example(
    net: Network,
    params: dict[str, Num],
    xs: dict[str, Fraction],
    ts: dict[str, Fraction] | None,
    cond: Conditioning,
) -> Example:
    into: dict[str, list[Weight]] = {}
    for w in net.weights:
        into.setdefault(w.dst, []).append(w)
    biases_of: dict[str, list[Bias]] = {}
    for b in net.biases:
        for n in b.neurons:
            biases_of.setdefault(n, []).append(b)
    out: dict[str, Num] = {n: xs[n] for n in net.inputs}
    units: dict[str, Unit] = {}
    for layer in net.layers:
        nets = [
            cond.summed(
                [mul(params[w.name], out[w.src]) for w in into.get(n, [])]
                + [params[b.name] for b in biases_of.get(n, [])]
            )
            for n in layer.neurons
        ]
        for n, unit in zip(layer.neurons, activate(layer.act, nets)):
            units[n] = unit
            out[n] = unit.out
    forward = {n: {"net": u.net, "out": u.out} for n, u in units.items()}
    if ts is None or net.loss is None:
        return Example(forward, None, {}, {})

    last = net.layers[-1]
    outs = [units[n] for n in last.neurons]
    e, g = loss(net.loss, outs, [ts[n] for n in last.neurons], cond)
    delta: dict[str, Num] = {}
    if last.act == "softmax":  # δ_k = p_k (g_k (1 − p_k) − Σ_{j≠k} g_j p_j)
        for k, n in enumerate(last.neurons):
            others = [neg(mul(g[j], u.out)) for j, u in enumerate(outs) if j != k]
            delta[n] = mul(outs[k].out, cond.summed([mul(g[k], outs[k].comp), *others]))
    else:
        for k, n in enumerate(last.neurons):
            delta[n] = mul(g[k], derivative(last.act, outs[k]))
    out_of: dict[str, list[Weight]] = {}
    for w in net.weights:
        out_of.setdefault(w.src, []).append(w)
    for layer in reversed(net.layers[:-1]):
        assert layer.act != "softmax", "softmax only on the output layer"
        for n in layer.neurons:
            back = cond.summed([mul(params[w.name], delta[w.dst]) for w in out_of.get(n, [])])
            delta[n] = mul(derivative(layer.act, units[n]), back)
    grads: dict[str, Num] = {}
    for w in net.weights:
        grads[w.name] = mul(delta[w.dst], out[w.src])
    for b in net.biases:
        grads[b.name] = cond.summed([delta[n] for n in b.neurons])
    return Example(forward, e, delta, grads)


def train(net: Network, cond: Conditioning) -> list[dict[str, Any]]:
    """Every step of the JSON's ``steps``: numbers (Fraction or mpf), None where it has null."""
    params: dict[str, Num] = dict(net.params)
    batch = net.mode == "batch" and len(net.samples) > 1
    groups = [list(net.samples)] if batch else [[s] for s in net.samples]
    steps: list[dict[str, Any]] = []
    for epoch in range(1, net.epochs + 1):
        for number, group in enumerate(groups, start=1):
            examples = [run_example(net, params, xs, ts, cond) for xs, ts in group]
            step: dict[str, Any] = {"epoch": epoch, "sample": None if batch else number}
            samples = [
                {"forward": ex.forward, "loss": ex.loss, "deltas": ex.deltas} for ex in examples
            ]
            if not batch:
                step["forward"] = examples[0].forward
            if examples[0].loss is None:  # a forward pass alone
                del samples[0]["deltas"]
                step |= {"loss": None, "samples": samples}
                steps.append(step)
                continue
            n = Fraction(len(examples))
            step["loss"] = div(total(ex.loss for ex in examples if ex.loss is not None), n)
            step["samples"] = samples
            step["gradients"] = {
                p: div(cond.summed([ex.gradients[p] for ex in examples]), n) for p in params
            }
            if not batch:
                step["deltas"] = examples[0].deltas
            if net.rate is not None:
                for p in params:
                    if p not in net.frozen:
                        change = mul(net.rate, step["gradients"][p])
                        params[p] = cond.summed([params[p], neg(change)])
                step["updated"] = dict(params)
            steps.append(step)
    return steps


def flatten(value: Any, path: str, into: dict[str, Num | int]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{path}.{key}", into)
    elif isinstance(value, list):
        for k, item in enumerate(value):
            flatten(item, f"{path}.{k}", into)
    elif value is not None:
        into[path.lstrip(".")] = value


def oracle(text: str, dps: int) -> tuple[dict[str, Num | int], mpf]:
    with mpmath.workdps(dps):
        cond = Conditioning()
        values: dict[str, Num | int] = {}
        flatten({"steps": train(parse(text), cond)}, "", values)
        return {k: v if isinstance(v, int) else +big(v) for k, v in values.items()}, cond.worst


def written(x: Num | int) -> str:
    if isinstance(x, int):
        return str(x)
    with mpmath.workdps(DPS):
        return mpmath.nstr(big(x), DIGITS, min_fixed=-5, max_fixed=20)


def expect(text: str) -> tuple[dict[str, str], mpf]:
    """The dotted paths and their values; the same computed at CHECK_DPS digits must agree."""
    values, worst = oracle(text, DPS)
    again, _ = oracle(text, CHECK_DPS)
    assert list(values) == list(again)
    with mpmath.workdps(CHECK_DPS):
        for path, v in values.items():
            w = again[path]
            if isinstance(v, int):
                assert v == w, path
            else:
                assert abs(v - w) <= abs(w) * mpf(10) ** -(DIGITS + 5), (path, v, w)
    return {path: written(v) for path, v in values.items()}, worst


# --------------------------------------------------------------------------------------------
# The networks: published, adversarial, random
# --------------------------------------------------------------------------------------------

CLASSIC = """\
# the classic step-by-step example: 2-2-2, sigmoid, half_sse, rate 0.5
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
bias     b1  h1 h2  0.35  frozen
bias     b2  o1 o2  0.60  frozen
loss     half_sse
rate     0.5
"""

LOGISTIC = """\
# logistic regression, batch bce: dE/db = 0.00145557813678424...
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

SATURATED_30 = """\
# a sigmoid saturated at net 30, target 0, bce: E = 30.0000000000000935
inputs x=1
layer a sigmoid
targets a=0
weight w x -> a 30
loss bce
"""

SATURATED_NETS = ["20", "-20", "30", "-30", "40", "-40", "700", "-700"]


def saturated_outputs(loss_kind: str, target: str, rate: str, epochs: int) -> str:
    """One sigmoid output per net input ±20, ±30, ±40, ±700 (x = 1, weight = the net input)."""
    names = [f"a{k + 1}" for k in range(len(SATURATED_NETS))]
    lines = [
        f"# sigmoid outputs at net inputs {' '.join(SATURATED_NETS)}, {loss_kind}, t = {target}",
        "inputs x=1",
        f"layer {' '.join(names)} sigmoid",
        "targets " + " ".join(f"{n}={target}" for n in names),
    ]
    lines += [f"weight w{n[1:]} x -> {n} {z}" for n, z in zip(names, SATURATED_NETS)]
    lines += [f"loss {loss_kind}", f"rate {rate}", f"epochs {epochs}"]
    return "\n".join(lines) + "\n"


def saturated_hidden(act: str, out_act: str, loss_kind: str, target: str) -> str:
    """A hidden layer saturated at ±20, ±30, ±40, ±700, then one output that reads all of it."""
    names = [f"h{k + 1}" for k in range(len(SATURATED_NETS))]
    lines = [
        f"# {act} hidden neurons saturated at {' '.join(SATURATED_NETS)}; {out_act}, {loss_kind}",
        "inputs x=1",
        f"layer {' '.join(names)} {act}",
        f"layer y {out_act}",
        f"targets y={target}",
    ]
    lines += [f"weight u{n[1:]} x -> {n} {z}" for n, z in zip(names, SATURATED_NETS)]
    vs = ["0.3", "-0.2", "0.25", "0.1", "-0.15", "0.05", "0.2", "-0.1"]
    lines += [f"weight v{n[1:]} {n} -> y {v}" for n, v in zip(names, vs)]
    lines += ["bias c y 0.1", f"loss {loss_kind}", "rate 0.5", "epochs 2"]
    return "\n".join(lines) + "\n"


def softmax_spread(spread: str, hot: int, loss_kind: str = "cce") -> str:
    """Three softmax logits 0, +spread, −spread (x = 1), one-hot target on ``hot``."""
    targets = " ".join(f"o{k + 1}={int(k == hot)}" for k in range(3))
    return (
        f"# softmax logits 0, {spread}, -{spread}; {loss_kind}, target o{hot + 1}\n"
        "inputs x=1\nlayer o1 o2 o3 softmax\n"
        f"targets {targets}\n"
        f"weight w1 x -> o1 0\nweight w2 x -> o2 {spread}\nweight w3 x -> o3 -{spread}\n"
        f"loss {loss_kind}\nrate 0.001\nepochs 2\n"
    )


ADVERSARIAL: list[tuple[str, str]] = [
    ("classic-2-2-2", CLASSIC),
    ("logistic-regression-batch-bce", LOGISTIC),
    (
        "logistic-regression-batch-bce-rate",
        LOGISTIC.replace("loss bce", "loss bce\nrate 0.1\nepochs 3"),
    ),
    ("sigmoid-bce-net30-t0", SATURATED_30),
    (
        "sigmoid-bce-net30-t0-two-steps",
        SATURATED_30.replace("loss bce", "loss bce\nrate 0.5\nepochs 2"),
    ),
    ("sigmoid-bce-saturated-t0", saturated_outputs("bce", "0", "0.01", 2)),
    ("sigmoid-bce-saturated-t1", saturated_outputs("bce", "1", "0.01", 2)),
    ("sigmoid-bce-saturated-t0.25", saturated_outputs("bce", "0.25", "0.01", 2)),
    ("sigmoid-half_sse-saturated-t0", saturated_outputs("half_sse", "0", "0.5", 1)),
    ("sigmoid-half_sse-saturated-t1", saturated_outputs("half_sse", "1", "0.5", 1)),
    ("sigmoid-mse-saturated-t0.9", saturated_outputs("mse", "0.9", "0.5", 1)),
    ("tanh-hidden-saturated-linear", saturated_hidden("tanh", "linear", "half_sse", "1")),
    ("tanh-hidden-saturated-sigmoid-bce", saturated_hidden("tanh", "sigmoid", "bce", "1")),
    ("sigmoid-hidden-saturated-linear", saturated_hidden("sigmoid", "linear", "sse", "-1")),
    (
        "sigmoid-hidden-saturated-sigmoid-bce",
        saturated_hidden("sigmoid", "sigmoid", "bce", "0"),
    ),
    (
        "sigmoid-bce-hidden-then-net30",
        "# hidden sigmoid, output net about 30 through a bias, bce t = 0 and t = 1\n"
        "inputs x1=0.5 x2=-1\nlayer h1 h2 sigmoid\nlayer o1 o2 sigmoid\n"
        "targets o1=0 o2=1\n"
        "weight w1 x1 -> h1 0.4\nweight w2 x2 -> h1 0.3\nweight w3 x1 -> h2 -0.6\n"
        "weight w4 x2 -> h2 0.2\nweight w5 h1 -> o1 2\nweight w6 h2 -> o1 -1\n"
        "weight w7 h1 -> o2 1.5\nweight w8 h2 -> o2 0.5\n"
        "bias b1 h1 h2 0.1\nbias b2 o1 o2 30\nloss bce\nrate 0.5\nepochs 3\n",
    ),
    (
        "sigmoid-bce-batch-saturated-shared-frozen",
        "# batch bce with outputs saturated by large inputs; shared and frozen biases\n"
        "layer h1 h2 tanh\nlayer y1 y2 sigmoid\n"
        "sample x1=35 x2=-20 -> y1=1 y2=0\n"
        "sample x1=-35 x2=20 -> y1=0 y2=1\n"
        "sample x1=1 x2=1 -> y1=1 y2=1\n"
        "weight w1 x1 -> h1 1\nweight w2 x2 -> h1 0.5\nweight w3 x1 -> h2 -0.5\n"
        "weight w4 x2 -> h2 1\nweight w5 h1 -> y1 20\nweight w6 h2 -> y1 -20\n"
        "weight w7 h1 -> y2 -25\nweight w8 h2 -> y2 15\n"
        "bias bh h1 h2 0.1 frozen\nbias by y1 y2 -3\nloss bce\nmode batch\nrate 0.2\nepochs 2\n",
    ),
    ("softmax-cce-spread40-winner", softmax_spread("40", 1)),
    ("softmax-cce-spread40-middle", softmax_spread("40", 0)),
    ("softmax-cce-spread500-winner", softmax_spread("500", 1)),
    ("softmax-cce-spread500-loser", softmax_spread("500", 2)),
    ("softmax-cce-spread1000-winner", softmax_spread("1000", 1)),
    ("softmax-cce-spread1000-middle", softmax_spread("1000", 0)),
    ("softmax-cce-spread1000-loser", softmax_spread("1000", 2)),
    ("softmax-half_sse-spread40", softmax_spread("40", 1, "half_sse")),
    ("softmax-mse-spread500", softmax_spread("500", 0, "mse")),
    ("softmax-bce-spread40", softmax_spread("40", 1, "bce")),
    (
        "softmax-cce-hidden-large-mixed-logits",
        "# tanh hidden layer, softmax logits about 1000 apart, cce, stochastic over 3 samples\n"
        "layer h1 h2 tanh\nlayer o1 o2 o3 softmax\n"
        "sample x1=1 x2=0.5 -> o1=1 o2=0 o3=0\n"
        "sample x1=-1 x2=2 -> o1=0 o2=1 o3=0\n"
        "sample x1=0.3 x2=-0.7 -> o1=0 o2=0 o3=1\n"
        "weight w1 x1 -> h1 2\nweight w2 x2 -> h1 -1\nweight w3 x1 -> h2 0.5\n"
        "weight w4 x2 -> h2 1.5\nweight w5 h1 -> o1 500\nweight w6 h2 -> o1 -500\n"
        "weight w7 h1 -> o2 -400\nweight w8 h2 -> o2 600\nweight w9 h1 -> o3 10\n"
        "weight w10 h2 -> o3 -10\nbias b o1 0.5\nloss cce\nrate 0.001\n",
    ),
    (
        "softmax-bias-shared-by-two-outputs",
        "# one bias shared by two softmax outputs: its gradient Σ(p_k − t_k) = −p3 (shared by\n"
        "# all three it would be exactly 0, which a float64 sum of the deltas leaves at 1e-17)\n"
        "inputs x1=0.5 x2=-1\nlayer o1 o2 o3 softmax\ntargets o1=0 o2=1 o3=0\n"
        "weight w1 x1 -> o1 0.3\nweight w2 x2 -> o1 -0.2\nweight w3 x1 -> o2 0.1\n"
        "weight w4 x2 -> o2 0.4\nweight w5 x1 -> o3 -0.6\nweight w6 x2 -> o3 0.7\n"
        "bias b o1 o2 0.1\nloss cce\nrate 0.5\n",
    ),
    (
        "softmax-cce-targets-sum-0.8",
        "# cce with targets summing to 0.8: delta = p * 0.8 - t, not p - t\n"
        "inputs x=1\nlayer a b softmax\ntargets a=0.5 b=0.3\n"
        "weight w x -> a 0.5\nweight v x -> b 0.2\nloss cce\nrate 0.1\nepochs 2\n",
    ),
    (
        "relu-kink-0.1+0.2-0.3",
        "# net input exactly 0 on paper: ReLU'(0) = 0, leaky ReLU'(0) = 0.01\n"
        "inputs x1=0.1 x2=0.2 x3=0.3\nlayer h1 h2 relu\nlayer o linear\ntargets o=1\n"
        "weight w1 x1 -> h1 1\nweight w2 x2 -> h1 1\nweight w3 x3 -> h1 -1\n"
        "weight w4 x1 -> h2 1\nweight w5 x2 -> h2 1\nweight w6 x3 -> h2 1\n"
        "weight w7 h1 -> o 2\nweight w8 h2 -> o 0.5\nbias c o 0.25\n"
        "loss half_sse\nrate 0.1\n",
    ),
    (
        "leaky-kink-0.1+0.2-0.3",
        "# net input exactly 0 on paper: leaky ReLU'(0) = 0.01\n"
        "inputs x1=0.1 x2=0.2 x3=0.3\nlayer h1 h2 leaky_relu\nlayer o sigmoid\ntargets o=1\n"
        "weight w1 x1 -> h1 1\nweight w2 x2 -> h1 1\nweight w3 x3 -> h1 -1\n"
        "weight w4 x1 -> h2 1\nweight w5 x2 -> h2 1\nweight w6 x3 -> h2 1\n"
        "weight w7 h1 -> o 2\nweight w8 h2 -> o 0.5\nloss bce\nrate 0.1\n",
    ),
    (
        "leaky0.1-kink-bias",
        "# net input 0.7 * 0.3 + 0.9 - 1.11 = 0 on paper, through a bias; leaky_relu:0.1\n"
        "inputs x=0.3 y=0.9\nlayer h leaky_relu:0.1\nlayer o tanh\ntargets o=0.5\n"
        "weight a x -> h 0.7\nweight b y -> h 1\nweight c h -> o 3\nbias d h -1.11\n"
        "bias e o 0.2\nloss mse\nrate 0.3\n",
    ),
    (
        "relu-output-kink",
        "# a ReLU output exactly at 0 (3 * 0.1 - 0.3), linear hidden\n"
        "inputs x=0.1\nlayer h linear\nlayer o relu\ntargets o=0.5\n"
        "weight w x -> h 3\nweight v h -> o 1\nbias b o -0.3\nbias c h 0\n"
        "loss sse\nrate 0.1\n",
    ),
    (
        "tiny-weights-1e-300",
        "# weights of 1e-300: net inputs and gradients near float64's smallest normals\n"
        "inputs x1=1 x2=0.5\nlayer h1 h2 sigmoid\nlayer o1 o2 linear\n"
        "targets o1=1 o2=-0.5\n"
        "weight w1 x1 -> h1 1e-300\nweight w2 x2 -> h1 3e-300\nweight w3 x1 -> h2 -2e-300\n"
        "weight w4 x2 -> h2 0.5\nweight w5 h1 -> o1 1e-300\nweight w6 h2 -> o1 2\n"
        "weight w7 h1 -> o2 0.5\nweight w8 h2 -> o2 -1e-300\n"
        "loss half_sse\nrate 0.5\nepochs 2\n",
    ),
    (
        "tiny-inputs-1e-300",
        "# inputs of 1e-300 and 1e-150: products below float64's range\n"
        "layer h relu\nlayer o linear\n"
        "sample x1=1e-300 x2=1e-150 -> o=1e-300\n"
        "sample x1=2e-300 x2=-1e-150 -> o=0\n"
        "weight w1 x1 -> h 1\nweight w2 x2 -> h 1e-150\nweight w3 h -> o 1e-10\n"
        "loss sse\nmode batch\nrate 1\nepochs 2\n",
    ),
    (
        "mae-at-target",
        "# o = t exactly: |x|' = sign(0) = 0 for the first output\n"
        "inputs x=1\nlayer a b linear\ntargets a=0.5 b=2\n"
        "weight w x -> a 0.2\nweight v x -> b 0.7\nbias c a b 0.3\nloss mae\nrate 0.1\n",
    ),
    (
        "forward-only-step-and-saturation",
        "# no targets: the forward pass alone; step at exactly 0 gives 1 (tanh(30) − 1 would\n"
        "# be −1.75e-26, below a float64's resolution of its terms: b2 is −0.5)\n"
        "inputs x1=0.1 x2=0.2 x3=30\nlayer h1 h2 h3 tanh\nlayer s1 s2 step\n"
        "weight w1 x3 -> h1 1\nweight w2 x1 -> h2 -0.5\nweight w3 x3 -> h3 -20\n"
        "weight w4 h2 -> s1 2\nweight w5 h1 -> s2 1\nbias b1 h2 0.05\nbias b2 s2 -0.5\n",
    ),
    (
        "forward-only-sigmoid-700",
        "# no targets: sigmoid at -700 and 700\n"
        "inputs x=7\nlayer a b sigmoid\nlayer c linear\n"
        "weight u x -> a 100\nweight v x -> b -100\nweight p a -> c 1\nweight q b -> c 1e300\n",
    ),
]


def fmt(x: float, decimals: int) -> str:
    s = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def rnd(rng: random.Random, lo: float, hi: float, decimals: int = 2) -> str:
    return fmt(rng.uniform(lo, hi), decimals)


HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "leaky_relu:*", "linear"]
SLOPES = ["0.1", "0.2", "0.05", "0.3"]
PAIRS: list[tuple[str, str]] = [
    *(("sigmoid", loss) for loss in ("half_sse", "sse", "mse", "mae", "bce", "bce", "cce")),
    *(("tanh", loss) for loss in ("half_sse", "sse", "mse", "mae")),
    *(("linear", loss) for loss in ("half_sse", "sse", "mse", "mae")),
    *(("relu", loss) for loss in ("half_sse", "mse")),
    *(("leaky_relu", loss) for loss in ("sse", "mae")),
    *(("leaky_relu:*", loss) for loss in ("half_sse",)),
    *(("softmax", loss) for loss in ("cce", "cce", "cce", "mse", "half_sse", "sse", "mae")),
    ("softmax", "bce"),
]


def targets_for(rng: random.Random, act: str, loss_kind: str, n: int) -> list[str]:
    if act == "softmax":
        if rng.random() < 0.6:
            hot = rng.randrange(n)
            return ["1" if k == hot else "0" for k in range(n)]
        raw = [rng.uniform(0.05, 1) for _ in range(n)]
        cents = [round(100 * r / sum(raw)) for r in raw[:-1]]
        cents.append(100 - sum(cents))
        return [fmt(c / 100, 2) for c in cents]
    if loss_kind in ("bce", "cce"):
        return [rng.choice("01") if rng.random() < 0.6 else rnd(rng, 0, 1) for _ in range(n)]
    lo, hi = {"sigmoid": (0.01, 0.99), "tanh": (-0.99, 0.99), "linear": (-2, 2)}.get(act, (0, 2))
    return [rnd(rng, lo, hi) for _ in range(n)]


def inputs_for(rng: random.Random, n: int, kind: str) -> list[str]:
    if kind == "binary":
        return [rng.choice("01") for _ in range(n)]
    if kind == "unit":
        return [rnd(rng, 0, 1) for _ in range(n)]
    return [rnd(rng, -1, 1) for _ in range(n)]


def bias_groups(rng: random.Random, neurons: list[str]) -> list[list[str]]:
    """Which neurons of a layer get a bias: none, one each, or one shared by several."""
    r = rng.random()
    if r < 0.12:
        return []
    if r < 0.45 and len(neurons) >= 2:
        chosen = sorted(rng.sample(neurons, rng.randint(2, len(neurons))))
        rest = [[n] for n in neurons if n not in chosen and rng.random() < 0.7]
        return [chosen, *rest]
    return [[n] for n in neurons if rng.random() < 0.85]


def draw(rng: random.Random, matrix: bool, out_act: str, loss_kind: str) -> str:
    """A random network file: 1-4 layers after the inputs, 1-4 neurons each."""
    n_hidden = rng.choice([0, 1, 1, 1, 2, 2, 3])
    sizes = [rng.randint(1, 4) for _ in range(n_hidden + 1)]
    if out_act == "softmax":
        sizes[-1] = rng.randint(2, 4)
    sizes = [rng.randint(1, 4), *sizes]

    def act_of(choice: str) -> str:
        return f"leaky_relu:{rng.choice(SLOPES)}" if choice == "leaky_relu:*" else choice

    acts = [act_of(rng.choice(HIDDEN)) for _ in range(n_hidden)] + [act_of(out_act)]
    decimals = rng.choice([1, 2, 2, 3])
    n_samples = 1 if rng.random() < 0.3 else rng.randint(2, 4)
    kind = rng.choice(["binary", "unit", "signed", "signed"])
    samples = [
        (inputs_for(rng, sizes[0], kind), targets_for(rng, out_act, loss_kind, sizes[-1]))
        for _ in range(n_samples)
    ]
    mode = rng.choice(["stochastic", "batch"])
    epochs = rng.choice([1, 1, 2, 3])
    rate = rnd(rng, 0.05, 1) if rng.random() < 0.85 else None
    lines = [f"# {'-'.join(map(str, sizes))}, {', '.join(acts)}, loss {loss_kind}"]
    if matrix:
        names = [rng.choice(["x", "i"]), *["h", "g", "k"][:n_hidden], rng.choice(["o", "y"])]
        if n_samples == 1:
            lines.append(f"inputs {names[0]}: {' '.join(samples[0][0])}")
        else:  # only declares the input layer
            lines.append(f"inputs {names[0]}: {' '.join('0' for _ in samples[0][0])}")
        for name, n, act in zip(names[1:], sizes[1:], acts):
            lines.append(f"layer {name}: {n} {act}")
        if n_samples == 1:
            lines.append(f"targets: {' '.join(samples[0][1])}")
        else:
            lines += [f"sample {' '.join(xs)} -> {' '.join(ts)}" for xs, ts in samples]
        n_bias = 0
        for li in range(1, len(sizes)):
            rows = [
                [rnd(rng, -1, 1, decimals) for _ in range(sizes[li - 1])] for _ in range(sizes[li])
            ]
            matrix_text = ", ".join("[" + ", ".join(r) + "]" for r in rows)
            lines.append(f"weights {names[li]} <- {names[li - 1]} [{matrix_text}]")
            neurons = [f"{names[li]}{k + 1}" for k in range(sizes[li])]
            if rng.random() < 0.6:
                values = ", ".join(rnd(rng, -1, 1, decimals) for _ in neurons)
                lines.append(f"biases {names[li]} [{values}]")
            else:
                for group in bias_groups(rng, neurons):
                    n_bias += 1
                    frozen = " frozen" if rng.random() < 0.2 else ""
                    value = rnd(rng, -1, 1, decimals)
                    lines.append(f"bias c{n_bias} {' '.join(group)} {value}{frozen}")
    else:
        prefixes = ["x", *["h", "g", "k"][:n_hidden], "o"]
        neurons_of = [[f"{p}{k + 1}" for k in range(n)] for p, n in zip(prefixes, sizes)]
        first, last = neurons_of[0], neurons_of[-1]
        if n_samples == 1:
            lines.append("inputs " + " ".join(f"{n}={v}" for n, v in zip(first, samples[0][0])))
        for neurons, act in zip(neurons_of[1:], acts):
            lines.append(f"layer {' '.join(neurons)} {act}")
        if n_samples == 1:
            lines.append("targets " + " ".join(f"{n}={v}" for n, v in zip(last, samples[0][1])))
        for xs, ts in samples if n_samples > 1 else []:
            left = " ".join(f"{n}={v}" for n, v in zip(first, xs))
            right = " ".join(f"{n}={v}" for n, v in zip(last, ts))
            lines.append(f"sample {left} -> {right}")
        style = rng.choice(["w", "edge"])
        n_weight = n_bias = 0
        for li in range(1, len(sizes)):
            dense = rng.random() < 0.7
            for dst in neurons_of[li]:
                sources = [s for s in neurons_of[li - 1] if dense or rng.random() < 0.7]
                for src in sources or [rng.choice(neurons_of[li - 1])]:
                    n_weight += 1
                    name = f"w{n_weight}" if style == "w" else f"w_{src}_{dst}"
                    lines.append(f"weight {name} {src} -> {dst} {rnd(rng, -1, 1, decimals)}")
            for group in bias_groups(rng, neurons_of[li]):
                n_bias += 1
                name = f"b{n_bias}" if style == "w" else "b_" + "_".join(group)
                frozen = " frozen" if rng.random() < 0.2 else ""
                lines.append(f"bias {name} {' '.join(group)} {rnd(rng, -1, 1, decimals)}{frozen}")
    lines.append(f"loss {loss_kind}")
    if rate is not None:
        lines.append(f"rate {rate}")
    if n_samples > 1 or rng.random() < 0.3:
        lines.append(f"mode {mode}")
    if epochs > 1 or rng.random() < 0.3:
        lines.append(f"epochs {epochs}")
    return "\n".join(lines) + "\n"


def usable(text: str) -> bool:
    """Every output's input reaches the loss: each hidden neuron has a weight out of it."""
    net = parse(text)
    sources = {w.src for w in net.weights}
    return all(n in sources for layer in net.layers[:-1] for n in layer.neurons)


def make_cases() -> tuple[list[dict[str, Any]], int]:
    cases: list[dict[str, Any]] = []
    for case_id, text in ADVERSARIAL:
        values, _ = expect(text)
        cases.append(
            {"id": case_id, "files": {"net.net": text}, "args": ["backprop", "net.net"]}
            | {"expect": values}
        )
    by_id = {c["id"]: c["expect"] for c in cases}
    published = {
        ("logistic-regression-batch-bce", "steps.0.gradients.b"): "0.00145557813678424",
        ("sigmoid-bce-net30-t0", "steps.0.loss"): "30.0000000000000935",
        ("classic-2-2-2", "steps.0.loss"): "0.298371108760",
        ("classic-2-2-2", "steps.0.updated.w5"): "0.358916479717",
    }
    for (case_id, path), prefix in published.items():
        assert by_id[case_id][path].startswith(prefix), (case_id, path, by_id[case_id][path])

    rng = random.Random(SEED)
    forms = [True] * N_MATRIX + [False] * (N_RANDOM - N_MATRIX)
    pairs = [PAIRS[k % len(PAIRS)] for k in range(N_RANDOM)]
    rng.shuffle(forms)
    rng.shuffle(pairs)
    redraws = 0
    for k, (matrix, (out_act, loss_kind)) in enumerate(zip(forms, pairs), start=1):
        for _attempt in range(1000):
            text = draw(rng, matrix, out_act, loss_kind)
            if usable(text):
                values, worst = expect(text)
                if worst >= MIN_COND:
                    break
            redraws += 1
        else:
            raise RuntimeError(f"random {k}: no draw without cancellation")
        net = parse(text)
        tag = "batch" if net.mode == "batch" and len(net.samples) > 1 else "sgd"
        case_id = f"random-{k:02d}-{net.layers[-1].act.split(':')[0]}-{net.loss}-{tag}"
        cases.append(
            {"id": case_id, "files": {"net.net": text}, "args": ["backprop", "net.net"]}
            | {"expect": values}
        )
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids))
    return cases, redraws


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only compare with the file on disk")
    args = ap.parse_args()
    mp.dps = DPS
    cases, redraws = make_cases()
    doc = {"source": SOURCE, "dps": DPS, "cases": cases}
    values = sum(len(c["expect"]) for c in cases)
    print(
        f"{len(cases)} cases ({len(ADVERSARIAL)} fixed, {N_RANDOM} random, {redraws} draws "
        f"redrawn), {values} values",
        file=sys.stderr,
    )
    return write_or_check(OUT, dump(doc), args.check)


if __name__ == "__main__":
    sys.exit(main())
