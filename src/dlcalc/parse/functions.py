"""Limits on a function to minimise (``--function``), checked before SymPy reads it: its size,
its depth, and powers whose value alone would take SymPy forever (``9**9**9`` has 369 million
digits)."""

from __future__ import annotations

import ast

from dlcalc.parse.lines import Token

MAX_LENGTH = 2000
MAX_DEPTH = 60
MAX_EXPONENT = 1000
"""The largest number written as an exponent (x**1000 is fine, 9**10**6 is not)."""


def check_function(token: Token, exact: bool = True) -> None:
    """Refuse a function too long, too deeply nested, or (``exact``: for SymPy, which computes
    powers of numbers exactly) with a tower of powers or an exponent above
    :data:`MAX_EXPONENT`; text that is not Python is left to SymPy's own message."""
    text = token.text
    if len(text) > MAX_LENGTH:
        raise token.error(
            f"the function is {len(text):,} characters long, more than {MAX_LENGTH:,}",
            expected="a function of a few terms, such as x**2 + 10*y**2",
        )
    try:
        tree = ast.parse(text.replace("^", "**"), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        if text.count("(") > MAX_DEPTH:
            raise _too_deep(token) from None
        return
    _check(tree.body, token, 0, exact)


def _check(node: ast.AST, token: Token, depth: int, exact: bool) -> None:
    if depth > MAX_DEPTH:
        raise _too_deep(token)
    if exact and isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        exponent = node.right
        if any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) for n in ast.walk(exponent)):
            raise token.error(
                "the function has a tower of powers (a power in an exponent)",
                expected="exponents that are numbers or simple expressions, such as x**2",
            )
        literal = exponent.operand if isinstance(exponent, ast.UnaryOp) else exponent
        value = literal.value if isinstance(literal, ast.Constant) else 0
        if isinstance(value, int | float) and abs(value) > MAX_EXPONENT:
            raise token.error(
                f"the exponent {value:g} is larger than {MAX_EXPONENT}",
                expected=f"exponents of at most {MAX_EXPONENT}",
            )
    for child in ast.iter_child_nodes(node):
        _check(child, token, depth + 1, exact)


def _too_deep(token: Token) -> Exception:
    return token.error(
        f"the function is nested more than {MAX_DEPTH} levels deep",
        expected="a function of a few terms, such as x**2 + 10*y**2",
    )
