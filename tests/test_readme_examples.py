"""Every `$ dlcalc …` example in the README and in docs/ is run, and its output compared with
what it shows."""

from __future__ import annotations

import re
import shlex

import pytest

from conftest import ROOT, run_cli

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = [
    found
    for document in DOCUMENTS
    for found in re.findall(
        r"```\n\$ dlcalc (.*)\n((?:(?!```).*\n)*?)```", document.read_text(encoding="utf-8")
    )
]


def pattern(shown: str) -> re.Pattern[str]:
    """The output as shown: a line ``...`` stands for any lines, a line ending in ``...`` for
    the rest of that line."""
    parts = []
    for line in shown.splitlines(keepends=True):
        if line.strip() == "...":
            parts.append(r"(?:.*\n)*?")
        elif line.rstrip("\n").endswith("..."):
            parts.append(re.escape(line.rstrip("\n")[:-3]) + r".*\n")
        else:
            parts.append(re.escape(line))
    return re.compile("".join(parts))


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[command for command, _ in EXAMPLES])
def test_readme_example_is_what_dlcalc_prints(command: str, shown: str, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # the README shows paths as typed from the repository
    args = shlex.split(command)
    run = run_cli(*args) if "-f" in args or "--format" in args else run_cli(*args, "-f", "plain")
    printed = run.out + run.err
    assert pattern(shown).fullmatch(printed), printed
