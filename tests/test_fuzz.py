"""Fuzzing every input surface: any input gets exit status 0, 1 or 2 — never an internal error
(70) and, for a bad input, one message and nothing on standard output; JSON is always valid
RFC 8259; and each run stays within a few seconds.

Each surface takes the library's own problems and the command lines of the README and mutates
them: tokens deleted, duplicated, swapped or replaced by boundary values (0, −1, 1e308, 1e−400,
nan, 10^12, superscripts, other scripts' digits, a long word), lines duplicated or dropped,
files truncated, a byte-order mark, CRLF, control characters. The quick profile (derandomized,
a few dozen inputs a surface) runs with the tests; the long one runs with ``pytest -m fuzz``
(``DLCALC_FUZZ_EXAMPLES`` inputs a surface, 10,000 unless set), each surface under a cap of
500 MB more than the test process holds."""

from __future__ import annotations

import json
import os
import re
import resource
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PROBLEMS, run_cli

SEEDS = {
    suffix: [path.read_text(encoding="utf-8") for path in sorted(PROBLEMS.rglob(f"*{suffix}"))]
    for suffix in (".arch", ".net", ".opt", ".calc")
}
BOUNDARY = [
    "0", "-1", "1e308", "-1e308", "1e-400", "nan", "inf", "-0", "999999999999", "1/0", "0/0",
    "²", "٣", "", "x", "-", "=", ",", ";", "1e99999", "0.1.2", "—", "\u2028", "\x0b", "a" * 300,
    "9" * 120, "1x0", "0x0x0", "()", "[[", "{", "}", "->", "0x10", "1_000", "1e400", "٣x٣",
    "10000", "100000000", "epochs", "repeat", "share=conv1",
]  # fmt: skip
"""Replacements a mutation puts in place of a token: numbers at and past every limit, digits of
other scripts, punctuation of the grammars, an empty word, a long one."""
SECONDS = 5.0
MEMORY = 500 * 1024 * 1024
NOT_A_RESULT = re.compile(r"(?<![\w.·^])[−-]0(?![\w.·/^])|\b(?:nan|inf|NaN|Infinity)\b")


@st.composite
def mutated(draw: st.DrawFn, texts: list[str]) -> str:
    """One of ``texts`` with one to three mutations."""
    lines = draw(st.sampled_from(texts)).split("\n")
    for _ in range(draw(st.integers(1, 3))):
        row = draw(st.integers(0, len(lines) - 1))
        words = lines[row].split(" ")
        at = draw(st.integers(0, len(words) - 1))
        action = draw(st.sampled_from(["replace", "delete", "duplicate", "swap", "line", "cut"]))
        if action == "replace":
            words[at] = draw(st.sampled_from(BOUNDARY))
        elif action == "delete":
            del words[at]
        elif action == "duplicate":
            words.insert(at, words[at])
        elif action == "swap" and len(words) > 1:
            other = draw(st.integers(0, len(words) - 1))
            words[at], words[other] = words[other], words[at]
        elif action == "line":
            lines.insert(row, lines[row])
        elif action == "cut":
            lines = lines[: row + 1]
            words = lines[row].split(" ")[: at + 1]
        lines[row] = " ".join(words)
    text = "\n".join(lines)
    wrapping = draw(st.sampled_from(["", "bom", "crlf", "control"]))
    if wrapping == "bom":
        text = "\ufeff" + text
    elif wrapping == "crlf":
        text = text.replace("\n", "\r\n")
    elif wrapping == "control":
        text = text.replace(" ", draw(st.sampled_from(["\t", "\x0c", "\u00a0"])), 1)
    return text


