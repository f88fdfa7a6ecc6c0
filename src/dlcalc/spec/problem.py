"""A problem file of any kind, as read: what kind it is, its spec, its answers sections."""

from __future__ import annotations

from typing import Any, NamedTuple

from dlcalc.spec.answers import Answer

KINDS = {
    ".arch": "architecture",
    ".json": "architecture",
    ".toml": "architecture",
    ".net": "network",
    ".opt": "optimizer",
    ".calc": "calculator",
}
"""A problem's kind by its file's suffix."""


class ProblemSpec(NamedTuple):
    source: str
    kind: str
    """architecture, network, optimizer or calculator."""
    spec: Any
    """ArchitectureSpec, NetworkSpec, OptimizeSpec or CalculatorSpec, by kind."""
    sections: dict[str, tuple[Answer, ...]]
    """``expected``, ``answers``, ``notes``: each section's answers."""
    statement: str
    """The comment block at the top: the problem as set."""
