"""``dlcalc shapes`` from the command line: exit statuses, messages, input sources, start-up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from dlcalc import __version__

LENET = "input 32x32x1\nconv 6 5\navgpool 2\nconv 16 5\navgpool 2\nconv 120 5\nflatten\ndense 84\ndense 10\n"


def test_version() -> None:
    run = run_cli("--version")
    assert run.code == 0
    assert run.out.strip() == f"dlcalc {__version__}"


def test_no_arguments_shows_help() -> None:
    run = run_cli()
    assert run.code == 0 and "shapes" in run.out and run.err == ""


def test_shapes_prints_the_table_and_totals(arch_file) -> None:
    run = run_cli("shapes", arch_file(LENET))
    assert run.code == 0, run.err
    assert "conv1" in run.out and "(5·5·1 + 1)·6 = 156" in run.out
    assert "Total parameters  61,706" in run.out
    assert "convention: keras" in run.out


def test_standard_input(arch_file) -> None:
    run = run_cli("shapes", "-", "--format", "json", stdin=LENET.encode())
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["total_params"] == 61_706
    assert data["source"] == "<stdin>"


def test_json_and_toml_files_are_chosen_by_extension(arch_file) -> None:
    data = {"input": [8, 8, 3], "layers": [{"kind": "conv", "filters": 4, "kernel": 3}]}
    json_run = run_cli("shapes", arch_file(json.dumps(data), "net.json"), "-f", "json")
    toml = 'input = [8, 8, 3]\n[[layers]]\nkind = "conv"\nfilters = 4\nkernel = 3\n'
    toml_run = run_cli("shapes", arch_file(toml, "net.toml"), "-f", "json")
    for run in (json_run, toml_run):
        assert run.code == 0, run.err
        assert json.loads(run.out)["layers"][0]["output_shape"] == [6, 6, 4]


def test_the_file_convention_can_be_overridden(arch_file) -> None:
    path = arch_file("convention pytorch\ninput 4x4x8\nbatchnorm\n")
    from_file = json.loads(run_cli("shapes", path, "-f", "json").out)
    overridden = json.loads(run_cli("shapes", path, "-f", "json", "--convention", "keras").out)
    assert (from_file["convention"], from_file["total_params"]) == ("pytorch", 16)
    assert (overridden["convention"], overridden["total_params"]) == ("keras", 32)


def test_strict_turns_flooring_into_an_error(arch_file) -> None:
    path = arch_file("input 224x224x3\nconv 96 11 stride=4\n")
    assert run_cli("shapes", path).code == 0
    run = run_cli("shapes", path, "--strict")
    assert run.code == 2
    assert "54.25 is not whole" in run.err


ERRORS = [
    (
        "unknown kind",
        "input 8x8x3\ncomv 6 5\n",
        ":2:1: unknown layer kind 'comv'",
        "did you mean 'conv'?",
    ),
    ("malformed number", "input 8x8x3\nconv 6 5x\n", ":2:8: kernel must be a size", "3x3"),
    ("missing number", "input 8x8x3\nconv 6\n", ":2:1: conv takes 2 values", "conv FILTERS KERNEL"),
    (
        "kernel too large",
        "input 4x4x3\nconv 6 5\n",
        ":2:8: conv1: the 5×5 kernel is larger",
        "5 > 4",
    ),
    (
        "zero output",
        "input 4x4x3\nconvtranspose 2 1 padding=9\n",
        "not positive",
        "output of at least 1",
    ),
    ("groups", "input 8x8x3\nconv 6 3 groups=2\n", "groups=2 must divide both", "divides 3 and 6"),
    (
        "unknown option",
        "input 8x8x3\nconv 6 3 strid=2\n",
        "has no option 'strid'",
        "did you mean 'stride'?",
    ),
    ("empty", "# only a comment\n\n", "the architecture is empty", "input HxWxC"),
    (
        "shape mismatch",
        "input 8x8x3\nconv 4 1 name=a\nadd a input\n",
        "add needs inputs of one shape",
        "1×1 conv",
    ),
]


@pytest.mark.parametrize(("case", "text", "message", "hint"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_input_gives_one_clear_message_and_status_2(
    arch_file, case: str, text: str, message: str, hint: str
) -> None:
    path = arch_file(text)
    run = run_cli("shapes", path)
    assert run.code == 2
    assert run.out == ""  # nothing half-written
    assert run.err.startswith(f"error: {path}")
    assert message in run.err
    assert hint in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    ("text", "line", "marker"),
    [
        ("input 8x8x3\nconv 6 3 groups=2\n", "  conv 6 3 groups=2", "           ^^^^^^^^"),
        ("input 8x8x3\nmaxpool 2x2x2\n", "  maxpool 2x2x2", "          ^^^^^"),
        (
            "input 8x8x3\nconv 4 3 name=a\nconv 4 1 share=a\n",
            "  conv 4 1 share=a",
            "           ^^^^^^^",
        ),
        ("input\t8x8x3\nconv\t4\t9\n", "  conv\t4\t9", "      \t \t^"),
    ],
    ids=["groups", "kernel axes", "share", "tabs"],
)
def test_shape_errors_point_at_the_option_or_value(
    arch_file, text: str, line: str, marker: str
) -> None:
    run = run_cli("shapes", arch_file(text))
    assert run.code == 2
    assert run.err.splitlines()[1:3] == [line, marker]


def test_the_offending_text_is_underlined(arch_file) -> None:
    run = run_cli("shapes", arch_file("input 8x8x3\nconv 6 3 strid=2\n"))
    lines = run.err.splitlines()
    assert lines[1] == "  conv 6 3 strid=2"
    assert lines[2] == "           ^^^^^"


def test_missing_binary_and_directory_inputs(arch_file, tmp_path) -> None:
    missing = run_cli("shapes", str(tmp_path / "nope.arch"))
    assert missing.code == 2 and "no such file" in missing.err
    binary = tmp_path / "model.bin"
    binary.write_bytes(b"\x89PNG\x00\x01\x02")
    run = run_cli("shapes", str(binary))
    assert run.code == 2 and "binary file" in run.err
    latin = tmp_path / "latin.arch"
    latin.write_bytes("input 8\n# caf\xe9\n".encode("latin-1"))
    run = run_cli("shapes", str(latin))
    assert run.code == 2 and "not valid UTF-8" in run.err
    run = run_cli("shapes", str(tmp_path))
    assert run.code == 2 and "is a directory" in run.err


def test_an_unknown_format_is_a_usage_error(arch_file) -> None:
    run = run_cli("shapes", arch_file(LENET), "--format", "xml")
    assert run.code == 2
    assert "xml" in run.err


def _run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


def test_python_dash_m_runs_the_same_command() -> None:
    proc = _run_module("-m", "dlcalc", "shapes", "problems/shapes/lenet5-exam.arch", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total_params"] == 61_706
    bad = _run_module("-m", "dlcalc", "shapes", "problems/nothing-here.arch")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_shapes_does_not_import_sympy_or_numpy() -> None:
    code = (
        "import sys\n"
        "from dlcalc.cli import main\n"
        "sys.argv = ['dlcalc', 'shapes', 'problems/shapes/models/resnet50-keras.arch']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'sympy' not in sys.modules and 'numpy' not in sys.modules, 'heavy import'\n"
        "sys.stderr.write('clean')\n"
    )
    proc = _run_module("-c", code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.endswith("clean")


def test_dash_h_is_help() -> None:
    for args in (["-h"], ["shapes", "-h"], ["problems", "-h"], ["check", "-h"]):
        run = run_cli(*args)
        assert run.code == 0 and "Usage:" in run.out and "[OPTIONS]" in run.out, args


def test_channels_first_reads_the_input_too(tmp_path) -> None:
    arch = tmp_path / "cf.arch"
    arch.write_text("input 3x32x32\nconv 8 3x3\n")
    first = json.loads(run_cli("shapes", str(arch), "--channels-first", "-f", "json").out)
    assert first["input_shape"] == [32, 32, 3] and first["layers"][0]["output_shape"] == [30, 30, 8]
    assert first["total_params"] == (3 * 3 * 3 + 1) * 8 and first["notes"] == []
    last = json.loads(run_cli("shapes", str(arch), "-f", "json").out)
    assert last["input_shape"] == [3, 32, 32] and "--channels-first reads it" in last["notes"][0]
    plain = run_cli("shapes", str(arch), "-f", "plain").out
    assert "warning: the input 3×32×32 is read channels last" in plain


def test_output_to_a_file_is_all_or_nothing(tmp_path) -> None:
    target = tmp_path / "lenet.json"
    assert run_cli("shapes", "lenet5-exam", "-o", str(target)).out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["total_params"] == 61706
    tex = tmp_path / "lenet.tex"
    run_cli("shapes", "lenet5-exam", "--output", str(tex))
    assert tex.read_text(encoding="utf-8").startswith("\\section*{Shapes and parameters")
    forced = tmp_path / "lenet.txt"
    run_cli("shapes", "lenet5-exam", "-o", str(forced), "-f", "json")
    assert json.loads(forced.read_text(encoding="utf-8"))["command"] == "shapes"
    target.write_text("kept", encoding="utf-8")
    bad = run_cli("shapes", str(tmp_path / "missing.arch"), "-o", str(target))
    assert bad.code == 2 and target.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    nowhere = run_cli("shapes", "lenet5-exam", "-o", str(tmp_path / "no" / "such" / "x.json"))
    assert nowhere.code == 74 and "cannot write the output" in nowhere.err


def test_shell_completion_offers_library_problems() -> None:
    """The installed console script, as bash's completion function calls it."""
    import os
    import sysconfig

    script = Path(sysconfig.get_path("scripts")) / "dlcalc"

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_DLCALC_COMPLETE": "complete_bash", "COMP_WORDS": words}
        env["COMP_CWORD"] = str(len(words.split()) - 1)
        return subprocess.run([script], env=env, capture_output=True, text=True).stdout.split()

    assert complete("dlcalc shapes lenet") == ["lenet5-exam"]  # an architecture, no network
    assert complete("dlcalc backprop classic") == ["classic-2-2-2"]
    assert "--install-completion" in run_cli("--help").out