def holds(args: list[str], stdin: bytes = b"") -> None:
    """The properties of any run: status 0, 1 or 2; a refusal prints nothing on standard
    output and one message; JSON is strict; the run is quick."""
    began = time.monotonic()
    run = run_cli(*args, stdin=stdin)
    took = time.monotonic() - began
    assert run.code in (0, 1, 2), (args, stdin[:300], run.err[-600:])
    assert "Traceback" not in run.err and "internal error" not in run.err
    if run.code == 2:
        assert run.out == "" and run.err.startswith(("error:", "Usage:", "\n", " ")), run.err
        assert len(run.err) < 5000
    elif "json" in args:

        def strict(constant: str) -> None:
            raise ValueError(f"{constant} is not JSON")

        json.loads(run.out, parse_constant=strict)
    elif args[0] != "check":  # text: no −0 presented as a number, no float64 nan or inf
        # (check echoes each answer as the student wrote it, nan included)
        assert not NOT_A_RESULT.search(run.out), NOT_A_RESULT.search(run.out)
    assert took < SECONDS, (args, stdin[:300], took)
    if os.environ.get("DLCALC_FUZZ_LOG"):  # the figures of a long run, for the README
        with open(os.environ["DLCALC_FUZZ_LOG"], "a", encoding="utf-8") as log:
            log.write(json.dumps({"surface": args[0], "code": run.code, "seconds": took}) + "\n")


SEEDS[".json"] = [
    '{"input": [32, 32, 3], "layers": [{"kind": "conv", "filters": 6, "kernel": 5, "stride": 1},'
    ' {"kind": "maxpool", "size": 2}, {"kind": "flatten"}, {"kind": "dense", "units": 10}]}',
    '{"input": [10, 1], "convention": "pytorch", "layers": [{"kind": "lstm", "units": 9},'
    ' {"kind": "dense", "units": 1, "activation": "sigmoid"}]}',
]
SEEDS[".toml"] = [
    'input = [28, 28, 1]\n[[layers]]\nkind = "conv"\nfilters = 4\nkernel = 3\n'
    '[[layers]]\nkind = "batchnorm"\n[[layers]]\nkind = "dense"\nunits = 10\n',
]
COMMANDS = {
    ".arch": "shapes",
    ".json": "shapes",
    ".toml": "shapes",
    ".net": "backprop",
    ".opt": "optimize",
    ".calc": "check",
}
QUICK = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LONG = settings(
    max_examples=int(os.environ.get("DLCALC_FUZZ_EXAMPLES", "10000")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def memory_cap() -> Iterator[None]:
    """The runs under a cap of :data:`MEMORY` more than the process holds now (its private
    memory, the heap included): an input that would take more raises MemoryError, which the
    command reports as an internal error, which :func:`holds` refuses."""
    status = Path("/proc/self/status").read_text(encoding="ascii")
    held = int(re.search(r"VmData:\s+(\d+) kB", status).group(1)) * 1024  # type: ignore[union-attr]
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (held + MEMORY, hard))
    yield
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _file_surface(suffix: str, text: str, tmp: Path, form: str) -> None:
    path = tmp / f"problem{suffix}"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    holds([COMMANDS[suffix], str(path), "-f", form])


@pytest.mark.parametrize("suffix", list(COMMANDS))
@QUICK
@given(data=st.data())
def test_every_problem_file_surface(suffix: str, data: st.DataObject, tmp_path_factory) -> None:
    text = data.draw(mutated(SEEDS[suffix]))
    form = data.draw(st.sampled_from(["json", "plain"]))
    _file_surface(suffix, text, tmp_path_factory.mktemp("fuzz"), form)


CALCULATOR_LINES = [
    ["activate", "sigmoid", "0.5", "-2", "--exact"],
    ["activate", "leaky_relu", "0", "--alpha", "0.2", "--grad-at-zero", "1"],
    ["softmax", "--target", "0", "--jacobian", "--", "5", "2", "-1", "3"],
    ["loss", "bce", "--pred", "0.9,0.2", "--target", "1,0", "--grad"],
    ["loss", "cce", "--pred", "0.7,0.2,0.1", "--target", "1,0,0", "--convention", "keras"],
    ["optimize", "adam", "--grads", "0.2,-0.1,0.4", "--start", "w=0.5"],
    ["optimize", "sgd", "--function", "x**2 + 10*y**2", "--start", "x=1,y=1", "--steps", "3"],
    ["shapes", "lenet5-exam", "--depth", "1"],
    ["check", "lenet5-exam", "--answer", "conv1.params=156"],
    ["backprop", "classic-2-2-2", "--epochs", "2", "--rate", "0.1"],
    [
        "conv",
        "--input",
        "1 2 0; 0 1 3; 2 1 1",
        "--kernel",
        "1 0; 0 -1",
        "--padding",
        "1",
        "--stride",
        "2",
        "--bias",
        "0.5",
        "--grad",
        "1 0; 0 2",
    ],
    ["conv", "--input", "1 2 | 3 4 | 5 6", "--kernel", "1 | 0 | -1", "--1d", "--padding", "same"],
    [
        "pool",
        "max",
        "--input",
        "1 3 2 1; 4 6 5 2; 7 8 9 1",
        "--size",
        "2",
        "--ceil",
        "--grad",
        "1 2; 3 4",
    ],
    [
        "pool",
        "avg",
        "--input",
        "[[1, 2], [3, 4]]",
        "--size",
        "2",
        "--padding",
        "1",
        "--count-include-pad",
        "false",
    ],
]


@QUICK
@given(data=st.data())
def test_every_command_line_surface(data: st.DataObject) -> None:
    line = data.draw(st.sampled_from(CALCULATOR_LINES))
    words = list(line)
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(1, len(words) - 1))
        parts = words[at].split(" ")
        if len(parts) > 1 and data.draw(st.booleans()):  # inside a grid: one of its values
            parts[data.draw(st.integers(0, len(parts) - 1))] = data.draw(st.sampled_from(BOUNDARY))
            words[at] = " ".join(parts)
        else:
            words[at] = data.draw(st.sampled_from(BOUNDARY))
    holds([*words, "-f", "json"])


