"""The output size of a sliding window (convolution, pooling, transposed convolution) on one axis,
as a formula with its values put in, and the notes a student is marked on (a division that is not
whole, 'same')."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from dlcalc.solve.working import decimal
from dlcalc.spec.architecture import Padding
from dlcalc.steps.expr import Add, Div, Expr, Mul, Neg, Num, Sym, call
from dlcalc.steps.text import text

N, P, F, S, D = Sym("n"), Sym("p"), Sym("f"), Sym("s"), Sym("d")
OUTPUT_SIZE = call("floor", (N + 2 * P - F) / S) + 1
"""⌊(n + 2p − f)/s⌋ + 1, the output size of a convolution or a pool."""
DILATED_SIZE = call("floor", (N + 2 * P - D * (F - 1) - 1) / S) + 1
CEIL_SIZE = call("ceil", (N + 2 * P - F) / S) + 1
SAME_SIZE = call("ceil", N / S)
PADDED = N + 2 * P
"""n + 2p, a zero-padded axis."""
TRANSPOSED_SIZE = (N - 1) * S - 2 * P + D * (F - 1) + Sym("o") + 1
"""(n − 1)·s − 2p + d·(f − 1) + output_padding + 1."""


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
    """The output size, its rule, the rule with the values put in (stage by stage), and what
    is worth a note."""

    size: int
    formula: Expr
    stages: tuple[Expr, ...]
    notes: tuple[str, ...] = ()
    inexact: str | None = None
    """The division that was not whole, written out (for --strict), or None."""
    fits: bool = True
    padded: int = 0
    """The padded input size (n + padding), for the message when the kernel does not fit."""

    @property
    def written(self) -> str:
        """The working as text: ``⌊(32 + 2·5 − 11)/4⌋ + 1 = ⌊7.75⌋ + 1 = 8``."""
        return " = ".join([*(text(stage) for stage in self.stages), str(self.size)])


def window(axis: Axis, padding: Padding, index: int, ceil: bool = False) -> AxisResult:
    """A convolution or pooling axis: ⌊(n + 2p − d(f − 1) − 1)/s⌋ + 1, or 'same' padding."""
    if padding.mode == "same":
        return _same(axis)
    p = padding.on_axis(index)
    return explicit(axis, p, p, ceil)


def _rule(axis: Axis, ceil: bool = False) -> Expr:
    if ceil:
        return CEIL_SIZE
    return OUTPUT_SIZE if axis.d == 1 else DILATED_SIZE


def plus(node: Expr, one: int) -> Add:
    """``node + 1``, the sum continued."""
    base = node.terms if isinstance(node, Add) else (node,)
    return Add((*base, Num(one)))


def numerator_of(axis: Axis, before: int, after: int) -> tuple[Expr, int]:
    """n + 2·p − f (or the dilated span, or uneven padding) with this axis's values."""
    terms: list[Expr] = [Num(axis.n)]
    if before == after and before:
        terms.append(Mul((Num(2), Num(before))))
    else:
        terms += [Num(p) for p in (before, after) if p]
    if axis.d == 1:
        terms.append(Neg(Num(axis.f)))
    else:
        terms += [Neg(Mul((Num(axis.d), Add((Num(axis.f), Neg(Num(1))))))), Neg(Num(1))]
    value = axis.n + before + after - axis.span
    return Add(tuple(terms)), value


