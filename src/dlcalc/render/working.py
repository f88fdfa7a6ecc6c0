"""Steps as report cells and as the JSON ``working`` list, the same for every command."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dlcalc.render.math_latex import LatexPrinter
from dlcalc.render.report import Math
from dlcalc.steps.expr import Num
from dlcalc.steps.step import Step
from dlcalc.steps.text import TextPrinter


def shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(str(d) for d in shape)


def working_cell(step: Step, with_value: bool = False, with_formula: bool = False) -> Math:
    """``σ(0.5) = 1/(1 + e^(−0.5)) = 1/(1 + 0.606531)`` (``= 0.622459`` with the value; the
    rule in symbols after the symbol with the formula)."""
    rule = [step.formula] if with_formula and step.formula is not None else []
    parts = [step.symbol, *rule, *step.substituted]
    if not isinstance(step.value, tuple) and (with_value or not step.substituted):
        parts.append(Num(step.value))
    return Math(tuple(parts), step.condition)


def value_cell(step: Step) -> Math | str:
    if isinstance(step.value, tuple):
        return shape_text(step.value)
    return Math((Num(step.value),))


def exact_cell(step: Step) -> Math | str:
    return Math((step.exact,)) if step.exact is not None else ""


def working_json(steps: Iterable[Step], digits: int) -> list[dict[str, Any]]:
    """The JSON ``working``: one object per step, in the order the report shows them."""
    text, latex = TextPrinter(digits), LatexPrinter(digits)
    out = []
    for s in steps:
        value: Any = list(s.value) if isinstance(s.value, tuple) else _json_number(s.value)
        item: dict[str, Any] = {
            "name": s.name,
            "symbol": text.print(s.symbol),
            "formula": text.print(s.formula) if s.formula is not None else "",
            "formula_latex": latex.print(s.formula) if s.formula is not None else "",
            "substituted": text.chain(s.substituted) if s.substituted else "",
            "value": value,
        }
        if s.condition is not None:
            item["condition"] = text.print(s.condition)
        if s.exact is not None:
            item["exact"] = text.print(s.exact)
        if s.notes:
            item["notes"] = list(s.notes)
        out.append(item)
    return out


def _json_number(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return value
    return float(value)
