"""One option schema per calculator: the command line and a .calc file accept and refuse the
same things, with the same messages (the file's errors point at its line)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from conftest import run_cli

BAD = [
    "activate gelu 1 --approximate tanhh",
    "activate relu 1 --alpah 2",
    "activate hard_sigmoid 1 --convention keras4",
    "activate leaky_relu 1 --alpha x",
    "activate tanh 1 --alpha 0.2",
    "softmax 1 2 --target 5",
    "softmax 1 2 --temperature 0",
    "loss mse --pred 1 --target 0 --reduction avg",
    "loss huber --pred 1 --target 0 --delta -1",
    "loss mse --pred 1,2 --target 0",
    "loss bce --pred 1.5 --target 1",
]


def _message(err: str) -> str:
    """The message without where it points: ``error: WHERE: MESSAGE``."""
    first = err.splitlines()[0]
    return first.rsplit(": ", 1)[-1]


@pytest.mark.parametrize("line", BAD)
def test_the_file_refuses_what_the_command_refuses_with_the_same_message(
    line: str, tmp_path: Path
) -> None:
    cli = run_cli(*shlex.split(line), "-f", "json")
    problem = tmp_path / "p.calc"
    problem.write_text(line + "\n", encoding="utf-8")
    file = run_cli("check", str(problem), "--list")
    assert cli.code == file.code == 2, (cli.err, file.err)
    assert _message(cli.err) == _message(file.err)
    assert str(problem) in file.err.splitlines()[0]  # the file, not <command line>
    lines = file.err.splitlines()
    carets = [row for row in lines if row.strip().startswith("^")]
    if carets:  # the carets stand under the offending words of the line
        start, end = carets[0].index("^"), carets[0].rindex("^") + 1
        written = lines[lines.index(carets[0]) - 1]
        assert written[start:end] in line.split() or written[start:end] in line


@pytest.mark.parametrize(
    ("line", "name", "value"),
    [
        ("activate step 0 --step-at-zero 0", "step(0)", 0.0),
        ("activate step 0 --step-at-zero 0.5", "step(0)", 0.5),
        ("loss mse --pred 1,3 --target 0,0 --reduction sum", "L", 10.0),
        ("activate gelu 1 --approximate tanh", "gelu(1)", 0.8411919906082768),
    ],
)
def test_the_file_means_what_the_command_means(
    line: str, name: str, value: float, tmp_path: Path
) -> None:
    cli = json.loads(run_cli(*shlex.split(line), "-f", "json").out)
    computed = next(step["value"] for step in cli["working"] if step["name"] == name)
    assert computed == pytest.approx(value, rel=1e-15)
    problem = tmp_path / "p.calc"
    problem.write_text(line + "\n", encoding="utf-8")
    marked = run_cli("check", str(problem), "--answer", f"{name}={value!r}", "-f", "json")
    assert marked.code == 0, marked.out + marked.err
    assert json.loads(marked.out)["answers"][0]["correct"]
