"""A transposed convolution's window: its padding as what is cropped from the output's sides
(PyTorch's padding p crops p from each side; output padding adds rows and columns at the end;
``same`` is Keras's: the output n·s)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dlcalc.parse.calculators import argument
from dlcalc.parse.values import parse_size
from dlcalc.spec.grids import Window


def transposed_window(
    options: Mapping[str, Any],
    size: tuple[int, int],
    stride: tuple[int, int],
    dilation: tuple[int, int],
    one_d: bool,
) -> Window:
    extra_text = options["--output-padding"] or "0"
    extra = parse_size(
        argument(extra_text.replace(",", "x"), "--output-padding"), "--output-padding", 0
    )
    op = (0 if one_d else extra[0], extra[-1])
    for axis in range(2):
        if op[axis] >= max(stride[axis], dilation[axis]):
            raise argument(extra_text, "--output-padding").error(
                "the output padding must be smaller than the stride or the dilation (PyTorch's "
                "rule)",
                expected=f"at most {max(stride[axis], dilation[axis]) - 1}",
            )
    text = (options["--padding"] or "0").strip().lower()
    crops: list[int] = []
    if text in ("same", "valid"):
        for axis in range(2):
            total = dilation[axis] * (size[axis] - 1) + 1 - stride[axis] if text == "same" else 0
            first = max(total, 0) // 2
            crops += [first, total - first - op[axis]]
        kind = text
    else:
        pad = parse_size(argument(text.replace(",", "x"), "--padding"), "--padding", 0)
        for axis in range(2):
            p = 0 if one_d and axis == 0 else pad[min(axis, len(pad) - 1)]
            crops += [p, p - op[axis]]
        kind = "explicit"
    crop = (crops[0], crops[1], crops[2], crops[3])
    return Window(size, stride, crop, dilation, kind, output_padding=op)
