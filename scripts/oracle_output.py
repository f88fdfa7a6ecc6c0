"""What the oracle scripts share: their JSON layout and the write-or---check ending."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def dump(doc: dict[str, Any]) -> str:
    """One list entry per line, so the file diffs well."""

    def one(o: Any) -> str:
        return json.dumps(o, ensure_ascii=False, allow_nan=False)

    lines = ["{"]
    keys = list(doc)
    for i, key in enumerate(keys):
        comma = "," if i < len(keys) - 1 else ""
        val = doc[key]
        if isinstance(val, list) and val and isinstance(val[0], (dict, str)):
            lines.append(f"  {one(key)}: [")
            lines += [
                f"    {one(v)}" + ("," if j < len(val) - 1 else "") for j, v in enumerate(val)
            ]
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {one(key)}: {one(val)}{comma}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == json.loads(json.dumps(doc))
    return text


def write_or_check(path: Path, text: str, check: bool) -> int:
    """Write the data (exit status 0), or with ``check`` only say whether the file on disk is
    the same (0) or differs (1)."""
    if check:
        same = path.exists() and path.read_text(encoding="utf-8") == text
        print(f"{path}: {'up to date' if same else 'DIFFERS'}")
        return 0 if same else 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0
