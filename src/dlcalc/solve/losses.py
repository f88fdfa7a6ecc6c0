"""Losses: every term written out, the reduction, and the gradient with respect to each
prediction.

Element-wise losses (mse, sse, half_sse, mae, huber, log_cosh, bce) reduce over all the elements,
as PyTorch does; the hinge losses take the mean over each example's outputs first, as Keras does;
the distribution losses (cce, sparse_cce, kl) sum over each example's classes. ``mean`` then
averages over the elements or the examples, ``sum`` adds them up. Under the Keras convention the
element-wise means (not the sums sse and half_sse) average each example's outputs first, and
probabilities are clipped to [1e−7, 1 − 1e−7] (kl: both distributions to [1e−7, 1]).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple, TypeVar

from dlcalc.errors import DlcalcError, Location
from dlcalc.solve.exact import closed_form, rational
from dlcalc.solve.exact import sympy as exact_sympy
from dlcalc.solve.numbers import Fmt, factor, finite, num, plus, stable_sigmoid
from dlcalc.spec.calculators import LossSpec

KERAS_EPSILON = Fraction(1, 10**7)
LN2 = math.log(2)
Real = TypeVar("Real", float, Fraction)


class Term(NamedTuple):
    value: float
    working: str
    gradient: float
    """∂(this term)/∂p."""
    gradient_working: str


class LossKind(NamedTuple):
    formula: str
    gradient_formula: str
    grouping: str
    """"element", "example_mean" (hinge) or "example_sum" (distributions)."""
    term: Callable[[float, float, LossSpec, Fmt], Term]
    logarithmic: bool = False


class LossResult(NamedTuple):
    kind: str
    formula: str
    gradient_formula: str
    reduction: str
    reduction_working: str
    value: float
    terms: tuple[tuple[Term, ...], ...]
    gradient: tuple[tuple[float, ...], ...]
    """∂L/∂p of the reduced loss, one row per example."""
    scale: str
    """How a term's gradient becomes the loss's: "1/6" for a mean over six elements."""
    notes: tuple[str, ...]
    exact_terms: tuple[tuple[str, ...], ...] = ()
    exact_value: str | None = None


# --- the terms ---------------------------------------------------------------------------


def _sq(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    e = p - t
    return Term(e * e, f"({f(p)} {plus(f(-t))})²", 2 * e, f"2·({f(p)} {plus(f(-t))})")


def _half_sq(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    e = p - t
    return Term(e * e / 2, f"½·({f(p)} {plus(f(-t))})²", e, f"{f(p)} {plus(f(-t))}")


def _abs(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    e = p - t
    sign = (e > 0) - (e < 0)
    return Term(abs(e), f"|{f(p)} {plus(f(-t))}|", float(sign), f"sign({f(e)})")


def _huber(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    e, d = p - t, spec.delta
    if abs(e) <= d:
        return Term(e * e / 2, f"½·{factor(f(e))}² (|e| ≤ δ = {f(d)})", e, f"e = {f(e)}")
    sign = 1.0 if e > 0 else -1.0
    return Term(
        d * (abs(e) - d / 2),
        f"{f(d)}·(|{f(e)}| − ½·{f(d)}) (|e| > δ)",
        d * sign,
        f"δ·sign(e) = {f(d * sign)}",
    )


def _log_cosh(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    e = p - t
    value = abs(e) + math.log1p(math.exp(-2 * abs(e))) - LN2
    return Term(value, f"ln cosh({f(e)})", math.tanh(e), f"tanh({f(e)})")


def _bce(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    if spec.from_logits:
        value = max(p, 0.0) - p * t + math.log1p(math.exp(-abs(p)))
        return Term(
            value,
            f"max({f(p)}, 0) − {factor(f(p))}·{factor(f(t))} + ln(1 + e^(−|{f(p)}|))",
            stable_sigmoid(p) - t,
            f"σ({f(p)}) {plus(f(-t))}",
        )
    q = _clip(p, spec)
    value = -(_xlog(t, q, math.log) + _xlog(1 - t, 1 - q, math.log))
    shown = num(q, 10) if q != p else f(q)
    if q != p:
        gradient, text = 0.0, "0 (clipped)"
    elif 0 < q < 1:
        gradient, text = (q - t) / (q * (1 - q)), f"({shown} {plus(f(-t))})/({shown}·(1 − {shown}))"
    else:  # a certain and right prediction: the loss is 0 and flat there, as in PyTorch
        gradient, text = 0.0, "0 (p = y)"
    return Term(value, f"−[{f(t)}·ln {shown} + (1 − {f(t)})·ln(1 − {shown})]", gradient, text)


def _cce(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    q = _clip(p, spec)
    if t == 0:
        return Term(0.0, "0 (y = 0)", 0.0, "0")
    gradient = 0.0 if q != p else -t / q
    return Term(-t * math.log(q), f"−{f(t)}·ln {factor(f(q))}", gradient, f"−{f(t)}/{factor(f(q))}")


def _kl(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    q, y = _clip(p, spec), _clip(t, spec)
    if y == 0:
        return Term(0.0, "0·ln(0/p) = 0", 0.0, "0")
    gradient = 0.0 if q != p else -y / q
    return Term(
        y * math.log(y / q),
        f"{f(y)}·ln({f(y)}/{factor(f(q))})",
        gradient,
        f"−{f(y)}/{factor(f(q))}",
    )


def _hinge(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    margin = 1 - t * p
    active = margin > 0
    return Term(
        max(margin, 0.0),
        f"max(0, 1 − {factor(f(t))}·{factor(f(p))}) = max(0, {f(margin)})",
        -t if active else 0.0,
        f"−y = {f(-t)}" if active else "0 (outside the margin)",
    )


def _squared_hinge(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    margin = max(1 - t * p, 0.0)
    return Term(
        margin * margin,
        f"max(0, 1 − {factor(f(t))}·{factor(f(p))})² = {factor(f(margin))}²",
        -2 * t * margin,
        f"−2·{factor(f(t))}·{factor(f(margin))}",
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
    high = 1 if spec.kind == "kl" else 1 - eps
    return min(max(p, eps), high)  # type: ignore[return-value]


def _xlog(x: Any, y: Any, log: Callable[[Any], Any]) -> Any:
    """x·ln y, and 0 where x = 0 (so that 0·ln 0 does not appear)."""
    return 0 if x == 0 else x * log(y)


KINDS: dict[str, LossKind] = {
    "mse": LossKind("ℓ = (p − y)²", "∂ℓ/∂p = 2·(p − y)", "element", _sq),
    "sse": LossKind("ℓ = (p − y)²", "∂ℓ/∂p = 2·(p − y)", "element", _sq),
    "half_sse": LossKind("ℓ = ½·(p − y)²", "∂ℓ/∂p = p − y", "element", _half_sq),
    "mae": LossKind("ℓ = |p − y|", "∂ℓ/∂p = sign(p − y) (0 at p = y)", "element", _abs),
    "huber": LossKind(
        "ℓ = ½·e² if |e| ≤ δ, else δ·(|e| − ½·δ), e = p − y",
        "∂ℓ/∂p = e if |e| ≤ δ, else δ·sign(e)",
        "element",
        _huber,
    ),
    "log_cosh": LossKind("ℓ = ln cosh(p − y)", "∂ℓ/∂p = tanh(p − y)", "element", _log_cosh),
    "bce": LossKind(
        "ℓ = −[y·ln p + (1 − y)·ln(1 − p)]",
        "∂ℓ/∂p = (p − y)/(p·(1 − p))",
        "element",
        _bce,
        logarithmic=True,
    ),
    "cce": LossKind(
        "L = −Σ y·ln p over the classes", "∂L/∂p = −y/p", "example_sum", _cce, logarithmic=True
    ),
    "sparse_cce": LossKind(
        "L = −ln p[label] (cce with a one-hot y)",
        "∂L/∂p = −y/p",
        "example_sum",
        _cce,
        logarithmic=True,
    ),
    "kl": LossKind(
        "KL(y‖p) = Σ y·ln(y/p) over the classes (0·ln 0 = 0)",
        "∂KL/∂p = −y/p",
        "example_sum",
        _kl,
        logarithmic=True,
    ),
    "hinge": LossKind(
        "ℓ = max(0, 1 − y·p), y = ±1",
        "∂ℓ/∂p = −y inside the margin, 0 outside (and at its edge)",
        "example_mean",
        _hinge,
    ),
    "squared_hinge": LossKind(
        "ℓ = max(0, 1 − y·p)², y = ±1",
        "∂ℓ/∂p = −2·y·max(0, 1 − y·p)",
        "example_mean",
        _squared_hinge,
    ),
}
LOGIT_FORMULAS = {
    "bce": (
        "ℓ = max(z, 0) − z·y + ln(1 + e^−|z|) (from logits z, stable)",
        "∂ℓ/∂z = σ(z) − y",
    ),
    "cce": ("L = −Σ y·ln softmax(z) over the classes (from logits z)", "∂L/∂z = softmax(z)·Σy − y"),
}
LOGIT_FORMULAS["sparse_cce"] = LOGIT_FORMULAS["cce"]


# --- solving -----------------------------------------------------------------------------


def solve_loss(spec: LossSpec) -> LossResult:
    kind = KINDS[spec.kind]
    _check_domain(spec)

    def f(value: float) -> str:
        return num(value, spec.digits)

    per_log = 1 / LN2 if spec.log2 and kind.logarithmic else 1.0
    terms = tuple(
        tuple(_scaled(term, per_log) for term in _row_terms(spec, kind, prow, trow, f))
        for prow, trow in zip(spec.pred, spec.target)
    )
    grouping = _grouping(spec, kind)
    value, working, factor_, scale = _reduce(grouping, spec, terms, f)
    gradient = tuple(tuple(term.gradient * factor_ for term in row) for row in terms)
    finite(f"the {spec.kind} loss", value)
    if spec.gradient:
        finite(f"∂L/∂p of the {spec.kind} loss", *(g for row in gradient for g in row))
    formula, gradient_formula = (
        LOGIT_FORMULAS[spec.kind] if spec.from_logits else (kind.formula, kind.gradient_formula)
    )
    if spec.log2 and kind.logarithmic:
        formula = formula.replace("ln", "log₂")
    exact: tuple[tuple[tuple[str, ...], ...], str | None] = (
        _exact(spec, grouping) if spec.exact else ((), None)
    )
    return LossResult(
        spec.kind,
        formula,
        gradient_formula,
        spec.reduction,
        working,
        value,
        terms,
        gradient,
        scale,
        _notes(spec, kind),
        *exact,
    )


def _grouping(spec: LossSpec, kind: LossKind) -> str:
    """Keras averages each example's outputs first (but sse and half_sse are sums)."""
    averaged = spec.keras and kind.grouping == "element" and spec.kind not in ("sse", "half_sse")
    return "example_mean" if averaged else kind.grouping


