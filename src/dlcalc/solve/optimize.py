"""`dlcalc optimize`: given gradients, or a function differentiated once with SymPy and then
evaluated numerically at every step (lambdify), through one optimizer in one or all conventions."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.solve.marking import Worked
from dlcalc.solve.optimizers import OptimizerStep, run_steps, settings
from dlcalc.solve.updates import CORRECT, Rules, Settings
from dlcalc.spec.optimizer import CONVENTIONS, USES, OptimizeSpec
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Call, Diff, Div, Expr, Num, Sum, Sym
from dlcalc.steps.step import Step, step

FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tanh", "Abs", "pi")
"""The names a function may use besides its parameters."""
EXPECTED = "an expression such as x**2 + 10*y**2: numbers, parameters, + - * / ** ( ) and " + (
    ", ".join(FUNCTIONS)
)

Gradients = Callable[[int, dict[str, float]], list[float]]


class Run(NamedTuple):
    settings: Settings
    steps: tuple[OptimizerStep, ...]
    values: tuple[Step, ...]
    """f after each step (``f_T``), when a function is given."""


class Contour(NamedTuple):
    """f on a grid over the path (the top row first), for a plot of its level curves."""

    box: tuple[float, float, float, float]
    """x_low, x_high, y_low, y_high."""
    grid: tuple[tuple[float, ...], ...]
    levels: tuple[float, ...]
    """f at the path's points: each level curve passes through one of them."""


class OptimizeResult(NamedTuple):
    spec: OptimizeSpec
    runs: tuple[Run, ...]
    derivatives: tuple[tuple[Expr, Expr], ...]
    """∂f/∂p and its formula, when a function is given."""
    contour: Contour | None = None
    objective: Callable[[dict[str, float]], float] | None = None
    """f itself, when it is given (for a picture of its level curves)."""

    @property
    def working(self) -> list[Step]:
        """The first run's steps (those ``check`` marks), in report order."""
        return run_working(self.runs[0])


GRID = (48, 120)
"""Rows and columns of the contour grid: a braille dot each (12 × 60 characters)."""
LEVELS = 8


def solve_optimize(spec: OptimizeSpec, rules: Rules = CORRECT) -> OptimizeResult:
    """Every step of the spec's optimizer (or each convention or optimizer compared), under
    the ``rules`` (a student's mistake made on purpose: :mod:`dlcalc.solve.optimizer_mistakes`)."""
    start = {name: value.value for name, value in spec.start}
    derivatives: tuple[tuple[Expr, Expr], ...] = ()
    function: Callable[[dict[str, float]], float] | None = None
    if spec.function is not None:
        gradients, function, derivatives = _from_function(spec)
    else:
        rows = spec.grads or ()

        def gradients(t: int, theta: dict[str, float]) -> list[float]:
            return list(rows[t - 1])

    if spec.optimizers:
        pairs = [(optimizer, spec.convention) for optimizer in spec.optimizers]
    else:
        conventions = CONVENTIONS if spec.compare else (spec.convention,)
        pairs = [(spec.optimizer, convention) for convention in conventions]
    runs = []
    for optimizer, convention in pairs:
        takes = USES[optimizer]
        if spec.optimizers and optimizer == "sgd":  # beside momentum, sgd means the plain one
            takes = ("lr", "weight_decay")
        s = settings(
            optimizer,
            convention,
            {key: value for key, value in spec.hyper.items() if key in takes},
            spec.nesterov and "nesterov" in takes,
            spec.amsgrad and "amsgrad" in takes,
            spec.centered and "centered" in takes,
        )._replace(rules=rules)
        steps = run_steps(s, start, gradients, spec.steps, spec.schedule)
        if spec.batches is not None:
            steps = _with_batch_means(steps, spec.batches)
        values = () if function is None else tuple(_value_of_f(function, s) for s in steps)
        runs.append(Run(s, steps, values))
    contour = None
    if spec.plot and function is not None and len(start) == 2:
        contour = _contour(function, start, runs[0])
    return OptimizeResult(spec, tuple(runs), derivatives, contour, function)


