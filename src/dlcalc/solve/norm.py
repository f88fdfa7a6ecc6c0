"""``dlcalc batchnorm`` and ``dlcalc layernorm`` by hand: each group's mean and (biased)
variance, every x̂ = (x − μ)/√(σ² + ε) and y = γ·x̂ + β written out; batch norm's running
statistics in each library's form; with an upstream gradient, the backward pass.

Batch norm's groups are the features (columns: the statistics over the examples of the
mini-batch), layer norm's the examples (rows: over each example's features); γ and β are per
feature in both."""

from __future__ import annotations

from typing import NamedTuple

from dlcalc.spec.grids import NormSpec
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Div, Expr, Mul, Num, Pow, Sum, Sym, sqrt
from dlcalc.steps.step import Step, step

X, MU, VAR, EPS = Sym("x", "k"), Sym("μ"), Pow(Sym("σ"), Num(2)), Sym("ε")
GAMMA, BETA, G, XHAT = Sym("γ"), Sym("β"), Sym("g", "k"), Sym("x̂", "k")
COUNT = Sym("m")
RULES = {
    "mean": Div(Sum("k", X), COUNT),
    "var": Div(Sum("k", Pow(X - MU, Num(2))), COUNT),
    "x_hat": Div(Sym("x") - MU, sqrt(VAR + EPS)),
    "y": GAMMA * Sym("x̂") + BETA,
    "beta_grad": Sum("k", G),
    "gamma_grad": Sum("k", Mul((G, XHAT))),
    "x_hat_grad": Mul((Sym("g"), GAMMA)),
    "input_grad": Div(
        COUNT * Sym("∂x̂") - Sum("k", Sym("∂x̂", "k")) - Sym("x̂") * Sum("k", Sym("∂x̂", "k") * XHAT),
        COUNT * sqrt(VAR + EPS),
    ),
    "input_grad_eval": Div(Sym("g") * GAMMA, sqrt(VAR + EPS)),
}
"""The rules; ``m`` is the size of a group (the batch for batch norm, the features for layer
norm)."""


class Group(NamedTuple):
    """One group's statistics and its cells' (row, column) positions."""

    mean: Step
    var: Step
    cells: tuple[tuple[int, int], ...]


class NormResult(NamedTuple):
    spec: NormSpec
    groups: tuple[Group, ...]
    x_hat: list[list[Step]]
    outputs: list[list[Step]]
    running: tuple[Step, ...]
    """Batch norm in training: the unbiased variances (PyTorch), the new running means and
    variances."""
    backward: tuple[Step, ...]
    input_grad: list[list[Step]] | None
    gamma_grad: tuple[Step, ...] | None
    beta_grad: tuple[Step, ...] | None
    notes: tuple[str, ...]

    @property
    def steps(self) -> list[Step]:
        found = [s for g in self.groups for s in (g.mean, g.var)]
        found += [s for row in self.x_hat for s in row] + [s for row in self.outputs for s in row]
        found += list(self.running) + list(self.backward)
        if self.input_grad is not None:
            found += [s for row in self.input_grad for s in row]
        return found + list(self.gamma_grad or ()) + list(self.beta_grad or ())


def cell(
    name: str, rule: Expr | None, value: float, *, stages: list[Expr], words: str = ""
) -> Step:
    """A step named and written as ``check`` names it (``x_hat[2,1]``)."""
    return step(name, Sym(name), rule, {}, value, stages=stages, words=words)


def _num(value: float) -> Num:
    return Num(value)


def _given(spec: NormSpec, i: int, j: int) -> Num:
    n = spec.input.channels[0][i][j]
    return Num(n.value, n.text)


def _sum(terms: list[Expr]) -> Expr:
    return Add(tuple(terms)) if len(terms) > 1 else terms[0]


def _groups(spec: NormSpec) -> list[tuple[int, tuple[tuple[int, int], ...]]]:
    """(index, cells) of each group: columns for batch norm, rows for layer norm."""
    _, rows, columns = spec.input.shape
    if spec.kind == "batchnorm":
        return [(j, tuple((i, j) for i in range(rows))) for j in range(columns)]
    return [(i, tuple((i, j) for j in range(columns))) for i in range(rows)]


