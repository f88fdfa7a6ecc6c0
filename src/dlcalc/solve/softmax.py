"""``dlcalc softmax``: probabilities with every exponential shown, log-softmax, the
cross-entropy loss and its gradient p − y, and the Jacobian, as steps. The numbers come from
:func:`dlcalc.rules.softmax.softmax` (stable: the largest score is subtracted where e^z would
leave a float64, and ln p comes from log-softmax)."""

from __future__ import annotations

from typing import Any, NamedTuple

from dlcalc.rules import softmax as rule
from dlcalc.solve.numbers import finite, input_number, num, plus
from dlcalc.spec.calculators import SoftmaxSpec
from dlcalc.steps import arith
from dlcalc.steps.evaluate import exp_value
from dlcalc.steps.expr import Add, Diff, Expr, Mul, Neg, Num, Sym, Value, ln
from dlcalc.steps.step import Step, step
from dlcalc.steps.text import SUBSCRIPT

L = Sym("L")


class ClassRow(NamedTuple):
    position: int
    """The class, counted from 0."""
    z: float
    scaled: float
    exponential: Step
    probability: Step
    log_probability: Step
    target: float | None
    gradient: Step | None


class SoftmaxResult(NamedTuple):
    temperature: float
    shift: float
    """What was subtracted from every z/T before exponentiating (0 when nothing needed it)."""
    total: Step
    rows: tuple[ClassRow, ...]
    argmax: int
    loss: Step | None
    jacobian: tuple[tuple[Step, ...], ...] | None
    notes: tuple[str, ...]

    @property
    def steps(self) -> list[Step]:
        """Every step, in the order the report shows them."""
        found: list[Step] = []
        for row in self.rows:
            found += [row.exponential, row.probability, row.log_probability]
            found += [row.gradient] if row.gradient is not None else []
        found.append(self.total)
        found += [self.loss] if self.loss is not None else []
        for line in self.jacobian or ():
            found += line
        return found


def solve_softmax(spec: SoftmaxSpec) -> SoftmaxResult:
    t = spec.temperature.value
    scaled = [z.value / t for z in spec.z]
    finite("z/T", *scaled)
    numbers = rule.softmax(scaled)
    finite("a log-probability (the scores' spread)", *numbers.log_probabilities)
    tempered, shifted = t != 1, numbers.shift != 0
    values: dict[str, Expr] = {"T": input_number(spec.temperature), "m": Num(numbers.shift)}
    values.update({f"z_{i}": input_number(z) for i, z in enumerate(spec.z)})
    values["Σ"] = Num(numbers.total)
    values.update({f"p_{i}": Num(p) for i, p in enumerate(numbers.probabilities)})
    target = [y.value for y in spec.target] if spec.target else None
    if target:
        values.update({f"y_{i}": Num(y) for i, y in enumerate(target)})
    exact = _exact(spec) if spec.exact else None
    rows = []
    for i, s in enumerate(scaled):
        power = rule.exponential_rule(i, tempered, shifted)
        # an exponential below the smallest float64 as a Decimal, not a silent 0
        exponential = numbers.exponentials[i] or exp_value(s - numbers.shift)
        p = numbers.probabilities[i]
        # below the smallest float64: e^(ln p), exactly enough, rather than a silent 0
        shown: Value = exp_value(numbers.log_probabilities[i]) if p == 0 else p
        gradient = None
        if target is not None:
            rate = rule.gradient_rule(i, tempered)
            slope = rule.cross_entropy_gradient(p, numbers.log_probabilities[i], target[i]) / t
            gradient = step(f"dL/dz{i}", Diff(L, rule.z(i)), rate, values, slope)
        rows.append(
            ClassRow(
                i,
                spec.z[i].value,
                s,
                step(f"exp{i}", power, power, values, exponential),
                step(
                    f"p{i}",
                    rule.p(i),
                    rule.probability_rule(i, tempered, shifted),
                    values,
                    shown,
                    exact=exact[0][i] if exact else None,
                ),
                step(
                    f"ln_p{i}",
                    ln(rule.p(i)),
                    rule.log_probability_rule(i, tempered, shifted),
                    values,
                    numbers.log_probabilities[i],
                ),
                None if target is None else target[i],
                gradient,
            )
        )
    total = step(
        "sum",
        rule.SUM,
        rule.total_rule(len(scaled), tempered, shifted),
        values,
        numbers.total,
    )
    loss = _cross_entropy(numbers, target, exact[1] if exact else None) if target else None
    jacobian = _jacobian(numbers, values, t) if spec.jacobian else None
    argmax = max(range(len(scaled)), key=lambda i: scaled[i])
    notes = _notes(spec, numbers.shift)
    tiny = [
        f"p{str(i).translate(SUBSCRIPT)}" for i, p in enumerate(numbers.probabilities) if p == 0
    ]
    if tiny:
        notes += (
            f"{', '.join(tiny)} {'is' if len(tiny) == 1 else 'are'} below the smallest float64: "
            "shown as e^(ln p), computed from ln p; 0 in float64 (and in the JSON "
            "probabilities)",
        )
    return SoftmaxResult(t, numbers.shift, total, tuple(rows), argmax, loss, jacobian, notes)


