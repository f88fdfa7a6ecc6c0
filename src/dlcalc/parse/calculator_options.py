"""The options of each calculator (``activate``, ``softmax``, ``loss``), defined once and read
the same way from the command line and from a ``.calc`` problem file: the same values accepted,
the same ones refused, with the same messages.

A ``.calc`` file holds one command line without ``dlcalc`` (``softmax 5 2 -1 3 --target 0``);
it takes the options that change a value, not those that change the output (``--digits``,
``--exact``, ``--plot``, ``--range``, ``--file``, ``--jacobian``, ``--format``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, NamedTuple

from dlcalc.errors import DlcalcError
from dlcalc.parse.calculators import (
    argument,
    choice,
    parse_activate,
    parse_loss,
    parse_softmax,
)
from dlcalc.parse.lines import did_you_mean
from dlcalc.parse.numbers import number
from dlcalc.spec.calculators import ActivationParams, LossOptions

Given = Mapping[str, "str | bool | list[str] | None"]
"""The options given, by flag: a text, a flag's True, a repeated option's texts."""
Kind = Literal["number", "choice", "flag", "text", "texts"]
"""``texts``: an option that may be given several times (``--kernel``)."""


class Option(NamedTuple):
    flag: str
    kind: Kind
    choices: tuple[str, ...] = ()
    default: str | None = None


SCHEMAS: dict[str, tuple[Option, ...]] = {
    "activate": (
        Option("--alpha", "number"),
        Option("--approximate", "choice", ("none", "tanh"), "none"),
        Option("--convention", "choice", ("pytorch", "keras", "keras2"), "pytorch"),
        Option("--grad-at-zero", "number"),
        Option("--step-at-zero", "number", default="1"),
    ),
    "softmax": (
        Option("--temperature", "text", default="1"),
        Option("--target", "text"),
    ),
    "loss": (
        Option("--pred", "text"),
        Option("--target", "text"),
        Option("--reduction", "choice", ("mean", "sum")),
        Option("--delta", "number"),
        Option("--from-logits", "flag"),
        Option("--log2", "flag"),
        Option("--convention", "choice", ("exact", "keras"), "exact"),
        Option("--grad", "flag"),
    ),
    "conv": (
        Option("--input", "text"),
        Option("--kernel", "texts"),
        Option("--bias", "text"),
        Option("--stride", "text", default="1"),
        Option("--padding", "text", default="0"),
        Option("--dilation", "text", default="1"),
        Option("--activation", "choice", ("relu", "sigmoid", "tanh", "leaky_relu", "linear")),
        Option("--flip", "flag"),
        Option("--1d", "flag"),
        Option("--grad", "text"),
        Option("--depthwise", "flag"),
        Option("--pointwise", "texts"),
        Option("--transpose", "flag"),
        Option("--output-padding", "text"),
    ),
    "pool": (
        Option("--input", "text"),
        Option("--size", "text", default="2"),
        Option("--stride", "text"),
        Option("--padding", "text", default="0"),
        Option("--dilation", "text", default="1"),
        Option("--ceil", "flag"),
        Option("--count-include-pad", "choice", ("true", "false"), "true"),
        Option("--global", "flag"),
        Option("--grad", "text"),
    ),
    "batchnorm": (
        Option("--input", "text"),
        Option("--gamma", "text"),
        Option("--beta", "text"),
        Option("--eps", "text"),
        Option("--convention", "choice", ("pytorch", "keras"), "pytorch"),
        Option("--momentum", "text"),
        Option("--running-mean", "text"),
        Option("--running-var", "text"),
        Option("--eval", "flag"),
        Option("--grad", "text"),
        Option("--channels", "flag"),
    ),
    "layernorm": (
        Option("--input", "text"),
        Option("--gamma", "text"),
        Option("--beta", "text"),
        Option("--eps", "text"),
        Option("--convention", "choice", ("pytorch", "keras"), "pytorch"),
        Option("--grad", "text"),
    ),
    "grad": (
        Option("--at", "text"),
        Option("--name", "texts"),
        Option("--nudge", "text"),
        Option("--check", "flag"),
        Option("--threshold", "text"),
    ),
    "dropout": (
        Option("--input", "text"),
        Option("--rate", "text"),
        Option("--mask", "text"),
        Option("--seed", "text"),
        Option("--no-scale", "flag"),
        Option("--eval", "flag"),
    ),
}
"""Each calculator's options that change a value (the command line has these and its output
options)."""

CALCULATORS = tuple(SCHEMAS)


def read_options(command: str, given: Given) -> dict[str, Any]:
    """The options of ``command`` as values: numbers as floats, choices checked, flags as
    bools, defaults filled in; an unknown option or a bad value is an error naming the option."""
    values: dict[str, Any] = {}
    known = {option.flag: option for option in SCHEMAS[command]}
    for flag in given:
        if flag not in known:
            raise argument(flag, flag).error(
                f"{command} takes no option {flag}",
                expected="one of " + ", ".join(known),
                suggestion=did_you_mean(flag, known),
            )
    for option in SCHEMAS[command]:
        raw = given.get(option.flag)
        if option.kind == "flag":
            values[option.flag] = bool(raw)
            continue
        if option.kind == "texts":
            values[option.flag] = (
                [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
            )
            continue
        text = option.default if raw is None else str(raw)
        if text is None:
            values[option.flag] = None
        elif option.kind == "number":
            values[option.flag] = number(argument(text, option.flag), option.flag).value
        elif option.kind == "choice":
            values[option.flag] = choice(text, option.choices, {}, f"{option.flag} value")
        else:
            values[option.flag] = text
    return values


def calculator_spec(
    command: str,
    values: Sequence[str],
    given: Given,
    *,
    digits: int = 6,
    exact: bool = False,
    plot: bool = False,
    jacobian: bool = False,
    span: str | None = None,
    path: str | None = None,
) -> Any:
    """The spec of a calculator command: its values, its options (read by :func:`read_options`)
    and the output settings the command line adds."""
    stray = [word for word in values if word.startswith("--")]
    options = read_options(command, {**given, **dict.fromkeys(stray, True)})
    if command == "activate":
        if not values:
            raise argument("", "function").error(
                "no activation function given", expected="a function, then its x values"
            )
        params = ActivationParams(
            alpha=options["--alpha"],
            approximate=options["--approximate"],
            convention="keras2" if options["--convention"] == "keras2" else "pytorch",
            grad_at_zero=options["--grad-at-zero"],
            step_at_zero=options["--step-at-zero"],
        )
        return parse_activate(values[0], values[1:], span, path, params, exact, digits, plot)
    if command == "softmax":
        temperature, target = options["--temperature"], options["--target"]
        return parse_softmax(values, temperature, target, jacobian, digits, exact)
    if command in LAYERS:
        return _layer_spec(command, values, options, digits)
    if command == "grad":
        from dlcalc.parse.graph import graph_spec

        if len(values) != 1:
            raise argument(" ".join(values), "EXPR").error(
                "grad takes one formula", expected="a formula in quotes, such as '3*(a + b*c)'"
            )
        return graph_spec(
            values[0],
            options["--at"],
            options["--name"],
            options["--nudge"],
            options["--check"],
            options["--threshold"],
            digits,
            exact,
        )
    if not values:
        raise argument("", "kind").error("no loss given", expected="a loss such as bce or mse")
    for required in ("--pred", "--target"):
        if options[required] is None:
            raise argument(required, required).error(
                f"loss needs {required}", expected=f"{required} with comma-separated values"
            )
    loss_options = LossOptions(
        options["--delta"],
        options["--from-logits"],
        options["--log2"],
        options["--convention"] == "keras",
        options["--grad"],
        digits,
        exact,
    )
    return parse_loss(
        values[0], options["--pred"], options["--target"], options["--reduction"], loss_options
    )


LAYERS = ("conv", "pool", "batchnorm", "layernorm", "dropout")
"""The hand-computed layers, whose values are grids given by options."""


def _layer_spec(command: str, values: Sequence[str], options: dict[str, Any], digits: int) -> Any:
    from dlcalc.parse.layer_options import conv_spec, pool_spec
    from dlcalc.parse.norm_options import dropout_spec, norm_spec

    if command != "pool" and values:
        raise argument(values[0], command).error(
            f"{command} takes options only, not '{values[0]}'", expected="--input M and options"
        )
    if command == "conv":
        return conv_spec(options, digits)
    if command == "dropout":
        return dropout_spec(options, digits)
    if command != "pool":
        return norm_spec(command, options, digits)
    if len(values) != 1:
        raise argument(" ".join(values), "pool").error(
            "pool takes one kind of pooling", expected="max or avg, then the options"
        )
    return pool_spec(values[0], options, digits)


def split_line(
    command: str, words: Sequence[str]
) -> tuple[list[str], dict[str, str | bool | list[str]]]:
    """A ``.calc`` line's words after the command: its values, and its options by the schema
    (a flag takes no value; every other option the next word)."""
    known = {option.flag: option for option in SCHEMAS[command]}
    values: list[str] = []
    given: dict[str, str | bool | list[str]] = {}
    rest = iter(words)
    for word in rest:
        if not word.startswith("--"):
            values.append(word)
            continue
        option = known.get(word)
        if option is None:
            given[word] = True  # refused by read_options, with the same message as the CLI
        elif option.kind == "flag":
            given[word] = True
        elif option.kind == "texts":
            value = next(rest, None)
            if value is None:
                raise DlcalcError(f"{word} needs a value", text=word, expected=f"{word} VALUE")
            listed = given.setdefault(word, [])
            assert isinstance(listed, list)
            listed.append(value)
        else:
            value = next(rest, None)
            if value is None:
                raise DlcalcError(f"{word} needs a value", text=word, expected=f"{word} VALUE")
            given[word] = value
    return values, given
