"""Architectures written as JSON or TOML: a list of layer tables with the text format's keys.

Each table becomes the same :class:`Line` the text parser makes, so that both share every check.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.layers import ALIASES, POSITIONAL
from dlcalc.parse.lines import Line, Token
from dlcalc.parse.source import Source

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

EXAMPLE = '{"input": [32, 32, 1], "layers": [{"kind": "conv", "filters": 6, "kernel": 5}]}'


def data_lines(source: Source) -> list[Line]:
    """The input and layer tables of a JSON or TOML architecture, as lines."""
    data = _load(source)
    if isinstance(data, dict):
        if "input" not in data or "layers" not in data:
            raise DlcalcError(
                "an architecture needs the keys 'input' and 'layers'",
                location=Location(source.name),
                expected=EXAMPLE,
            )
        input_table: Any = {"kind": "input", "shape": data["input"]}
        tables = data["layers"]
    elif isinstance(data, list) and data:
        input_table, tables = data[0], data[1:]
    else:
        raise DlcalcError(
            "the architecture is empty", location=Location(source.name), expected=EXAMPLE
        )
    if not isinstance(tables, list):
        raise DlcalcError(
            "'layers' must be a list of tables", location=Location(source.name), expected=EXAMPLE
        )
    lines = [_input_line(input_table, source.name)]
    lines += [_line(table, source.name, f"layers[{i}]") for i, table in enumerate(tables)]
    return lines


def _load(source: Source) -> Any:
    if source.suffix == ".toml":
        try:
            return tomllib.loads(source.text)
        except tomllib.TOMLDecodeError as exc:
            raise DlcalcError(
                f"this is not valid TOML: {exc}",
                location=Location(source.name),
                expected='input = [32, 32, 1] and [[layers]] tables with kind = "conv" ...',
            ) from None
    try:
        return json.loads(source.text)
    except json.JSONDecodeError as exc:
        raise DlcalcError(
            f"this is not valid JSON: {exc.msg}",
            location=Location(source.name, exc.lineno, exc.colno),
            expected=EXAMPLE,
            context=source.text.splitlines()[exc.lineno - 1] if source.text.strip() else None,
            text=source.text.splitlines()[exc.lineno - 1][exc.colno - 1 : exc.colno]
            if source.text.strip()
            else None,
        ) from None


def _input_line(table: Any, source: str) -> Line:
    if not isinstance(table, dict) or table.get("kind", "input") != "input" or "shape" not in table:
        raise DlcalcError(
            "the first entry must be the input, with its shape",
            location=Location(source, path="input"),
            expected='"input": [32, 32, 1]',
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
    return Line(head, tuple(args), options, where, f"{path}: {json.dumps(table)}")


def _token(value: Any, location: Location) -> Token:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = "x".join(str(v) for v in value)
    else:
        text = str(value)
    return Token(text, location)
