"""``dlcalc grad``: a formula as a computation graph. The forward pass computes each node once
(a repeated sub-formula is one node), in evaluation order; the backward pass gives each node
its gradient, ∂f/∂node = Σ over the nodes that use it of ∂f/∂parent · ∂parent/∂node, ending
with ∂f/∂ each input. ``--nudge`` adds the finite differences beside the exact derivative,
``--check`` gradient checking."""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from typing import NamedTuple

from dlcalc.errors import DlcalcError
from dlcalc.solve.graph_rules import local, written
from dlcalc.spec.calculators import Number
from dlcalc.spec.graph import GraphSpec, Node
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Expr, Mul, Num, Sym
from dlcalc.steps.step import Step, step

Ref = str | Number
"""A node's argument: another node or an input by name, or a constant."""
SPARE = "uvwpqrstghkmnz"
"""Names for the unnamed intermediate nodes, in order (the course's u, v, …)."""


class GraphNode(NamedTuple):
    name: str
    op: str
    args: tuple[Ref, ...]
    value: Step


class GraphResult(NamedTuple):
    spec: GraphSpec
    nodes: tuple[GraphNode, ...]
    """The operations in evaluation order, the output last."""
    locals_: tuple[Step, ...]
    """Each local derivative ∂node/∂argument the backward pass uses."""
    gradients: tuple[Step, ...]
    """∂f/∂node for every node from the output back, then ∂f/∂ each input."""
    numeric: tuple[Step, ...]
    check: tuple[Step, ...]
    passed: bool | None
    closed: tuple[Step, ...] = ()
    """``--exact``: ∂f/∂ each input in closed form (SymPy), with its value."""

    @property
    def steps(self) -> list[Step]:
        return [n.value for n in self.nodes] + [
            *self.locals_,
            *self.gradients,
            *self.numeric,
            *self.check,
        ]

    def gradient(self, name: str) -> Step:
        return next(s for s in self.gradients if s.name == f"d{self.spec.output}/d{name}")


def _symbol(ref: Ref) -> Expr:
    return Sym(ref) if isinstance(ref, str) else Num(ref.value, ref.text)


def build(spec: GraphSpec) -> list[tuple[str, str, tuple[Ref, ...]]]:
    """The graph's operations in evaluation order: (name, op, arguments)."""
    given = {node: name for name, node in spec.names}
    taken = {name for name, _ in spec.at} | set(given.values()) | {spec.output}
    spare = (letter for letter in chain(SPARE, (f"n{i}" for i in range(1, 10_000))))
    made: dict[Node, str] = {}
    order: list[tuple[str, str, tuple[Ref, ...]]] = []

    def visit(node: Node, root: bool = False) -> Ref:
        if node.op == "var":
            return node.name
        if node.op == "const":
            assert node.number is not None
            return node.number
        if node in made:
            return made[node]
        args = tuple(visit(a) for a in node.args)
        if root:
            name = spec.output
        elif node in given:
            name = given[node]
        else:
            name = next(n for n in spare if n not in taken)
        made[node] = name
        order.append((name, node.op, args))
        return name

    if visit(spec.tree, root=True) != spec.output:  # the formula is a name or a number
        order.append((spec.output, "=", (visit(spec.tree),)))
    return order


def solve_graph(spec: GraphSpec) -> GraphResult:
    """The graph solved; with --nudge or --check at 40 digits, rounded back: a difference
    quotient cancels most of float64's digits (at ε = 1e−7 it keeps about 9), and so does
    g_num − g, and the promise is 12."""
    if spec.nudge is None or arith.is_precise:
        return _solve(spec)
    from dlcalc.solve.precision import exact_inputs, rounded

    with arith.precise():
        return rounded(_solve(exact_inputs(spec)))


def _solve(spec: GraphSpec) -> GraphResult:
    order = build(spec)
    values: dict[str, float] = {name: arith.real(n.value) for name, n in spec.at}
    nodes = []
    for name, op, args in order:
        numbers = [_value(a, values) for a in args]
        value = _evaluate(op, numbers, name)
        values[name] = value
        shown = written(op, [_symbol(a) for a in args])
        put_in = written(
            op, [Num(v) if isinstance(a, str) else _symbol(a) for a, v in zip(args, numbers)]
        )
        nodes.append(
            GraphNode(name, op, args, step(name, Sym(name), shown, {}, value, stages=[put_in]))
        )
    locals_, gradients = _backward(spec, order, values)
    numeric, check, passed = _differences(spec, order, gradients)
    closed = _closed_forms(spec, gradients) if spec.exact else ()
    return GraphResult(spec, tuple(nodes), locals_, gradients, numeric, check, passed, closed)


def _closed_forms(spec: GraphSpec, gradients: tuple[Step, ...]) -> tuple[Step, ...]:
    """Each input's derivative of the whole formula by SymPy, independently of the graph (the
    kinks' derivatives, Heaviside and sign, are written as SymPy writes them)."""
    from dlcalc.solve.graph_rules import formula_of
    from dlcalc.steps.sympy_bridge import from_sympy, sympy, to_sympy

    sp = sympy()
    formula = to_sympy(formula_of(spec.tree))
    found = []
    by_name = {s.name: s for s in gradients}
    for name, _ in spec.at:
        label = f"d{spec.output}/d{name}"
        derivative = sp.diff(formula, sp.Symbol(name, real=True))
        try:
            tree = from_sympy(derivative)
        except ValueError:  # a function with no tree (Heaviside at a kink): SymPy's own text
            tree = Sym(str(derivative))
        value = by_name[label].value
        found.append(step(f"exact.{label}", Sym(label), tree, {}, value, stages=[], exact=tree))
    return tuple(found)


