"""Writing a file whole or not at all: into a temporary file beside it, then renamed onto it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, save: Callable[[BinaryIO], object]) -> None:
    """``save`` writes the content; ``path`` then holds all of it, or is left as it was (no
    temporary file is left behind). The file gets the usual permissions (0666 less the umask),
    not a temporary file's 0600. Raises OSError."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            save(out)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
