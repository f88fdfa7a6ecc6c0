"""Spec objects: the validated, frozen input of the solvers."""
