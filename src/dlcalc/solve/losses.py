"""``dlcalc loss``: every term written out, the reduction, and the gradient with respect to
each prediction, as steps. The losses themselves are defined in :mod:`dlcalc.rules.losses`.

Element-wise losses (mse, sse, half_sse, mae, huber, log_cosh, bce) reduce over all the elements,
as PyTorch does; the hinge losses take the mean over each example's outputs first, as Keras does;
the distribution losses (cce, sparse_cce, kl) sum over each example's classes. ``mean`` then
averages over the elements or the examples, ``sum`` adds them up. Under the Keras convention the
element-wise means (not the sums sse and half_sse) average each example's outputs first, and
probabilities are clipped to [1e−7, 1 − 1e−7] (kl: both distributions to [1e−7, 1]).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, NamedTuple, TypeVar

from dlcalc.errors import DlcalcError, Location
from dlcalc.rules import softmax as softmax_rule
from dlcalc.rules.losses import (
    BCE_LOGITS,
    CCE_LOGITS_FORMULA,
    KERAS_EPSILON,
    LN2,
    LOSSES,
    LossRule,
    Piece,
    exact_term,
)
from dlcalc.solve.numbers import finite, input_number, num
from dlcalc.spec.calculators import LossSpec, Number
from dlcalc.steps import arith
from dlcalc.steps.expr import Add, Diff, Div, Expr, Mul, Neg, Num, Sum, Sym, ln
from dlcalc.steps.step import Step, step

Real = TypeVar("Real", float, Fraction)
L = Sym("L")
LONG = 12
"""Past this many terms, a sum is written with its first and last terms only."""


class Term(NamedTuple):
    value: Step
    """ℓ, the term."""
    gradient: Step
    """∂ℓ/∂p of the term."""


class LossResult(NamedTuple):
    kind: str
    reduction: str
    variable: str
    """p, or z for logits."""
    formula: Expr
    gradient_formula: Expr
    remark: str
    terms: tuple[tuple[Term, ...], ...]
    examples: tuple[Step, ...]
    """Each example's loss, where the terms are grouped by example (and there are several)."""
    loss: Step
    gradients: tuple[tuple[Step, ...], ...]
    """∂L/∂p of the reduced loss, one row per example."""
    scale: Fraction
    """What turns a term's gradient into the loss's: 1/6 for a mean over six elements."""
    notes: tuple[str, ...]
    with_gradient: bool

    @property
    def value(self) -> float:
        return arith.real(self.loss.value)  # type: ignore[arg-type]

    @property
    def gradient(self) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(arith.real(g.value) for g in row) for row in self.gradients)  # type: ignore[arg-type]

    @property
    def steps(self) -> list[Step]:
        """Every step, in the order the report shows them."""
        found: list[Step] = []
        for terms, gradients in zip(self.terms, self.gradients):
            for term, gradient in zip(terms, gradients):
                found.append(term.value)
                if self.with_gradient:
                    found += [term.gradient, gradient]
        return [*found, *self.examples, self.loss]


def rule_of(spec: LossSpec) -> LossRule:
    if spec.from_logits and spec.kind == "bce":
        return BCE_LOGITS
    return LOSSES[spec.kind]


def solve_loss(spec: LossSpec) -> LossResult:
    rule = rule_of(spec)
    _check_domain(spec)
    several = len(spec.pred) > 1
    rows = [
        _row(spec, rule, i, prow, trow, several)
        for i, (prow, trow) in enumerate(zip(spec.pred, spec.target), start=1)
    ]
    grouping = _grouping(spec, rule)
    exact = _exact(spec, grouping, [[piece for _, piece in row] for row in rows])
    terms = tuple(
        tuple(
            term._replace(value=term.value._replace(exact=closed)) if closed else term
            for (term, _), closed in zip(row, closed_row)
        )
        for row, closed_row in zip(rows, exact.terms)
    )
    examples, loss, scale = _reduce(grouping, spec, terms, exact)
    finite(f"the {spec.kind} loss", arith.real(loss.value))  # type: ignore[arg-type]
    gradients = tuple(tuple(_loss_gradient(term, scale) for term in row) for row in terms)
    if spec.gradient:
        flat = (arith.real(g.value) for row in gradients for g in row)  # type: ignore[arg-type]
        finite(f"∂L/∂p of the {spec.kind} loss", *flat)
    formula, gradient_formula = rule.formula, rule.gradient
    if spec.from_logits and spec.kind in ("cce", "sparse_cce"):
        formula = CCE_LOGITS_FORMULA
        gradient_formula = Sym("p") * Sym("Σy") - Sym("y")
    if _in_bits(spec, rule):
        formula, gradient_formula = formula / ln(2), gradient_formula / ln(2)
    return LossResult(
        spec.kind,
        spec.reduction,
        "z" if spec.from_logits else "p",
        formula,
        gradient_formula,
        rule.remark,
        terms,
        examples,
        loss,
        gradients,
        scale,
        _notes(spec, rule),
        spec.gradient,
    )


