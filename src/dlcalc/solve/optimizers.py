"""Optimizer update steps, with every state update written out, in three conventions.

``course`` is the form of the course notes (momentum with (1 − β), ε outside the square roots),
``pytorch`` reproduces torch.optim and ``keras`` keras.optimizers (Keras 3), formula for formula;
see the README. One function per optimizer; the conventions are
switches inside it, so that what differs between them is visible in one place.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.solve.numbers import Fmt, factor, num, plus
from dlcalc.solve.schedule import scheduled_lr
from dlcalc.spec.schedule import ScheduleSpec

DEFAULTS: dict[str, dict[str, dict[str, float]]] = {
    "course": {
        "sgd": {"lr": 0.01},
        "momentum": {"lr": 0.01, "momentum": 0.9},
        "nesterov": {"lr": 0.01, "momentum": 0.9},
        "adagrad": {"lr": 0.01, "eps": 1e-8},
        "rmsprop": {"lr": 0.001, "rho": 0.9, "eps": 1e-8},
        "adadelta": {"lr": 1.0, "rho": 0.95, "eps": 1e-6},
        "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "adamw": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
        "adamax": {"lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "nadam": {"lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 0.004},
    },
    "pytorch": {
        "sgd": {"lr": 0.001},
        "momentum": {"lr": 0.001, "momentum": 0.9},
        "nesterov": {"lr": 0.001, "momentum": 0.9},
        "adagrad": {"lr": 0.01, "eps": 1e-10, "lr_decay": 0.0, "initial_accumulator": 0.0},
        "rmsprop": {"lr": 0.01, "rho": 0.99, "eps": 1e-8},
        "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "adamw": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01},
        "adamax": {"lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "nadam": {"lr": 0.002, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "momentum_decay": 0.004},
    },
    "keras": {
        "sgd": {"lr": 0.01},
        "momentum": {"lr": 0.01, "momentum": 0.9},
        "nesterov": {"lr": 0.01, "momentum": 0.9},
        "adagrad": {"lr": 0.001, "eps": 1e-7, "initial_accumulator": 0.1},
        "rmsprop": {"lr": 0.001, "rho": 0.9, "eps": 1e-7},
        "adadelta": {"lr": 0.001, "rho": 0.95, "eps": 1e-7},
        "adam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
        "adamw": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7, "weight_decay": 0.004},
        "adamax": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
        "nadam": {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-7},
    },
}
"""Each convention's defaults (PyTorch's and Keras's are their constructors')."""


class Line(NamedTuple):
    """One quantity of a step: its name, its formula with the values substituted, its value."""

    name: str
    worked: str
    value: float


class ParameterStep(NamedTuple):
    parameter: str
    gradient: float
    lines: tuple[Line, ...]
    new: float


class OptimizerStep(NamedTuple):
    t: int
    lr: float
    parameters: tuple[ParameterStep, ...]
    lr_worked: str = ""
    """How a schedule gave this step's learning rate (empty without one)."""


class Settings(NamedTuple):
    """The hyper-parameters, with every default filled in, and the switches."""

    optimizer: str
    convention: str
    hyper: dict[str, float]
    nesterov: bool = False
    amsgrad: bool = False
    centered: bool = False
    mistake: str | None = None
    """One of a student's mistakes made on purpose (``mistakes`` in solve/optimize.py)."""


def _eps_inside(s: Settings) -> bool:
    """ε under the square root (Keras's AdaGrad and RMSprop), or moved there by mistake."""
    return (s.convention == "keras") != (s.mistake == "eps-moved")


Update = Callable[[Settings, dict[str, float], float, float, int, Fmt], tuple[float, list[Line]]]


def settings(
    optimizer: str,
    convention: str,
    given: dict[str, float],
    nesterov: bool = False,
    amsgrad: bool = False,
    centered: bool = False,
) -> Settings:
    hyper = dict(DEFAULTS[convention][optimizer])
    hyper.setdefault("weight_decay", 0.0)
    hyper.setdefault("momentum", 0.0)
    hyper.setdefault("dampening", 0.0)
    hyper.update(given)
    return Settings(
        optimizer, convention, hyper, nesterov or optimizer == "nesterov", amsgrad, centered
    )


def _w(name: str, formula: str, value: float) -> Line:
    return Line(name, formula, value)


