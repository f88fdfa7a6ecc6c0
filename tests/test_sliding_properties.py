"""Property tests of the sliding-window arithmetic, each against an independent computation.

The reference computations here never call dlcalc's formulas: they enumerate window positions,
kernel taps and traced pixels one by one.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from conftest import solve_text
from dlcalc.errors import DlcalcError
from dlcalc.solve.sliding import Axis, same_padding, transposed, window
from dlcalc.spec.architecture import Padding

SETTINGS = settings(max_examples=200, deadline=None)

sizes = st.integers(min_value=1, max_value=80)
kernels = st.integers(min_value=1, max_value=9)
strides = st.integers(min_value=1, max_value=6)
dilations = st.integers(min_value=1, max_value=3)


def explicit(p: int) -> Padding:
    return Padding("explicit", uniform=p)


# --- brute-force references --------------------------------------------------------------


def taps(start: int, f: int, d: int) -> list[int]:
    """The positions a window starting at ``start`` reads: start, start + d, ..., f of them."""
    return [start + d * i for i in range(f)]


def count_windows(n: int, f: int, s: int, d: int, before: int, after: int) -> int:
    """Window starts k·s (k = 0, 1, ...) whose every tap lies inside the padded input."""
    padded = n + before + after
    return sum(
        1
        for start in range(0, padded, s)
        if all(0 <= tap <= padded - 1 for tap in taps(start, f, d))
    )


def count_ceil_windows(n: int, f: int, s: int, d: int, p: int) -> int:
    """PyTorch's ceil_mode, window by window.

    Windows are added while the previous one has not reached the last padded position (so the
    last one may run past the end), and every window must start inside the input or the left
    padding.
    """
    padded = n + 2 * p
    if taps(0, f, d)[-1] > padded - 1:
        return 0
    count = 1
    while True:
        start = count * s
        previous_end = taps(start - s, f, d)[-1]
        if previous_end >= padded - 1 or start > n + p - 1:
            return count
        count += 1


def trace(positions: set[int], layers: list[tuple[int, int, int, int]]) -> set[int]:
    """The input positions that feed ``positions`` of the last layer (padding positions count).

    ``layers`` are (f, s, d, padding before) on one axis, first layer first.
    """
    for f, s, d, before in reversed(layers):
        positions = {k * s - before + tap for k in positions for tap in taps(0, f, d)}
    return positions


def evaluate(expression: str) -> Fraction:
    """The value of a worked expression such as ``⌊(32 + 2·5 − 11)/4⌋ + 1`` or ``⌊7.75⌋ + 1``."""
    text = expression.replace("…", "")
    for symbol, python in {
        "⌊": "floor(",
        "⌋": ")",
        "⌈": "ceil(",
        "⌉": ")",
        "·": "*",
        "−": "-",
    }.items():
        text = text.replace(symbol, python)
    assert re.fullmatch(r"[\d.\s()+\-*/a-z]*", text), expression
    text = re.sub(r"\d+(\.\d+)?", lambda m: f"F('{m.group()}')", text)
    return Fraction(
        eval(text, {"__builtins__": {}, "F": Fraction, "floor": math.floor, "ceil": math.ceil})
    )


def segments(worked: str) -> list[Fraction]:
    return [evaluate(part) for part in worked.split(" = ")]


# --- window() with explicit padding ------------------------------------------------------


@SETTINGS
@given(n=sizes, f=kernels, s=strides, d=dilations, p=st.integers(0, 6))
def test_explicit_window_counts_the_positions_that_fit(n: int, f: int, s: int, d: int, p: int):
    result = window(Axis(n, f, s, d), explicit(p), 0)
    expected = count_windows(n, f, s, d, p, p)
    assert result.size == expected
    assert result.fits == (expected > 0)
    assert result.padded == n + 2 * p


@SETTINGS
@given(n=sizes, f=kernels, s=strides, d=dilations, ph=st.integers(0, 4), pw=st.integers(0, 4))
def test_per_axis_padding_uses_the_padding_of_its_axis(
    n: int, f: int, s: int, d: int, ph: int, pw: int
):
    padding = Padding("explicit", amounts=(ph, pw))
    for index, p in enumerate((ph, pw)):
        assert window(Axis(n, f, s, d), padding, index).size == count_windows(n, f, s, d, p, p)


@SETTINGS
@given(n=sizes, f=kernels, s=strides, d=dilations)
def test_valid_is_no_padding(n: int, f: int, s: int, d: int):
    result = window(Axis(n, f, s, d), Padding("valid"), 0)
    assert result.size == count_windows(n, f, s, d, 0, 0)


# --- ceil=True ---------------------------------------------------------------------------


@st.composite
def ceil_cases(draw: st.DrawFn) -> tuple[int, int, int, int, int]:
    f = draw(kernels)
    d = draw(dilations)
    p = draw(st.integers(0, f // 2))
    n = draw(sizes)
    s = draw(strides)
    assume(n + 2 * p >= d * (f - 1) + 1)
    return n, f, s, d, p


@SETTINGS
@given(ceil_cases())
def test_ceil_mode_matches_pytorch_window_by_window(case: tuple[int, int, int, int, int]):
    n, f, s, d, p = case
    result = window(Axis(n, f, s, d), explicit(p), 0, ceil=True)
    assert result.size == count_ceil_windows(n, f, s, d, p)
    # PyTorch's pooling_output_shape, as written in ATen, agrees with the simulation too
    span = d * (f - 1) + 1
    torch = (n + 2 * p - span + (s - 1)) // s + 1
    if (torch - 1) * s >= n + p:
        torch -= 1
    assert result.size == torch
    # ceil never gives fewer windows than floor, and at most one more
    floor = count_windows(n, f, s, d, p, p)
    assert floor <= result.size <= floor + 1


# --- 'same' ------------------------------------------------------------------------------


@SETTINGS
@given(n=sizes, f=kernels, s=strides, d=dilations)
def test_same_padding_gives_ceil_n_over_s(n: int, f: int, s: int, d: int):
    out = len(range(0, n, s))  # one output per stride step that starts inside the input
    assert out == math.ceil(Fraction(n, s))
    result = window(Axis(n, f, s, d), Padding("same"), 0)
    assert result.size == out

    size, before, after = same_padding(Axis(n, f, s, d))
    total = max((out - 1) * s + d * (f - 1) + 1 - n, 0)
    assert size == out
    assert before + after == total
    assert before == total // 2
    assert count_windows(n, f, s, d, before, after) == out
    # the worked text (the course rule for an odd span, ⌈n/s⌉ otherwise) gives that size
    assert all(value == out for value in segments(result.written)), result.written


# --- transposed() ------------------------------------------------------------------------


@SETTINGS
@given(
    n=st.integers(1, 30),
    f=kernels,
    s=strides,
    d=dilations,
    p=st.integers(0, 6),
    data=st.data(),
)
def test_transposed_inverts_the_convolution(
    n: int, f: int, s: int, d: int, p: int, data: st.DataObject
):
    span = d * (f - 1) + 1
    base = transposed(Axis(n, f, s, d), explicit(p), 0, 0).size
    assume(base >= 1)
    # output_padding = 0: the division is whole and a conv on n' gives back n
    assert (base + 2 * p - span) % s == 0
    assert count_windows(base, f, s, d, p, p) == n
    # every output_padding 0 ≤ op < s gives one of the input sizes that the conv maps to n,
    # and together they are all of them
    sizes_back = {transposed(Axis(n, f, s, d), explicit(p), 0, op).size for op in range(s)}
    preimage = {m for m in range(1, base + 2 * s + 1) if count_windows(m, f, s, d, p, p) == n}
    assert sizes_back == preimage
    op = data.draw(st.integers(0, s - 1), label="output_padding")
    result = transposed(Axis(n, f, s, d), explicit(p), 0, op)
    assert result.written.endswith(f"= {result.size}")
    assert segments(result.written)[0] == result.size


@SETTINGS
@given(n=st.integers(1, 30), f=kernels, s=strides, d=dilations)
def test_transposed_same_is_n_times_s(n: int, f: int, s: int, d: int):
    result = transposed(Axis(n, f, s, d), Padding("same"), 0, 0)
    assert result.size == n * s
    assert len(range(0, result.size, s)) == n  # a 'same' conv with stride s gives back n


# --- the worked text ---------------------------------------------------------------------


@SETTINGS
@given(case=ceil_cases(), ceil=st.booleans())
def test_worked_text_and_notes(case: tuple[int, int, int, int, int], ceil: bool):
    n, f, s, d, p = case
    result = window(Axis(n, f, s, d), explicit(p), 0, ceil=ceil)
    value = n + 2 * p - (d * (f - 1) + 1)
    assert result.written.endswith(f"= {result.size}"), result.written
    not_whole = [note for note in result.notes if "is not whole" in note]
    values = segments(result.written)
    if value % s == 0:
        assert not not_whole
        assert result.inexact is None
        assert result.size == value // s + 1
        assert all(v == result.size for v in values), result.written
        return
    assert len(not_whole) == 1
    assert result.inexact is not None
    quotient = Fraction(value, s)
    # the note reads "(n + 2·p − f)/s = q is not whole: ...", with q to four places
    division, shown = not_whole[0].split(" is not whole")[0].split(" = ")
    assert evaluate(division) == quotient
    assert abs(evaluate(shown) - quotient) < Fraction(1, 10_000)
    assert shown.endswith("…") == ((quotient * 10_000).denominator != 1)
    if not ceil:
        assert "floored" in not_whole[0]
        assert result.size == math.floor(quotient) + 1
        assert all(v == result.size for v in values), result.written
        return
    assert "rounded up" in not_whole[0]
    dropped = any("dropped" in note for note in result.notes)
    assert result.size == math.ceil(quotient) + 1 - dropped
    # the chain ⌈…⌉ + 1 = ⌈q⌉ + 1 [= size + 1 − 1] = size
    assert values[0] == values[1] == math.ceil(quotient) + 1
    assert values[2:] == [result.size] * (len(values) - 2)
    assert len(values) == 4 if dropped else len(values) == 3


# --- end to end: a chain of conv and pooling layers --------------------------------------


@st.composite
def chains(draw: st.DrawFn) -> tuple[str, tuple[int, int, int], list[dict]]:
    """An architecture text of conv/pool layers that all fit, and what the test expects."""
    h, w = draw(st.integers(6, 48)), draw(st.integers(6, 48))
    channels = first_channels = draw(st.integers(1, 4))
    lines = [f"input {h}x{w}x{channels}"]
    layers: list[dict] = []
    spatial = [h, w]
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["conv", "conv", "maxpool", "avgpool"]))
        f = [draw(st.integers(1, 5)), draw(st.integers(1, 5))]
        s = [draw(st.integers(1, 3)), draw(st.integers(1, 3))]
        ceil = False
        if kind == "conv":
            d = [draw(st.integers(1, 2)), draw(st.integers(1, 2))]
            padding = draw(st.sampled_from(["valid", "same", 0, 1, 2, 3]))
            filters = draw(st.integers(1, 8))
            line = f"conv {filters} {f[0]}x{f[1]} stride={s[0]}x{s[1]} dilation={d[0]}x{d[1]}"
        else:
            d = [1, 1]
            padding = draw(st.sampled_from(["valid", "same", *range(min(f) // 2 + 1)]))
            ceil = padding != "same" and draw(st.booleans())
            default_stride = draw(st.booleans())
            if default_stride:
                s = list(f)
            line = f"{kind} {f[0]}x{f[1]}" + ("" if default_stride else f" stride={s[0]}x{s[1]}")
            if ceil:
                line += " ceil=true"
        line += f" padding={padding}"
        out, befores = [], []
        for n, fa, sa, da in zip(spatial, f, s, d):
            if padding == "same":
                o = len(range(0, n, sa))
                total = max((o - 1) * sa + da * (fa - 1) + 1 - n, 0)
                before = total // 2
            else:
                p = 0 if padding == "valid" else padding
                o = (
                    count_ceil_windows(n, fa, sa, da, p)
                    if ceil
                    else count_windows(n, fa, sa, da, p, p)
                )
                before = p
            out.append(o)
            befores.append(before)
        if min(out) < 1:
            continue  # this layer does not fit what is left: leave it out
        c_out = filters if kind == "conv" else channels
        layers.append(
            {
                "kind": kind,
                "f": f,
                "s": s,
                "d": d,
                "before": befores,
                "c_in": channels,
                "c_out": c_out,
                "out": out,
            }
        )
        lines.append(line)
        spatial, channels = out, c_out
    if not layers:
        lines.append("conv 2 1x1")
        layers.append(
            {
                "kind": "conv",
                "f": [1, 1],
                "s": [1, 1],
                "d": [1, 1],
                "before": [0, 0],
                "c_in": channels,
                "c_out": 2,
                "out": spatial,
            }
        )
    return "\n".join(lines) + "\n", (h, w, first_channels), layers


@SETTINGS
@given(chains())
def test_chain_shapes_params_macs_and_receptive_field(chain):
    text, input_shape, layers = chain
    result = solve_text(text)
    assert result.input_shape == input_shape
    assert len(result.layers) == len(layers)
    total = 0
    for index, (got, want) in enumerate(zip(result.layers, layers)):
        assert got.output_shape == (*want["out"], want["c_out"]), (text, got.name)
        fh, fw = want["f"]
        if want["kind"] == "conv":
            params = (fh * fw * want["c_in"] + 1) * want["c_out"]
            macs = want["out"][0] * want["out"][1] * want["c_out"] * fh * fw * want["c_in"]
        else:
            params = macs = 0
        assert got.params == got.trainable_params == params, (text, got.name)
        assert got.macs == macs, (text, got.name)
        total += params
        for axis in (0, 1):
            path = [
                (lay["f"][axis], lay["s"][axis], lay["d"][axis], lay["before"][axis])
                for lay in layers[: index + 1]
            ]
            first = trace({0}, path)
            second = trace({1}, path)
            field = max(first) - min(first) + 1
            jump = min(second) - min(first)
            assert got.receptive_field is not None and got.jump is not None
            assert got.receptive_field[axis] == field, (text, got.name, axis)
            assert got.jump[axis] == jump, (text, got.name, axis)
    assert result.total_params == total
    assert result.total_macs == sum(layer.macs for layer in result.layers)


# --- per-axis padding with the wrong number of values ------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "input 8x8x8x1\nmaxpool 2 padding=1x1\n",  # IndexError, exit 70
        "input 8x8x8x1\nzeropad 1x2\n",  # IndexError, exit 70
        "input 8x8x1\nmaxpool 2 padding=1x1x1\n",  # accepted, the third value ignored
    ],
)
def test_padding_with_the_wrong_number_of_axes_is_an_input_error(text: str) -> None:
    with pytest.raises(DlcalcError, match="padding"):
        solve_text(text)
