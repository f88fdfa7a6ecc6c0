"""The ``expected`` section of a problem file: ``NAME = VALUE`` lines after a heading line."""

from __future__ import annotations

import re
from typing import NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.source import Source

ANSWERS_HEADINGS = ("expected", "answers")


class Answer(NamedTuple):
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


def parse_whole_answer(answer: Answer) -> int | tuple[int, ...]:
    """A shape (``28x28x6``, ``28×28×6``, ``(28, 28, 6)``) or a whole number (``61,706``)."""
    text = answer.value.strip()
    if text.startswith("(") and text.endswith(")"):
        parts = [p.strip() for p in text[1:-1].split(",") if p.strip()]
    elif re.fullmatch(r"\d+([x×]\d+)+", text):
        parts = re.split("[x×]", text)
    else:
        parts = [text.replace(",", "").replace("_", "")]
    if not all(p.isdigit() for p in parts):
        raise DlcalcError(
            f"cannot read the answer '{text}' for {answer.name}",
            location=answer.location,
            text=text,
            expected="a whole number (61706 or 61,706) or a shape (28x28x6, (28, 28, 6))",
        )
    numbers = tuple(int(p) for p in parts)
    return numbers if len(numbers) > 1 or text.startswith("(") else numbers[0]
