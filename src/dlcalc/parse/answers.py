"""The ``expected`` section of a problem file: ``NAME = VALUE`` lines after a heading line."""

from __future__ import annotations

from dataclasses import dataclass

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.source import Source

ANSWERS_HEADINGS = ("expected", "answers")


@dataclass(frozen=True)
class Answer:
    name: str
    value: str
    location: Location


def parse_answers(source: Source) -> tuple[Answer, ...]:
    """The answers recorded after a line ``expected`` (or ``answers``); none if there is none."""
    answers: list[Answer] = []
    inside = False
    for number, raw in enumerate(source.text.splitlines(), start=1):
        content = raw.split("#", 1)[0].strip()
        if not content:
            continue
        if content.lower() in ANSWERS_HEADINGS:
            inside = True
            continue
        if inside:
            name, sep, value = content.partition("=")
            if not sep:
                raise DlcalcError(
                    "an answer line must be NAME = VALUE",
                    location=Location(source.name, number, 1),
                    text=content,
                    expected="NAME = VALUE, such as conv1.params = 156",
                    context=raw.rstrip(),
                )
            answers.append(Answer(name.strip(), value.strip(), Location(source.name, number, 1)))
    return tuple(answers)
