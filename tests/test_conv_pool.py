"""`dlcalc conv` and `dlcalc pool`: the working as an exam writes it, the grids read in every
notation, and one clear message for each kind of bad input (the numbers themselves are checked
against PyTorch and Keras in ``test_conv_pool_oracle.py``)."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli

IMAGE = "1 1 1 0 0; 0 1 1 1 0; 0 0 1 1 1; 0 0 1 1 0; 0 1 1 0 0"
CROSS = "1 0 1; 0 1 0; 1 0 1"


def test_the_notes_binary_image_cell_by_cell() -> None:
    run = run_cli("conv", "--input", IMAGE, "--kernel", CROSS, "-f", "plain")
    assert run.code == 0, run.err
    assert (
        "out[1,1]  rows 1–3, columns 1–3  1·1 + 1·0 + 1·1 + 0·0 + 1·1 + 1·0 + 0·1 + 0·0 + 1·1 = 4"
        in run.out
    )
    output = run.out.split("Output\n")[1].split("\n\n")[0].splitlines()
    assert [line.split()[1:] for line in output[2:]] == [
        ["4", "3", "4"],
        ["2", "4", "3"],
        ["2", "3", "4"],
    ]
    assert "cross-correlation, what PyTorch and Keras compute" in run.out


@pytest.mark.parametrize(
    "written",
    [
        "1 2 3; 4 5 6",
        "1,2,3;4,5,6",
        "[[1, 2, 3], [4, 5, 6]]",
        "[[[1, 2, 3], [4, 5, 6]]]",
    ],
)
def test_every_notation_of_a_matrix_reads_the_same(written: str) -> None:
    run = run_cli("conv", "--input", written, "--kernel", "1 1", "-f", "json")
    assert json.loads(run.out)["output"] == [[[3.0, 5.0], [9.0, 11.0]]]


def test_a_grid_from_a_file_and_its_errors_at_their_line(tmp_path) -> None:
    path = tmp_path / "image.txt"
    path.write_text("# a 3×3 image\n1 2 3\n4 5 6\n7 8 9\n", encoding="utf-8")
    run = run_cli(
        "pool", "max", "--input", f"@{path}", "--size", "2", "--stride", "1", "-f", "json"
    )
    assert json.loads(run.out)["output"] == [[[5.0, 6.0], [8.0, 9.0]]]
    path.write_text("1 2 3\n4 5\n7 8 9\n", encoding="utf-8")
    run = run_cli("pool", "max", "--input", f"@{path}")
    assert run.code == 2 and run.out == ""
    assert f"{path}:2:1: row 2 of --input has 2 values, row 1 has 3" in run.err


def test_padding_is_drawn_and_same_is_tensorflows() -> None:
    run = run_cli(
        "conv", "--input", "1 2 3 4", "--kernel", "1 1 1", "--1d", "--padding", "same",
        "--stride", "2", "-f", "plain",
    )  # fmt: skip
    assert (
        "padding same (TensorFlow/Keras: 0 row(s) on top, 0 below, 0 column(s) left, 1 right)"
        in run.out
    )
    assert "1  1  2  3  4  0" in run.out  # the padded input, its zero at the end
    assert json.loads(run_cli(*_last_args(), "-f", "json").out)["output"] == [[[6.0, 7.0]]]


def _last_args() -> list[str]:
    return [
        "conv",
        "--input",
        "1 2 3 4",
        "--kernel",
        "1 1 1",
        "--1d",
        "--padding",
        "same",
        "--stride",
        "2",
    ]


def test_a_named_kernel_and_the_flip() -> None:
    image = "1 2 3; 4 5 6; 7 8 9"
    sobel = json.loads(run_cli("conv", "--input", image, "--kernel", "sobel_x", "-f", "json").out)
    assert sobel["output"] == [[[8.0]]]  # (3 + 12 + 9) − (1 + 8 + 7)
    turned = json.loads(
        run_cli("conv", "--input", image, "--kernel", "sobel_x", "--flip", "-f", "json").out
    )
    assert turned["output"] == [[[-8.0]]] and turned["operation"] == "convolution"


def test_the_max_pool_backward_routes_to_the_first_maximum() -> None:
    run = run_cli("pool", "max", "--input", "5 5; 1 2", "--size", "2", "--grad", "3", "-f", "json")
    data = json.loads(run.out)
    assert data["indices"] == [[[[0, 0]]]]
    assert data["input_grad"] == [[[3.0, 0.0], [0.0, 0.0]]]
    plain = run_cli("pool", "max", "--input", "5 5; 1 2", "--size", "2", "-f", "plain").out
    assert "ties: the first maximum, row by row (PyTorch's choice)" in plain
    assert "max(5, 5, 1, 2) = 5  (1, 1)" in plain


def test_average_pooling_counts_the_padding_unless_told_not_to() -> None:
    args = ["pool", "avg", "--input", "4 8", "--size", "1,2", "--padding", "0,1", "-f", "json"]
    assert json.loads(run_cli(*args).out)["output"] == [[[2.0, 4.0]]]
    data = json.loads(run_cli(*args, "--count-include-pad", "false").out)
    assert data["output"] == [[[4.0, 8.0]]]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["conv", "--input", "1 2; 3", "--kernel", "1"], "row 2 of --input has 1 value"),
        (["conv", "--input", "1 2; 3 4", "--kernel", "1 1 1; 1 1 1; 1 1 1"], "the kernel is 3×3, larger than the padded input 2×2"),
        (["conv", "--input", "1 2; 3 4", "--kernel", "1", "--stride", "0"], "--stride must be at least 1"),
        (["conv", "--input", "1 2 | 3 4", "--kernel", "1"], "each --kernel has 1 slice(s) for an input of 2 channel(s)"),
        (["conv", "--input", "1 2; 3 4", "--kernel", "1", "--grad", "1 2"], "--grad is 1×2, the output 2×2"),
        (["conv", "--input", "1 x; 3 4", "--kernel", "1"], "each value of --input must be a number, not 'x'"),
        (["conv", "--input", "1 2; 3 4", "--kernel", "1", "--bias", "1,2"], "--bias has 2 value(s) for 1 kernel(s)"),
        (["conv", "--input", "1 2; 3 4", "--kernel", "1", "--1d"], "--1d takes one row per channel"),
        (["conv", "--kernel", "1"], "conv needs --input"),
        (["conv", "--input", "1"], "conv needs --kernel"),
        (["pool", "avg", "--input", "1 2; 3 4", "--dilation", "2"], "average pooling takes no dilation"),
        (["pool", "max", "--input", "1 2; 3 4", "--padding", "2"], "at most half the window"),
        (["pool", "mix", "--input", "1 2; 3 4"], "unknown pooling 'mix'"),
        (["pool", "max", "--input", "[[1, 2], [3, 4]"], "never closed"),
        (["conv", "--input", " ".join(["1"] * 300), "--kernel", " ".join(["1"] * 150), "--1d"], "22,650 products, more than 20,000"),
    ],
)  # fmt: skip
def test_bad_input_gets_one_message(args: list[str], says: str) -> None:
    run = run_cli(*args)
    assert run.code == 2 and run.out == "", run.err
    assert says in run.err and run.err.startswith("error:"), run.err


def test_check_marks_a_cell_and_names_the_turned_kernel() -> None:
    right = run_cli("check", "rgb-convolution-with-bias", "--answer", "out[2,2]=3", "-f", "json")
    assert json.loads(right.out)["right"] == 1
    # the kernel turned 180° gives, in the first window, 1 + 2 + 2 ... : the solver's own variant
    flipped = json.loads(
        run_cli(
            "conv", "--flip", "--bias", "1", "--kernel", "1 0; 0 -1 | 0 1; 1 0 | -1 0; 0 1",
            "--input", "1 0 2 1; 0 1 1 0; 2 1 0 1; 1 0 1 2 | 0 1 1 0; 1 2 0 1; 0 1 2 0; 1 1 0 1 | "
            "2 1 0 1; 1 0 1 2; 1 1 0 0; 0 2 1 1", "-f", "json",
        ).out
    )["output"][0][0][0]  # fmt: skip
    wrong = run_cli("check", "rgb-convolution-with-bias", "--answer", f"out[1,1]={flipped:g}")
    assert wrong.code == 1
    assert "the kernel turned 180°" in wrong.out


def test_from_python_with_lists_or_the_notation() -> None:
    import dlcalc

    from_lists = dlcalc.conv([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, -1]], stride=(1, 2))
    from_text = dlcalc.conv("1 2 3; 4 5 6; 7 8 9", "1 0; 0 -1", stride="1,2")
    assert from_lists.to_dict()["output"] == from_text.to_dict()["output"] == [[[-4.0], [-4.0]]]
    pooled = dlcalc.pool("avg", [[1, 3], [4, 2]], grad=[[4]])
    assert pooled.to_dict()["input_grad"] == [[[1.0, 1.0], [1.0, 1.0]]]
    assert [s.name for s in pooled.working][:2] == ["out[1,1]", "input_grad[1,1]"]


def test_a_transposed_convolution_spreads_each_input_cell() -> None:
    data = json.loads(
        run_cli("conv", "--transpose", "--input", "1 2; 3 4", "--kernel", "1 1; 1 1",
                "--stride", "2", "-f", "json").out
    )  # fmt: skip
    assert data["output"] == [[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0],
                               [3.0, 3.0, 4.0, 4.0], [3.0, 3.0, 4.0, 4.0]]]  # fmt: skip
    same = json.loads(
        run_cli("conv", "--transpose", "--input", "1 2 3", "--kernel", "1 2 1", "--1d",
                "--stride", "2", "--padding", "same", "-f", "json").out
    )  # fmt: skip
    assert len(same["output"][0][0]) == 6  # n·s
    plain = run_cli("conv", "--transpose", "--input", "1 2", "--kernel", "1 -1", "--1d",
                    "--stride", "1", "-f", "plain").out  # fmt: skip
    assert "out[1,2]  1·(−1) + 2·1 = 1" in plain


def test_depthwise_and_separable_by_hand() -> None:
    args = ["conv", "--depthwise", "--input", "1 2; 3 4 | 5 6; 7 8", "--kernel",
            "1 0; 0 1 | 1 1; 1 1"]  # fmt: skip
    assert json.loads(run_cli(*args, "-f", "json").out)["output"] == [[[5.0]], [[26.0]]]
    separable = run_cli(*args, "--pointwise", "1 0.5", "--bias", "1", "-f", "plain").out
    assert "dw[2,1,1]  rows 1–2, columns 1–2  5·1 + 6·1 + 7·1 + 8·1 = 26" in separable
    assert "out[1,1]  1·5 + 0.5·26 + 1 = 19" in separable


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--pointwise", "1"], "--pointwise follows a depthwise convolution"),
        (["--depthwise", "--kernel", "1"], "--depthwise takes one --kernel"),
        (["--depthwise", "--pointwise", "1 2"], "--pointwise has 2 weight(s) for 1 channel(s)"),
        (
            ["--depthwise", "--pointwise", "1", "--grad", "1 2; 3 4"],
            "not computed through --pointwise",
        ),
        (["--transpose", "--output-padding", "1"], "smaller than the stride or the dilation"),
        (["--transpose", "--padding", "3"], "the padding crops the whole output"),
    ],
)
def test_the_variants_bad_settings(args: list[str], says: str) -> None:
    run = run_cli("conv", "--input", "1 2; 3 4", "--kernel", "1", *args)
    assert run.code == 2 and run.out == "" and says in run.err, run.err