def _in_bits(spec: LossSpec, rule: LossRule) -> bool:
    return spec.log2 and rule.logarithmic


def _tag(i: int, j: int, several: bool) -> str:
    return f"{i}_{j}" if several else f"{j}"


def _grouping(spec: LossSpec, rule: LossRule) -> str:
    """Keras averages each example's outputs first (but sse and half_sse are sums)."""
    averaged = spec.keras and rule.grouping == "element" and spec.kind not in ("sse", "half_sse")
    return "example_mean" if averaged else rule.grouping


def _row(
    spec: LossSpec,
    rule: LossRule,
    i: int,
    prow: tuple[Number, ...],
    trow: tuple[Number, ...],
    several: bool,
) -> list[tuple[Term, Piece]]:
    """Each term of one example, with the branch that gives it."""
    variable = "z" if spec.from_logits else "p"
    if spec.from_logits and spec.kind in ("cce", "sparse_cce"):
        return _softmax_row(prow, trow, i, several, spec)
    total = sum(p.value for p in prow) if _renormalises(spec) else 1.0
    # Σy of the classes whose q = p/Σp the clip leaves alone (a clipped one is flat in every p)
    weight = sum(
        t.value for p, t in zip(prow, trow) if _clip(p.value / total, spec) == p.value / total
    )
    out = []
    for j, (p, t) in enumerate(zip(prow, trow), start=1):
        q = _clip(p.value / total if _renormalises(spec) else p.value, spec)
        y = _clip(t.value, spec) if spec.kind == "kl" else t.value
        piece = rule.term(q, y, spec.delta)
        shown_p = input_number(p) if q == p.value else Num(q)
        shown_y = input_number(t) if y == t.value else Num(y)
        values: dict[str, Expr] = {variable: shown_p, "y": shown_y, "δ": Num(spec.delta)}
        gradient_formula, gradient, notes = piece.gradient_formula, piece.gradient, []
        if piece.gradient_note:
            notes.append(piece.gradient_note)
        if q != p.value / total:
            gradient_formula, gradient = Num(0), 0.0
            notes.append(f"{variable} is clipped there: the loss is flat")
        if _renormalises(spec):
            values.update({"Σy": Num(weight), "Σp": Num(total)})
            gradient_formula = (gradient_formula + Sym("Σy")) / Sym("Σp")
            gradient = (gradient + weight) / total
        out.append(
            (
                _term(spec, rule, i, j, several, piece, values, gradient_formula, gradient, notes),
                piece,
            )
        )
    return out


def _term(
    spec: LossSpec,
    rule: LossRule,
    i: int,
    j: int,
    several: bool,
    piece: Piece,
    values: dict[str, Expr],
    gradient_formula: Expr,
    gradient: float,
    notes: list[str],
    stages: list[Expr] | None = None,
) -> Term:
    tag = _tag(i, j, several)
    variable = "z" if spec.from_logits else "p"
    symbol = Sym("ℓ", tag.replace("_", ","))
    formula, value = piece.formula, piece.value
    if _in_bits(spec, rule):
        formula, gradient_formula = formula / ln(2), gradient_formula / ln(2)
        value, gradient = value / LN2, gradient / LN2
    term = step(
        f"l_{tag}", symbol, formula, values, value, condition=piece.condition, stages=stages
    )
    slope = step(
        f"dl/dp_{tag}",
        Diff(symbol, Sym(variable, tag.replace("_", ","))),
        gradient_formula,
        values,
        gradient,
        notes=notes,
    )
    return Term(term, slope)


