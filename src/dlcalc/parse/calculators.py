"""Command-line values of the calculators into specs: functions, numbers, ranges, files."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.lines import Token, did_you_mean
from dlcalc.parse.network import check_work
from dlcalc.parse.numbers import number, number_range, numbers_file
from dlcalc.parse.source import read_source
from dlcalc.parse.values import WHOLE
from dlcalc.spec.calculators import (
    ACTIVATION_ALIASES,
    ACTIVATION_NAMES,
    LOSS_ALIASES,
    LOSS_KINDS,
    ActivateSpec,
    ActivationParams,
    LossOptions,
    LossSpec,
    Number,
    SoftmaxSpec,
)
from dlcalc.spec.network import BackpropOptions, NetworkSpec

COMMAND_LINE = "<command line>"


def argument(text: str, name: str) -> Token:
    """A command-line value as a token, named in messages by the argument it is."""
    return Token(text, Location(COMMAND_LINE, path=name))


def choice(
    text: str,
    choices: Sequence[str],
    aliases: dict[str, str],
    what: str,
    token: Token | None = None,
) -> str:
    """One of ``choices`` (or an alias of one), with the nearest suggested otherwise (the
    message at ``token``, where the text was written, else on the command line)."""
    key = text.lower().replace("-", "_")
    key = aliases.get(key, key)
    if key in choices:
        return key
    raise (token or argument(text, what)).error(
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
    plot: bool = False,
) -> ActivateSpec:
    name = choice(function, ACTIVATION_NAMES, ACTIVATION_ALIASES, "activation function")
    _check_digits(digits)
    _only_for(name, "--alpha", params.alpha is not None, ("leaky_relu", "elu"))
    _only_for(
        name, "--grad-at-zero", params.grad_at_zero is not None, ("relu", "leaky_relu", "elu")
    )
    _only_for(name, "--approximate", params.approximate != "none", ("gelu",))
    _only_for(name, "--convention", params.convention != "pytorch", ("hard_sigmoid",))
    _only_for(name, "--step-at-zero", params.step_at_zero != 1.0, ("step",))
    params = params._replace(
        alpha=_finite(params.alpha, "--alpha", None),
        grad_at_zero=_finite(params.grad_at_zero, "--grad-at-zero", None),
        step_at_zero=_finite(params.step_at_zero, "--step-at-zero", 1.0),
    )
    return ActivateSpec(name, xs(values, span, path), params, exact, digits, 241 if plot else 0)


MAX_SCORES = 1000
"""The most scores a softmax takes: each probability's working writes the whole sum (1,000
scores print 9 MB)."""
MAX_JACOBIAN = 100
MAX_EXACT_SCORES = 50


def parse_softmax(
    values: Sequence[str],
    temperature: str,
    target: str | None,
    jacobian: bool,
    digits: int,
    exact: bool = False,
) -> SoftmaxSpec:
    limit = MAX_JACOBIAN if jacobian else MAX_EXACT_SCORES if exact else MAX_SCORES
    if len(values) > limit:
        raise argument(values[limit], f"z {limit + 1}").error(
            f"{len(values):,} scores are more than {limit:,}"
            + (" with --jacobian" if jacobian else " with --exact" if exact else ""),
            expected=f"at most {limit:,} scores: each row's working sums them all",
        )
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
    for score in z:
        if not math.isfinite(score.value / t.value):
            raise argument(score.text, "z").error(
                f"z/T = {score.text}/{t.text} passes 1.8·10^308, beyond a float64",
                expected="scores and a temperature whose quotient fits a float64",
                suggestion="use a larger temperature",
            )
    classes = None if target is None else _target(target, len(z))
    return SoftmaxSpec(z, t, classes, jacobian, digits, exact)


def _target(text: str, classes: int) -> tuple[Number, ...]:
    """A class index (0-based, as PyTorch) as a one-hot vector, or a probability vector."""
    token = argument(text, "--target")
    if "," not in text:
        if not WHOLE.fullmatch(text.strip()):
            raise token.error(
                f"the target must be a class index or a vector, not '{text}'",
                expected=f"a class from 0 to {classes - 1}, or {classes} probabilities: 0,1,0",
            )
        return _one_hot(_class_index(token, int(text), classes), classes)
    parts = [number(argument(p.strip(), "--target"), "each target") for p in text.split(",")]
    if len(parts) != classes:
        raise token.error(
            f"the target has {len(parts)} values but there are {classes} classes",
            expected=f"{classes} probabilities separated by commas",
        )
    bad = [p.text for p in parts if not Fraction(0) <= p.exact <= Fraction(1)]
    total = sum((p.exact for p in parts), Fraction(0))
    if bad or abs(total - 1) > Fraction(1, 10**9):
        raise token.error(
            "the target must be probabilities from 0 to 1 that add up to 1"
            + (f" ({', '.join(bad)} is not)" if bad else f" (they add up to {float(total):g})"),
            expected="a one-hot vector such as 0,1,0 or a distribution such as 0.1,0.9",
        )
    return tuple(parts)


def _check_digits(digits: int) -> None:
    if digits < 1 or digits > 17:
        raise argument(str(digits), "--digits").error(
            "--digits must be from 1 to 17 (a float64 holds 17 significant digits)",
            expected="a number of significant digits, such as 6",
        )


def _only_for(name: str, option: str, given: bool, applies_to: Sequence[str]) -> None:
    """An option that does not change ``name``'s numbers is an error, not silently ignored."""
    if given and name not in applies_to:
        raise argument(option, option).error(
            f"{option} does not apply to {name}",
            expected=f"{option} with {', '.join(applies_to)}",
            suggestion=f"leave {option} out",
        )


