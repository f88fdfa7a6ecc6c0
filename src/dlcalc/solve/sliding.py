"""The output size of a sliding window (convolution, pooling, transposed convolution) on one axis,
with its working and the notes a student is marked on (a division that is not whole, 'same')."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from dlcalc.solve.working import MINUS, TIMES, decimal, signed_terms
from dlcalc.spec.architecture import Padding


class Axis(NamedTuple):
    """The inputs of one axis: size n, kernel f, stride s, dilation d."""

    n: int
    f: int
    s: int
    d: int = 1

    @property
    def span(self) -> int:
        """The effective kernel size d·(f − 1) + 1."""
        return self.d * (self.f - 1) + 1


class AxisResult(NamedTuple):
    """The output size, the worked formula, and what is worth a note."""

    size: int
    worked: str
    notes: tuple[str, ...] = ()
    inexact: str | None = None
    """The division that was not whole, written out (for --strict), or None."""
    fits: bool = True
    padded: int = 0
    """The padded input size (n + padding), for the message when the kernel does not fit."""


def window(
    axis: Axis, padding: Padding, index: int, ceil: bool = False, mistake: str | None = None
) -> AxisResult:
    """A convolution or pooling axis: ⌊(n + 2p − d(f − 1) − 1)/s⌋ + 1, or 'same' padding.

    ``mistake``: one of the students' mistakes (MISTAKES in solve/shapes.py) made on purpose."""
    if mistake == "stride-ignored":
        axis = axis._replace(s=1)
    if padding.mode == "same" and mistake != "padding-left-out":
        return _same(axis, mistake)
    p = 0 if mistake == "padding-left-out" else padding.on_axis(index)
    if mistake == "pooling-formula":
        return _plus_one_inside(axis, p)
    if mistake == "plus-one-left-out":
        return _without_plus_one(axis, p)
    return _explicit(axis, p, p, ceil or mistake == "ceil")


def _without_plus_one(axis: Axis, p: int) -> AxisResult:
    """The output-size formula with its + 1 forgotten: ⌊(n + 2p − f)/s⌋."""
    text, value = _numerator(axis, p, p)
    size = value // axis.s
    worked = f"⌊({text})/{axis.s}⌋ = {size}" if axis.s > 1 else f"{text} = {size}"
    return AxisResult(size, worked, fits=value >= 0, padded=axis.n)


def _plus_one_inside(axis: Axis, p: int) -> AxisResult:
    """The pooling formula as some notes quote it: (n + 2p − f + 1)/s, floored."""
    text, value = _numerator(axis, p, p)
    size = (value + 1) // axis.s
    return AxisResult(size, f"⌊({text} + 1)/{axis.s}⌋ = {size}", fits=value >= 0, padded=axis.n)


def _numerator(axis: Axis, before: int, after: int) -> tuple[str, int]:
    terms: list[tuple[int, str]] = []
    if before == after and before:
        terms.append((1, f"2{TIMES}{before}"))
    else:
        terms += [(1, str(p)) for p in (before, after) if p]
    if axis.d == 1:
        terms.append((-1, str(axis.f)))
    else:
        terms += [(-1, f"{axis.d}{TIMES}({axis.f} {MINUS} 1)"), (-1, "1")]
    value = axis.n + before + after - axis.span
    return signed_terms(str(axis.n), terms), value


