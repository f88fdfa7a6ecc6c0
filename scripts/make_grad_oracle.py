#!/usr/bin/env python3
"""Independent oracle for `dlcalc grad`: PyTorch autograd (float64) on random formulas.

This script does NOT import dlcalc.  It writes tests/data/grad_oracle.json: for each case the
command line after `dlcalc` (without `-f json`), e.g.
    ["grad", "3*(a + b*c)", "--at", "a=5,b=3,c=2"],
and the expected `value` and `gradient` (input name -> df/dinput), computed by evaluating the
formula text with PyTorch tensors (float64, requires_grad) and autograd.  About 40 cases carry
`--nudge 0.001` and the expected `numeric` (per input: one_sided (f(x+e) - f(x))/e and
two_sided (f(x+e) - f(x-e))/(2e), only that input nudged); about 30 carry `--check` (some with
`--threshold 1e-6`) and the expected `passed` (True) and `difference`
(||g_num - g|| / (||g_num|| + ||g||), g_num two-sided with e = 1e-7).

The finite differences are NOT computed with torch: they are float64 evaluations of the same
formula text with Python's `math` (`eval` with `^` read as `**` and only the functions below in
scope), exactly the formulas above, so they agree with any float64 evaluator to rounding (the
test compares them at 1e-9).  `difference` at e = 1e-7 is mostly rounding noise; it is stored,
but a test should only ask for difference < 1e-6 and passed == True.

Cases (seeded random draws, plus the course examples, whose published numbers are asserted):
expression trees of depth 1-4 (a log / sqrt argument made positive by a wrapper may add one or
two levels) in 1-4 variables, with + - * /, unary minus, powers (`**` or `^`) with small
integer exponents (2, 3, 4, -1, -2) and a**b with a positive base (variable, decimal or
constant exponent), exp, log, sqrt, tanh, sigmoid, relu, abs, max(a, b), min(a, b), positive
decimal constants; about 1 in 5 written `J = EXPR` (always when the formula starts with '-',
which the command line would take for an option).  Points are drawn in [-2, 2], 2-3 decimals.
Draws are kept away from trouble at the point: log / sqrt arguments > 0.1, |denominator| > 0.1,
relu / abs arguments and max / min differences at least 1e-3 from 0 (so no case depends on a
kink convention), every node value within 1e3 and every gradient entry within 1e4.  Each case
carries "features" (the operators and functions used, "caret", "named", "nudge", "check", ...).
Everything is seeded: a rerun writes the same file (`--check` verifies that).

Requirements (own virtual environment, not the project's):
    python3 -m venv /work/oracle-venv
    /work/oracle-venv/bin/pip install torch==2.13.0
Regenerate (from the repository root):
    /work/oracle-venv/bin/python scripts/make_grad_oracle.py
"""

from __future__ import annotations

import argparse
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from oracle_output import dump, write_or_check  # beside this file

SEED = 20250615
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "grad_oracle.json"
REGENERATE = "/work/oracle-venv/bin/python scripts/make_grad_oracle.py"
F64 = torch.float64
N_RANDOM = 230
N_NUDGE = 40
N_CHECK = 30
N_THRESHOLD = 6  # of the check cases, also `--threshold 1e-6`
NUDGE = 0.001
CHECK_EPS = 1e-7
KINK = 1e-3  # relu / abs arguments and max / min differences at least this far from 0
POSITIVE = 0.1  # log / sqrt arguments and |denominators| above this
BOUND = 1e3  # every node value
GRAD_BOUND = 1e4  # every gradient entry

NOTES = [
    "value and gradient: PyTorch float64 autograd on the formula text; compare to about 1e-12 "
    "(1e-10 with a**b, feature 'pow-general').",
    "numeric (--nudge 0.001): per input one_sided (f(x+e) - f(x))/e and two_sided "
    "(f(x+e) - f(x-e))/(2e), only that input nudged (x + e in float64); f evaluated in float64 "
    "with Python math on the same text, not torch; compare to about 1e-9.",
    "difference (--check, e = 1e-7): ||g_num - g||_2 / (||g_num||_2 + ||g||_2), g_num two-sided; "
    "rounding noise, so only check difference < 1e-6 and passed == true.",
    "No case depends on a convention at a kink: relu / abs arguments and max / min differences "
    "are at least 1e-3 from 0 at the point.",
]