def _row_terms(spec: LossSpec, kind: LossKind, prow: Any, trow: Any, f: Fmt) -> list[Term]:
    if spec.from_logits and spec.kind in ("cce", "sparse_cce"):
        return _softmax_terms([p.value for p in prow], [t.value for t in trow], f)
    total = sum(p.value for p in prow) if _renormalises(spec) else 1.0
    terms = [kind.term(p.value / total, t.value, spec, f) for p, t in zip(prow, trow)]
    if not _renormalises(spec):
        return terms
    # Keras divides each row by its sum first: ∂L/∂p_j = (−y_j/q_j + Σy)/Σp
    weight = sum(t.value for t in trow)
    return [
        term._replace(
            gradient=(term.gradient + weight) / total,
            gradient_working=f"({term.gradient_working} + {f(weight)})/{f(total)}",
        )
        for term in terms
    ]


def _softmax_terms(z: list[float], y: list[float], f: Fmt) -> list[Term]:
    """Cross-entropy on logits: −y_j·log softmax(z)_j, gradient softmax(z)_j·Σy − y_j."""
    largest = max(z)
    log_total = largest + math.log(sum(math.exp(v - largest) for v in z))
    weight = sum(y)
    terms = []
    for j, (zj, yj) in enumerate(zip(z, y)):
        log_p = zj - log_total
        p = math.exp(log_p)
        working = "0 (y = 0)" if yj == 0 else f"−{f(yj)}·ln softmax(z)_{j} = −{f(yj)}·({f(log_p)})"
        terms.append(
            Term(
                -yj * log_p,
                working,
                p * weight - yj,
                f"{f(p)}·{f(weight)} {plus(f(-yj))}",
            )
        )
    return terms


