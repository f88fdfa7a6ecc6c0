"""Writing arithmetic the way it is written in an exam answer: ``(5·5·1 + 1)·6 = 156``."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

TIMES = "·"
MINUS = "−"


def number(value: int) -> str:
    """A whole number with thousands separators: 34,944."""
    return f"{value:,}"


def decimal(value: Fraction, places: int = 4) -> str:
    """A fraction as a short decimal (7.75, 10.3333…); whole numbers without a point."""
    if value.denominator == 1:
        return str(value.numerator)
    scaled = round(value * 10**places)
    text = f"{scaled / 10**places:.{places}f}".rstrip("0").rstrip(".")
    exact = Fraction(scaled, 10**places) == value
    return text if exact else text + "…"


def product(factors: Iterable[int | str]) -> str:
    """``5·5·1``."""
    return TIMES.join(str(f) for f in factors)


def signed_terms(first: str, terms: Iterable[tuple[int, str]]) -> str:
    """``32 + 2·5 − 11``: ``first`` followed by terms with a sign (+1 or −1)."""
    text = first
    for sign, term in terms:
        text += f" + {term}" if sign > 0 else f" {MINUS} {term}"
    return text


def shape_text(shape: Iterable[int], channels_first: bool = False) -> str:
    """``28×28×6`` (or ``6×28×28`` channels-first)."""
    dims = list(shape)
    if channels_first and len(dims) > 1:
        dims = [dims[-1], *dims[:-1]]
    return "×".join(str(d) for d in dims)
