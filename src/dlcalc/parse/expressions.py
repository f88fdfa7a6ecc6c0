"""``{...}`` substitutions in block bodies: a parameter's text, or a whole-number expression."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable

from dlcalc.parse.lines import Line, Token
from dlcalc.parse.values import MAX_VALUE

_BRACES = re.compile(r"\{([^{}]*)\}")
_OPERATORS: dict[type, Callable[[int, int], int]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}


def substitute(line: Line, values: dict[str, Token]) -> Line:
    """The line with every ``{...}`` in its words replaced."""

    def fill(token: Token) -> Token:
        if "{" not in token.text:
            return token
        return token.replaced(
            _BRACES.sub(lambda m: _evaluate(m.group(1), token, values), token.text)
        )

    return Line(
        fill(line.head),
        tuple(fill(arg) for arg in line.args),
        tuple((key, fill(value)) for key, value in line.options),
        line.location,
        line.context,
    )


def _evaluate(expression: str, token: Token, values: dict[str, Token]) -> str:
    name = expression.strip()
    if name in values:
        return values[name].text
    try:
        tree = ast.parse(name, mode="eval")
        return str(_value(tree.body, values, token))
    except (SyntaxError, RecursionError, MemoryError):
        raise token.error(
            f"cannot read the expression {{{expression[:40]}}}",
            expected="a parameter name or whole-number arithmetic such as {4*width}",
        ) from None


def _value(node: ast.expr, values: dict[str, Token], token: Token) -> int:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise token.error(
                f"'{node.id}' is not a parameter of this block",
                expected="one of " + ", ".join(values)
                if values
                else "no names: this block has none",
            )
        text = values[node.id].text
        if not re.fullmatch(r"-?[0-9]{1,18}", text):
            raise token.error(
                f"'{node.id}' is {text}, not a whole number, so it cannot be used in arithmetic"
            )
        return int(text)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_value(node.operand, values, token)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left = _value(node.left, values, token)
        right = _value(node.right, values, token)
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and right == 0:
            raise token.error("division by zero in an expression")
        result = _OPERATORS[type(node.op)](left, right)
        if abs(result) > MAX_VALUE:
            raise token.error(
                f"the expression gives {result:.3g}, more than {MAX_VALUE:,}",
                expected="a size, count or number of units",
            )
        return result
    raise token.error(
        "only whole numbers, parameter names, + - * // % and parentheses may be used here",
        expected="an expression such as {4*width} or {width//2}",
    )
