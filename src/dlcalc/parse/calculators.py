"""Command-line values of the calculators into specs: functions, numbers, ranges, files."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

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
    SoftmaxSpec,
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
    _check_digits(digits)
    return ActivateSpec(name, xs(values, span, path), params, exact, digits)


def parse_softmax(
    values: Sequence[str], temperature: str, target: str | None, jacobian: bool, digits: int
) -> SoftmaxSpec:
    z = tuple(number(argument(text, f"z {i}"), "each score") for i, text in enumerate(values, 1))
    if not z:
        raise DlcalcError(
            "no scores given",
            location=Location(COMMAND_LINE),
            expected="the scores (logits) z after the command",
            suggestion="for example: dlcalc softmax 5 2 -1 3",
        )
    t = number(argument(temperature, "--temperature"), "the temperature")
    if t.value <= 0:
        raise argument(temperature, "--temperature").error(
            "the temperature must be positive", expected="a number > 0, such as 1 or 0.5"
        )
    _check_digits(digits)
    return SoftmaxSpec(z, t, _target(target, len(z)) if target else None, jacobian, digits)


def _target(text: str, classes: int) -> tuple[Number, ...]:
    """A class index (0-based, as PyTorch) as a one-hot vector, or a probability vector."""
    token = argument(text, "--target")
    if "," not in text:
        if not text.strip().isdigit():
            raise token.error(
                f"the target must be a class index or a vector, not '{text}'",
                expected=f"a class from 0 to {classes - 1}, or {classes} probabilities: 0,1,0",
            )
        k = int(text)
        if k >= classes:
            raise token.error(
                f"class {k} is out of range: there are {classes} classes, 0 to {classes - 1}",
                expected=f"a class from 0 to {classes - 1} (classes count from 0, as PyTorch)",
            )
        return tuple(
            Number(str(int(i == k)), float(i == k), Fraction(int(i == k))) for i in range(classes)
        )
    parts = [number(argument(p.strip(), "--target"), "each target") for p in text.split(",")]
    if len(parts) != classes:
        raise token.error(
            f"the target has {len(parts)} values but there are {classes} classes",
            expected=f"{classes} probabilities separated by commas",
        )
    bad = [p.text for p in parts if not 0 <= p.exact <= 1]
    if bad or abs(sum(p.exact for p in parts) - 1) > Fraction(1, 10**9):
        raise token.error(
            "the target must be probabilities from 0 to 1 that add up to 1"
            + (
                f" ({', '.join(bad)} is not)"
                if bad
                else f" (they add up to {float(sum(p.exact for p in parts)):g})"
            ),
            expected="a one-hot vector such as 0,1,0 or a distribution such as 0.1,0.9",
        )
    return tuple(parts)


def _check_digits(digits: int) -> None:
    if digits < 1 or digits > 30:
        raise argument(str(digits), "--digits").error(
            "--digits must be from 1 to 30", expected="a number of significant digits, such as 6"
        )