def _notes(spec: SoftmaxSpec, shift: float) -> tuple[str, ...]:
    t = spec.temperature.value
    notes = []
    if t != 1:
        notes.append(
            f"temperature T = {num(t, spec.digits)}: the scores are divided by T first, "
            "p = softmax(z/T)"
        )
    if shift:
        f = num(-shift, spec.digits)
        notes.append(
            f"e^z would {'overflow' if shift > 0 else 'underflow'} a float64, so the largest score "
            f"{num(shift, spec.digits)} is subtracted first (softmax(z) = softmax(z {plus(f)})); "
            f"the exponentials shown are e^(z {plus(f)})"
        )
    return tuple(notes)


def _cross_entropy(numbers: rule.Softmax, target: list[float], exact: Expr | None) -> Step:
    """L = −Σ y·ln p, with ln p from log-softmax (so that p ≈ 0 gives a large loss, not ln 0)."""
    terms = [(i, y) for i, y in enumerate(target) if y]
    log_p = numbers.log_probabilities
    loss = -arith.fsum(y * log_p[i] for i, y in terms)
    finite("the cross-entropy", loss)
    if len(terms) == 1 and terms[0][1] == 1:
        k = terms[0][0]
        stages = [-ln(Num(numbers.probabilities[k])), Neg(Num(log_p[k]))]
        if numbers.probabilities[k] == 0:  # p underflowed: ln p comes from log-softmax
            stages = stages[1:]
        return step("L", L, -ln(rule.p(k)), {}, loss, stages=stages, exact=exact)
    formula = Neg(Add(tuple(rule.y(i) * ln(rule.p(i)) for i, _ in terms)))
    written = Neg(Add(tuple(Mul((Num(y), Num(log_p[i]))) for i, y in terms)))
    return step("L", L, formula, {}, loss, stages=[written], exact=exact)


def _jacobian(
    numbers: rule.Softmax, values: dict[str, Expr], t: float
) -> tuple[tuple[Step, ...], ...]:
    """∂p_i/∂z_j = p_i·(δ_ij − p_j)/T, the diagonal's 1 − p_i without cancelling near 1."""
    tempered = t != 1
    p, log_p = numbers.probabilities, numbers.log_probabilities
    return tuple(
        tuple(
            step(
                f"dp{i}/dz{j}",
                Diff(rule.p(i), rule.z(j)),
                rule.jacobian_rule(i, j, tempered),
                values,
                p[i] * (rule.complement(p[i], log_p[i]) if i == j else -p[j]) / t,
            )
            for j in range(len(p))
        )
        for i in range(len(p))
    )


def _exact(spec: SoftmaxSpec) -> tuple[list[Expr], Expr | None]:
    """p_i = e^(z_i/T)/Σ e^(z_j/T) and −Σ y·ln p in closed form, from the same trees."""
    from dlcalc.steps.sympy_bridge import from_sympy, rational, sympy, to_sympy

    tempered = spec.temperature.value != 1
    n = len(spec.z)
    symbols: dict[str, Any] = {f"z_{i}": rational(z.exact) for i, z in enumerate(spec.z)}
    symbols["T"] = rational(spec.temperature.exact)
    symbols["Σ"] = rule.total_rule(n, tempered, False)
    probabilities = [to_sympy(rule.probability_rule(i, tempered, False), symbols) for i in range(n)]
    loss = None
    if spec.target:
        log = sympy().log
        loss = from_sympy(
            -sympy().Add(
                *(rational(y.exact) * log(p) for y, p in zip(spec.target, probabilities) if y.exact)
            )
        )
    return [from_sympy(p) for p in probabilities], loss