def _decay(s: Settings, theta: float, g: float, f: Fmt, lines: list[Line]) -> tuple[float, float]:
    """Weight decay: PyTorch and the course add λθ to the gradient (L2); Keras, and PyTorch's
    AdamW, shrink θ first (decoupled). Gives (θ, g) after it."""
    lam = s.hyper["weight_decay"]
    if not lam:
        return theta, g
    decoupled = s.convention == "keras" or s.optimizer == "adamw"
    if decoupled:
        lr = s.hyper["lr"]
        new = theta - lr * lam * theta
        lines.append(
            _w(
                "θ (decay)",
                f"θ − η·λ·θ = {f(theta)} − {f(lr)}·{f(lam)}·{factor(f(theta))} = {f(new)}",
                new,
            )
        )
        return new, g
    new_g = g + lam * theta
    lines.append(_w("g (L2)", f"g + λ·θ = {f(g)} {plus(f(lam * theta))} = {f(new_g)}", new_g))
    return theta, new_g


def _sgd(
    s: Settings, state: dict[str, float], theta: float, g: float, t: int, f: Fmt
) -> tuple[float, list[Line]]:
    lines: list[Line] = []
    theta, g = _decay(s, theta, g, f, lines)
    lr, mu = s.hyper["lr"], s.hyper["momentum"]
    if s.optimizer == "sgd" and not mu:
        new = theta - lr * g
        lines.append(_w("θ", f"θ − η·g = {f(theta)} − {f(lr)}·{factor(f(g))} = {f(new)}", new))
        return new, lines
    if s.convention == "course":
        if s.nesterov:  # Sutskever: g is the gradient at the look-ahead point θ + μ·v
            ahead = theta + mu * state.get("v", 0.0)
            lines.append(
                _w(
                    "θ + μ·v",
                    f"θ + μ·v = {f(theta)} + {f(mu)}·{factor(f(state.get('v', 0.0)))} = {f(ahead)}"
                    " (g is the gradient there)",
                    ahead,
                )
            )
            v = mu * state.get("v", 0.0) - lr * g
            lines.append(
                _w(
                    "v",
                    f"μ·v − η·g"
                    f" = {f(mu)}·{factor(f(state.get('v', 0)))} − {f(lr)}·{factor(f(g))} = {f(v)}",
                    v,
                )
            )
            state["v"] = v
            new = theta + v
            lines.append(_w("θ", f"θ + v = {f(theta)} {plus(f(v))} = {f(new)}", new))
            return new, lines
        if s.mistake == "momentum-without-1-minus-beta":
            v = mu * state.get("v", 0.0) + g
            worked = f"β·v + g = {f(mu)}·{factor(f(state.get('v', 0)))} + {factor(f(g))} = {f(v)}"
            lines.append(_w("v", worked, v))
        else:
            v = mu * state.get("v", 0.0) + (1 - mu) * g
            lines.append(
                _w(
                    "v",
                    f"β·v + (1 − β)·g = {f(mu)}·{factor(f(state.get('v', 0)))} + "
                    f"{f(1 - mu)}·{factor(f(g))} = {f(v)}",
                    v,
                )
            )
        state["v"] = v
        new = theta - lr * v
        lines.append(_w("θ", f"θ − η·v = {f(theta)} − {f(lr)}·{factor(f(v))} = {f(new)}", new))
        return new, lines
    if s.convention == "pytorch":
        tau = s.hyper["dampening"]
        if "b" not in state:
            b = g
            lines.append(_w("b", f"g (the first step copies the gradient) = {f(b)}", b))
        else:
            b = mu * state["b"] + (1 - tau) * g
            lines.append(
                _w(
                    "b",
                    f"μ·b + (1 − τ)·g"
                    f" = {f(mu)}·{factor(f(state['b']))} + {f(1 - tau)}·{factor(f(g))} = {f(b)}",
                    b,
                )
            )
        state["b"] = b
        step = g + mu * b if s.nesterov else b
        if s.nesterov:
            lines.append(
                _w("g (Nesterov)", f"g + μ·b = {f(g)} + {f(mu)}·{factor(f(b))} = {f(step)}", step)
            )
        new = theta - lr * step
        lines.append(
            _w(
                "θ",
                f"θ − η·{'g' if s.nesterov else 'b'} = {f(theta)} − {f(lr)}·{factor(f(step))}"
                f" = {f(new)}",
                new,
            )
        )
        return new, lines
    v = mu * state.get("v", 0.0) - lr * g
    lines.append(
        _w(
            "v",
            f"μ·v − η·g = {f(mu)}·{factor(f(state.get('v', 0)))} − {f(lr)}·{factor(f(g))} = {f(v)}",
            v,
        )
    )
    state["v"] = v
    if s.nesterov:
        new = theta + mu * v - lr * g
        lines.append(
            _w(
                "θ",
                f"θ + μ·v − η·g = {f(theta)} + {f(mu)}·{factor(f(v))} − {f(lr)}·{factor(f(g))}"
                f" = {f(new)}",
                new,
            )
        )
    else:
        new = theta + v
        lines.append(_w("θ", f"θ + v = {f(theta)} {plus(f(v))} = {f(new)}", new))
    return new, lines