def _softmax_row(
    zrow: tuple[Number, ...], trow: tuple[Number, ...], i: int, several: bool, spec: LossSpec
) -> list[tuple[Term, Piece]]:
    """Cross-entropy on logits: −y_j·ln softmax(z)_j, gradient softmax(z)_j·Σy − y_j."""
    numbers = softmax_rule.softmax([z.value for z in zrow])
    weight = sum(t.value for t in trow)
    out = []
    for j, (t, p, log_p) in enumerate(
        zip(trow, numbers.probabilities, numbers.log_probabilities), start=1
    ):
        y = t.value
        slope = softmax_rule.cross_entropy_gradient(p, log_p, y, weight)
        piece = Piece(-y * log_p if y else 0.0, slope, CCE_LOGITS_FORMULA, Num(0))
        values: dict[str, Expr] = {"y": input_number(t), "p": Num(p), "Σy": Num(weight)}
        stage = Neg(Mul((Num(y), Num(log_p)))) if y else Num(0)
        gradient_formula = Sym("p") * Sym("Σy") - Sym("y")
        term = _term(
            spec,
            LOSSES[spec.kind],
            i,
            j,
            several,
            piece,
            values,
            gradient_formula,
            piece.gradient,
            [],
            stages=[stage],
        )
        out.append((term, piece))
    return out


def _loss_gradient(term: Term, scale: Fraction) -> Step:
    """∂L/∂p = ∂ℓ/∂p·scale."""
    gradient = term.gradient
    name = gradient.name.replace("dl/", "dL/", 1)
    assert isinstance(gradient.symbol, Diff)
    symbol = Diff(L, gradient.symbol.x)
    slope = arith.real(gradient.value)  # type: ignore[arg-type]
    if scale == 1:
        return step(name, symbol, gradient.symbol, {}, slope, stages=[Num(slope)])
    formula = Mul((gradient.symbol, Num(scale)))
    return step(name, symbol, formula, {}, slope * scale, stages=[Mul((Num(slope), Num(scale)))])


def _sum(values: list[Expr]) -> Expr:
    """``a + b + c``, or ``a + … + z`` past :data:`LONG` terms."""
    if len(values) > LONG:
        values = [values[0], Sym("…"), values[-1]]
    return values[0] if len(values) == 1 else Add(tuple(values))


def _reduce(
    grouping: str,
    spec: LossSpec,
    terms: tuple[tuple[Term, ...], ...],
    exact: Closed,
) -> tuple[tuple[Step, ...], Step, Fraction]:
    """Each example's loss (where terms are grouped by example), the loss, and the factor that
    turns a term's gradient into the loss's."""
    examples, outputs = len(terms), len(terms[0])
    mean = spec.reduction == "mean"
    if grouping == "element":
        values = [arith.real(t.value.value) for row in terms for t in row]  # type: ignore[arg-type]
        count = len(values)
        loss = _average("L", L, Sym("ℓ", "i"), values, count if mean else 1, exact.loss)
        return (), loss, Fraction(1, count) if mean else Fraction(1)
    inner = outputs if grouping == "example_mean" else 1
    per_example = []
    for i, row in enumerate(terms, start=1):
        values = [arith.real(t.value.value) for t in row]  # type: ignore[arg-type]
        if examples == 1:
            loss = _average("L", L, Sym("ℓ", "j"), values, inner, exact.loss)
            return (), loss, Fraction(1, inner)
        per_example.append(
            _average(
                f"L_{i}", Sym("L", str(i)), Sym("ℓ", f"{i},j"), values, inner, exact.examples[i - 1]
            )
        )
    totals = [arith.real(s.value) for s in per_example]  # type: ignore[arg-type]
    count = examples if mean else 1
    loss = _average("L", L, Sym("L", "i"), totals, count, exact.loss)
    return tuple(per_example), loss, Fraction(1, inner * count)


def _average(
    name: str, symbol: Expr, part: Sym, values: list[float], count: int, exact: Expr | None
) -> Step:
    """Σ parts (divided by ``count`` when it is more than 1), with the numbers written out."""
    index = part.sub[-1]
    total = arith.fsum(values)
    shown = _sum([Num(v) for v in values])
    if count == 1:
        only = Sym(part.name, part.sub.replace(index, "1"))
        formula: Expr = Sum(index, part) if len(values) > 1 else only
        return step(name, symbol, formula, {}, total, stages=[shown], exact=exact)
    formula = Div(Sum(index, part), Num(count))
    return step(
        name, symbol, formula, {}, total / count, stages=[Div(shown, Num(count))], exact=exact
    )


