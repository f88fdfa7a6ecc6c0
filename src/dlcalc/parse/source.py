"""Reading an input file (or standard input) as text, with clear errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

from dlcalc.errors import DlcalcError, Location


class Source(NamedTuple):
    """The text of one input, and the name used in messages."""

    name: str
    text: str
    suffix: str


def read_source(path: str) -> Source:
    """Read ``path`` (``-`` for standard input) as UTF-8 text."""
    if path == "-":
        data = sys.stdin.buffer.read()
        return Source("<stdin>", _decode(data, "<stdin>"), "")
    file = Path(path)
    if not file.exists():
        raise DlcalcError(
            f"no such file: {path}",
            location=Location(path),
            suggestion="check the path; use - to read from standard input; `dlcalc problems` "
            "lists the library's problems, which every command takes by name",
        )
    if file.is_dir():
        raise DlcalcError(
            f"{path} is a directory, not a file",
            location=Location(path),
            suggestion="name a problem file inside it",
        )
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise DlcalcError(f"cannot read {path}: {exc.strerror}", location=Location(path)) from exc
    return Source(path, _decode(data, path), file.suffix.lower())


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise DlcalcError(
            "this is a binary file, not a text problem file",
            location=Location(name),
            expected="a plain-text file (UTF-8)",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DlcalcError(
            f"the file is not valid UTF-8 text (byte {exc.start})",
            location=Location(name),
            expected="a plain-text file (UTF-8)",
            suggestion="save the file as UTF-8 text",
        ) from exc
