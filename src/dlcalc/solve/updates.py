"""The optimizers' update rules, each written once as formulas, in three conventions.

``course`` is the form of the course notes (momentum with (1 − β), ε outside the square roots),
``pytorch`` reproduces torch.optim and ``keras`` keras.optimizers (Keras 3), formula for formula;
see the README. One function per optimizer; what differs between the conventions is visible in
one place. Each quantity is a step of a :class:`Ledger`: its formula in symbols, evaluated with
the values known so far. A student's mistake is a variant of the :class:`Rules` (in
:mod:`dlcalc.solve.optimizer_mistakes`); the formulas here are the correct ones.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import NamedTuple

from dlcalc.steps import arith
from dlcalc.steps.evaluate import evaluate, evaluate_calls
from dlcalc.steps.expr import HALF, Add, Expr, Num, Sym, call, sqrt, tidy, transform
from dlcalc.steps.step import Step, step

θ, g, η, λ, μ, τ, ε, ρ, β, ψ = (Sym(name) for name in "θgηλμτερβψ")
β1, β2 = Sym("β", "1"), Sym("β", "2")
t = Sym("t")
m, v, G, b, u, Δ, Π = (Sym(name) for name in "mvGbuΔΠ")
Eg2 = Sym("E[g²]", latex="E[g^{2}]")
EΔ2 = Sym("E[Δ²]", latex=r"E[\Delta^{2}]")
ḡ = Sym("ḡ", latex=r"\bar{g}")
m̂, v̂, ε̂ = Sym("m̂"), Sym("v̂"), Sym("ε̂")
v_max, θ_ahead = Sym("v", "max"), Sym("θ", "ahead")
η_t, α_t, μ_t, μ_next = Sym("η", "t"), Sym("α", "t"), Sym("μ", "t"), Sym("μ", "(t+1)")
decay, denominator = Sym("decay"), Sym("denominator")
Δθ, θ_new = Sym("Δθ", latex=r"\Delta\theta"), Sym("θ⁺")

HYPER = {
    "lr": "η",
    "weight_decay": "λ",
    "momentum": "μ",
    "dampening": "τ",
    "eps": "ε",
    "rho": "ρ",
    "beta1": "β_1",
    "beta2": "β_2",
    "momentum_decay": "ψ",
    "lr_decay": "decay",
}
"""The symbol of each hyper-parameter."""


NADAM_BASE = Num(Fraction(24, 25), "0.96")
"""NAdam's momentum schedule base (exact: its powers are computed at 40 digits too)."""


class Rules(NamedTuple):
    """The formulas a student can get wrong, each a function giving a tree."""

    momentum: Callable[[], Expr]
    """The course's momentum average: v ← β·v + (1 − β)·g."""
    root: Callable[[Expr, bool], Expr]
    """A denominator with ε: √(a + ε) where the convention puts ε inside, else √a + ε."""
    bias: Callable[[Expr, int], Expr]
    """The bias correction's divisor at step t (an int): 1 − β^t."""


CORRECT = Rules(
    momentum=lambda: β * v + (1 - β) * g,
    root=lambda a, inside: sqrt(a + ε) if inside else sqrt(a) + ε,
    bias=lambda beta, step: 1 - beta**t,
)


class Ledger:
    """The quantities of one parameter's step: each a :class:`Step` named ``KEY_P_T`` (the
    parameter's new value ``P_T``), whose value is its formula evaluated with the values known
    so far; a quantity's new value replaces the old under its symbol."""

    def __init__(self, parameter: str, t: int, known: dict[str, float]) -> None:
        self.parameter, self.t, self.known = parameter, t, known
        self.values: dict[str, Expr] = {name: Num(value) for name, value in known.items()}
        self.steps: list[Step] = []
        self.keys: list[str] = []
        self.increments: list[float] = []
        """What each θ ← θ + … adds: Δθ, without subtracting two rounded θ's."""

    def let(
        self,
        key: str,
        symbol: Sym,
        formula: Expr,
        words: str = "",
        known: tuple[Expr, float] | None = None,
    ) -> float:
        """The step ``KEY_P_T``; ``known``: a part of the formula whose value is known better
        than by evaluating it (E[g²] − ḡ², which cancels), used for the value."""
        formula = RULES.setdefault(formula, formula)  # one tree per rule: written once
        values = self.values
        put_in = tidy(formula.subs(values))
        if known is None:
            value = evaluate(put_in)
        else:
            value = evaluate(tidy(transform(formula, lambda n: _known(n, known)).subs(values)))
        if symbol == θ and isinstance(formula, Add) and formula.terms[0] == θ:
            terms = formula.terms
            rest = Add(terms[1:]) if len(terms) > 2 else terms[1]
            self.increments.append(evaluate(tidy(rest.subs(values))))
        name = f"{key}_{self.parameter}_{self.t}" if key != "theta" else self.name
        stages = (put_in, evaluate_calls(put_in))
        self.steps.append(step(name, symbol, formula, {}, value, words=words, stages=stages))
        self.keys.append(key)
        self.known[symbol.key] = value
        values[symbol.key] = Num(value)
        return value

    @property
    def name(self) -> str:
        return f"{self.parameter}_{self.t}"


