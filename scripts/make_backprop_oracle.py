#!/usr/bin/env python3
"""Independent oracle for `dlcalc backprop`: PyTorch autograd (float64) on small networks.

This script does NOT import dlcalc.  It writes tests/data/backprop_oracle.json: for each case a
network file (see the README's network-file reference) and, computed by PyTorch autograd in
float64, every step of gradient descent on it: per sample the net input and output of every
non-input neuron and the loss, the step's loss, dE/dp of every parameter (frozen ones too) and
every parameter's value after the update (p <- p - rate * dE/dp unless frozen).

The first two cases are the published worked examples, exactly as published (the 2-2-2
"classic step-by-step example" and the textbook 3-2-1 example); the published numbers are
asserted.  The others are seeded random networks: 1-4 inputs, 1-2 hidden layers of 1-4 neurons,
1-3 outputs; named weights (`weight w1 i1 -> h1 0.15`) or the dense matrix form (`layer h: 3`,
`inputs x: ...`, `weights h <- x [[...]]`, `biases h [...]`); neurons without bias, shared and
frozen biases, missing edges; every activation and loss; one example or 2-4 `sample` lines,
stochastic or batch mode, 1-3 epochs.  Draws that put a ReLU / leaky ReLU net input within
1e-3 of 0, or an MAE output within 1e-3 of its target, at any step are redrawn, so no case
depends on a convention at a kink.

The torch computation reads the network from the generated text (a minimal parser below), so
the text and the numbers cannot drift apart.  Each case also carries "features" (form,
activations, loss, sizes, samples, mode, epochs, bias kinds), so a test can select cases.
Everything is seeded: a rerun writes the same file (`--check` verifies that).

Requirements (own virtual environment, not the project's):
    python3 -m venv /work/oracle-venv
    /work/oracle-venv/bin/pip install torch==2.13.0
Regenerate (from the repository root):
    /work/oracle-venv/bin/python scripts/make_backprop_oracle.py
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from oracle_output import write_or_check  # beside this file

SEED = 20250613
N_RANDOM = 150
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "backprop_oracle.json"
REGENERATE = "/work/oracle-venv/bin/python scripts/make_backprop_oracle.py"
F64 = torch.float64
KINK = 1e-3  # minimum distance of a ReLU / leaky ReLU net input from 0 (and of o from t in MAE)

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

HIDDEN_ACTS = ["sigmoid", "tanh", "relu", "leaky_relu", "leaky_relu:*", "linear"]
LEAKY_SLOPES = ["0.1", "0.2", "0.05", "0.3"]
OUT_LOSSES = [
    *(("sigmoid", loss) for loss in ("half_sse", "sse", "mse", "mae", "bce")),
    *(("tanh", loss) for loss in ("half_sse", "sse", "mse", "mae")),
    *(("linear", loss) for loss in ("half_sse", "sse", "mse", "mae")),
    *(("relu", loss) for loss in ("half_sse", "sse", "mse", "mae")),
    *(("softmax", loss) for loss in ("cce", "mse", "half_sse")),
    ("sigmoid", "bce"),  # the two cross-entropies twice as often as the other pairs
    ("softmax", "cce"),
]
N_MATRIX = 30  # dense matrix form with named layers (`layer h: 3`, `inputs x: ...`)
N_MATRIX_UNNAMED = 8  # `weights layer1 <- input [[...]]` with neurons named one by one

NOTES = [
    "All numbers are PyTorch float64; gradients by autograd. Compare to about 1e-9.",
    "steps: one per update, i.e. per sample per epoch in stochastic mode (file order), per "
    "epoch in batch mode; 'loss' and 'gradients' are the sample's (stochastic) or the mean over "
    "the samples (batch), computed before the update; 'samples' holds every sample used in the "
    "step with every non-input neuron's net input and output; 'updated' is every parameter "
    "after the step (frozen ones unchanged).",
    "Losses: half_sse = 1/2 Σ(t−o)², sse = Σ(t−o)², mse = (1/n) Σ(t−o)² and mae = (1/n) Σ|t−o| "
    "over the n outputs, bce = −Σ[t ln o + (1−t) ln(1−o)], cce = −Σ t ln o (o = softmax).",
    "Parameter names: as written for weight/bias lines; W_<layer>[i,j] (destination i, source "
    "j, 1-based) and b_<layer>[i] for weights/biases lines; unnamed layers are layer1, layer2, "
    "... and the inputs 'input'.",
    f"No ReLU / leaky ReLU net input is within {KINK} of 0 and no MAE output within {KINK} of "
    "its target, at any step: no result depends on a derivative convention at a kink.",
    "features.form: 'named' (weight/bias lines), 'matrix' (layer NAME: n, inputs NAME: ..., "
    "targets: ..., weights/biases lines; 'bias_lines_in_matrix' if it also has bias lines), "
    "'matrix_unnamed' (neurons named one by one, weights layerK <- input / layerK-1).",
]


# --------------------------------------------------------------------------------------------
# A minimal reader of the network file (what the generator writes, and the published examples)
# --------------------------------------------------------------------------------------------


@dataclass
class Layer:
    name: str
    neurons: list[str]
    act: str


@dataclass
class Net:
    inputs: list[str] = field(default_factory=list)
    input_layer: str = "input"
    layers: list[Layer] = field(default_factory=list)
    samples: list[tuple[list[float], list[float]]] = field(default_factory=list)
    single: bool = True
    params: dict[str, float] = field(default_factory=dict)  # file order
    refs: dict[str, tuple[str, tuple[int, ...]]] = field(default_factory=dict)  # -> leaf, index
    shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # leaf -> shape
    frozen: set[str] = field(default_factory=set)
    edges: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict)  # leaf, src, dst
    matrix: dict[int, str] = field(default_factory=dict)  # layer index -> leaf W_<name>
    bias_vec: dict[int, str] = field(default_factory=dict)  # layer index -> leaf b_<name>
    shared: dict[int, list[tuple[str, list[int]]]] = field(default_factory=dict)
    loss: str = ""
    rate: float = 0.0
    mode: str = "stochastic"
    epochs: int = 1
    bias_lines: int = 0


def _pairs(tokens: list[str]) -> dict[str, float]:
    out = {}
    for tok in tokens:
        name, value = tok.split("=")
        out[name] = float(value)
    return out


def parse(text: str) -> Net:
    net = Net()
    inputs: dict[str, float] | list[float] | None = None
    targets: dict[str, float] | list[float] | None = None
    raw_samples: list[tuple[dict[str, float], dict[str, float]]] = []
    where: dict[str, tuple[int, int]] = {}  # neuron -> (layer index, position); inputs: -1
    deferred: list[list[str]] = []
    for line in text.splitlines():
        tok = line.split("#", 1)[0].split()
        if not tok:
            continue
        kw = tok[0]
        if kw == "inputs":
            if tok[1].endswith(":"):
                net.input_layer = tok[1][:-1]
                inputs = [float(v) for v in tok[2:]]
                net.inputs = [f"{net.input_layer}{k + 1}" for k in range(len(inputs))]
            else:
                inputs = _pairs(tok[1:])
                net.inputs = list(inputs)
            for k, n in enumerate(net.inputs):
                where[n] = (-1, k)
        elif kw == "layer":
            if tok[1].endswith(":"):
                name = tok[1][:-1]
                neurons = [f"{name}{k + 1}" for k in range(int(tok[2]))]
            else:
                name, neurons = f"layer{len(net.layers) + 1}", tok[1:-1]
            for k, n in enumerate(neurons):
                assert n not in where, n
                where[n] = (len(net.layers), k)
            net.layers.append(Layer(name, neurons, tok[-1]))
        elif kw == "targets:":
            targets = [float(v) for v in tok[1:]]
        elif kw == "targets":
            targets = _pairs(tok[1:])
        elif kw == "sample":
            arrow = tok.index("->")
            raw_samples.append((_pairs(tok[1:arrow]), _pairs(tok[arrow + 1 :])))
            if not net.inputs:
                net.inputs = list(raw_samples[0][0])
                for k, n in enumerate(net.inputs):
                    where[n] = (-1, k)
        elif kw in ("weight", "weights", "bias", "biases"):
            deferred.append(tok)
        elif kw == "loss":
            net.loss = tok[1]
        elif kw == "rate":
            net.rate = float(tok[1])
        elif kw == "mode":
            net.mode = tok[1]
        elif kw == "epochs":
            net.epochs = int(tok[1])
        else:
            raise ValueError(f"unknown line: {line!r}")
    by_name = {layer.name: i for i, layer in enumerate(net.layers)}

    def add(name: str, value: float, leaf: str, index: tuple[int, ...] = ()) -> None:
        assert name not in net.params, f"parameter {name} twice"
        net.params[name] = value
        net.refs[name] = (leaf, index)

    for tok in deferred:
        kw = tok[0]
        if kw == "weight":  # weight NAME SRC -> DST VALUE
            name, src, arrow, dst, value = tok[1:]
            assert arrow == "->"
            (ls, ks), (ld, kd) = where[src], where[dst]
            assert ls == ld - 1, f"{src} -> {dst} is not between consecutive layers"
            add(name, float(value), name)
            net.shapes[name] = ()
            net.edges.setdefault(ld, []).append((name, ks, kd))
        elif kw == "weights":  # weights DST <- SRC [[...]]
            dst, arrow, src = tok[1:4]
            assert arrow == "<-"
            rows = json.loads(" ".join(tok[4:]))
            ld = by_name[dst]
            ls = -1 if src == net.input_layer else by_name[src]
            assert ls == ld - 1
            n_src = len(net.inputs) if ls < 0 else len(net.layers[ls].neurons)
            assert len(rows) == len(net.layers[ld].neurons)
            assert all(len(r) == n_src for r in rows)
            leaf = f"W_{dst}"
            net.shapes[leaf] = (len(rows), n_src)
            net.matrix[ld] = leaf
            for i, row in enumerate(rows):
                for j, v in enumerate(row):
                    add(f"W_{dst}[{i + 1},{j + 1}]", float(v), leaf, (i, j))
        elif kw == "bias":  # bias NAME NEURON... VALUE [frozen]
            frozen = tok[-1] == "frozen"
            body = tok[1:-1] if frozen else tok[1:]
            name, neurons, value = body[0], body[1:-1], body[-1]
            layer_ids = {where[n][0] for n in neurons}
            assert len(layer_ids) == 1 and min(layer_ids) >= 0
            add(name, float(value), name)
            net.shapes[name] = ()
            if frozen:
                net.frozen.add(name)
            net.shared.setdefault(layer_ids.pop(), []).append(
                (name, [where[n][1] for n in neurons])
            )
            net.bias_lines += 1
        else:  # biases LAYER [...]
            values = json.loads(" ".join(tok[2:]))
            ld = by_name[tok[1]]
            assert len(values) == len(net.layers[ld].neurons)
            leaf = f"b_{tok[1]}"
            net.shapes[leaf] = (len(values),)
            net.bias_vec[ld] = leaf
            for i, v in enumerate(values):
                add(f"b_{tok[1]}[{i + 1}]", float(v), leaf, (i,))
    outputs = net.layers[-1].neurons
    if raw_samples:
        net.single = False
        for xs, ts in raw_samples:
            assert list(xs) == net.inputs and sorted(ts) == sorted(outputs)
            net.samples.append(([xs[n] for n in net.inputs], [ts[n] for n in outputs]))
    else:
        assert inputs is not None and targets is not None
        xs = inputs if isinstance(inputs, list) else [inputs[n] for n in net.inputs]
        ts = targets if isinstance(targets, list) else [targets[n] for n in outputs]
        assert len(xs) == len(net.inputs) and len(ts) == len(outputs)
        net.samples.append((xs, ts))
    return net


# --------------------------------------------------------------------------------------------
# PyTorch: forward pass, loss, autograd, updates
# --------------------------------------------------------------------------------------------


def activate(z: torch.Tensor, act: str) -> torch.Tensor:
    if act == "sigmoid":
        return torch.sigmoid(z)
    if act == "tanh":
        return torch.tanh(z)
    if act == "relu":
        return torch.relu(z)
    if act == "leaky_relu":
        return F.leaky_relu(z, 0.01)
    if act.startswith("leaky_relu:"):
        return F.leaky_relu(z, float(act.split(":")[1]))
    if act == "linear":
        return z
    if act == "softmax":
        return torch.softmax(z, dim=0)
    raise ValueError(act)


def loss_of(kind: str, o: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    d = t - o
    if kind == "half_sse":
        return 0.5 * (d**2).sum()
    if kind == "sse":
        return (d**2).sum()
    if kind == "mse":
        return (d**2).mean()
    if kind == "mae":
        return d.abs().mean()
    if kind == "bce":
        return -(t * torch.log(o) + (1 - t) * torch.log(1 - o)).sum()
    if kind == "cce":
        return -(t * torch.log(o)).sum()
    raise ValueError(kind)


def num(x: torch.Tensor | float) -> float:
    v = float(x.detach()) if isinstance(x, torch.Tensor) else float(x)
    assert math.isfinite(v)
    return v + 0.0  # no -0.0


@dataclass
class Margins:
    kink: float = math.inf  # min |net| over ReLU / leaky ReLU neurons
    mae: float = math.inf  # min |t - o| under MAE
    bce: float = math.inf  # min(o, 1 - o) under BCE
    size: float = 0.0  # max |value| of anything


def train(net: Net) -> tuple[list[dict[str, Any]], Margins]:
    leaves: dict[str, torch.Tensor] = {}
    for leaf, shape in net.shapes.items():
        leaves[leaf] = torch.zeros(shape, dtype=F64)
    for name, value in net.params.items():
        leaf, index = net.refs[name]
        leaves[leaf][index] = value
    for t in leaves.values():
        t.requires_grad_(True)
    m = Margins()
    last = len(net.layers) - 1

    def forward(x: list[float]) -> tuple[dict[str, dict[str, float]], torch.Tensor]:
        prev = torch.tensor(x, dtype=F64)
        record = {}
        for li, layer in enumerate(net.layers):
            terms: list[list[torch.Tensor]] = [[] for _ in layer.neurons]
            for leaf, src, dst in net.edges.get(li, []):
                terms[dst].append(leaves[leaf] * prev[src])
            for leaf, dsts in net.shared.get(li, []):
                for dst in dsts:
                    terms[dst].append(leaves[leaf])
            zero = torch.zeros((), dtype=F64)
            z = torch.stack([sum(ts, start=zero) for ts in terms])
            if li in net.matrix:
                z = z + leaves[net.matrix[li]] @ prev
            if li in net.bias_vec:
                z = z + leaves[net.bias_vec[li]]
            out = activate(z, layer.act)
            for k, n in enumerate(layer.neurons):
                record[n] = {"net": num(z[k]), "out": num(out[k])}
                m.size = max(m.size, abs(record[n]["net"]))
                if layer.act.startswith("relu") or layer.act.startswith("leaky_relu"):
                    m.kink = min(m.kink, abs(record[n]["net"]))
            if li == last and net.loss == "bce":
                m.bce = min(m.bce, float(out.detach().min()), float(1 - out.detach().max()))
            prev = out
        return record, prev

    steps = []
    groups = [[s] for s in net.samples] if net.mode == "stochastic" else [net.samples]
    for _epoch in range(net.epochs):
        for group in groups:
            for t in leaves.values():
                t.grad = None
            records, losses = [], []
            for x, target in group:
                record, o = forward(x)
                t = torch.tensor(target, dtype=F64)
                if net.loss == "mae":
                    m.mae = min(m.mae, float((t - o).detach().abs().min()))
                loss = loss_of(net.loss, o, t)
                losses.append(loss)
                records.append({"forward": record, "loss": num(loss)})
            e = losses[0] if len(losses) == 1 else torch.stack(losses).mean()
            e.backward()
            grads = {}
            for name, (leaf, index) in net.refs.items():
                g = leaves[leaf].grad
                grads[name] = num(g[index]) if g is not None else 0.0
            with torch.no_grad():
                for name, (leaf, index) in net.refs.items():
                    if name not in net.frozen:
                        leaves[leaf][index] -= net.rate * grads[name]
            updated = {name: num(leaves[leaf][index]) for name, (leaf, index) in net.refs.items()}
            m.size = max(m.size, *(abs(v) for v in updated.values()))
            steps.append(
                {"loss": num(e), "samples": records, "gradients": grads, "updated": updated}
            )
    return steps, m


# --------------------------------------------------------------------------------------------
# Random networks, written as text
# --------------------------------------------------------------------------------------------


def fmt(x: float, decimals: int) -> str:
    s = f"{x:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def rnd(rng: random.Random, lo: float, hi: float, decimals: int) -> str:
    return fmt(rng.uniform(lo, hi), decimals)


def targets_for(rng: random.Random, act: str, loss: str, n: int) -> list[str]:
    if act == "softmax":
        if rng.random() < 0.6:
            hot = rng.randrange(n)
            return ["1" if k == hot else "0" for k in range(n)]
        raw = [rng.uniform(0.05, 1) for _ in range(n)]
        cents = [round(100 * r / sum(raw)) for r in raw[:-1]]
        cents.append(100 - sum(cents))
        assert min(cents) >= 0
        return [fmt(c / 100, 2) for c in cents]
    if loss == "bce":
        if rng.random() < 0.6:
            return [rng.choice("01") for _ in range(n)]
        return [rnd(rng, 0, 1, 2) for _ in range(n)]
    lo, hi = {"sigmoid": (0.01, 0.99), "tanh": (-0.99, 0.99), "linear": (-2, 2)}.get(act, (0, 2))
    return [rnd(rng, lo, hi, 2) for _ in range(n)]


def inputs_for(rng: random.Random, n: int, kind: str) -> list[str]:
    if kind == "binary":
        return [rng.choice("01") for _ in range(n)]
    if kind == "unit":
        return [rnd(rng, 0, 1, 2) for _ in range(n)]
    return [rnd(rng, -1, 1, 2) for _ in range(n)]


def names_for(scheme: str, sizes: list[int]) -> list[list[str]]:
    """Neuron names per layer (inputs first)."""
    if scheme == "numbered":  # the textbook's x1 x2 x3 | 4 5 | 6
        layers = [[f"x{k + 1}" for k in range(sizes[0])]]
        n = sizes[0]
        for size in sizes[1:]:
            layers.append([str(n + k + 1) for k in range(size)])
            n += size
        return layers
    prefixes = {"classic": ["i", "h", "k", "o"], "letters": ["x", "a", "c", "y"]}[scheme]
    hidden = prefixes[1 : len(sizes) - 1]
    pre = [prefixes[0], *hidden, prefixes[-1]]
    return [[f"{p}{k + 1}" for k in range(size)] for p, size in zip(pre, sizes)]


def weight_name(scheme: str, counter: int, src: str, dst: str) -> str:
    if scheme == "classic":
        return f"w{counter}"
    if scheme == "numbered":
        a, b = src.lstrip("x"), dst
        return f"w{a}{b}" if len(a) == 1 and len(b) == 1 else f"w{a}_{b}"
    return f"w_{src}_{dst}"


def bias_name(scheme: str, counter: int, neurons: list[str]) -> str:
    if scheme == "classic":
        return f"b{counter}"
    if scheme == "numbered":
        return "θ" + "_".join(neurons)
    return "b_" + "_".join(neurons)


def bias_groups(rng: random.Random, neurons: list[str]) -> list[list[str]]:
    """Which neurons of a layer get a bias: none, each its own, or one shared by several."""
    r = rng.random()
    if r < 0.12:
        return []
    if r < 0.4 and len(neurons) >= 2:
        size = len(neurons) if rng.random() < 0.6 else rng.randint(2, len(neurons))
        chosen = sorted(rng.sample(range(len(neurons)), size))
        rest = [[neurons[k]] for k in range(len(neurons)) if k not in chosen]
        rest = [g for g in rest if rng.random() < 0.7]
        groups = [[neurons[k] for k in chosen], *rest]
        rng.shuffle(groups)
        return groups
    return [[n] for n in neurons if rng.random() < 0.85]


def connections(rng: random.Random, n_src: int, n_dst: int, sparse: bool) -> list[list[bool]]:
    """conn[d][s]: every destination has an input and every source an output."""
    p = rng.uniform(0.55, 0.85) if sparse else 1.0
    while True:
        conn = [[rng.random() < p for _ in range(n_src)] for _ in range(n_dst)]
        if all(any(row) for row in conn) and all(any(r[s] for r in conn) for s in range(n_src)):
            return conn


def draw(rng: random.Random, form: str, hidden_first: str, out_act: str, loss: str) -> str:
    n_in = rng.randint(1, 4)
    n_hidden_layers = 1 if rng.random() < 0.55 else 2
    hidden_sizes = [rng.randint(1, 4) for _ in range(n_hidden_layers)]
    n_out = rng.randint(2, 3) if out_act == "softmax" else rng.randint(1, 3)
    sizes = [n_in, *hidden_sizes, n_out]

    def hidden_act(choice: str) -> str:
        return f"leaky_relu:{rng.choice(LEAKY_SLOPES)}" if choice == "leaky_relu:*" else choice

    acts = [hidden_act(hidden_first)]
    acts += [hidden_act(rng.choice(HIDDEN_ACTS)) for _ in hidden_sizes[1:]]
    acts.append(out_act)
    decimals = rng.choice([2, 3])
    single = form == "matrix" or rng.random() < 0.35
    n_samples = 1 if single else rng.randint(2, 4)
    input_kind = rng.choice(["binary", "unit", "signed", "signed"])
    samples = [
        (inputs_for(rng, n_in, input_kind), targets_for(rng, out_act, loss, n_out))
        for _ in range(n_samples)
    ]
    if n_samples > 1:
        mode = rng.choice(["stochastic", "batch"])
        mode_line = f"mode {mode}" if mode == "batch" or rng.random() < 0.5 else None
    else:
        mode_line = rng.choice([None, None, "mode stochastic", "mode batch"])
    epochs = rng.choice([1, 1, 2, 3])
    epochs_line = f"epochs {epochs}" if epochs > 1 or rng.random() < 0.3 else None
    rate = rnd(rng, 0.05, 1, 2)

    lines = []
    head = "-".join(map(str, sizes))
    lines.append(f"# {head}, {', '.join(acts)}, loss {loss}")
    if form == "matrix":
        in_name = rng.choice(["x", "i", "a"])
        hid_names = rng.choice([["h", "g"], ["z", "k"]])[:n_hidden_layers]
        out_name = rng.choice(["o", "y"])
        layer_names = [in_name, *hid_names, out_name]
        lines.append(f"inputs {in_name}: {' '.join(samples[0][0])}")
        for name, size, act in zip(layer_names[1:], sizes[1:], acts):
            lines.append(f"layer {name}: {size} {act}")
        lines.append(f"targets: {' '.join(samples[0][1])}")
        named_biases = 0
        for li in range(1, len(sizes)):
            name, src = layer_names[li], layer_names[li - 1]
            rows = [
                [rnd(rng, -1, 1, decimals) for _ in range(sizes[li - 1])] for _ in range(sizes[li])
            ]
            lines.append(f"weights {name} <- {src} [{', '.join(_row(r) for r in rows)}]")
            r = rng.random()
            neurons = [f"{name}{k + 1}" for k in range(sizes[li])]
            if r < 0.6:
                lines.append(f"biases {name} {_row([rnd(rng, -1, 1, decimals) for _ in neurons])}")
            elif r < 0.8:
                for group in bias_groups(rng, neurons):
                    named_biases += 1
                    frozen = " frozen" if rng.random() < 0.2 else ""
                    value = rnd(rng, -1, 1, decimals)
                    lines.append(f"bias c{named_biases} {' '.join(group)} {value}{frozen}")
    else:
        scheme = (
            "classic"
            if form == "matrix_unnamed"
            else rng.choice(["classic"] * 3 + ["numbered", "letters"])
        )
        names = names_for(scheme, sizes)
        if single:
            lines.append("inputs " + " ".join(f"{n}={v}" for n, v in zip(names[0], samples[0][0])))
        for neurons, act in zip(names[1:], acts):
            lines.append(f"layer {' '.join(neurons)} {act}")
        if single:
            lines.append(
                "targets " + " ".join(f"{n}={v}" for n, v in zip(names[-1], samples[0][1]))
            )
        else:
            for xs, ts in samples:
                left = " ".join(f"{n}={v}" for n, v in zip(names[0], xs))
                right = " ".join(f"{n}={v}" for n, v in zip(names[-1], ts))
                lines.append(f"sample {left} -> {right}")
        sparse = form == "named" and rng.random() < 0.3
        biases_inline = rng.random() < 0.4
        weight_lines: list[str] = []
        bias_lines: list[str] = []
        n_weights = n_biases = 0
        for li in range(1, len(sizes)):
            src_names, dst_names = names[li - 1], names[li]
            if form == "matrix_unnamed":
                rows = [[rnd(rng, -1, 1, decimals) for _ in src_names] for _ in dst_names]
                src = "input" if li == 1 else f"layer{li - 1}"
                weight_lines.append(
                    f"weights layer{li} <- {src} [{', '.join(_row(r) for r in rows)}]"
                )
            else:
                conn = connections(rng, len(src_names), len(dst_names), sparse)
                for d, dst in enumerate(dst_names):
                    for s, src in enumerate(src_names):
                        if conn[d][s]:
                            n_weights += 1
                            w = weight_name(scheme, n_weights, src, dst)
                            value = rnd(rng, -1, 1, decimals)
                            weight_lines.append(f"weight {w} {src} -> {dst} {value}")
            layer_bias_lines = []
            if form == "matrix_unnamed" and rng.random() < 0.5:
                values = [rnd(rng, -1, 1, decimals) for _ in dst_names]
                layer_bias_lines.append(f"biases layer{li} {_row(values)}")
            else:
                for group in bias_groups(rng, dst_names):
                    n_biases += 1
                    b = bias_name(scheme, n_biases, group)
                    frozen = " frozen" if rng.random() < 0.15 else ""
                    value = rnd(rng, -1, 1, decimals)
                    layer_bias_lines.append(f"bias {b} {' '.join(group)} {value}{frozen}")
            if biases_inline:
                weight_lines += layer_bias_lines
            else:
                bias_lines += layer_bias_lines
        lines += weight_lines + bias_lines
    lines.append(f"loss {loss}")
    lines.append(f"rate {rate}")
    lines += [line for line in (mode_line, epochs_line) if line]
    return "\n".join(lines) + "\n"


def _row(values: list[str]) -> str:
    return "[" + ", ".join(values) + "]"


# --------------------------------------------------------------------------------------------
# Cases, checks, output
# --------------------------------------------------------------------------------------------


def features(net: Net, text: str) -> dict[str, Any]:
    named_layers = any(line.split()[1].endswith(":") for line in _lines(text, "layer"))
    if not (net.matrix or net.bias_vec):
        form = "named"
    else:
        form = "matrix" if named_layers else "matrix_unnamed"
    sizes = [len(net.inputs), *(len(layer.neurons) for layer in net.layers)]
    with_bias = set()
    for li, groups in net.shared.items():
        for _leaf, dsts in groups:
            with_bias |= {(li, d) for d in dsts}
    for li in net.bias_vec:
        with_bias |= {(li, d) for d in range(sizes[li + 1])}
    missing = sum(
        sizes[li] * sizes[li + 1] - len(net.edges.get(li, []))
        for li in range(len(net.layers))
        if li not in net.matrix
    )
    return {
        "form": form,
        "sizes": sizes,
        "hidden": [layer.act for layer in net.layers[:-1]],
        "output": net.layers[-1].act,
        "loss": net.loss,
        "samples": len(net.samples),
        "single": net.single,
        "mode": net.mode,
        "epochs": net.epochs,
        "shared_bias": any(len(d) > 1 for groups in net.shared.values() for _, d in groups),
        "frozen_bias": bool(net.frozen),
        "neurons_without_bias": sum(sizes[1:]) - len(with_bias),
        "missing_weights": missing,
        "bias_lines_in_matrix": form == "matrix" and net.bias_lines > 0,
    }


def _lines(text: str, keyword: str) -> list[str]:
    out = []
    for line in text.splitlines():
        tok = line.split("#", 1)[0].split()
        if tok and tok[0] == keyword:
            out.append(" ".join(tok))
    return out


def acceptable(steps: list[dict[str, Any]], m: Margins) -> bool:
    if m.kink < KINK or m.mae < KINK or m.bce < 1e-6 or m.size > 1e3:
        return False
    return max(abs(g) for g in steps[0]["gradients"].values()) > 1e-6


def close(a: float, b: float, tol: float, what: str) -> None:
    assert abs(a - b) <= tol, f"{what}: {a!r} vs published {b!r} (tolerance {tol})"


def check_published(classic: list[dict[str, Any]], textbook: list[dict[str, Any]]) -> None:
    """The published numbers (the classic example to 1e-8; the textbook rounds to 3 digits)."""
    (s,) = classic
    close(s["loss"], 0.298371109, 1e-8, "classic E")
    close(s["updated"]["w5"], 0.35891648, 1e-8, "classic w5")
    close(s["updated"]["w1"], 0.149780716, 1e-8, "classic w1")
    fwd = s["samples"][0]["forward"]
    close(fwd["h1"]["net"], 0.3775, 1e-12, "classic net_h1")
    close(fwd["h1"]["out"], 0.593269992, 1e-8, "classic out_h1")
    close(fwd["o1"]["out"], 0.75136507, 1e-8, "classic out_o1")
    close(s["updated"]["b1"], 0.35, 0, "classic b1 (frozen)")
    (s,) = textbook
    fwd = s["samples"][0]["forward"]
    published_out = {"4": 0.332, "5": 0.525, "6": 0.474}
    for n, v in published_out.items():
        close(fwd[n]["out"], v, 5e-4, f"textbook O{n}")
    close(-s["gradients"]["θ6"], 0.1311, 1e-4, "textbook Err6")
    published = {"w46": -0.261, "w56": -0.138, "w14": 0.192, "w15": -0.306, "w24": 0.4}
    published |= {"w25": 0.1, "w34": -0.508, "w35": 0.194, "θ6": 0.218, "θ5": 0.194}
    published |= {"θ4": -0.408}
    for n, v in published.items():
        close(s["updated"][n], v, 1e-3, f"textbook {n}")


def make_cases(seed: int) -> tuple[list[dict[str, Any]], int]:
    rng = random.Random(seed)
    cases: list[dict[str, Any]] = []
    for text in (CLASSIC, TEXTBOOK):
        net = parse(text)
        steps, _m = train(net)
        cases.append({"id": f"net-{len(cases) + 1:03d}", "net": text, "steps": steps})
        cases[-1]["features"] = features(net, text)
    check_published(cases[0]["steps"], cases[1]["steps"])

    n_named = N_RANDOM - N_MATRIX - N_MATRIX_UNNAMED
    forms = ["matrix"] * N_MATRIX + ["matrix_unnamed"] * N_MATRIX_UNNAMED + ["named"] * n_named
    hidden = [HIDDEN_ACTS[k % len(HIDDEN_ACTS)] for k in range(N_RANDOM)]
    pairs = [OUT_LOSSES[k % len(OUT_LOSSES)] for k in range(N_RANDOM)]
    for lst in (forms, hidden, pairs):
        rng.shuffle(lst)
    redraws = 0
    for form, hidden_first, (out_act, loss) in zip(forms, hidden, pairs):
        case_id = f"net-{len(cases) + 1:03d}"
        for _attempt in range(10_000):
            text = draw(rng, form, hidden_first, out_act, loss)
            text = f"# {case_id}: {text[2:]}"
            net = parse(text)
            steps, m = train(net)
            if acceptable(steps, m):
                break
            redraws += 1
        else:
            raise RuntimeError(f"{case_id}: no acceptable draw")
        cases.append({"id": case_id, "net": text, "steps": steps, "features": features(net, text)})
    return cases, redraws


def dump(doc: dict[str, Any]) -> str:
    """Compact JSON, one case per line (so that the file diffs well)."""

    def one(o: Any) -> str:
        return json.dumps(o, ensure_ascii=False, allow_nan=False, separators=(",", ":"))

    head = {k: v for k, v in doc.items() if k != "cases"}
    lines = ["{"] + [f"{one(k)}:{one(v)}," for k, v in head.items()] + ['"cases":[']
    lines += [
        one(c) + ("," if i < len(doc["cases"]) - 1 else "") for i, c in enumerate(doc["cases"])
    ]
    lines.append("]}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == json.loads(json.dumps(doc))
    return text


def summary(cases: list[dict[str, Any]], redraws: int, size: int) -> list[str]:
    feats = [c["features"] for c in cases]
    n_steps = sum(len(c["steps"]) for c in cases)

    def count(values: list[Any]) -> str:
        return ", ".join(f"{k} {v}" for k, v in sorted(Counter(values).items(), key=str))

    out = [
        f"{len(cases)} cases ({N_RANDOM} random, {redraws} draws rejected), {n_steps} steps, "
        f"{size} bytes",
        "form: " + count([f["form"] for f in feats]),
        "hidden layers: " + count([len(f["hidden"]) for f in feats]),
        "hidden activations (per layer): " + count([a for f in feats for a in f["hidden"]]),
        "output activation: " + count([f["output"] for f in feats]),
        "loss: " + count([f["loss"] for f in feats]),
        "output/loss: " + count([f"{f['output']}/{f['loss']}" for f in feats]),
        "inputs: " + count([f["sizes"][0] for f in feats]),
        "outputs: " + count([f["sizes"][-1] for f in feats]),
        "samples: "
        + count([f["samples"] for f in feats])
        + f" (single inputs/targets {sum(f['single'] for f in feats)})",
        "mode: "
        + count([f["mode"] for f in feats])
        + f"; multi-sample: {count([f['mode'] for f in feats if f['samples'] > 1])}",
        "epochs: " + count([f["epochs"] for f in feats]),
        f"shared bias: {sum(f['shared_bias'] for f in feats)}, "
        f"frozen bias: {sum(f['frozen_bias'] for f in feats)}, "
        f"neurons without bias: {sum(f['neurons_without_bias'] > 0 for f in feats)}, "
        f"missing weights: {sum(f['missing_weights'] > 0 for f in feats)}, "
        f"bias lines in matrix form: {sum(f['bias_lines_in_matrix'] for f in feats)}",
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="only compare with the existing file")
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)  # nothing here is random in torch; set for good measure

    cases, redraws = make_cases(args.seed)
    doc = {
        "generated_by": "scripts/make_backprop_oracle.py",
        "regenerate": REGENERATE,
        "versions": {"torch": torch.__version__, "python": platform.python_version()},
        "seed": args.seed,
        "dtype": "float64",
        "notes": NOTES,
        "cases": cases,
    }
    text = dump(doc)
    for line in summary(cases, redraws, len(text.encode())):
        print(line)
    print(f"versions: torch {torch.__version__}, python {platform.python_version()}")
    print("published examples: net-001 (2-2-2) and net-002 (3-2-1) match their published numbers")
    return write_or_check(args.out, text, args.check)


if __name__ == "__main__":
    sys.exit(main())
