"""Errors that reach the user as one clear message (never a traceback)."""

from __future__ import annotations

from typing import NamedTuple


class Location(NamedTuple):
    """Where a piece of input came from: a file and a line and column (1-based), or a data path."""

    source: str
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def __str__(self) -> str:
        if self.line is not None:
            column = f":{self.column}" if self.column is not None else ""
            return f"{self.source}:{self.line}{column}"
        if self.path is not None:
            return f"{self.source}: {self.path}"
        return self.source


class DlcalcError(Exception):
    """An error caused by the user's input, shown as a message with exit status 2.

    ``text`` is the offending text, ``expected`` what would have been valid there,
    ``suggestion`` a hint on how to fix it, and ``context`` the whole input line
    (shown with the offending text underlined).
    """

    def __init__(
        self,
        message: str,
        *,
        location: Location | None = None,
        text: str | None = None,
        expected: str | None = None,
        suggestion: str | None = None,
        context: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.text = text
        self.expected = expected
        self.suggestion = suggestion
        self.context = context

    def describe(self) -> str:
        """The full message: location, what is wrong, the line with a marker, expectation, hint."""
        head = f"{self.location}: {self.message}" if self.location else self.message
        lines = [f"error: {_short(head, 4 * CONTEXT_WIDTH)}"]
        if self.context is not None:
            column = self.location.column if self.location else None
            context, column = _crop(self.context, column)
            lines.append(f"  {context}")
            if column is not None and self.text:
                # keep the tabs before the marker, so that it lines up under the text
                indent = "".join("\t" if ch == "\t" else " " for ch in context[: column - 1])
                width = min(max(len(self.text), 1), len(context) - column + 1)
                lines.append("  " + indent + "^" * max(width, 1))
        elif self.text:
            lines.append(f"  offending text: {_short(self.text, CONTEXT_WIDTH)!r}")
        if self.expected:
            lines.append(f"expected: {self.expected}")
        if self.suggestion:
            lines.append(f"hint: {self.suggestion}")
        return "\n".join(lines)


CONTEXT_WIDTH = 100


def _short(text: str, width: int) -> str:
    """A text cut to ``width`` characters (a 3 MB word is not echoed whole)."""
    return text if len(text) <= width else text[:width] + "…"


def _crop(context: str, column: int | None) -> tuple[str, int | None]:
    """A long line cut down to the part around ``column`` (1-based), and the column in it."""
    if len(context) <= CONTEXT_WIDTH:
        return context, column
    start = max((column or 1) - 1 - CONTEXT_WIDTH // 4, 0)
    head = "…" if start else ""
    cropped = head + context[start : start + CONTEXT_WIDTH] + "…"
    return cropped, None if column is None else column - start + len(head)
