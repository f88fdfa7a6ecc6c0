"""``dlcalc problems`` and ``dlcalc problems show``: the library as a report and as JSON."""

from __future__ import annotations

from typing import Any

from dlcalc import __version__
from dlcalc.parse.library import LibraryProblem, problem_text
from dlcalc.parse.problem import header
from dlcalc.parse.source import read_source
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


def problem_report(problem: LibraryProblem, names: list[str], remarks: bool) -> Report:
    text, more = header(read_source(str(problem.path)))
    answers = Table([Column("answer")], [[name] for name in names], title="Answers asked for")
    figures = [("The problem file", problem_text(problem.path).splitlines())]
    if remarks and more:
        figures.append(("Remarks (they may give answers away)", more.splitlines()))
    return Report(
        title=f"{problem.topic}/{problem.name}",
        meta=text.splitlines(),
        tables=[answers],
        figures=figures,
        summary=[("check", f"dlcalc check {problem.name} --answer NAME=VALUE")],
    )


def problem_json(problem: LibraryProblem, names: list[str], remarks: bool) -> dict[str, Any]:
    text, more = header(read_source(str(problem.path)))
    return {
        "dlcalc": __version__,
        "command": "problems show",
        "name": problem.name,
        "topic": problem.topic,
        "path": str(problem.path),
        "statement": text,
        "remarks": more if remarks else None,
        "problem": problem_text(problem.path),
        "answers": names,
    }
