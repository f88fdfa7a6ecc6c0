"""``dlcalc problems`` and ``dlcalc problems show``: the library as a report and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.parse.library import LibraryProblem, ShownProblem
from dlcalc.render.report import Column, Report, Table


def library_report(problems: list[LibraryProblem]) -> Report:
    table = Table([Column("topic"), Column("name"), Column("problem")], title="Problems")
    table.rows = [[p.topic, p.name, p.description] for p in problems]
    return Report(
        title="The problems library",
        meta=["dlcalc problems show NAME prints one; dlcalc check NAME --answer NAME=VALUE marks"],
        tables=[table],
    )


def library_json(problems: list[LibraryProblem]) -> dict[str, Any]:
    return {
        "dlcalc": __version__,
        "command": "problems",
        "problems": [
            {"name": p.name, "topic": p.topic, "path": str(p.path), "description": p.description}
            for p in problems
        ],
    }


def problem_report(shown: ShownProblem, remarks: bool) -> Report:
    problem = shown.problem
    answers = Table([Column("answer")], [[n] for n in shown.names], title="Answers asked for")
    figures = [("The problem file", shown.body.splitlines())]
    if remarks and shown.remarks:
        figures.append(("Remarks (they may give answers away)", shown.remarks.splitlines()))
    return Report(
        title=f"{problem.topic}/{problem.name}",
        meta=shown.statement.splitlines(),
        tables=[answers],
        figures=figures,
        summary=[("check", f"dlcalc check {problem.name} --answer NAME=VALUE")],
    )


def problem_json(shown: ShownProblem, remarks: bool) -> dict[str, Any]:
    problem = shown.problem
    return {
        "dlcalc": __version__,
        "command": "problems show",
        "name": problem.name,
        "topic": problem.topic,
        "path": str(problem.path),
        "statement": shown.statement,
        "remarks": shown.remarks if remarks else None,
        "problem": shown.body,
        "answers": list(shown.names),
    }
