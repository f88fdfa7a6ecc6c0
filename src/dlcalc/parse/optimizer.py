"""`dlcalc optimize`: its command-line values, or a problem file, into an :class:`OptimizeSpec`."""

from __future__ import annotations

import re
from collections.abc import Callable

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.answers import ANSWERS_HEADINGS
from dlcalc.parse.calculators import argument, choice
from dlcalc.parse.functions import check_function
from dlcalc.parse.lines import Token, did_you_mean, split_lines
from dlcalc.parse.numbers import not_a_number, number
from dlcalc.parse.source import Source
from dlcalc.parse.values import WHOLE
from dlcalc.spec.calculators import Number
from dlcalc.spec.optimizer import CONVENTIONS, OPTIMIZERS, USES, OptimizeSpec
from dlcalc.spec.schedule import SCHEDULES, ScheduleSpec

OPTIMIZER_ALIASES = {"nag": "nesterov", "gd": "sgd"}
HYPER = (
    "lr",
    "momentum",
    "dampening",
    "beta1",
    "beta2",
    "rho",
    "eps",
    "weight_decay",
    "lr_decay",
    "initial_accumulator",
    "momentum_decay",
)
SWITCHES = ("nesterov", "amsgrad", "centered")
MAX_STEPS = 100_000
MAX_WORK = 800
"""The most parameter updates a run may write out: steps × parameters × runs (--compare makes
three, --compare-optimizers one each). An Adam update is eight lines of working: 800 of them
take 4 s as a Rich table (the slowest format)."""


def optimize_spec(
    optimizer: str | None,
    convention: str,
    hyper: dict[str, str],
    start: str | None,
    texts: dict[str, str | None],
    steps: int | None,
    switches: dict[str, bool],
    compare: bool,
    digits: int,
) -> OptimizeSpec:
    """The spec of the command line's values (each named in messages by its option); ``texts``
    holds ``grads``, ``function``, ``schedule``, ``optimizers`` (--compare-optimizers) and
    ``batch_size``."""
    if optimizer is None:
        if not texts.get("optimizers"):
            raise DlcalcError(
                "no optimizer given",
                location=Location("<command line>"),
                expected="an optimizer (sgd, momentum, adam, ...) or a problem file",
                suggestion='dlcalc optimize adam --grads "0.2,-0.1,0.4" --start w=0.5',
            )
        optimizer = (texts["optimizers"] or "").split(",")[0].strip()
    name = choice(optimizer, OPTIMIZERS, OPTIMIZER_ALIASES, "optimizer")
    values = {
        key: _hyper(key, text, argument(text, f"--{key.replace('_', '-')}"))
        for key, text in hyper.items()
    }
    if start is None:
        raise DlcalcError(
            "no start values",
            location=Location("<command line>"),
            expected="--start w=0.5 or --start x=1,y=1",
        )
    starts = _starts(argument(start, "--start"))
    return _spec(
        name,
        convention,
        values,
        starts,
        texts,
        steps,
        switches,
        compare,
        digits,
        argument,
    )


def _hyper(key: str, text: str, token: Token) -> float:
    value = number(token, key).value
    if key in ("beta1", "beta2", "rho", "momentum", "dampening") and not 0 <= value < 1:
        raise token.error(f"{key} must be in [0, 1), not {text}", expected=f"a {key} such as 0.9")
    if key != "momentum" and value < 0:
        raise token.error(f"{key} must not be negative", expected=f"a {key} ≥ 0")
    if key == "lr" and value == 0:
        raise token.error("the learning rate must be positive", expected="such as 0.01")
    return value


def _starts(token: Token) -> tuple[tuple[str, Number], ...]:
    pairs = []
    for part in re.split(r"[,\s]+", token.text.strip()):
        name, sep, value = part.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise token.error(
                f"a start value is NAME=VALUE, not '{part}'", expected="--start w=0.5 or x=1,y=1"
            )
        not_a_number(token.replaced(name), "a parameter")
        pairs.append((name, number(token.replaced(value), f"the start of {name}")))
    if len({name for name, _ in pairs}) != len(pairs):
        raise token.error("a parameter is given twice", expected="each parameter once")
    return tuple(pairs)


def _gradient(token: Token, text: str) -> float:
    return number(token.replaced(text.strip()), "each gradient").value


def _grads(token: Token, parameters: int) -> tuple[tuple[float, ...], ...]:
    """``0.2,-0.1,0.4`` (one parameter: a step each) or ``0.2,-0.1;0.1,0.3`` (a row per step)."""
    text = token.text.strip()
    if ";" in text or parameters > 1:
        rows = [row for row in text.split(";") if row.strip()]
        grads = tuple(tuple(_gradient(token, v) for v in row.split(",")) for row in rows)
    else:
        grads = tuple((_gradient(token, v),) for v in re.split(r"\s*,\s*|\s+", text))
    for index, row in enumerate(grads, start=1):
        if len(row) != parameters:
            raise token.error(
                f"step {index} gives {len(row)} gradients for {parameters} parameters",
                expected=f"{parameters} values a step, steps separated by ;",
            )
    if not grads:
        raise token.error("no gradients given", expected="such as 0.2,-0.1,0.4")
    return grads