def _scaled(term: Term, factor_: float) -> Term:
    if factor_ == 1.0 or term.value == 0:
        return term
    return Term(
        term.value * factor_,
        f"({term.working})/ln 2",
        term.gradient * factor_,
        f"({term.gradient_working})/ln 2",
    )


def _reduce(
    grouping: str, spec: LossSpec, terms: tuple[tuple[Term, ...], ...], f: Fmt
) -> tuple[float, str, float, str]:
    """The loss, its working, and the factor that turns a term's gradient into the loss's."""
    examples, outputs = len(terms), len(terms[0])
    mean = spec.reduction == "mean"
    if grouping == "element":
        values = [term.value for row in terms for term in row]
        count, total = len(values), sum(values)
        if mean and count > 1:
            working = f"({_terms(values, f)})/{count} = {f(total / count)}"
            return total / count, working, 1 / count, f"1/{count}"
        return total, f"{_terms(values, f)} = {f(total)}", 1.0, "1"
    inner = 1 / outputs if grouping == "example_mean" else 1.0
    per_example, lines = [], []
    for i, row in enumerate(terms, start=1):
        values = [term.value for term in row]
        value = sum(values) * inner
        per_example.append(value)
        shown = f"({_terms(values, f)})/{outputs}" if inner != 1 else _terms(values, f)
        lines.append(f"example {i}: {shown} = {f(value)}")
    total = sum(per_example)
    if examples == 1:
        return total, lines[0], inner, _fraction(inner)
    if mean:
        lines.append(f"mean = ({_terms(per_example, f)})/{examples} = {f(total / examples)}")
        return total / examples, "; ".join(lines), inner / examples, _fraction(inner / examples)
    lines.append(f"sum = {_terms(per_example, f)} = {f(total)}")
    return total, "; ".join(lines), inner, _fraction(inner)


