"""Solving: pure functions from spec objects to result objects that carry every step."""
