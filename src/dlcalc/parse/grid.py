"""Matrices and volumes for the hand-computed layers (``dlcalc conv``, ``pool``, ...).

Written inline as rows separated by ``;`` and values by spaces or commas (``"1 1 1; 0 1 1"``),
with the channels of a volume separated by ``|`` (``"1 2; 3 4 | 5 6; 7 8"``); or as nested
lists (``[[1, 1], [0, 1]]``, a volume ``[[[…]]]`` channels first); or ``@FILE`` (``@-`` or
``-`` for standard input), a file of rows in the same notation, one row a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.calculators import COMMAND_LINE
from dlcalc.parse.lines import Token, physical_lines
from dlcalc.parse.numbers import MAX_COUNT, number
from dlcalc.parse.source import read_source
from dlcalc.spec.calculators import Number
from dlcalc.spec.grids import Grid, Matrix

EXPECTED = "rows separated by ;, values by spaces or commas (channels by |), e.g. '1 0 1; 0 1 0'"
_WORD = re.compile(r"\[|\]|[|;,\n]|[^\s\[\]|;,]+")


def parse_grid(text: str, name: str) -> Grid:
    """The matrix or volume ``text`` given with the option ``name`` (see the module)."""
    stripped = text.strip()
    if stripped in ("-", "@-") or stripped.startswith("@"):
        source = read_source(stripped[1:] if stripped.startswith("@") else "-")
        lines = physical_lines(source.text)
        tokens = list(_file_tokens(lines, source.name))
        return _grid(tokens, name, Token(stripped, Location(source.name), None))
    where = Token(text, Location(COMMAND_LINE, path=name))
    words = [Token(m.group(), where.location, None) for m in _WORD.finditer(text)]
    return _grid(words, name, where)


def _file_tokens(lines: list[str], source: str) -> Iterator[Token]:
    """A file's words with their line and column; each line ends a row (``#`` starts a
    comment)."""
    for number_, raw in enumerate(lines, start=1):
        content = raw.split("#", 1)[0]
        found = False
        for match in _WORD.finditer(content):
            found = True
            yield Token(match.group(), Location(source, number_, match.start() + 1), raw)
        if found:
            yield Token("\n", Location(source, number_, len(content) + 1), raw)


def _grid(tokens: list[Token], name: str, whole: Token) -> Grid:
    if not tokens or all(t.text in ("\n", ";", "|") for t in tokens):
        raise whole.error(f"{name} is empty", expected=EXPECTED)
    channels = _nested(tokens, name) if tokens[0].text == "[" else _rows(tokens, name)
    count = sum(len(row) for channel in channels for row in channel)
    if count > MAX_COUNT:
        raise whole.error(
            f"{name} has {count:,} values, more than {MAX_COUNT:,}", expected="a smaller grid"
        )
    grid = Grid(channels, name)
    _check_equal(grid, whole)
    return grid


def _rows(tokens: list[Token], name: str) -> tuple[Matrix, ...]:
    """Rows ended by ``;`` or a line's end, channels by ``|``."""
    channels: list[list[tuple[Number, ...]]] = [[]]
    row: list[Number] = []
    first: Token | None = None
    for token in [*tokens, Token(";", tokens[-1].location, tokens[-1].context)]:
        if token.text in (";", "\n", "|"):
            if row and first is not None:
                _check_row(channels, row, first, name)
                channels[-1].append(tuple(row))
                row, first = [], None
            if token.text == "|":
                if not channels[-1]:
                    raise token.error(f"{name} has an empty channel", expected=EXPECTED)
                channels.append([])
        elif token.text == ",":
            continue
        elif token.text in ("[", "]"):
            raise token.error(f"{name} mixes brackets with ; and |", expected=EXPECTED)
        else:
            first = first or token
            row.append(number(token, f"each value of {name}"))
    if not channels[-1]:
        raise tokens[-1].error(f"{name} ends with an empty channel", expected=EXPECTED)
    return tuple(tuple(channel) for channel in channels)


def _check_row(
    channels: list[list[tuple[Number, ...]]], row: list[Number], first: Token, name: str
) -> None:
    """A row as long as the grid's first, named by its number (and channel) where it starts."""
    if not channels[0] or len(row) == len(channels[0][0]):
        return
    where = f" of channel {len(channels)}" if len(channels) > 1 else ""
    width = len(channels[0][0])
    raise first.error(
        f"row {len(channels[-1]) + 1}{where} of {name} has {len(row)} values, row 1 has {width}",
        expected="rows of equal length",
    )


def _nested(tokens: list[Token], name: str) -> tuple[Matrix, ...]:
    """``[[1, 2], [3, 4]]`` (a matrix) or ``[[[…]]]`` (a volume, channels first)."""
    words = [t for t in tokens if t.text != "\n"]
    at = 0

    def read() -> list | Number:  # type: ignore[type-arg]
        nonlocal at
        if at >= len(words):
            raise words[-1].error(f"{name} ends before its brackets close", expected=EXPECTED)
        token = words[at]
        at += 1
        if token.text != "[":
            if token.text in ("]", ",", ";", "|"):
                raise token.error(f"{name} has '{token.text}' where a value belongs")
            return number(token, f"each value of {name}")
        items: list = []  # type: ignore[type-arg]
        while at < len(words) and words[at].text != "]":
            items.append(read())
            if at < len(words) and words[at].text == ",":
                at += 1
        if at >= len(words):
            raise token.error(f"{name} has a bracket that is never closed", expected=EXPECTED)
        at += 1
        return items

    value = read()
    if at < len(words):
        raise words[at].error(f"{name} goes on after its last bracket", expected=EXPECTED)
    depth = _depth(value)
    if depth not in (2, 3):
        raise words[0].error(
            f"{name} must be a matrix [[…]] or a volume [[[…]]], not {depth} deep",
            expected=EXPECTED,
        )
    volume = value if depth == 3 else [value]
    try:
        return tuple(tuple(tuple(row) for row in channel) for channel in volume)  # type: ignore[arg-type, union-attr]
    except TypeError:
        raise words[0].error(f"{name} mixes values and lists at one depth") from None


def _depth(value: object) -> int:
    depth = 0
    while isinstance(value, list):
        if not value:
            return depth + 1
        depth, value = depth + 1, value[0]
    return depth


def _check_equal(grid: Grid, whole: Token) -> None:
    """Every row as long as the first, every channel as tall: else name the row."""
    width, height = len(grid.channels[0][0]), len(grid.channels[0])
    for c, channel in enumerate(grid.channels, start=1):
        where = f" of channel {c}" if len(grid.channels) > 1 else ""
        for r, row in enumerate(channel, start=1):
            if not isinstance(row, tuple) or not all(isinstance(v, Number) for v in row):
                raise whole.error(f"row {r}{where} of {grid.name} is not a list of values")
            if len(row) != width:
                raise whole.error(
                    f"row {r}{where} of {grid.name} has {len(row)} values, row 1 has {width}",
                    expected="rows of equal length",
                )
        if len(channel) != height:
            raise whole.error(
                f"channel {c} of {grid.name} has {len(channel)} rows, channel 1 has {height}",
                expected="channels of equal size",
            )


def grid_error(grid: Grid, message: str, expected: str | None = None) -> DlcalcError:
    """An error about a whole grid, naming its option."""
    return DlcalcError(message, location=Location(COMMAND_LINE, path=grid.name), expected=expected)