@pytest.mark.fuzz
@pytest.mark.usefixtures("memory_cap")
@pytest.mark.parametrize("suffix", list(COMMANDS))
@LONG
@given(data=st.data())
def test_long_file_surface(suffix: str, data: st.DataObject, tmp_path_factory) -> None:
    test_every_problem_file_surface.hypothesis.inner_test(  # type: ignore[attr-defined]
        suffix, data, tmp_path_factory
    )


@pytest.mark.fuzz
@pytest.mark.usefixtures("memory_cap")
@LONG
@given(data=st.data())
def test_long_command_line_surface(data: st.DataObject) -> None:
    test_every_command_line_surface.hypothesis.inner_test(data)  # type: ignore[attr-defined]


ANSWERS = [
    "net_h1 = 0.3775\nout_h1 = 0.59327\ndelta_o1 = 0.1385\nw5 = 0.35892\n",
    "# LeNet-5\nconv1.output = 28x28x6\nconv1.params = 156\ntotal_params = 61,706\n",
]
LIBRARY_NAMES = ["lenet5-exam", "classic-2-2-2", "adam-three-steps", "shapes/lenet5-exam"]


@QUICK
@given(data=st.data())
def test_answer_files_and_library_names(data: st.DataObject, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "answers.txt"
    text = data.draw(mutated(ANSWERS))
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    problem = "lenet5-exam" if "conv1" in text else "classic-2-2-2"
    holds(["check", problem, "--answers", str(path), "-f", "json"])
    name = data.draw(mutated(LIBRARY_NAMES)).replace("\n", "")
    command = data.draw(st.sampled_from(["shapes", "backprop", "optimize", "check"]))
    holds([command, name, "-f", "json"])
    holds(["problems", "show", name])


@pytest.mark.fuzz
@pytest.mark.usefixtures("memory_cap")
@LONG
@given(data=st.data())
def test_long_answer_files_and_library_names(data: st.DataObject, tmp_path_factory) -> None:
    test_answer_files_and_library_names.hypothesis.inner_test(  # type: ignore[attr-defined]
        data, tmp_path_factory
    )


def test_the_memory_cap_stops_a_run_that_would_take_more(memory_cap: None) -> None:
    with pytest.raises(MemoryError):
        bytearray(MEMORY + 50 * 1024 * 1024)


def test_the_text_check_sees_minus_zero_and_float_spellings() -> None:
    assert NOT_A_RESULT.search("w  −0\n") and NOT_A_RESULT.search("f = nan")
    assert NOT_A_RESULT.search("-0 ") and NOT_A_RESULT.search("loss Infinity")
    assert not NOT_A_RESULT.search("w = −0.5, 10·−0.2, 1.5·10^−08, e^(−0.5), −0/1 infinite")