def _finite(value: float | None, option: str, default: float | None) -> Any:
    """An option's value, which must be a finite number."""
    if value is None:
        return default
    if not math.isfinite(value):
        raise argument(str(value), option).error(
            f"{option} must be a finite number, not {value}", expected="a number such as 0.5"
        )
    return value


def parse_loss(
    kind: str,
    pred: str,
    target: str,
    reduction: str | None,
    options: LossOptions,
) -> LossSpec:
    """``--pred "0.9,0.2;0.1,0.8"`` (rows are examples) and a target of the same shape, or
    integer labels (one per example) for sparse_cce."""
    name = choice(kind, LOSS_KINDS, LOSS_ALIASES, "loss")
    _check_digits(options.digits)
    _only_for(name, "--delta", options.delta is not None, ("huber",))
    _only_for(name, "--from-logits", options.from_logits, ("bce", "cce", "sparse_cce"))
    _only_for(name, "--log2", options.log2, ("bce", "cce", "sparse_cce", "kl"))
    delta = _finite(options.delta, "--delta", 1.0)
    if delta <= 0:
        raise argument(str(delta), "--delta").error(
            "--delta must be positive", expected="a number > 0, such as 1"
        )
    predictions = _matrix(pred, "--pred")
    if name == "sparse_cce":
        targets = _labels(target, len(predictions), len(predictions[0]))
    else:
        targets = _matrix(target, "--target")
        if [len(row) for row in targets] != [len(row) for row in predictions]:
            raise argument(target, "--target").error(
                f"the target's shape {_shape(targets)} differs from the prediction's "
                f"{_shape(predictions)}",
                expected="one target for each prediction, rows separated by ;",
            )
    if reduction is None:
        reduction = "sum" if name in ("sse", "half_sse") else "mean"
    elif name in ("sse", "half_sse") and reduction != "sum":
        raise argument(reduction, "--reduction").error(
            f"{name} is a sum by definition", expected="--reduction sum, or the loss mse for a mean"
        )
    labels01 = False
    if name in ("hinge", "squared_hinge"):
        values = {v.exact for row in targets for v in row}
        if not values <= {-1, 1}:
            if not values <= {0, 1}:
                raise argument(target, "--target").error(
                    "hinge targets must be −1 or +1 (or all 0 or 1)",
                    expected="labels such as 1,-1,1",
                )
            labels01 = True
            targets = tuple(tuple(_signed(v) for v in row) for row in targets)
    return LossSpec(
        name,
        predictions,
        targets,
        reduction,
        delta=delta,
        from_logits=options.from_logits,
        log2=options.log2,
        keras=options.keras,
        gradient=options.gradient,
        digits=options.digits,
        labels01=labels01,
        exact=options.exact,
    )


