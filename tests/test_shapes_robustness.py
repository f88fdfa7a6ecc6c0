"""Unusual input: every case gives a right answer or one clear message with status 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli

BLOCK = "block b w\n  conv {w} 3 padding=1\nend\n"

BAD = [
    (
        "huge number",
        "input 8x8x3\nconv " + "9" * 5000 + " 3\n",
        "the number of filters is too large",
    ),
    ("huge axis", "input " + "9" * 5000 + "x8x3\nrelu\n", "the input shape is too large"),
    (
        "long expression",
        "block b w\n  conv {" + "+".join(["1"] * 5000) + "} 3\nend\ninput 8x8x3\nb 1\n",
        "cannot read the expression",
    ),
    (
        "huge expression",
        "block b w\n  conv {" + "*".join(["99999"] * 50) + "} 3\nend\ninput 8x8x3\nb 1\n",
        "more than 1,000,000,000",
    ),
    (
        "repeated instance name",
        BLOCK + "input 8x8x3\nrepeat 2 b 4 name=s\nrepeat 2 b 4 name=s\n",
        "the name 's' is already used (first used at line 5)",
    ),
    (
        "instance named like a layer",
        BLOCK + "input 8x8x3\nconv 4 1 name=x\nb 4 name=x\n",
        "the name 'x' is already used",
    ),
    ("share the input", "input 8x8x3\nconv 4 3 share=input\n", "the input has no weights to share"),
    (
        "share another shape",
        "input 8x8x3\nconv 4 1x2 name=a\nconv 4 2x1 share=a\n",
        "cannot share the weights of a",
    ),
    (
        "reserved name in a block",
        "block b\n  relu name=in\nend\ninput 8\nb\n",
        "'in' is reserved for the block's input",
    ),
    ("reserved name", "input 8\nrelu name=input\n", "'input' is reserved"),
    (
        "parameter twice",
        "block b w w\n  dense {w}\nend\ninput 8\nb 2 3\n",
        "the parameter 'w' is declared twice",
    ),
    (
        "parameter called name",
        "block b name\n  dense 2\nend\ninput 8\nb 2\n",
        "'name' cannot be a block parameter",
    ),
    (
        "too many repeats",
        BLOCK + "input 8x8x3\nrepeat 2000000 b 4\n",
        "a repeat count of at most 100,000",
    ),
    (
        "blocks nested too deep",
        "".join(f"block b{i}\n  b{i - 1}\nend\n" for i in range(1, 40)).replace(
            "  b0\n", "  relu\n"
        )
        + "input 8\nb39\n",
        "more than 32 deep",
    ),
    (
        "output padding with same",
        "input 7x7x3\nconvtranspose 4 4 stride=2 padding=same output_padding=1\n",
        "output_padding cannot be combined with padding=same",
    ),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_text_input(arch_file, case: str, text: str, message: str) -> None:
    run = run_cli("shapes", arch_file(text))
    assert run.code == 2, run.err
    assert message in run.err
    assert run.out == ""
    assert all(len(line) < 120 for line in run.err.splitlines()[1:3])  # long lines are cropped


BAD_DATA = [
    ("deep json", "deep.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (
        "null",
        "n.json",
        json.dumps({"input": [8], "layers": [{"kind": "dense", "units": None}]}),
        "not 'null'",
    ),
    (
        "string size",
        "s.json",
        json.dumps({"input": [8], "layers": [{"kind": "dense", "units": "many"}]}),
        "not 'many'",
    ),
    (
        "toml date",
        "d.toml",
        'input = [8, 8, 3]\n[[layers]]\nkind = "conv"\nfilters = 4\nkernel = 3\nstride = 2024-01-01\n',
        "not '2024-01-01'",
    ),
    ("toml syntax", "bad.toml", "input = [8, 8, 3]\n[[layers]\n", "not valid TOML"),
    ("empty toml", "empty.toml", "", "needs the keys 'input' and 'layers' (this one is empty)"),
    ("json syntax", "bad.json", '{"input": [8],\n "layers": [}', "not valid JSON"),
]


@pytest.mark.parametrize(
    ("case", "name", "text", "message"), BAD_DATA, ids=[b[0] for b in BAD_DATA]
)
def test_bad_data_input(arch_file, case: str, name: str, text: str, message: str) -> None:
    run = run_cli("shapes", arch_file(text, name))
    assert run.code == 2, run.err
    assert message in run.err


def test_toml_errors_give_the_line(arch_file) -> None:
    run = run_cli("shapes", arch_file("input = [8, 8, 3]\n[[layers]\n", "bad.toml"))
    assert ":2:" in run.err.splitlines()[0]


def test_auto_instance_names_skip_taken_names(arch_file) -> None:
    run = run_cli("shapes", arch_file(BLOCK + "input 8x8x3\nb 4 name=b1\nb 4\n"), "-f", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert [layer["name"] for layer in data["layers"]] == ["b1.conv1", "b2.conv1"]
    assert data["total_params"] == 112 + 148


def test_shared_weights_follow_the_owner(arch_file) -> None:
    text = "input 8x8x4\nconv 4 3 padding=1 name=a\nconv 4 3 padding=1 share=a name=b\nconv 4 3 padding=1 share=b\n"
    data = json.loads(run_cli("shapes", arch_file(text), "-f", "json").out)
    assert [layer["params"] for layer in data["layers"]] == [148, 0, 0]
    assert "shares the weights of a" in data["layers"][2]["params_working"]


@pytest.mark.parametrize("between", ["dropout 0.2", "batchnorm", "layernorm", "relu"])
def test_a_sequence_input_is_seen_past_shape_keeping_layers(arch_file, between: str) -> None:
    data = json.loads(
        run_cli("shapes", arch_file(f"input 100x16\n{between}\nlstm 32\n"), "-f", "json").out
    )
    assert data["input_shape"] == [100, 16]
    assert data["layers"][-1]["params"] == 4 * (32 * (16 + 32) + 32)


def test_standard_input_in_each_syntax() -> None:
    toml = b'input = [8, 8, 3]\n[[layers]]\nkind = "conv"\nfilters = 4\nkernel = 3\n'
    listing = b'[{"kind": "input", "shape": [8]}, {"kind": "dense", "units": 2}]'
    for data, total in ((toml, 112), (listing, 18), (b"input 8\ndense 2\n", 18)):
        run = run_cli("shapes", "-", "-f", "json", stdin=data)
        assert run.code == 0, run.err
        assert json.loads(run.out)["total_params"] == total


def test_json_can_set_the_convention(arch_file) -> None:
    text = json.dumps(
        {"convention": "pytorch", "input": [4, 4, 8], "layers": [{"kind": "batchnorm"}]}
    )
    data = json.loads(run_cli("shapes", arch_file(text, "bn.json"), "-f", "json").out)
    assert (data["convention"], data["total_params"]) == ("pytorch", 16)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_an_output_error_is_reported_not_a_bug() -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "dlcalc", "shapes", "problems/shapes/lenet5-exam.arch"],
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert proc.returncode == 74
    assert proc.stderr.startswith("error: cannot write the output")