def _switch(token: Token) -> bool:
    """A switch line: the word alone (or yes/true) turns it on, no/false off."""
    text = token.text.lower()
    if text not in ("", "true", "yes", "false", "no"):
        raise token.error(f"a switch is on or off, not '{token.text}'", expected="yes or no")
    return text in ("", "true", "yes")


def _whole(token: Token, what: str) -> int:
    if not WHOLE.fullmatch(token.text):
        raise token.error(f"{what} is a whole number, not '{token.text}'", expected="such as 3")
    return int(token.text)


SCHEDULE_EXAMPLES = (
    "time:decay=0.1, step:every=10,gamma=0.5, exp:rate=0.96,every=1000,staircase or cosine:T=100"
)


def _schedule(token: Token) -> ScheduleSpec:
    """``time:decay=0.1``, ``step:every=10,gamma=0.5``, ``exp:rate=0.96,every=1000[,staircase]``,
    ``cosine:T=100[,min=0.001]``."""
    kind, _, rest = token.text.strip().partition(":")
    if kind not in SCHEDULES:
        raise token.error(
            f"unknown schedule '{kind}'",
            expected=SCHEDULE_EXAMPLES,
            suggestion=did_you_mean(kind, tuple(SCHEDULES)),
        )
    settings: dict[str, float] = {}
    for part in (p.strip() for p in rest.split(",") if p.strip()):
        key, sep, text = part.partition("=")
        if key not in SCHEDULES[kind] or (sep == "") != (key == "staircase"):
            raise token.error(
                f"the {kind} schedule has no setting '{part}'",
                expected=f"{kind}: " + ", ".join(SCHEDULES[kind]),
            )
        settings[key] = 1.0 if key == "staircase" else number(token.replaced(text), key).value
        if key != "staircase" and (settings[key] < 0 or (key != "min" and settings[key] == 0)):
            raise token.error(f"the schedule's {key} must be positive", expected=SCHEDULE_EXAMPLES)
        if kind == "step" and key == "every" and not settings[key].is_integer():
            raise token.error(
                "the step schedule's every is a whole number of steps", expected="every=10"
            )
    needed = {"time": ("decay",), "step": ("every", "gamma"), "exp": ("rate",), "cosine": ("T",)}
    missing = [key for key in needed[kind] if key not in settings]
    if missing:
        raise token.error(
            f"the {kind} schedule needs {', '.join(missing)}", expected=SCHEDULE_EXAMPLES
        )
    return ScheduleSpec(kind, settings)


At = Callable[[str, str], Token]
"""Makes a token of a value, named by its option (or placed at its line in a problem file)."""


def _spec(
    name: str,
    convention: str,
    values: dict[str, float],
    starts: tuple[tuple[str, Number], ...],
    texts: dict[str, str | None],
    steps: int | None,
    switches: dict[str, bool],
    compare: bool,
    digits: int,
    at: At,
) -> OptimizeSpec:
    grads, function, schedule = texts.get("grads"), texts.get("function"), texts.get("schedule")
    names: tuple[str, ...] = (name,)
    if texts.get("optimizers"):
        token = at(texts["optimizers"] or "", "--compare-optimizers")
        listed = [choice(part.strip(), OPTIMIZERS, OPTIMIZER_ALIASES, "optimizer")
                  for part in token.text.split(",") if part.strip()]  # fmt: skip
        names = tuple(dict.fromkeys([name, *listed]))
        if compare:
            raise token.error(
                "--compare and --compare-optimizers cannot be combined",
                expected="the conventions of one optimizer, or several optimizers in one",
            )
    if (grads is None) == (function is None):
        raise DlcalcError(
            "give either the gradients or a function",
            location=Location("<command line>"),
            expected='--grads "0.2,-0.1,0.4" or --function "x**2 + 10*y**2"',
        )
    if function is not None:
        check_function(at(function, "--function"))
    given = [*values, *(key for key in SWITCHES if switches.get(key))]
    for key in given:
        if all(key not in USES[n] for n in names):
            raise at(str(values.get(key, "")), f"--{key.replace('_', '-')}").error(
                f"{name} has no {key}",
                expected=f"{name}'s settings: " + ", ".join(USES[name]),
            )
    only = {"lr_decay": "pytorch", "momentum_decay": "course or pytorch"}
    for key, where in only.items():
        if key in values and convention not in where:
            raise at(str(values[key]), f"--{key.replace('_', '-')}").error(
                f"{key} is a setting of the {where} convention only",
                expected="--schedule for a decaying learning rate"
                if key == "lr_decay"
                else "Keras's Nadam has no momentum_decay (its schedule is 0.96^t)",
            )
    if switches.get("nesterov") and (len(names) > 1 or not values.get("momentum")):
        raise at("", "--nesterov").error(
            "--nesterov needs a momentum, beside sgd alone",
            expected="sgd --momentum 0.9 --nesterov, or the optimizer nesterov",
        )
    if not 1 <= digits <= 17:
        raise at(str(digits), "--digits").error(
            "the digits shown must be from 1 to 17", expected="such as 6"
        )
    rows = _grads(at(grads, "--grads"), len(starts)) if grads is not None else None
    batches = None
    if texts.get("batch_size"):
        token = at(texts["batch_size"] or "", "--batch-size")
        size = _whole(token, "the batch size")
        if rows is None or size == 0 or len(rows) % size:
            raise token.error(
                f"a batch size of {size} needs given gradients, a whole number of batches of them",
                expected="--grads with one row per example, and --batch-size dividing their number",
            )
        batches = tuple(rows[i : i + size] for i in range(0, len(rows), size))
        rows = tuple(tuple(sum(column) / size for column in zip(*batch)) for batch in batches)
    count = steps if steps is not None else (len(rows) if rows else 1)
    if not 1 <= count <= MAX_STEPS:
        raise at(str(count), "--steps").error(
            f"the steps must be from 1 to {MAX_STEPS:,}", expected="such as 3"
        )
    runs = 3 if compare else len(names)
    work = count * len(starts) * runs
    if work > MAX_WORK:
        raise at(str(count), "--steps").error(
            f"{count:,} steps × {len(starts)} parameter(s)"
            + (f" × {runs} runs" if runs > 1 else "")
            + f" make {work:,} updates to write out, more than {MAX_WORK:,}",
            expected="fewer steps",
            suggestion="each update is a dozen lines of working; a few steps show the method",
        )
    if rows is not None and count > len(rows):
        raise at(str(count), "--steps").error(
            f"{count} steps but gradients for {len(rows)}",
            expected=f"at most {len(rows)} steps, or more gradients",
        )
    return OptimizeSpec(
        name,
        convention,
        values,
        starts,
        rows,
        function,
        count,
        nesterov=switches.get("nesterov", False),
        amsgrad=switches.get("amsgrad", False),
        centered=switches.get("centered", False),
        compare=compare,
        digits=digits,
        schedule=_schedule(at(schedule, "--schedule")) if schedule is not None else None,
        plot=switches.get("plot", False),
        optimizers=names if len(names) > 1 else (),
        batches=batches,
    )