# --------------------------------------------------------------------------------------------
# Evaluating a formula text: Python math (float64) and PyTorch (float64, autograd)
# --------------------------------------------------------------------------------------------

NAME_PREFIX = re.compile(r"^\s*[A-Za-z_]\w*\s*=(?!=)\s*")


def python_text(expr: str) -> str:
    """The formula as Python source: no `J =` name, `^` is `**`."""
    return NAME_PREFIX.sub("", expr).replace("^", "**")


def m_sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


MATH: dict[str, Callable[..., float]] = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sigmoid": m_sigmoid,
    "relu": lambda x: x if x > 0 else 0.0,
    "abs": abs,
    "max": lambda a, b: a if a >= b else b,
    "min": lambda a, b: a if a <= b else b,
}


def math_f(expr: str) -> Callable[[dict[str, float]], float]:
    code = compile(python_text(expr), "<formula>", "eval")

    def f(point: dict[str, float]) -> float:
        return float(eval(code, {"__builtins__": {}, **MATH}, dict(point)))

    return f


def t(x: Any) -> torch.Tensor:
    return torch.as_tensor(x, dtype=F64)


def t_max(a: Any, b: Any) -> torch.Tensor:
    a, b = t(a), t(b)
    return torch.where(a >= b, a, b)  # the first on a tie


def t_min(a: Any, b: Any) -> torch.Tensor:
    a, b = t(a), t(b)
    return torch.where(a <= b, a, b)


TORCH: dict[str, Callable[..., torch.Tensor]] = {
    "exp": lambda x: torch.exp(t(x)),
    "log": lambda x: torch.log(t(x)),
    "sqrt": lambda x: torch.sqrt(t(x)),
    "tanh": lambda x: torch.tanh(t(x)),
    "sigmoid": lambda x: torch.sigmoid(t(x)),
    "relu": lambda x: torch.relu(t(x)),
    "abs": lambda x: torch.abs(t(x)),
    "max": t_max,
    "min": t_min,
}


def torch_value_and_gradient(expr: str, point: dict[str, float]) -> tuple[float, dict[str, float]]:
    leaves = {k: torch.tensor(v, dtype=F64, requires_grad=True) for k, v in point.items()}
    y = eval(python_text(expr), {"__builtins__": {}, **TORCH}, dict(leaves))
    assert isinstance(y, torch.Tensor) and y.requires_grad, expr
    grads = torch.autograd.grad(y, list(leaves.values()), allow_unused=True)
    gradient = {k: 0.0 if g is None else float(g) + 0.0 for k, g in zip(leaves, grads, strict=True)}
    return float(y.detach()) + 0.0, gradient


def numeric(expr: str, point: dict[str, float], eps: float) -> dict[str, dict[str, float]]:
    """What `--nudge eps` reports: Python math float64 evaluations only."""
    f = math_f(expr)
    f0 = f(point)
    out = {}
    for k, x in point.items():
        fp = f({**point, k: x + eps})
        fm = f({**point, k: x - eps})
        out[k] = {"one_sided": (fp - f0) / eps + 0.0, "two_sided": (fp - fm) / (2 * eps) + 0.0}
    return out


def check_difference(expr: str, point: dict[str, float], gradient: dict[str, float]) -> float:
    num = numeric(expr, point, CHECK_EPS)
    g_num = [num[k]["two_sided"] for k in point]
    g = [gradient[k] for k in point]
    diff = math.sqrt(sum((a - b) ** 2 for a, b in zip(g_num, g)))
    norms = math.sqrt(sum(a * a for a in g_num)) + math.sqrt(sum(b * b for b in g))
    return diff / norms if norms else 0.0  # 0 / 0: never a --check case (see make_cases)


