#!/usr/bin/env python3
"""Independent oracle for `dlcalc conv --depthwise / --pointwise / --transpose`: PyTorch, Keras 3.

This script does NOT import dlcalc.  It writes tests/data/conv_extra_oracle.json: for each case
the exact command line after `dlcalc` (without `-f json`) and the `output` [channel][row][column]
PyTorch computes for it in float64.

- depthwise (`conv --input X --kernel K --depthwise`): the one kernel K has one slice per input
  channel; slice c is applied to channel c alone (no sum over channels):
  F.conv2d(x, w, b, stride, padding, dilation, groups=C), w (C, 1, kh, kw).  Output [C][H][W];
  --bias has C values.
- separable (the same plus `--pointwise P`, repeated; P is one pointwise output channel's C
  1x1 weights): F.conv2d(depthwise output WITHOUT bias, pw (K, C, 1, 1), b): the bias (K values)
  is added after the pointwise step, as in Keras SeparableConv2D.  Output [K][H][W].
- transpose (`conv --transpose --kernel K1 [--kernel K2 ...]`, each kernel one OUTPUT channel
  with one slice per input channel): F.conv_transpose2d(x, w, b, stride, padding,
  output_padding, 1, dilation), w (C, K, kh, kw) with w[c, k] = slice c of kernel k.  Output
  size (n - 1)·s - 2p + d·(k - 1) + output_padding + 1 per axis.  `--padding same` is Keras
  Conv2DTranspose(padding="same") (output n·s): the full transposed convolution (padding 0,
  size (n - 1)·s + d·(k - 1) + 1) cropped by floor((d·(k - 1) + 1 - s) / 2) at the top / left
  and the rest (the odd one) at the bottom / right; when d·(k - 1) + 1 < s, s - (d·(k - 1) + 1)
  zero rows / columns are appended at the bottom / right instead.
- gradients (`--grad G`, the upstream gradient shaped as the output, depthwise and transpose,
  not separable): torch autograd through the same float64 computation gives `input_grad`
  [C][H][W], `kernel_grad` and, with --bias, `bias_grad` (the sum of G per output channel).
  kernel_grad is [C][1][kh][kw] for depthwise (torch's groups=C weight, w[c, 0] = slice c) and
  [K][C][kh][kw] for transpose (kernel k, slice c = torch's weight.grad[c, k]: its first two
  axes swapped).  'same' as above, through the crop / zero extension.

Cases (seeded random draws, except the textbook transposed example: input 1 2; 3 4, kernel
1 1; 1 1, stride 2 -> each input value spread over its own 2x2 block, asserted): 1-3 channels,
with and without bias, dilation 1-2, some rectangular kernels and strides different per axis.
- depthwise / separable: 3-6 x 3-6 inputs, kernels 1-3, stride 1-2, padding 0-1, 'valid',
  TensorFlow 'same' (total padding max((ceil(n/s) - 1)·s + d·(k - 1) + 1 - n, 0), floor half
  before; not with both stride and dilation > 1), 1-3 pointwise channels.
- transpose: 1-4 x 1-4 inputs, 1-2 kernels of 1-4, stride 1-3, padding 0-2 (at most
  d·(k - 1) per axis, which torch needs), output padding 0-1 where torch allows it
  (output_padding < stride or < dilation; two cases at stride 1 where only the dilation allows
  it), and 'same' (no output padding, not with both stride and dilation > 1).
- with --grad, drawn after all the others (so their draws are as before) the same way: 20
  depthwise, 30 transposed (22 explicit padding, 6 'same', 2 with the output padding allowed
  by the dilation); upstream gradients in [-1, 1] with 2 or 3 decimals.
Values are floats with 3 decimals in [-2, 2] or 0/1 input grids with small integer kernels.
Draws whose output would be empty are redrawn.  Each case carries "features" (e.g.
"depthwise", "separable", "transpose", "stride2", "output-padding", "same", "dilation", "bias",
"rect", "multi-kernel", "grad") so a test can check coverage.

Every case is cross-checked (the script stops on a disagreement) against
- a direct loop written out here (gather for depthwise / separable, scatter-add for transpose;
  for the gradients the upstream gradient sent back along the same products), to 1e-12;
- Keras 3 (torch backend) layers with their weights set: DepthwiseConv2D (kernel (kh, kw, C,
  1)), SeparableConv2D (depthwise (kh, kw, C, 1), pointwise (1, 1, C, K), bias after the
  pointwise), Conv2DTranspose (kernel (kh, kw, K, C)); explicit paddings are written as an F.pad
  before a 'valid' layer (depthwise, separable) or a crop of the 'valid' output (transpose).
  Keras's Conv2DTranspose refuses stride > 1 together with dilation > 1, so those transposed
  cases are checked by the loop and torch only.  The gradients are torch autograd through
  the Keras layer (input, layer.kernel.value.grad, layer.bias.value.grad).  These conv layers
  do compute in float64 (checked: dtype and agreement to 1e-12), unlike Keras's normalisation
  layers (see make_norm_oracle.py); KERAS_TOL allows for float32 leaking in anyway.
The conventions the data relies on are checked at the start (verify_conventions) and listed in
the JSON ("verified").  Everything is seeded: a rerun writes the same file (`--check` verifies
that).

Requirements (own virtual environment, not the project's):
    python3 -m venv /work/oracle-venv
    /work/oracle-venv/bin/pip install torch==2.13.0 keras
Regenerate (from the repository root):
    KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_conv_extra_oracle.py
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import torch
import torch.nn.functional as F
from oracle_output import dump, write_or_check  # beside this file

SEED = 20250616
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "conv_extra_oracle.json"
REGENERATE = "KERAS_BACKEND=torch /work/oracle-venv/bin/python scripts/make_conv_extra_oracle.py"
F64 = torch.float64
N_DEPTHWISE = 36
N_SEPARABLE = 30
N_TRANSPOSE = 46  # explicit padding, besides the textbook case
N_TRANSPOSE_SAME = 11
N_SAME_ODD = 3  # transposed 'same' draws kept only if a crop is odd (where Keras puts it)
N_OP_BY_DILATION = 2  # transposed, output padding 1 at stride 1 (allowed by dilation 2)
N_DEPTHWISE_GRAD = 20  # with --grad: depthwise (not separable), then transposed
N_TRANSPOSE_GRAD = 22
N_TRANSPOSE_SAME_GRAD = 6
N_OP_BY_DILATION_GRAD = 2
LOOP_TOL = 1e-12  # torch against the direct loops
KERAS_TOL = 1e-10  # torch against Keras (float64 here; loose in case float32 leaks in)

Num = float | int
Grid = list[list[list[Any]]]  # [channel][row][column]
Pair = tuple[int, int]

NOTES = [
    "All numbers are PyTorch float64.  Compare to about 1e-12.  output is [channel][row][column].",
    "depthwise: F.conv2d(..., groups=C) with the kernel's slice c on channel c only; output "
    "[C][H][W]; --bias has C values.",
    "separable: depthwise (no bias) then the 1x1 pointwise F.conv2d (one --pointwise per output "
    "channel, C weights each) plus --bias (K values), Keras SeparableConv2D's arrangement.",
    "transpose: F.conv_transpose2d with w[c, k] = slice c of --kernel k; output size "
    "(n - 1)s - 2p + d(k - 1) + output_padding + 1 per axis.",
    "transpose --padding same (Keras Conv2DTranspose): output n*s per axis; of the full "
    "transposed output ((n - 1)s + d(k - 1) + 1) crop floor((d(k - 1) + 1 - s) / 2) at the "
    "top / left and the rest at the bottom / right (the odd one at the end); if d(k - 1) + 1 < s, "
    "append s - d(k - 1) - 1 zero rows / columns at the bottom / right.",
    "depthwise / separable --padding same is TensorFlow's: total padding "
    "max((ceil(n/s) - 1)s + d(k - 1) + 1 - n, 0), floor half before, the rest after.",
    "--grad G (depthwise, transpose): torch float64 autograd; input_grad [C][H][W]; kernel_grad "
    "[C][1][kh][kw] for depthwise (torch's groups=C weight), [K][C][kh][kw] for transpose "
    "(kernel k, slice c = torch's conv_transpose2d weight.grad[c, k]); bias_grad (with --bias) "
    "the sum of G per output channel.",
]


# --------------------------------------------------------------------------------------------
# Text of the command-line arguments
# --------------------------------------------------------------------------------------------


def num(v: Num) -> str:
    if isinstance(v, int):
        return str(v)
    return repr(float(v) + 0.0)  # + 0.0: never "-0.0"


def volume_text(vol: Grid) -> str:
    """Channels separated by '|', rows by ';', values by spaces."""
    return " | ".join("; ".join(" ".join(num(v) for v in row) for row in ch) for ch in vol)


def pair_text(p: Pair, as_pair: bool) -> str:
    return f"{p[0]},{p[1]}" if as_pair or p[0] != p[1] else str(p[0])


# --------------------------------------------------------------------------------------------
# Random values and small helpers
# --------------------------------------------------------------------------------------------


def value(rng: random.Random, kind: str) -> Num:
    if kind == "float":
        return round(rng.uniform(-2.0, 2.0), 3) + 0.0
    if kind == "binary":
        return rng.randint(0, 1)
    if kind == "int":
        return rng.randint(-2, 2)
    raise ValueError(kind)


def grid(rng: random.Random, c: int, h: int, w: int, kind: str) -> Grid:
    return [[[value(rng, kind) for _ in range(w)] for _ in range(h)] for _ in range(c)]


def same_pads(n: int, k: int, s: int, d: int) -> Pair:
    """TensorFlow 'same' for a convolution: (before, after)."""
    eff = (k - 1) * d + 1
    total = max((math.ceil(n / s) - 1) * s + eff - n, 0)
    return total // 2, total - total // 2


def same_transpose_crop(k: int, s: int, d: int) -> Pair:
    """Keras Conv2DTranspose 'same': (crop before, crop after) of the full output; a negative
    crop after is that many zero rows / columns appended."""
    eff = (k - 1) * d + 1
    before = max((eff - s) // 2, 0)
    return before, eff - s - before


def tensor(vol: Any) -> torch.Tensor:
    return torch.tensor(vol, dtype=F64)


def nested(v: Any) -> Any:
    return [nested(a) for a in v] if isinstance(v, list) else float(v) + 0.0


def tolist(t: torch.Tensor) -> Any:
    """Nested lists of floats (never -0.0), any number of axes."""
    return nested(t.detach().tolist())


def upstream(rng: random.Random, c: int, h: int, w: int) -> Grid:
    """A random upstream gradient: values in [-1, 1] with 2 or 3 decimals (one choice per
    case)."""
    digits = rng.choice([2, 3])
    return [
        [[round(rng.uniform(-1.0, 1.0), digits) + 0.0 for _ in range(w)] for _ in range(h)]
        for _ in range(c)
    ]


def close(a: torch.Tensor, b: torch.Tensor, what: str, tol: float) -> None:
    if a.shape != b.shape or not torch.allclose(a, b, rtol=tol, atol=tol):
        raise AssertionError(f"{what} disagree:\n{a}\n{b}")
    if "keras" in what:
        KERAS_DIFF["max"] = max(KERAS_DIFF["max"], (a - b).abs().max().item())


def window(t: torch.Tensor, start: Pair, size: Pair) -> torch.Tensor:
    """t[..., start:start + size] on the last two axes, zeros past the end."""
    out = t[..., start[0] : start[0] + size[0], start[1] : start[1] + size[1]]
    return F.pad(out, (0, size[1] - out.shape[-1], 0, size[0] - out.shape[-2]))


def is_integer(vol: Grid) -> bool:
    return all(isinstance(v, int) for ch in vol for row in ch for v in row)


def keras_allows(stride: Pair, dilation: Pair) -> bool:
    return max(stride) == 1 or max(dilation) == 1


# --------------------------------------------------------------------------------------------
# depthwise and separable
# --------------------------------------------------------------------------------------------


def depthwise_loop(
    inp: Grid, kern: Grid, stride: Pair, pads: list[Pair], dilation: Pair, out: Pair
) -> list[list[list[float]]]:
    c, h, w = len(inp), len(inp[0]), len(inp[0][0])
    kh, kw = len(kern[0]), len(kern[0][0])
    res = [[[0.0] * out[1] for _ in range(out[0])] for _ in range(c)]
    for ch in range(c):
        for i in range(out[0]):
            for j in range(out[1]):
                total = 0.0
                for a in range(kh):
                    for b in range(kw):
                        r = i * stride[0] - pads[0][0] + a * dilation[0]
                        q = j * stride[1] - pads[1][0] + b * dilation[1]
                        if 0 <= r < h and 0 <= q < w:
                            total += inp[ch][r][q] * kern[ch][a][b]
                res[ch][i][j] = total
    return res


def depthwise_grad_loop(
    inp: Grid, kern: Grid, grad: Grid, stride: Pair, pads: list[Pair], dilation: Pair
) -> tuple[list[list[list[float]]], list[list[list[float]]]]:
    """(input gradient [C][H][W], kernel gradient [C][kh][kw]): each output cell's upstream
    gradient times the kernel value (input) or the input value (kernel) it multiplied."""
    c, h, w = len(inp), len(inp[0]), len(inp[0][0])
    kh, kw = len(kern[0]), len(kern[0][0])
    dx = [[[0.0] * w for _ in range(h)] for _ in range(c)]
    dk = [[[0.0] * kw for _ in range(kh)] for _ in range(c)]
    for ch in range(c):
        for i in range(len(grad[0])):
            for j in range(len(grad[0][0])):
                for a in range(kh):
                    for b in range(kw):
                        r = i * stride[0] - pads[0][0] + a * dilation[0]
                        q = j * stride[1] - pads[1][0] + b * dilation[1]
                        if 0 <= r < h and 0 <= q < w:
                            dx[ch][r][q] += grad[ch][i][j] * kern[ch][a][b]
                            dk[ch][a][b] += grad[ch][i][j] * inp[ch][r][q]
    return dx, dk


def compare_grads(got: dict[str, torch.Tensor], want: dict[str, torch.Tensor], what: str) -> None:
    assert set(got) == set(want), (set(got), set(want), what)
    tol = KERAS_TOL if "keras" in what else LOOP_TOL
    for key, val in want.items():
        close(got[key], val, f"{key}: {what}", tol)


def depthwise_case(
    inp: Grid,
    kern: Grid,
    bias: list[Num] | None,
    stride: Pair,
    padding: Pair | str,
    dilation: Pair,
    pointwise: list[list[Num]] | None = None,
    *,
    as_pair: bool = False,
    show_defaults: bool = False,
    grad_rng: random.Random | None = None,
) -> dict[str, Any] | None:
    """One depthwise (or, with pointwise, separable) case; None when the output is empty.
    grad_rng (depthwise only): draw an upstream gradient and add the gradients (autograd)."""
    c, h, w = len(inp), len(inp[0]), len(inp[0][0])
    kh, kw = len(kern[0]), len(kern[0][0])
    if padding == "same":
        pads = [same_pads(n, k, s, d) for n, k, s, d in zip((h, w), (kh, kw), stride, dilation)]
    elif padding == "valid":
        pads = [(0, 0), (0, 0)]
    else:
        assert not isinstance(padding, str)
        pads = [(padding[0], padding[0]), (padding[1], padding[1])]
    outs = [
        (n + a + b - ((k - 1) * d + 1)) // s + 1
        for n, (a, b), k, s, d in zip((h, w), pads, (kh, kw), stride, dilation)
    ]
    if min(outs) < 1:
        return None

    x, wt = tensor(inp), tensor(kern)
    b = tensor(bias) if bias is not None else None
    xin = F.pad(x[None], (*pads[1], *pads[0]))
    dw = F.conv2d(xin, wt[:, None], None if pointwise else b, stride, 0, dilation, groups=c)
    if pointwise is not None:
        pw = tensor(pointwise)
        y = F.conv2d(dw, pw[:, :, None, None], b)[0]
        n_out = len(pointwise)
    else:
        y = dw[0]
        n_out = c
    if not isinstance(padding, str):  # torch's own padding argument gives the same
        bb = None if pointwise else b
        again = F.conv2d(x[None], wt[:, None], bb, stride, padding, dilation, groups=c)
        close(again, dw, "F.pad and torch's padding", LOOP_TOL)
    assert list(y.shape) == [n_out, *outs], (y.shape, outs)

    # the direct loop
    loop = tensor(depthwise_loop(inp, kern, stride, pads, dilation, (outs[0], outs[1])))
    if pointwise is not None:
        loop = torch.einsum("kc,chw->khw", tensor(pointwise), loop)
    if b is not None:
        loop = loop + b[:, None, None]
    close(y, loop, "torch and the direct loop", LOOP_TOL)
    check_depthwise_with_keras(x, wt, b, stride, padding, pads, dilation, pointwise, y)
    KERAS_CHECKED["depthwise" if pointwise is None else "separable"] += 1

    upstream_grad: Grid | None = None
    grads: dict[str, torch.Tensor] = {}
    if grad_rng is not None:
        assert pointwise is None, "no --grad with --pointwise"
        upstream_grad = upstream(grad_rng, c, outs[0], outs[1])
        gt = tensor(upstream_grad)
        xg, wg = x.clone().requires_grad_(), wt[:, None].clone().requires_grad_()
        bg = None if b is None else b.clone().requires_grad_()
        yg = F.conv2d(F.pad(xg[None], (*pads[1], *pads[0])), wg, bg, stride, 0, dilation, c)[0]
        close(yg, y, "the forward pass again", 0.0)
        yg.backward(gt)
        assert xg.grad is not None and wg.grad is not None
        grads = {"input_grad": xg.grad, "kernel_grad": wg.grad}  # (C, 1, kh, kw)
        if bg is not None:
            assert bg.grad is not None
            grads["bias_grad"] = bg.grad
        dx, dk = depthwise_grad_loop(inp, kern, upstream_grad, stride, pads, dilation)
        want = {"input_grad": tensor(dx), "kernel_grad": tensor(dk)[:, None]}
        if b is not None:
            want["bias_grad"] = gt.sum((1, 2))
        compare_grads(grads, want, "torch autograd and the direct loop (depthwise)")
        keras_grads = check_depthwise_with_keras(
            x, wt, b, stride, padding, pads, dilation, None, y, gt
        )
        compare_grads(keras_grads, grads, "torch and keras autograd (depthwise)")
        KERAS_CHECKED["depthwise-grad"] += 1

    args = ["conv", "--input", volume_text(inp), "--kernel", volume_text(kern), "--depthwise"]
    for row in pointwise or []:
        args += ["--pointwise", " ".join(num(v) for v in row)]
    if bias is not None:
        args += ["--bias", ",".join(num(v) for v in bias)]
    if stride != (1, 1) or show_defaults:
        args += ["--stride", pair_text(stride, as_pair)]
    if isinstance(padding, str):
        args += ["--padding", padding]
    elif padding != (0, 0) or show_defaults:
        args += ["--padding", pair_text(padding, as_pair)]
    if dilation != (1, 1) or show_defaults:
        args += ["--dilation", str(dilation[0])]
    if upstream_grad is not None:
        args += ["--grad", volume_text(upstream_grad)]

    feats = ["depthwise"] if pointwise is None else ["separable"]
    if pointwise is not None:
        feats += ["multi-kernel"] * (len(pointwise) > 1)
        feats += ["pointwise3"] * (len(pointwise) == 3)
    feats += ["multi-channel"] * (c > 1) + ["rect"] * (kh != kw)
    feats += ["bias"] * (bias is not None)
    feats += [f"stride{max(stride)}"] * (max(stride) > 1)
    feats += ["stride-rect"] * (stride[0] != stride[1])
    feats += ["dilation"] * (max(dilation) > 1)
    if isinstance(padding, str):
        feats.append(padding)
        if padding == "same" and any(a != b for a, b in pads):
            feats.append("same-asym")
    elif max(padding) > 0:
        feats.append("padding")
        feats += ["padding-rect"] * (padding[0] != padding[1])
    feats += ["integer"] * is_integer(inp)
    feats += ["grad"] * (upstream_grad is not None)
    return {
        "command": "conv",
        "args": args,
        "output": tolist(y),
        **{key: tolist(val) for key, val in grads.items()},
        "features": sorted(set(feats)),
    }


def check_depthwise_with_keras(
    x: torch.Tensor,
    wt: torch.Tensor,
    b: torch.Tensor | None,
    stride: Pair,
    padding: Pair | str,
    pads: list[Pair],
    dilation: Pair,
    pointwise: list[list[Num]] | None,
    want: torch.Tensor,
    grad: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """DepthwiseConv2D / SeparableConv2D with the weights set ('same' as the layer does it,
    an explicit padding as F.pad before a 'valid' layer).  With grad (the upstream gradient,
    depthwise only): the gradients by torch autograd through the layer, kernel in torch's
    layout (C, 1, kh, kw)."""
    _, kh, kw = wt.shape
    same = padding == "same"
    common = {
        "strides": stride,
        "padding": "same" if same else "valid",
        "dilation_rate": dilation,
        "data_format": "channels_first",
        "use_bias": b is not None,
        "dtype": "float64",
    }
    if grad is not None:
        x = x.clone().requires_grad_()
    xin = x[None] if same else F.pad(x[None], (*pads[1], *pads[0]))
    dw_kernel = wt.permute(1, 2, 0)[..., None]  # (kh, kw, C, 1)
    if pointwise is None:
        layer = keras.layers.DepthwiseConv2D((kh, kw), depth_multiplier=1, **common)
        layer.build(tuple(xin.shape))
        layer.kernel.assign(dw_kernel)
    else:
        pw = tensor(pointwise)
        layer = keras.layers.SeparableConv2D(len(pointwise), (kh, kw), **common)
        layer.build(tuple(xin.shape))
        layer.depthwise_kernel.assign(dw_kernel)
        layer.pointwise_kernel.assign(pw.T[None, None])  # (1, 1, C, K)
    if b is not None:
        layer.bias.assign(b)
    got = layer(xin)[0]
    assert got.dtype == F64, got.dtype
    close(got, want, "torch and keras (depthwise / separable)", KERAS_TOL)
    if grad is None:
        return {}
    assert pointwise is None
    got.backward(grad)
    grads = {"input_grad": x.grad, "kernel_grad": layer.kernel.value.grad.permute(2, 3, 0, 1)}
    if b is not None:
        grads["bias_grad"] = layer.bias.value.grad
    assert all(g is not None for g in grads.values())
    return grads


def random_depthwise(
    rng: random.Random, separable: bool, grad: bool = False
) -> dict[str, Any] | None:
    """One random draw; grad (not separable): with a random upstream gradient."""
    c = rng.randint(1, 3)
    h, w = rng.randint(3, 6), rng.randint(3, 6)
    kh = rng.randint(1, 3)
    kw = rng.randint(1, 3) if rng.random() < 0.25 else kh
    s = rng.choice([1, 1, 2, 2])
    stride = (s, rng.randint(1, 2)) if rng.random() < 0.15 else (s, s)
    d = 2 if rng.random() < 0.25 else 1
    dilation = (d, d)
    r = rng.random()
    padding: Pair | str
    if r < 0.2 and keras_allows(stride, dilation):
        padding = "same"
    elif r < 0.3:
        padding = "valid"
    else:
        p = rng.choice([0, 0, 1, 1])
        padding = (p, rng.randint(0, 1)) if rng.random() < 0.15 else (p, p)
    integer = rng.random() < 0.25
    inp = grid(rng, c, h, w, "binary" if integer else "float")
    vk = "int" if integer else "float"
    kern = grid(rng, c, kh, kw, vk)
    pointwise = None
    if separable:
        k = rng.choice([1, 2, 2, 3])
        pointwise = [[value(rng, vk) for _ in range(c)] for _ in range(k)]
    n_bias = len(pointwise) if pointwise else c
    bias = [value(rng, vk) for _ in range(n_bias)] if rng.random() < 0.55 else None
    return depthwise_case(
        inp,
        kern,
        bias,
        stride,
        padding,
        dilation,
        pointwise,
        as_pair=rng.random() < 0.1,
        show_defaults=rng.random() < 0.1,
        grad_rng=rng if grad else None,
    )


# --------------------------------------------------------------------------------------------
# transpose
# --------------------------------------------------------------------------------------------


def transpose_loop(
    inp: Grid, kernels: list[Grid], stride: Pair, offset: Pair, dilation: Pair, out: Pair
) -> list[list[list[float]]]:
    """Scatter-add: input (i, j) times kernel (a, b) lands on (i·s - offset + a·d, ...)."""
    c, h, w = len(inp), len(inp[0]), len(inp[0][0])
    kh, kw = len(kernels[0][0]), len(kernels[0][0][0])
    res = [[[0.0] * out[1] for _ in range(out[0])] for _ in kernels]
    for k, kern in enumerate(kernels):
        for ch in range(c):
            for i in range(h):
                for j in range(w):
                    for a in range(kh):
                        for b in range(kw):
                            r = i * stride[0] - offset[0] + a * dilation[0]
                            q = j * stride[1] - offset[1] + b * dilation[1]
                            if 0 <= r < out[0] and 0 <= q < out[1]:
                                res[k][r][q] += inp[ch][i][j] * kern[ch][a][b]
    return res


def transpose_grad_loop(
    inp: Grid, kernels: list[Grid], grad: Grid, stride: Pair, offset: Pair, dilation: Pair
) -> tuple[list[list[list[float]]], list[list[list[list[float]]]]]:
    """(input gradient [C][H][W], kernel gradient [K][C][kh][kw]) of the scatter-add: the
    upstream gradient where input (i, j) times kernel (a, b) landed."""
    c, h, w = len(inp), len(inp[0]), len(inp[0][0])
    kh, kw = len(kernels[0][0]), len(kernels[0][0][0])
    out = (len(grad[0]), len(grad[0][0]))
    dx = [[[0.0] * w for _ in range(h)] for _ in range(c)]
    dk = [[[[0.0] * kw for _ in range(kh)] for _ in range(c)] for _ in kernels]
    for k, kern in enumerate(kernels):
        for ch in range(c):
            for i in range(h):
                for j in range(w):
                    for a in range(kh):
                        for b in range(kw):
                            r = i * stride[0] - offset[0] + a * dilation[0]
                            q = j * stride[1] - offset[1] + b * dilation[1]
                            if 0 <= r < out[0] and 0 <= q < out[1]:
                                dx[ch][i][j] += grad[k][r][q] * kern[ch][a][b]
                                dk[k][ch][a][b] += grad[k][r][q] * inp[ch][i][j]
    return dx, dk


def transpose_case(
    inp: Grid,
    kernels: list[Grid],
    bias: list[Num] | None,
    stride: Pair,
    padding: Pair | str,
    output_padding: Pair,
    dilation: Pair,
    *,
    as_pair: bool = False,
    show_defaults: bool = False,
    grad_rng: random.Random | None = None,
) -> dict[str, Any] | None:
    """One transposed case; None when torch would reject it or the output is empty.
    grad_rng: draw an upstream gradient and add the gradients (autograd)."""
    c, h, w = len(inp), len(inp[0]), len(inp[0][0])
    kh, kw = len(kernels[0][0]), len(kernels[0][0][0])
    effs = [(k - 1) * d + 1 for k, d in zip((kh, kw), dilation)]
    fulls = [(n - 1) * s + e for n, s, e in zip((h, w), stride, effs)]
    same = padding == "same"
    if same:
        assert output_padding == (0, 0)
        crops = [same_transpose_crop(k, s, d) for k, s, d in zip((kh, kw), stride, dilation)]
        offset = (crops[0][0], crops[1][0])
        outs = [n * s for n, s in zip((h, w), stride)]
        assert all(f - a - b == o for f, (a, b), o in zip(fulls, crops, outs))
    else:
        assert not isinstance(padding, str)
        for p, e, op, s, d in zip(padding, effs, output_padding, stride, dilation):
            if p > e - 1 or not (op < s or op < d):
                return None
        offset = padding
        outs = [f - 2 * p + op for f, p, op in zip(fulls, padding, output_padding)]
    if min(outs) < 1:
        return None

    x = tensor(inp)
    wt = tensor(kernels).permute(1, 0, 2, 3)  # (C, K, kh, kw)
    b = tensor(bias) if bias is not None else None
    if same:
        full = F.conv_transpose2d(x[None], wt, None, stride, 0, 0, 1, dilation)[0]
        assert list(full.shape[1:]) == fulls
        y = window(full, offset, (outs[0], outs[1]))
        if b is not None:
            y = y + b[:, None, None]
    else:
        y = F.conv_transpose2d(x[None], wt, b, stride, padding, output_padding, 1, dilation)[0]
    assert list(y.shape) == [len(kernels), *outs], (y.shape, outs)

    loop = tensor(transpose_loop(inp, kernels, stride, offset, dilation, (outs[0], outs[1])))
    if b is not None:
        loop = loop + b[:, None, None]
    close(y, loop, "torch and the direct loop (transpose)", LOOP_TOL)
    if keras_allows(stride, dilation):
        check_transpose_with_keras(x, tensor(kernels), b, stride, padding, dilation, offset, y)
        KERAS_CHECKED["transpose-same" if same else "transpose"] += 1

    upstream_grad: Grid | None = None
    grads: dict[str, torch.Tensor] = {}
    if grad_rng is not None:
        upstream_grad = upstream(grad_rng, len(kernels), outs[0], outs[1])
        gt = tensor(upstream_grad)
        xg, wg = x.clone().requires_grad_(), wt.clone().requires_grad_()
        bg = None if b is None else b.clone().requires_grad_()
        if same:
            full = F.conv_transpose2d(xg[None], wg, None, stride, 0, 0, 1, dilation)[0]
            yg = window(full, offset, (outs[0], outs[1]))
            if bg is not None:
                yg = yg + bg[:, None, None]
        else:
            op = output_padding
            yg = F.conv_transpose2d(xg[None], wg, bg, stride, padding, op, 1, dilation)[0]
        close(yg, y, "the forward pass again", 0.0)
        yg.backward(gt)
        assert xg.grad is not None and wg.grad is not None
        # torch's weight (C, K, kh, kw); dlcalc's kernels (K, C, kh, kw)
        grads = {"input_grad": xg.grad, "kernel_grad": wg.grad.transpose(0, 1)}
        if bg is not None:
            assert bg.grad is not None
            grads["bias_grad"] = bg.grad
        dx, dk = transpose_grad_loop(inp, kernels, upstream_grad, stride, offset, dilation)
        want = {"input_grad": tensor(dx), "kernel_grad": tensor(dk)}
        if b is not None:
            want["bias_grad"] = gt.sum((1, 2))
        compare_grads(grads, want, "torch autograd and the direct loop (transpose)")
        if keras_allows(stride, dilation):
            keras_grads = check_transpose_with_keras(
                x, tensor(kernels), b, stride, padding, dilation, offset, y, gt
            )
            compare_grads(keras_grads, grads, "torch and keras autograd (transpose)")
            KERAS_CHECKED["transpose-grad"] += 1

    args = ["conv", "--transpose", "--input", volume_text(inp)]
    for k in kernels:
        args += ["--kernel", volume_text(k)]
    if bias is not None:
        args += ["--bias", ",".join(num(v) for v in bias)]
    if stride != (1, 1) or show_defaults:
        args += ["--stride", pair_text(stride, as_pair)]
    if same:
        args += ["--padding", "same"]
    elif padding != (0, 0) or show_defaults:
        args += ["--padding", pair_text(padding, as_pair)]
    if output_padding != (0, 0) or (show_defaults and not same):
        args += ["--output-padding", pair_text(output_padding, as_pair)]
    if dilation != (1, 1) or show_defaults:
        args += ["--dilation", str(dilation[0])]
    if upstream_grad is not None:
        args += ["--grad", volume_text(upstream_grad)]

    feats = ["transpose", *["multi-channel"] * (c > 1), *["multi-kernel"] * (len(kernels) > 1)]
    feats += ["rect"] * (kh != kw) + ["bias"] * (bias is not None)
    feats += [f"stride{max(stride)}"] * (max(stride) > 1)
    feats += ["stride-rect"] * (stride[0] != stride[1])
    feats += ["dilation"] * (max(dilation) > 1)
    if same:
        feats.append("same")
        feats += ["same-odd-crop"] * any(a != bb and bb >= 0 for a, bb in crops)
        feats += ["same-extend"] * any(bb < 0 for _, bb in crops)
    else:
        assert not isinstance(padding, str)
        feats += ["padding"] * (max(padding) > 0)
        feats += ["padding-rect"] * (padding[0] != padding[1])
        feats += ["output-padding"] * (max(output_padding) > 0)
        feats += ["output-padding-rect"] * (output_padding[0] != output_padding[1])
        feats += ["output-padding-dilation"] * any(op >= s for op, s in zip(output_padding, stride))
    feats += ["integer"] * is_integer(inp)
    feats += ["overlap"] * any(e > s for e, s in zip(effs, stride))
    feats += ["gaps"] * any(e < s for e, s in zip(effs, stride))
    feats += ["grad"] * (upstream_grad is not None)
    return {
        "command": "conv",
        "args": args,
        "output": tolist(y),
        **{key: tolist(val) for key, val in grads.items()},
        "features": sorted(set(feats)),
    }


def check_transpose_with_keras(
    x: torch.Tensor,
    kernels: torch.Tensor,
    b: torch.Tensor | None,
    stride: Pair,
    padding: Pair | str,
    dilation: Pair,
    offset: Pair,
    want: torch.Tensor,
    grad: torch.Tensor | None = None,
) -> dict[str, torch.Tensor]:
    """Conv2DTranspose with its kernel (kh, kw, K, C) set; 'same' as the layer does it, an
    explicit padding as a window of the 'valid' output (output_padding 0: the full size).
    With grad (the upstream gradient): the gradients by torch autograd through the layer,
    kernel as (K, C, kh, kw)."""
    k, _, kh, kw = kernels.shape
    same = padding == "same"
    layer = keras.layers.Conv2DTranspose(
        k,
        (kh, kw),
        strides=stride,
        padding="same" if same else "valid",
        output_padding=None if same else 0,
        dilation_rate=dilation,
        data_format="channels_first",
        use_bias=b is not None,
        dtype="float64",
    )
    layer.build((None, *x.shape))
    layer.kernel.assign(kernels.permute(2, 3, 0, 1))
    if b is not None:
        layer.bias.assign(b)
    if grad is not None:
        x = x.clone().requires_grad_()
    got = layer(x[None])[0]
    assert got.dtype == F64, got.dtype
    if not same:
        # the layer's own bias variable (its values are b): its gradient is then sum(G)
        # also where the window reaches past the layer's output (zeros there, plus the bias)
        bias = 0 if b is None else layer.bias.value[:, None, None]
        got = window(got - bias, offset, (want.shape[1], want.shape[2])) + bias
    close(got, want, "torch and keras (transpose)", KERAS_TOL)
    if grad is None:
        return {}
    got.backward(grad)
    grads = {"input_grad": x.grad, "kernel_grad": layer.kernel.value.grad.permute(2, 3, 0, 1)}
    if b is not None:
        grads["bias_grad"] = layer.bias.value.grad
    assert all(g is not None for g in grads.values())
    return grads


TEXTBOOK_INPUT = [[[1, 2], [3, 4]]]
TEXTBOOK_KERNEL = [[[1, 1], [1, 1]]]


def textbook_case() -> dict[str, Any]:
    case = transpose_case(TEXTBOOK_INPUT, [TEXTBOOK_KERNEL], None, (2, 2), (0, 0), (0, 0), (1, 1))
    assert case is not None
    want = [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    assert case["output"] == [[[float(v) for v in row] for row in want]], case["output"]
    args = ["--transpose", "--input", "1 2; 3 4", "--kernel", "1 1; 1 1", "--stride", "2"]
    assert case["args"] == ["conv", *args], case["args"]
    case["features"] = sorted({*case["features"], "textbook"})
    return case


def random_transpose(
    rng: random.Random, same: bool, op_by_dilation: bool = False, grad: bool = False
) -> dict[str, Any] | None:
    """One random draw; op_by_dilation: stride 1, dilation 2 and output padding 1, which
    torch allows because the output padding is below the dilation; grad: with a random
    upstream gradient."""
    c, k = rng.randint(1, 3), rng.randint(1, 2)
    h, w = rng.randint(1, 4), rng.randint(1, 4)
    if min(h, w) == 1 and rng.random() < 0.6:
        h, w = max(h, 2), max(w, 2)
    kh = rng.randint(1, 4)
    kw = rng.randint(1, 4) if rng.random() < 0.3 else kh
    s = rng.choice([1, 1, 2, 2, 3])
    stride = (s, rng.randint(1, 3)) if rng.random() < 0.15 else (s, s)
    d = 2 if rng.random() < 0.25 else 1
    if op_by_dilation:
        stride, d, kh = (1, 1), 2, max(kh, 2)
        kw = max(kw, 2)
    dilation = (d, d)
    padding: Pair | str
    output_padding = (0, 0)
    if same:
        if not keras_allows(stride, dilation):
            dilation = (1, 1)
        padding = "same"
    else:
        p = rng.choice([0, 0, 1, 1, 2])
        pq = (p, rng.randint(0, 2)) if rng.random() < 0.2 else (p, p)
        padding = (min(pq[0], dilation[0] * (kh - 1)), min(pq[1], dilation[1] * (kw - 1)))
        if op_by_dilation:
            output_padding = (1, 1)
        elif rng.random() < 0.5:
            op = rng.randint(0, 1)
            output_padding = (op, rng.randint(0, 1)) if rng.random() < 0.25 else (op, op)
            output_padding = tuple(  # type: ignore[assignment]
                o if (o < st or o < dl) else 0
                for o, st, dl in zip(output_padding, stride, dilation)
            )
    integer = rng.random() < 0.25
    inp = grid(rng, c, h, w, "binary" if integer else "float")
    vk = "int" if integer else "float"
    kernels = [grid(rng, c, kh, kw, vk) for _ in range(k)]
    bias = [value(rng, vk) for _ in range(k)] if rng.random() < 0.55 else None
    return transpose_case(
        inp,
        kernels,
        bias,
        stride,
        padding,
        output_padding,
        dilation,
        as_pair=rng.random() < 0.1,
        show_defaults=rng.random() < 0.1,
        grad_rng=rng if grad else None,
    )


# --------------------------------------------------------------------------------------------
# Conventions checked before the cases
# --------------------------------------------------------------------------------------------

KERAS_CHECKED: Counter[str] = Counter()
KERAS_DIFF = {"max": 0.0}  # the largest |torch - keras| seen


def verify_conventions() -> list[str]:
    found = []
    gen = torch.Generator().manual_seed(SEED)

    # Keras Conv2DTranspose 'same': where the crop goes, for many kernel / stride / dilation
    seen: Counter[str] = Counter()
    for k in range(1, 6):
        for s in range(1, 4):
            for d in (1, 2):
                if s > 1 and d > 1:
                    continue  # Keras refuses stride > 1 with dilation > 1
                for n in (1, 2, 3):
                    x = torch.randn(1, 2, n, n + 1, dtype=F64, generator=gen)
                    wt = torch.randn(2, 3, k, k, dtype=F64, generator=gen)  # (C, K, kh, kw)
                    layer = keras.layers.Conv2DTranspose(
                        3,
                        k,
                        strides=s,
                        padding="same",
                        dilation_rate=d,
                        data_format="channels_first",
                        use_bias=False,
                        dtype="float64",
                    )
                    layer.build(tuple(x.shape))
                    layer.kernel.assign(wt.permute(2, 3, 1, 0))
                    got = layer(x)
                    assert got.dtype == F64
                    full = F.conv_transpose2d(x, wt, None, s, 0, 0, 1, d)
                    before, after = same_transpose_crop(k, s, d)
                    want = window(full, (before, before), (n * s, (n + 1) * s))
                    close(got, want, f"keras 'same' transpose k={k} s={s} d={d}", 1e-12)
                    # the other placement of an odd crop would disagree
                    if before != after and after >= 0:
                        other = window(full, (after, after), (n * s, (n + 1) * s))
                        assert not torch.allclose(got, other), (k, s, d)
                        seen["odd"] += 1
                    seen["extend" if after < 0 else "crop"] += 1
    found.append(
        "keras Conv2DTranspose(padding='same') on the torch backend, output n*s: the full "
        "transposed output ((n-1)s + d(k-1) + 1) cropped by floor((d(k-1) + 1 - s) / 2) at the "
        "top / left and the rest at the bottom / right, so an ODD crop puts the extra row / "
        "column at the END (bottom / right) and the output keeps the top / left one; when "
        "d(k-1) + 1 < s, s - d(k-1) - 1 zero rows / columns are appended at the bottom / right "
        "(the input's contributions start at output row 0).  Same placement as TensorFlow's "
        "gradient of a 'same' conv2d (floor half of the padding before).  Checked for k 1-5, "
        f"s 1-3, d 1-2 (not both > 1), n 1-3: {seen['crop']} crops ({seen['odd']} odd, where "
        f"the opposite placement was shown to differ), {seen['extend']} zero extensions"
    )

    # Keras refuses stride > 1 together with dilation > 1 in Conv2DTranspose (not depthwise)
    try:
        keras.layers.Conv2DTranspose(1, 3, strides=2, dilation_rate=2)
        raise AssertionError("keras accepted stride 2 with dilation 2")
    except ValueError as err:
        assert "dilation" in str(err), err
    keras.layers.DepthwiseConv2D(3, strides=2, dilation_rate=2)
    keras.layers.SeparableConv2D(1, 3, strides=2, dilation_rate=2)
    found.append(
        "keras Conv2DTranspose refuses strides > 1 with dilation_rate > 1 (ValueError), so "
        "those transposed cases are checked against torch and the direct loop only; "
        "DepthwiseConv2D and SeparableConv2D accept the combination and are checked always"
    )

    # SeparableConv2D: the bias comes after the pointwise step (depthwise has none)
    x = torch.randn(1, 2, 4, 4, dtype=F64, generator=gen)
    dwk = torch.randn(2, 3, 3, dtype=F64, generator=gen)
    pw = torch.randn(3, 2, dtype=F64, generator=gen)
    b = torch.randn(3, dtype=F64, generator=gen)
    layer = keras.layers.SeparableConv2D(3, 3, data_format="channels_first", dtype="float64")
    layer.build(tuple(x.shape))
    assert tuple(layer.depthwise_kernel.shape) == (3, 3, 2, 1)
    assert tuple(layer.pointwise_kernel.shape) == (1, 1, 2, 3)
    assert tuple(layer.bias.shape) == (3,)
    layer.depthwise_kernel.assign(dwk.permute(1, 2, 0)[..., None])
    layer.pointwise_kernel.assign(pw.T[None, None])
    layer.bias.assign(b)
    want = F.conv2d(F.conv2d(x, dwk[:, None], groups=2), pw[:, :, None, None], b)
    close(layer(x), want, "keras SeparableConv2D", 1e-12)
    found.append(
        "keras SeparableConv2D: depthwise_kernel (kh, kw, C, 1), pointwise_kernel (1, 1, C, K), "
        "bias (K,) added once after the pointwise 1x1 step; the depthwise step has no bias"
    )

    # transposed conv = the gradient of conv2d with respect to its input
    x = torch.randn(1, 2, 3, 4, dtype=F64, generator=gen)
    wt = torch.randn(2, 3, 3, 2, dtype=F64, generator=gen)  # (C, K, kh, kw)
    y = F.conv_transpose2d(x, wt, None, 2, 1, 1, 1, 1)
    z = torch.zeros(y.shape, dtype=F64, requires_grad=True)
    F.conv2d(z, wt, None, 2, 1, 1).backward(x)
    assert z.grad is not None
    close(y, z.grad, "conv_transpose2d and the conv2d input gradient", 1e-13)
    found.append(
        "torch F.conv_transpose2d(x, w (C_in, C_out, kh, kw), stride 2, padding 1, "
        "output_padding 1) equals the input gradient of F.conv2d(., w, stride 2, padding 1) "
        "for the upstream gradient x: w[c, k] is the slice of input channel c in output kernel k"
    )
    found.append(
        "keras conv layers (DepthwiseConv2D, SeparableConv2D, Conv2DTranspose) with "
        "dtype='float64' compute in float64 on the torch backend (output dtype float64, "
        "agreement to 1e-12), unlike the normalisation layers"
    )
    return found


# --------------------------------------------------------------------------------------------


def make_cases(seed: int) -> tuple[list[dict[str, Any]], int]:
    rng = random.Random(seed)
    cases: list[dict[str, Any]] = []
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

    collect(N_DEPTHWISE, lambda: random_depthwise(rng, separable=False))
    collect(N_SEPARABLE, lambda: random_depthwise(rng, separable=True))
    cases.append(textbook_case())
    collect(N_TRANSPOSE, lambda: random_transpose(rng, same=False))
    collect(N_TRANSPOSE_SAME, lambda: random_transpose(rng, same=True))
    collect(
        N_SAME_ODD,
        lambda: random_transpose(rng, same=True),
        lambda case: "same-odd-crop" in case["features"],
    )
    collect(N_OP_BY_DILATION, lambda: random_transpose(rng, False, op_by_dilation=True))
    # with --grad (after the others, so that their draws stay as they were)
    collect(N_DEPTHWISE_GRAD, lambda: random_depthwise(rng, separable=False, grad=True))
    collect(N_TRANSPOSE_GRAD, lambda: random_transpose(rng, same=False, grad=True))
    collect(N_TRANSPOSE_SAME_GRAD, lambda: random_transpose(rng, same=True, grad=True))
    collect(N_OP_BY_DILATION_GRAD, lambda: random_transpose(rng, False, True, grad=True))
    return cases, redraws


def summary(cases: list[dict[str, Any]], redraws: int, size: int) -> list[str]:
    lines = [f"{len(cases)} cases ({redraws} draws rejected or redrawn), {size} bytes"]
    for kind in ("depthwise", "separable", "transpose"):
        feats = Counter(f for c in cases if kind in c["features"] for f in c["features"])
        lines.append(f"{kind}: " + ", ".join(f"{k} {v}" for k, v in sorted(feats.items())))
    return [
        *lines,
        "keras cross-checks run (redrawn draws included): "
        + ", ".join(f"{k} {v}" for k, v in sorted(KERAS_CHECKED.items()))
        + f" (largest difference {KERAS_DIFF['max']:.3g})",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="only compare with the existing file")
    args = ap.parse_args(argv)
    if keras.backend.backend() != "torch":
        sys.exit("set KERAS_BACKEND=torch")
    torch.manual_seed(args.seed)  # nothing here draws from torch's global generator
    warnings.filterwarnings("ignore", module="keras")

    verified = verify_conventions()
    cases, redraws = make_cases(args.seed)
    doc = {
        "generator": "scripts/make_conv_extra_oracle.py",
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
    print("textbook example: 1 2; 3 4 with kernel 1 1; 1 1 at stride 2 -> 2x2 blocks, as asserted")
    return write_or_check(args.out, text, args.check)


if __name__ == "__main__":
    sys.exit(main())