def optimize_file(source: Source, digits: int = 6) -> OptimizeSpec:
    """A problem file: ``optimizer adam``, ``lr 0.001``, ``start w=0.5``, ``grads 0.2 -0.1 0.4``
    or ``function x**2 + 10*y**2``, ``steps 3``, ``convention pytorch``."""
    fields: dict[str, Token] = {}
    keys = (
        "optimizer",
        "convention",
        "start",
        "grads",
        "function",
        "steps",
        "schedule",
        "batch_size",
        *HYPER,
        *SWITCHES,
    )
    for line in split_lines(source.text, source.name):
        key = line.head.text.lower()
        if key in ANSWERS_HEADINGS and not line.args:
            break
        if key not in keys:
            raise line.head.error(
                f"unknown line '{line.head.text}'",
                expected="one of " + ", ".join(keys),
                suggestion=did_you_mean(key, keys),
            )
        if key in fields:
            raise line.head.error(f"{key} is given twice", expected=f"one {key} line")
        after = len(line.head.text) + (line.head.location.column or 1) - 1
        value = line.context.split("#", 1)[0][after:]
        rest = value.strip()
        column = after + len(value) - len(value.lstrip()) + 1 if rest else line.location.column
        fields[key] = Token(rest, line.location._replace(column=column), line.context)
    if "optimizer" not in fields:
        raise DlcalcError(
            "the problem has no optimizer line",
            location=Location(source.name),
            expected="optimizer adam",
        )
    if "start" not in fields:
        raise DlcalcError(
            "the problem has no start line", location=Location(source.name), expected="start w=0.5"
        )
    written = fields["optimizer"]
    name = choice(written.text, OPTIMIZERS, OPTIMIZER_ALIASES, "optimizer", written)
    convention = fields["convention"].text.lower() if "convention" in fields else "course"
    if convention not in CONVENTIONS:
        raise fields["convention"].error(
            f"unknown convention '{convention}'", expected="course, pytorch or keras"
        )
    values = {key: _hyper(key, fields[key].text, fields[key]) for key in HYPER if key in fields}
    switches = {key: _switch(fields[key]) for key in SWITCHES if key in fields}
    if "grads" not in fields and "function" not in fields:
        raise DlcalcError(
            "the problem has neither a grads line nor a function line",
            location=Location(source.name),
            expected="grads 0.2 -0.1 0.4, or function x**2 + 10*y**2 with steps 3",
        )
    steps = _whole(fields["steps"], "steps") if "steps" in fields else None
    texts: dict[str, str | None] = {
        key: fields[key].text
        for key in ("grads", "function", "schedule", "batch_size")
        if key in fields
    }

    def at(text: str, what: str) -> Token:
        key = what.lstrip("-").replace("-", "_")
        return fields[key].replaced(text) if key in fields else argument(text, what)

    starts = _starts(fields["start"])
    return _spec(name, convention, values, starts, texts, steps, switches, False, digits, at)
