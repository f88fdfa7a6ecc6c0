"""``dlcalc grad``'s formula, read with Python's parser (never evaluated) into a tree of
:class:`~dlcalc.spec.graph.Node`: the operators, numbers, the inputs named by ``--at`` and the
functions a course uses; anything else is refused with its position."""

from __future__ import annotations

import ast

from dlcalc.parse.calculators import argument
from dlcalc.parse.functions import check_function
from dlcalc.parse.lines import Token, did_you_mean
from dlcalc.parse.numbers import not_a_number, number
from dlcalc.spec.calculators import Number
from dlcalc.spec.graph import GraphSpec, Node

FUNCTIONS = {
    "exp": 1, "log": 1, "ln": 1, "sqrt": 1, "tanh": 1, "sigmoid": 1, "relu": 1, "abs": 1,
    "max": 2, "min": 2,
}  # fmt: skip
"""The functions a formula may use, with their number of arguments."""
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "^"}
EXPECTED = "a formula of the --at names, such as 3*(a + b*c) or 1/(1 + exp(-(w*x + b)))"


def parse_formula(text: str, where: str, inputs: tuple[str, ...]) -> Node:
    """The formula ``text`` (given as ``where``) as a tree over ``inputs``."""
    token = argument(text.replace("^", "**").strip(), where)
    check_function(token, exact=False)  # floats: a tower of powers overflows, it never hangs
    try:
        tree = ast.parse(token.text, mode="eval")
    except (SyntaxError, ValueError):
        raise token.error("cannot read the formula", expected=EXPECTED) from None
    return _node(tree.body, token, inputs)


def _node(node: ast.expr, token: Token, inputs: tuple[str, ...]) -> Node:
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        op = OPERATORS[type(node.op)]
        return Node(op, (_node(node.left, token, inputs), _node(node.right, token, inputs)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _node(node.operand, token, inputs)
        if isinstance(node.op, ast.UAdd):
            return inner
        if inner.op == "const" and inner.number is not None:  # −1 is a number, not an operation
            text = inner.number.text
            return Node(
                "const",
                number=number(token.replaced(text[1:] if text.startswith("-") else f"-{text}")),
            )
        return Node("neg", (inner,))
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        written = ast.get_source_segment(token.text, node) or repr(node.value)
        return Node("const", number=number(token.replaced(written), "a number in the formula"))
    if isinstance(node, ast.Name):
        if node.id not in inputs:
            raise token.replaced(node.id).error(
                f"'{node.id}' has no value",
                expected="every name of the formula in --at (a=5,b=3)",
                suggestion=did_you_mean(node.id, list(inputs)),
            )
        return Node("var", name=node.id)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = "log" if node.func.id == "ln" else node.func.id
        if node.func.id not in FUNCTIONS:
            raise token.replaced(node.func.id).error(
                f"unknown function '{node.func.id}'",
                expected="one of " + ", ".join(FUNCTIONS),
                suggestion=did_you_mean(node.func.id, list(FUNCTIONS)),
            )
        if len(node.args) != FUNCTIONS[node.func.id] or node.keywords:
            raise token.replaced(node.func.id).error(
                f"{node.func.id} takes {FUNCTIONS[node.func.id]} argument(s)", expected=EXPECTED
            )
        return Node(name, tuple(_node(a, token, inputs) for a in node.args))
    shown = ast.get_source_segment(token.text, node) or token.text
    raise token.replaced(shown).error("cannot read this part of the formula", expected=EXPECTED)


def _point(text: str) -> tuple[tuple[str, Number], ...]:
    """``a=5,b=3``: each input's value, in the order written."""
    token = argument(text, "--at")
    found: list[tuple[str, Number]] = []
    for part in text.split(","):
        name, equals, value = part.partition("=")
        name = name.strip()
        if not equals or not name.isidentifier() or not name.isascii():
            raise token.replaced(part.strip()).error(
                "each input must be NAME=VALUE", expected="such as a=5,b=3,c=2"
            )
        if name in dict(found):
            raise token.replaced(name).error(f"{name} is given twice", expected="each input once")
        not_a_number(token.replaced(name), "an input")
        found.append((name, number(token.replaced(value.strip()), f"the value of {name}")))
    return tuple(found)


def graph_spec(
    formula: str,
    at: str | None,
    names: list[str],
    nudge: str | None,
    check: bool,
    threshold: str | None,
    digits: int = 6,
    exact: bool = False,
) -> GraphSpec:
    if not at:
        raise argument("", "--at").error("grad needs --at", expected="the point, such as a=5,b=3")
    point = _point(at)
    inputs = tuple(name for name, _ in point)
    output, equals, body = formula.partition("=")
    if equals and output.strip().isidentifier() and not body.startswith("="):
        name, text = output.strip(), body
    else:
        name, text = "f", formula
    if name in inputs:
        raise argument(formula, "EXPR").error(
            f"the output's name {name} is also an input", expected="another name, such as J"
        )
    tree = parse_formula(text, "EXPR", inputs)
    named: list[tuple[str, Node]] = []
    for given in names:
        label, equals, definition = given.partition("=")
        label = label.strip()
        if not equals or not label.isidentifier() or label in inputs or label == name:
            raise argument(given, "--name").error(
                "each --name must be NEW=FORMULA, a name not already used",
                expected="such as u=b*c",
            )
        earlier = dict(named)
        node = _expanded(parse_formula(definition, "--name", inputs + tuple(earlier)), earlier)
        named.append((label, node))
    epsilon = None
    if nudge is not None or check:
        epsilon = number(argument(nudge or ("1e-7" if check else "0.001"), "--nudge"), "--nudge")
        if epsilon.value <= 0:
            raise argument(nudge or "", "--nudge").error(
                "--nudge must be positive", expected="a small step such as 0.001"
            )
    limit = 1e-7
    if threshold is not None:
        limit = number(argument(threshold, "--threshold"), "--threshold").value
    return GraphSpec(tree, name, point, tuple(named), epsilon, check, limit, digits, exact)


def _expanded(node: Node, names: dict[str, Node]) -> Node:
    """A definition with the earlier names replaced by their own definitions."""
    if node.op == "var" and node.name in names:
        return names[node.name]
    return node._replace(args=tuple(_expanded(a, names) for a in node.args))
