#!/usr/bin/env python3
"""Independent oracle for `dlcalc shapes`: framework-measured shapes and parameter counts.

This script does NOT import dlcalc.  It generates random architectures from a seeded
random description (a list of dicts), writes each one both as dlcalc text (see the
README's architecture-file reference) and as a real framework model (PyTorch, or
Keras 3 on the torch backend), runs a dummy forward pass (batch 1) and records, per text
line, the channels-last output shape, the trainable / non-trainable parameter counts and
the layer's weight tensors (``weights``: name, shape, trainable, in the framework's order)
measured by the framework.  The weights are PyTorch's ``named_parameters()`` of the module
that implements the line (names relative to it; buffers such as BatchNorm's running
statistics are not parameters), or Keras's ``layer.weights`` named by the last component
of ``variable.path`` (``forward_`` / ``backward_`` prefixed inside Bidirectional).  It also
builds a few standard models (AlexNet, VGG-16/19, ResNet-18/50 in plain torch.nn with
torchvision's layouts; ResNet50 and MobileNet from keras.applications) and checks their
published parameter counts.

Every shape and count written to the JSON comes from the framework.  As a sanity check
the generator also computes the formulas of the README's reference; disagreements are
printed (they mean the reference and a framework disagree, or a bug here).

Requirements (own virtual environment, not the project's):
    python3 -m venv /work/oracle-venv
    /work/oracle-venv/bin/pip install torch==2.13.0 keras
Regenerate:
    KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_shapes_oracle.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")  # e.g. softmax over a size-1 axis: harmless for shapes

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from keras import layers as KL  # noqa: E402

SEED = 20250611
N_CASES = 150
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "shapes_oracle.json"

ACTIVATIONS = [
    "relu",
    "relu6",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "sigmoid",
    "hard_sigmoid",
    "tanh",
    "softmax",
    "log_softmax",
    "swish",
    "silu",
    "hard_swish",
    "mish",
    "softplus",
    "softsign",
    "linear",
]
ALIASES = {
    "conv": ["conv2d"],
    "dense": ["fc"],
    "batchnorm": ["bn"],
    "layernorm": ["ln"],
    "globalavgpool": ["gap"],
    "globalmaxpool": ["gmp"],
    "convtranspose": ["deconv"],
    "maxpool": ["maxpool2d"],
    "avgpool": ["avgpool2d"],
    "separable": ["separableconv"],
    "depthwise": ["depthwiseconv"],
}
SPATIAL = {"img": 2, "vol": 3, "seq": 1}


class Invalid(Exception):
    """The proposed layer is not valid on the current shape (try another)."""


# ----------------------------------------------------------------------------------------
# Formulas of the README's architecture reference (used only to keep the random cases
# valid and as a cross-check; the JSON holds what the frameworks measure).
# ----------------------------------------------------------------------------------------


def same_total_pad(n, f, s, d):
    out = -(-n // s)
    return max((out - 1) * s + d * (f - 1) + 1 - n, 0)


def conv_len(n, f, s, d, pad):
    if pad == "same":
        return -(-n // s)
    p = 0 if pad == "valid" else pad
    if n + 2 * p < d * (f - 1) + 1:
        raise Invalid
    return (n + 2 * p - d * (f - 1) - 1) // s + 1


def pool_len(n, f, s, pad, ceil):
    """PyTorch's rule (floor, or ceil with the 'window must start inside' correction)."""
    if pad == "same":
        return -(-n // s)
    p = 0 if pad == "valid" else pad
    if n + 2 * p < f:
        raise Invalid
    if not ceil:
        return (n + 2 * p - f) // s + 1
    out = -(-(n + 2 * p - f) // s) + 1
    if (out - 1) * s >= n + p:
        out -= 1
    return out


def pool_ceil_naive(n, f, s, p):
    return -(-(n + 2 * p - f) // s) + 1


def tconv_len(n, f, s, d, pad, op):
    if pad == "same":
        return n * s
    p = 0 if pad == "valid" else pad
    return (n - 1) * s - 2 * p + d * (f - 1) + op + 1


def prod(xs):
    r = 1
    for x in xs:
        r *= x
    return r


# ----------------------------------------------------------------------------------------
# Random architecture description
# ----------------------------------------------------------------------------------------


class Case:
    """A random architecture: nodes[0] is the input, nodes[1:] are the text lines."""

    def __init__(
        self, rng, convention, shape, layout, times=False, aliases=True, default_names=False
    ):
        self.rng = rng
        self.conv = convention  # "pytorch" | "keras"
        self.nodes = [
            {
                "kind": "input",
                "shape": tuple(shape),
                "layout": layout,
                "src": [],
                "exp_params": (0, 0),
            }
        ]
        self.times = times
        self.aliases = aliases
        self.default_names = default_names
        self.features = Counter()

    # -- helpers ---------------------------------------------------------------------
    @property
    def cur(self):
        return len(self.nodes) - 1

    def shape(self, i=None):
        return self.nodes[self.cur if i is None else i]["shape"]

    def layout(self, i=None):
        return self.nodes[self.cur if i is None else i]["layout"]

    @property
    def torch(self):
        return self.conv == "pytorch"

    def push(self, node, src=None):
        node["src"] = [self.cur] if src is None else list(src)
        self.nodes.append(node)
        return self.cur

    def feat(self, *names):
        for n in names:
            self.features[n] += 1

    # -- parameter formulas of the document --------------------------------------------
    def bn_params(self, c):
        return (2 * c, 2 * c) if self.conv == "keras" else (2 * c, 0)

    def rnn_params(self, kind, f, u, bidir, reset_after=True):
        if self.conv == "keras":
            base = u * (f + u) + u
            if kind == "lstm":
                p = 4 * base
            elif kind == "gru":
                p = 3 * (u * (f + u) + (2 * u if reset_after else u))
            else:
                p = base
        else:
            base = u * (f + u) + 2 * u
            p = {"rnn": 1, "lstm": 4, "gru": 3}[kind] * base
        return (2 * p if bidir else p), 0


# -- generation of single layers ------------------------------------------------------


def pick_stride(rng, nd, keras_dilated=False):
    if keras_dilated:
        return (1,) * nd
    r = rng.random()
    if r < 0.5:
        return (1,) * nd
    if r < 0.8:
        return (2,) * nd
    if r < 0.9 and nd == 2:
        return rng.choice([(2, 1), (1, 2), (3, 2), (2, 3)])
    return (rng.choice([2, 3]),) * nd


def pick_kernel(rng, nd, choices=(1, 2, 3, 3, 3, 5)):
    if nd >= 2 and rng.random() < 0.2:
        if nd == 2:
            return rng.choice([(1, 3), (3, 1), (3, 5), (5, 3), (2, 3), (1, 5), (3, 2)])
        return rng.choice([(1, 3, 3), (3, 1, 1), (3, 3, 1), (2, 3, 3)])
    return (rng.choice(choices),) * nd


def pick_conv_padding(case, nd, allow_per_axis=True):
    """Returns (pad, text) with pad 'valid' | 'same' | tuple of ints; text None = omitted."""
    rng = case.rng
    r = rng.random()
    if r < 0.2:
        return "valid", None
    if r < 0.35:
        return "valid", "valid"
    if r < 0.65 or not case.torch:
        return "same", "same"
    if allow_per_axis and nd == 2 and rng.random() < 0.3:
        ph, pw = rng.choice([(0, 1), (1, 0), (1, 2), (2, 1), (0, 2)])
        return (ph, pw), f"{ph}x{pw}"
    p = rng.choice([0, 1, 1, 2])
    return (p,) * nd, str(p)


def out_spatial(sp, k, s, d, pad):
    out = []
    for i, n in enumerate(sp):
        pa = pad if isinstance(pad, str) else pad[i]
        out.append(conv_len(n, k[i], s[i], d[i], pa))
    return tuple(out)


def divisors_common(a, b):
    return [g for g in range(2, min(a, b) + 1) if a % g == 0 and b % g == 0]


def gen_conv(
    case,
    kind="conv",
    filters=None,
    kernel=None,
    stride=None,
    pad=None,
    pad_text=None,
    bias=None,
    act=None,
    name=None,
    src=None,
    allow_groups=True,
    max_hw=64,
):
    rng = case.rng
    lay = case.layout(src[0] if src else None)
    sh = case.shape(src[0] if src else None)
    nd = {"conv": 2, "conv1d": 1, "conv3d": 3}[kind]
    assert SPATIAL[lay] == nd, (kind, lay)
    sp, c = sh[:-1], sh[-1]
    k = kernel or pick_kernel(rng, nd, (1, 2, 3, 3, 3, 5) if nd < 3 else (1, 2, 3))
    d = (1,) * nd
    if stride is None:
        s = pick_stride(rng, nd)
        if rng.random() < 0.2 and max(k) > 1 and (case.torch or max(s) == 1):
            d = (2,) * nd
    else:
        s = stride
    if pad is None:
        pad, pad_text = pick_conv_padding(case, nd, allow_per_axis=(nd == 2))
    K = filters or rng.choice([2, 3, 4, 6, 8, 12, 16])
    G = 1
    if allow_groups and rng.random() < 0.15:
        g = divisors_common(c, K)
        if g:
            G = rng.choice(g)
    if bias is None:
        bias = rng.random() > 0.2
    if act is None and rng.random() < 0.15:
        act = rng.choice(["relu", "relu", "tanh", "sigmoid", "elu", "gelu", "swish"])
    osp = out_spatial(sp, k, s, d, pad)
    if min(osp) < 1 or max(osp) > max_hw:
        raise Invalid
    params = prod(k) * c // G * K + (K if bias else 0)
    node = {
        "kind": kind,
        "K": K,
        "k": k,
        "s": s,
        "d": d,
        "pad": pad,
        "pad_text": pad_text,
        "G": G,
        "bias": bias,
        "act": act,
        "shape": (*osp, K),
        "layout": lay,
        "exp_params": (params, 0),
    }
    if name:
        node["name"] = name
    case.feat(kind)
    if max(s) > 1:
        case.feat(f"{kind}:stride>1")
    if len(set(s)) > 1:
        case.feat(f"{kind}:stride per-axis")
    if len(set(k)) > 1:
        case.feat(f"{kind}:non-square kernel")
    if max(d) > 1:
        case.feat(f"{kind}:dilation")
    if G > 1:
        case.feat(f"{kind}:groups")
    if not bias:
        case.feat(f"{kind}:bias=false")
    if act:
        case.feat(f"{kind}:activation=")
    if pad == "same":
        case.feat(f"{kind}:padding=same" + (" stride>1" if max(s) > 1 else ""))
    elif pad == "valid":
        case.feat(f"{kind}:padding=valid" + (" (omitted)" if pad_text is None else ""))
    elif len(set(pad)) > 1:
        case.feat(f"{kind}:padding=PHxPW")
    else:
        case.feat(f"{kind}:padding=P")
    return case.push(node, src)


def gen_depthwise(case, separable=False):
    rng = case.rng
    h, w, c = case.shape()
    k = pick_kernel(rng, 2, (2, 3, 3, 5))
    s = pick_stride(rng, 2)
    d = (1, 1)
    if rng.random() < 0.2 and max(k) > 1 and (case.torch or max(s) == 1):
        d = (2, 2)
    pad, pad_text = pick_conv_padding(case, 2, allow_per_axis=False)
    M = rng.choice([1, 1, 2, 3])
    bias = rng.random() > 0.25
    osp = out_spatial((h, w), k, s, d, pad)
    if min(osp) < 1:
        raise Invalid
    kind = "separable" if separable else "depthwise"
    node = {
        "kind": kind,
        "k": k,
        "s": s,
        "d": d,
        "pad": pad,
        "pad_text": pad_text,
        "M": M,
        "bias": bias,
        "layout": "img",
        "show_M": M > 1 or rng.random() < 0.3,
    }
    if separable:
        K = rng.choice([4, 6, 8, 12, 16])
        node["K"] = K
        node["shape"] = (*osp, K)
        params = prod(k) * c * M + c * M * K + (K if bias else 0)
    else:
        node["shape"] = (*osp, c * M)
        params = prod(k) * c * M + (c * M if bias else 0)
    node["exp_params"] = (params, 0)
    case.feat(kind)
    if M > 1:
        case.feat(f"{kind}:multiplier")
    if max(s) > 1:
        case.feat(f"{kind}:stride>1")
    if max(d) > 1:
        case.feat(f"{kind}:dilation")
    if not bias:
        case.feat(f"{kind}:bias=false")
    case.feat(f"{kind}:padding=" + (pad if isinstance(pad, str) else "P"))
    return case.push(node)


def gen_convtranspose(case):
    rng = case.rng
    h, w, c = case.shape()
    K = rng.choice([2, 4, 6, 8])
    G = 1
    if case.torch:
        if rng.random() < 0.2:  # kernel smaller than the stride
            k = rng.choice([(1, 1), (2, 2), (1, 2)])
            s = rng.choice([(2, 2), (3, 3)])
        else:
            k = pick_kernel(rng, 2, (1, 2, 3, 3, 4))
            s = rng.choice([(1, 1), (2, 2), (2, 2), (3, 3), (2, 1)])
        d = (2, 2) if rng.random() < 0.15 else (1, 1)
        r = rng.random()
        if r < 0.25:
            pad, pad_text = "valid", None
        elif r < 0.45:
            pad, pad_text = "valid", "valid"
        else:
            p = rng.choice([0, 1, 1, 2])
            pad, pad_text = (p, p), str(p)
        op = 0
        op_max = max(min(s), d[0])  # PyTorch: output_padding < stride or < dilation
        if op_max > 1 and rng.random() < 0.5:
            op = rng.randrange(1, op_max)
        if rng.random() < 0.15:
            g = divisors_common(c, K)
            if g:
                G = rng.choice(g)
    else:  # Keras: only 'same' (Keras's 'valid' differs from PyTorch when kernel < stride)
        k = pick_kernel(rng, 2, (2, 3, 3, 4))
        s = rng.choice([(1, 1), (2, 2), (2, 2)])
        s = tuple(min(a, b) for a, b in zip(s, k))
        d = (1, 1)
        pad, pad_text = "same", "same"
        op = 0
    bias = rng.random() > 0.2
    osp = []
    for i, n in enumerate((h, w)):
        pa = pad if isinstance(pad, str) else pad[i]
        osp.append(tconv_len(n, k[i], s[i], d[i], pa, op))
    if min(osp) < 1 or max(osp) > 64:
        raise Invalid
    node = {
        "kind": "convtranspose",
        "K": K,
        "k": k,
        "s": s,
        "d": d,
        "pad": pad,
        "pad_text": pad_text,
        "op": op,
        "G": G,
        "bias": bias,
        "shape": (*osp, K),
        "layout": "img",
        "exp_params": (prod(k) * c // G * K + (K if bias else 0), 0),
    }
    case.feat("convtranspose")
    if op:
        case.feat("convtranspose:output_padding")
    if max(s) > 1:
        case.feat("convtranspose:stride>1")
    if min(k) < max(s):
        case.feat("convtranspose:kernel<stride")
    if max(d) > 1:
        case.feat("convtranspose:dilation")
    if G > 1:
        case.feat("convtranspose:groups")
    case.feat("convtranspose:padding=" + (pad if isinstance(pad, str) else "P"))
    return case.push(node)


def gen_pool(case, kind, force=None):
    rng = case.rng
    h, w, c = case.shape()
    if force:
        k, s, pad, pad_text, ceil, s_text = force
    else:
        k = rng.choice([(2, 2), (2, 2), (3, 3), (3, 3), (3, 2), (2, 3)])
        if rng.random() < 0.45:
            s, s_text = k, False
        else:
            s = rng.choice([(1, 1), (2, 2), (2, 2), (3, 3), (2, 1), (1, 2)])
            s_text = True
        ceil = False
        if case.torch:
            r = rng.random()
            if r < 0.5:
                pad, pad_text = "valid", None
            elif r < 0.6:
                pad, pad_text = "valid", "valid"
            else:
                p = rng.randint(0, min(k) // 2)
                pad, pad_text = (p, p), str(p)
            ceil = rng.random() < 0.35
        else:
            r = rng.random()
            if r < 0.4:
                pad, pad_text = "valid", None
            elif r < 0.55:
                pad, pad_text = "valid", "valid"
            else:
                pad, pad_text = "same", "same"
    osp = []
    edge = False
    for i, n in enumerate((h, w)):
        pa = pad if isinstance(pad, str) else pad[i]
        osp.append(pool_len(n, k[i], s[i], pa, ceil))
        if ceil and not isinstance(pa, str) and osp[-1] != pool_ceil_naive(n, k[i], s[i], pa):
            edge = True
        if ceil and pa == "valid" and osp[-1] != pool_ceil_naive(n, k[i], s[i], 0):
            edge = True
    if min(osp) < 1:
        raise Invalid
    node = {
        "kind": kind,
        "k": k,
        "s": s,
        "s_text": s_text,
        "pad": pad,
        "pad_text": pad_text,
        "ceil": ceil,
        "shape": (*osp, c),
        "layout": "img",
        "exp_params": (0, 0),
        "ceil_edge": edge,
    }
    case.feat(kind)
    if not s_text:
        case.feat(f"{kind}:default stride")
    if len(set(k)) > 1:
        case.feat(f"{kind}:non-square")
    if ceil:
        case.feat(f"{kind}:ceil=true")
    if edge:
        case.feat(f"{kind}:ceil=true last-window correction")
    case.feat(f"{kind}:padding=" + (pad if isinstance(pad, str) else "P"))
    return case.push(node)


def gen_simple(case, kind, src=None, name=None, **kw):
    """Layers whose shape follows simply from the input: bn, ln, dropout, act, flatten,
    global pools, zeropad, adaptive pools, dense."""
    rng = case.rng
    i = case.cur if src is None else src[0]
    sh, lay = case.shape(i), case.layout(i)
    c = sh[-1]
    node = {"kind": kind, "layout": lay, "shape": sh, "exp_params": (0, 0)}
    if kind == "batchnorm":
        node["exp_params"] = case.bn_params(c)
    elif kind == "layernorm":
        node["exp_params"] = (2 * c, 0)
    elif kind == "dropout":
        node["rate"] = kw.get("rate") or rng.choice([0.1, 0.2, 0.25, 0.3, 0.5])
    elif kind == "act":
        node["act"] = kw.get("act") or rng.choice(ACTIVATIONS)
        case.feat(f"act:{node['act']}")
    elif kind == "flatten":
        node["shape"], node["layout"] = (prod(sh),), "vec"
    elif kind in ("globalavgpool", "globalmaxpool"):
        assert lay in ("img", "vol", "seq")
        node["shape"], node["layout"] = (c,), "vec"
        case.feat(f"{kind}:on {lay}")
    elif kind == "zeropad":
        p = kw.get("p") or rng.choice([(1, 1), (1, 1), (2, 2), (1, 2), (2, 0), (0, 1)])
        node["p"] = p
        node["shape"] = (sh[0] + 2 * p[0], sh[1] + 2 * p[1], c)
        if p[0] != p[1]:
            case.feat("zeropad:PHxPW")
    elif kind in ("adaptiveavgpool", "adaptivemaxpool"):
        oh = rng.randint(1, min(4, sh[0]))
        ow = rng.randint(1, min(4, sh[1]))
        node["o"] = (oh, ow)
        node["shape"] = (oh, ow, c)
    elif kind == "dense":
        n = kw.get("units") or rng.choice([3, 5, 8, 10, 16, 32, 64])
        bias = kw.get("bias", rng.random() > 0.15)
        act = kw.get("act", rng.choice([None] * 4 + ["relu", "softmax", "tanh", "sigmoid"]))
        fan_in = prod(sh) if lay in ("img", "vol") else c
        node.update(N=n, bias=bias, act=act, exp_params=(fan_in * n + (n if bias else 0), 0))
        if lay == "seq":
            node["shape"] = (sh[0], n)
        else:
            node["shape"], node["layout"] = (n,), "vec"
        case.feat(f"dense:on {lay}")
        if not bias:
            case.feat("dense:bias=false")
        if act:
            case.feat("dense:activation=")
    else:
        raise ValueError(kind)
    if name:
        node["name"] = name
    case.feat(kind)
    if kind in ("batchnorm", "layernorm", "dropout"):
        case.feat(f"{kind}:on {lay}")
    return case.push(node, src)


def gen_rnn(case, kind, return_sequences, bidir=None, units=None):
    rng = case.rng
    t, f = case.shape()
    assert case.layout() == "seq"
    u = units or rng.choice([3, 4, 6, 8, 12, 16])
    if bidir is None:
        bidir = rng.random() < 0.35
    reset_after = True
    if kind == "gru" and not case.torch and rng.random() < 0.6:
        reset_after = False
    width = 2 * u if bidir else u
    node = {
        "kind": kind,
        "N": u,
        "rs": return_sequences,
        "bidir": bidir,
        "reset_after": reset_after,
        "layout": "seq" if return_sequences else "vec",
        "shape": (t, width) if return_sequences else (width,),
        "exp_params": case.rnn_params(kind, f, u, bidir, reset_after),
    }
    case.feat(kind)
    if return_sequences:
        case.feat(f"{kind}:return_sequences")
    if bidir:
        case.feat(f"{kind}:bidirectional")
    if not reset_after:
        case.feat("gru:reset_after=false")
    return case.push(node)


def gen_merge(case, kind, srcs, axis=None):
    shapes = [case.shape(i) for i in srcs]
    lay = case.layout(srcs[0])
    if kind == "add":
        if len(set(shapes)) != 1:
            raise Invalid
        shape = shapes[0]
    else:
        ax = -1 if axis is None else axis
        rest = {tuple(s[:ax] + s[ax + 1 :]) if ax != -1 else tuple(s[:-1]) for s in shapes}
        if len(rest) != 1:
            raise Invalid
        shape = list(shapes[0])
        shape[ax] = sum(s[ax] for s in shapes)
        shape = tuple(shape)
    node = {"kind": kind, "layout": lay, "shape": shape, "exp_params": (0, 0), "axis": axis}
    case.feat(kind, f"{kind}:{len(srcs)} inputs")
    if axis is not None:
        case.feat(f"concat:axis={axis}")
    return case.push(node, srcs)


def attempt(case, fn, *a, tries=40, **kw):
    """Call a generator until it yields a valid layer; returns the node index or None."""
    for _ in range(tries):
        state = case.rng.getstate()
        try:
            return fn(case, *a, **kw)
        except Invalid:
            # keep rng moving, discard partial
            case.rng.setstate(state)
            case.rng.random()
    return None


# -- templates ------------------------------------------------------------------------


def img_input(rng):
    h = rng.randint(8, 36)
    w = h if rng.random() < 0.6 else rng.randint(8, 36)
    c = rng.choice([1, 1, 3, 3, 3, 4, 6])
    return (h, w, c)


def img_layer(case):
    rng = case.rng
    if case.torch:
        table = [
            ("conv", 30),
            ("maxpool", 8),
            ("avgpool", 5),
            ("batchnorm", 8),
            ("act", 8),
            ("dropout", 3),
            ("zeropad", 3),
            ("depthwise", 9),
            ("separable", 4),
            ("convtranspose", 7),
            ("layernorm", 2),
            ("adaptiveavgpool", 4),
            ("adaptivemaxpool", 3),
        ]
    else:
        table = [
            ("conv", 30),
            ("maxpool", 8),
            ("avgpool", 7),
            ("batchnorm", 10),
            ("act", 8),
            ("dropout", 3),
            ("zeropad", 3),
            ("depthwise", 10),
            ("separable", 6),
            ("convtranspose", 5),
            ("layernorm", 2),
            ("adaptiveavgpool", 3),
            ("adaptivemaxpool", 2),
        ]
    kinds, weights = zip(*table)
    kind = rng.choices(kinds, weights)[0]
    if kind == "conv":
        return attempt(case, gen_conv, "conv")
    if kind in ("maxpool", "avgpool"):
        return attempt(case, gen_pool, kind)
    if kind in ("depthwise", "separable"):
        return attempt(case, gen_depthwise, kind == "separable")
    if kind == "convtranspose":
        return attempt(case, gen_convtranspose)
    if kind in ("adaptiveavgpool", "adaptivemaxpool", "zeropad") and max(case.shape()) > 48:
        return None
    return gen_simple(case, kind)


def mlp_tail(case, n_min=1, n_max=3, final=True):
    rng = case.rng
    for _ in range(rng.randint(n_min, n_max)):
        r = rng.random()
        if r < 0.55:
            gen_simple(case, "dense")
        elif r < 0.7:
            gen_simple(case, "batchnorm")
        elif r < 0.8:
            gen_simple(case, "dropout")
        elif r < 0.9:
            gen_simple(case, "act")
        else:
            gen_simple(case, "layernorm")
    if final:
        gen_simple(
            case,
            "dense",
            units=rng.choice([2, 3, 5, 10]),
            act=rng.choice([None, "softmax", "sigmoid"]),
        )


def img_head(case):
    rng = case.rng
    r = rng.random()
    if r < 0.35:
        gen_simple(case, "flatten")
    elif r < 0.6:
        gen_simple(case, "globalavgpool")
    elif r < 0.75:
        gen_simple(case, "globalmaxpool")
    elif r < 0.88 and case.torch:
        pass  # dense straight on the image (the document: flattened first)
    else:
        return  # fully convolutional: end on the feature map
    mlp_tail(case, 0, 2)


def t_img_chain(case):
    for _ in range(case.rng.randint(2, 7)):
        img_layer(case)
    img_head(case)


def t_img_graph(case):
    rng = case.rng
    if rng.random() < 0.5:
        attempt(case, gen_conv, "conv", filters=rng.choice([4, 8]), allow_groups=False)
    blocks = rng.randint(1, 3)
    for _ in range(blocks):
        kind = rng.choice(["res", "res", "proj", "incep", "add3", "concat_w", "share"])
        x = case.cur
        state = (case.rng.getstate(), len(case.nodes), Counter(case.features))
        try:
            GRAPH_BLOCKS[kind](case, x)
        except Invalid:
            case.rng.setstate(state[0])
            case.rng.random()
            del case.nodes[state[1] :]
            case.features = state[2]
        if rng.random() < 0.5:
            img_layer(case)
    img_head(case)


def same_pad(case, f):
    """'same' (Keras) or an integer padding that keeps the size at stride 1 (odd f)."""
    if case.torch and f % 2 == 1 and case.rng.random() < 0.6:
        p = (f - 1) // 2
        return (p, p), str(p)
    return "same", "same"


def blk_res(case, x):
    c = case.shape(x)[-1]
    pad, pt = same_pad(case, 3)
    gen_conv(
        case,
        "conv",
        filters=c,
        kernel=(3, 3),
        stride=(1, 1),
        pad=pad,
        pad_text=pt,
        bias=False,
        act=None,
        allow_groups=False,
    )
    gen_simple(case, "batchnorm")
    gen_simple(case, "act", act="relu")
    gen_conv(
        case,
        "conv",
        filters=c,
        kernel=(3, 3),
        stride=(1, 1),
        pad=pad,
        pad_text=pt,
        bias=False,
        act=None,
        allow_groups=False,
    )
    m = gen_simple(case, "batchnorm")
    gen_merge(case, "add", [m, x])
    gen_simple(case, "act", act="relu")


def blk_proj(case, x):
    rng = case.rng
    k_out = rng.choice([6, 8, 12, 16])
    s = rng.choice([1, 2])
    pad, pt = same_pad(case, 3)
    if s == 2 and pad == "same" and case.torch and rng.random() < 0.5:
        pad, pt = (1, 1), "1"
    # at stride 2, padding=1 gives floor((n-1)/2)+1 == ceil(n/2), like the 1x1 shortcut
    gen_conv(
        case,
        "conv",
        filters=k_out,
        kernel=(3, 3),
        stride=(s, s),
        pad=pad,
        pad_text=pt,
        bias=False,
        act=None,
        allow_groups=False,
    )
    gen_simple(case, "batchnorm")
    gen_simple(case, "act", act="relu")
    gen_conv(
        case,
        "conv",
        filters=k_out,
        kernel=(3, 3),
        stride=(1, 1),
        pad=pad,
        pad_text=pt,
        bias=False,
        act=None,
        allow_groups=False,
    )
    m = gen_simple(case, "batchnorm")
    sc = gen_conv(
        case,
        "conv",
        filters=k_out,
        kernel=(1, 1),
        stride=(s, s),
        pad="valid",
        pad_text=None,
        bias=False,
        act=None,
        allow_groups=False,
        src=[x],
    )
    sc = gen_simple(case, "batchnorm")
    gen_merge(case, "add", [m, sc])
    gen_simple(case, "act", act="relu")


def blk_incep(case, x):
    rng = case.rng
    b1 = gen_conv(
        case,
        "conv",
        filters=rng.choice([2, 4, 8]),
        kernel=(1, 1),
        stride=(1, 1),
        pad="valid",
        pad_text=None,
        act="relu",
        src=[x],
        allow_groups=False,
    )
    pad, pt = same_pad(case, 3)
    b2 = gen_conv(
        case,
        "conv",
        filters=rng.choice([4, 8]),
        kernel=(3, 3),
        stride=(1, 1),
        pad=pad,
        pad_text=pt,
        src=[x],
        allow_groups=False,
    )
    branches = [b1, b2]
    if rng.random() < 0.6:
        pad5, pt5 = same_pad(case, 5)
        branches.append(
            gen_conv(
                case,
                "conv",
                filters=rng.choice([2, 4]),
                kernel=(5, 5),
                stride=(1, 1),
                pad=pad5,
                pad_text=pt5,
                src=[x],
                allow_groups=False,
            )
        )
    if rng.random() < 0.7:
        if case.torch:
            pool_force = ((3, 3), (1, 1), (1, 1), "1", False, True)
        else:
            pool_force = ((3, 3), (1, 1), "same", "same", False, True)
        gen_pool_from(case, "maxpool", pool_force, [x])
        branches.append(
            gen_conv(
                case,
                "conv",
                filters=rng.choice([2, 4]),
                kernel=(1, 1),
                stride=(1, 1),
                pad="valid",
                pad_text=None,
                allow_groups=False,
            )
        )
    rng.shuffle(branches)
    gen_merge(case, "concat", branches, axis=-1 if rng.random() < 0.3 else None)


def gen_pool_from(case, kind, force, src):
    """A pool reading `src` (not the previous line)."""
    h, w, c = case.shape(src[0])
    k, s, pad, pad_text, ceil, s_text = force
    osp = []
    for i, n in enumerate((h, w)):
        pa = pad if isinstance(pad, str) else pad[i]
        osp.append(pool_len(n, k[i], s[i], pa, ceil))
    node = {
        "kind": kind,
        "k": k,
        "s": s,
        "s_text": s_text,
        "pad": pad,
        "pad_text": pad_text,
        "ceil": ceil,
        "shape": (*osp, c),
        "layout": "img",
        "exp_params": (0, 0),
        "ceil_edge": False,
    }
    case.feat(kind, f"{kind}:padding=" + (pad if isinstance(pad, str) else "P"))
    return case.push(node, src)


def blk_add3(case, x):
    rng = case.rng
    k_out = rng.choice([4, 6, 8])
    srcs = []
    for f in rng.sample([1, 3, 5], 3):
        pad, pt = same_pad(case, f) if f > 1 else ("valid", None)
        srcs.append(
            gen_conv(
                case,
                "conv",
                filters=k_out,
                kernel=(f, f),
                stride=(1, 1),
                pad=pad,
                pad_text=pt,
                src=[x],
                allow_groups=False,
            )
        )
    gen_merge(case, "add", srcs)


def blk_concat_w(case, x):
    """Concatenate along axis=-2 (W): same H and C, different W."""
    rng = case.rng
    k_out = rng.choice([4, 8])
    pad, pt = same_pad(case, 3)
    a = gen_conv(
        case,
        "conv",
        filters=k_out,
        kernel=(3, 3),
        stride=(1, 1),
        pad=pad,
        pad_text=pt,
        src=[x],
        allow_groups=False,
    )
    b = gen_conv(
        case,
        "conv",
        filters=k_out,
        kernel=(1, 3),
        stride=(1, 1),
        pad="valid",
        pad_text=rng.choice([None, "valid"]),
        src=[x],
        allow_groups=False,
    )
    gen_merge(case, "concat", [a, b], axis=-2)


def blk_share(case, x):
    """A conv applied twice with the same weights (share=NAME)."""
    c = case.shape(x)[-1]
    pad, pt = same_pad(case, 3)
    a = gen_conv(
        case,
        "conv",
        filters=c,
        kernel=(3, 3),
        stride=(1, 1),
        pad=pad,
        pad_text=pt,
        bias=True,
        act=None,
        allow_groups=False,
    )
    gen_simple(case, "act", act="relu")
    b = gen_conv(
        case,
        "conv",
        filters=c,
        kernel=(3, 3),
        stride=(1, 1),
        pad=pad,
        pad_text=pt,
        bias=True,
        act=None,
        allow_groups=False,
    )
    case.nodes[b]["share"] = a
    case.nodes[b]["exp_params"] = (0, 0)
    case.feat("share")
    gen_merge(case, "add", [b, x])


GRAPH_BLOCKS = {
    "res": blk_res,
    "proj": blk_proj,
    "incep": blk_incep,
    "add3": blk_add3,
    "concat_w": blk_concat_w,
    "share": blk_share,
}


def seq_layer(case, allow_rnn=True):
    rng = case.rng
    table = [
        ("conv1d", 10),
        ("rnn", 3 if allow_rnn else 0),
        ("lstm", 4 if allow_rnn else 0),
        ("gru", 6 if allow_rnn else 0),
        ("dense", 3),
        ("layernorm", 2),
        ("batchnorm", 2),
        ("dropout", 2),
        ("act", 2),
    ]
    kinds, weights = zip(*table)
    kind = rng.choices(kinds, weights)[0]
    if kind == "conv1d":
        return attempt(case, gen_conv, "conv1d", max_hw=100)
    if kind in ("rnn", "lstm", "gru"):
        return gen_rnn(case, kind, True)
    return gen_simple(case, kind)


def seq_tail(case):
    rng = case.rng
    r = rng.random()
    if r < 0.45:
        gen_rnn(case, rng.choice(["rnn", "lstm", "gru", "lstm", "gru"]), False)
    elif r < 0.6:
        gen_simple(case, "globalmaxpool")
    elif r < 0.72:
        gen_simple(case, "globalavgpool")
    elif r < 0.85:
        gen_simple(case, "flatten")
    else:
        gen_simple(case, "dense", units=rng.choice([2, 5, 9]), act="softmax")
        return  # sequence output (per-step classifier)
    mlp_tail(case, 0, 2)


def t_seq(case):
    rng = case.rng
    first = rng.choice(["conv1d", "conv1d", "rnn", "lstm", "gru"])
    if first == "conv1d":
        while attempt(case, gen_conv, "conv1d", max_hw=100) is None:
            pass
    else:
        gen_rnn(case, first, True)
    for _ in range(rng.randint(0, 4)):
        seq_layer(case)
    if rng.random() < 0.3:
        seq_graph(case)
    seq_tail(case)


def seq_graph(case):
    """Two conv1d branches on the same sequence, merged (text-CNN style)."""
    rng = case.rng
    x = case.cur
    k_out = rng.choice([4, 8])
    srcs = []
    for f in rng.sample([1, 2, 3, 5], 2):
        srcs.append(
            gen_conv(
                case,
                "conv1d",
                filters=k_out,
                kernel=(f,),
                stride=(1,),
                pad="same",
                pad_text="same",
                src=[x],
                allow_groups=False,
            )
        )
    if rng.random() < 0.5:
        gen_merge(case, "concat", srcs)
    else:
        gen_merge(case, "add", srcs)


def t_embed(case):
    rng = case.rng
    v = rng.choice([50, 100, 500, 1000, 5000])
    d = rng.choice([4, 8, 16, 32])
    t = case.shape()[0]
    node = {
        "kind": "embedding",
        "V": v,
        "D": d,
        "shape": (t, d),
        "layout": "seq",
        "exp_params": (v * d, 0),
    }
    case.feat("embedding")
    case.push(node)
    for _ in range(rng.randint(0, 3)):
        seq_layer(case)
    seq_tail(case)


def t_vol(case):
    rng = case.rng
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if r < 0.6:
            attempt(case, gen_conv, "conv3d", max_hw=40)
        elif r < 0.75:
            gen_simple(case, "batchnorm")
        elif r < 0.9:
            gen_simple(case, "act")
        else:
            gen_simple(case, "dropout")
    if case.layout() != "vol" or case.nodes[-1]["kind"] != "conv3d":
        attempt(case, gen_conv, "conv3d", max_hw=40)
    r = rng.random()
    if r < 0.4:
        gen_simple(case, "globalavgpool")
    elif r < 0.6:
        gen_simple(case, "globalmaxpool")
    else:
        gen_simple(case, "flatten")
    mlp_tail(case, 0, 1)


def t_mlp(case):
    rng = case.rng
    gen_simple(case, "dense", act=rng.choice([None, "relu"]))
    if rng.random() < 0.5:
        x = case.cur
        n = rng.choice([8, 16])
        a = gen_simple(case, "dense", units=n, act="relu", src=[x])
        b = gen_simple(case, "dense", units=n, act=None, src=[x], bias=False)
        gen_merge(case, rng.choice(["add", "concat"]), [a, b])
    mlp_tail(case, 1, 3)


def t_pool_edge(case):
    """Pools with ceil=true where PyTorch's 'last window starts inside' rule bites."""
    rng = case.rng
    for _ in range(rng.randint(1, 2)):
        attempt(case, gen_conv, "conv", stride=(1, 1), pad="valid", pad_text=None)
    for _ in range(200):
        h, w, _c = case.shape()
        f = rng.choice([2, 3])
        s = rng.choice([2, 3])
        p = rng.randint(1, f // 2)
        if any(pool_len(n, f, s, p, True) != pool_ceil_naive(n, f, s, p) for n in (h, w)):
            gen_pool(
                case,
                rng.choice(["maxpool", "avgpool"]),
                force=((f, f), (s, s), (p, p), str(p), True, True),
            )
            break
        # adjust the size with a zeropad and try again
        if h < 40:
            gen_simple(case, "zeropad", p=(1, 1))
    img_head(case)


# ----------------------------------------------------------------------------------------
# Text emission
# ----------------------------------------------------------------------------------------


def finalize_text(case):
    rng = case.rng
    nodes = case.nodes
    x = "×" if case.times else "x"

    def sz(t, force_full=False):
        t = tuple(t)
        if len(set(t)) == 1 and not force_full and (len(t) == 1 or rng.random() < 0.65):
            return str(t[0])
        return x.join(str(v) for v in t)

    # which nodes are referenced other than by the next line
    referenced = set()
    for i, n in enumerate(nodes):
        if i == 0:
            continue
        for s in n["src"]:
            if n["kind"] in ("add", "concat") or s != i - 1:
                referenced.add(s)
        if "share" in n:
            referenced.add(n["share"])
    words, names = {}, {0: "input"}
    counters = Counter()
    pool = iter(
        f"{a}{b}"
        for b in ["", "2", "3", "4", "5"]
        for a in [
            "left",
            "right",
            "skip",
            "main",
            "b",
            "br",
            "trunk",
            "side",
            "p",
            "q",
            "short",
            "x",
            "y",
            "z",
            "u",
            "v",
            "w",
            "feat",
            "m",
            "h",
        ]
    )
    for i, n in enumerate(nodes):
        if i == 0:
            continue
        kind = "act" if n["kind"] == "act" else n["kind"]
        word = n["act"] if kind == "act" else kind
        if case.aliases and kind in ALIASES and rng.random() < 0.12:
            word = rng.choice(ALIASES[kind])
            case.feat(f"alias:{word}")
        words[i] = word
        counters[word] += 1
        if "name" in n:
            names[i] = n["name"]
        elif i in referenced:
            if case.default_names and word in ("conv", "dense", "maxpool", "batchnorm"):
                names[i] = f"{word}{counters[word]}"
                n["default_name"] = True
                case.feat("reference by default name")
            else:
                names[i] = next(pool)
                n["explicit_name"] = True
    lines = ["input " + x.join(str(v) for v in nodes[0]["shape_text"])]
    for i, n in enumerate(nodes):
        if i == 0:
            continue
        k = n["kind"]
        pos, opts = [], []
        if k in ("conv", "conv1d", "conv3d"):
            pos = [str(n["K"]), sz(n["k"])]
        elif k == "depthwise":
            pos = [sz(n["k"])]
        elif k in ("separable", "convtranspose"):
            pos = [str(n["K"]), sz(n["k"])]
        elif k in ("maxpool", "avgpool"):
            pos = [sz(n["k"])]
        elif k in ("adaptiveavgpool", "adaptivemaxpool"):
            pos = [sz(n["o"], force_full=rng.random() < 0.7)]
        elif k == "zeropad":
            pos = [sz(n["p"])]
        elif k == "dropout":
            pos = [str(n["rate"])]
        elif k in ("dense", "rnn", "lstm", "gru"):
            pos = [str(n["N"])]
        elif k == "embedding":
            pos = [str(n["V"]), str(n["D"])]
        elif k in ("add", "concat"):
            pos = [names[s] for s in n["src"]]
        # options
        if k in ("conv", "conv1d", "conv3d", "depthwise", "separable", "convtranspose"):
            if max(n["s"]) > 1 or rng.random() < 0.1:
                opts.append("stride=" + sz(n["s"]))
            if n["pad_text"] is not None:
                opts.append("padding=" + n["pad_text"])
            if max(n["d"]) > 1:
                opts.append(f"dilation={n['d'][0]}")
            if n.get("G", 1) > 1:
                opts.append(f"groups={n['G']}")
            if k in ("depthwise", "separable") and n["show_M"]:
                opts.append(f"multiplier={n['M']}")
            # (Keras: an explicit output_padding changes 'same' away from n*s, so never
            # write it in Keras cases)
            if k == "convtranspose" and (n["op"] or (case.torch and rng.random() < 0.1)):
                opts.append(f"output_padding={n['op']}")
            if not n["bias"]:
                opts.append("bias=false")
            if n.get("act"):
                opts.append(f"activation={n['act']}")
        elif k in ("maxpool", "avgpool"):
            if n["s_text"]:
                opts.append("stride=" + sz(n["s"]))
            if n["pad_text"] is not None:
                opts.append("padding=" + n["pad_text"])
            if n["ceil"]:
                opts.append("ceil=true")
        elif k == "dense":
            if not n["bias"]:
                opts.append("bias=false")
            if n.get("act"):
                opts.append(f"activation={n['act']}")
        elif k in ("rnn", "lstm", "gru"):
            if n["rs"]:
                opts.append("return_sequences=true")
            if n["bidir"]:
                opts.append("bidirectional=true")
            if not n["reset_after"]:
                opts.append("reset_after=false")
        elif k == "concat" and n["axis"] is not None:
            opts.append(f"axis={n['axis']}")
        if "share" in n:
            opts.append("share=" + names[n["share"]])
        if i in names and not n.get("default_name"):
            opts.append("name=" + names[i])
        if k not in ("add", "concat") and n["src"] != [i - 1]:
            opts.append("from=" + names[n["src"][0]])
            case.feat("from=")
        if len(opts) > 1 and rng.random() < 0.3:
            rng.shuffle(opts)
        lines.append(" ".join([words[i], *pos, *opts]))
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# PyTorch model
# ----------------------------------------------------------------------------------------

TORCH_ACTS = {
    "relu": nn.ReLU,
    "relu6": nn.ReLU6,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "selu": nn.SELU,
    "gelu": nn.GELU,
    "sigmoid": nn.Sigmoid,
    "hard_sigmoid": nn.Hardsigmoid,
    "tanh": nn.Tanh,
    "swish": nn.SiLU,
    "silu": nn.SiLU,
    "hard_swish": nn.Hardswish,
    "mish": nn.Mish,
    "softplus": nn.Softplus,
    "softsign": nn.Softsign,
    "linear": nn.Identity,
}


def torch_act(name, layout):
    if name in ("softmax", "log_softmax"):
        dim = 1 if layout in ("img", "vol") else -1
        return nn.Softmax(dim=dim) if name == "softmax" else nn.LogSoftmax(dim=dim)
    return TORCH_ACTS[name]()


class TLine(nn.Module):
    """One text line: its modules and a forward function."""

    def __init__(self, mods, fn):
        super().__init__()
        self.mods = nn.ModuleList(mods)
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


class TNet(nn.Module):
    def __init__(self, lines, srcs):
        super().__init__()
        self.lines = nn.ModuleList(lines)
        self.srcs = srcs

    def forward(self, x):
        outs = [x]
        for line, src in zip(self.lines, self.srcs):
            outs.append(line(*[outs[s] for s in src]))
        return outs[-1]


def tf_same_pads(sp, k, s, d):
    """F.pad argument (last axis first) for TF 'same' padding, smaller half before."""
    pads = []
    for n, f, st, dl in reversed(list(zip(sp, k, s, d))):
        tot = same_total_pad(n, f, st, dl)
        pads += [tot // 2, tot - tot // 2]
    return pads


def torch_conv_like(node, in_node, make):
    """make(padding) -> module; handles 'same' (native at stride 1, else explicit F.pad)."""
    sp = in_node["shape"][:-1]
    pad, s = node["pad"], node["s"]
    pre = None
    if pad == "same":
        if max(s) == 1:
            arg = "same"
        else:
            pre = tf_same_pads(sp, node["k"], s, node["d"])
            arg = 0
    elif pad == "valid":
        arg = 0
    else:
        arg = tuple(pad)
    return make(arg), pre


def build_torch_line(case, i):
    node = case.nodes[i]
    k = node["kind"]
    src = node["src"]
    inn = case.nodes[src[0]]
    ish, ilay = inn["shape"], inn["layout"]
    c = ish[-1]
    mods = []

    if k in ("conv", "conv1d", "conv3d", "depthwise", "separable"):
        nd = {"conv": 2, "conv1d": 1, "conv3d": 3}.get(k, 2)
        Conv = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}[nd]
        if "share" in node:
            main = case.torch_lines[node["share"]].mods[0]
            pre = case.torch_lines[node["share"]].pre
            if node["pad"] == "same" and max(node["s"]) > 1:
                pre = tf_same_pads(ish[:-1], node["k"], node["s"], node["d"])
            mods = [main]
            post = []
        else:
            if k == "depthwise":
                out_c, groups, bias = c * node["M"], c, node["bias"]
            elif k == "separable":
                out_c, groups, bias = c * node["M"], c, False
            else:
                out_c, groups, bias = node["K"], node["G"], node["bias"]
            main, pre = torch_conv_like(
                node,
                inn,
                lambda arg, out_c=out_c, groups=groups, bias=bias: Conv(
                    c,
                    out_c,
                    node["k"],
                    stride=node["s"],
                    padding=arg,
                    dilation=node["d"],
                    groups=groups,
                    bias=bias,
                ),
            )
            mods = [main]
            post = []
            if k == "separable":
                # PyTorch has no separable conv: the layer is one module holding the two convs
                # (the usual `depthwise` / `pointwise` attributes), named as its parameters.
                pointwise = nn.Conv2d(c * node["M"], node["K"], 1, bias=node["bias"])
                post.append(pointwise)
                mods = [nn.ModuleDict({"depthwise": main, "pointwise": pointwise})]
            if node.get("act"):
                post.append(torch_act(node["act"], "img"))
                mods.append(post[-1])

        def fn(x, main=main, pre=pre, post=post, seq=(k == "conv1d")):
            if seq:
                x = x.transpose(1, 2)
            if pre is not None:
                x = F.pad(x, pre)
            x = main(x)
            for m in post:
                x = m(x)
            if seq:
                x = x.transpose(1, 2)
            return x

        line = TLine(mods, fn)
        line.pre = pre
        return line

    if k == "convtranspose":
        p = 0 if node["pad"] == "valid" else tuple(node["pad"])
        m = nn.ConvTranspose2d(
            c,
            node["K"],
            node["k"],
            stride=node["s"],
            padding=p,
            output_padding=node["op"],
            dilation=node["d"],
            groups=node["G"],
            bias=node["bias"],
        )
        return TLine([m], m)

    if k in ("maxpool", "avgpool"):
        p = 0 if node["pad"] == "valid" else tuple(node["pad"])
        Pool = nn.MaxPool2d if k == "maxpool" else nn.AvgPool2d
        m = Pool(node["k"], stride=node["s"], padding=p, ceil_mode=node["ceil"])
        return TLine([m], m)

    if k in ("adaptiveavgpool", "adaptivemaxpool"):
        m = (nn.AdaptiveAvgPool2d if k == "adaptiveavgpool" else nn.AdaptiveMaxPool2d)(node["o"])
        return TLine([m], m)

    if k in ("globalavgpool", "globalmaxpool"):
        dims = {"img": (2, 3), "vol": (2, 3, 4), "seq": (1,)}[ilay]
        if k == "globalavgpool":
            return TLine([], lambda x: x.mean(dim=dims))
        return TLine([], lambda x: x.amax(dim=dims))

    if k == "zeropad":
        ph, pw = node["p"]
        m = nn.ZeroPad2d((pw, pw, ph, ph))
        return TLine([m], m)

    if k == "batchnorm":
        if ilay == "img":
            m = nn.BatchNorm2d(c)
            return TLine([m], m)
        if ilay == "vol":
            m = nn.BatchNorm3d(c)
            return TLine([m], m)
        m = nn.BatchNorm1d(c)
        if ilay == "seq":
            return TLine([m], lambda x: m(x.transpose(1, 2)).transpose(1, 2))
        return TLine([m], m)

    if k == "layernorm":
        m = nn.LayerNorm(c)
        if ilay == "img":
            return TLine([m], lambda x: m(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2))
        if ilay == "vol":
            return TLine([m], lambda x: m(x.permute(0, 2, 3, 4, 1)).permute(0, 4, 1, 2, 3))
        return TLine([m], m)

    if k == "dropout":
        m = nn.Dropout(node["rate"])
        return TLine([m], m)

    if k == "flatten":
        if ilay == "img":
            return TLine([], lambda x: x.permute(0, 2, 3, 1).flatten(1))
        if ilay == "vol":
            return TLine([], lambda x: x.permute(0, 2, 3, 4, 1).flatten(1))
        return TLine([], lambda x: x.flatten(1))

    if k == "dense":
        fan_in = prod(ish) if ilay in ("img", "vol") else c
        m = nn.Linear(fan_in, node["N"], bias=node["bias"])
        act = torch_act(node["act"], "vec") if node.get("act") else nn.Identity()
        if ilay == "img":
            return TLine([m, act], lambda x: act(m(x.permute(0, 2, 3, 1).flatten(1))))
        return TLine([m, act], lambda x: act(m(x)))

    if k == "act":
        m = torch_act(node["act"], ilay)
        return TLine([m], m)

    if k == "embedding":
        m = nn.Embedding(node["V"], node["D"])
        return TLine([m], m)

    if k in ("rnn", "lstm", "gru"):
        Cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[k]
        m = Cls(c, node["N"], batch_first=True, bidirectional=node["bidir"])

        def rfn(x, m=m, rs=node["rs"], bidir=node["bidir"], lstm=(k == "lstm")):
            out, h = m(x)
            if rs:
                return out
            if lstm:
                h = h[0]
            return torch.cat([h[-2], h[-1]], dim=1) if bidir else h[-1]

        return TLine([m], rfn)

    if k == "add":
        return TLine([], lambda *xs: sum(xs[1:], xs[0]))

    if k == "concat":
        ax = -1 if node["axis"] is None else node["axis"]
        if ilay in ("img", "vol"):
            dim = 1 if ax == -1 else ax  # channels-last -2 (W) is also the last torch dim -1
            if ax == -2:
                dim = -1
        else:
            dim = ax
        return TLine([], lambda *xs: torch.cat(xs, dim=dim))

    raise ValueError(k)


def torch_to_cl(t, layout):
    s = list(t.shape[1:])
    if layout in ("img", "vol"):
        return s[1:] + s[:1]
    return s


def torch_weights(line, seen):
    """The parameters of the module that implements a text line, as its own
    ``named_parameters()`` lists them (names relative to that module, buffers left out);
    those already counted on an earlier line (share=) are not this line's."""
    owners = [m for m in line.mods if any(True for _ in m.parameters())]
    assert len(owners) <= 1, owners
    return [
        {"name": name, "shape": [int(v) for v in p.shape], "trainable": bool(p.requires_grad)}
        for m in owners
        for name, p in m.named_parameters(recurse=True)
        if id(p) not in seen
    ]


def run_torch(case):
    torch.manual_seed(0)
    case.torch_lines = {}
    lines = []
    for i in range(1, len(case.nodes)):
        ln = build_torch_line(case, i)
        case.torch_lines[i] = ln
        lines.append(ln)
    net = TNet(lines, [n["src"] for n in case.nodes[1:]]).eval()
    shapes = {}
    for i, ln in case.torch_lines.items():
        ln.register_forward_hook(
            lambda mod, inp, out, i=i: shapes.__setitem__(
                i, torch_to_cl(out, case.nodes[i]["layout"])
            )
        )
    inp = case.nodes[0]
    if inp["layout"] == "ids":
        x = torch.randint(0, case.nodes[1]["V"], (1, inp["shape"][0]))
    elif inp["layout"] in ("img", "vol"):
        sh = inp["shape"]
        x = torch.randn(1, sh[-1], *sh[:-1])
    else:
        x = torch.randn(1, *inp["shape"])
    with torch.no_grad():
        net(x)
    seen = set()
    result = []
    for i in range(1, len(case.nodes)):
        weights = torch_weights(case.torch_lines[i], seen)
        tr = ntr = 0
        for p in case.torch_lines[i].parameters():
            if id(p) in seen:
                continue
            seen.add(id(p))
            if p.requires_grad:
                tr += p.numel()
            else:
                ntr += p.numel()
        assert sum(prod(w["shape"]) for w in weights) == tr + ntr, (i, weights)
        result.append(
            {
                "output_shape": [int(v) for v in shapes[i]],
                "trainable_params": tr,
                "non_trainable_params": ntr,
                "weights": weights,
            }
        )
    total = sum(p.numel() for p in net.parameters())
    assert total == sum(r["trainable_params"] + r["non_trainable_params"] for r in result)
    return result


# ----------------------------------------------------------------------------------------
# Keras model
# ----------------------------------------------------------------------------------------


def keras_pad(node):
    return node["pad"] if isinstance(node["pad"], str) else None


def build_keras_line(case, i, tensors, klayers):
    node = case.nodes[i]
    k = node["kind"]
    xs = [tensors[s] for s in node["src"]]
    x = xs[0]
    inn = case.nodes[node["src"][0]]
    ilay = inn["layout"]
    made = []

    def use(layer, inp):
        made.append(layer)
        return layer(inp)

    if k in ("conv", "conv1d", "conv3d"):
        if "share" in node:
            layer = klayers[node["share"]][0]
            y = use(layer, x)
        else:
            Cls = {"conv": KL.Conv2D, "conv1d": KL.Conv1D, "conv3d": KL.Conv3D}[k]
            y = use(
                Cls(
                    node["K"],
                    node["k"],
                    strides=node["s"],
                    padding=keras_pad(node),
                    dilation_rate=node["d"],
                    groups=node["G"],
                    use_bias=node["bias"],
                    activation=node.get("act"),
                ),
                x,
            )
    elif k == "depthwise":
        y = use(
            KL.DepthwiseConv2D(
                node["k"],
                strides=node["s"],
                padding=keras_pad(node),
                depth_multiplier=node["M"],
                dilation_rate=node["d"],
                use_bias=node["bias"],
            ),
            x,
        )
    elif k == "separable":
        y = use(
            KL.SeparableConv2D(
                node["K"],
                node["k"],
                strides=node["s"],
                padding=keras_pad(node),
                depth_multiplier=node["M"],
                dilation_rate=node["d"],
                use_bias=node["bias"],
            ),
            x,
        )
    elif k == "convtranspose":
        y = use(
            KL.Conv2DTranspose(
                node["K"],
                node["k"],
                strides=node["s"],
                padding=keras_pad(node),
                use_bias=node["bias"],
            ),
            x,
        )
    elif k in ("maxpool", "avgpool"):
        assert not node["ceil"]
        Cls = KL.MaxPooling2D if k == "maxpool" else KL.AveragePooling2D
        y = use(Cls(node["k"], strides=node["s"], padding=keras_pad(node)), x)
    elif k == "adaptiveavgpool":
        y = use(KL.AdaptiveAveragePooling2D(node["o"]), x)
    elif k == "adaptivemaxpool":
        y = use(KL.AdaptiveMaxPooling2D(node["o"]), x)
    elif k in ("globalavgpool", "globalmaxpool"):
        nd = SPATIAL[ilay]
        Cls = {
            ("globalavgpool", 1): KL.GlobalAveragePooling1D,
            ("globalavgpool", 2): KL.GlobalAveragePooling2D,
            ("globalavgpool", 3): KL.GlobalAveragePooling3D,
            ("globalmaxpool", 1): KL.GlobalMaxPooling1D,
            ("globalmaxpool", 2): KL.GlobalMaxPooling2D,
            ("globalmaxpool", 3): KL.GlobalMaxPooling3D,
        }[(k, nd)]
        y = use(Cls(), x)
    elif k == "zeropad":
        y = use(KL.ZeroPadding2D(node["p"]), x)
    elif k == "batchnorm":
        y = use(KL.BatchNormalization(axis=-1), x)
    elif k == "layernorm":
        y = use(KL.LayerNormalization(axis=-1), x)
    elif k == "dropout":
        y = use(KL.Dropout(node["rate"]), x)
    elif k == "flatten":
        y = use(KL.Flatten(), x)
    elif k == "dense":
        assert ilay in ("vec", "seq"), "Keras Dense on an image is not the document's dense"
        y = use(KL.Dense(node["N"], use_bias=node["bias"], activation=node.get("act")), x)
    elif k == "act":
        y = use(KL.Activation(node["act"]), x)
    elif k == "embedding":
        y = use(KL.Embedding(node["V"], node["D"]), x)
    elif k in ("rnn", "lstm", "gru"):
        kw = {"return_sequences": node["rs"]}
        if k == "gru":
            kw["reset_after"] = node["reset_after"]
        Cls = {"rnn": KL.SimpleRNN, "lstm": KL.LSTM, "gru": KL.GRU}[k]
        layer = Cls(node["N"], **kw)
        if node["bidir"]:
            layer = KL.Bidirectional(layer)
        y = use(layer, x)
    elif k == "add":
        y = use(KL.Add(), xs)
    elif k == "concat":
        y = use(KL.Concatenate(axis=-1 if node["axis"] is None else node["axis"]), xs)
    else:
        raise ValueError(k)
    return y, made


def keras_weights(layers, seen):
    """The variables of the Keras layers of a text line in ``layer.weights`` order: the short
    name (last component of ``variable.path``; ``forward_`` / ``backward_`` prefixed inside a
    Bidirectional wrapper), shape and ``variable.trainable``; those already counted on an
    earlier line (a reused layer) are not this line's."""
    found = []
    for layer in layers:
        prefixes = {}
        if isinstance(layer, KL.Bidirectional):
            for prefix, half in (
                ("forward_", layer.forward_layer),
                ("backward_", layer.backward_layer),
            ):
                prefixes.update({id(w): prefix for w in half.weights})
        for w in layer.weights:
            if id(w) in seen:
                continue
            if isinstance(layer, KL.Bidirectional):
                assert id(w) in prefixes, w.path
            found.append(
                {
                    "name": prefixes.get(id(w), "") + w.path.split("/")[-1],
                    "shape": [int(v) for v in w.shape],
                    "trainable": bool(w.trainable),
                }
            )
    return found


def run_keras(case):
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    inp = case.nodes[0]
    if inp["layout"] == "ids":
        kin = keras.Input(shape=inp["shape"], dtype="int32", batch_size=1)
        x = np.random.RandomState(0).randint(0, case.nodes[1]["V"], (1, *inp["shape"]))
        x = x.astype("int32")
    else:
        kin = keras.Input(shape=inp["shape"], batch_size=1)
        x = np.random.RandomState(0).randn(1, *inp["shape"]).astype("float32")
    tensors = {0: kin}
    klayers = {}
    for i in range(1, len(case.nodes)):
        tensors[i], klayers[i] = build_keras_line(case, i, tensors, klayers)
    model = keras.Model(kin, [tensors[i] for i in range(1, len(case.nodes))])
    outs = model(x, training=False)
    if not isinstance(outs, (list, tuple)):
        outs = [outs]
    seen = set()
    result = []
    for i, out in zip(range(1, len(case.nodes)), outs):
        weights = keras_weights(klayers[i], seen)
        tr = ntr = 0
        for layer in klayers[i]:
            for w in layer.trainable_weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    tr += int(np.prod(w.shape))
            for w in layer.non_trainable_weights:
                if id(w) not in seen:
                    seen.add(id(w))
                    ntr += int(np.prod(w.shape))
        assert sum(prod(w["shape"]) for w in weights) == tr + ntr, (i, weights)
        result.append(
            {
                "output_shape": [int(v) for v in tuple(out.shape)[1:]],
                "trainable_params": tr,
                "non_trainable_params": ntr,
                "weights": weights,
            }
        )
    total = model.count_params()
    assert total == sum(r["trainable_params"] + r["non_trainable_params"] for r in result)
    return result


# ----------------------------------------------------------------------------------------
# Case schedule
# ----------------------------------------------------------------------------------------


def make_case(rng, template, convention):
    times = rng.random() < 0.04
    default_names = template == "img_graph" and rng.random() < 0.35
    aliases = not default_names
    if template in ("img_chain", "img_graph", "pool_edge"):
        shape = img_input(rng)
        if template == "pool_edge":
            shape = (rng.randint(6, 20), rng.randint(6, 20), rng.choice([1, 3]))
        case = Case(rng, convention, shape, "img", times, aliases, default_names)
        # `input HxW` means HxWx1
        case.nodes[0]["shape_text"] = shape[:2] if shape[2] == 1 and rng.random() < 0.6 else shape
        if len(case.nodes[0]["shape_text"]) == 2:
            case.feat("input HxW (C=1)")
        {"img_chain": t_img_chain, "img_graph": t_img_graph, "pool_edge": t_pool_edge}[template](
            case
        )
    elif template == "seq":
        shape = (rng.randint(4, 24), rng.choice([1, 2, 3, 5, 8]))
        case = Case(rng, convention, shape, "seq", times, aliases)
        case.nodes[0]["shape_text"] = shape
        t_seq(case)
    elif template == "embed":
        shape = (rng.randint(4, 30),)
        case = Case(rng, convention, shape, "ids", times, aliases)
        case.nodes[0]["shape_text"] = shape
        t_embed(case)
    elif template == "vol":
        shape = (rng.randint(3, 10), rng.randint(6, 16), rng.randint(6, 16), rng.choice([1, 2, 3]))
        case = Case(rng, convention, shape, "vol", times, aliases)
        case.nodes[0]["shape_text"] = shape
        t_vol(case)
    elif template == "mlp":
        shape = (rng.choice([4, 10, 20, 64, 100]),)
        case = Case(rng, convention, shape, "vec", times, aliases)
        case.nodes[0]["shape_text"] = shape
        t_mlp(case)
    elif template == "flat_mlp":  # input HxW (image, C = 1) -> flatten -> dense ...
        shape = (rng.choice([8, 12, 28]), rng.choice([8, 12, 28]), 1)
        case = Case(rng, convention, shape, "img", times, aliases)
        case.nodes[0]["shape_text"] = shape[:2]
        case.feat("input HxW (C=1)")
        gen_simple(case, "flatten")
        mlp_tail(case, 1, 3)
    else:
        raise ValueError(template)
    if case.times:
        case.feat("'×' separator")
    image_only = (
        "conv",
        "maxpool",
        "avgpool",
        "depthwise",
        "separable",
        "convtranspose",
        "zeropad",
        "flatten",
        "adaptiveavgpool",
        "adaptivemaxpool",
    )
    if (
        len(case.nodes[0]["shape_text"]) == 2
        and case.layout(0) == "img"
        and case.nodes[1]["kind"] not in image_only
    ):
        # the document: 2-D input = image HxWx1 unless the first layer is rnn/lstm/gru/conv1d
        case.feat("input HxW (C=1), first layer not image-only")
    return case


SCHEDULE = [
    ("img_chain", "pytorch", 32),
    ("img_chain", "keras", 30),
    ("img_graph", "pytorch", 13),
    ("img_graph", "keras", 12),
    ("seq", "pytorch", 12),
    ("seq", "keras", 13),
    ("embed", "pytorch", 6),
    ("embed", "keras", 8),
    ("vol", "pytorch", 5),
    ("vol", "keras", 5),
    ("mlp", "pytorch", 3),
    ("mlp", "keras", 3),
    ("flat_mlp", "pytorch", 1),
    ("flat_mlp", "keras", 1),
    ("pool_edge", "pytorch", 6),
]


def check_expected(case, measured):
    """Compare the document's formulas (as computed by the generator) with the framework."""
    problems = []
    for i, m in zip(range(1, len(case.nodes)), measured):
        n = case.nodes[i]
        exp_shape = list(n["shape"])
        exp_tr, exp_ntr = n["exp_params"]
        if m["output_shape"] != exp_shape:
            problems.append(f"line {i} {n['kind']}: shape {m['output_shape']} != doc {exp_shape}")
        if (m["trainable_params"], m["non_trainable_params"]) != (exp_tr, exp_ntr):
            problems.append(
                f"line {i} {n['kind']}: params ({m['trainable_params']}, "
                f"{m['non_trainable_params']}) != doc ({exp_tr}, {exp_ntr})"
            )
    return problems


def generate_cases(seed, n_cases):
    rng = random.Random(seed)
    plan = [(t, c) for t, c, k in SCHEDULE for _ in range(k)]
    rng.shuffle(plan)
    plan = plan[:n_cases]
    cases, discrepancies = [], []
    kinds = Counter()
    conv_count = Counter()
    features = Counter()
    notable = {}
    for idx, (template, convention) in enumerate(plan, 1):
        case = make_case(rng, template, convention)
        text = finalize_text(case)
        measured = run_torch(case) if convention == "pytorch" else run_keras(case)
        assert len(measured) == len(text.splitlines()) - 1
        for p in check_expected(case, measured):
            discrepancies.append(f"case-{idx:03d} ({convention}): {p}")
        tr = sum(m["trainable_params"] for m in measured)
        ntr = sum(m["non_trainable_params"] for m in measured)
        cases.append(
            {
                "id": f"case-{idx:03d}",
                "convention": convention,
                "arch": text,
                "layers": measured,
                "total_params": tr + ntr,
                "trainable_params": tr,
                "non_trainable_params": ntr,
            }
        )
        conv_count[convention] += 1
        for n in case.nodes[1:]:
            kinds[(convention, n["kind"])] += 1
        features.update(case.features)
        for f in case.features:
            if f in NOTABLE:
                notable.setdefault(f, []).append(f"case-{idx:03d}")
    return cases, discrepancies, kinds, conv_count, features, notable


# features whose case ids are listed in the summary (edge rules worth looking at by hand)
NOTABLE = {
    "maxpool:ceil=true last-window correction",
    "avgpool:ceil=true last-window correction",
    "share",
    "concat:axis=-2",
    "reference by default name",
    "'×' separator",
    "input HxW (C=1), first layer not image-only",
    "dense:on img",
    "globalavgpool:on seq",
    "globalmaxpool:on seq",
}


# ----------------------------------------------------------------------------------------
# Standard models
# ----------------------------------------------------------------------------------------


class AlexNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, 11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, 3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, 2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(0.5),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, 1000),
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


VGG_CFG = {
    16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    19: [
        64,
        64,
        "M",
        128,
        128,
        "M",
        256,
        256,
        256,
        256,
        "M",
        512,
        512,
        512,
        512,
        "M",
        512,
        512,
        512,
        512,
        "M",
    ],
}


class VGG(nn.Module):
    def __init__(self, depth):
        super().__init__()
        layers, c = [], 3
        for v in VGG_CFG[depth]:
            if v == "M":
                layers.append(nn.MaxPool2d(2, 2))
            else:
                layers += [nn.Conv2d(c, v, 3, padding=1), nn.ReLU(inplace=True)]
                c = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(),
            nn.Linear(4096, 1000),
        )

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, block, counts):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make(block, 64, counts[0], 1)
        self.layer2 = self._make(block, 128, counts[1], 2)
        self.layer3 = self._make(block, 256, counts[2], 2)
        self.layer4 = self._make(block, 512, counts[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, 1000)

    def _make(self, block, planes, n, stride):
        down = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            down = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        blocks = [block(self.inplanes, planes, stride, down)]
        self.inplanes = planes * block.expansion
        blocks += [block(self.inplanes, planes) for _ in range(1, n)]
        return nn.Sequential(*blocks)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


PUBLISHED = {
    "alexnet-torch": (61_100_840, None),
    "vgg16-torch": (138_357_544, None),
    "vgg19-torch": (143_667_240, None),
    "resnet18-torch": (11_689_512, None),
    "resnet50-torch": (25_557_032, None),
    "resnet50-keras": (25_636_712, None),
    "mobilenet-keras": (4_253_864, 21_888),
}


def torch_model_record(mid, model):
    model.eval()
    rows = []

    def hook(mod, inp, out):
        kind = (
            "conv"
            if isinstance(mod, nn.Conv2d)
            else "dense"
            if isinstance(mod, nn.Linear)
            else "batchnorm"
        )
        rows.append(
            {
                "kind": kind,
                "output_shape": torch_to_cl(out, "img" if out.dim() == 4 else "vec"),
                "params": sum(p.numel() for p in mod.parameters()),
            }
        )

    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear, nn.BatchNorm2d)):
            m.register_forward_hook(hook)
    with torch.no_grad():
        out = model(torch.randn(1, 3, 224, 224))
    total = sum(p.numel() for p in model.parameters())
    tr = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert sum(r["params"] for r in rows) == total, mid
    return {
        "id": mid,
        "convention": "pytorch",
        "input_shape": [224, 224, 3],
        "output_shape": list(out.shape[1:]),
        "total_params": total,
        "trainable_params": tr,
        "non_trainable_params": total - tr,
        "weighted_layers": rows,
    }


def keras_model_record(mid, model):
    rows = []
    for layer in model.layers:
        if isinstance(layer, KL.DepthwiseConv2D):
            kind = "depthwise"
        elif isinstance(layer, KL.Conv2D):
            kind = "conv"
        elif isinstance(layer, KL.Dense):
            kind = "dense"
        elif isinstance(layer, KL.BatchNormalization):
            kind = "batchnorm"
        else:
            assert not layer.weights, (mid, layer.name)
            continue
        rows.append(
            {
                "kind": kind,
                "output_shape": [int(v) for v in layer.output.shape[1:]],
                "params": layer.count_params(),
            }
        )
    out = model(np.zeros((1, 224, 224, 3), "float32"), training=False)
    tr = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    ntr = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    assert sum(r["params"] for r in rows) == tr + ntr, mid
    return {
        "id": mid,
        "convention": "keras",
        "input_shape": [224, 224, 3],
        "output_shape": [int(v) for v in tuple(out.shape)[1:]],
        "total_params": tr + ntr,
        "trainable_params": tr,
        "non_trainable_params": ntr,
        "weighted_layers": rows,
    }


def build_models():
    torch.manual_seed(0)
    records = [
        torch_model_record("alexnet-torch", AlexNet()),
        torch_model_record("vgg16-torch", VGG(16)),
        torch_model_record("vgg19-torch", VGG(19)),
        torch_model_record("resnet18-torch", ResNet(BasicBlock, [2, 2, 2, 2])),
        torch_model_record("resnet50-torch", ResNet(Bottleneck, [3, 4, 6, 3])),
    ]
    keras.backend.clear_session()
    records.append(
        keras_model_record(
            "resnet50-keras", keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3))
        )
    )
    keras.backend.clear_session()
    records.append(
        keras_model_record(
            "mobilenet-keras", keras.applications.MobileNet(weights=None, input_shape=(224, 224, 3))
        )
    )
    mismatches = []
    for r in records:
        total, ntr = PUBLISHED[r["id"]]
        if r["total_params"] != total or (ntr is not None and r["non_trainable_params"] != ntr):
            mismatches.append(
                f"{r['id']}: total {r['total_params']:,} (published {total:,})"
                f", non-trainable {r['non_trainable_params']:,}"
            )
        assert r["output_shape"] == [1000], r["id"]
    return records, mismatches


