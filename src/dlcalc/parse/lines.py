"""Line-oriented problem files: comments, tokens with their columns, ``key=value`` options."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from dlcalc.errors import DlcalcError, Location


class Token(NamedTuple):
    """A piece of input text with the place it came from, and the whole line for messages."""

    text: str
    location: Location
    context: str | None = None

    def error(
        self,
        message: str,
        *,
        expected: str | None = None,
        suggestion: str | None = None,
    ) -> DlcalcError:
        """An error that points at this token."""
        return DlcalcError(
            message,
            location=self.location,
            text=self.text,
            expected=expected,
            suggestion=suggestion,
            context=self.context,
        )

    def replaced(self, text: str) -> Token:
        """The same place holding another text (after a substitution)."""
        return Token(text, self.location, self.context)


class Line(NamedTuple):
    """One non-blank line: its first word, the positional words after it and its options."""

    head: Token
    args: tuple[Token, ...]
    options: tuple[tuple[Token, Token], ...]
    location: Location
    context: str


_BREAK = re.compile(r"\r\n|\r|\n")


def physical_lines(text: str) -> list[str]:
    """The lines as an editor counts them: broken at \\n, \\r\\n and \\r only (str.splitlines
    also breaks at \\v, \\f, \\x1c–\\x1e, \\x85 and U+2028/2029, which would put every
    message after one on the wrong line)."""
    found = _BREAK.split(text)
    return found[:-1] if found and found[-1] == "" else found


def split_lines(text: str, source: str) -> Iterator[Line]:
    """The meaningful lines of ``text``: ``#`` starts a comment, blank lines are skipped."""
    for number, raw in enumerate(physical_lines(text), start=1):
        content = raw.split("#", 1)[0].rstrip()
        if content.strip():
            yield _tokenize(content, raw.rstrip(), source, number)


def _tokenize(content: str, context: str, source: str, number: int) -> Line:
    words: list[Token] = []
    column = 0
    for piece in content.split():
        column = content.index(piece, column)
        words.append(Token(piece, Location(source, number, column + 1), context))
        column += len(piece)
    args: list[Token] = []
    options: list[tuple[Token, Token]] = []
    for word in words[1:]:
        key, sep, value = word.text.partition("=")
        if sep and key:
            loc = word.location
            value_loc = Location(loc.source, loc.line, (loc.column or 0) + len(key) + 1)
            options.append((Token(key, loc, context), Token(value, value_loc, context)))
        else:
            args.append(word)
    head = words[0]
    return Line(head, tuple(args), tuple(options), head.location, context)


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word``, if any is close enough to be a likely typo."""
    matches = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the nearest choice, for an error message."""
    match = nearest(word, choices)
    return f"did you mean '{match}'?" if match else None