def _adagrad(
    s: Settings, state: dict[str, float], theta: float, g: float, t: int, f: Fmt
) -> tuple[float, list[Line]]:
    lines: list[Line] = []
    theta, g = _decay(s, theta, g, f, lines)
    lr, eps = s.hyper["lr"], s.hyper["eps"]
    previous = state.get("G", s.hyper.get("initial_accumulator", 0.0))
    accumulator = previous + g * g
    state["G"] = accumulator
    lines.append(
        _w("G", f"G + g² = {f(previous)} + {factor(f(g))}² = {f(accumulator)}", accumulator)
    )
    if s.convention == "pytorch" and s.hyper.get("lr_decay"):
        lr = lr / (1 + (t - 1) * s.hyper["lr_decay"])
        lines.append(_w("η_t", f"η/(1 + (t − 1)·decay) = {f(lr)}", lr))
    if _eps_inside(s):
        denominator = math.sqrt(accumulator + eps)
        text = f"√(G + ε) = √({f(accumulator)} + {f(eps)}) = {f(denominator)}"
    else:
        denominator = math.sqrt(accumulator) + eps
        text = f"√G + ε = √{factor(f(accumulator))} + {f(eps)} = {f(denominator)}"
    lines.append(_w("denominator", text, denominator))
    return _divided_step(theta, lr, g, denominator, f, lines)


def _divided_step(
    theta: float, lr: float, g: float, denominator: float, f: Fmt, lines: list[Line]
) -> tuple[float, list[Line]]:
    """θ ← θ − η·g/denominator, written out (AdaGrad's and RMSprop's last line)."""
    new = theta - lr * g / denominator
    worked = f"{f(theta)} − {f(lr)}·{factor(f(g))}/{f(denominator)} = {f(new)}"
    lines.append(_w("θ", f"θ − η·g/denominator = {worked}", new))
    return new, lines


def _average(
    name: str, formula: str, rho: float, previous: float, x: float, square: bool, f: Fmt
) -> tuple[float, Line]:
    """An exponential moving average ρ·previous + (1 − ρ)·x (or x²), written out."""
    value = rho * previous + (1 - rho) * (x * x if square else x)
    power = "²" if square else ""
    worked = f"{f(rho)}·{factor(f(previous))} + {f(1 - rho)}·{factor(f(x))}{power} = {f(value)}"
    return value, _w(name, f"{formula} = {worked}", value)


