"""``dlcalc check`` and ``dlcalc check --list``: the marking as a report and as JSON."""

from __future__ import annotations

import math
from typing import Any

from dlcalc import __version__
from dlcalc.render.report import Column, Report, Table
from dlcalc.solve.check import CheckResult, Problem
from dlcalc.solve.marking import Exact, shown

RIGHT, WRONG = "✓", "✗"


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
                m.working,
                m.diagnosis or ("" if m.correct else "no known mistake gives this value"),
            ]
        )
    meta = [result.source, f"marking: {result.rule}"]
    if result.convention:
        meta.append(f"convention: {result.convention}")
    return Report(
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
                "working": m.working,
                "diagnosis": m.diagnosis,
                "mistakes": [d.mistake for d in m.diagnoses],
            }
            for m in result.marked
        ],
        "right": result.right,
        "total": len(result.marked),
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