RULES: dict[Expr, Expr] = {}
"""Each update rule's tree, the first one built: the same object at every step, so that a
printer writes it once (its memo is by identity)."""


def _known(node: Expr, known: tuple[Expr, float]) -> Expr:
    return Num(known[1]) if node == known[0] else node


class Settings(NamedTuple):
    """The hyper-parameters, with every default filled in, the switches, and the rules."""

    optimizer: str
    convention: str
    hyper: dict[str, float]
    nesterov: bool = False
    amsgrad: bool = False
    centered: bool = False
    rules: Rules = CORRECT


Update = Callable[[Settings, Ledger], None]


def _decay(s: Settings, w: Ledger) -> None:
    """Weight decay: PyTorch and the course add λθ to the gradient (L2); Keras, and PyTorch's
    AdamW, shrink θ first (decoupled)."""
    if not s.hyper["weight_decay"]:
        return
    if s.convention == "keras" or s.optimizer == "adamw":
        w.let("theta_decayed", θ, θ - η * λ * θ, "(decoupled weight decay)")
    else:
        w.let("g_l2", g, g + λ * θ, "(L2 weight decay)")


def _sgd(s: Settings, w: Ledger) -> None:
    _decay(s, w)
    if s.optimizer == "sgd" and not s.hyper["momentum"]:
        w.let("theta", θ, θ - η * g)
    elif s.convention == "course" and s.nesterov:  # Sutskever: g is taken at θ + μ·v
        w.let("lookahead", θ_ahead, θ + μ * v, "(g is the gradient there)")
        w.let("v", v, μ * v - η * g)
        w.let("theta", θ, θ + v)
    elif s.convention == "course":
        w.let("v", v, s.rules.momentum())
        w.let("theta", θ, θ - η * v)
    elif s.convention == "pytorch":
        if "b" in w.known:
            w.let("b", b, μ * b + (1 - τ) * g)
        else:
            w.let("b", b, g, "(the first step copies the gradient)")
        if s.nesterov:
            w.let("g_nesterov", g, g + μ * b, "(Nesterov)")
            w.let("theta", θ, θ - η * g)
        else:
            w.let("theta", θ, θ - η * b)
    else:
        w.let("v", v, μ * v - η * g)
        w.let("theta", θ, θ + μ * v - η * g if s.nesterov else θ + v)


def _adagrad(s: Settings, w: Ledger) -> None:
    _decay(s, w)
    w.let("G", G, G + g**2)
    rate = η
    if s.convention == "pytorch" and s.hyper.get("lr_decay"):
        w.let("lr_t", η_t, η / (1 + (t - 1) * decay))
        rate = η_t
    w.let("denominator", denominator, s.rules.root(G, s.convention == "keras"))
    w.let("theta", θ, θ - rate * g / denominator)


def _average(rate: Expr, old: Expr, new: Expr) -> Expr:
    """An exponential moving average: rate·old + (1 − rate)·new."""
    return rate * old + (1 - rate) * new


def _rmsprop(s: Settings, w: Ledger) -> None:
    _decay(s, w)
    w.let("Eg2", Eg2, _average(ρ, Eg2, g**2))
    spread: Expr = Eg2
    known = None
    if s.centered:
        # E[g²] − ḡ² cancels once the gradient settles; the same variance, updated as
        # ρ·var + ρ·(1 − ρ)·(g − ḡ)² with the ḡ before this step, does not
        rho, mean, gradient = s.hyper["rho"], w.known["ḡ"], w.known["g"]
        w.known["var"] = rho * w.known["var"] + rho * (1 - rho) * (gradient - mean) ** 2
        w.let("g_bar", ḡ, _average(ρ, ḡ, g))
        spread = Eg2 - ḡ**2
        known = (spread, w.known["var"])
    root = s.rules.root(spread, s.convention == "keras")
    w.let("denominator", denominator, root, known=known)
    if not s.hyper["momentum"]:
        w.let("theta", θ, θ - η * g / denominator)
    elif s.convention == "keras":
        w.let("buf", b, μ * b + η * g / denominator)
        w.let("theta", θ, θ - b)
    else:
        w.let("buf", b, μ * b + g / denominator)
        w.let("theta", θ, θ - η * b)