def _rmsprop(
    s: Settings, state: dict[str, float], theta: float, g: float, t: int, f: Fmt
) -> tuple[float, list[Line]]:
    lines: list[Line] = []
    theta, g = _decay(s, theta, g, f, lines)
    lr, rho, eps, mu = s.hyper["lr"], s.hyper["rho"], s.hyper["eps"], s.hyper["momentum"]
    mean_square, line = _average("E[g²]", "ρ·E + (1 − ρ)·g²", rho, state.get("E", 0.0), g, True, f)
    state["E"] = mean_square
    lines.append(line)
    variance, under = mean_square, f(mean_square)
    if s.centered:
        mean, line = _average("ḡ", "ρ·ḡ + (1 − ρ)·g", rho, state.get("ḡ", 0.0), g, False, f)
        state["ḡ"] = mean
        lines.append(line)
        variance = max(mean_square - mean * mean, 0.0)  # rounding can leave it just below 0
        under = f"{f(mean_square)} − {factor(f(mean))}²"
    if _eps_inside(s):
        denominator = math.sqrt(variance + eps)
        text = (
            f"√({'E − ḡ²' if s.centered else 'E'} + ε) = √({under} + {f(eps)}) = {f(denominator)}"
        )
    else:
        denominator = math.sqrt(variance) + eps
        text = (
            f"√{'(E − ḡ²)' if s.centered else 'E'} + ε = √({under}) + {f(eps)} = {f(denominator)}"
        )
    lines.append(_w("denominator", text, denominator))
    if mu:
        key = "m"
        previous_m = state.get(key, 0.0)
        if s.convention == "keras":
            m = mu * previous_m + lr * g / denominator
            new = theta - m
        else:
            m = mu * previous_m + g / denominator
            new = theta - lr * m
        state[key] = m
        keras = s.convention == "keras"
        scale = f"{f(lr)}·" if keras else ""
        lines.append(
            _w(
                "momentum buffer",
                f"μ·b + {'η·' if keras else ''}g/denominator = {f(mu)}·{factor(f(previous_m))} + "
                f"{scale}{factor(f(g))}/{f(denominator)} = {f(m)}",
                m,
            )
        )
        worked = f"{f(theta)} − {'' if keras else f(lr) + '·'}{factor(f(m))} = {f(new)}"
        lines.append(_w("θ", f"θ − {'' if keras else 'η·'}b = {worked}", new))
        return new, lines
    return _divided_step(theta, lr, g, denominator, f, lines)


def _adadelta(
    s: Settings, state: dict[str, float], theta: float, g: float, t: int, f: Fmt
) -> tuple[float, list[Line]]:
    lines: list[Line] = []
    theta, g = _decay(s, theta, g, f, lines)
    lr, rho, eps = s.hyper["lr"], s.hyper["rho"], s.hyper["eps"]
    v, line = _average("E[g²]", "ρ·E[g²] + (1 − ρ)·g²", rho, state.get("v", 0.0), g, True, f)
    lines.append(line)
    u_old = state.get("u", 0.0)
    delta = math.sqrt(u_old + eps) / math.sqrt(v + eps) * g
    lines.append(
        _w(
            "Δ",
            f"√(E[Δ²] + ε)/√(E[g²] + ε)·g"
            f" = √({f(u_old)} + {f(eps)})/√({f(v)} + {f(eps)})·{factor(f(g))} = {f(delta)}",
            delta,
        )
    )
    u, line = _average("E[Δ²]", "ρ·E[Δ²] + (1 − ρ)·Δ²", rho, u_old, delta, True, f)
    lines.append(line)
    state.update(v=v, u=u)
    new = theta - lr * delta
    lines.append(_w("θ", f"θ − η·Δ = {f(theta)} − {f(lr)}·{factor(f(delta))} = {f(new)}", new))
    return new, lines


def _first_moment(
    s: Settings, state: dict[str, float], g: float, f: Fmt, lines: list[Line]
) -> float:
    """m ← β1·m + (1 − β1)·g, written out; kept in the state."""
    m, line = _average("m", "β1·m + (1 − β1)·g", s.hyper["beta1"], state.get("m", 0.0), g, False, f)
    lines.append(line)
    state["m"] = m
    return m


def _second_moment(
    s: Settings, state: dict[str, float], g: float, f: Fmt, lines: list[Line]
) -> float:
    """v ← β2·v + (1 − β2)·g², written out; kept in the state."""
    v, line = _average("v", "β2·v + (1 − β2)·g²", s.hyper["beta2"], state.get("v", 0.0), g, True, f)
    lines.append(line)
    state["v"] = v
    return v