def _explicit(axis: Axis, before: int, after: int, ceil: bool) -> AxisResult:
    text, value = _numerator(axis, before, after)
    padded = axis.n + before + after
    if value < 0:
        return AxisResult(0, text, fits=False, padded=padded)
    quotient = Fraction(value, axis.s)
    if axis.s == 1:
        return AxisResult(value + 1, f"{text} + 1 = {value + 1}", padded=padded)
    if quotient.denominator == 1:
        size = value // axis.s + 1
        worked = f"({text})/{axis.s} + 1 = {value // axis.s} + 1 = {size}"
        return AxisResult(size, worked, padded=padded)
    left, right, rounded = ("⌈", "⌉", math.ceil(quotient)) if ceil else ("⌊", "⌋", value // axis.s)
    size = rounded + 1
    worked = f"{left}({text})/{axis.s}{right} + 1 = {left}{decimal(quotient)}{right} + 1 = {size}"
    how = "rounded up (ceil=true)" if ceil else "floored"
    notes = [f"({text})/{axis.s} = {decimal(quotient)} is not whole: {how}"]
    if ceil and (size - 1) * axis.s >= axis.n + before:
        size -= 1
        worked += f"; without the last window: {size + 1} {MINUS} 1 = {size}"
        notes.append(
            "the last window would start in the padding, so it is dropped (PyTorch's rule)"
        )
    inexact = f"({text})/{axis.s} + 1 = {decimal(quotient + 1)}"
    return AxisResult(size, worked, tuple(notes), inexact, padded=padded)


def same_padding(axis: Axis) -> tuple[int, int, int]:
    """TensorFlow/Keras 'same': the output ⌈n/s⌉ and the padding before and after."""
    size = -(-axis.n // axis.s)
    total = max((size - 1) * axis.s + axis.span - axis.n, 0)
    return size, total // 2, total - total // 2


def _course_padding(axis: Axis) -> tuple[str, Fraction]:
    """The course rule p = (f − 1)/2 written with the values (the dilated span if d > 1)."""
    if axis.d == 1:
        text = f"({axis.f} {MINUS} 1)/2"
    else:
        text = f"({axis.d}{TIMES}({axis.f} {MINUS} 1) + 1 {MINUS} 1)/2"
    return text, Fraction(axis.span - 1, 2)


def _same(axis: Axis, mistake: str | None = None) -> AxisResult:
    """'same': the output is ⌈n/s⌉. With an odd (dilated) kernel the course rule p = (f − 1)/2
    gives the same size and is the working shown; with an even one, ⌈n/s⌉ is, and the course
    rule's result is noted when it differs."""
    size, before, after = same_padding(axis)
    total = before + after
    split = f"{total} in total ({before} before, {after} after)"
    rule, exact_p = _course_padding(axis)
    p = int(exact_p)
    course = _explicit(axis, p, p, ceil=False)
    if exact_p.denominator == 1:
        notes = [f"'same': p = {rule} = {p} on each side"]
        notes += [
            f"{note}, which with 'same' always gives ⌈{axis.n}/{axis.s}⌉ = {size}"
            for note in course.notes
        ]
        if total != 2 * p:
            notes.append(f"Keras/TensorFlow pads {split}: the same size")
        return AxisResult(size, course.worked, tuple(notes))
    if mistake == "same-course-rule":
        return course
    notes = [f"'same' (Keras/TensorFlow): the output is ⌈n/s⌉, padding {split}"]
    if course.size != size:
        notes.append(
            f"the course rule p = {rule} = {decimal(exact_p)} is not whole for an even kernel; "
            f"with p = {p} it gives {course.worked}"
        )
    return AxisResult(size, f"⌈{axis.n}/{axis.s}⌉ = {size}", tuple(notes))


def transposed(axis: Axis, padding: Padding, index: int, output_padding: int) -> AxisResult:
    """A transposed convolution: (n − 1)·s − 2p + d·(f − 1) + output_padding + 1; 'same': n·s."""
    if padding.mode == "same":
        size = axis.n * axis.s
        return AxisResult(size, f"{axis.n}{TIMES}{axis.s} = {size}", ("'same' (Keras): n·s",))
    p = padding.on_axis(index)
    terms: list[tuple[int, str]] = []
    if p:
        terms.append((-1, f"2{TIMES}{p}"))
    if axis.d == 1:
        terms.append((1, str(axis.f)))
    else:
        terms += [(1, f"{axis.d}{TIMES}({axis.f} {MINUS} 1)"), (1, "1")]
    if output_padding:
        terms.append((1, str(output_padding)))
    size = (axis.n - 1) * axis.s - 2 * p + axis.span + output_padding
    text = signed_terms(f"({axis.n} {MINUS} 1){TIMES}{axis.s}", terms)
    return AxisResult(size, f"{text} = {size}", padded=axis.n)
