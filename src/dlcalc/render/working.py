"""Steps as report cells and as the JSON ``working`` list, the same for every command."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from dlcalc.render.cells import cell_writer
from dlcalc.render.math_latex import LatexPrinter
from dlcalc.render.report import Math, Maths
from dlcalc.solve.working import shape_text
from dlcalc.steps.expr import Expr, Num, count
from dlcalc.steps.step import Step, shown_parts
from dlcalc.steps.text import TextPrinter


def working_cell(step: Step, with_value: bool = False, with_formula: bool = False) -> Math:
    """``σ(0.5) = 1/(1 + e^(−0.5)) = 1/(1 + 0.606531)`` (``= 0.622459`` with the value; the
    rule in symbols after the symbol with the formula)."""
    rule = [step.formula] if with_formula and step.formula is not None else []
    parts = [step.symbol, *rule, *step.substituted]
    if not isinstance(step.value, tuple) and (with_value or not step.substituted):
        parts.append(_value(step.value))
    return Math(tuple(parts), step.condition, step.words)


def rule_cell(step: Step) -> Math:
    """``θ − η·g = 1 − 0.1·2 = 0.8``: the rule in symbols, the values put in, the value."""
    rule = () if step.formula is None else (step.formula,)
    return Math((*rule, *_chain(step)), step.condition, step.words)


def answer_cell(step: Step, channels_first: bool = False) -> Math | Maths:
    """A step as the answer it is: a shape by its working and the shape (``⌊(32 − 5)/1⌋ + 1 =
    28 → 28×28×6``), a count by its working (``(5·5·1 + 1)·6 = 156``), any other number with
    its symbol and working (``σ(0.5) = …``)."""
    if isinstance(step.value, int):
        return arithmetic_cell(step)
    if not isinstance(step.value, tuple):
        return working_cell(step, with_value=True)
    shape = "→ " + shape_text(step.value, channels_first)
    cell = arithmetic_cell(step)
    if isinstance(cell, Maths):
        last = cell.items[-1]
        tail = replace(last, words=f"{last.words} {shape}".strip())
        return Maths((*cell.items[:-1], tail))
    return replace(cell, words=f"{cell.words} {shape}".strip())


def _chain(step: Step) -> tuple[Expr, ...]:
    """The step's stages and its value (a count written with its thousands)."""
    value = step.value
    if isinstance(value, tuple):
        return step.substituted
    return (*step.substituted, _value(value))


def _value(value: Any) -> Num:
    return count(value) if isinstance(value, int) else Num(value)


def arithmetic_cell(step: Step) -> Math | Maths:
    """A step worked out without its symbol: ``(5·5·1 + 1)·6 = 156``, a shape by its axes
    (``⌊(32 − 5)/1⌋ + 1 = 28``, or ``H: …; W: …`` where they differ), then its words."""
    if not step.parts:
        return Math(_chain(step), step.condition, step.words)
    if not shown_parts(step):
        return Math(_chain(step.parts[0][1]), words=step.words)
    chains = [(label, _chain(part)) for label, part in step.parts]
    items = [Math(chain, label=label) for label, chain in chains]
    last = items[-1]
    items[-1] = Math(last.parts, words=step.words, label=last.label)
    return Maths(tuple(items))


def value_cell(step: Step) -> Math | str:
    if isinstance(step.value, tuple):
        return shape_text(step.value)
    return Math((Num(step.value),))


def exact_cell(step: Step) -> Math | str:
    return Math((step.exact,)) if step.exact is not None else ""


def working_json(
    steps: Iterable[Step], digits: int, text: TextPrinter | None = None
) -> list[dict[str, Any]]:
    """The JSON ``working``: one object per step, in the order the report shows them (``text``:
    a printer that has written some of the trees already)."""
    text, latex = text or TextPrinter(digits), LatexPrinter(digits)
    out = []
    for s in steps:
        formula = ("", "") if s.formula is None else (text.write(s.formula), latex.write(s.formula))
        value: Any = list(s.value) if isinstance(s.value, tuple) else _json_number(s.value)
        item: dict[str, Any] = {
            "name": s.name,
            "symbol": text.print(s.symbol),
            "formula": formula[0],
            "formula_latex": formula[1],
            "substituted": _substituted(s, text),
            "value": value,
        }
        if s.condition is not None:
            item["condition"] = text.print(s.condition)
        if s.exact is not None:
            item["exact"] = text.print(s.exact)
        if s.words:
            item["words"] = s.words
        if s.notes:
            item["notes"] = list(s.notes)
        out.append(item)
    return out


def _substituted(step: Step, text: TextPrinter) -> str:
    """The formula with the values put in: its stages, or a shape's axes (``H: …; W: …``)."""
    if step.parts:
        written = cell_writer(text)(arithmetic_cell(step))
        return written.removesuffix(f" {step.words}") if step.words else written
    return text.chain(step.substituted) if step.substituted else ""


def _json_number(value: Any) -> Any:
    if isinstance(value, (int, float)):
        return value
    return float(value)