def _adam(
    s: Settings, state: dict[str, float], theta: float, g: float, t: int, f: Fmt
) -> tuple[float, list[Line]]:
    lines: list[Line] = []
    theta, g = _decay(s, theta, g, f, lines)
    lr, b1, b2, eps = s.hyper["lr"], s.hyper["beta1"], s.hyper["beta2"], s.hyper["eps"]
    m = _first_moment(s, state, g, f, lines)
    v = _second_moment(s, state, g, f, lines)
    if s.mistake == "t-from-0":  # the first step then has no correction (1 − β⁰ = 0)
        t -= 1
    bc1, bc2 = (1 - b1**t, 1 - b2**t) if t else (1.0, 1.0)
    if s.mistake == "no-bias-correction":
        bc1, bc2 = 1.0, 1.0
    used = v
    if s.amsgrad:
        used = max(state.get("v_max", 0.0), v)
        state["v_max"] = used
        lines.append(_w("v_max", f"max(v_max, v) = {f(used)}", used))
    if s.convention == "keras":
        alpha = lr * math.sqrt(bc2) / bc1
        lines.append(
            _w(
                "α_t",
                f"η·√(1 − β2^t)/(1 − β1^t) = {f(lr)}·√{factor(f(bc2))}/{f(bc1)} = {f(alpha)}",
                alpha,
            )
        )
        new = theta - alpha * m / (math.sqrt(used) + eps)
        lines.append(
            _w(
                "θ",
                f"θ − α_t·m/(√v + ε̂)"
                f" = {f(theta)} − {f(alpha)}·{factor(f(m))}/(√{factor(f(used))} + {f(eps)})"
                f" = {f(new)}",
                new,
            )
        )
        return new, lines
    m_hat, v_hat = m / bc1, used / bc2
    lines.append(_w("m̂", f"m/(1 − β1^t) = {f(m)}/{f(bc1)} = {f(m_hat)}", m_hat))
    lines.append(_w("v̂", f"v/(1 − β2^t) = {f(used)}/{f(bc2)} = {f(v_hat)}", v_hat))
    if s.mistake == "eps-moved":
        new = theta - lr * m_hat / math.sqrt(v_hat + eps)
        worked = f"θ − η·m̂/√(v̂ + ε) = {f(theta)} − {f(lr)}·{factor(f(m_hat))}/√({f(v_hat)} + "
        lines.append(_w("θ", f"{worked}{f(eps)}) = {f(new)}", new))
        return new, lines
    new = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
    lines.append(
        _w(
            "θ",
            f"θ − η·m̂/(√v̂ + ε)"
            f" = {f(theta)} − {f(lr)}·{factor(f(m_hat))}/(√{factor(f(v_hat))} + {f(eps)})"
            f" = {f(new)}",
            new,
        )
    )
    return new, lines


def _adamax(
    s: Settings, state: dict[str, float], theta: float, g: float, t: int, f: Fmt
) -> tuple[float, list[Line]]:
    lines: list[Line] = []
    theta, g = _decay(s, theta, g, f, lines)
    lr, b1, b2, eps = s.hyper["lr"], s.hyper["beta1"], s.hyper["beta2"], s.hyper["eps"]
    m = _first_moment(s, state, g, f, lines)
    bc1 = 1 - b1**t
    if s.convention == "keras":
        u = max(b2 * state.get("u", 0.0), abs(g))
        lines.append(
            _w("u", f"max(β2·u, |g|) = max({f(b2 * state.get('u', 0.0))}, {f(abs(g))}) = {f(u)}", u)
        )
        new = theta - lr * m / (bc1 * (u + eps))
        lines.append(
            _w(
                "θ",
                f"θ − η·m/((1 − β1^t)·(u + ε)) = {f(theta)} − {f(lr)}·{factor(f(m))}/"
                f"({f(bc1)}·({f(u)} + {f(eps)})) = {f(new)}",
                new,
            )
        )
    else:
        u = max(b2 * state.get("u", 0.0), abs(g) + eps)
        lines.append(
            _w(
                "u",
                f"max(β2·u, |g| + ε) = max({f(b2 * state.get('u', 0.0))}, {f(abs(g) + eps)})"
                f" = {f(u)}",
                u,
            )
        )
        new = theta - (lr / bc1) * m / u
        lines.append(
            _w(
                "θ",
                f"θ − (η/(1 − β1^t))·m/u = {f(theta)} − ({f(lr)}/{f(bc1)})·{factor(f(m))}/{f(u)}"
                f" = {f(new)}",
                new,
            )
        )
    state["u"] = u
    return new, lines


