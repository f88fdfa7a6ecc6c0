"""``dlcalc check`` and ``dlcalc check --list``: the marking as a report and as JSON."""

from __future__ import annotations

import math
from typing import Any

from dlcalc import __version__
from dlcalc.render.formats import text_cell
from dlcalc.render.report import Column, Report, Table
from dlcalc.render.working import answer_cell, working_json
from dlcalc.solve.check import CheckResult, Marked, Problem
from dlcalc.solve.marking import Exact, shown
from dlcalc.steps.step import Step

RIGHT, WRONG = "✓", "✗"
NO_MISTAKE = "no known mistake gives this value"
DIGITS = 6
"""Significant digits of the working shown beside a marked answer."""


TEXT = text_cell(DIGITS)


def _text(working: str | Step, channels_first: bool = False) -> str:
    return working if isinstance(working, str) else TEXT(answer_cell(working, channels_first))


def diagnosis(marked: Marked, channels_first: bool = False) -> str | None:
    """``your 0.0821 is what you get with …: working`` (every mistake that fits)."""
    if marked.correct or not marked.diagnoses:
        return None
    found = "; or with ".join(
        f"{d.description}: {_text(d.working, channels_first)}" for d in marked.diagnoses
    )
    if all(d.exact for d in marked.diagnoses):
        return f"your {marked.given} is what you get with {found}"
    return f"your {marked.given} is near what you get (rounding along the way) with {found}"


def check_report(result: CheckResult) -> Report:
    table = Table(
        [
            Column(""),
            Column("answer"),
            Column("given", "right"),
            Column("correct", "right"),
            Column("working"),
            Column("diagnosis"),
        ],
        title="Answers",
    )
    for m in result.marked:
        table.rows.append(
            [
                RIGHT if m.correct else WRONG,
                m.name,
                m.given,
                shown(m.expected, result.channels_first),
                m.working
                if isinstance(m.working, str)
                else answer_cell(m.working, result.channels_first),
                diagnosis(m, result.channels_first)
                or ("" if m.correct else "no mistake tried" if result.untried else NO_MISTAKE),
            ]
        )
    meta = [result.source, f"marking: {result.rule}"]
    if result.convention:
        meta.append(f"convention: {result.convention}")
    if result.untried:
        meta.append(result.untried)
    return Report(
        digits=DIGITS,
        title=f"Check: {result.kind} problem",
        meta=meta,
        tables=[table],
        summary=[("score", f"{result.right}/{len(result.marked)} correct")],
    )


def _json_value(value: Exact) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def check_json(result: CheckResult) -> dict[str, Any]:
    return {
        "dlcalc": __version__,
        "command": "check",
        "source": result.source,
        "kind": result.kind,
        "rule": result.rule,
        "convention": result.convention,
        "answers": [
            {
                "name": m.name,
                "given": m.given,
                "expected": _json_value(m.expected),
                "correct": m.correct,
                "working": _text(m.working, result.channels_first),
                "diagnosis": diagnosis(m, result.channels_first),
                "mistakes": [d.mistake for d in m.diagnoses],
            }
            for m in result.marked
        ],
        "right": result.right,
        "total": len(result.marked),
        "untried": result.untried or None,
        "working": working_json(result.working, 6),
    }


def names_report(problem: Problem) -> Report:
    """``--list``: every answerable name (not its value: that would give the answer away)."""
    table = Table([Column("name"), Column("kind of value")], title="Answerable names")
    for name, worked in problem.answers.items():
        value = worked.value
        what = (
            "shape"
            if isinstance(value, tuple)
            else "whole number"
            if isinstance(value, int)
            else "number"
        )
        table.rows.append([name, what])
    mistakes = Table([Column("mistake"), Column("what it is")], title="Mistakes checked")
    mistakes.rows = [[name, text] for name, text in problem.mistakes.items()]
    return Report(title=f"{problem.kind} problem: {problem.source}", tables=[table, mistakes])


def names_json(problem: Problem) -> dict[str, Any]:
    return {
        "dlcalc": __version__,
        "command": "check --list",
        "source": problem.source,
        "kind": problem.kind,
        "names": list(problem.answers),
        "mistakes": problem.mistakes,
    }
