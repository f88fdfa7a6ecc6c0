"""dlcalc in a real pseudo-terminal of 80 and 120 columns: Rich is chosen (a terminal, not a
pipe), it takes the terminal's own width (no COLUMNS), colours the marks, and no line is wider
than the terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import sys
import termios

import pytest

from conftest import ROOT
from dlcalc.render.formats import columns_of

ANSI = re.compile(r"\x1b\[[0-9;]*m")
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])(?:;[0-9;]*)?m")
"""A style that sets a foreground colour (red 31, green 32, cyan 36, 256 colours 38;5;n)."""


def in_terminal(width: int, *args: str) -> str:
    """What ``dlcalc ARGS`` writes to a pseudo-terminal ``width`` columns wide."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal's size is its own, COLUMNS is not set
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
        env["TERM"] = "xterm-256color"
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "dlcalc", *args], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child has exited: the terminal is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize(
    "args",
    [
        ["backprop", "classic-2-2-2"],
        ["shapes", "resnet50-keras"],
        ["check", "classic-2-2-2", "--answer", "w5=0.441084", "--answer", "delta_o1=0.1385"],
        ["softmax", "5", "2", "-1", "3", "--target", "0"],
        [
            "conv",
            "--input",
            "1 2 0 1; 0 1 3 1; 2 1 1 0 | 1 0 1 1; 2 2 0 1; 0 1 1 0",
            "--kernel",
            "1 0; 0 -1 | 0.5 1; 1 0",
            "--padding",
            "1",
            "--grad",
            "1 0 0 1 0; 0 1 0 0 1; 1 0 1 0 0; 0 0 1 1 0",
        ],
        ["batchnorm", "--input", "5 1; 3 2; 2 7; 1 1; 9 0", "--grad", "1 0; 0 1; 0 0; 1 1; 0 0"],
        [
            "grad",
            "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))",
            "--at",
            "w0=2,x0=-1,w1=-3,x1=-2,w2=-3",
            "--check",
            "--nudge",
            "0.001",
        ],
    ],
    ids=lambda a: a[0] if isinstance(a, list) else a,
)
def test_a_real_terminal_gets_rich_at_its_own_width(args: list[str], width: int) -> None:
    out = in_terminal(width, *args)
    assert ANSI.search(out)  # styled: a terminal, not a pipe
    lines = ANSI.sub("", out).splitlines()
    assert max(columns_of(line) for line in lines) <= width
    assert any(" │ " in line for line in lines) and any("─┼─" in line for line in lines)
    if args[0] == "check":
        assert re.search(r"\x1b\[[0-9;]*32m✓", out) and re.search(r"\x1b\[[0-9;]*31m✗", out)
        # and the values given: the wrong one red, the right one green
        assert re.search(r"\x1b\[31m0\.441084\x1b", out), out
        assert re.search(r"\x1b\[32m0\.1385\x1b", out), out


@pytest.mark.parametrize(
    "args",
    [["--no-color", "check", "lenet5-exam"], ["check", "lenet5-exam", "--no-color"]],
    ids=["before", "after"],
)
def test_no_color_anywhere_turns_the_colours_off(args: list[str]) -> None:
    out = in_terminal(80, *args, "--answer", "conv1.params=150")
    assert "✗" in out and ANSI.search(out)  # bold and dim stay: NO_COLOR is about colours
    assert not COLOUR.search(out), COLOUR.search(out)
    plain = [arg for arg in args if arg != "--no-color"]
    assert COLOUR.search(in_terminal(80, *plain, "--answer", "conv1.params=150"))  # red


def test_no_color_moves_to_the_front_but_not_past_a_double_dash() -> None:
    from dlcalc.cli_output import no_color_first

    assert no_color_first(["softmax", "1", "--no-color"]) == ["--no-color", "softmax", "1"]
    assert no_color_first(["softmax", "--", "--no-color"]) == ["softmax", "--", "--no-color"]
