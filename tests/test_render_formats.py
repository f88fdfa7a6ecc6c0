"""Every output format of ``dlcalc shapes``, run in-process on small exam architectures."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import run_cli
from dlcalc.render.formats import emit
from dlcalc.render.latex import latex_text
from dlcalc.render.report import Column, Report, Table

LENET = """\
input 32x32x1
conv 6 5x5
avgpool 2x2 stride=2
conv 16 5x5
avgpool 2x2 stride=2
conv 120 5x5
flatten
dense 84
dense 10
"""
LENET_LAYERS = ["conv1", "avgpool1", "conv2", "avgpool2", "conv3", "flatten1", "dense1", "dense2"]
LENET_PARAMS = [156, 0, 2416, 0, 48120, 0, 10164, 850]
# out_h·out_w·K·f·f·C_in for the convs, in·out for the dense layers
LENET_MACS = [28 * 28 * 6 * 25, 0, 10 * 10 * 16 * 25 * 6, 0, 120 * 25 * 16, 0, 120 * 84, 84 * 10]
LENET_TOTAL = 61_706
LENET_CF = LENET.replace("input 32x32x1", "input 1x32x32")
"""LeNet-5 with its input in the PyTorch layout, read with --channels-first."""

SAME_STRIDE_4 = """\
input 32x32x3
conv 96 11x11 stride=4 padding=same
batchnorm
maxpool 3x3 stride=2
flatten
dense 10 name=fc_out
"""
CONV1_WORKING = "⌊(32 + 2·5 − 11)/4⌋ + 1 = ⌊7.75⌋ + 1 = 8"

BATCHNORM = """\
input 16x16x3
conv 8 3x3
batchnorm
flatten
dense 10
"""

ANSI = "\x1b["


def shapes(arch_file, text: str, *options: str) -> str:
    run = run_cli("shapes", arch_file(text), *options)
    assert run.code == 0, run.err
    assert run.err == ""
    return run.out


def row(out: str, name: str) -> list[str]:
    """The cells of a plain-text table row (cells are separated by two spaces or more)."""
    lines = [line for line in out.splitlines() if line.split(" ", 1)[0] == name]
    assert lines, f"no row for {name}"
    return re.split(r"\s{2,}", lines[0].strip())


# --- plain (the default when piped) ------------------------------------------------------


def test_default_format_when_not_a_terminal_is_plain(arch_file) -> None:
    out = shapes(arch_file, LENET)
    assert ANSI not in out
    assert out.startswith("Shapes and parameters: ")
    assert row(out, "conv1") == [
        "conv1",
        "conv",
        "28×28×6",
        "32 − 5 + 1 = 28",
        "(5·5·1 + 1)·6 = 156",
        "156",
    ]
    assert row(out, "input")[:3] == ["input", "input", "32×32×1"]
    assert row(out, "avgpool1")[2:4] == ["14×14×6", "(28 − 2)/2 + 1 = 13 + 1 = 14"]
    assert row(out, "conv3")[2] == "1×1×120"
    assert row(out, "dense1")[4:6] == ["120·84 + 84 = 10,164", "10,164"]
    # total in the table footer and in the summary
    assert row(out, "total") == ["total", "61,706"]
    assert re.search(r"^Total parameters\s+61,706 \(61.71 K; 241.0 KiB at float32\)$", out, re.M)
    assert re.search(r"^Non-trainable\s+0$", out, re.MULTILINE)
    assert re.search(r"^MACs\s+416,520 \(416.5 K\) multiply-accumulates$", out, re.MULTILINE)
    assert sum(LENET_MACS) == 416_520


def test_plain_params_column_is_right_aligned(arch_file) -> None:
    out = shapes(arch_file, LENET)
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("Layer ") and "Params" in line)
    end = header.index("Params") + len("Params")
    for name, params in [("conv1", "156"), ("conv3", "48,120"), ("dense2", "850")]:
        line = next(line for line in lines if line.startswith(name + " "))
        assert line[end - len(params) : end] == params, line


def test_plain_cost_table_and_receptive_field(arch_file) -> None:
    out = shapes(arch_file, LENET)
    cost_rows = [line for line in out.splitlines() if line.startswith("conv1 ")]
    assert len(cost_rows) == 3  # one in each table: layers, weights, cost
    cost = re.split(r"\s{2,}", cost_rows[2].strip())
    assert cost == ["conv1", "117,600", "4,704", "18.4 KiB", "5×5", "1×1"]
    conv3 = re.split(r"\s{2,}", [ln for ln in out.splitlines() if ln.startswith("conv3 ")][2])
    assert conv3[-2:] == ["32×32", "4×4"]


# --- rich --------------------------------------------------------------------------------


@pytest.fixture
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "240")  # wide enough that no cell is folded
    return monkeypatch


def test_rich_with_no_color_has_no_escape_codes(arch_file, plain_environment) -> None:
    plain_environment.setenv("NO_COLOR", "1")
    out = shapes(arch_file, LENET, "--format", "rich")
    assert ANSI not in out
    assert "28×28×6" in out
    assert "(5·5·1 + 1)·6 = 156" in out
    assert "(5·5·16 + 1)·120 = 48,120" in out
    assert re.search(r"^\s*total[\s│]+61,706[\s│]*$", out, re.MULTILINE)
    assert "Total parameters  61,706" in out


def test_rich_wraps_the_working_to_the_terminal_width(arch_file, plain_environment) -> None:
    plain_environment.setenv("NO_COLOR", "1")
    plain_environment.setenv("COLUMNS", "90")
    out = shapes(arch_file, LENET, "--format", "rich")
    lines = out.splitlines()
    rules = [line for line in lines if line.startswith("─")]
    assert len(rules) == 5  # under each header, and above the totals of layers and cost
    assert all(len(line) <= 90 for line in rules)
    table = lines[lines.index("Layers") : lines.index("Cost and receptive field")]
    assert all(len(line) <= 90 for line in table)
    # right-aligned numbers are never wrapped; the wrapped working still has every word
    conv3 = next(line for line in table if line.startswith("conv3 "))
    assert conv3.endswith(" 48,120 │"), conv3  # Rich's look: columns between lines
    words = " ".join(table).split()
    assert {"(5·5·16", "1)·120", "48,120"} <= set(words)
    assert re.search(r"^total[\s│]+61,706 │$", "\n".join(table), re.MULTILINE)


def test_rich_with_no_color_on_a_forced_terminal_has_no_colour(
    arch_file, plain_environment
) -> None:
    plain_environment.setenv("NO_COLOR", "1")
    plain_environment.setenv("FORCE_COLOR", "1")
    out = shapes(arch_file, LENET, "--format", "rich")
    # bold and dim may remain; no foreground or background colour may
    for codes in re.findall(r"\x1b\[([0-9;]*)m", out):
        for code in codes.split(";"):
            assert not code or not (30 <= int(code) <= 49 or 90 <= int(code) <= 107), codes
    assert "61,706" in re.sub(r"\x1b\[[0-9;]*m", "", out)


# --- markdown ----------------------------------------------------------------------------


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row, split on the pipes that are not escaped."""
    assert line.startswith("|") and line.endswith("|"), line
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]


