"""The backward pass of ``dlcalc batchnorm`` and ``dlcalc layernorm``, given ∂L/∂y: ∂L/∂β = Σ g,
∂L/∂γ = Σ g·x̂ (over the examples, per feature), ∂L/∂x̂ = g·γ, and ∂L/∂x through the group's
statistics, (m·∂x̂ − Σ∂x̂ − x̂·Σ∂x̂·x̂)/(m·√(σ² + ε)); with --eval (the running statistics,
constants) ∂L/∂x = g·γ/√(σ² + ε)."""

from __future__ import annotations

from dlcalc.solve.norm import RULES, NormResult, cell
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Div, Expr, Mul, Num, sqrt
from dlcalc.steps.step import Step


def _sum(terms: list[Expr]) -> Expr:
    return Add(tuple(terms)) if len(terms) > 1 else terms[0]


def backward(result: NormResult) -> NormResult:
    spec = result.spec
    assert spec.grad is not None
    _, rows, columns = spec.input.shape
    g = [[Num(n.value, n.text) for n in row] for row in spec.grad.channels[0]]
    x_hat = [[s.number for s in row] for row in result.x_hat]
    beta_grad, gamma_grad = [], []
    for j in range(columns):
        name = f"[{j + 1}]"
        column = [g[i][j] for i in range(rows)]
        total = arith.fsum(arith.real(v.value) for v in column)
        beta_grad.append(
            cell("beta_grad" + name, RULES["beta_grad"], total, stages=[_sum(list(column))])
        )
        products: list[Expr] = [Mul((g[i][j], Num(x_hat[i][j]))) for i in range(rows)]
        value = arith.fsum(arith.real(g[i][j].value) * x_hat[i][j] for i in range(rows))
        gamma_grad.append(
            cell("gamma_grad" + name, RULES["gamma_grad"], value, stages=[_sum(products)])
        )
    backward_steps: list[Step] = []
    input_grad: list[list[Step]] = [[None] * columns for _ in range(rows)]  # type: ignore[list-item]
    eps = spec.eps.value
    for index, group in enumerate(result.groups):
        sigma2 = group.var.number
        root = arith.sqrt(sigma2 + eps)
        shown_root = sqrt(Num(sigma2) + Num(eps, spec.eps.text))
        dxh = {(i, j): arith.real(g[i][j].value) * spec.gamma[j].value for i, j in group.cells}
        for i, j in group.cells:
            name = spec.label(i, j)
            gamma = spec.gamma[j]
            backward_steps.append(
                cell(
                    "x_hat_grad" + name,
                    RULES["x_hat_grad"],
                    dxh[(i, j)],
                    stages=[Mul((g[i][j], Num(gamma.value, gamma.text)))],
                )
            )
        m = len(group.cells)
        if spec.eval_:
            for i, j in group.cells:
                name = spec.label(i, j)
                value = dxh[(i, j)] / root if root else 0.0
                input_grad[i][j] = cell("input_grad" + name, RULES["input_grad_eval"], value,
                    stages=[Div(Num(dxh[(i, j)]), shown_root)],
                )  # fmt: skip
            continue
        total = arith.fsum(dxh.values())
        dot = arith.fsum(dxh[c] * x_hat[c[0]][c[1]] for c in group.cells)
        label = f"[{index + 1}]"
        backward_steps.append(
            cell("x_hat_grad_sum" + label, None, total,
                 stages=[_sum([Num(dxh[c]) for c in group.cells])])
        )  # fmt: skip
        backward_steps.append(
            cell("x_hat_grad_dot" + label, None, dot,
                 stages=[_sum([Mul((Num(dxh[c]), Num(x_hat[c[0]][c[1]]))) for c in group.cells])])
        )  # fmt: skip
        for i, j in group.cells:
            name = spec.label(i, j)
            top = m * dxh[(i, j)] - total - x_hat[i][j] * dot
            value = top / (m * root) if root else 0.0
            shown = Div(
                Num(m) * Num(dxh[(i, j)]) - Num(total) - Num(x_hat[i][j]) * Num(dot),
                Num(m) * shown_root,
            )
            input_grad[i][j] = cell("input_grad" + name, RULES["input_grad"], value, stages=[shown])
    return result._replace(
        backward=tuple(backward_steps),
        input_grad=input_grad,
        gamma_grad=tuple(gamma_grad),
        beta_grad=tuple(beta_grad),
    )