# --------------------------------------------------------------------------------------------
# Random expression trees
# --------------------------------------------------------------------------------------------

# precedence: + - 1, * / 2, unary minus 3, power 4, atoms (names, numbers, calls) 5
PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}
SYMBOL = {"add": " + ", "sub": " - ", "mul": "*", "div": "/"}
FUNCS1 = ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs")
FUNCS2 = ("max", "min")
OPS = ("add", "sub", "mul", "div", "neg", "pow-int", "pow-general", *FUNCS1, *FUNCS2)
INT_EXPONENTS = (2, 2, 3, 3, 4, -1, -2)
NAME_SETS = (
    ("a", "b", "c", "d"),
    ("x", "y", "z", "w"),
    ("x0", "x1", "x2", "x3"),
    ("w0", "x0", "w1", "x1"),
    ("w1", "w2", "b1", "h"),
    ("u", "v", "s", "t"),
)


@dataclass
class Node:
    op: str  # "var", "num", "neg", "add", "sub", "mul", "div", "pow", or a function name
    value: float
    kids: list[Node] = field(default_factory=list)
    text: str = ""  # var / num: as written; pow: "**" or "^"
    feats: set[str] = field(default_factory=set)

    def prec(self) -> int:
        return PREC.get(self.op, 5)

    def render(self) -> str:
        if self.op in ("var", "num"):
            return self.text
        if self.op in FUNCS1 or self.op in FUNCS2:
            return f"{self.op}({', '.join(k.render() for k in self.kids)})"
        if self.op == "neg":
            (k,) = self.kids
            return "-" + (k.render() if k.prec() == 5 else f"({k.render()})")
        left, right = self.kids
        if self.op == "pow":
            base = left.render() if left.prec() == 5 else f"({left.render()})"
            atom = right.prec() == 5 and not right.text.startswith("-")
            exponent = right.render() if atom else f"({right.render()})"
            return f"{base}{self.text}{exponent}"
        p = self.prec()
        ltext = left.render() if left.prec() >= p else f"({left.render()})"
        rtext = right.render() if right.prec() > p and right.op != "neg" else f"({right.render()})"
        return f"{ltext}{SYMBOL[self.op]}{rtext}"

    def walk(self) -> list[Node]:
        return [self, *(n for k in self.kids for n in k.walk())]

    def depth(self) -> int:
        return 1 + max(k.depth() for k in self.kids) if self.kids else 0

    def has_var(self) -> bool:
        return any(n.op == "var" for n in self.walk())


class Fail(Exception):
    """This draw breaks a rule at the point; draw again."""


def decimal(rng: random.Random, lo: float, hi: float) -> str:
    while True:
        v = round(rng.uniform(lo, hi), rng.choice([1, 1, 2]))
        if v != 0:
            return repr(v + 0.0)


def number(rng: random.Random) -> Node:
    text = str(rng.randint(1, 5)) if rng.random() < 0.4 else decimal(rng, 0.1, 3.0)
    return Node("num", float(text), text=text)


def ok(v: float) -> float:
    if not math.isfinite(v) or abs(v) > BOUND:
        raise Fail
    return v


