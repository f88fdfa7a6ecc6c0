"""dlcalc: a calculator and exam-problem solver for deep learning.

The commands are functions here (``dlcalc.shapes``, ``dlcalc.activate``, ``dlcalc.softmax``,
``dlcalc.loss``, ``dlcalc.conv``, ``dlcalc.pool``, ``dlcalc.batchnorm``, ``dlcalc.layernorm``,
``dlcalc.dropout``, ``dlcalc.grad``, ``dlcalc.backprop``, ``dlcalc.optimize``, ``dlcalc.check``),
each returning a
:class:`dlcalc.api.Result`; see :mod:`dlcalc.api`. They are imported on first use, so that the
command line starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from dlcalc.api import Result as Result
    from dlcalc.api import activate as activate
    from dlcalc.api import backprop as backprop
    from dlcalc.api import batchnorm as batchnorm
    from dlcalc.api import check as check
    from dlcalc.api import conv as conv
    from dlcalc.api import dropout as dropout
    from dlcalc.api import grad as grad
    from dlcalc.api import layernorm as layernorm
    from dlcalc.api import loss as loss
    from dlcalc.api import optimize as optimize
    from dlcalc.api import pool as pool
    from dlcalc.api import shapes as shapes
    from dlcalc.api import softmax as softmax
    from dlcalc.errors import DlcalcError as DlcalcError

_API = frozenset(
    {
        "DlcalcError",
        "Result",
        "activate",
        "backprop",
        "batchnorm",
        "check",
        "conv",
        "dropout",
        "grad",
        "layernorm",
        "loss",
        "optimize",
        "pool",
        "shapes",
        "softmax",
    }
)
__all__ = ["__version__", *sorted(_API)]


def __getattr__(name: str) -> Any:
    if name == "DlcalcError":
        from dlcalc.errors import DlcalcError

        return DlcalcError
    if name in _API:
        from dlcalc import api

        return getattr(api, name)
    raise AttributeError(f"module 'dlcalc' has no attribute {name!r}")