def test_markdown_tables(arch_file) -> None:
    out = shapes(arch_file, LENET, "--format", "markdown")
    lines = out.splitlines()
    header_index = lines.index(
        "| Layer | Kind | Output | Output size (working) | Parameters (working) | Params | Notes |"
    )
    separator = lines[header_index + 1]
    assert cells(separator) == ["---", "---", "---", "---", "---", "---:", "---"]
    table = []
    for line in lines[header_index + 2 :]:
        if not line.startswith("|"):
            break
        table.append(cells(line))
    assert all(len(cells_) == 7 for cells_ in table)
    assert [r[0] for r in table] == ["input", *LENET_LAYERS, "**total**"]
    conv1 = table[1]
    assert conv1[:6] == [
        "conv1",
        "conv",
        "28×28×6",
        "32 − 5 + 1 = 28",
        "(5·5·1 + 1)·6 = 156",
        "156",
    ]
    assert table[-1][5] == "**61,706**"
    # the cost table has its own header and separator
    assert "| Layer | MACs | Activations | Memory | Receptive field | Jump |" in lines
    assert "|---|---:|---:|---:|---|---|" in lines
    assert "- **Total parameters**: 61,706 (61.71 K; 241.0 KiB at float32)" in lines


def test_markdown_escapes_pipes_and_stars_inside_cells() -> None:
    report = Report(
        title="t",
        tables=[
            Table(
                [Column("a"), Column("b", "right")],
                rows=[["x|y", "2*3"]],
                footer=[["total|all", ""]],
            )
        ],
        notes=["a | note"],
        summary=[("Total", "1|2")],
    )
    stream = io.StringIO()
    emit(report, "markdown", stream)
    out = stream.getvalue()
    lines = out.splitlines()
    assert "| a | b |" in lines
    assert "|---|---:|" in lines
    assert "| x\\|y | 2\\*3 |" in lines
    assert cells("| x\\|y | 2\\*3 |") == ["x\\|y", "2\\*3"]
    assert "| **total\\|all** |  |" in lines
    assert "1. a \\| note" in lines
    assert "- **Total**: 1\\|2" in lines