def _nadam(
    s: Settings, state: dict[str, float], theta: float, g: float, t: int, f: Fmt
) -> tuple[float, list[Line]]:
    lines: list[Line] = []
    theta, g = _decay(s, theta, g, f, lines)
    lr, b1, b2, eps = s.hyper["lr"], s.hyper["beta1"], s.hyper["beta2"], s.hyper["eps"]
    psi = 1.0 if s.convention == "keras" else s.hyper["momentum_decay"]
    mu_t = b1 * (1 - 0.5 * 0.96 ** (t * psi))
    mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
    product = state.get("Π", 1.0) * mu_t
    state["Π"] = product
    lines.append(
        _w("μ_t", f"β1·(1 − ½·0.96^(t·ψ)) = {f(b1)}·(1 − ½·0.96^({t}·{f(psi)})) = {f(mu_t)}", mu_t)
    )
    lines.append(_w("Π", f"Π·μ_t = {f(product)} (μ_(t+1) = {f(mu_next)})", product))
    m = _first_moment(s, state, g, f, lines)
    v = _second_moment(s, state, g, f, lines)
    m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu_t) * g / (1 - product)
    v_hat = v / (1 - b2**t)
    lines.append(
        _w(
            "m̂",
            f"μ_(t+1)·m/(1 − Π·μ_(t+1)) + (1 − μ_t)·g/(1 − Π) = {f(mu_next)}·{factor(f(m))}/"
            f"(1 − {f(product)}·{f(mu_next)}) + {f(1 - mu_t)}·{factor(f(g))}/(1 − {f(product)})"
            f" = {f(m_hat)}",
            m_hat,
        )
    )
    lines.append(_w("v̂", f"v/(1 − β2^t) = {f(v)}/{f(1 - b2**t)} = {f(v_hat)}", v_hat))
    new = theta - lr * m_hat / (math.sqrt(v_hat) + eps)
    lines.append(
        _w(
            "θ",
            f"θ − η·m̂/(√v̂ + ε) = {f(theta)} − {f(lr)}·{factor(f(m_hat))}/(√{f(v_hat)} + {f(eps)})"
            f" = {f(new)}",
            new,
        )
    )
    return new, lines


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


def run_steps(
    s: Settings,
    start: dict[str, float],
    gradients: Callable[[int, dict[str, float]], list[float]],
    steps: int,
    digits: int = 6,
    schedule: ScheduleSpec | None = None,
) -> tuple[OptimizerStep, ...]:
    """``steps`` updates of every parameter from ``start``; ``gradients(t, θ)`` gives step t's,
    and the ``schedule`` (if any) its learning rate."""

    def f(value: float) -> str:
        return num(value, digits)

    if s.optimizer == "sgd" and s.hyper["momentum"] and s.convention == "course":
        s = s._replace(optimizer="momentum")
    update = UPDATES[s.optimizer]
    theta = dict(start)
    states: dict[str, dict[str, float]] = {name: {} for name in start}
    result = []
    lookahead = s.convention == "course" and s.nesterov
    for t in range(1, steps + 1):
        momentum = s.hyper["momentum"] if lookahead else 0.0
        grads = gradients(
            t,
            {name: value + momentum * states[name].get("v", 0.0) for name, value in theta.items()},
        )
        step, lr_worked = s, ""
        if schedule is not None:
            try:
                lr, lr_worked = scheduled_lr(schedule, s.hyper["lr"], t, f)
            except OverflowError:
                raise DlcalcError(
                    f"the schedule's learning rate overflows at step {t}",
                    location=Location("<command line>", path="--schedule"),
                    expected="a rate and interval that keep η finite",
                ) from None
            step = s._replace(hyper={**s.hyper, "lr": lr})
        parameters = []
        for (name, value), g in zip(theta.items(), grads):
            try:
                new, lines = update(step, states[name], value, g, t, f)
            except (ZeroDivisionError, ValueError, OverflowError) as error:
                raise DlcalcError(
                    f"step {t} of {name} cannot be computed (g = {g:.6g}): {error}",
                    location=Location("<command line>"),
                    expected="ε > 0, so that a zero gradient does not divide by zero",
                ) from None
            if not all(
                math.isfinite(x) and abs(x) <= 1e300 for x in (new, *(ln.value for ln in lines))
            ):
                raise DlcalcError(
                    f"the optimizer diverges: {name} or its state passes 1e300 at step {t}",
                    location=Location("<command line>"),
                    expected="a smaller learning rate, smaller gradients, or fewer steps",
                )
            parameters.append(ParameterStep(name, g, tuple(lines), new))
        theta = {p.parameter: p.new for p in parameters}
        result.append(OptimizerStep(t, step.hyper["lr"], tuple(parameters), lr_worked))
    return tuple(result)
