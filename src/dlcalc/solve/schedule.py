"""The learning rate of step t under a schedule, with its working. k = t − 1 is the number of
steps already taken (PyTorch's scheduler counter and Keras's ``optimizer.iterations``)."""

from __future__ import annotations

from dlcalc.spec.schedule import ScheduleSpec
from dlcalc.steps.evaluate import evaluate
from dlcalc.steps.expr import HALF, Expr, Num, Sym, call, tidy
from dlcalc.steps.step import Step, step

η, k, γ, r, T = Sym("η"), Sym("k"), Sym("γ"), Sym("r"), Sym("T")
η_min, every, decay = Sym("η", "min"), Sym("every"), Sym("decay")
FLOOR_EVERY = call("floor", k / every)


def schedule_rule(schedule: ScheduleSpec) -> Expr:
    """η_t as a formula of η and k."""
    if schedule.kind == "time":
        return η / (1 + decay * k)
    if schedule.kind == "step":
        return η * γ**FLOOR_EVERY
    if schedule.kind == "exp":
        return η * r ** (FLOOR_EVERY if schedule.settings.get("staircase") else k / every)
    turned = call("cos", Sym("π") * call("min", k, T) / T)
    return η_min + HALF * (η - η_min) * (1 + turned)


NAMES = {"decay": "decay", "gamma": "γ", "rate": "r", "every": "every", "T": "T", "min": "η_min"}


def scheduled_lr(schedule: ScheduleSpec, lr: float, t: int) -> Step:
    """η_t (``lr_T``): the rule with η, k and the schedule's settings put in."""
    values: dict[str, Expr] = {"η": Num(lr), "k": Num(t - 1), "every": Num(1.0), "η_min": Num(0.0)}
    values.update({NAMES[key]: Num(v) for key, v in schedule.settings.items() if key in NAMES})
    rule = schedule_rule(schedule)
    value = evaluate(tidy(rule.subs(values)))
    return step(f"lr_{t}", Sym("η", "t"), rule, values, value)
