"""Softmax, defined once: p_i = e^(z_i)/Σ_j e^(z_j), computed stably, and its formulas as trees.

``dlcalc softmax``, the ``cce`` loss on logits and a softmax layer in ``dlcalc backprop`` all
take their numbers from :func:`softmax`. The log-probabilities come from log-softmax,
ln p_k = (z_k − m) − ln Σ_j e^(z_j − m) with m the largest score, so that ln p stays exact
where p itself rounds to 1 or underflows to 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from dlcalc.steps import arith
from dlcalc.steps.expr import Call, Expr, Num, Sym, call, exp

OVERFLOW = 700.0
"""Beyond this, e^z no longer fits a float64 (e^709.8 is the largest): the working then shows
e^(z − m) with the largest score m subtracted."""

SUM = Sym("Σ")
T = Sym("T")


class Softmax(NamedTuple):
    shift: float
    """What the exponentials shown have subtracted from every score (0 when none needs it)."""
    exponentials: tuple[float, ...]
    """e^(z_i − shift)."""
    total: float
    probabilities: tuple[float, ...]
    log_probabilities: tuple[float, ...]


def softmax(scores: Sequence[float]) -> Softmax:
    largest = max(scores)
    shift = largest if abs(largest) > OVERFLOW else 0.0
    exponentials = tuple(arith.exp(s - shift) for s in scores)
    total = arith.fsum(exponentials)
    # log-softmax: ln Σ_j e^(z_j − m) = ln(1 + Σ_{j≠top} e^(z_j − m)), without rounding the 1
    top = scores.index(largest)
    rest = arith.fsum(arith.exp(s - largest) for i, s in enumerate(scores) if i != top)
    log_rest = arith.log1p(rest)
    return Softmax(
        shift,
        exponentials,
        total,
        tuple(e / total for e in exponentials),
        tuple((s - largest) - log_rest for s in scores),
    )


def complement(p: float, log_p: float) -> float:
    """1 − p, without cancelling where p is near 1: −(e^(ln p) − 1), from the log-softmax."""
    return -arith.expm1(log_p) if p > 0.5 else 1 - p


def cross_entropy_gradient(p: float, log_p: float, y: float, weight: float = 1.0) -> float:
    """∂L/∂z = p·Σy − y of the cross-entropy after a softmax, as Σy·(p − 1) + (Σy − y) where
    p is near 1 (so that p − 1 is not the difference of two rounded numbers)."""
    if p > 0.5:
        return (weight - y) - weight * complement(p, log_p)
    return p * weight - y


def z(i: int) -> Sym:
    return Sym("z", str(i))


def p(i: int) -> Sym:
    return Sym("p", str(i))


def y(i: int) -> Sym:
    return Sym("y", str(i))


def exponent(i: int, temperature: bool, shift: bool) -> Expr:
    """z_i, z_i/T, and with the largest score m subtracted: z_i − m."""
    scaled: Expr = z(i) / T if temperature else z(i)
    return scaled - Sym("m") if shift else scaled


def exponential_rule(i: int, temperature: bool, shift: bool) -> Call:
    return exp(exponent(i, temperature, shift))


def total_rule(n: int, temperature: bool, shift: bool) -> Expr:
    terms = [exponential_rule(j, temperature, shift) for j in range(n)]
    return terms[0] if n == 1 else sum(terms[1:], start=terms[0])


def probability_rule(i: int, temperature: bool, shift: bool) -> Expr:
    return exponential_rule(i, temperature, shift) / SUM


def log_probability_rule(i: int, temperature: bool, shift: bool) -> Expr:
    """ln p_i = z_i − ln Σ (log-softmax; z_i − m − ln Σ where the exponentials are shifted)."""
    return exponent(i, temperature, shift) - call("ln", SUM)


def gradient_rule(i: int, temperature: bool) -> Expr:
    """∂L/∂z_i of the cross-entropy after a softmax: p_i − y_i (divided by T)."""
    difference = p(i) - y(i)
    return difference / T if temperature else difference


def jacobian_rule(i: int, j: int, temperature: bool) -> Expr:
    """∂p_i/∂z_j = p_i·(δ_ij − p_j) (divided by T)."""
    entry = p(i) * (Num(int(i == j)) - p(j))
    return entry / T if temperature else entry
