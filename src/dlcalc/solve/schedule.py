"""The learning rate of step t under a schedule, with its working. k = t − 1 is the number of
steps already taken (PyTorch's scheduler counter and Keras's ``optimizer.iterations``)."""

from __future__ import annotations

import math

from dlcalc.solve.numbers import Fmt
from dlcalc.spec.schedule import ScheduleSpec


def scheduled_lr(schedule: ScheduleSpec, lr: float, t: int, f: Fmt) -> tuple[float, str]:
    """η_t and the formula it comes from, with the values substituted."""
    k, s = t - 1, schedule.settings
    if schedule.kind == "time":
        value = lr / (1 + s["decay"] * k)
        return value, f"η/(1 + decay·k) = {f(lr)}/(1 + {f(s['decay'])}·{k}) = {f(value)}"
    if schedule.kind == "step":
        drops = int(k // s["every"])
        value = lr * s["gamma"] ** drops
        return value, (f"η·γ^⌊k/{f(s['every'])}⌋ = {f(lr)}·{f(s['gamma'])}^{drops} = {f(value)}")
    if schedule.kind == "exp":
        every = s.get("every", 1.0)
        power = k // every if s.get("staircase") else k / every
        value = lr * s["rate"] ** power
        written = f"⌊{k}/{f(every)}⌋" if s.get("staircase") else f"{k}/{f(every)}"
        return value, f"η·r^(k/every) = {f(lr)}·{f(s['rate'])}^({written}) = {f(value)}"
    low, period = s.get("min", 0.0), s["T"]
    value = low + (lr - low) * (1 + math.cos(math.pi * min(k, period) / period)) / 2
    return value, (
        f"η_min + ½(η − η_min)(1 + cos(π·k/T)) = {f(low)} + ½·{f(lr - low)}·"
        f"(1 + cos(π·{min(k, int(period))}/{f(period)})) = {f(value)}"
    )
