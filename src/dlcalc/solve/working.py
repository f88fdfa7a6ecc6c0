"""Numbers and shapes as an exam answer writes them: ``34,944``, ``7.75``, ``28×28×6``."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction


def number(value: int) -> str:
    """A whole number with thousands separators: 34,944."""
    return f"{value:,}"


def decimal(value: Fraction, places: int = 4) -> str:
    """A fraction as a short decimal (7.75, 10.3333…); whole numbers without a point."""
    if value.denominator == 1:
        return str(value.numerator).replace("-", "−")
    scaled = round(value * 10**places)
    text = f"{scaled / 10**places:.{places}f}".rstrip("0").rstrip(".").replace("-", "−")
    exact = Fraction(scaled, 10**places) == value
    return text if exact else text + "…"


def shape_text(shape: Iterable[int], channels_first: bool = False) -> str:
    """``28×28×6`` (or ``6×28×28`` channels-first)."""
    dims = list(shape)
    if channels_first and len(dims) > 1:
        dims = [dims[-1], *dims[:-1]]
    return "×".join(str(d) for d in dims)
