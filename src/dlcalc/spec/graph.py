"""The spec of ``dlcalc grad``: a formula as a tree, the point, and what to add."""

from __future__ import annotations

from typing import NamedTuple

from dlcalc.spec.calculators import Number


class Node(NamedTuple):
    """A node of the formula: ``var`` (an input), ``const``, an operator (``+ - * / ^ neg``) or
    a function (``exp``, ``log``, ``sqrt``, ``tanh``, ``sigmoid``, ``relu``, ``abs``, ``max``,
    ``min``) of its arguments."""

    op: str
    args: tuple[Node, ...] = ()
    name: str = ""
    """An input's name."""
    number: Number | None = None
    """A constant as written."""


class GraphSpec(NamedTuple):
    tree: Node
    output: str
    """The output's name: ``f``, or the name written before ``=`` (``J = 3*(a + b*c)``)."""
    at: tuple[tuple[str, Number], ...]
    """The inputs' values, in the order given."""
    names: tuple[tuple[str, Node], ...] = ()
    """``--name u=b*c``: intermediate nodes' names, each by its definition."""
    nudge: Number | None = None
    check: bool = False
    threshold: float = 1e-7
    digits: int = 6
    exact: bool = False
    """``--exact``: each input's derivative in closed form (SymPy)."""
