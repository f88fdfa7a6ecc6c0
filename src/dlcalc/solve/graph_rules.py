"""Each operation of ``dlcalc grad``, defined once: its value, its local derivatives, and both
as formulas to write out. Kinks take the conventions of the frameworks' autograd: ReLU′(0) = 0,
|x|′(0) = 0, max and min pass the gradient to their first argument on a tie."""

from __future__ import annotations

from dlcalc.spec.graph import Node
from dlcalc.steps import arith
from dlcalc.steps.expr import Call, Div, Expr, Mul, Neg, Num, Pow, Sym, sqrt

FUNCTION_SYMBOLS = {
    "exp": "exp", "log": "ln", "tanh": "tanh", "sigmoid": "σ", "relu": "ReLU", "abs": "abs",
    "max": "max", "min": "min",
}  # fmt: skip


def written(op: str, args: list[Expr]) -> Expr:
    """The operation applied to ``args``: ``b·c``, ``e^a``, ``σ(z)``."""
    if op == "=":
        return args[0]
    if op == "neg":
        return Neg(args[0])
    if op == "sqrt":
        return sqrt(args[0])
    binary = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: Mul((a, b)),
              "/": lambda a, b: Div(a, b), "^": lambda a, b: Pow(a, b)}  # fmt: skip
    if op in binary:
        return binary[op](*args)
    return Call(FUNCTION_SYMBOLS[op], tuple(args))


def formula_of(node: Node) -> Expr:
    """The whole formula as written, with the inputs' names."""
    if node.op == "var":
        return Sym(node.name)
    if node.op == "const":
        assert node.number is not None
        return Num(node.number.exact, node.number.text)
    return written(node.op, [formula_of(a) for a in node.args])


def evaluate(op: str, x: list[float]) -> float:
    a = x[0]
    b = x[1] if len(x) > 1 else 0.0
    table = {
        "=": lambda: a,
        "neg": lambda: -a,
        "+": lambda: a + b,
        "-": lambda: a - b,
        "*": lambda: a * b,
        "/": lambda: a / b,
        "^": lambda: _power(a, b),
        "exp": lambda: arith.exp(a),
        "log": lambda: arith.log(_positive(a)),
        "sqrt": lambda: arith.sqrt(a if a >= 0 else _positive(a)),
        "tanh": lambda: arith.tanh(a),
        "sigmoid": lambda: _sigmoid(a),
        "relu": lambda: a if a > 0 else 0.0,
        "abs": lambda: abs(a),
        "max": lambda: a if a >= b else b,
        "min": lambda: a if a <= b else b,
    }
    return table[op]() + 0.0


def _positive(a: float) -> float:
    """``a``, where a logarithm needs it above 0 (mpmath would give a complex number)."""
    if a <= 0:
        raise ValueError("outside the domain")
    return a


def _power(a: float, b: float) -> float:
    if a < 0 and b != int(b):
        raise ValueError("a negative number to a fractional power")
    return a**b


def _sigmoid(a: float) -> float:
    if a >= 0:
        return 1 / (1 + arith.exp(-a))
    e = arith.exp(a)
    return e / (1 + e)


def derivative(op: str, x: list[float], i: int) -> float:
    """∂op/∂x[i] at ``x``."""
    a = x[0]
    b = x[1] if len(x) > 1 else 0.0
    if op in ("=", "+"):
        return 1.0
    if op == "neg":
        return -1.0
    if op == "-":
        return 1.0 if i == 0 else -1.0
    if op == "*":
        return b if i == 0 else a
    if op == "/":
        return 1 / b if i == 0 else -a / (b * b)
    if op == "^":
        return b * _power(a, b - 1) if i == 0 else _power(a, b) * arith.log(_positive(a))
    s = evaluate(op, x)
    table = {
        "exp": lambda: s,
        "log": lambda: 1 / a,
        "sqrt": lambda: 1 / (2 * s),
        "tanh": lambda: 1 - s * s,
        "sigmoid": lambda: s * (1 - s),
        "relu": lambda: 1.0 if a > 0 else 0.0,
        "abs": lambda: 1.0 if a > 0 else -1.0 if a < 0 else 0.0,
        "max": lambda: float((a >= b) == (i == 0)),
        "min": lambda: float((a <= b) == (i == 0)),
    }
    return table[op]()


def local(op: str, args: list[Expr], i: int) -> Expr:
    """∂op/∂args[i] as a formula of ``args`` (numbers or symbols)."""
    a = args[0]
    b = args[1] if len(args) > 1 else Num(0)
    if op in ("=", "+") or (op == "-" and i == 0):
        return Num(1)
    if op in ("neg", "-"):
        return Num(-1)
    if op == "*":
        return b if i == 0 else a
    if op == "/":
        return Div(Num(1), b) if i == 0 else Neg(Div(a, Pow(b, Num(2))))
    if op == "^":
        return Mul((b, Pow(a, b - Num(1)))) if i == 0 else Mul((Pow(a, b), Call("ln", (a,))))
    value = written(op, args)
    table = {
        "exp": lambda: value,
        "log": lambda: Div(Num(1), a),
        "sqrt": lambda: Div(Num(1), Mul((Num(2), sqrt(a)))),
        "tanh": lambda: Num(1) - Pow(value, Num(2)),
        "sigmoid": lambda: Mul((value, Num(1) - value)),
        "relu": lambda: Call("ReLU′", (a,)),
        "abs": lambda: Call("sign", (a,)),
        "max": lambda: Call("∂max", (a, b)),
        "min": lambda: Call("∂min", (a, b)),
    }
    return table[op]()
