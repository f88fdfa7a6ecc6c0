"""A problem file of any kind: its kind (by suffix, else by its first line), its spec, its
answers sections and its statement (the comment block at the top)."""

from __future__ import annotations

import shlex
from typing import Any, NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.answers import parse_sections
from dlcalc.parse.calculator_options import CALCULATORS
from dlcalc.parse.lines import physical_lines
from dlcalc.parse.source import Source
from dlcalc.spec.problem import KINDS, ProblemSpec

FIRST_WORDS = {"input": "architecture", "inputs": "network", "optimizer": "optimizer"}


def read_problem(source: Source) -> ProblemSpec:
    """The problem in ``source``, parsed by the parser of its kind."""
    kind = KINDS.get(source.suffix) or _sniff(source)
    return ProblemSpec(
        source.name, kind, _parse(kind, source), parse_sections(source), statement(source)
    )


REMARKS = "---"
"""A header comment line ``# ---`` ends the statement; the remarks after it may give answers."""


def header(source: Source) -> tuple[str, str]:
    """The comment lines at the top of the file, without their ``#``: the statement (the problem
    as set) and the remarks (source, published results, the notes' mistakes)."""
    statement: list[str] = []
    remarks: list[str] = []
    current = statement
    for raw in physical_lines(source.text):
        text = raw.strip()
        if not text.startswith("#"):
            if text:
                break
            continue
        line = text[1:].removeprefix(" ")
        if line.strip() == REMARKS and current is statement:
            current = remarks
            continue
        current.append(line)
    return "\n".join(statement).strip(), "\n".join(remarks).strip()


def statement(source: Source) -> str:
    """The problem as set: the header up to ``# ---``."""
    return header(source)[0]


def _sniff(source: Source) -> str:
    if source.text.lstrip().startswith("{"):
        return "architecture"  # the architecture as JSON (on standard input)
    for number, raw in enumerate(physical_lines(source.text), start=1):
        words = raw.split("#", 1)[0].split()
        if not words:
            continue
        word = words[0].lower()
        if word in CALCULATORS:
            return "calculator"
        if word in FIRST_WORDS:
            return FIRST_WORDS[word]
        raise DlcalcError(
            f"cannot tell what kind of problem this is from its first line '{words[0]}'",
            location=Location(source.name, number, 1),
            expected="a file named .arch (architecture), .net (network), .opt (optimizer) or "
            ".calc (a calculator's command line: activate, softmax, loss, conv, pool, batchnorm, "
            "layernorm or dropout), or one whose first line says which",
        )
    raise DlcalcError("the problem file is empty", location=Location(source.name))


def _parse(kind: str, source: Source) -> Any:
    if kind == "architecture":
        from dlcalc.parse.architecture import parse_architecture

        return parse_architecture(source)
    if kind == "network":
        from dlcalc.parse.network import parse_network

        return parse_network(source)
    if kind == "optimizer":
        from dlcalc.parse.optimizer import optimize_file

        return optimize_file(source)
    return parse_calculator(source)


class CalculatorLine(NamedTuple):
    """A ``.calc`` problem: its command, the command's spec, and where the line is (for a
    message found while solving it)."""

    command: str
    spec: Any
    location: Location
    text: str


def parse_calculator(source: Source) -> CalculatorLine:
    """A ``.calc`` problem: one dlcalc calculator command line (``softmax 5 2 -1 3 --target 0``)."""
    for number, raw in enumerate(physical_lines(source.text), start=1):
        content = raw.split("#", 1)[0].strip()
        if content:
            where = Location(source.name, number, raw.index(content) + 1)
            try:
                return CalculatorLine(*_calculator(shlex.split(content), where, raw), where, raw)
            except ValueError as error:
                raise DlcalcError(
                    f"cannot read the command line: {error}", location=where, context=raw
                ) from None
            except DlcalcError as error:
                found = raw.find(error.text) if error.text else -1
                column = found + 1 if found >= 0 else where.column
                error.location, error.context = where._replace(column=column), raw
                raise
    raise DlcalcError("the problem file is empty", location=Location(source.name))


def _calculator(words: list[str], where: Location, raw: str) -> tuple[str, Any]:
    """One calculator command line, read by the command's own option schema."""
    from dlcalc.parse.calculator_options import calculator_spec, split_line

    command = words[0].lower()
    if command not in CALCULATORS:
        raise DlcalcError(
            f"unknown calculator '{words[0]}'",
            location=where,
            text=words[0],
            expected="a calculator (activate, softmax, loss, conv, pool, batchnorm, layernorm or "
            "dropout), with the values and options of that command",
            context=raw,
        )
    values, given = split_line(command, words[1:])
    return command, calculator_spec(command, values, given)
