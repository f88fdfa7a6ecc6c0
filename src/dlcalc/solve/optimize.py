"""`dlcalc optimize`: given gradients, or a function differentiated once with SymPy and then
evaluated numerically at every step (lambdify), through one optimizer in one or all conventions."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.solve.marking import Worked
from dlcalc.solve.numbers import num
from dlcalc.solve.optimizers import Line, OptimizerStep, Settings, run_steps, settings
from dlcalc.spec.optimizer import CONVENTIONS, USES, OptimizeSpec

FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tanh", "Abs", "pi")
"""The names a function may use besides its parameters."""
EXPECTED = "an expression such as x**2 + 10*y**2: numbers, parameters, + - * / ** ( ) and " + (
    ", ".join(FUNCTIONS)
)

Gradients = Callable[[int, dict[str, float]], list[float]]


class Run(NamedTuple):
    settings: Settings
    steps: tuple[OptimizerStep, ...]
    values: tuple[float, ...]
    """f after each step, when a function is given."""


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
    derivatives: tuple[tuple[str, str], ...]
    """∂f/∂p written symbolically, when a function is given."""
    contour: Contour | None = None


GRID = (48, 120)
"""Rows and columns of the contour grid: a braille dot each (12 × 60 characters)."""
LEVELS = 8


def solve_optimize(spec: OptimizeSpec, mistake: str | None = None) -> OptimizeResult:
    """Every step of the spec's optimizer (or each convention or optimizer compared);
    ``mistake``, one of ``mistakes(spec)``, makes a student's mistake on purpose."""
    start = {name: value.value for name, value in spec.start}
    derivatives: tuple[tuple[str, str], ...] = ()
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
        )._replace(mistake=mistake)
        steps = run_steps(s, start, gradients, spec.steps, spec.digits, spec.schedule)
        if spec.batches is not None:
            steps = _with_batch_means(steps, spec.batches, spec.digits)
        values: tuple[float, ...] = ()
        if function is not None:
            values = tuple(
                function({p.parameter: p.new for p in step.parameters}) for step in steps
            )
        runs.append(Run(s, steps, values))
    contour = None
    if spec.plot and function is not None and len(start) == 2:
        contour = _contour(function, start, runs[0])
    return OptimizeResult(spec, tuple(runs), derivatives, contour)


def _with_batch_means(
    steps: tuple[OptimizerStep, ...],
    batches: tuple[tuple[tuple[float, ...], ...], ...],
    digits: int,
) -> tuple[OptimizerStep, ...]:
    """Each parameter's step opened by the mean of its batch's per-example gradients."""
    result = []
    for step in steps:
        batch = batches[step.t - 1]
        parameters = []
        for j, p in enumerate(step.parameters):
            values = [num(row[j], digits) for row in batch]
            worked = f"(1/{len(batch)})·Σ gᵢ = ({' + '.join(values)})/{len(batch)}"
            mean = Line("g (batch mean)", f"{worked} = {num(p.gradient, digits)}", p.gradient)
            parameters.append(p._replace(lines=(mean, *p.lines)))
        result.append(step._replace(parameters=tuple(parameters)))
    return tuple(result)


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
) -> tuple[Gradients, Callable[[dict[str, float]], float], tuple[tuple[str, str], ...]]:
    import sympy
    from sympy.parsing.sympy_parser import parse_expr, standard_transformations

    from dlcalc.solve.exact import closed_form

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
    if re.search(r"[^\w\s.+\-*/^()]|__|\.\s*[A-Za-z_]", text):
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
    diffs = [sympy.diff(expression, symbols[name]) for name in names]
    order = [symbols[name] for name in names]
    gradient = sympy.lambdify(order, diffs, "math")
    value = sympy.lambdify(order, expression, "math")

    def gradients(t: int, theta: dict[str, float]) -> list[float]:
        try:
            result = [float(g) for g in gradient(*theta.values())]
        except (ValueError, ZeroDivisionError, OverflowError, TypeError) as error:
            raise _undefined(t, theta, str(error)) from None
        if not all(math.isfinite(g) for g in result):
            raise _undefined(t, theta, "it is not finite there")
        return result

    def function(theta: dict[str, float]) -> float:
        try:
            return float(value(*theta.values()))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return math.nan

    written = tuple((f"∂f/∂{name}", closed_form(d)) for name, d in zip(names, diffs))
    return gradients, function, written