class Generator:
    def __init__(self, rng: random.Random, point: dict[str, float]) -> None:
        self.rng = rng
        self.point = point
        self.caret = rng.random() < 0.35  # this formula writes powers with `^`
        self.drawn: set[str] = set()

    def leaf(self) -> Node:
        if self.rng.random() < 0.75:
            unused = [k for k in self.point if k not in self.drawn]  # so that all get used
            name = self.rng.choice(
                unused if unused and self.rng.random() < 0.8 else list(self.point)
            )
            self.drawn.add(name)
            return Node("var", self.point[name], text=name)
        return number(self.rng)

    def tree(self, depth: int) -> Node:
        if depth == 0:
            return self.leaf()
        while True:
            op = self.rng.choice(OPS)
            for _ in range(30):
                try:
                    return self.build(op, depth)
                except Fail:
                    pass

    def two(self, depth: int) -> tuple[Node, Node]:
        a, b = self.tree(depth - 1), self.tree(self.rng.randint(0, depth - 1))
        return (a, b) if self.rng.random() < 0.5 else (b, a)

    def positive(self, depth: int, fn: str) -> Node:
        """A log / sqrt argument > 0.1: drawn, or a drawn tree wrapped (1 + e*e, exp(e))."""
        arg = self.tree(depth - 1)
        if arg.value > POSITIVE:
            return arg
        if self.rng.random() < 0.5 or depth > 1:
            raise Fail
        if fn == "sqrt" or self.rng.random() < 0.5:
            inner = Node("exp", ok(math.exp(arg.value)), [arg])
        else:
            sq = Node("mul", ok(arg.value * arg.value), [arg, arg])
            inner = Node("add", ok(1 + sq.value), [Node("num", 1.0, text="1"), sq])
        if inner.value <= POSITIVE:
            raise Fail
        inner.feats.add("wrapped")
        return inner

    def build(self, op: str, depth: int) -> Node:
        rng = self.rng
        if op in ("add", "sub", "mul", "div"):
            a, b = self.two(depth)
            if op == "div" and abs(b.value) <= POSITIVE:
                raise Fail
            v = {
                "add": lambda: a.value + b.value,
                "sub": lambda: a.value - b.value,
                "mul": lambda: a.value * b.value,
                "div": lambda: a.value / b.value,
            }[op]()
            return Node(op, ok(v), [a, b])
        if op == "neg":
            a = self.tree(depth - 1)
            return Node("neg", -a.value, [a])
        power = "^" if self.caret else "**"
        if op == "pow-int":
            a = self.tree(depth - 1)
            n = rng.choice(INT_EXPONENTS)
            if n < 0 and abs(a.value) <= POSITIVE:
                raise Fail
            exponent = Node("num", float(n), text=str(n))
            node = Node("pow", ok(float(a.value**n)), [a, exponent], text=power)
            node.feats.add("pow-int")
            return node
        if op == "pow-general":  # a**b, a > 0.1 at the point
            r = rng.random()
            if r < 0.25:
                base = number(rng)
                exponent = self.tree(depth - 1)
            else:
                base = self.tree(depth - 1)
                exponent = self.tree(rng.randint(0, depth - 1)) if r < 0.7 else None
                if exponent is None:
                    text = rng.choice(["0.5", "1.5", "2.5", "0.3", "1.2"])
                    exponent = Node("num", float(text), text=text)
            if base.value <= POSITIVE or not (base.has_var() or exponent.has_var()):
                raise Fail
            node = Node("pow", ok(base.value**exponent.value), [base, exponent], text=power)
            node.feats.add("pow-general")
            if base.op == "num":
                node.feats.add("constant-base")
            return node
        if op in ("log", "sqrt"):
            a = self.positive(depth, op)
            return Node(op, ok(math.log(a.value) if op == "log" else math.sqrt(a.value)), [a])
        if op in FUNCS1:
            a = self.tree(depth - 1)
            if op in ("relu", "abs"):
                if abs(a.value) < KINK:
                    raise Fail
                node = Node(op, ok(MATH[op](a.value)), [a])
                if a.value < 0:
                    node.feats.add(f"{op}-negative")
                return node
            return Node(op, ok(MATH[op](a.value)), [a])
        a, b = self.tree(depth - 1), self.tree(rng.randint(0, depth - 1))
        if rng.random() < 0.5:
            a, b = b, a
        if abs(a.value - b.value) < KINK:
            raise Fail
        node = Node(op, MATH[op](a.value, b.value), [a, b])
        if node.value == b.value:
            node.feats.add(f"{op}-second")
        return node


def num_text(v: float) -> str:
    return repr(v + 0.0)


def features_of(root: Node, expr: str) -> set[str]:
    feats: set[str] = set()
    for n in root.walk():
        feats |= n.feats
        if n.op in ("add", "sub", "mul", "div", "neg", *FUNCS1, *FUNCS2):
            feats.add(n.op)
    feats |= {"caret"} if "^" in expr else ({"starstar"} if "**" in expr else set())
    feats.add(f"depth{root.depth()}")
    return feats


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


