"""Numbers, sizes and flags in problem files, each checked with a clear message."""

from __future__ import annotations

import math
import re

from dlcalc.parse.lines import Token
from dlcalc.spec.architecture import Padding, Size

_SIZE = re.compile(r"^\d+([x×]\d+)*$", re.ASCII)
WHOLE = re.compile(r"[0-9]{1,9}")
"""A whole number as every reader takes it: ASCII digits (not ², not ١), at most 10^9."""
MAX_VALUE = 10**9
"""The largest size, count or number of units a file may give (larger is surely a typo)."""
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def parse_int(token: Token, what: str, minimum: int = 1) -> int:
    """A whole number of at least ``minimum``."""
    text = token.text.replace(",", "").replace("_", "")
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise token.error(
            f"{what} must be a whole number, not '{token.text}'",
            expected=f"a whole number ≥ {minimum}",
        )
    value = _bounded(token, text.lstrip("+-"), what) * (-1 if text.startswith("-") else 1)
    if value < minimum:
        raise token.error(
            f"{what} must be at least {minimum}, not {value}",
            expected=f"a whole number ≥ {minimum}",
        )
    return value


def parse_size(token: Token, what: str, minimum: int = 1) -> Size:
    """``5`` or ``5x5`` or ``3x5`` (also with ×): one value, or one per axis."""
    if not _SIZE.match(token.text):
        raise token.error(
            f"{what} must be a size like 5 or 5x5, not '{token.text}'",
            expected="whole numbers separated by x, such as 3, 3x3 or 3x5",
        )
    values = tuple(_bounded(token, part, what) for part in re.split("[x×]", token.text))
    for value in values:
        if value < minimum:
            raise token.error(
                f"{what} must be at least {minimum} on every axis, not {token.text}",
                expected=f"whole numbers ≥ {minimum}",
            )
    return values


def _bounded(token: Token, digits: str, what: str) -> int:
    """The whole number written with ``digits``, if it is at most :data:`MAX_VALUE`."""
    if len(digits.lstrip("0")) > len(str(MAX_VALUE)) or int(digits) > MAX_VALUE:
        raise token.error(
            f"{what} is too large: {token.text[:20]}{'…' if len(token.text) > 20 else ''}",
            expected=f"at most {MAX_VALUE:,}",
        )
    return int(digits)


def parse_float(token: Token, what: str, low: float, high: float) -> float:
    """A decimal number in the half-open range [low, high)."""
    try:
        value = float(token.text)
    except ValueError:
        raise token.error(
            f"{what} must be a number, not '{token.text}'", expected="a number such as 0.5"
        ) from None
    if not math.isfinite(value) or not low <= value < high:
        raise token.error(
            f"{what} must be in [{low:g}, {high:g}), not {token.text}",
            expected=f"a number from {low:g} up to (not including) {high:g}",
        )
    return value + 0.0  # −0 is 0


def parse_bool(token: Token, what: str) -> bool:
    lowered = token.text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise token.error(f"{what} must be true or false, not '{token.text}'", expected="true or false")


def parse_padding(token: Token) -> Padding:
    """``valid``, ``same``, ``P`` (every side) or ``PHxPW`` (per axis)."""
    lowered = token.text.lower()
    if lowered in ("valid", "same"):
        return Padding(lowered)  # type: ignore[arg-type]
    if not _SIZE.match(token.text):
        raise token.error(
            f"padding must be valid, same or a number of pixels, not '{token.text}'",
            expected="valid, same, a whole number (2) or one per axis (2x1)",
        )
    amounts = parse_size(token, "padding", minimum=0)
    if len(amounts) == 1:
        return Padding("explicit", uniform=amounts[0])
    return Padding("explicit", amounts=amounts)