def _with_batch_means(
    steps: tuple[OptimizerStep, ...], batches: tuple[tuple[tuple[float, ...], ...], ...]
) -> tuple[OptimizerStep, ...]:
    """Each parameter's step opened by the mean of its batch's per-example gradients."""
    result = []
    for step_t in steps:
        batch = batches[step_t.t - 1]
        parameters = []
        for j, p in enumerate(step_t.parameters):
            size = Num(len(batch))
            put_in = Div(Add(tuple(Num(row[j]) for row in batch)), size)
            mean = step(
                f"g_mean_{p.parameter}_{step_t.t}",
                Sym("g"),
                Sum("i", Sym("g", "i")) / Sym("n"),
                {},
                p.gradient,
                stages=(put_in,),
            )
            parameters.append(p._replace(steps=(mean, *p.steps), keys=("g_mean", *p.keys)))
        result.append(step_t._replace(parameters=tuple(parameters)))
    return tuple(result)


def _value_of_f(function: Callable[[dict[str, float]], float], at: OptimizerStep) -> Step:
    """f after step t (``f_T``), at the parameters' new values."""
    names = tuple(Sym(p.parameter) for p in at.parameters)
    point = tuple(Num(p.new) for p in at.parameters)
    value = function({p.parameter: p.new for p in at.parameters})
    return step(f"f_{at.t}", Sym("f"), Call("f", names), {}, value, stages=(Call("f", point),))


