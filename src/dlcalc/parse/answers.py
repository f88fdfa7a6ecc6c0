"""Answers: the sections of a problem file (``expected``, ``answers``, ``notes``), an answers
file (``--answers``) and ``--answer NAME=VALUE``; each value read as a number or a shape."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.lines import physical_lines
from dlcalc.parse.source import Source, read_source
from dlcalc.spec.answers import Answer, Given

ANSWERS_HEADINGS = ("expected", "answers", "notes")
"""``expected``: the problem's correct answers; ``answers``: a student's, to be marked;
``notes``: the answers the course notes give (some wrong), to be marked and explained."""

SPECIAL = {"nan": math.nan, "inf": math.inf, "+inf": math.inf, "-inf": -math.inf}
"""What a calculator shows on overflow; accepted as answers (``overflow`` is inf)."""
SHAPE = r"\([1-9][0-9]{0,8}(,[1-9][0-9]{0,8})*,?\)|[1-9][0-9]{0,8}([x×][1-9][0-9]{0,8})+"
"""28x28x6, 28×28×6 or (28, 28, 6) (spaces removed); no axis of size 0."""


def parse_sections(source: Source) -> dict[str, tuple[Answer, ...]]:
    """Each answers section of a problem file (``expected``, ``answers``, ``notes``) by heading;
    a section runs to the next heading or the end."""
    sections: dict[str, list[Answer]] = {}
    current: list[Answer] | None = None
    for number, raw in enumerate(physical_lines(source.text), start=1):
        content = raw.split("#", 1)[0].strip()
        if not content:
            continue
        if content.lower() in ANSWERS_HEADINGS:
            current = sections.setdefault(content.lower(), [])
            continue
        if current is not None:
            current.append(_answer_line(content, raw, Location(source.name, number, 1)))
    return {heading: tuple(answers) for heading, answers in sections.items()}


def parse_answers(source: Source) -> tuple[Answer, ...]:
    """The problem's recorded correct answers (its ``expected`` section)."""
    return parse_sections(source).get("expected", ())


def parse_answers_file(source: Source) -> tuple[Answer, ...]:
    """An answers file: every ``NAME = VALUE`` line (heading lines are skipped)."""
    answers = []
    for number, raw in enumerate(physical_lines(source.text), start=1):
        content = raw.split("#", 1)[0].strip()
        if content and content.lower() not in ANSWERS_HEADINGS:
            answers.append(_answer_line(content, raw, Location(source.name, number, 1)))
    if not answers:
        raise DlcalcError(
            "the answers file has no answers",
            location=Location(source.name),
            expected="NAME = VALUE lines, such as w5 = 0.3589",
        )
    return tuple(answers)


def parse_answer_option(text: str) -> Answer:
    """``--answer w5=0.3589``."""
    return _answer_line(text.strip(), text, Location("<command line>", path=f"--answer {text}"))


def _answer_line(content: str, raw: str, where: Location) -> Answer:
    name, sep, value = content.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise DlcalcError(
            "an answer must be NAME = VALUE",
            location=where,
            text=content,
            expected="NAME = VALUE, such as conv1.params = 156 or w5 = 0.3589",
            context=raw.rstrip() if where.line is not None else None,
        )
    column = raw.index(value.strip(), raw.index("=")) + 1 if where.line is not None else None
    return Answer(name.strip(), value.strip(), where._replace(column=column), raw.rstrip())


def read_value(answer: Answer) -> Given:
    """A number (``0.3589``, ``−1.2e−3``, ``61,706``), nan/inf/overflow, or a shape
    (``28x28x6``, ``28×28×6``, ``(28, 28, 6)``)."""
    text = answer.value.strip()
    plain = text.replace("\u2212", "-").lower()  # a typeset minus
    if plain in SPECIAL or plain == "overflow":
        return Given(text, special=SPECIAL.get(plain, math.inf))
    if re.fullmatch(SHAPE, text.replace(" ", "")):
        return Given(text, shape=tuple(int(p) for p in re.findall(r"\d+", text)))
    number = plain.replace("_", "")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", number):
        number = number.replace(",", "")
    try:
        value = Decimal(number)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise DlcalcError(
            f"cannot read the answer '{text}' for {answer.name}",
            location=answer.location,
            text=text,
            expected="a number (0.3589, -1.2e-3, 61706 or 61,706) or a shape (28x28x6, "
            "(28, 28, 6))",
            context=answer.context or None,
        )
    return Given(text, number=value)


def chosen_answers(
    sections: dict[str, tuple[Answer, ...]],
    source: str,
    answers_file: str | None,
    options: Sequence[str],
    notes: bool,
) -> tuple[Answer, ...]:
    """The answers to mark: ``--answers``/``--answer`` if given, else ``--notes``'s section,
    else the file's ``answers`` section, else its ``expected`` one (its own correct answers)."""
    if answers_file is not None or options:
        found = parse_answers_file(read_source(answers_file)) if answers_file else ()
        return found + tuple(parse_answer_option(text) for text in options)
    heading = "notes" if notes else "answers" if "answers" in sections else "expected"
    if sections.get(heading):
        return sections[heading]
    raise DlcalcError(
        "no notes section to mark" if notes else "no answers to check: no answers section",
        location=Location(source),
        expected="--answers FILE or --answer NAME=VALUE (or, in a text problem file, an "
        "'answers' section of NAME = VALUE lines)",
        suggestion="dlcalc check FILE --list prints the names a problem answers",
    )
