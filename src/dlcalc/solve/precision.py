"""More digits than float64 promises: a solver run again with :func:`dlcalc.steps.arith.precise`
from the inputs exactly as written, and its result rounded back to float64, value by value.

Float64 keeps every value dlcalc prints right to 1e−12 (the README's precision promise); past
:data:`~dlcalc.steps.arith.FLOAT_DIGITS` significant digits (``--digits 15``, or a student's
answer written to 15 digits in ``check``) the rounding of a long chain of operations could show,
so the same solver computes at 40 digits instead, and each value is then the float64 nearest the
exact one. The inputs are read as everywhere in dlcalc (and in the frameworks): each is the
float64 nearest the number written, and the values are exact for those.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

from dlcalc.spec.calculators import Number
from dlcalc.steps import arith
from dlcalc.steps.expr import Expr, Num, transform

Spec = TypeVar("Spec")
Result = TypeVar("Result")


def solved(
    solve: Callable[[Spec], Result], spec: Spec, digits: int, *, decimals: bool = False
) -> Result:
    """``solve(spec)``: in float64 where ``digits`` are within its promise, else at 40 digits,
    rounded back."""
    if digits <= arith.FLOAT_DIGITS:
        return solve(spec)
    with arith.precise(decimals):
        result = solve(exact_inputs(spec, decimals))
    return rounded(result)


def exact_inputs(spec: Any, decimals: bool = False) -> Any:
    """The spec with the value of every number the user wrote as an mpmath number (of the same
    value), so that every operation on it is made at 40 digits. (A float64 option, such as a
    leaky slope, meets such a number before any arithmetic, and is made one then.)"""
    if isinstance(spec, Number):
        return spec._replace(value=arith.real(spec.exact if decimals else spec.value))
    return _rebuilt(spec, lambda item: exact_inputs(item, decimals))


def rounded(result: Any) -> Any:
    """The result with every mpmath number as the float64 nearest it (or a Decimal beyond
    float64's range)."""
    if arith.is_mpf(result):
        return arith.rounded(result)
    if isinstance(result, Expr):
        return transform(result, _rounded_number)
    return _rebuilt(result, rounded)


def _rounded_number(node: Expr) -> Expr:
    if isinstance(node, Num) and arith.is_mpf(node.value):
        return Num(arith.rounded(node.value), node.text)
    return node


def _rebuilt(value: Any, change: Callable[[Any], Any]) -> Any:
    """A container of the spec or the result with ``change`` applied to its items."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(change(item) for item in value))
    if isinstance(value, (tuple, list)):
        return type(value)(change(item) for item in value)
    if isinstance(value, dict):
        return {key: change(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: change(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **fields)
    return value