def _value(ref: Ref, values: dict[str, float]) -> float:
    return values[ref] if isinstance(ref, str) else arith.real(ref.value)


def _evaluate(op: str, numbers: list[float], name: str) -> float:
    from dlcalc.solve.graph_rules import evaluate

    shown = ", ".join(f"{float(v):.6g}" for v in numbers)
    return _defined(
        lambda: evaluate(op, numbers),
        f"the formula cannot be computed at the point: {name} = {op}({shown}) is undefined or "
        "beyond float64",
        "a point inside the formula's domain (no log or √ of a negative, no ÷ 0)",
    )


def _defined(compute: Callable[[], float], message: str, expected: str) -> float:
    """``compute()``, or an error saying ``message`` where it is undefined or not finite."""
    try:
        value = compute()
    except (ValueError, ZeroDivisionError, OverflowError):
        value = None
    if value is None or not arith.isfinite(value):
        raise DlcalcError(message, expected=expected)
    return value


def _backward(
    spec: GraphSpec, order: list[tuple[str, str, tuple[Ref, ...]]], values: dict[str, float]
) -> tuple[tuple[Step, ...], tuple[Step, ...]]:
    """Each local derivative ∂parent/∂child (``dv/du``; the output's own, ``local.dJ/dv``, is
    the gradient itself where the child has no other use), then ∂f/∂ each node from the output
    back and ∂f/∂ each input: the sum over its uses of the parent's gradient times the local."""
    out = spec.output
    uses: dict[str, list[tuple[str, Step]]] = {}
    varies = {name for name, _ in spec.at}  # the nodes that depend on an input
    for name, _, args in order:
        if any(a in varies for a in args if isinstance(a, str)):
            varies.add(name)
    for name, op, args in order:
        numbers = [_value(a, values) for a in args]
        for child in dict.fromkeys(a for a in args if isinstance(a, str) and a in varies):
            places = [i for i, a in enumerate(args) if a == child]
            rules = [local(op, [_symbol(a) for a in args], i) for i in places]
            stages = [local(op, [Num(v) for v in numbers], i) for i in places]
            value = arith.fsum(_local_value(op, numbers, i) for i in places)
            label = f"local.d{name}/d{child}" if name == out else f"d{name}/d{child}"
            edge = step(label, Sym(label), _sum(rules), {}, value, stages=[_sum(stages)])
            uses.setdefault(child, []).append((name, edge))
    grads: dict[str, float] = {out: 1.0}
    gradients: list[Step] = []
    locals_: list[Step] = []
    targets = [name for name, _, _ in reversed(order)][1:] + [name for name, _ in spec.at]
    for name in targets:
        label = f"d{out}/d{name}"
        found = uses.get(name, [])
        if not found:
            gradients.append(
                step(
                    label, Sym(label), None, {}, 0.0, stages=[Num(0)], words="(not in the formula)"
                )
            )
            grads[name] = 0.0
            continue
        if len(found) == 1 and found[0][0] == out:  # ∂f/∂x is the output's own local derivative
            edge = found[0][1]
            grads[name] = edge.number
            gradients.append(edge._replace(name=label, symbol=Sym(label)))
            continue
        locals_ += [e for _, e in found]
        terms = [(Sym(e.name), Num(e.number)) if p == out else
                 (Mul((Sym(f"d{out}/d{p}"), Sym(e.name))), Mul((Num(grads[p]), Num(e.number))))
                 for p, e in found]  # fmt: skip
        grads[name] = arith.fsum(grads[p] * e.number for p, e in found)
        rule, put_in = _sum([t[0] for t in terms]), _sum([t[1] for t in terms])
        gradients.append(step(label, Sym(label), rule, {}, grads[name], stages=[put_in]))
    return tuple(locals_), tuple(gradients)


def _sum(terms: list[Expr]) -> Expr:
    return Add(tuple(terms)) if len(terms) > 1 else terms[0]


def _local_value(op: str, numbers: list[float], index: int) -> float:
    from dlcalc.solve.graph_rules import derivative

    shown = ", ".join(f"{float(v):.6g}" for v in numbers)
    return _defined(
        lambda: derivative(op, numbers, index),
        f"the derivative of {op}({shown}) with respect to its argument {index + 1} is undefined "
        "at the point (such as a negative base to a varying power)",
        "a point where the formula is differentiable",
    )


def _differences(
    spec: GraphSpec, order: list[tuple[str, str, tuple[Ref, ...]]], gradients: tuple[Step, ...]
) -> tuple[tuple[Step, ...], tuple[Step, ...], bool | None]:
    """--nudge: f(x ± ε) and both estimates for each input; --check: the relative difference
    of the two-sided estimates from the gradient."""
    if spec.nudge is None:
        return (), (), None
    from dlcalc.solve.graph_check import differences

    return differences(spec, order, gradients)
