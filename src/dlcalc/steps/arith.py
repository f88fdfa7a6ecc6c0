"""The arithmetic the solvers compute with: float64 by default, and mpmath at 40 significant
digits inside :func:`precise`, for ``--digits`` beyond what float64 can promise.

Solvers call these functions (``arith.exp(x)``), never :mod:`math` on a computed number, and
convert with :func:`real`, never ``float``: inside :func:`precise` the same code then computes
every value to 40 digits from the exact inputs, and :func:`rounded` turns the results back into
float64 (or a Decimal beyond its range), each correctly rounded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from typing import Any

PRECISE_DIGITS = 40
"""The working precision of :func:`precise`: enough that a float64's 17 digits survive the
rounding of a long chain of operations (a thousand optimizer steps)."""

FLOAT_DIGITS = 12
"""The digits float64 arithmetic is promised to get right (see the README); more are computed
with :func:`precise`."""

TINY = 2.2250738585072014e-308
HUGE = 1.7976931348623157e308
FUNCTION_NAMES = (
    *("exp", "log", "log1p", "expm1", "log10", "log2", "sqrt", "tanh", "sinh", "cosh"),
    *("sin", "cos", "erf", "erfc", "fsum", "prod", "isfinite"),
)

exp: Callable[[Any], Any] = math.exp
log: Callable[[Any], Any] = math.log
log1p: Callable[[Any], Any] = math.log1p
expm1: Callable[[Any], Any] = math.expm1
log10: Callable[[Any], Any] = math.log10
log2: Callable[[Any], Any] = math.log2
sqrt: Callable[[Any], Any] = math.sqrt
tanh: Callable[[Any], Any] = math.tanh
sinh: Callable[[Any], Any] = math.sinh
cosh: Callable[[Any], Any] = math.cosh
sin: Callable[[Any], Any] = math.sin
cos: Callable[[Any], Any] = math.cos
erf: Callable[[Any], Any] = math.erf
erfc: Callable[[Any], Any] = math.erfc
fsum: Callable[[Any], Any] = math.fsum
prod: Callable[[Any], Any] = math.prod
isfinite: Callable[[Any], bool] = math.isfinite
real: Callable[[Any], Any] = float
"""A number of the computation (an int, a Fraction, a float): float64, or mpmath's."""
pi: Any = math.pi
is_precise = False


@contextmanager
def precise(decimals: bool = False) -> Iterator[None]:
    """Every function here computes with mpmath at :data:`PRECISE_DIGITS` digits; a float64
    made a number of the arithmetic (:func:`real`) is its own value, or with ``decimals`` the
    shortest decimal that reads as it (0.1 for the float64 nearest 0.1)."""
    import mpmath

    names = globals()
    saved = {name: names[name] for name in PRECISE_NAMES}
    with mpmath.workdps(PRECISE_DIGITS):
        names.update(_mpmath_functions(mpmath, decimals))
        try:
            yield
        finally:
            names.update(saved)


def _mpmath_functions(mpmath: Any, decimals: bool) -> dict[str, Any]:
    def real(value: Any) -> Any:
        if isinstance(value, Fraction):
            return mpmath.mpf(value.numerator) / value.denominator
        if decimals and isinstance(value, float):
            return mpmath.mpf(repr(value))
        return mpmath.mpf(value)

    return {
        "exp": mpmath.exp,
        "log": mpmath.log,
        "log1p": mpmath.log1p,
        "expm1": mpmath.expm1,
        "log10": mpmath.log10,
        "log2": lambda x: mpmath.log(x, 2),
        "sqrt": mpmath.sqrt,
        "tanh": mpmath.tanh,
        "sinh": mpmath.sinh,
        "cosh": mpmath.cosh,
        "sin": mpmath.sin,
        "cos": mpmath.cos,
        "erf": mpmath.erf,
        "erfc": mpmath.erfc,
        "fsum": mpmath.fsum,
        "prod": mpmath.fprod,
        "isfinite": mpmath.isfinite,
        "real": real,
        "pi": +mpmath.pi,
        "is_precise": True,
    }


PRECISE_NAMES = (*FUNCTION_NAMES, "real", "pi", "is_precise")
"""The names :func:`precise` rebinds."""


def is_mpf(value: object) -> bool:
    """An mpmath number (or a subclass's)."""
    return hasattr(value, "_mpf_")


def rounded(value: Any) -> Any:
    """An mpmath number as the result type: the nearest float64, or a Decimal where float64
    would overflow or lose digits below its normal range (4.75·10^−448), or 0 and ±inf beyond
    10^±(10^9), as in float64 arithmetic."""
    if not is_mpf(value):
        return value
    import mpmath

    if value == 0 or not mpmath.isfinite(value) or TINY <= abs(value) <= HUGE:
        return float(value)
    if abs(mpmath.mag(value)) > 3 * 10**9:
        return float(value)
    return Decimal(mpmath.nstr(value, 20, min_fixed=1, max_fixed=0))
