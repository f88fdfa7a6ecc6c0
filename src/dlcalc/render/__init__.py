"""Rendering: result objects to Rich, plain text, Markdown, LaTeX, CSV and JSON."""
