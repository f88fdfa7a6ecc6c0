"""The hand-computed layers and computation graphs from Python (``dlcalc.conv``, ``pool``,
``batchnorm``, ``layernorm``, ``dropout``, ``grad``): each builds the options its command takes,
read by the same schema, solved and returned as a :class:`~dlcalc.api.Result`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # dlcalc.api imports this module at its end
    from dlcalc.api import Numbers, Result
    from dlcalc.render.report import Report


def _joined(values: Any) -> str:
    from dlcalc.api import _joined as joined

    return joined(values)


def by_schema(
    command: str,
    values: Sequence[str],
    given: Mapping[str, Any],
    digits: int,
    solve: Callable[[Any], Any],
    report: Callable[[Any, int], Report],
    data: Callable[[Any, int], dict[str, Any]],
    exact: bool = False,
) -> Result:
    """``command`` with its values and options (read by its schema, as from the command line
    or a ``.calc`` file), solved (at 40 digits past float64's promise), as a Result."""
    from dlcalc.api import Result
    from dlcalc.parse.calculator_options import calculator_spec
    from dlcalc.solve.precision import solved

    spec = calculator_spec(command, values, given, digits=digits, exact=exact)
    result = solved(solve, spec, digits)
    return Result(command, result, lambda: report(result, digits), lambda: data(result, digits))


GridLike = Any
"""A matrix or volume: dlcalc's notation (``"1 0; 0 1"``, ``"1 2 | 3 4"``), or nested lists
(a NumPy array too), a volume channels first."""


def _grid_text(value: GridLike) -> str:
    if isinstance(value, str):
        return value
    if hasattr(value, "tolist"):
        value = value.tolist()
    return repr(value)


def _axes(value: int | str | Sequence[int]) -> str:
    """``2`` or ``(2, 3)`` as the command line writes it (``2,3``); words as they are."""
    if isinstance(value, (int, str)):
        return str(value)
    return ",".join(str(v) for v in value)


def conv(
    input: GridLike,
    kernel: GridLike | None = None,
    *,
    kernels: Sequence[GridLike] = (),
    bias: Numbers | None = None,
    stride: int | Sequence[int] = 1,
    padding: int | str | Sequence[int] = 0,
    dilation: int | Sequence[int] = 1,
    activation: str | None = None,
    flip: bool = False,
    one_d: bool = False,
    grad: GridLike | None = None,
    depthwise: bool = False,
    pointwise: Sequence[Numbers] = (),
    transpose: bool = False,
    output_padding: int | Sequence[int] = 0,
    digits: int = 6,
) -> Result:
    """A convolution by hand, each output cell written out (``dlcalc conv``): one ``kernel``,
    or several ``kernels`` (one output channel each); ``grad`` adds the backward pass;
    ``depthwise`` (with ``pointwise`` rows: separable) and ``transpose`` as the options."""
    from dlcalc.render.grids import conv_json, conv_report
    from dlcalc.solve.conv import solve_conv

    given = {
        "--input": _grid_text(input),
        "--kernel": [
            _grid_text(k) for k in ([kernel] if kernel is not None else []) + list(kernels)
        ],
        "--bias": None if bias is None else _joined(bias),
        "--stride": _axes(stride),
        "--padding": _axes(padding),
        "--dilation": _axes(dilation),
        "--activation": activation,
        "--flip": flip,
        "--1d": one_d,
        "--grad": None if grad is None else _grid_text(grad),
        "--depthwise": depthwise,
        "--pointwise": [_joined(row) for row in pointwise],
        "--transpose": transpose,
        "--output-padding": _axes(output_padding),
    }
    return by_schema("conv", [], given, digits, solve_conv, conv_report, conv_json)


def pool(
    kind: str,
    input: GridLike,
    *,
    size: int | Sequence[int] = 2,
    stride: int | Sequence[int] | None = None,
    padding: int | str | Sequence[int] = 0,
    dilation: int | Sequence[int] = 1,
    ceil: bool = False,
    count_include_pad: bool = True,
    global_: bool = False,
    grad: GridLike | None = None,
    digits: int = 6,
) -> Result:
    """Max or average pooling by hand (``dlcalc pool``); ``grad`` adds the backward pass."""
    from dlcalc.render.grids import pool_json, pool_report
    from dlcalc.solve.pool import solve_pool

    given = {
        "--input": _grid_text(input),
        "--size": _axes(size),
        "--stride": None if stride is None else _axes(stride),
        "--padding": _axes(padding),
        "--dilation": _axes(dilation),
        "--ceil": ceil,
        "--count-include-pad": "true" if count_include_pad else "false",
        "--global": global_,
        "--grad": None if grad is None else _grid_text(grad),
    }
    return by_schema("pool", [kind], given, digits, solve_pool, pool_report, pool_json)


def _listed(values: float | Numbers | None) -> str | None:
    """One value for all, or one per feature, as the command line writes them."""
    if values is None or isinstance(values, (int, float, str)):
        return None if values is None else str(values)
    return _joined(values)


def batchnorm(
    input: GridLike,
    *,
    gamma: float | Numbers | None = None,
    beta: float | Numbers | None = None,
    eps: float | None = None,
    convention: str = "pytorch",
    momentum: float | None = None,
    running_mean: float | Numbers | None = None,
    running_var: float | Numbers | None = None,
    eval: bool = False,
    grad: GridLike | None = None,
    digits: int = 6,
) -> Result:
    """Batch normalisation by hand (``dlcalc batchnorm``): rows are examples, columns features."""
    given = {
        **_norm_options(input, gamma, beta, eps, convention, grad),
        "--momentum": None if momentum is None else repr(momentum),
        "--running-mean": _listed(running_mean),
        "--running-var": _listed(running_var),
        "--eval": eval,
    }
    return _normalised("batchnorm", given, digits)


def layernorm(
    input: GridLike,
    *,
    gamma: float | Numbers | None = None,
    beta: float | Numbers | None = None,
    eps: float | None = None,
    convention: str = "pytorch",
    grad: GridLike | None = None,
    digits: int = 6,
) -> Result:
    """Layer normalisation by hand (``dlcalc layernorm``): each row normalised over its values."""
    return _normalised(
        "layernorm", _norm_options(input, gamma, beta, eps, convention, grad), digits
    )


def _norm_options(
    input: GridLike,
    gamma: float | Numbers | None,
    beta: float | Numbers | None,
    eps: float | None,
    convention: str,
    grad: GridLike | None,
) -> dict[str, Any]:
    """The options batch and layer normalisation share, as the command line writes them."""
    return {
        "--input": _grid_text(input),
        "--gamma": _listed(gamma),
        "--beta": _listed(beta),
        "--eps": None if eps is None else repr(eps),
        "--convention": convention,
        "--grad": None if grad is None else _grid_text(grad),
    }


def _normalised(command: str, given: Mapping[str, Any], digits: int) -> Result:
    from dlcalc.render.norms import norm_json, norm_report
    from dlcalc.solve.norm import solve_norm

    return by_schema(command, [], given, digits, solve_norm, norm_report, norm_json)


def dropout(
    input: GridLike,
    rate: float,
    *,
    mask: GridLike | None = None,
    seed: int | None = None,
    scale: bool = True,
    eval: bool = False,
    digits: int = 6,
) -> Result:
    """Dropout by hand (``dlcalc dropout``): inverted unless ``scale`` is False."""
    from dlcalc.render.norms import dropout_json, dropout_report
    from dlcalc.solve.dropout import solve_dropout

    given = {
        "--input": _grid_text(input),
        "--rate": repr(rate),
        "--mask": None if mask is None else _grid_text(mask),
        "--seed": None if seed is None else str(seed),
        "--no-scale": not scale,
        "--eval": eval,
    }
    return by_schema("dropout", [], given, digits, solve_dropout, dropout_report, dropout_json)


def grad(
    formula: str,
    at: Mapping[str, float | str],
    *,
    names: Mapping[str, str] | None = None,
    nudge: float | None = None,
    check: bool = False,
    threshold: float | None = None,
    exact: bool = False,
    digits: int = 6,
) -> Result:
    """A formula as a computation graph, forward and backward (``dlcalc grad``): ``at`` the
    inputs' values, ``names`` intermediate nodes' names (``{"u": "b*c"}``), ``nudge`` and
    ``check`` the finite differences and gradient checking."""
    from dlcalc.render.graph import graph_json, graph_report
    from dlcalc.solve.graph import solve_graph

    given = {
        "--at": ",".join(f"{name}={value}" for name, value in at.items()),
        "--name": [f"{name}={definition}" for name, definition in (names or {}).items()],
        "--nudge": None if nudge is None else repr(nudge),
        "--check": check,
        "--threshold": None if threshold is None else repr(threshold),
    }
    return by_schema(
        "grad", [formula], given, digits, solve_graph, graph_report, graph_json, exact=exact
    )