# --- LaTeX -------------------------------------------------------------------------------


def test_latex_text_escapes_every_special_character() -> None:
    assert latex_text("& % $ # _ { } ~ ^ \\") == (
        r"\& \% \$ \# \_ \{ \} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    )
    assert latex_text("a_b{c}") == r"a\_b\{c\}"
    assert latex_text("(5·5·1 + 1)·6 − 1") == r"(5$\cdot$5$\cdot$1 + 1)$\cdot$6 $-$ 1"
    assert latex_text("⌊x⌋ ⌈y⌉ 3×3 γ β ≤ ≥ … →") == (
        r"$\lfloor$x$\rfloor$ $\lceil$y$\rceil$ 3$\times$3 $\gamma$ $\beta$ $\leq$ $\geq$ "
        r"\ldots{} $\to$"
    )
    assert latex_text("plain text 123") == "plain text 123"
    assert latex_text("'same' and --convention") == (
        r"\textquotesingle{}same\textquotesingle{} and -{}-convention"
    )


def test_latex_tables(arch_file) -> None:
    out = shapes(arch_file, SAME_STRIDE_4, "--format", "latex")
    assert out.count("\\begin{longtable}") == 3
    assert out.count("\\end{longtable}") == 3
    # the layers table is too wide for a line: its columns get widths, the long ones wrap
    wrapped = ">{\\raggedright\\arraybackslash}p{"
    assert f"\\begin{{longtable}}{{@{{}}{wrapped}" in out
    assert "\\begin{longtable}{@{}lrrrll@{}}" in out
    conv1 = next(line for line in out.splitlines() if line.startswith("conv1 & "))
    assert conv1.endswith(" \\\\")
    columns = conv1.removesuffix(" \\\\").split(" & ")
    assert columns[:6] == [
        "conv1",
        "conv",
        r"8$\times$8$\times$96",
        r"$\left\lfloor\frac{32 + 2 \cdot 5 - 11}{4}\right\rfloor + 1"
        r" = \left\lfloor7.75\right\rfloor + 1 = 8$",
        r"$(11 \cdot 11 \cdot 3 + 1) \cdot 96 = 34{,}944$",
        "34,944",
    ]
    # text that is not a formula is escaped, its symbols typeset
    assert latex_text(CONV1_WORKING) == (
        r"$\lfloor$(32 + 2$\cdot$5 $-$ 11)/\allowbreak{}4$\rfloor$ + 1 = $\lfloor$7.75$\rfloor$"
        r" + 1 = 8"
    )
    assert "fc\\_out & dense & 10 & " in out
    assert "reset\\_after" in out
    # nothing is left for LaTeX to choke on: no bare _ # % $ and no raw math symbols
    assert not re.search(r"(?<!\\)[_#%]", out)
    assert all(len(re.findall(r"(?<!\\)\$", line)) % 2 == 0 for line in out.splitlines())
    assert not set("·−×⌊⌋⌈⌉γβ≤≥") & set(out)
    # every row of each table has one cell per column, and the rows end with \\
    tables = re.findall(
        r"\\begin\{longtable\}\{@\{\}(.*?)@\{\}\}\n(.*?)\\end\{longtable\}", out, re.S
    )
    columns = [spec.count("p{") or len(spec) for spec, _ in tables]
    assert columns == [7, 2, 6]
    assert [body.count(" \\\\") for _, body in tables] == [
        1 + 1 + 5 + 1,  # header (repeated on each page), input, five layers, total
        1 + 3,  # header, the three layers with weights
        1 + 5 + 1,  # header, five layers, total
    ]
    for count, (_, body) in zip(columns, tables):
        for line in body.splitlines():
            if line != "\\hline":
                assert re.search(r" \\\\( \\hline(\\endhead)?)?$", line), line
                assert len(re.split(r"(?<!\\)&", line)) == count, line
    assert "total &  &  &  &  & 43,978 &  \\\\" in out


# --- CSV ---------------------------------------------------------------------------------


def test_csv_one_row_per_layer(arch_file) -> None:
    out = shapes(arch_file, LENET, "--format", "csv")
    reader = csv.DictReader(io.StringIO(out))
    assert reader.fieldnames is not None
    assert {
        "name",
        "kind",
        "output_shape",
        "params",
        "trainable_params",
        "non_trainable_params",
        "macs",
    } <= set(reader.fieldnames)
    rows = list(reader)
    assert [r["name"] for r in rows] == LENET_LAYERS  # no input line, no total line
    assert [int(r["params"]) for r in rows] == LENET_PARAMS
    assert sum(int(r["params"]) for r in rows) == LENET_TOTAL
    assert [int(r["macs"]) for r in rows] == LENET_MACS
    for r in rows:
        assert int(r["trainable_params"]) + int(r["non_trainable_params"]) == int(r["params"])
    conv2 = rows[2]
    assert conv2["kind"] == "conv"
    assert conv2["output_shape"] == "10×10×16"
    assert conv2["params_working"] == "(5·5·6 + 1)·16 = 2,416"  # the comma is quoted
    assert rows[5]["output_shape"] == "120"


def test_csv_channels_first(arch_file) -> None:
    out = shapes(arch_file, LENET_CF, "--format", "csv", "--channels-first")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["output_shape"] == "6×28×28"


# --- JSON --------------------------------------------------------------------------------


def test_json_keys_and_types(arch_file) -> None:
    data = json.loads(shapes(arch_file, LENET, "--format", "json"))
    assert data["input_shape"] == [32, 32, 1]
    assert data["total_params"] == LENET_TOTAL
    assert data["trainable_params"] == LENET_TOTAL
    assert data["non_trainable_params"] == 0
    assert data["total_macs"] == sum(LENET_MACS)
    for key in ("total_params", "trainable_params", "non_trainable_params", "total_macs"):
        assert type(data[key]) is int, key
    layers = data["layers"]
    assert [layer["name"] for layer in layers] == LENET_LAYERS
    for layer, params, macs in zip(layers, LENET_PARAMS, LENET_MACS):
        for key in ("params", "trainable_params", "non_trainable_params", "macs"):
            assert type(layer[key]) is int, (layer["name"], key)
        assert isinstance(layer["kind"], str)
        assert all(type(d) is int for d in layer["output_shape"])
        assert layer["params"] == params
        assert layer["macs"] == macs
        assert layer["trainable_params"] + layer["non_trainable_params"] == layer["params"]
    assert layers[0]["kind"] == "conv"
    assert layers[0]["output_shape"] == [28, 28, 6]
    assert layers[5]["output_shape"] == [120]
    assert sum(layer["params"] for layer in layers) == data["total_params"]
    assert sum(layer["macs"] for layer in layers) == data["total_macs"]


def test_json_is_channels_last_even_with_channels_first(arch_file) -> None:
    data = json.loads(shapes(arch_file, LENET_CF, "--format", "json", "--channels-first"))
    assert data["input_shape"] == [32, 32, 1]
    assert data["layers"][0]["output_shape"] == [28, 28, 6]
    assert data["layers"][3]["output_shape"] == [5, 5, 16]


# --- options -----------------------------------------------------------------------------


def test_channels_first_plain(arch_file) -> None:
    out = shapes(arch_file, LENET_CF, "--channels-first")
    assert row(out, "conv1")[2] == "6×28×28"
    assert row(out, "input")[2] == "1×32×32"
    assert row(out, "conv3")[2] == "120×1×1"
    assert row(out, "flatten1")[2] == "120"
    assert "shapes: C×H×W (channels first)" in out
    assert "28×28×6" not in out


def test_convention_keras_by_default(arch_file) -> None:
    out = shapes(arch_file, BATCHNORM)
    assert re.search(r"^convention: keras\b", out, re.MULTILINE)
    assert row(out, "batchnorm1")[2:6] == ["14×14×8", "unchanged", "4·8 = 32", "32"]
    data = json.loads(shapes(arch_file, BATCHNORM, "--format", "json"))
    assert data["convention"] == "keras"
    bn = data["layers"][1]
    assert (bn["params"], bn["trainable_params"], bn["non_trainable_params"]) == (32, 16, 16)
    conv = (3 * 3 * 3 + 1) * 8
    dense = 14 * 14 * 8 * 10 + 10
    assert data["total_params"] == conv + 32 + dense
    assert data["non_trainable_params"] == 16
    assert re.search(r"^Non-trainable\s+16 \(64 B at float32\)$", out, re.MULTILINE)


def test_convention_pytorch(arch_file) -> None:
    out = shapes(arch_file, BATCHNORM, "--convention", "pytorch")
    assert re.search(r"^convention: pytorch\b", out, re.MULTILINE)
    assert row(out, "batchnorm1")[2:6] == ["14×14×8", "unchanged", "2·8 = 16", "16"]
    data = json.loads(shapes(arch_file, BATCHNORM, "--format", "json", "--convention", "pytorch"))
    assert data["convention"] == "pytorch"
    bn = data["layers"][1]
    assert (bn["params"], bn["trainable_params"], bn["non_trainable_params"]) == (16, 16, 0)
    assert data["non_trainable_params"] == 0


def test_convention_line_in_the_file_and_the_option_wins(arch_file) -> None:
    text = "convention pytorch\n" + BATCHNORM
    out = shapes(arch_file, text)
    assert re.search(r"^convention: pytorch\b", out, re.MULTILINE)
    assert row(out, "batchnorm1")[5] == "16"
    out = shapes(arch_file, text, "--convention", "keras")
    assert re.search(r"^convention: keras\b", out, re.MULTILINE)
    assert row(out, "batchnorm1")[5] == "32"


@pytest.mark.parametrize(
    ("args", "seen"),
    [
        (["shapes", "problems/shapes/lenet5-exam.arch"], "(5*5*1 + 1)*6 = 156"),
        (
            ["activate", "sigmoid", "0.5", "-f", "json"],
            '"formula": "\\u03c3(x) = 1/(1 + e^(\\u2212x))"',
        ),
        (["optimize", "adam", "--grads", "0.2", "--start", "w=1"], "theta - eta*m^/"),
        (["activate", "sigmoidd", "1"], "unknown activation function 'sigmoidd'"),
    ],
)
def test_a_stream_that_cannot_encode_unicode_gets_ascii(args: list[str], seen: str) -> None:
    """PYTHONIOENCODING=ascii (a legacy code page): ASCII spellings, JSON escapes, no error."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    run = subprocess.run(
        [sys.executable, "-m", "dlcalc", *args], capture_output=True, cwd=ROOT, env=env
    )
    assert run.returncode in (0, 2), run.stderr
    written = (run.stdout + run.stderr).decode("ascii")  # every byte ASCII
    assert seen in written and "internal error" not in written
