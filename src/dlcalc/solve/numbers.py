"""Writing real numbers in working text: significant digits, unicode minus, huge exponentials."""

from __future__ import annotations

import math

from dlcalc.errors import DlcalcError, Location

LOG10_E = math.log10(math.e)


def num(value: float, digits: int = 6) -> str:
    """``0.622459``, ``−3``, ``1.5·10^−8``: ``digits`` significant digits, no trailing zeros."""
    if math.isnan(value):
        return "undefined"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}·10^{int(exponent)}"
    return text.replace("-", "−")


def exp_text(power: float, digits: int = 6) -> str:
    """The value of e^power, written even where a float64 overflows or underflows."""
    if abs(power) < 700:
        return num(math.exp(power), digits)
    decimal_power = power * LOG10_E
    exponent = math.floor(decimal_power)
    mantissa = 10 ** (decimal_power - exponent)
    return f"{num(mantissa, min(digits, 4))}·10^{exponent}".replace("-", "−")


def safe_exp(power: float) -> float:
    """e^power, as ``inf`` instead of an overflow error."""
    return math.exp(power) if power < 709.7 else math.inf


def stable_sigmoid(x: float) -> float:
    """1/(1 + e^−x), without overflow for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def stable_softplus(x: float) -> float:
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^−|x|)."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def finite(what: str, *values: float) -> None:
    """Stop with a clear message where a result no longer fits a float64."""
    if not all(math.isfinite(v) for v in values):
        raise DlcalcError(
            f"{what} overflows a float64 (its size passes 1.8·10^308)",
            location=Location("<command line>"),
            expected="inputs whose results stay below 1.8·10^308 in size",
        )