def _signed(label: Number) -> Number:
    value = 1 if label.exact == 1 else -1
    return Number(str(value), float(value), Fraction(value))


def _matrix(text: str, name: str) -> tuple[tuple[Number, ...], ...]:
    matrix = tuple(
        tuple(
            number(argument(value.strip(), f"{name} row {i}"), f"each {name[2:]} value")
            for value in row.split(",")
        )
        for i, row in enumerate(text.split(";"), 1)
    )
    if len({len(row) for row in matrix}) != 1:
        raise argument(text, name).error(
            f"the rows of {name} have different lengths ({', '.join(str(len(r)) for r in matrix)})",
            expected="rows of equal length: values separated by commas, rows by ;",
        )
    return matrix


def _labels(text: str, examples: int, classes: int) -> tuple[tuple[Number, ...], ...]:
    token = argument(text, "--target")
    parts = [part.strip() for part in text.replace(";", ",").split(",")]
    if len(parts) != examples or not all(WHOLE.fullmatch(part) for part in parts):
        raise token.error(
            f"sparse_cce takes one class index per example ({examples} here), not '{text}'",
            expected="class indices counted from 0, separated by ; or ,",
        )
    return tuple(_one_hot(_class_index(token, int(part), classes), classes) for part in parts)


def _shape(matrix: tuple[tuple[Number, ...], ...]) -> str:
    return f"{len(matrix)}×{len(matrix[0])}"


def _class_index(token: Token, k: int, classes: int) -> int:
    if k >= classes:
        raise token.error(
            f"class {k} is out of range: there are {classes} classes, 0 to {classes - 1}",
            expected=f"a class from 0 to {classes - 1} (classes count from 0, as PyTorch)",
        )
    return k


def _one_hot(k: int, classes: int) -> tuple[Number, ...]:
    return tuple(
        Number(str(int(i == k)), float(i == k), Fraction(int(i == k))) for i in range(classes)
    )


def backprop_overrides(
    spec: NetworkSpec,
    rate: str | None,
    epochs: int | None,
    relu_grad_at_zero: float | None,
    only: str | None,
    digits: int,
    changes: Sequence[str] = (),
    exact: bool = False,
) -> tuple[NetworkSpec, BackpropOptions]:
    """The command line's --rate and --epochs over the file's, and the options of the solver."""
    _check_digits(digits)
    if rate is not None:
        value = number(argument(rate, "--rate"), "the rate")
        if value.exact <= 0:
            raise argument(rate, "--rate").error(
                "the rate must be positive", expected="a number > 0"
            )
        spec = spec._replace(rate=value)
    if epochs is not None:
        if not 1 <= epochs <= 10_000:
            raise argument(str(epochs), "--epochs").error(
                "--epochs must be from 1 to 10,000", expected="a whole number from 1 to 10,000"
            )
        spec = spec._replace(epochs=epochs)
        check_work(spec, argument(str(epochs), "--epochs").location)
    # commas inside brackets belong to a name: W_h[1,2]
    names = tuple(name.strip() for name in re.split(r",(?![^\[]*\])", only)) if only else ()
    known = [p.name for p in spec.parameters]
    for name in names:
        if name not in known:
            raise argument(name, "--only").error(
                f"no parameter is named '{name}'",
                expected="names of weights and biases of the file",
                suggestion=did_you_mean(name, known),
            )
    grad = _finite(relu_grad_at_zero, "--relu-grad-at-zero", None)
    settings: list[tuple[str, float]] = []
    for text in changes:
        name, sep, new = text.partition("=")
        if not sep or name.strip() not in known:
            raise argument(text, "--set").error(
                f"--set needs NAME=VALUE with a parameter of the file, not '{text}'",
                expected="such as --set w46=2.01",
                suggestion=did_you_mean(name.strip(), known) if sep else None,
            )
        if any(name.strip() == done for done, _ in settings):
            raise argument(text, "--set").error(
                f"{name.strip()} is set twice", expected="one --set for each parameter"
            )
        settings.append((name.strip(), number(argument(new, "--set"), "the new value").value))
    return spec, BackpropOptions(grad, digits, names, tuple(settings), exact)
