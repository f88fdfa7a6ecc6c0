"""The calculators' mistakes, registered once in :data:`MISTAKES`: each says when it can change a
value of a problem and what the answers are with it made. Where the slip is in a formula (σ′
misremembered, e^x read as 10^x), the variant is the formula itself replaced, solved by the
real solver, so that its working shows the slip."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from typing import Any, NamedTuple

from dlcalc.rules.activations import ACTIVATIONS, Activation, Piece, sigma
from dlcalc.solve.marking import Worked
from dlcalc.solve.numbers import num
from dlcalc.spec.calculators import Number
from dlcalc.steps.evaluate import evaluate
from dlcalc.steps.expr import Call, Expr, Num, Pow, Sym, transform
from dlcalc.steps.step import Step
from dlcalc.steps.text import step_text

Answers = dict[str, Worked]
LN10 = math.log(10)


class Mistake(NamedTuple):
    description: str
    applies: Callable[[str, Any, Answers], bool]
    """(command, spec, the correct answers): whether the mistake can change a value."""
    answers: Callable[[str, Any, Answers], Answers]
    """(command, spec, the correct answers): the answers with the mistake made."""


def steps_answers(steps: list[Step]) -> Answers:
    return {s.name: Worked(s.value, s) for s in steps}  # type: ignore[arg-type]


def solve(command: str, spec: Any, activation: Activation | None = None) -> Answers:
    """Every answer of a calculator problem (a loss's gradients with or without --grad)."""
    if command == "activate":
        from dlcalc.solve.activations import solve_activate

        return steps_answers(solve_activate(spec, activation).steps)
    if command == "softmax":
        from dlcalc.solve.softmax import solve_softmax

        return steps_answers(solve_softmax(spec).steps)
    if command == "conv":
        from dlcalc.solve.conv import solve_conv

        return steps_answers(solve_conv(spec).steps)
    if command == "pool":
        from dlcalc.solve.pool import solve_pool

        return steps_answers(solve_pool(spec).steps)
    if command in ("batchnorm", "layernorm"):
        from dlcalc.solve.norm import solve_norm

        return steps_answers(solve_norm(spec).steps)
    if command == "dropout":
        from dlcalc.solve.dropout import solve_dropout

        return steps_answers(solve_dropout(spec).steps)
    if command == "grad":
        from dlcalc.solve.graph import solve_graph

        return steps_answers(solve_graph(spec).steps)
    from dlcalc.solve.losses import solve_loss

    return steps_answers(solve_loss(spec)._replace(with_gradient=True).steps)


# --- slips in an activation's formula ----------------------------------------------------


def _from_trees(activation: Activation, change: Callable[[Expr], Expr]) -> Activation:
    """``activation`` with every formula changed, its values computed from the changed ones."""

    def piece(x: float, p: Any) -> Piece:
        found = activation.piece(x, p)
        return replace(found, value=change(found.value), derivative=change(found.derivative))

    def at(tree: Expr, x: float, p: Any) -> float:
        return evaluate(tree.subs({"x": Num(x), **activation.constants(p)}))

    return replace(
        activation,
        value=lambda x, p: at(piece(x, p).value, x, p),
        derivative=lambda x, p: at(piece(x, p).derivative, x, p),
        rule=lambda p: (change(activation.rule(p)[0]), change(activation.rule(p)[1])),
        piece=piece,
    )


def _base_10(node: Expr) -> Expr:
    """e^a read as 10^a."""
    if isinstance(node, Call) and node.name == "exp":
        return Pow(Num(10), node.args[0])
    return node


def sigmoid_with_derivative(derivative: Expr, value: Callable[[float], float]) -> Activation:
    """σ with its derivative misremembered as ``derivative``."""
    sigmoid = ACTIVATIONS["sigmoid"]
    return replace(
        sigmoid,
        derivative=lambda x, p: value(sigmoid.value(x, p)),
        rule=lambda p: (sigmoid.rule(p)[0], derivative),
        piece=lambda x, p: replace(sigmoid.piece(x, p), derivative=derivative),
    )


X = Sym("x")
SLIPPED = {
    "sigmoid-derivative-value": sigmoid_with_derivative(sigma(X), lambda s: s),
    "sigmoid-derivative-difference": sigmoid_with_derivative(
        sigma(X) - (1 - sigma(X)), lambda s: s - (1 - s)
    ),
}


def _values_only(answers: Answers) -> Answers:
    """The function's values (a derivative of a misread function is another matter)."""
    return {name: worked for name, worked in answers.items() if "'" not in name}


def _exp_base_10(command: str, spec: Any, correct: Answers) -> Answers:
    if command == "activate":
        wrong = _from_trees(ACTIVATIONS[spec.function], lambda n: transform(n, _base_10))
        return _values_only(solve(command, spec, wrong))
    # softmax: 10^z/Σ 10^z is the softmax of z·ln 10, that is of z/(T/ln 10)
    t = spec.temperature.value
    scaled = solve(command, spec._replace(temperature=_number(t / LN10)))
    return {
        n: Worked(w.value, f"with 10^z = e^(z·ln 10): {_written(w)}") for n, w in scaled.items()
    }


def _slipped(name: str) -> Callable[[str, Any, Answers], Answers]:
    def answers(command: str, spec: Any, correct: Answers) -> Answers:
        return solve(command, spec, SLIPPED[name])

    return answers


# --- slips in a value ----------------------------------------------------------------------


def _written(worked: Worked) -> str:
    return worked.working if isinstance(worked.working, str) else step_text(worked.working)


def _log10(command: str, spec: Any, correct: Answers) -> Answers:
    """Natural logs as log₁₀: every logarithmic value divided by ln 10."""
    names = ["L"] if command == "softmax" else list(correct)
    if command == "activate":
        names = [n for n in correct if "'" not in n]

    def divided(worked: Worked) -> Worked:
        value = float(worked.value) / LN10  # type: ignore[arg-type]
        return Worked(value, f"({_written(worked)})/ln 10 = {num(value)}")

    return {name: divided(correct[name]) for name in names}


def _no_max_shift(command: str, spec: Any, correct: Answers) -> Answers:
    overflow = "e^z overflows a float64 (subtract the largest score: softmax(z − max z))"
    return {name: Worked(math.nan, overflow) for name in correct}


def _other_reduction(command: str, spec: Any, correct: Answers) -> Answers:
    other = "sum" if spec.reduction == "mean" else "mean"
    return solve(command, spec._replace(reduction=other))


def _relu_grad_at_zero(command: str, spec: Any, correct: Answers) -> Answers:
    return solve(command, spec._replace(params=spec.params._replace(grad_at_zero=1.0)))


def _number(value: float) -> Number:
    return Number(f"{value:.6g}", value, Fraction(value))


def _logarithmic(command: str, spec: Any, correct: Answers) -> bool:
    if command == "activate":
        return bool(spec.function == "softplus")
    if command == "softmax":
        return "L" in correct
    if command != "loss":
        return False
    from dlcalc.solve.losses import rule_of

    return rule_of(spec).logarithmic and not spec.log2


def _overflows(command: str, spec: Any, correct: Answers) -> bool:
    from dlcalc.rules.softmax import OVERFLOW

    if command != "softmax":
        return False
    t = spec.temperature.value
    return max(z.value / t for z in spec.z) > OVERFLOW


def _relu_at_zero(command: str, spec: Any, correct: Answers) -> bool:
    kinked = command == "activate" and spec.function in ("relu", "leaky_relu")
    at_zero = kinked and any(x.value == 0 for x in spec.xs)
    return at_zero and spec.params.grad_at_zero is None


def _sigmoid(command: str, spec: Any, correct: Answers) -> bool:
    return command == "activate" and spec.function == "sigmoid"


def _exponential(command: str, spec: Any, correct: Answers) -> bool:
    return command == "softmax" or (
        command == "activate" and spec.function in ("sigmoid", "tanh", "softplus")
    )


def _asymmetric_kernel(command: str, spec: Any, correct: Answers) -> bool:
    """A kernel that turning 180° changes."""
    if command != "conv":
        return False
    slices = [[[n.value for n in row] for row in c] for k in spec.kernels for c in k.channels]
    return any(c != [row[::-1] for row in c[::-1]] for c in slices)


def _flipped(command: str, spec: Any, correct: Answers) -> Answers:
    return solve(command, spec._replace(flip=not spec.flip))


def _reduction(which: str) -> Callable[[str, Any, Answers], bool]:
    """The mean in place of the sum (``which`` = mean), or the sum in place of the mean."""
    return lambda command, spec, correct: command == "loss" and spec.reduction != which


MISTAKES: dict[str, Mistake] = {
    "exp-base-10": Mistake("10^x in place of e^x", _exponential, _exp_base_10),
    "log10": Mistake("log₁₀ in place of the natural log", _logarithmic, _log10),
    "sigmoid-derivative-value": Mistake(
        "σ′ taken as σ(x), without the (1 − σ)", _sigmoid, _slipped("sigmoid-derivative-value")
    ),
    "sigmoid-derivative-difference": Mistake(
        "σ′ taken as σ − (1 − σ)", _sigmoid, _slipped("sigmoid-derivative-difference")
    ),
    "relu-grad-at-zero": Mistake(
        "the derivative at 0 taken as 1 (the x ≥ 0 rule)", _relu_at_zero, _relu_grad_at_zero
    ),
    "no-max-shift": Mistake(
        "e^z without subtracting the largest score first", _overflows, _no_max_shift
    ),
    "kernel-flipped": Mistake(
        "the kernel turned 180° (convolution in place of cross-correlation, or back)",
        _asymmetric_kernel,
        _flipped,
    ),
    "reduction-sum": Mistake(
        "the sum over the terms in place of the mean", _reduction("sum"), _other_reduction
    ),
    "reduction-mean": Mistake(
        "the mean over the terms in place of the sum", _reduction("mean"), _other_reduction
    ),
}
