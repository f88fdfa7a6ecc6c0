"""Parsing: files and command-line values into validated, frozen spec objects."""