def _statistics(spec: NormSpec, index: int, cells: tuple[tuple[int, int], ...]) -> Group:
    name = f"[{index + 1}]"
    if spec.eval_:
        assert spec.running_mean is not None and spec.running_var is not None
        given_mean, given_var = spec.running_mean[index], spec.running_var[index]
        words = "(the running statistics: --eval)"
        return Group(
            cell("mean" + name, None, given_mean.value, stages=[], words=words),
            cell("var" + name, None, given_var.value, stages=[], words=words),
            cells,
        )
    xs = [_given(spec, i, j) for i, j in cells]
    values = [arith.real(x.value) for x in xs]
    mu = arith.fsum(values) / len(xs)
    mean = cell("mean" + name, RULES["mean"], mu, stages=[Div(_sum(list(xs)), Num(len(xs)))])
    squares: list[Expr] = [Pow(x - _num(mu), Num(2)) for x in xs]
    sigma2 = arith.fsum((v - mu) ** 2 for v in values) / len(xs)
    var = cell("var" + name, RULES["var"], sigma2, stages=[Div(_sum(squares), Num(len(xs)))])
    return Group(mean, var, cells)


def solve_norm(spec: NormSpec) -> NormResult:
    _, rows, columns = spec.input.shape
    groups = tuple(_statistics(spec, index, cells) for index, cells in _groups(spec))
    eps = spec.eps.value
    x_hat: list[list[Step]] = [[None] * columns for _ in range(rows)]  # type: ignore[list-item]
    outputs: list[list[Step]] = [[None] * columns for _ in range(rows)]  # type: ignore[list-item]
    notes: list[str] = []
    for group in groups:
        mu, sigma2 = group.mean.number, group.var.number
        root = arith.sqrt(sigma2 + eps)
        if root == 0:
            notes.append(
                "σ² + ε = 0: every x − μ is 0 and x̂ = 0/0; it is taken as 0 (no normalisation is "
                "possible; a framework gives nan)"
            )
        for i, j in group.cells:
            x = _given(spec, i, j)
            name = spec.label(i, j)
            value = (arith.real(x.value) - mu) / root if root else 0.0
            shown = Div(x - _num(mu), sqrt(_num(sigma2) + Num(eps, spec.eps.text)))
            x_hat[i][j] = cell("x_hat" + name, RULES["x_hat"], value, stages=[shown])
            gamma, beta = spec.gamma[j], spec.beta[j]
            y = gamma.value * value + beta.value
            stage = Num(gamma.value, gamma.text) * _num(value) + Num(beta.value, beta.text)
            outputs[i][j] = cell("y" + name, RULES["y"], y, stages=[stage])
    if spec.kind == "batchnorm" and rows == 1 and not spec.eval_:
        notes.append(
            "a batch of one example: σ² = 0, so every x̂ is 0 and y = β (PyTorch refuses to "
            "train on it); to normalise several values as one feature, write them as a column "
            "('5; 3; 2; 1; 9')"
        )
    running = _running(spec, groups, notes) if spec.kind == "batchnorm" and not spec.eval_ else ()
    result = NormResult(spec, groups, x_hat, outputs, running, (), None, None, None, tuple(notes))
    if spec.grad is None:
        return result
    from dlcalc.solve.norm_backward import backward

    return backward(result)


def _running(spec: NormSpec, groups: tuple[Group, ...], notes: list[str]) -> tuple[Step, ...]:
    """The running statistics after the batch: PyTorch's (1 − m)·r + m·s with the unbiased
    variance, Keras's m·r + (1 − m)·s with the biased one."""
    assert (
        spec.momentum is not None and spec.running_mean is not None and spec.running_var is not None
    )
    m = spec.momentum.value
    size = len(groups[0].cells)
    found: list[Step] = []
    for index, group in enumerate(groups):
        name = f"[{index + 1}]"
        var = group.var
        if spec.convention == "pytorch":
            if size < 2:
                notes.append(
                    "the unbiased variance of one example is 0/0: the running statistics are "
                    "not updated"
                )
                return ()
            unbiased = var.number * size / (size - 1)
            var = cell(
                "var_unbiased" + name,
                Div(Mul((VAR, COUNT)), COUNT - Num(1)),
                unbiased,
                stages=[Div(Mul((_num(var.number), Num(size))), Num(size - 1))],
            )
            found.append(var)
        for key, old, new in (
            ("running_mean", spec.running_mean[index], group.mean),
            ("running_var", spec.running_var[index], var),
        ):
            old_num, mom = Num(old.value, old.text), Num(m, spec.momentum.text)
            if spec.convention == "pytorch":
                rule = (Num(1) - Sym("momentum")) * Sym("r") + Sym("momentum") * Sym("s")
                stage = (Num(1) - mom) * old_num + mom * _num(new.number)
                value = (1 - m) * old.value + m * new.number
            else:
                rule = Sym("momentum") * Sym("r") + (Num(1) - Sym("momentum")) * Sym("s")
                stage = mom * old_num + (Num(1) - mom) * _num(new.number)
                value = m * old.value + (1 - m) * new.number
            found.append(cell(key + name, rule, value, stages=[stage]))
    if spec.convention == "pytorch":
        notes.append("PyTorch updates the running variance with the unbiased variance σ²·m/(m − 1)")
    return tuple(found)
