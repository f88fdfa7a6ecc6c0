"""dlcalc from Python: each command as a function that returns a :class:`Result`.

    >>> import dlcalc
    >>> net = dlcalc.shapes("input 32x32x1\\nconv 6 5x5\\nflatten\\ndense 10")
    >>> net.total_params, net.layers[0].output_shape
    (47206, (28, 28, 6))

A ``source`` is a path or the text of a file. Bad input raises :class:`dlcalc.DlcalcError`,
whose message is the one the command line prints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from dlcalc.parse.source import Source, read_source
from dlcalc.render.report import Report
from dlcalc.steps.step import Step

Numbers = Iterable[float | int | str]


class Result:
    """A solved problem: its headline values as attributes (those of the solver's result:
    ``total_params``, ``layers``, ``rows``, ``loss``, …), its working, and its report in every
    format. In Jupyter it displays as a table with the formulas typeset."""

    def __init__(
        self,
        command: str,
        solved: Any,
        report: Callable[[], Report],
        data: Callable[[], dict[str, Any]],
    ) -> None:
        self.command = command
        self.solved = solved
        self._report = report
        self._data = data

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.solved, name)

    @property
    def working(self) -> list[Step]:
        """The named steps of the working, in report order (the solver's ``working``, or its
        ``steps`` where those are the working's steps)."""
        found = getattr(self.solved, "working", None)
        if found is None:
            found = getattr(self.solved, "steps", [])
        return [s for s in found if isinstance(s, Step)]

    def report(self) -> Report:
        """The format-neutral report every printer writes."""
        return self._report()

    def to_dict(self) -> dict[str, Any]:
        """What ``--format json`` prints, as Python data."""
        return self._data()

    def to_json(self) -> str:
        from dlcalc.render.formats import json_text

        return json_text(self._data())

    def to_text(self) -> str:
        from dlcalc.render.formats import render

        return render(self._report(), "plain")

    def to_markdown(self) -> str:
        from dlcalc.render.formats import render

        return render(self._report(), "markdown")

    def to_latex(self, standalone: bool = False) -> str:
        from dlcalc.render.formats import render
        from dlcalc.render.latex import document

        body = render(self._report(), "latex")
        return document(body) if standalone else body

    def _repr_markdown_(self) -> str:
        from dlcalc.render.formats import markdown_with_latex

        return markdown_with_latex(self._report())

    def __repr__(self) -> str:
        return f"<dlcalc {self.command} result: {self._report().title}>"


FILE_SUFFIXES = (".arch", ".json", ".toml", ".net", ".opt", ".calc", ".txt")


def _source(source: str | Path, kind: str | None = None) -> Source:
    """A path, the text of a file, or a library problem's name (of ``kind``): a one-line string
    that names a file, or looks like a path (a known suffix), is read as one (and a missing file
    is said to be missing)."""
    from dlcalc.parse.library import is_library_problem, problem_path

    text = str(source)
    one_line = "\n" not in text
    if kind is not None and one_line and is_library_problem(text, kind):
        return read_source(problem_path(text, kind))
    if isinstance(source, Path) or (
        one_line and (Path(text).is_file() or text.endswith(FILE_SUFFIXES))
    ):
        return read_source(text)
    return Source("<text>", text, "")


def _texts(values: Numbers) -> list[str]:
    return [v if isinstance(v, str) else repr(v) for v in values]


def _joined(values: Numbers | Sequence[Numbers]) -> str:
    """Numbers as the command line takes them: ``0.9,0.2`` or, one row per example,
    ``0.9,0.2;0.5,0.5``."""
    items: list[Any] = list(values)
    if items and not isinstance(items[0], (int, float, str)):
        return ";".join(",".join(_texts(row)) for row in items)
    return ",".join(_texts(items))


def shapes(
    source: str | Path,
    *,
    convention: str | None = None,
    channels_first: bool = False,
    strict: bool = False,
) -> Result:
    """Output shape, parameters, MACs and receptive field of every layer (``dlcalc shapes``)."""
    from dlcalc.parse.architecture import parse_architecture
    from dlcalc.render.shapes import shapes_json, shapes_report
    from dlcalc.solve.shapes import ShapesOptions, solve_shapes

    spec = parse_architecture(_source(source, "architecture"))
    chosen = convention or spec.convention or "keras"
    options = ShapesOptions(
        chosen,  # type: ignore[arg-type]
        strict=strict,
        channels_first=channels_first,
        read_channels_first=channels_first,
    )
    result = solve_shapes(spec, options)
    return Result(
        "shapes",
        result,
        lambda: shapes_report(result, channels_first=channels_first),
        lambda: shapes_json(result),
    )


def activate(
    function: str,
    xs: Numbers,
    *,
    alpha: float | None = None,
    approximate: str = "none",
    convention: str = "pytorch",
    grad_at_zero: float | None = None,
    step_at_zero: float = 1.0,
    exact: bool = False,
    digits: int = 6,
) -> Result:
    """The value and derivative of an activation at each x (``dlcalc activate``)."""
    from dlcalc.parse.calculators import parse_activate
    from dlcalc.render.activations import activate_json, activate_report
    from dlcalc.solve.activations import solve_activate
    from dlcalc.solve.precision import solved
    from dlcalc.spec.calculators import ActivationParams

    params = ActivationParams(
        alpha=alpha,
        approximate=approximate,
        convention="keras2" if convention == "keras2" else "pytorch",
        grad_at_zero=grad_at_zero,
        step_at_zero=step_at_zero,
    )
    spec = parse_activate(function, _texts(xs), None, None, params, exact, digits)
    result = solved(solve_activate, spec, digits)
    return Result(
        "activate",
        result,
        lambda: activate_report(result, digits),
        lambda: activate_json(result, digits),
    )


def softmax(
    z: Numbers,
    *,
    temperature: float = 1,
    target: int | Numbers | None = None,
    jacobian: bool = False,
    exact: bool = False,
    digits: int = 6,
) -> Result:
    """Softmax probabilities, log-softmax, and with a target the cross-entropy and its gradient
    (``dlcalc softmax``); ``target`` is a class (from 0) or a probability vector."""
    from dlcalc.parse.calculators import parse_softmax
    from dlcalc.render.softmax import softmax_json, softmax_report
    from dlcalc.solve.precision import solved
    from dlcalc.solve.softmax import solve_softmax

    wanted = None if target is None else str(target) if isinstance(target, int) else _joined(target)
    spec = parse_softmax(_texts(z), repr(temperature), wanted, jacobian, digits, exact)
    result = solved(solve_softmax, spec, digits)
    return Result(
        "softmax",
        result,
        lambda: softmax_report(result, digits),
        lambda: softmax_json(result, digits),
    )


def loss(
    kind: str,
    pred: Numbers | Sequence[Numbers],
    target: Numbers | Sequence[Numbers],
    *,
    reduction: str | None = None,
    delta: float | None = None,
    from_logits: bool = False,
    log2: bool = False,
    convention: str = "exact",
    grad: bool = False,
    exact: bool = False,
    digits: int = 6,
) -> Result:
    """A loss with every term, the reduction and (``grad``) its gradient (``dlcalc loss``);
    ``pred`` and ``target`` are one example's values, or a list of examples."""
    from dlcalc.parse.calculators import parse_loss
    from dlcalc.render.losses import loss_json, loss_report
    from dlcalc.solve.losses import solve_loss
    from dlcalc.solve.precision import solved
    from dlcalc.spec.calculators import LossOptions

    options = LossOptions(delta, from_logits, log2, convention == "keras", grad, digits, exact)
    spec = parse_loss(kind, _joined(pred), _joined(target), reduction, options)
    result = solved(solve_loss, spec, digits)
    return Result(
        "loss", result, lambda: loss_report(result, spec), lambda: loss_json(result, spec)
    )


def backprop(
    source: str | Path,
    *,
    rate: float | None = None,
    epochs: int | None = None,
    relu_grad_at_zero: float | None = None,
    exact: bool = False,
    digits: int = 6,
) -> Result:
    """Forward pass, loss, every chain-rule term and the updates of a network file
    (``dlcalc backprop``)."""
    from dlcalc.parse.calculators import backprop_overrides
    from dlcalc.parse.network import parse_network
    from dlcalc.render.backprop import backprop_json, backprop_report
    from dlcalc.solve.backprop import solve_backprop
    from dlcalc.solve.precision import solved

    spec = parse_network(_source(source, "network"))
    spec, options = backprop_overrides(
        spec,
        None if rate is None else repr(rate),
        epochs,
        relu_grad_at_zero,
        None,
        digits,
        (),
        exact,
    )
    result = solved(lambda given: solve_backprop(*given), (spec, options), digits, decimals=True)
    return Result(
        "backprop",
        result,
        lambda: backprop_report(result, digits),
        lambda: backprop_json(result, digits),
    )


def optimize(
    optimizer: str,
    *,
    start: Mapping[str, float],
    grads: Sequence[Numbers] | Numbers | None = None,
    function: str | None = None,
    steps: int | None = None,
    convention: str = "course",
    digits: int = 6,
    **hyper: float,
) -> Result:
    """Optimizer steps with every state update (``dlcalc optimize``): ``start`` the parameters'
    values, and either ``grads`` (one gradient per step, a list per step for several
    parameters) or ``function`` (f to minimise); ``hyper``: lr, momentum, beta1, beta2, rho,
    eps, weight_decay."""
    from dlcalc.parse.optimizer import optimize_spec
    from dlcalc.render.optimize import optimize_json, optimize_report
    from dlcalc.solve.optimize import solve_optimize
    from dlcalc.solve.precision import solved

    spec = optimize_spec(
        optimizer,
        convention,
        {key: repr(value) for key, value in hyper.items()},
        ",".join(f"{name}={value!r}" for name, value in start.items()),
        {"grads": None if grads is None else _joined(grads), "function": function},
        steps,
        {},
        False,
        digits,
    )
    result = solved(solve_optimize, spec, spec.digits)
    return Result(
        "optimize", result, lambda: optimize_report(result), lambda: optimize_json(result)
    )


def check(problem: str | Path, answers: Mapping[str, float | int | str] | None = None) -> Result:
    """Mark ``answers`` (name → value as the student wrote it) to a problem: a path, a file's
    text, or a library problem's name (``dlcalc check``). Without answers, the problem's own
    answers section (or its expected one) is marked."""
    from dlcalc.parse.answers import chosen_answers, read_value
    from dlcalc.parse.library import problem_path
    from dlcalc.parse.problem import read_problem
    from dlcalc.render.check import check_json, check_report
    from dlcalc.solve.check import check as mark
    from dlcalc.solve.check import digits_written
    from dlcalc.solve.problems import solve_problem

    text = str(problem)
    named = "\n" not in text and not Path(text).is_file()
    spec = read_problem(read_source(problem_path(text)) if named else _source(problem))
    options = [f"{name}={value}" for name, value in (answers or {}).items()]
    chosen = chosen_answers(spec.sections, spec.source, None, options, False)
    given = tuple((a, read_value(a)) for a in chosen)
    result = mark(solve_problem(spec, digits=digits_written(given)), given)
    return Result("check", result, lambda: check_report(result), lambda: check_json(result))


# re-exported: they build on Result, defined above
from dlcalc.api_layers import batchnorm as batchnorm  # noqa: E402
from dlcalc.api_layers import conv as conv  # noqa: E402
from dlcalc.api_layers import dropout as dropout  # noqa: E402
from dlcalc.api_layers import grad as grad  # noqa: E402
from dlcalc.api_layers import layernorm as layernorm  # noqa: E402
from dlcalc.api_layers import pool as pool  # noqa: E402