def _contour(f: Callable[[dict[str, float]], float], start: dict[str, float], run: Run) -> Contour:
    x_name, y_name = start
    points = [(start[x_name], start[y_name])]
    points += [(step.parameters[0].new, step.parameters[1].new) for step in run.steps]
    box = (
        *_span([x for x, _ in points]),
        *_span([y for _, y in points]),
    )
    rows, columns = GRID
    x_low, x_high, y_low, y_high = box
    grid = tuple(
        tuple(
            f(
                {
                    x_name: x_low + (x_high - x_low) * c / (columns - 1),
                    y_name: y_high - (y_high - y_low) * r / (rows - 1),
                }
            )
            for c in range(columns)
        )
        for r in range(rows)
    )
    values = sorted({f({x_name: x, y_name: y}) for x, y in points})
    chosen = values[:: max(1, len(values) // LEVELS)][:LEVELS]
    return Contour(box, grid, tuple(chosen))


def _span(values: list[float]) -> tuple[float, float]:
    """The range of the values with a tenth on each side (or ±1 around a single value)."""
    low, high = min(values), max(values)
    margin = (high - low) / 10 or max(1.0, abs(low))
    return low - margin, high + margin


def _from_function(
    spec: OptimizeSpec,
) -> tuple[Gradients, Callable[[dict[str, float]], float], tuple[tuple[Expr, Expr], ...]]:
    import sympy
    from sympy.parsing.sympy_parser import parse_expr, standard_transformations

    names = [name for name, _ in spec.start]
    clashes = [name for name in names if name in FUNCTIONS]
    if clashes:
        raise DlcalcError(
            f"a parameter cannot be called {clashes[0]}: that is a function's name",
            location=Location("<command line>", path="--start"),
            expected="another name, such as w or x1",
        )
    symbols = {name: sympy.Symbol(name, real=True) for name in names}
    allowed: dict[str, Any] = dict(symbols)
    allowed.update({k: getattr(sympy, k) for k in FUNCTIONS})
    text = spec.function or ""
    where = Location("<command line>", path="--function")
    # Only known names reach SymPy's parser (which evaluates Python): a problem file can hold
    # a function, and it must not run anything but arithmetic.
    if re.search(r"[^\w\s.+\-*/^()]|__|//|\.\s*[A-Za-z_]", text, re.ASCII):
        raise DlcalcError(
            f"cannot read the function '{text}'",
            location=where,
            expected=EXPECTED,
        )
    unknown = sorted(set(re.findall(r"(?<![\w.])[A-Za-z_]\w*", text)) - set(allowed))
    if unknown:
        raise DlcalcError(
            f"the function uses {', '.join(unknown)}, which is neither a parameter with a start "
            "value nor a known function",
            location=where,
            expected=f"--start with a value for {', '.join(unknown)}, or one of "
            + ", ".join(FUNCTIONS),
        )
    try:
        expression = parse_expr(
            text.replace("^", "**"),
            local_dict=allowed,
            global_dict={
                "Integer": sympy.Integer,
                "Float": sympy.Float,
                "Rational": sympy.Rational,
                "Symbol": sympy.Symbol,
            },
            transformations=standard_transformations,
        )
    except Exception:  # SymPy raises many kinds of errors for text it cannot read
        raise DlcalcError(
            f"cannot read the function '{text}'",
            location=where,
            expected=EXPECTED,
        ) from None
    if not isinstance(expression, sympy.Expr):  # `exp` alone: a function, not a value
        raise DlcalcError(
            f"'{text}' is not an expression of the parameters", location=where, expected=EXPECTED
        )
    diffs = [sympy.diff(expression, symbols[name]) for name in names]
    order = [symbols[name] for name in names]
    module = "mpmath" if arith.is_precise else "math"
    gradient = sympy.lambdify(order, diffs, module)
    value = sympy.lambdify(order, expression, module)

    def gradients(t: int, theta: dict[str, float]) -> list[float]:
        try:
            result = [arith.real(g) for g in gradient(*theta.values())]
        except (ValueError, ZeroDivisionError, OverflowError, TypeError) as error:
            raise _undefined(t, theta, str(error)) from None
        if not all(arith.isfinite(g) for g in result):
            raise _undefined(t, theta, "it is not finite there")
        return result

    def function(theta: dict[str, float]) -> float:
        try:
            return arith.real(value(*theta.values()))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return math.nan

    written = tuple(
        (Diff(Sym("f"), Sym(name)), _tree(d, sympy.sstr)) for name, d in zip(names, diffs)
    )
    return gradients, function, written


def _tree(expression: Any, text: Callable[[Any], str]) -> Expr:
    """A derivative as a tree (SymPy's own text, for a function dlcalc has no tree for)."""
    from dlcalc.steps.sympy_bridge import from_sympy

    try:
        return from_sympy(expression)
    except ValueError:
        return Sym(text(expression))


def _undefined(t: int, theta: dict[str, float], why: str) -> DlcalcError:
    point = ", ".join(f"{k} = {v:.6g}" for k, v in theta.items())
    return DlcalcError(
        f"the gradient is undefined at step {t} (at {point}): {why}",
        location=Location("<command line>", path="--function"),
        expected="a function that is differentiable along the path",
    )


def answer_values(result: OptimizeResult) -> dict[str, Worked]:
    """Every answerable name of an optimizer problem, its value and working (of the first run).

    ``P_t``: parameter P after step t (also ``theta_P_t``), and ``P`` after the last;
    ``Q_P_t``: quantity Q of P at step t (``m_w_1``, ``v_hat_w_2``, ``G_x_3``); ``lr_t``: a
    scheduled learning rate; ``f_t``: f after step t, when f is given.
    """
    run = result.runs[0]
    values: dict[str, Worked] = {}
    for s in run_working(run):
        values[s.name] = Worked(s.value, s)  # type: ignore[arg-type]
    for at in run.steps:
        for p in at.parameters:
            last = p.steps[p.keys.index("theta")]
            values[f"theta_{p.parameter}_{at.t}"] = Worked(p.new, last)
            values[p.parameter] = Worked(p.new, last)
    return values


def run_working(run: Run) -> list[Step]:
    """A run's steps in the order the report shows them."""
    shown: list[Step] = []
    for index, at in enumerate(run.steps):
        if at.schedule is not None:
            shown.append(at.schedule)
        for p in at.parameters:
            shown += p.steps
        if run.values:
            shown.append(run.values[index])
    return shown