def case_for(
    expr: str, point: dict[str, float], at: str, feats: set[str], extra: list[str] | None = None
) -> dict[str, Any]:
    value, gradient = torch_value_and_gradient(expr, point)
    mvalue = math_f(expr)(point)
    assert math.isclose(value, mvalue, rel_tol=1e-12, abs_tol=1e-12), (expr, value, mvalue)
    feats = {*feats, f"vars{len(point)}"}
    if NAME_PREFIX.match(expr):
        feats.add("named")
    case: dict[str, Any] = {
        "args": ["grad", expr, "--at", at, *(extra or [])],
        "value": value,
        "gradient": gradient,
    }
    if extra and "--nudge" in extra:
        eps = float(extra[extra.index("--nudge") + 1])
        case["numeric"] = numeric(expr, point, eps)
        feats.add("nudge")
    if extra and "--check" in extra:
        case["difference"] = check_difference(expr, point, gradient)
        case["passed"] = True
        assert case["difference"] < 1e-8, (expr, case["difference"])
        feats |= {"check"} | ({"threshold"} if "--threshold" in extra else set())
    case["features"] = sorted(feats)
    return case


def parse_at(at: str) -> dict[str, float]:
    return {k: float(v) for k, v in (item.split("=") for item in at.split(","))}


def close(got: float, expected: float, tol: float = 1e-3) -> bool:
    return math.isclose(got, expected, rel_tol=tol, abs_tol=tol)


def course_cases() -> list[dict[str, Any]]:
    cases = []

    def course(expr: str, at: str, extra: list[str] | None = None) -> dict[str, Any]:
        point = parse_at(at)
        case = case_for(expr, point, at, {"course"}, extra)
        cases.append(case)
        return case

    for expr in ("J = 3*(a + b*c)", "3*(a + b*c)"):
        c = course(expr, "a=5,b=3,c=2")
        assert c["value"] == 33 and c["gradient"] == {"a": 3, "b": 6, "c": 9}, c
    c = course("f = (x + y)*z", "x=-2,y=5,z=-4")
    assert c["value"] == -12 and c["gradient"] == {"x": -4, "y": -4, "z": 3}, c
    neuron = "w0=2,x0=-1,w1=-3,x1=-2,w2=-3"
    published = {"w0": -0.196, "x0": 0.393, "w1": -0.393, "x1": -0.590, "w2": 0.196}
    for expr in ("1/(1 + exp(-(w0*x0 + w1*x1 + w2)))", "sigmoid(w0*x0 + w1*x1 + w2)"):
        c = course(expr, neuron)
        assert close(c["value"], 0.7311, 1e-4), c
        assert all(close(c["gradient"][k], v, 2e-3) for k, v in published.items()), c
    c = course("a**2", "a=2", ["--nudge", "0.001"])
    assert close(c["numeric"]["a"]["one_sided"], 4.001, 1e-9), c
    assert close(c["numeric"]["a"]["two_sided"], 4.0, 1e-9), c
    c = course("x**2 + 2", "x=2", ["--nudge", "0.0001"])
    assert close(math_f("x**2 + 2")({"x": 2.0 + 0.0001}), 6.00040001, 1e-12)
    assert close(c["numeric"]["x"]["one_sided"], 4.0001, 1e-9), c
    c = course("J = 3*(a + b*c)", "a=5,b=3,c=2", ["--check"])
    assert c["difference"] < 1e-8, c
    return cases


@dataclass
class Draw:
    expr: str
    point: dict[str, float]
    at: str
    feats: set[str]