def _clips(spec: LossSpec) -> bool:
    """Whether Keras's clipping applies: to probabilities, not to logits."""
    probabilities = spec.kind in ("cce", "sparse_cce", "kl") or spec.kind == "bce"
    return spec.keras and probabilities and not spec.from_logits


def _renormalises(spec: LossSpec) -> bool:
    """Keras's categorical cross-entropy divides each row of p by its sum first."""
    return spec.keras and spec.kind in ("cce", "sparse_cce") and not spec.from_logits


def _clip(p: Real, spec: LossSpec) -> Real:
    """p clipped as Keras does: to [ε, 1 − ε], or [ε, 1] for kl (ε = 1e−7); unchanged otherwise."""
    if not _clips(spec):
        return p
    eps = KERAS_EPSILON if isinstance(p, Fraction) else float(KERAS_EPSILON)
    high = 1 if spec.kind == "kl" else 1 - eps  # Keras's bounds: float64 numbers, 1 − ε rounded
    return min(max(p, eps), high)  # type: ignore[return-value]


# --- closed forms ------------------------------------------------------------------------


class Closed(NamedTuple):
    """The closed forms (``--exact``): each term, each example's loss, the loss."""

    terms: list[list[Expr | None]]
    examples: list[Expr | None]
    loss: Expr | None


def _exact(spec: LossSpec, grouping: str, pieces: list[list[Piece]]) -> Closed:
    """Every term, each example's loss and the loss in closed form (SymPy, from the terms' own
    trees)."""
    if not spec.exact:
        return Closed([[None] * len(row) for row in pieces], [None] * len(pieces), None)
    from dlcalc.steps.sympy_bridge import from_sympy, rational, sympy, to_sympy

    sp = sympy()
    rows = []
    for prow, trow, row in zip(spec.pred, spec.target, pieces):
        if spec.from_logits and spec.kind in ("cce", "sparse_cce"):
            n = len(prow)
            symbols = {f"z_{k}": rational(z.exact) for k, z in enumerate(prow)}
            log_total = to_sympy(ln(softmax_rule.total_rule(n, False, False)), symbols)
            terms = [
                -rational(y.exact) * (rational(z.exact) - log_total) for z, y in zip(prow, trow)
            ]
        else:
            total = sum((p.exact for p in prow), Fraction(0)) if _renormalises(spec) else 1
            delta = Fraction(str(spec.delta))
            terms = [
                exact_term(
                    piece,
                    _clip(p.exact / total, spec),
                    _clip(t.exact, spec) if spec.kind == "kl" else t.exact,
                    delta,
                )
                for p, t, piece in zip(prow, trow, row)
            ]
        if _in_bits(spec, rule_of(spec)):
            terms = [term / sp.log(2) for term in terms]
        rows.append(terms)
    outputs = len(rows[0])
    if grouping == "element":
        value = sp.Add(*(term for row in rows for term in row))
        count = len(rows) * outputs
        examples: list[Expr | None] = [None] * len(rows)
    else:
        inner = sp.Rational(1, outputs) if grouping == "example_mean" else 1
        per_example = [inner * sp.Add(*row) for row in rows]
        value, count = sp.Add(*per_example), len(rows)
        examples = [from_sympy(e) for e in per_example]
    if spec.reduction == "mean":
        value = value / count
    closed_terms: list[list[Expr | None]] = [[from_sympy(t) for t in row] for row in rows]
    return Closed(closed_terms, examples, from_sympy(value))


def exact_loss(kind: str, outputs: list[Any], targets: list[Fraction]) -> Any:
    """A network's loss over one example's outputs (SymPy expressions), in closed form: the
    terms of `dlcalc loss`, summed, or averaged for mse and mae. (The losses a network file
    takes have one formula whatever the output, so the branch is chosen by the target alone.)"""
    from dlcalc.steps.sympy_bridge import sympy

    rule = LOSSES[kind]
    terms = [exact_term(rule.term(0.5, float(t), 1.0), o, t) for o, t in zip(outputs, targets)]
    total = sympy().Add(*terms)
    return total / len(outputs) if kind in ("mse", "mae") else total


# --- checks and notes --------------------------------------------------------------------


