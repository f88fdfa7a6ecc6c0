"""Losses: every term written out, the reduction, and the gradient with respect to each
prediction.

Element-wise losses (mse, sse, half_sse, mae, huber, log_cosh, bce) reduce over all the elements,
as PyTorch does; the hinge losses take the mean over each example's outputs first, as Keras does;
the distribution losses (cce, sparse_cce, kl) sum over each example's classes. ``mean`` then
averages over the elements or the examples, ``sum`` adds them up.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any, NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.solve.exact import closed_form, rational
from dlcalc.solve.exact import sympy as exact_sympy
from dlcalc.solve.numbers import finite, num, stable_sigmoid
from dlcalc.spec.calculators import LossSpec

KERAS_EPSILON = 1e-7
LN2 = math.log(2)
Fmt = Callable[[float], str]


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


def _p(text: str) -> str:
    return f"({text})" if text.startswith("−") else text


def _sq(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    e = p - t
    return Term(e * e, f"({f(p)} − {_p(f(t))})²", 2 * e, f"2·({f(p)} − {_p(f(t))})")


def _half_sq(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    e = p - t
    return Term(e * e / 2, f"½·({f(p)} − {_p(f(t))})²", e, f"{f(p)} − {_p(f(t))}")


def _abs(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    e = p - t
    sign = (e > 0) - (e < 0)
    return Term(abs(e), f"|{f(p)} − {_p(f(t))}|", float(sign), f"sign({f(e)})")


def _huber(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    e, d = p - t, spec.delta
    if abs(e) <= d:
        return Term(e * e / 2, f"½·{_p(f(e))}² (|e| ≤ δ = {f(d)})", e, f"e = {f(e)}")
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
            f"max({f(p)}, 0) − {f(p)}·{_p(f(t))} + ln(1 + e^−|{f(p)}|)",
            stable_sigmoid(p) - t,
            f"σ({f(p)}) − {_p(f(t))}",
        )
    q, clipped = _clip(p, spec)
    value = -(_xlogy(t, q) + _xlogy(1 - t, 1 - q))
    gradient = 0.0 if clipped else (q - t) / (q * (1 - q))
    shown = f(q)
    return Term(
        value,
        f"−[{f(t)}·ln {shown} + (1 − {f(t)})·ln(1 − {shown})]",
        gradient,
        "0 (clipped)" if clipped else f"({shown} − {_p(f(t))})/({shown}·(1 − {shown}))",
    )


def _cce(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    q, clipped = _clip(p, spec)
    if t == 0:
        return Term(0.0, "0 (y = 0)", 0.0, "0")
    gradient = 0.0 if clipped else -t / q
    return Term(-t * math.log(q), f"−{f(t)}·ln {f(q)}", gradient, f"−{f(t)}/{f(q)}")


def _kl(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    if t == 0:
        return Term(0.0, "0·ln(0/q) = 0", 0.0, "0")
    return Term(t * math.log(t / p), f"{f(t)}·ln({f(t)}/{f(p)})", -t / p, f"−{f(t)}/{f(p)}")


def _hinge(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    margin = 1 - t * p
    active = margin > 0
    return Term(
        max(margin, 0.0),
        f"max(0, 1 − {f(t)}·{_p(f(p))}) = max(0, {f(margin)})",
        -t if active else 0.0,
        f"−y = {f(-t)}" if active else "0 (outside the margin)",
    )


def _squared_hinge(p: float, t: float, spec: LossSpec, f: Fmt) -> Term:
    margin = max(1 - t * p, 0.0)
    return Term(
        margin * margin,
        f"max(0, 1 − {f(t)}·{_p(f(p))})² = {f(margin)}²",
        -2 * t * margin,
        f"−2·{_p(f(t))}·{f(margin)}",
    )


def _clip(p: float, spec: LossSpec) -> tuple[float, bool]:
    """Keras clips probabilities to [1e−7, 1 − 1e−7]; exactly, nothing is clipped."""
    if not spec.keras:
        return p, False
    q = min(max(p, KERAS_EPSILON), 1 - KERAS_EPSILON)
    return q, q != p


def _xlogy(x: float, y: float) -> float:
    return 0.0 if x == 0 else x * math.log(y)


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
        "∂ℓ/∂p = −y inside the margin, 0 outside",
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
LOGITS_FORMULAS = (
    "ℓ = max(z, 0) − z·y + ln(1 + e^−|z|) (from logits z, stable)",
    "∂ℓ/∂z = σ(z) − y",
)


def solve_loss(spec: LossSpec) -> LossResult:
    kind = KINDS[spec.kind]
    _check_domain(spec)

    def f(value: float) -> str:
        return num(value, spec.digits)

    per_log = 1 / LN2 if spec.log2 and kind.logarithmic else 1.0
    renormalise = spec.keras and spec.kind in ("cce", "sparse_cce")
    rows = []
    for prow, trow in zip(spec.pred, spec.target):
        total = sum(p.value for p in prow) if renormalise else 1.0
        row = [kind.term(p.value / total, t.value, spec, f) for p, t in zip(prow, trow)]
        if renormalise:
            # Keras divides each row by its sum first: ∂L/∂p_j = (−y_j/q_j + Σy)/Σp
            weight = sum(t.value for t in trow)
            row = [
                term._replace(
                    gradient=(term.gradient + weight) / total,
                    gradient_working=f"({term.gradient_working} + {f(weight)})/{f(total)}",
                )
                for term in row
            ]
        rows.append(tuple(_scaled(term, per_log) for term in row))
    terms = tuple(rows)
    grouping = "example_mean" if spec.keras and kind.grouping == "element" else kind.grouping
    value, working, factor, scale = _reduce(grouping, spec, terms, f)
    gradient = tuple(tuple(term.gradient * factor for term in row) for row in terms)
    finite(f"the {spec.kind} loss", value, *(g for row in gradient for g in row))
    formula, gradient_formula = (
        LOGITS_FORMULAS
        if spec.kind == "bce" and spec.from_logits
        else (kind.formula, kind.gradient_formula)
    )
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


def _exact(spec: LossSpec, grouping: str) -> tuple[tuple[tuple[str, ...], ...], str | None]:
    """Every term and the loss in closed form (SymPy), with the same reduction."""
    sympy = exact_sympy()
    rows = []
    for prow, trow in zip(spec.pred, spec.target):
        total = (
            sum(p.exact for p in prow) if spec.keras and spec.kind in ("cce", "sparse_cce") else 1
        )
        rows.append([_exact_term(spec, p.exact / total, t.exact) for p, t in zip(prow, trow)])
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


def _exact_term(spec: LossSpec, p: Fraction, t: Fraction) -> Any:
    sympy = exact_sympy()
    if spec.keras and spec.kind in ("bce", "cce", "sparse_cce"):
        p = min(max(p, Fraction(1, 10**7)), 1 - Fraction(1, 10**7))
    P, T = rational(p), rational(t)
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
        return -(_xlog(T, P) + _xlog(1 - T, 1 - P))
    if kind in ("cce", "sparse_cce"):
        return -_xlog(T, P)
    if kind == "kl":
        return _xlog(T, T / P)
    margin = sympy.Max(0, 1 - T * P)
    return margin if kind == "hinge" else margin**2


def _xlog(x: Any, y: Any) -> Any:
    """x·ln y, and 0 where x = 0 (so that 0·ln 0 does not appear)."""
    return 0 if x == 0 else x * exact_sympy().log(y)


def _scaled(term: Term, factor: float) -> Term:
    if factor == 1.0:
        return term
    return Term(
        term.value * factor,
        f"({term.working})/ln 2",
        term.gradient * factor,
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
        if mean:
            return (
                total / count,
                f"({_terms(values, f)})/{count} = {f(total / count)}",
                1 / count,
                f"1/{count}",
            )
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


def _check_domain(spec: LossSpec) -> None:
    """Probabilities must be probabilities, and ln 0 is reported, not returned as infinity."""
    kind = spec.kind
    probabilities = kind in ("cce", "sparse_cce", "kl") or (kind == "bce" and not spec.from_logits)
    renormalised = spec.keras and kind in ("cce", "sparse_cce")
    for i, (prow, trow) in enumerate(zip(spec.pred, spec.target), start=1):
        if renormalised and sum(p.value for p in prow) <= 0:
            raise _error(
                f"example {i}'s predictions add up to 0, so they cannot be renormalised",
                "non-negative scores with a positive sum",
                None,
            )
        for j, (p, t) in enumerate(zip(prow, trow), start=1):
            where = f"example {i}, output {j}"
            if renormalised and p.value < 0:
                raise _error(
                    f"{kind} needs non-negative predictions, but the one at {where} is {p.text}",
                    "non-negative scores (Keras divides each row by its sum)",
                    None,
                )
            if probabilities and not renormalised and not 0 <= p.value <= 1:
                raise _error(
                    f"{kind} needs probabilities, but the prediction at {where} is {p.text}",
                    "predictions from 0 to 1" + (" (or --from-logits)" if kind == "bce" else ""),
                    "apply a sigmoid/softmax first, or use --from-logits for raw scores"
                    if kind == "bce"
                    else "apply a softmax first (see dlcalc softmax)",
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
    if spec.keras and spec.kind in ("cce", "sparse_cce"):
        notes.append("Keras convention: each row of p is divided by its sum first")
    if spec.keras and spec.kind in ("bce", "cce", "sparse_cce"):
        notes.append(
            "Keras convention: p clipped to [1e−7, 1 − 1e−7], computed here in float64 "
            "(Keras's float32 gives 15.9424 instead of 16.1181 at the clip)"
        )
    if spec.labels01:
        notes.append("the 0/1 labels are turned into −1/+1, as Keras does")
    if kind.grouping == "element" and spec.keras:
        notes.append(f"Keras: each example's outputs are averaged, then the {spec.reduction}")
    elif kind.grouping == "element":
        notes.append(
            f"{spec.reduction} over all elements, as PyTorch (Keras averages each example's "
            "outputs first: the same for mean, 1/outputs of it for sum)"
        )
    return tuple(notes)