def _fraction(value: float) -> str:
    return "1" if value == 1 else f"1/{round(1 / value)}"


def _terms(values: list[float], f: Fmt) -> str:
    """``a + b − c``, or the first and last of a long list."""
    if len(values) > 12:
        return f"{f(values[0])} + … + {f(values[-1])} ({len(values)} terms)"
    return " + ".join(f(v) for v in values).replace("+ −", "− ")


# --- closed forms ------------------------------------------------------------------------


def _exact(spec: LossSpec, grouping: str) -> tuple[tuple[tuple[str, ...], ...], str | None]:
    """Every term and the loss in closed form (SymPy), with the same reduction."""
    sympy = exact_sympy()
    rows = [
        _exact_row(spec, [p.exact for p in prow], [t.exact for t in trow])
        for prow, trow in zip(spec.pred, spec.target)
    ]
    if spec.log2 and KINDS[spec.kind].logarithmic:
        rows = [[term / sympy.log(2) for term in row] for row in rows]
    examples, outputs = len(rows), len(rows[0])
    if grouping == "element":
        value = sympy.Add(*(term for row in rows for term in row))
        count = examples * outputs
    else:
        inner = sympy.Rational(1, outputs) if grouping == "example_mean" else 1
        value = sympy.Add(*(inner * sympy.Add(*row) for row in rows))
        count = examples
    if spec.reduction == "mean":
        value = value / count
    return tuple(tuple(closed_form(term) for term in row) for row in rows), closed_form(value)


def exact_loss(kind: str, outputs: list[Any], targets: list[Fraction]) -> Any:
    """A network's loss over one example's outputs (SymPy expressions), in closed form: the
    terms of `dlcalc loss`, summed, or averaged for mse and mae."""
    sympy = exact_sympy()
    spec = LossSpec(kind, (), (), "sum")
    terms = [_exact_term(spec, o, t) for o, t in zip(outputs, targets)]
    if kind == "cce":
        terms = [-_xlog(rational(t), o, sympy.log) for o, t in zip(outputs, targets)]
    total = sympy.Add(*terms)
    return total / len(outputs) if kind in ("mse", "mae") else total


def _exact_row(spec: LossSpec, p: list[Fraction], t: list[Fraction]) -> list[Any]:
    sympy = exact_sympy()
    if spec.from_logits and spec.kind in ("cce", "sparse_cce"):
        log_total = sympy.log(sympy.Add(*(sympy.exp(rational(z)) for z in p)))
        return [-_xlog(rational(y), rational(z) - log_total, lambda v: v) for z, y in zip(p, t)]
    total = sum(p, Fraction(0)) if _renormalises(spec) else Fraction(1)
    return [
        _exact_term(spec, _clip(pj / total, spec), _clip(tj, spec) if spec.kind == "kl" else tj)
        for pj, tj in zip(p, t)
    ]


def _exact_term(spec: LossSpec, p: Any, t: Fraction) -> Any:
    """One term in closed form; ``p`` is a number, or a SymPy expression (for backprop)."""
    sympy = exact_sympy()
    P = rational(p) if isinstance(p, Fraction) else p
    T = rational(t)
    e = P - T
    kind = spec.kind
    if kind in ("mse", "sse"):
        return e**2
    if kind == "half_sse":
        return e**2 / 2
    if kind == "mae":
        return abs(e)
    if kind == "huber":
        d = rational(Fraction(str(spec.delta)))
        return e**2 / 2 if abs(e) <= d else d * (abs(e) - d / 2)
    if kind == "log_cosh":
        return sympy.log(sympy.cosh(e))
    if kind == "bce" and spec.from_logits:
        return sympy.Max(P, 0) - P * T + sympy.log(1 + sympy.exp(-abs(P)))
    if kind == "bce":
        return -(_xlog(T, P, sympy.log) + _xlog(1 - T, 1 - P, sympy.log))
    if kind in ("cce", "sparse_cce"):
        return -_xlog(T, P, sympy.log)
    if kind == "kl":
        return _xlog(T, T / P, sympy.log)
    margin = sympy.Max(0, 1 - T * P)
    return margin if kind == "hinge" else margin**2


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


def _notes(spec: LossSpec, kind: LossKind) -> tuple[str, ...]:
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