def explicit(axis: Axis, before: int, after: int, ceil: bool) -> AxisResult:
    numerator, value = numerator_of(axis, before, after)
    padded = axis.n + before + after
    rule = _rule(axis, ceil)
    # in ceil mode a window that starts inside the input may run past it (PyTorch): a kernel
    # of 2 over one pixel with stride 2 gives ⌈(1 − 2)/2⌉ + 1 = 1
    if value < 0 and not (ceil and -value < axis.s):
        return AxisResult(0, rule, (numerator,), fits=False, padded=padded)
    if axis.s == 1:
        return AxisResult(value + 1, rule, (plus(numerator, 1),), padded=padded)
    quotient = Fraction(value, axis.s)
    divided = Div(numerator, Num(axis.s))
    if quotient.denominator == 1:
        whole = (Add((divided, Num(1))), Add((Num(value // axis.s), Num(1))))
        return AxisResult(value // axis.s + 1, rule, whole, padded=padded)
    rounding = "ceil" if ceil else "floor"
    size = (math.ceil(quotient) if ceil else value // axis.s) + 1
    shown = Num(quotient, decimal(quotient))
    stages: tuple[Expr, ...] = (
        Add((call(rounding, divided), Num(1))),
        Add((call(rounding, shown), Num(1))),
    )
    how = "rounded up (ceil=true)" if ceil else "floored"
    notes = [f"{text(divided)} = {decimal(quotient)} is not whole: {how}"]
    if value < 0:
        notes.append(
            "the window runs past the input: in ceil mode PyTorch keeps a window that starts "
            "inside it"
        )
    if ceil and (size - 1) * axis.s >= axis.n + before:
        stages += (Add((Num(size), Neg(Num(1)))),)
        size -= 1
        notes.append(
            "the last window would start in the padding, so it is dropped (PyTorch's rule): "
            "one output fewer"
        )
    inexact = f"{text(Add((divided, Num(1))))} = {decimal(quotient + 1)}"
    return AxisResult(size, rule, stages, tuple(notes), inexact, padded=padded)


def course_same(axis: Axis) -> AxisResult:
    """'same' as the course rule p = (f − 1)/2 gives it (floored for an even kernel)."""
    _, exact_p = _course_padding(axis)
    p = int(exact_p)
    return explicit(axis, p, p, ceil=False)


def same_padding(axis: Axis) -> tuple[int, int, int]:
    """TensorFlow/Keras 'same': the output ⌈n/s⌉ and the padding before and after."""
    size = -(-axis.n // axis.s)
    total = max((size - 1) * axis.s + axis.span - axis.n, 0)
    return size, total // 2, total - total // 2


def _course_padding(axis: Axis) -> tuple[Expr, Fraction]:
    """The course rule p = (f − 1)/2 with the values put in (the dilated span if d > 1)."""
    if axis.d == 1:
        rule: Expr = Div(Add((Num(axis.f), Neg(Num(1)))), Num(2))
    else:
        span = Mul((Num(axis.d), Add((Num(axis.f), Neg(Num(1))))))
        rule = Div(Add((span, Num(1), Neg(Num(1)))), Num(2))
    return rule, Fraction(axis.span - 1, 2)


def _same(axis: Axis) -> AxisResult:
    """'same': the output is ⌈n/s⌉. With an odd (dilated) kernel the course rule p = (f − 1)/2
    gives the same size and is the working shown; with an even one, ⌈n/s⌉ is, and the course
    rule's result is noted when it differs."""
    size, before, after = same_padding(axis)
    total = before + after
    split = f"{total} in total ({before} before, {after} after)"
    rule, exact_p = _course_padding(axis)
    p = int(exact_p)
    course = course_same(axis)
    if exact_p.denominator == 1:
        notes = [f"'same': p = {text(rule)} = {p} on each side"]
        notes += [
            f"{note}, which with 'same' always gives ⌈{axis.n}/{axis.s}⌉ = {size}"
            for note in course.notes
        ]
        if total != 2 * p:
            notes.append(f"Keras/TensorFlow pads {split}: the same size")
        return course._replace(size=size, notes=tuple(notes), inexact=None)
    notes = [f"'same' (Keras/TensorFlow): the output is ⌈n/s⌉, padding {split}"]
    if course.size != size:
        notes.append(
            f"the course rule p = {text(rule)} = {decimal(exact_p)} is not whole for an even "
            f"kernel; with p = {p} it gives {course.written}"
        )
    stage = call("ceil", Div(Num(axis.n), Num(axis.s)))
    return AxisResult(size, SAME_SIZE, (stage,), tuple(notes))


def transposed(axis: Axis, padding: Padding, index: int, output_padding: int) -> AxisResult:
    """A transposed convolution: (n − 1)·s − 2p + d·(f − 1) + output_padding + 1; 'same': n·s."""
    if padding.mode == "same":
        size = axis.n * axis.s
        stage = Mul((Num(axis.n), Num(axis.s)))
        return AxisResult(size, N * S, (stage,), ("'same' (Keras): n·s",))
    p = padding.on_axis(index)
    terms: list[Expr] = [Mul((Add((Num(axis.n), Neg(Num(1)))), Num(axis.s)))]
    if p:
        terms.append(Neg(Mul((Num(2), Num(p)))))
    if axis.d == 1:
        terms.append(Num(axis.f))
    else:
        terms += [Mul((Num(axis.d), Add((Num(axis.f), Neg(Num(1)))))), Num(1)]
    if output_padding:
        terms.append(Num(output_padding))
    size = (axis.n - 1) * axis.s - 2 * p + axis.span + output_padding
    return AxisResult(size, TRANSPOSED_SIZE, (Add(tuple(terms)),), padded=axis.n)
