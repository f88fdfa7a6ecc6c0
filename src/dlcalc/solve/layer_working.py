"""The trees of the layer rules: each kind of layer's rule in symbols, made once and shared
(``(f·f·c + 1)·k``), and the workings (:class:`Working`) the rules return."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import NamedTuple

from dlcalc.solve.sliding import AxisResult
from dlcalc.steps.expr import Add, Expr, Mul, Num, Sym

AXIS_LABELS = {1: ("L",), 2: ("H", "W"), 3: ("D", "H", "W")}
C, K = Sym("c"), Sym("k")
TWO_C, FOUR_C = 2 * C, 4 * C
DENSE = Sym("n", "in") * Sym("n")
EMBEDDING = Sym("V") * Sym("d")


class Working(NamedTuple):
    """How a number (or a shape) is worked out: its rule in symbols, the rule with the values put
    in (stage by stage), words where it is not (only) arithmetic, and, for a shape, the working
    of each axis or size that makes it."""

    formula: Expr | None = None
    stages: tuple[Expr, ...] = ()
    words: str = ""
    parts: tuple[tuple[str, AxisResult], ...] = ()


_RULES_MADE: dict[Hashable, Expr] = {}


def rule(key: Hashable, make: Callable[[], Expr]) -> Expr:
    """The rule of a kind of layer, made once (``key`` says which: a kernel's rank, with or
    without biases), so that every layer of that kind shares one tree, written once."""
    found = _RULES_MADE.get(key)
    if found is None:
        found = _RULES_MADE[key] = make()
    return found


def words(text: str) -> Working:
    return Working(words=text)


def arithmetic(formula: Expr, stage: Expr) -> Working:
    return Working(formula, (stage,))


def sized(label: str, formula: Expr, stage: Expr, size: int, more: str = "") -> Working:
    """A shape worked out as one size: ``5·5·16 = 400``, ``64 + 64 = 128 on axis −1``."""
    return Working(parts=((label, AxisResult(size, formula, (stage,))),), words=more)


UNCHANGED = words("unchanged")
NO_PARAMETERS = Working()


def kernel_symbols(rank: int) -> tuple[Sym, ...]:
    """f·f (one f per axis of the kernel)."""
    return tuple(Sym("f") for _ in range(rank))


def numbers(values: Sequence[int]) -> tuple[Num, ...]:
    return tuple(Num(v) for v in values)


def per_output(
    key: Hashable, weights_rule: Callable[[], Expr], weights: Expr, k: int, bias: bool
) -> Working:
    """The weights of one output, plus its bias, times the outputs: ``(5·5·1 + 1)·6`` (without
    biases ``5·5·1·6``)."""
    if bias:
        formula = rule((key, True), lambda: (weights_rule() + 1) * K)
        return arithmetic(formula, Mul((Add((weights, Num(1))), Num(k))))
    return arithmetic(rule((key, False), lambda: weights_rule() * K), Mul((weights, Num(k))))


def plus_biases_rule(weights_rule: Expr, bias: bool) -> Expr:
    """The weights, plus one bias per output: ``f·f·c·k/g + k``."""
    return weights_rule + K if bias else weights_rule


def flatten_rule(rank: int, channels_first: bool) -> Expr:
    """H·W·C (C·H·W channels first), or the size itself."""
    if rank == 1:
        return C
    axes = tuple(Sym(name) for name in AXIS_LABELS[rank - 1])
    return Mul((C, *axes)) if channels_first else Mul((*axes, C))


def two(u: int) -> Expr:
    """Two bias vectors of u: 2·u."""
    return Mul((Num(2), Num(u)))


def recurrent_rule(gated: bool, bidirectional: bool, two_biases: bool) -> Expr:
    """[2·][G·](u·(f + u) + [2·]u): the weights and biases of each gate, in each direction."""
    U = Sym("u")
    formula: Expr = U * (Sym("f") + U) + (2 * U if two_biases else U)
    if gated:
        formula = Sym("G") * formula
    return 2 * formula if bidirectional else formula