def _adadelta(s: Settings, w: Ledger) -> None:
    _decay(s, w)
    w.let("Eg2", Eg2, _average(ρ, Eg2, g**2))
    w.let("delta", Δ, sqrt(EΔ2 + ε) / sqrt(Eg2 + ε) * g)
    w.let("Edelta2", EΔ2, _average(ρ, EΔ2, Δ**2))
    w.let("theta", θ, θ - η * Δ)


def _moments(s: Settings, w: Ledger) -> None:
    """Adam's averages of the gradient and of its square."""
    w.let("m", m, _average(β1, m, g))
    w.let("v", v, _average(β2, v, g**2))


def _adam(s: Settings, w: Ledger) -> None:
    _decay(s, w)
    _moments(s, w)
    second = v
    if s.amsgrad:
        w.let("v_max", v_max, call("max", v_max, v))
        second = v_max
    first_bias, second_bias = s.rules.bias(β1, w.t), s.rules.bias(β2, w.t)
    if s.convention == "keras":
        w.let("alpha_t", α_t, η * sqrt(second_bias) / first_bias)
        w.let("theta", θ, θ - α_t * m / (sqrt(second) + ε̂))
        return
    w.let("m_hat", m̂, m / first_bias)
    w.let("v_hat", v̂, second / second_bias)
    w.let("theta", θ, θ - η * m̂ / s.rules.root(v̂, False))


def _adamax(s: Settings, w: Ledger) -> None:
    _decay(s, w)
    w.let("m", m, _average(β1, m, g))
    if s.convention == "keras":
        w.let("u", u, call("max", β2 * u, call("abs", g)))
        w.let("theta", θ, θ - η * m / (s.rules.bias(β1, w.t) * (u + ε)))
    else:
        w.let("u", u, call("max", β2 * u, call("abs", g) + ε))
        w.let("theta", θ, θ - η / s.rules.bias(β1, w.t) * m / u)


def _nadam(s: Settings, w: Ledger) -> None:
    _decay(s, w)
    w.let("mu_t", μ_t, β1 * (1 - HALF * NADAM_BASE ** (t * ψ)))
    w.let("mu_next", μ_next, β1 * (1 - HALF * NADAM_BASE ** ((t + 1) * ψ)))
    w.let("mu_product", Π, Π * μ_t)
    _moments(s, w)
    w.let("m_hat", m̂, μ_next * m / (1 - Π * μ_next) + (1 - μ_t) * g / (1 - Π))
    w.let("v_hat", v̂, v / s.rules.bias(β2, w.t))
    w.let("theta", θ, θ - η * m̂ / (sqrt(v̂) + ε))


def step_size(w: Ledger, old: float) -> Step:
    """Δθ = θ⁺ − θ (``step_P_T``): the change the whole update makes, the sum of what each
    θ ← θ + … added (not the difference of the two rounded θ's)."""
    values = {"θ⁺": Num(w.known["θ"]), "θ": Num(old)}
    change = arith.fsum(w.increments)
    return step(f"step_{w.parameter}_{w.t}", Δθ, θ_new - θ, values, change)


UPDATES: dict[str, Update] = {
    "sgd": _sgd,
    "momentum": _sgd,
    "nesterov": _sgd,
    "adagrad": _adagrad,
    "rmsprop": _rmsprop,
    "adadelta": _adadelta,
    "adam": _adam,
    "adamw": _adam,
    "adamax": _adamax,
    "nadam": _nadam,
}

STATE = ("v", "m", "G", "b", "u", "E[g²]", "ḡ", "E[Δ²]", "v_max", "Π", "var")
"""The symbols an optimizer carries from one step to the next."""
START = {
    "v": 0.0,
    "m": 0.0,
    "u": 0.0,
    "E[g²]": 0.0,
    "ḡ": 0.0,
    "E[Δ²]": 0.0,
    "v_max": 0.0,
    "var": 0.0,  # centered RMSprop's E[g²] − ḡ², kept apart (it is not shown)
}
"""The state before the first step (AdaGrad's G, PyTorch's buffer b and NAdam's Π apart)."""


def start_state(s: Settings) -> dict[str, float]:
    state = dict(START)
    state["G"] = s.hyper.get("initial_accumulator", 0.0)
    state["Π"] = 1.0
    if s.optimizer == "rmsprop":
        state["b"] = 0.0  # the momentum buffer; PyTorch's SGD copies g into it at step 1
    return state


def known_values(s: Settings) -> dict[str, float]:
    """The symbols' values that the settings give."""
    known = {HYPER[name]: value for name, value in s.hyper.items() if name in HYPER}
    known["β"] = s.hyper["momentum"]  # the course writes the momentum β
    known["ε̂"] = s.hyper.get("eps", 0.0)
    if s.optimizer == "nadam":
        known["ψ"] = 1.0 if s.convention == "keras" else s.hyper["momentum_decay"]
    return known