# ----------------------------------------------------------------------------------------


def dump_json(doc, path):
    def one(o):
        return json.dumps(o, ensure_ascii=False, separators=(", ", ": "))

    parts = [
        "{",
        f'  "generated_by": {one(doc["generated_by"])},',
        f'  "versions": {one(doc["versions"])},',
        '  "cases": [',
    ]
    parts.append(",\n".join("    " + one(c) for c in doc["cases"]))
    parts.append("  ],")
    parts.append('  "models": [')
    model_txt = []
    for m in doc["models"]:
        head = {k: v for k, v in m.items() if k != "weighted_layers"}
        rows = ",\n".join("        " + one(r) for r in m["weighted_layers"])
        model_txt.append("    " + one(head)[:-1] + ', "weighted_layers": [\n' + rows + "\n    ]}")
    parts.append(",\n".join(model_txt))
    parts.append("  ]")
    parts.append("}")
    text = "\n".join(parts) + "\n"
    assert json.loads(text) == json.loads(json.dumps(doc))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--cases", type=int, default=N_CASES)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--no-models", action="store_true", help="skip the standard models")
    args = ap.parse_args(argv)
    if keras.backend.backend() != "torch":
        sys.exit("set KERAS_BACKEND=torch")
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    t0 = time.time()
    cases, discrepancies, kinds, conv_count, features, notable = generate_cases(
        args.seed, args.cases
    )
    models, mismatches = ([], []) if args.no_models else build_models()
    doc = {
        "generated_by": "scripts/make_shapes_oracle.py",
        "versions": {"torch": torch.__version__, "keras": keras.__version__},
        "cases": cases,
        "models": models,
    }
    size = dump_json(doc, args.out)

    print(
        f"wrote {args.out} ({size / 1e3:.0f} kB) in {time.time() - t0:.0f} s: "
        f"{len(cases)} cases ({dict(conv_count)}), {len(models)} models"
    )
    print(f"versions: torch {torch.__version__}, keras {keras.__version__}")
    print("layer lines per kind (pytorch / keras):")
    all_kinds = sorted({k for _, k in kinds})
    for k in all_kinds:
        print(f"  {k:16s} {kinds[('pytorch', k)]:4d} / {kinds[('keras', k)]:4d}")
    print("features:")
    for f, n in sorted(features.items()):
        print(f"  {f:44s} {n}")
    for m in models:
        print(
            f"  model {m['id']:16s} total {m['total_params']:>12,}  "
            f"non-trainable {m['non_trainable_params']:>7,}  "
            f"weighted layers {len(m['weighted_layers'])}"
        )
    print("edge rules, by case:")
    for f in sorted(notable):
        print(f"  {f}: {' '.join(notable[f])}")
    if discrepancies:
        print(
            f"{len(discrepancies)} line(s) where the framework differs from the document's "
            "formulas (the JSON keeps the framework's value):"
        )
        for d in discrepancies:
            print("  " + d)
    else:
        print("framework measurements agree with the document's formulas on every line")
    if mismatches:
        print("PUBLISHED COUNT MISMATCH:")
        for m in mismatches:
            print("  " + m)
        return 1
    if models:
        print("all standard models match their published parameter counts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
