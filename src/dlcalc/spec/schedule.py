"""A learning-rate schedule: its kind and its settings, as given to ``--schedule``."""

from __future__ import annotations

from typing import NamedTuple

SCHEDULES: dict[str, tuple[str, ...]] = {
    "time": ("decay",),
    "step": ("every", "gamma"),
    "exp": ("rate", "every", "staircase"),
    "cosine": ("T", "min"),
}
"""Each schedule and the settings it takes (``staircase`` is a switch)."""


class ScheduleSpec(NamedTuple):
    kind: str
    settings: dict[str, float]
