"""Architectures written as JSON or TOML: a list of layer tables with the text format's keys.

Each table becomes the same :class:`Line` the text parser makes, so that both share every check.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Literal

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.layers import ALIASES, POSITIONAL
from dlcalc.parse.lines import Line, Token, physical_lines
from dlcalc.parse.source import Source

EXAMPLES = {
    "json": '{"input": [32, 32, 1], "layers": [{"kind": "conv", "filters": 6, "kernel": 5}]}',
    "toml": 'input = [32, 32, 1], then [[layers]] tables such as kind = "conv", filters = 6',
}
Syntax = Literal["json", "toml"]
_TOML = re.compile(r"^\s*(\[\[layers\]\]|input\s*=|convention\s*=)", re.MULTILINE)


def data_syntax(source: Source) -> Syntax | None:
    """JSON or TOML by the file's extension; on standard input, by the look of the text."""
    if source.suffix in (".json", ".toml"):
        return source.suffix[1:]  # type: ignore[return-value]
    if source.suffix:
        return None
    if _TOML.search(source.text):
        return "toml"
    return "json" if source.text.lstrip()[:1] in ("{", "[") else None


def data_lines(source: Source, syntax: Syntax) -> list[Line]:
    """The convention, input and layer tables of a JSON or TOML architecture, as lines."""
    data = _load(source, syntax)
    example = EXAMPLES[syntax]
    lines: list[Line] = []
    if isinstance(data, dict):
        if "input" not in data or "layers" not in data:
            raise DlcalcError(
                "an architecture needs the keys 'input' and 'layers'"
                + (" (this one is empty)" if not data else ""),
                location=Location(source.name),
                expected=example,
            )
        if "convention" in data:
            where = Location(source.name, path="convention")
            lines.append(
                Line(
                    Token("convention", where), (_token(data["convention"], where),), (), where, ""
                )
            )
        input_table: Any = {"kind": "input", "shape": data["input"]}
        tables = data["layers"]
    elif isinstance(data, list) and data:
        input_table, tables = data[0], data[1:]
    else:
        raise DlcalcError(
            "the architecture is empty", location=Location(source.name), expected=example
        )
    if not isinstance(tables, list):
        raise DlcalcError(
            "'layers' must be a list of tables", location=Location(source.name), expected=example
        )
    lines.append(_input_line(input_table, source.name))
    lines += [_line(table, source.name, f"layers[{i}]") for i, table in enumerate(tables)]
    return lines


def _load(source: Source, syntax: Syntax) -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib

    try:
        if syntax == "toml":
            return tomllib.loads(source.text)
        return json.loads(source.text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        if found is None and "end of document" in str(exc):  # the last line, then
            line = max(len(physical_lines(source.text)), 1)
        raise _syntax_error(source, f"this is not valid TOML: {exc}", line, column) from None
    except json.JSONDecodeError as exc:
        raise _syntax_error(
            source, f"this is not valid JSON: {exc.msg}", exc.lineno, exc.colno
        ) from None
    except ValueError as exc:  # a number of more than 4,300 digits, which Python will not read
        raise DlcalcError(
            f"this is not valid {syntax.upper()} for dlcalc: {str(exc).split(';')[0]}",
            location=Location(source.name),
            expected=EXAMPLES[syntax],
        ) from None
    except RecursionError:
        raise DlcalcError(
            f"the {syntax.upper()} is nested too deeply to read",
            location=Location(source.name),
            expected=EXAMPLES[syntax],
        ) from None


def _syntax_error(
    source: Source, message: str, line: int | None, column: int | None
) -> DlcalcError:
    lines = physical_lines(source.text)
    context = lines[line - 1] if line is not None and 0 < line <= len(lines) else None
    text = context[column - 1 : column] if context is not None and column else None
    syntax = "toml" if "TOML" in message else "json"
    return DlcalcError(
        message,
        location=Location(source.name, line, column),
        expected=EXAMPLES[syntax],
        context=context,
        text=text or None,
    )


def _input_line(table: Any, source: str) -> Line:
    if not isinstance(table, dict) or table.get("kind", "input") != "input" or "shape" not in table:
        raise DlcalcError(
            "the first entry must be the input, with its shape",
            location=Location(source, path="input"),
            expected="the input's shape, such as [32, 32, 1]",
        )
    return _line(table, source, "input", ("shape",))


def _line(table: Any, source: str, path: str, positional: tuple[str, ...] | None = None) -> Line:
    where = Location(source, path=path)
    if not isinstance(table, dict) or not isinstance(table.get("kind"), str):
        raise DlcalcError(
            "each layer must be a table with a 'kind'",
            location=where,
            expected='{"kind": "conv", "filters": 6, "kernel": 5}',
        )
    kind: str = table["kind"]
    head = Token(kind, where)
    names = positional if positional is not None else POSITIONAL.get(ALIASES.get(kind, kind), ())
    args: list[Token] = []
    for name in names:
        if name not in table:
            raise DlcalcError(
                f"{kind} needs '{name}'",
                location=where,
                expected=f"the keys kind, {', '.join(names)} and any options",
            )
        value = table[name]
        values = value if name == "inputs" and isinstance(value, list) else [value]
        args += [_token(v, Location(source, path=f"{path}.{name}")) for v in values]
    options = tuple(
        (
            Token(key, Location(source, path=f"{path}.{key}")),
            _token(v, Location(source, path=f"{path}.{key}")),
        )
        for key, v in table.items()
        if key != "kind" and key not in names
    )
    return Line(head, tuple(args), options, where, f"{path}: {json.dumps(table, default=str)}")


def _token(value: Any, location: Location) -> Token:
    """A value as the text format would write it: true, 5, 3x5 (lists), null."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, list):
        text = "x".join(_token(v, location).text for v in value)
    else:
        text = str(value)
    return Token(text, location)