def random_draw(rng: random.Random) -> Draw | None:
    depth = rng.choice([1, 2, 2, 3, 3, 3, 4, 4])
    n_vars = min(rng.randint(1, 4), 2**depth)
    names = rng.choice(NAME_SETS)[:n_vars]
    point = {k: round(rng.uniform(-2.0, 2.0), rng.choice([2, 3])) + 0.0 for k in names}
    for _ in range(20):  # the same point and variables: a tree that uses them all
        gen = Generator(rng, point)
        root = gen.tree(depth)
        if {n.text for n in root.walk() if n.op == "var"} == set(names):
            break
    else:
        return None
    expr = root.render()
    if expr.startswith("-") or rng.random() < 0.15:  # a leading '-' would read as an option
        expr = f"{rng.choice(['J', 'f', 'L', 'out'])} = {expr}"
    assert math.isclose(math_f(expr)(point), root.value, rel_tol=1e-12, abs_tol=1e-12), expr
    at = ",".join(f"{k}={num_text(v)}" for k, v in point.items())
    _, gradient = torch_value_and_gradient(expr, point)
    if any(abs(g) > GRAD_BOUND for g in gradient.values()):
        return None
    return Draw(expr, point, at, features_of(root, expr))


def make_cases(seed: int) -> tuple[list[dict[str, Any]], int, dict[str, Any]]:
    rng = random.Random(seed)
    draws: list[Draw] = []
    rejected = 0
    while len(draws) < N_RANDOM:
        draw = random_draw(rng)
        if draw is None:
            rejected += 1
        else:
            draws.append(draw)

    # sanity: the e = 1e-7 two-sided estimate agrees with autograd on every draw, to its rounding
    checkable = []
    worst = 0.0
    for i, d in enumerate(draws):
        _, gradient = torch_value_and_gradient(d.expr, d.point)
        diff = check_difference(d.expr, d.point, gradient)
        norm = math.sqrt(sum(g * g for g in gradient.values()))
        f0 = abs(math_f(d.expr)(d.point))
        g_num = numeric(d.expr, d.point, CHECK_EPS)
        for k, g in gradient.items():
            err = abs(g_num[k]["two_sided"] - g)
            assert err < 1e-6 * max(1.0, abs(g), f0), (d.expr, d.at, k, g, g_num[k])
        # clearly passing, with room for another evaluator's rounding
        if diff < 1e-9 and norm > 1e-2 and f0 < 10 * norm:
            checkable.append(i)
        worst = max(worst, diff)

    order = list(range(len(draws)))
    rng.shuffle(order)
    nudge = set(order[:N_NUDGE])
    check = [i for i in order[N_NUDGE:] if i in checkable][:N_CHECK]
    assert len(check) == N_CHECK, len(check)
    threshold = set(check[:N_THRESHOLD])
    cases = course_cases()
    for i, d in enumerate(draws):
        extra: list[str] = []
        if i in nudge:
            extra = ["--nudge", num_text(NUDGE)]
        elif i in check:
            extra = ["--check"] + (["--threshold", "1e-6"] if i in threshold else [])
        cases.append(case_for(d.expr, d.point, d.at, d.feats, extra))
    stats = {"largest e = 1e-7 check difference": f"{worst:.2e}", "checkable": len(checkable)}
    return cases, rejected, stats


def summary(
    cases: list[dict[str, Any]], rejected: int, stats: dict[str, Any], size: int
) -> list[str]:
    feats = Counter(f for c in cases for f in c["features"])
    return [
        f"{len(cases)} cases ({rejected} draws rejected), {size} bytes",
        "features: " + ", ".join(f"{k} {v}" for k, v in sorted(feats.items())),
        "stats: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="only compare with the existing file")
    args = ap.parse_args(argv)
    torch.manual_seed(args.seed)  # nothing here is random in torch; set for good measure

    cases, rejected, stats = make_cases(args.seed)
    doc = {
        "generator": "scripts/make_grad_oracle.py",
        "regenerate": REGENERATE,
        "torch": torch.__version__,
        "seed": args.seed,
        "dtype": "float64",
        "notes": NOTES,
        "cases": cases,
    }
    text = dump(doc)
    for line in summary(cases, rejected, stats, len(text.encode())):
        print(line)
    print("course examples: 33 (3, 6, 9); -12 (-4, -4, 3); 0.7311 (CS231n); 4.001; 4.0001")
    return write_or_check(args.out, text, args.check)


if __name__ == "__main__":
    sys.exit(main())
