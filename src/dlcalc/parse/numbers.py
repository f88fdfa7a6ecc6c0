"""Numbers from the command line and from files: ``0.5``, ``-3``, ``1e-8``, ``1/2``, ranges."""

from __future__ import annotations

import re
from fractions import Fraction

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.lines import Token, physical_lines
from dlcalc.parse.source import Source
from dlcalc.spec.calculators import Number

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?(/[+-]?\d+)?$", re.ASCII)
MAX_DIGITS = 100
"""The longest number read (in characters): float64 holds 17 significant digits."""
MAX_COUNT = 100_000
"""The most numbers one command takes (a range or a file)."""


NUMBER_WORDS = ("nan", "inf", "infinity")


def not_a_number(name: Token, what: str) -> None:
    """A name, not a number's spelling (``nan``, ``inf``): the working writes names beside
    numbers."""
    if name.text.lower() in NUMBER_WORDS:
        raise name.error(
            f"'{name.text}' reads as a number: {what} needs a name",
            expected="a name such as w1 or h1",
        )


def number(token: Token, what: str = "a value") -> Number:
    """A finite number written as a decimal (``-0.5``, ``1e-8``) or a fraction (``1/3``)."""
    text = token.text.replace("−", "-")
    if len(text) > MAX_DIGITS:
        raise token.error(
            f"{what} is a number of {len(text):,} characters, more than {MAX_DIGITS}",
            expected="a number such as 0.5, -3, 1e-8 or 1/3",
        )
    if not _NUMBER.match(text):
        raise token.error(
            f"{what} must be a number, not '{token.text}'",
            expected="a number such as 0.5, -3, 1e-8 or 1/3",
        )
    exponent = re.search(r"[eE]([+-]?\d+)", text)
    if exponent and abs(int(exponent.group(1))) > 400:
        raise token.error(
            f"{what} is out of range: {token.text}", expected="a number between ±1e400"
        )
    numerator, _, denominator = text.partition("/")
    exact = Fraction(numerator)
    if denominator:
        if int(denominator) == 0:
            raise token.error(f"{what} divides by zero: {token.text}", expected="a number")
        exact /= int(denominator)
    try:
        value = float(exact)
        if value == 0 and exact != 0:
            raise token.error(
                f"{what} is too small for a float64: {token.text} would be taken as 0",
                expected="a number of size at least 5e-324, or 0",
            )
    except OverflowError:
        raise token.error(
            f"{what} is too large for a float64: {token.text}",
            expected="a number below 1.7e308 in size",
        ) from None
    return Number(token.text, value, exact)


def number_range(token: Token) -> tuple[Number, ...]:
    """``START:STOP:STEP``, both ends included when the steps reach them exactly."""
    parts = token.text.split(":")
    if len(parts) != 3:
        raise token.error(
            f"a range is START:STOP:STEP, not '{token.text}'", expected="such as -3:3:0.5"
        )
    start, stop, step = (number(token.replaced(part), "the range") for part in parts)
    if step.exact <= 0 or stop.exact < start.exact:
        raise token.error(
            f"the range {token.text} is empty: it needs START ≤ STOP and a positive STEP",
            expected="such as -3:3:0.5",
        )
    count = int((stop.exact - start.exact) / step.exact) + 1
    if count > MAX_COUNT:
        raise token.error(
            f"the range {token.text} has {count:,} points, more than {MAX_COUNT:,}",
            expected="a larger STEP",
        )
    values = [start.exact + i * step.exact for i in range(count)]
    return tuple(Number(_decimal_text(v), float(v), v) for v in values)


def _decimal_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.12g}"
    return text if Fraction(text) == value else f"{value.numerator}/{value.denominator}"


def numbers_file(source: Source) -> tuple[Number, ...]:
    """Every number in a file, separated by spaces, commas or new lines; ``#`` comments."""
    found: list[Number] = []
    for line_number, raw in enumerate(physical_lines(source.text), start=1):
        content = raw.split("#", 1)[0]
        for match in re.finditer(r"[^\s,;]+", content):
            location = Location(source.name, line_number, match.start() + 1)
            found.append(number(Token(match.group(), location, raw.rstrip()), "each value"))
            if len(found) > MAX_COUNT:
                raise DlcalcError(
                    f"more than {MAX_COUNT:,} numbers", location=location, expected="fewer"
                )
    if not found:
        raise DlcalcError(
            "the file has no numbers",
            location=Location(source.name),
            expected="numbers separated by spaces, commas or new lines",
        )
    return tuple(found)
