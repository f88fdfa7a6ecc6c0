#!/usr/bin/env python3
"""Independent oracle for `dlcalc conv` and `dlcalc pool`: PyTorch (float64) and Keras 3.

This script does NOT import dlcalc.  It writes tests/data/conv_pool_oracle.json: for each case
the exact command line after `dlcalc` (without `-f json`) and what PyTorch computes for it in
float64: the output [channel][row][column], for max pooling the (row, column) of each window's
maximum in the unpadded input (PyTorch's `return_indices=True`, flat index i -> (i // W, i % W)),
and with `--grad G` the gradients by autograd (`input_grad` [C][H][W], `kernel_grad`
[K][C][kh][kw], `bias_grad` [K] when there is a bias).

Cases (all seeded random draws, except the course-notes example, whose first output row 4 3 4
is asserted):
- conv (2-D cross-correlation, F.conv2d): 1-3 input channels, 1-3 kernels, 3-7 x 3-7 inputs,
  square and rectangular kernels 1-4, stride 1-3 (sometimes different per axis), padding 0-2
  (sometimes different per axis), 'valid', and TensorFlow/Keras 'same' (output ceil(n / s), the
  odd padding row / column at the end), dilation 1-2, with and without bias; about half with an
  upstream gradient.  Values are floats with 3 decimals in [-2, 2] or integer 0/1 grids.
- conv --1d (F.conv1d; output [K][1][W], gradients with the same row axis: [C][1][W] and
  [K][C][1][kw]) and conv --flip (true convolution: conv2d with each kernel slice turned 180°;
  kernel_grad is the gradient with respect to the kernel as written).
- pool max / avg (F.max_pool2d / F.avg_pool2d): size 1-3, stride 1-3 (or left out: it defaults
  to the size), padding 0-1, ceil_mode, count_include_pad, dilation (max only), 'same' padding
  (Keras: padding never wins a max, padded cells are left out of a mean); integer grids with
  ties in some windows.

'same' cases are computed in torch with an explicit asymmetric F.pad (-inf for max, a count of
the real cells for avg) and checked against Keras 3 on the torch backend (keras.ops.conv /
max_pool / average_pool, outputs and autograd gradients); the script stops if they disagree.
Draws whose output would be empty, or that torch rejects (pooling padding larger than half the
window), are redrawn.  Each case carries "features" (e.g. "same", "stride2", "dilation",
"grad", "ties", "1d", "flip", "ceil", "exclude-pad", "rect") so a test can check coverage.
Everything is seeded: a rerun writes the same file (`--check` verifies that).

Requirements (own virtual environment, not the project's):
    python3 -m venv /work/oracle-venv
    /work/oracle-venv/bin/pip install torch==2.13.0 keras
Regenerate (from the repository root):
    KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_conv_pool_oracle.py
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import torch
import torch.nn.functional as F
from keras import ops
from oracle_output import dump, write_or_check  # beside this file

SEED = 20250614
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "conv_pool_oracle.json"
REGENERATE = "KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_conv_pool_oracle.py"
F64 = torch.float64
N_CONV2D = 110
N_CONV1D = 12
N_FLIP = 8
N_POOL = 55  # per kind (max, avg)
N_CEIL_DROP = 4  # per kind: extra ceil_mode draws where torch drops the last window

Grid = list[list[list[Any]]]  # [channel][row][column]
Pair = tuple[int, int]

NOTES = [
    "All numbers are PyTorch float64; gradients by autograd.  Compare to about 1e-12.",
    "output is [channel][row][column]; conv --1d keeps a row axis of length 1 (output [K][1][W], "
    "input_grad [C][1][W], kernel_grad [K][C][1][kw]).",
    "indices (max pool): (row, column) of each window's maximum in the unpadded input, 0-based; "
    "on ties PyTorch's choice, which is the first maximum in row-major window order.",
    "ceil_mode follows PyTorch: a last window that would start in the right / bottom padding is "
    "dropped; avg with count_include_pad divides by the window clipped to input + padding.",
    "'same' is TensorFlow's: total padding max((ceil(n/s) - 1) * s + (k - 1) * d + 1 - n, 0), "
    "floor half before, the rest after; max pool ignores padded cells, avg excludes them from "
    "the mean.  Checked against Keras 3 (torch backend).",
]


# --------------------------------------------------------------------------------------------
# Text of the command-line arguments
# --------------------------------------------------------------------------------------------


def num(v: float | int) -> str:
    if isinstance(v, int):
        return str(v)
    return repr(float(v) + 0.0)  # + 0.0: never "-0.0"


def volume_text(vol: Grid) -> str:
    """Channels separated by '|', rows by ';', values by spaces."""
    return " | ".join("; ".join(" ".join(num(v) for v in row) for row in ch) for ch in vol)


def pair_text(p: Pair, as_pair: bool) -> str:
    return f"{p[0]},{p[1]}" if as_pair or p[0] != p[1] else str(p[0])


# --------------------------------------------------------------------------------------------
# Random values
# --------------------------------------------------------------------------------------------


def value(rng: random.Random, kind: str) -> float | int:
    if kind == "float":
        return round(rng.uniform(-2.0, 2.0), 3) + 0.0
    if kind == "binary":
        return rng.randint(0, 1)
    if kind == "small":  # small integers: many ties in pooling windows
        return rng.randint(0, 3)
    if kind == "int":
        return rng.randint(-2, 2)
    raise ValueError(kind)


def grid(rng: random.Random, c: int, h: int, w: int, kind: str) -> Grid:
    return [[[value(rng, kind) for _ in range(w)] for _ in range(h)] for _ in range(c)]


def same_pads(n: int, k: int, s: int, d: int) -> tuple[int, int]:
    """TensorFlow 'same': (before, after)."""
    eff = (k - 1) * d + 1
    total = max((math.ceil(n / s) - 1) * s + eff - n, 0)
    return total // 2, total - total // 2


def tensor(vol: Any, grad: bool = False) -> torch.Tensor:
    t = torch.tensor(vol, dtype=F64)
    return t.requires_grad_() if grad else t


def tolist(t: torch.Tensor) -> Any:
    return [[[float(v) + 0.0 for v in row] for row in ch] for ch in t.detach().tolist()]


def close(a: torch.Tensor, b: torch.Tensor, what: str) -> None:
    if a.shape != b.shape or not torch.allclose(a, b, rtol=1e-12, atol=1e-12):
        raise AssertionError(f"torch and keras disagree on {what}:\n{a}\n{b}")


# --------------------------------------------------------------------------------------------
# conv
# --------------------------------------------------------------------------------------------


def conv_case(
    inp: Grid,
    kernels: list[Grid],
    bias: list[float | int] | None,
    stride: Pair,
    padding: Pair | str,
    dilation: Pair,
    grad: Grid | None,
    *,
    one_d: bool = False,
    flip: bool = False,
    as_pair: bool = False,
    show_defaults: bool = False,
    features: list[str] | None = None,
) -> dict[str, Any] | None:
    """Compute one conv case with torch; None when the output would be empty."""
    c, h, w = len(inp), len(inp[0]), len(inp[0][0])
    kh, kw = len(kernels[0][0]), len(kernels[0][0][0])
    if padding == "same":
        pads = [same_pads(n, k, s, d) for n, k, s, d in zip((h, w), (kh, kw), stride, dilation)]
    elif padding == "valid":
        pads = [(0, 0), (0, 0)]
    else:
        pads = [(padding[0], padding[0]), (padding[1], padding[1])]
    outs = [
        (n + a + b - ((k - 1) * d + 1)) // s + 1
        for n, (a, b), k, s, d in zip((h, w), pads, (kh, kw), stride, dilation)
    ]
    if min(outs) < 1:
        return None

    x = tensor(inp, grad=True)
    wt = tensor(kernels, grad=True)
    b = tensor(bias, grad=True) if bias is not None else None
    weight = torch.flip(wt, dims=[-2, -1]) if flip else wt
    if one_d:
        xin = F.pad(x[None, :, 0, :], pads[1])
        y = F.conv1d(xin, weight[:, :, 0, :], b, stride[1], 0, dilation[1])[0][:, None, :]
    else:
        xin = F.pad(x[None], (*pads[1], *pads[0]))
        y = F.conv2d(xin, weight, b, stride, 0, dilation)[0]
    assert list(y.shape) == [len(kernels), *outs], (y.shape, outs)
    case: dict[str, Any] = {"output": tolist(y)}
    if grad is not None:
        y.backward(tensor(grad))
        assert x.grad is not None and wt.grad is not None
        case["input_grad"] = tolist(x.grad)
        case["kernel_grad"] = [tolist(k) for k in wt.grad]
        if b is not None:
            assert b.grad is not None
            case["bias_grad"] = [float(v) + 0.0 for v in b.grad.tolist()]
    if padding == "same":
        check_conv_with_keras(inp, kernels, bias, stride, dilation, grad, one_d, flip, case)

    args = ["conv", "--input", volume_text(inp)]
    for k in kernels:
        args += ["--kernel", volume_text(k)]
    if bias is not None:
        args += ["--bias", ",".join(num(v) for v in bias)]

    def one(p: Pair) -> str:
        return str(p[1]) if one_d else pair_text(p, as_pair)

    if stride != (1, 1) or show_defaults:
        args += ["--stride", one(stride)]
    if isinstance(padding, str):
        args += ["--padding", padding]
    elif padding != (0, 0) or show_defaults:
        args += ["--padding", one(padding)]
    if dilation != (1, 1) or show_defaults:
        args += ["--dilation", one(dilation)]
    if one_d:
        args.append("--1d")
    if flip:
        args.append("--flip")
    if grad is not None:
        args += ["--grad", volume_text(grad)]

    feats = list(features or [])
    feats += ["1d"] if one_d else ["conv2d"]
    feats += ["flip"] * flip
    feats += ["multi-channel"] * (c > 1) + ["multi-kernel"] * (len(kernels) > 1)
    feats += ["rect"] * (kh != kw and not one_d)
    feats += ["bias"] * (bias is not None) + ["grad"] * (grad is not None)
    feats += [f"stride{max(stride)}"] * (max(stride) > 1)
    feats += ["stride-rect"] * (stride[0] != stride[1] and not one_d)
    feats += ["dilation"] * (max(dilation) > 1)
    if padding in ("same", "valid"):
        feats.append(str(padding))
        if padding == "same" and any(a != b for a, b in pads):
            feats.append("same-asym")
    elif max(padding) > 0:
        feats.append("padding")
        feats += ["padding-rect"] * (padding[0] != padding[1] and not one_d)
    feats += ["integer"] * all(isinstance(v, int) for ch in inp for row in ch for v in row)
    return {"command": "conv", "args": args, **case, "features": sorted(set(feats))}


def check_conv_with_keras(
    inp: Grid,
    kernels: list[Grid],
    bias: list[float | int] | None,
    stride: Pair,
    dilation: Pair,
    grad: Grid | None,
    one_d: bool,
    flip: bool,
    case: dict[str, Any],
) -> None:
    """Recompute a 'same' conv with keras.ops.conv (kernel layout spatial..., in, out)."""
    x = tensor(inp, grad=True)
    wt = tensor(kernels, grad=True)
    weight = torch.flip(wt, dims=[-2, -1]) if flip else wt
    if one_d:
        y = ops.conv(
            x[None, :, 0, :],
            weight[:, :, 0, :].permute(2, 1, 0),
            strides=stride[1],
            padding="same",
            data_format="channels_first",
            dilation_rate=dilation[1],
        )[0][:, None, :]
    else:
        y = ops.conv(
            x[None],
            weight.permute(2, 3, 1, 0),
            strides=stride,
            padding="same",
            data_format="channels_first",
            dilation_rate=dilation,
        )[0]
    b = tensor(bias, grad=True) if bias is not None else None
    if b is not None:
        y = y + b[:, None, None]
    close(y, tensor(case["output"]), "conv output")
    if grad is not None:
        y.backward(tensor(grad))
        assert x.grad is not None and wt.grad is not None
        close(x.grad, tensor(case["input_grad"]), "conv input gradient")
        close(wt.grad, tensor(case["kernel_grad"]), "conv kernel gradient")
        if b is not None:
            assert b.grad is not None
            close(b.grad, tensor(case["bias_grad"]), "conv bias gradient")


COURSE_INPUT = [
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
]
COURSE_KERNEL = [[[1, 0, 1], [0, 1, 0], [1, 0, 1]]]


def course_notes_case() -> dict[str, Any]:
    case = conv_case(COURSE_INPUT, [COURSE_KERNEL], None, (1, 1), (0, 0), (1, 1), None)
    assert case is not None
    assert case["output"][0][0] == [4.0, 3.0, 4.0], case["output"]
    case["features"] = sorted({*case["features"], "course-notes"})
    return case


def random_conv(rng: random.Random, kind: str) -> dict[str, Any] | None:
    """One random draw; kind is '2d', '1d' or 'flip'."""
    one_d = kind == "1d"
    c, k = rng.randint(1, 3), rng.randint(1, 3)
    h = 1 if one_d else rng.randint(3, 7)
    w = rng.randint(3, 9) if one_d else rng.randint(3, 7)
    kh = 1 if one_d else rng.randint(1, 4)
    kw = rng.randint(1, 4) if (one_d or rng.random() < 0.35) else kh
    s = rng.choice([1, 1, 2, 2, 3])
    stride = (s, rng.randint(1, 3)) if (not one_d and rng.random() < 0.2) else (s, s)
    d = 2 if rng.random() < 0.25 else 1
    dilation = (1 if one_d else d, d)
    r = rng.random()
    padding: Pair | str
    if r < 0.18 and (max(stride) == 1 or max(dilation) == 1):  # TF forbids stride & dilation > 1
        padding = "same"
    elif r < 0.26:
        padding = "valid"
    else:
        p = rng.choice([0, 0, 1, 1, 2])
        padding = (0 if one_d else p, p)
        if not one_d and rng.random() < 0.2:
            padding = (p, rng.randint(0, 2))
    integer = rng.random() < 0.25
    vkind = "binary" if integer else "float"
    inp = grid(rng, c, h, w, vkind)
    kernels = [grid(rng, c, kh, kw, "int" if integer else "float") for _ in range(k)]
    bias = [value(rng, "int" if integer else "float") for _ in range(k)]
    use_bias = rng.random() < 0.6
    with_grad = rng.random() < 0.5
    as_pair = rng.random() < 0.15
    show_defaults = rng.random() < 0.1
    # the output size is needed for the gradient; draw it after a dry run
    dry = conv_case(inp, kernels, None, stride, padding, dilation, None, one_d=one_d)
    if dry is None:
        return None
    grad = None
    if with_grad:
        kk, oh, ow = (
            len(dry["output"]),
            len(dry["output"][0]),
            len(dry["output"][0][0]),
        )
        grad = grid(rng, kk, oh, ow, "int" if integer and rng.random() < 0.5 else "float")
    return conv_case(
        inp,
        kernels,
        bias if use_bias else None,
        stride,
        padding,
        dilation,
        grad,
        one_d=one_d,
        flip=kind == "flip",
        as_pair=as_pair,
        show_defaults=show_defaults,
    )


# --------------------------------------------------------------------------------------------
# pool
# --------------------------------------------------------------------------------------------


def windows(
    h: int, w: int, size: Pair, stride: Pair, pads: Pair, dilation: Pair, out: Pair
) -> list[list[list[tuple[int, int]]]]:
    """The real (unpadded) cells of every window, row-major, per output position."""
    rows = [
        [i * stride[0] - pads[0] + a * dilation[0] for a in range(size[0])] for i in range(out[0])
    ]
    cols = [
        [j * stride[1] - pads[1] + b * dilation[1] for b in range(size[1])] for j in range(out[1])
    ]
    return [
        [[(r, q) for r in rr if 0 <= r < h for q in cc if 0 <= q < w] for cc in cols] for rr in rows
    ]


SURPRISES: Counter[str] = Counter()


def pool_case(
    kind: str,
    inp: Grid,
    size: Pair,
    stride: Pair | None,
    padding: Pair | str,
    dilation: Pair,
    ceil: bool,
    include_pad: bool | None,
    grad_kind: str | None,
    rng: random.Random,
    *,
    as_pair: bool = False,
) -> dict[str, Any] | None:
    """Compute one pool case with torch; None if torch rejects it or the output is empty."""
    c, h, w = len(inp), len(inp[0]), len(inp[0][0])
    st = stride or size
    x = tensor(inp, grad=True)
    same = padding == "same"
    if same:
        ph_, pw_ = same_pads(h, size[0], st[0], 1), same_pads(w, size[1], st[1], 1)
        pads = (ph_[0], pw_[0])
        fill = -math.inf if kind == "max" else 0.0
        xin = F.pad(x[None], (*pw_, *ph_), value=fill)
        tp: Pair = (0, 0)
    else:
        assert not isinstance(padding, str)
        pads = tp = padding
        xin = x[None]
    try:
        if kind == "max":
            y, idx = F.max_pool2d(xin, size, st, tp, dilation, ceil, return_indices=True)
        else:
            y = F.avg_pool2d(xin, size, st, tp, ceil, True if include_pad is None else include_pad)
            if same:  # Keras: padded cells are not part of the mean
                ones = F.pad(torch.ones(1, c, h, w, dtype=F64), (*pw_, *ph_))
                y = y / F.avg_pool2d(ones, size, st, 0)
    except RuntimeError:
        return None
    y = y[0]
    if y.numel() == 0:
        return None
    oh, ow = y.shape[1], y.shape[2]
    case: dict[str, Any] = {"output": tolist(y)}
    feats = [kind]
    win = windows(h, w, size, st, pads, dilation, (oh, ow))
    if kind == "max":
        wp = xin.shape[-1]
        rows = (idx[0] // wp - (pads[0] if same else 0)).tolist()
        cols = (idx[0] % wp - (pads[1] if same else 0)).tolist()
        case["indices"] = [
            [[[r, q] for r, q in zip(rr, qq)] for rr, qq in zip(rch, qch)]
            for rch, qch in zip(rows, cols)
        ]
        for ch in range(c):
            for i in range(oh):
                for j in range(ow):
                    vals = [inp[ch][r][q] for r, q in win[i][j]]
                    top = max(vals)
                    first = win[i][j][vals.index(top)]
                    if vals.count(top) > 1:
                        feats.append("ties")
                    if list(first) != case["indices"][ch][i][j]:
                        SURPRISES["max index is not the first maximum"] += 1
                    assert inp[ch][first[0]][first[1]] == y[ch][i][j].item()
    grad = None
    if grad_kind is not None:
        grad = grid(rng, c, oh, ow, grad_kind)
        y.backward(tensor(grad))
        assert x.grad is not None
        case["input_grad"] = tolist(x.grad)
    if same:
        check_pool_with_keras(kind, inp, size, st, grad, case)

    # ceil_mode: PyTorch's count, and whether it dropped a window the plain ceil formula has
    if ceil and not same:
        for n, k, s, p, d, o in zip((h, w), size, st, pads, dilation, (oh, ow)):
            plain = math.ceil((n + 2 * p - ((k - 1) * d + 1)) / s) + 1
            floor = (n + 2 * p - ((k - 1) * d + 1)) // s + 1
            if plain != o:
                feats.append("ceil-drop")
                assert (plain - 1) * s >= n + p and o == plain - 1
            if o > floor:
                feats.append("ceil-extra")
                if kind == "avg" and (o - 1) * s - p + k > n + p:
                    feats.append("ceil-overhang")

    args = ["pool", kind, "--input", volume_text(inp), "--size", pair_text(size, as_pair)]
    if stride is not None:
        args += ["--stride", pair_text(stride, as_pair)]
    else:
        feats.append("default-stride")
    if same:
        args += ["--padding", "same"]
        feats.append("same")
        if any(a != b for a, b in (ph_, pw_)):
            feats.append("same-asym")
    elif max(pads) > 0 or as_pair:
        args += ["--padding", pair_text(pads, as_pair)]
    if dilation != (1, 1):
        args += ["--dilation", pair_text(dilation, as_pair)]
    if ceil:
        args.append("--ceil")
    if include_pad is not None:
        args += ["--count-include-pad", "true" if include_pad else "false"]
    if grad is not None:
        args += ["--grad", volume_text(grad)]
    feats += ["grad"] * (grad is not None) + ["ceil"] * ceil
    feats += ["rect"] * (size[0] != size[1]) + ["multi-channel"] * (c > 1)
    feats += [f"stride{max(st)}"] * (max(st) > 1) + ["stride-rect"] * (st[0] != st[1])
    feats += ["dilation"] * (max(dilation) > 1)
    feats += ["overlap"] * (min(st[0] - size[0], st[1] - size[1]) < 0)
    if not same and max(pads) > 0:
        feats.append("padding")
        feats += ["padding-rect"] * (pads[0] != pads[1])
        feats += ["exclude-pad"] * (include_pad is False)
    feats += ["integer"] * all(isinstance(v, int) for ch in inp for row in ch for v in row)
    return {"command": "pool", "args": args, **case, "features": sorted(set(feats))}


def check_pool_with_keras(
    kind: str, inp: Grid, size: Pair, stride: Pair, grad: Grid | None, case: dict[str, Any]
) -> None:
    x = tensor(inp, grad=True)
    pool = ops.max_pool if kind == "max" else ops.average_pool
    y = pool(x[None], size, stride, padding="same", data_format="channels_first")[0]
    close(y, tensor(case["output"]), f"{kind} pool output")
    if grad is not None:
        y.backward(tensor(grad))
        assert x.grad is not None
        close(x.grad, tensor(case["input_grad"]), f"{kind} pool input gradient")


def random_pool(
    rng: random.Random, kind: str, force_ceil_drop: bool = False
) -> dict[str, Any] | None:
    c = rng.randint(1, 3)
    h, w = rng.randint(3, 7), rng.randint(3, 7)
    f = rng.randint(1, 3)
    size = (f, rng.randint(1, 3)) if rng.random() < 0.2 else (f, f)
    if rng.random() < 0.25:
        stride = None
    else:
        s = rng.randint(1, 3)
        stride = (s, rng.randint(1, 3)) if rng.random() < 0.15 else (s, s)
    d = 2 if kind == "max" and rng.random() < 0.25 else 1
    dilation = (d, d)
    same = rng.random() < 0.15 and d == 1
    p = rng.choice([0, 1])
    padding: Pair | str = (p, rng.choice([0, 1])) if rng.random() < 0.15 else (p, p)
    if same:
        padding = "same"
    ceil = not same and rng.random() < 0.35
    include_pad = None
    if kind == "avg" and not same:
        include_pad = rng.choice([None, True, False, False])
    if force_ceil_drop:  # torch drops the last window: needs padding and a large stride
        ceil, same, stride = True, False, (rng.randint(2, 3),) * 2
        padding = (1, 1)
        size = (rng.randint(2, 3),) * 2
    r = rng.random()
    vkind = "float" if r < 0.55 else ("small" if r < 0.85 else "binary")
    inp = grid(rng, c, h, w, vkind)
    grad_kind = None
    if rng.random() < 0.5:
        grad_kind = "float" if rng.random() < 0.7 else "int"
    return pool_case(
        kind,
        inp,
        size,
        stride,
        padding,
        dilation,
        ceil,
        include_pad,
        grad_kind,
        rng,
        as_pair=rng.random() < 0.1,
    )


# --------------------------------------------------------------------------------------------


def make_cases(seed: int) -> tuple[list[dict[str, Any]], int]:
    rng = random.Random(seed)
    cases = [course_notes_case()]
    redraws = 0

    def collect(n: int, draw: Any, accept: Any = lambda case: True) -> None:
        nonlocal redraws
        got = 0
        while got < n:
            case = draw()
            if case is None or not accept(case):
                redraws += 1
                continue
            cases.append(case)
            got += 1

    collect(N_CONV2D, lambda: random_conv(rng, "2d"))
    collect(N_CONV1D, lambda: random_conv(rng, "1d"))
    collect(N_FLIP, lambda: random_conv(rng, "flip"))
    for kind in ("max", "avg"):
        collect(N_POOL, lambda kind=kind: random_pool(rng, kind))
        collect(
            N_CEIL_DROP,
            lambda kind=kind: random_pool(rng, kind, force_ceil_drop=True),
            lambda case: "ceil-drop" in case["features"],
        )
    return cases, redraws


def summary(cases: list[dict[str, Any]], redraws: int, size: int) -> list[str]:
    by_command = Counter(
        c["command"] + (" " + c["args"][1] if c["command"] == "pool" else "") for c in cases
    )
    feats = Counter(f for c in cases for f in c["features"])
    return [
        f"{len(cases)} cases ({redraws} draws rejected), {size} bytes",
        "commands: " + ", ".join(f"{k} {v}" for k, v in sorted(by_command.items())),
        "features: " + ", ".join(f"{k} {v}" for k, v in sorted(feats.items())),
        "surprises: " + (", ".join(f"{k} {v}" for k, v in SURPRISES.items()) or "none"),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="only compare with the existing file")
    args = ap.parse_args(argv)
    if keras.backend.backend() != "torch":
        sys.exit("set KERAS_BACKEND=torch")
    torch.manual_seed(args.seed)  # nothing here is random in torch; set for good measure

    cases, redraws = make_cases(args.seed)
    doc = {
        "generator": "scripts/make_conv_pool_oracle.py",
        "regenerate": REGENERATE,
        "torch": torch.__version__,
        "keras": keras.__version__,
        "seed": args.seed,
        "dtype": "float64",
        "notes": NOTES,
        "cases": cases,
    }
    text = dump(doc)
    for line in summary(cases, redraws, len(text.encode())):
        print(line)
    print("course-notes example: first output row 4 3 4 as published")
    return write_or_check(args.out, text, args.check)


if __name__ == "__main__":
    sys.exit(main())
