"""Command-line values of the calculators into specs: functions, numbers, ranges, files."""

from __future__ import annotations

from collections.abc import Sequence

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.lines import Token, did_you_mean
from dlcalc.parse.numbers import number, number_range, numbers_file
from dlcalc.parse.source import read_source
from dlcalc.spec.calculators import (
    ACTIVATION_ALIASES,
    ACTIVATION_NAMES,
    ActivateSpec,
    ActivationParams,
    Number,
)

COMMAND_LINE = "<command line>"


def argument(text: str, name: str) -> Token:
    """A command-line value as a token, named in messages by the argument it is."""
    return Token(text, Location(COMMAND_LINE, path=name))


def choice(text: str, choices: Sequence[str], aliases: dict[str, str], what: str) -> str:
    """One of ``choices`` (or an alias of one), with the nearest suggested otherwise."""
    key = text.lower().replace("-", "_")
    key = aliases.get(key, key)
    if key in choices:
        return key
    raise argument(text, what).error(
        f"unknown {what} '{text}'",
        expected="one of " + ", ".join([*choices, *aliases]),
        suggestion=did_you_mean(key, [*choices, *aliases]),
    )


def xs(values: Sequence[str], span: str | None, path: str | None) -> tuple[Number, ...]:
    """The x values: given on the command line, a --range, or a --file of numbers."""
    found = [number(argument(text, f"value {i}"), "each x") for i, text in enumerate(values, 1)]
    if span is not None:
        found += number_range(argument(span, "--range"))
    if path is not None:
        found += numbers_file(read_source(path))
    if not found:
        raise DlcalcError(
            "no values given",
            location=Location(COMMAND_LINE),
            expected="numbers after the function, --range START:STOP:STEP or --file FILE",
            suggestion="for example: dlcalc activate sigmoid 0.5 -1 2",
        )
    return tuple(found)


def parse_activate(
    function: str,
    values: Sequence[str],
    span: str | None,
    path: str | None,
    params: ActivationParams,
    exact: bool,
    digits: int,
) -> ActivateSpec:
    name = choice(function, ACTIVATION_NAMES, ACTIVATION_ALIASES, "activation function")
    if digits < 1 or digits > 30:
        raise argument(str(digits), "--digits").error(
            "--digits must be from 1 to 30", expected="a number of significant digits, such as 6"
        )
    return ActivateSpec(name, xs(values, span, path), params, exact, digits)
