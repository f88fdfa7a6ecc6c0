"""Writing real numbers in working text: significant digits, unicode minus, huge exponentials."""

from __future__ import annotations

import math
from collections.abc import Callable

from dlcalc.errors import DlcalcError, Location
from dlcalc.spec.calculators import Number
from dlcalc.steps.expr import Num
from dlcalc.steps.printer import format_number

LOG10_E = math.log10(math.e)
Fmt = Callable[[float], str]
"""Writes a number for the working (with the command's --digits)."""


def factor(text: str) -> str:
    """A number as a factor or a power's base: ``(−2)``, ``(1/3)``, ``(1.5·10^−8)``."""
    if text.startswith(("-", "−")) or any(mark in text for mark in "/·^ "):
        return f"({text})"
    return text


def plus(text: str) -> str:
    """``+ 2`` or ``− 2``: a term added to what comes before it."""
    return f"− {text[1:]}" if text.startswith(("-", "−")) else f"+ {text}"


def num(value: float, digits: int = 6) -> str:
    """``0.622459``, ``−3``, ``1.5·10^−8``: ``digits`` significant digits, no trailing zeros."""
    return format_number(float(value), digits)


def exp_text(power: float, digits: int = 6) -> str:
    """The value of e^power, written even where a float64 overflows or underflows."""
    if abs(power) < 700:
        return num(math.exp(power), digits)
    decimal_power = power * LOG10_E
    if abs(decimal_power) > 1e6:
        return f"10^{factor(num(decimal_power, min(digits, 4)))}"
    exponent = math.floor(decimal_power)
    mantissa = 10 ** (decimal_power - exponent)
    return f"{num(mantissa, min(digits, 4))}·10^{exponent}".replace("-", "−")


def finite(what: str, *values: float, location: Location | None = None) -> None:
    """Stop with a clear message where a result no longer fits a float64."""
    if not all(math.isfinite(v) for v in values):
        raise DlcalcError(
            f"{what} overflows a float64 (its size passes 1.8·10^308)",
            location=location or Location("<command line>"),
            expected="inputs whose results stay below 1.8·10^308 in size",
        )


def input_number(x: Number) -> Num:
    """An input as a number of the working, written as the user wrote it when that is plain."""
    plain = x.text.lstrip("-").replace(".", "", 1).isdigit()
    return Num(x.value, x.text if plain else None)
