"""Reading an input file (or standard input) as text, with clear errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO, NamedTuple

from dlcalc.errors import DlcalcError, Location


class Source(NamedTuple):
    """The text of one input, and the name used in messages."""

    name: str
    text: str
    suffix: str


MAX_BYTES = 4 * 1024 * 1024
"""The most an input may hold (4 MiB): a problem file is a few kilobytes, and more is a mistake
(``/dev/zero``, a log file) that would otherwise be read until memory runs out."""


def read_source(path: str) -> Source:
    """Read ``path`` (``-`` for standard input) as UTF-8 text: a regular file (or standard
    input) of at most :data:`MAX_BYTES`."""
    if path == "-":
        return Source("<stdin>", _decode(_limited(sys.stdin.buffer, "<stdin>"), "<stdin>"), "")
    try:
        return _read_file(path)
    except OSError as exc:  # a name too long, a folder that may not be searched, …
        raise DlcalcError(
            f"cannot read {path[:200]}: {exc.strerror or exc}", location=Location(path[:200])
        ) from exc


def _read_file(path: str) -> Source:
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
    if not file.is_file():
        raise DlcalcError(
            f"{path} is not a regular file (a device or a pipe)",
            location=Location(path),
            expected="a problem file",
            suggestion="to read from a pipe, give - and redirect it to standard input",
        )
    with file.open("rb") as stream:
        data = _limited(stream, path)
    return Source(path, _decode(data, path), file.suffix.lower())


def _limited(stream: BinaryIO, name: str) -> bytes:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DlcalcError(
            f"the input is larger than {MAX_BYTES // (1024 * 1024)} MiB",
            location=Location(name),
            expected="a problem file of at most 4 MiB",
        )
    return data


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
