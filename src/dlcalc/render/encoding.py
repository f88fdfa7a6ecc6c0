"""Output to a stream that cannot encode Unicode (``PYTHONIOENCODING=ascii``, a legacy code
page): each character it cannot hold is written in ASCII (``×`` as ``x``, ``σ`` as ``sigma``,
``w₅`` as ``w5``), never an error. JSON escapes instead (``\\u03c3``), which loses nothing."""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

SPELLINGS = {
    "×": "x",
    "−": "-",
    "·": "*",
    "′": "'",
    "∂": "d",
    "Σ": "sum ",
    "√": "sqrt ",
    "≤": "<=",
    "≥": ">=",
    "≈": "~",
    "≠": "!=",
    "½": "1/2",
    "²": "^2",
    "³": "^3",
    "⁺": "+",
    "✓": "ok",
    "✗": "X",
    "─": "-",
    "│": "|",
    "←": "<-",
    "→": "->",
    "…": "...",
    "⌊": "floor(",
    "⌋": ")",
    "⌈": "ceil(",
    "⌉": ")",
    "ℓ": "l",
    "∞": "inf",
    "●": "*",
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "Δ": "Delta",
    "ε": "eps",
    "η": "eta",
    "θ": "theta",
    "λ": "lambda",
    "μ": "mu",
    "π": "pi",
    "Π": "Pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "s",
    "τ": "tau",
    "φ": "phi",
    "Φ": "Phi",
    "ψ": "psi",
    "\u0302": "^",  # a hat: m̂ as m^
    "\u0304": "_bar",  # a bar: ḡ as g_bar
    **{chr(0x2080 + d): str(d) for d in range(10)},
}
ERRORS = "dlcalc-ascii"


def _spell(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(SPELLINGS.get(c, "?") for c in text), error.end


def ascii_fallback() -> None:
    """Standard output and error write what their encoding cannot hold in ASCII spellings."""
    codecs.register_error(ERRORS, _spell)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=ERRORS)


def encodes_unicode(stream: TextIO) -> bool:
    """Whether ``stream`` can write the characters dlcalc uses."""
    try:
        "×σ−✓".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True
