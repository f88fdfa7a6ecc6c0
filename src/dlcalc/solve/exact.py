"""Closed forms with SymPy (imported only when asked for: it takes ~0.7 s to load)."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any


def sympy() -> Any:
    import sympy as module

    return module


def rational(value: Fraction) -> Any:
    return sympy().Rational(value.numerator, value.denominator)


def closed_form(expression: Any) -> str:
    """SymPy's text for ``expression``, written as the rest of dlcalc writes formulas."""
    text = re.sub(r"\bE\b", "e", sympy().sstr(expression))
    for python, written in (
        ("exp(", "e^("),
        ("sqrt(", "√("),
        ("log(", "ln("),
        ("pi", "π"),
        ("**", "^"),
        ("*", "·"),
        ("-", "−"),
    ):
        text = text.replace(python, written)
    return text
