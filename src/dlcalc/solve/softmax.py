"""Softmax: probabilities with every exponential shown, log-softmax, the cross-entropy loss and
its gradient p − y, and the Jacobian; always computed stably (by subtracting the largest z)."""

from __future__ import annotations

import math
from typing import NamedTuple

from dlcalc.solve.exact import closed_form, rational
from dlcalc.solve.exact import sympy as exact_sympy
from dlcalc.solve.numbers import Fmt, factor, finite, num, plus
from dlcalc.spec.calculators import SoftmaxSpec

OVERFLOW = 700.0
"""Beyond this, e^z no longer fits a float64 (e^709.8 is the largest)."""


class ClassRow(NamedTuple):
    position: int
    """The class, counted from 0."""
    z: float
    scaled: float
    exponential: str
    probability: float
    probability_working: str
    log_probability: float
    target: float | None
    gradient: float | None
    gradient_working: str | None


class SoftmaxResult(NamedTuple):
    temperature: float
    shift: float
    """What was subtracted from every z/T before exponentiating (0 when nothing needed it)."""
    total_working: str
    rows: tuple[ClassRow, ...]
    argmax: int
    loss: float | None
    loss_working: str | None
    jacobian: tuple[tuple[float, ...], ...] | None
    notes: tuple[str, ...]
    exact_probabilities: tuple[str, ...] = ()
    exact_loss: str | None = None


def solve_softmax(spec: SoftmaxSpec) -> SoftmaxResult:
    t = spec.temperature.value
    scaled = [z.value / t for z in spec.z]
    largest = max(scaled)
    # shift when e^z would overflow, or when every e^z would underflow to 0
    shift = largest if abs(largest) > OVERFLOW else 0.0

    def f(value: float) -> str:
        return num(value, spec.digits)

    exps = [math.exp(s - shift) for s in scaled]
    total = sum(exps)
    probabilities = [e / total for e in exps]
    log_total = math.log(total) + shift
    notes: list[str] = []
    if t != 1:
        notes.append(f"temperature T = {f(t)}: the scores are divided by T first, p = softmax(z/T)")
    if shift:
        notes.append(
            f"e^z would {'overflow' if shift > 0 else 'underflow'} a float64, so the largest score "
            f"{f(shift)} is subtracted first (softmax(z) = softmax(z {plus(f(-shift))})); the "
            f"exponentials shown are e^(z {plus(f(-shift))})"
        )
    exponent_texts = [_power(s, shift, f) for s in scaled]
    total_working = " + ".join(f(e) for e in exps) + f" = {f(total)}"
    rows = []
    target = [y.value for y in spec.target] if spec.target else None
    for i, (z, s, e, p) in enumerate(zip(spec.z, scaled, exps, probabilities)):
        y = target[i] if target else None
        gradient = (p - y) / t if y is not None else None
        gradient_working = None
        if y is not None:
            gradient_working = (
                f"(p{i} − y{i})/T = ({f(p)} − {f(y)})/{f(t)}"
                if t != 1
                else f"p{i} − y{i} = {f(p)} − {f(y)}"
            )
        rows.append(
            ClassRow(
                i,
                z.value,
                s,
                f"{exponent_texts[i]} = {f(e)}",
                p,
                f"{f(e)}/{f(total)}",
                s - log_total,
                y,
                gradient,
                gradient_working,
            )
        )
    loss, loss_working = _cross_entropy(rows, f) if target else (None, None)
    if loss is not None:
        finite("the cross-entropy", loss)
    jacobian = None
    if spec.jacobian:
        jacobian = tuple(
            tuple((pi * ((1.0 if i == j else 0.0) - pj)) / t for j, pj in enumerate(probabilities))
            for i, pi in enumerate(probabilities)
        )
    argmax = max(range(len(scaled)), key=lambda i: scaled[i])
    exact: tuple[tuple[str, ...], str | None] = _exact(spec) if spec.exact else ((), None)
    return SoftmaxResult(
        t,
        shift,
        total_working,
        tuple(rows),
        argmax,
        loss,
        loss_working,
        jacobian,
        tuple(notes),
        *exact,
    )


def _exact(spec: SoftmaxSpec) -> tuple[tuple[str, ...], str | None]:
    """p_i = e^(z_i/T)/Σ e^(z_j/T) and −Σ y·ln p in closed form."""
    sympy = exact_sympy()
    t = rational(spec.temperature.exact)
    exponentials = [sympy.exp(rational(z.exact) / t) for z in spec.z]
    total = sympy.Add(*exponentials)
    probabilities = [e / total for e in exponentials]
    loss = None
    if spec.target:
        terms = [
            rational(y.exact) * sympy.log(p) for y, p in zip(spec.target, probabilities) if y.exact
        ]
        loss = closed_form(-sympy.Add(*terms))
    return tuple(closed_form(p) for p in probabilities), loss


def _power(scaled: float, shift: float, f: Fmt) -> str:
    exponent = f"{f(scaled)} {plus(f(-shift))}" if shift else f(scaled)
    return f"e^{exponent}" if not shift and _simple(exponent) else f"e^({exponent})"


def _simple(text: str) -> bool:
    return factor(text) == text


def _cross_entropy(rows: list[ClassRow], f: Fmt) -> tuple[float, str]:
    """−Σ y·ln p (log p from log-softmax, so that p ≈ 0 gives a large loss, not ln 0)."""
    terms = [(row, row.target) for row in rows if row.target]
    loss = -sum(y * row.log_probability for row, y in terms)
    if len(terms) == 1 and terms[0][1] == 1:
        row = terms[0][0]
        if row.probability == 0:  # p underflowed: ln p comes from log-softmax
            return loss, f"−ln p{row.position} = −({f(row.log_probability)})"
        return loss, f"−ln p{row.position} = −ln {factor(f(row.probability))}"
    parts = " + ".join(f"{f(y)}·({f(row.log_probability)})" for row, y in terms)
    return loss, f"−({parts})"
