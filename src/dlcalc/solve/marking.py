"""When a student's value is right: at the precision written, or within a relative tolerance.

A decimal answer is right when it is the exact value rounded, or truncated, to the digits the
student wrote: 0.3589 and 0.359 are right for 0.35891648; 0.3590 is not (rounded to four
decimals it is 0.3589). Whole numbers and shapes must be exact.
"""

from __future__ import annotations

import math
from decimal import MAX_EMAX, MIN_EMIN, ROUND_DOWN, Context, Decimal, localcontext
from typing import NamedTuple

from dlcalc.spec.answers import Given
from dlcalc.steps.step import Step

Exact = float | int | Decimal | tuple[int, ...]
"""A Decimal is a value beyond a float64's range (a probability of 10^−448)."""

FLOAT_SLACK = Decimal("1e-12")
"""Relative slack for a value computed in float64: dlcalc's precision promise (every value
within 1e−12 of the exact one, tested against an mpmath oracle). It matters only for answers
written to more than 12 digits, or at a rounding tie (0.49900000005)."""

PRECISE_SLACK = Decimal("1e-15")
"""The slack for a value computed at 40 digits and rounded to float64 (within 1.1e−16 of the
exact one): ``check`` computes so when an answer is written to more than 12 digits."""


class Worked(NamedTuple):
    """A correct value and how it is obtained: the solver's own step (printed by each format),
    or its working as text."""

    value: Exact
    working: str | Step


def agrees(
    given: Given, exact: Exact, rel_tol: float | None = None, slack: Decimal = FLOAT_SLACK
) -> bool:
    """Whether ``given`` is ``exact`` at the precision written (or within ``rel_tol``), ``exact``
    being within ``slack`` (relative) of the true value."""
    if isinstance(exact, tuple):
        return given.shape == exact or (len(exact) == 1 and given.whole == exact[0])
    if given.special is not None:  # nan, inf and "overflow" all say the computation overflowed
        return isinstance(exact, float) and not math.isfinite(exact)
    if given.number is None or (isinstance(exact, float) and not math.isfinite(exact)):
        return False
    if isinstance(exact, int):
        return given.number == exact
    if rel_tol is not None:
        with localcontext(PRECISE):
            return abs(given.number - Decimal(exact)) <= Decimal(rel_tol) * abs(Decimal(exact))
    return _at_precision(given.number, exact, slack)


CLOSE = 0.01
"""How near a mistake's value must be to a wrong answer to be named as its likely cause when it
does not reproduce it at the digits written: within 1 %, or one unit of the last digit (a
student rounds along the way)."""


def near(given: Given, value: Exact) -> float | None:
    """How far ``given`` is from ``value`` relative to ``value``, if within CLOSE (else None)."""
    if given.number is None or not isinstance(value, float) or not math.isfinite(value):
        return None
    exponent = given.number.as_tuple().exponent
    if not isinstance(exponent, int) or abs(exponent) > 300:
        return None
    distance = abs(float(given.number) - value)
    unit = 10.0**exponent
    if distance <= max(unit, CLOSE * abs(value)):
        return distance / abs(value) if value else distance
    return None


PRECISE = Context(prec=2000, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Enough digits to compare any float64 with any answer written to any precision."""


def _at_precision(given: Decimal, exact: float | Decimal, slack: Decimal) -> bool:
    with localcontext(PRECISE):
        try:
            value = exact if isinstance(exact, Decimal) else Decimal(repr(exact))
            quantum = _quantum(given, value)
            if value.quantize(quantum, rounding=ROUND_DOWN) == given:
                return True
            return abs(value - given) <= quantum / 2 + abs(value) * slack
        except ArithmeticError:  # an exponent beyond any float64: not this value
            return False


def _quantum(given: Decimal, value: Decimal) -> Decimal:
    """The unit of the last digit written, but no coarser than the exact value's first
    significant digit (so that 0 is not 0.3589 truncated to no decimals)."""
    written = Decimal(1).scaleb(given.as_tuple().exponent)  # type: ignore[arg-type]
    if not value:
        return written
    return min(written, Decimal(1).scaleb(value.adjusted()))


def significant_digits(given: Given) -> int:
    """Digits written from the first non-zero one (0.0450: 3); 0 for a shape or nan."""
    if given.number is None:
        return 0
    digits = "".join(map(str, given.number.as_tuple().digits)).lstrip("0")
    return len(digits)


def shown(value: Exact, channels_first: bool = False) -> str:
    """A correct value as the marking shows it: 28×28×6, 61,706, 0.35891648."""
    from dlcalc.solve.working import shape_text

    if isinstance(value, tuple):
        return shape_text(value, channels_first)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:.10g}"
    return f"{value + 0.0:.10g}"  # no −0
