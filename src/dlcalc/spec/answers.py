"""A student's answer as written, and its value: a number kept as written (for its precision),
nan/inf, or a shape."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import NamedTuple

from dlcalc.errors import Location


class Answer(NamedTuple):
    name: str
    value: str
    location: Location
    context: str = ""
    """The whole line, for a message that underlines the value."""


class Given(NamedTuple):
    """A value as the student wrote it: a number (kept as written, for its precision) or a
    shape (whole numbers)."""

    text: str
    number: Decimal | None = None
    special: float | None = None
    """nan or ±inf (an overflow)."""
    shape: tuple[int, ...] | None = None

    @property
    def whole(self) -> int | None:
        """The number if it is written as a whole number (no point, no exponent)."""
        if self.number is None or not re.fullmatch(r"[+-]?[\d,_]+", self.text):
            return None
        return int(self.number)