def _undefined(t: int, theta: dict[str, float], why: str) -> DlcalcError:
    point = ", ".join(f"{k} = {v:.6g}" for k, v in theta.items())
    return DlcalcError(
        f"the gradient is undefined at step {t} (at {point}): {why}",
        location=Location("<command line>", path="--function"),
        expected="a function that is differentiable along the path",
    )


STATE_KEYS = {
    "θ": "theta",
    "θ (decay)": "theta_decayed",
    "g (L2)": "g_l2",
    "g (batch mean)": "g_mean",
    "g (Nesterov)": "g_nesterov",
    "E[g²]": "Eg2",
    "E[Δ²]": "Edelta2",
    "Δ": "delta",
    "ḡ": "g_bar",
    "m̂": "m_hat",
    "v̂": "v_hat",
    "μ_t": "mu_t",
    "Π": "mu_product",
    "θ + μ·v": "lookahead",
    "η_t": "lr_t",
    "α_t": "alpha_t",
    "momentum buffer": "buf",
}
"""The plain name of each quantity, for JSON and for answers (m, v, G, b, u keep theirs)."""


def state_key(name: str) -> str:
    return STATE_KEYS.get(name, name)


def answer_values(result: OptimizeResult) -> dict[str, Worked]:
    """Every answerable name of an optimizer problem, its value and working (of the first run).

    ``P_t``: parameter P after step t, and ``P`` after the last; ``Q_P_t``: quantity Q of P at
    step t (``m_w_1``, ``v_hat_w_2``, ``G_x_3``); ``f_t``: f after step t, when f is given.
    """
    run = result.runs[0]
    values: dict[str, Worked] = {}
    for index, step in enumerate(run.steps):
        for p in step.parameters:
            last = p.lines[-1].worked if p.lines else num(p.new)
            values[f"{p.parameter}_{step.t}"] = Worked(p.new, last)
            values[p.parameter] = Worked(p.new, last)
            for line in p.lines:
                key = f"{state_key(line.name)}_{p.parameter}_{step.t}"
                values[key] = Worked(line.value, f"{line.name} = {line.worked}")
        if run.values:
            point = ", ".join(num(p.new) for p in step.parameters)
            values[f"f_{step.t}"] = Worked(run.values[index], f"f({point})")
    return values


def mistakes(spec: OptimizeSpec) -> dict[str, str]:
    """The mistakes a wrong answer to this optimizer problem is checked against, by name."""
    optimizer = spec.optimizer
    found: dict[str, str] = {}
    if optimizer in ("adam", "adamw"):
        found["no-bias-correction"] = "the bias correction left out (m̂ = m, v̂ = v)"
        found["t-from-0"] = "the step count t started at 0 in the bias correction"
    keras = spec.convention == "keras"
    if optimizer in ("adagrad", "rmsprop") or (optimizer in ("adam", "adamw") and not keras):
        found["eps-moved"] = f"ε {'outside' if keras else 'inside'} the square root"
    if spec.convention == "course" and (
        optimizer == "momentum" or (optimizer == "sgd" and spec.hyper.get("momentum"))
    ):
        found["momentum-without-1-minus-beta"] = "the (1 − β) left out of the momentum (v ← βv + g)"
    for convention, whose in (("course", "the course's"), ("pytorch", "PyTorch's")):
        if convention != spec.convention:
            found[f"convention:{convention}"] = f"{whose} formulas (--convention {convention})"
    if spec.convention != "keras":
        found["convention:keras"] = "Keras's formulas (--convention keras)"
    return found


def with_mistake(spec: OptimizeSpec, mistake: str) -> tuple[OptimizeSpec, str | None]:
    """The problem and the solver's mistake switch that make ``mistake``."""
    if mistake.startswith("convention:"):
        return spec._replace(convention=mistake.split(":", 1)[1]), None
    return spec, mistake