def _check_domain(spec: LossSpec) -> None:
    """Probabilities must be probabilities, and ln 0 is reported, not returned as infinity."""
    kind = spec.kind
    probabilities = kind in ("cce", "sparse_cce", "kl") or kind == "bce"
    probabilities = probabilities and not spec.from_logits
    for i, (prow, trow) in enumerate(zip(spec.pred, spec.target), start=1):
        if _renormalises(spec) and sum(p.value for p in prow) <= 0:
            raise _error(
                f"example {i}'s predictions add up to 0, so they cannot be renormalised",
                "non-negative scores with a positive sum",
                None,
            )
        for j, (p, t) in enumerate(zip(prow, trow), start=1):
            where = f"example {i}, output {j}"
            if _renormalises(spec) and p.value < 0:
                raise _error(
                    f"{kind} needs non-negative predictions, but the one at {where} is {p.text}",
                    "non-negative scores (Keras divides each row by its sum)",
                    None,
                )
            if probabilities and not _renormalises(spec) and not 0 <= p.value <= 1:
                raise _error(
                    f"{kind} needs probabilities, but the prediction at {where} is {p.text}",
                    "predictions from 0 to 1, or raw scores with --from-logits",
                    "apply a sigmoid/softmax first, or use --from-logits for raw scores",
                )
            if kind in ("bce", "cce", "sparse_cce", "kl") and not 0 <= t.value <= 1:
                raise _error(
                    f"{kind} needs targets from 0 to 1, but the target at {where} is {t.text}",
                    "targets from 0 to 1",
                    None,
                )
            if probabilities and not spec.keras:
                _check_log_zero(kind, p.value, t.value, where)


def _check_log_zero(kind: str, p: float, t: float, where: str) -> None:
    zero = None
    if kind in ("cce", "sparse_cce", "kl") and p == 0 and t > 0:
        zero = f"y = {num(t)} with p = 0 gives ln 0"
    elif kind == "bce" and ((p == 0 and t > 0) or (p == 1 and t < 1)):
        zero = f"y = {num(t)} with p = {num(p)} gives ln({'p' if p == 0 else '1 − p'}) = ln 0"
    if zero:
        raise _error(
            f"the {kind} loss is infinite: at {where}, {zero}",
            "predictions strictly between 0 and 1 where the target is not 0",
            "a model that is certain and wrong has an infinite loss; --convention keras clips "
            "p to [1e−7, 1 − 1e−7] as Keras does",
        )


def _error(message: str, expected: str, suggestion: str | None) -> DlcalcError:
    return DlcalcError(
        message, location=Location("<command line>"), expected=expected, suggestion=suggestion
    )


def _notes(spec: LossSpec, kind: LossRule) -> tuple[str, ...]:
    notes = []
    if spec.log2 and kind.logarithmic:
        notes.append("in bits: every logarithm is log₂ = ln/ln 2 (--log2)")
    if _renormalises(spec):
        notes.append("Keras convention: each row of p is divided by its sum first")
    if _clips(spec):
        bounds = "[1e−7, 1]" if spec.kind == "kl" else "[1e−7, 1 − 1e−7]"
        notes.append(
            f"Keras convention: probabilities clipped to {bounds}, computed here in float64 "
            "(Keras's float32 gives 15.9424 instead of 16.1181 at the clip)"
        )
    if spec.kind in ("cce", "sparse_cce", "kl") and not spec.from_logits and not spec.keras:
        for i, prow in enumerate(spec.pred, start=1):
            total = sum(p.value for p in prow)
            if abs(total - 1) > 1e-9:
                notes.append(f"example {i}'s predictions add up to {num(total)}, not 1")
    if spec.labels01:
        notes.append("the 0/1 labels are turned into −1/+1, as Keras does")
    if kind.grouping == "example_mean":
        notes.append("each example's outputs are averaged first, as Keras does")
    if spec.kind == "kl" and spec.reduction == "mean":
        notes.append(
            "mean over the examples: PyTorch's reduction='batchmean' "
            "(its 'mean' also divides by the number of classes)"
        )
    if _grouping(spec, kind) == "example_mean" and kind.grouping == "element":
        notes.append(f"Keras: each example's outputs are averaged, then the {spec.reduction}")
    elif kind.grouping == "element" and spec.kind not in ("sse", "half_sse"):
        notes.append(
            f"{spec.reduction} over all elements, as PyTorch (Keras averages each example's "
            "outputs first: the same for mean, 1/outputs of it for sum)"
        )
    return tuple(notes)
