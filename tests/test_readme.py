"""The README shows real output: its tour is what `dlcalc shapes` prints today."""

from __future__ import annotations

import re

from conftest import ROOT, run_cli


def test_the_tour_output_is_current(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)  # the README shows the path as typed from the repository
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    marker = "`dlcalc shapes problems/shapes/lenet5-exam.arch` prints each layer"
    after = readme[readme.index(marker) :]
    shown = re.search(r"```\n(.*?)```", after, re.DOTALL)
    assert shown is not None
    run = run_cli("shapes", "problems/shapes/lenet5-exam.arch")
    assert run.code == 0
    assert run.out == shown.group(1)


def test_the_quickstart_commands_are_the_ones_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme[readme.index("## Quickstart") : readme.index("## A 30-second tour")]
    commands = re.findall(r"```sh\n(.*?)\n```", quickstart)
    assert len(commands) == 2
    assert "dlcalc shapes problems/shapes/" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()


def test_the_check_example_is_current(monkeypatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(
        r"\$ dlcalc (check problems/shapes/lenet5-exam.arch .*)\n((?:.*\n)*?)```", readme
    )
    assert command is not None
    monkeypatch.chdir(ROOT)  # the README shows the path as typed from the repository
    run = run_cli(*command.group(1).split(), "-f", "plain")
    assert run.code == 1
    assert run.out == command.group(2)