def test_every_commands_help_shows_examples_that_run(tmp_path, monkeypatch) -> None:
    import shlex

    from dlcalc.cli import EXAMPLES

    monkeypatch.chdir(tmp_path)  # examples that write a file write it here
    for command, examples in EXAMPLES.items():
        assert "Examples:" in run_cli(command, "--help").out, command
        lines = [line[2:] for line in examples.splitlines() if line.startswith("$ ")]
        assert len(lines) >= 2, command
        for line in lines:
            run = run_cli(*shlex.split(line)[1:])
            assert run.code in (0, 1), (line, run.err)  # 1: check found a wrong answer
            assert run.out or "-o" in line, line
    assert (tmp_path / "lenet.md").read_text(encoding="utf-8").startswith("## Shapes")
    assert "\\documentclass" in (tmp_path / "working.tex").read_text(encoding="utf-8")


def test_every_help_fits_80_columns_uncut(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    for command in ("shapes", "activate", "softmax", "loss", "backprop", "optimize", "check"):
        lines = run_cli(command, "--help").out.splitlines()
        assert max(len(line) for line in lines) <= 80, command
        assert not any("…" in line for line in lines), command  # a help text cut short


def test_depth_collapses_blocks_into_rows_with_their_totals() -> None:
    """--depth 1 groups ResNet-50's layers by the first part of their names (conv2_1.* is one
    row); the blocks add up to the totals, and a depth past every name is one row a layer."""
    data = json.loads(run_cli("shapes", "resnet50-keras", "--depth", "1", "-f", "json").out)
    blocks = data["blocks"]
    names = [b["name"] for b in blocks]
    stem = ["zeropad1", "conv1", "batchnorm1", "relu1", "zeropad2", "maxpool1"]
    assert names[:8] == [*stem, "conv2_1", "conv2"]
    conv2_1 = blocks[names.index("conv2_1")]
    layers = {layer["name"]: layer for layer in data["layers"]}
    assert conv2_1["layers"][0] == "conv2_1.conv1" and len(conv2_1["layers"]) == 12
    assert conv2_1["params"] == sum(layers[n]["params"] for n in conv2_1["layers"])
    assert conv2_1["output_shape"] == layers[conv2_1["layers"][-1]]["output_shape"]
    assert sum(b["params"] for b in blocks) == data["total_params"] == 25_636_712
    assert sum(b["macs"] for b in blocks) == data["total_macs"]
    deep = json.loads(run_cli("shapes", "resnet50-keras", "--depth", "9", "-f", "json").out)
    assert [b["layers"] for b in deep["blocks"]] == [[layer["name"]] for layer in data["layers"]]
    plain = run_cli("shapes", "resnet50-keras", "--depth", "1", "-f", "plain").out
    assert "conv2_1         12 layers      56×56×256       76,928    231,211,008" in plain
    assert "conv2_1.conv1" not in plain
    assert run_cli("shapes", "resnet50-keras", "--depth", "0").code == 2


def test_a_graph_shows_what_each_layer_is_connected_to() -> None:
    resnet = run_cli("shapes", "resnet50-keras", "-f", "plain").out.splitlines()
    assert "Connected to" in resnet[5]
    add = next(line for line in resnet if line.startswith("conv2_1.add1 "))
    assert "conv2_1.shortcut, conv2_1.main" in add
    lenet = run_cli("shapes", "lenet5-exam", "-f", "plain").out
    assert "Connected to" not in lenet  # one layer after another: nothing to say
