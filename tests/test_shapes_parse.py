"""Reading architecture files: the text format, blocks, graphs, JSON and TOML."""

from __future__ import annotations

import json

import pytest

from conftest import solve_text
from dlcalc.errors import DlcalcError
from dlcalc.parse.architecture import parse_architecture
from dlcalc.parse.source import Source
from dlcalc.spec.architecture import ConvOp, Padding, PoolOp

LENET = """\
# LeNet-5 as set in an exam: total 61,706 parameters
input 32x32x1
conv 6 5x5                 # 6 filters of 5x5, stride 1, no padding -> 28x28x6, (5*5*1+1)*6 = 156
avgpool 2x2 stride=2       # -> 14x14x6, 0 params
conv 16 5x5                # -> 10x10x16, 2,416
avgpool 2x2 stride=2       # -> 5x5x16
conv 120 5x5               # -> 1x1x120, 48,120
flatten                    # -> 120
dense 84                   # 10,164
dense 10                   # 850
"""

SAME_STRIDE_4 = """\
# stride 4 with 'same' padding: the result 31/4 + 1 is not whole and is floored
input 32x32x3
conv 96 11x11 stride=4 padding=same   # -> 8x8x96, 34,944
maxpool 2x2 stride=2                  # -> 4x4x96
conv 256 5x5 padding=same             # -> 4x4x256, 614,656
maxpool 2x2 stride=2                  # -> 2x2x256
conv 384 3x3 padding=same             # -> 2x2x384, 885,120
flatten                               # -> 1,536
dense 84                              # 129,108
dense 10                              # 850
"""


def parse(text: str, suffix: str = ""):
    return parse_architecture(Source("net" + suffix, text, suffix))


def test_the_lenet_exam_file_gives_the_figures_in_its_comments() -> None:
    result = solve_text(LENET)
    shapes = [layer.output_shape for layer in result.layers]
    assert shapes == [
        (28, 28, 6),
        (14, 14, 6),
        (10, 10, 16),
        (5, 5, 16),
        (1, 1, 120),
        (120,),
        (84,),
        (10,),
    ]
    assert [layer.params for layer in result.layers] == [156, 0, 2416, 0, 48120, 0, 10164, 850]
    assert result.total_params == 61_706


def test_the_same_padding_file_gives_the_figures_in_its_comments() -> None:
    result = solve_text(SAME_STRIDE_4)
    shapes = [layer.output_shape for layer in result.layers]
    assert shapes == [
        (8, 8, 96),
        (4, 4, 96),
        (4, 4, 256),
        (2, 2, 256),
        (2, 2, 384),
        (1536,),
        (84,),
        (10,),
    ]
    params = [layer.params for layer in result.layers]
    assert params == [34_944, 0, 614_656, 0, 885_120, 0, 129_108, 850]


def test_default_names_count_per_kind() -> None:
    spec = parse(LENET)
    assert [layer.name for layer in spec.layers] == [
        "conv1",
        "avgpool1",
        "conv2",
        "avgpool2",
        "conv3",
        "flatten1",
        "dense1",
        "dense2",
    ]
    assert spec.layers[0].location.line == 3
    assert spec.layers[1].inputs == ("conv1",)


def test_options_in_any_order_sizes_and_aliases() -> None:
    a = parse("input 32x32x3\nconv2d 8 3x5 padding=1 stride=2x1").layers[0].op
    b = parse("input 32×32×3\nconv 8 3×5 stride=2x1 padding=1").layers[0].op
    assert a == b
    assert isinstance(a, ConvOp)
    assert (a.kernel, a.stride, a.padding) == ((3, 5), (2, 1), Padding("explicit", uniform=1))
    kinds = [layer.kind for layer in parse("input 8x8x3\nbn\nfc 4").layers]
    assert kinds == ["batchnorm", "dense"]


def test_pool_options() -> None:
    op = parse("input 8x8x3\nmaxpool 3 stride=2 padding=1 ceil=true").layers[0].op
    assert op == PoolOp("maxpool", (3,), (2,), Padding("explicit", uniform=1), True)


def test_a_two_axis_input_is_a_sequence_before_a_recurrent_layer() -> None:
    assert parse("input 28x28\nlstm 4").input.op.shape == (28, 28)  # type: ignore[union-attr]
    assert parse("input 28x28\nconv 4 3").input.op.shape == (28, 28, 1)  # type: ignore[union-attr]


BLOCKS = """\
block res width stride=1
  conv {width} 3 stride={stride} padding=1 bias=false
  batchnorm
  relu
  conv {2*width} 1 name=main
  conv {2*width} 1 stride={stride} from=in name=short
  add main short
end
input 16x16x8
res 4 stride=2 name=first
repeat 2 res width=8 name=stage
res 3
dense 2
"""


def test_blocks_expand_with_parameters_expressions_and_names() -> None:
    spec = parse(BLOCKS)
    names = [layer.name for layer in spec.layers]
    assert names[:6] == [
        "first.conv1",
        "first.batchnorm1",
        "first.relu1",
        "first.main",
        "first.short",
        "first.add1",
    ]
    assert "stage.1.conv1" in names and "stage.2.add1" in names and "res1.add1" in names
    by_name = {layer.name: layer for layer in spec.layers}
    assert by_name["first.short"].inputs == ("input",)
    assert by_name["stage.1.short"].inputs == ("first.add1",)
    assert by_name["stage.2.conv1"].inputs == ("stage.1.add1",)
    assert by_name["dense1"].inputs == ("res1.add1",)
    main = by_name["stage.1.main"].op
    assert isinstance(main, ConvOp) and main.filters == 16
    result = solve_text(BLOCKS)
    assert result.layers[-2].output_shape == (8, 8, 6)


def test_a_block_used_by_its_instance_name() -> None:
    text = "block b w\n  conv {w} 1\nend\ninput 4x4x2\nb 3 name=x\nconv 2 1 from=x\n"
    spec = parse(text)
    assert spec.layers[-1].inputs == ("x.conv1",)


def test_convention_line() -> None:
    assert parse("convention pytorch\ninput 8\ndense 2").convention == "pytorch"
    assert parse("input 8\ndense 2").convention is None


def test_expected_section_is_not_read_as_layers() -> None:
    spec = parse("input 8\ndense 2\n\nexpected\ndense1.params = 18\n")
    assert len(spec.layers) == 1


def test_json_and_toml_give_the_same_architecture_as_text() -> None:
    text = "input 32x32x1\nconv 6 5 stride=2 name=c\nmaxpool 2x2\nconv 8 3 from=c padding=same\n"
    data = {
        "input": [32, 32, 1],
        "layers": [
            {"kind": "conv", "filters": 6, "kernel": 5, "stride": 2, "name": "c"},
            {"kind": "maxpool", "kernel": [2, 2]},
            {"kind": "conv", "filters": 8, "kernel": "3", "from": "c", "padding": "same"},
        ],
    }
    toml = """input = [32, 32, 1]

[[layers]]
kind = "conv"
filters = 6
kernel = 5
stride = 2
name = "c"

[[layers]]
kind = "maxpool"
kernel = "2x2"

[[layers]]
kind = "conv"
filters = 8
kernel = 3
from = "c"
padding = "same"
"""
    ops = [layer.op for layer in parse(text).layers]
    from_json = parse(json.dumps(data), ".json")
    from_toml = parse(toml, ".toml")
    for spec in (from_json, from_toml):
        assert [layer.op for layer in spec.layers] == ops
        assert [(layer.name, layer.inputs) for layer in spec.layers] == [
            ("c", ("input",)),
            ("maxpool1", ("c",)),
            ("conv1", ("c",)),
        ]


def test_json_add_takes_a_list_of_inputs() -> None:
    data = [
        {"kind": "input", "shape": [4, 4, 2]},
        {"kind": "conv", "filters": 2, "kernel": 1, "name": "a"},
        {"kind": "add", "inputs": ["a", "input"]},
    ]
    spec = parse(json.dumps(data), ".json")
    assert spec.layers[-1].inputs == ("a", "input")


def test_standard_input_is_sniffed_as_json_or_text() -> None:
    assert len(parse('{"input": [8], "layers": [{"kind": "dense", "units": 2}]}').layers) == 1
    assert len(parse("input 8\ndense 2").layers) == 1


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("input 8\ndense", "2:1", "dense takes 1 value before its options, got nothing"),
        ("input 8\ndense 2.5", "2:7", "the number of units must be a whole number"),
        ("input 8\ndense 0", "2:7", "must be at least 1"),
        ("input 8\ndropout 1.5", "2:9", "the dropout rate must be in [0, 1)"),
        ("input 8x8x3\nconv 4 3 bias=maybe", "2:15", "bias must be true or false"),
        ("input 8x8x3\nconv 4 3 padding=full", "2:18", "padding must be valid, same or"),
        ("input 8x8x3\nconv 4 3x3x3", "2:8", "kernel 3x3x3 has 3 values"),
        (
            "input 8x8x3\nconv 4 3 name=a\nconv 4 3 name=a",
            "3:15",
            "already used (first used at line 2)",
        ),
        ("input 8x8x3\nconv 4 3 from=nope", "2:15", "no earlier layer is named 'nope'"),
        ("conv 4 3", "1:1", "the first line must give the input"),
        ("input 8x8x3x2x1\nrelu", "1:7", "at most 4 axes"),
        ("input 8\n", "1:1", "an input but no layers"),
        ("input 8\ninput 8\ndense 1", "2:1", "only the first line can be an input"),
        ("input 8\ndense 2 activation=relux", "2:20", "unknown activation 'relux'"),
        ("block b w\n  dense {w}\nend\ninput 8\nb", "5:1", "needs a value for 'w'"),
        ("block b w\n  dense {w}\ninput 8\nb", "1:1", "this block has no 'end' line"),
        ("block b w\n  dense {w}\nend\ninput 8\nb 1 v=2", "5:5", "has no parameter 'v'"),
        ("block b w\n  dense {w*}\nend\ninput 8\nb 2", "2:9", "cannot read the expression"),
        ("block b w\n  dense {x}\nend\ninput 8\nb 2", "2:9", "'x' is not a parameter"),
        ("block b\n  b\nend\ninput 8\nb", "2:3", "block 'b' uses itself"),
        ("end\ninput 8", "1:1", "'end' without a 'block'"),
        ("input 8\nrepeat 2 nob", "2:10", "no block is named 'nob'"),
        ("input 8\nrepeat two b", "2:8", "the repeat count must be a whole number"),
        ("convention tensorflow\ninput 8\ndense 1", "1:1", "convention takes one name"),
        ("input 8x8x3\nconv 4 3 stride=2 stride=3", "2:19", "the option 'stride' is given twice"),
        ("block b\nend\ninput 8\nb", "1:7", "block 'b' has no layers"),
    ],
)
def test_errors_point_at_the_offending_text(text: str, where: str, message: str) -> None:
    with pytest.raises(DlcalcError) as caught:
        parse(text)
    error = caught.value
    assert message in error.message
    assert f"{error.location.line}:{error.location.column}" == where
    assert error.expected or error.suggestion


def test_unknown_kind_suggests_the_nearest() -> None:
    with pytest.raises(DlcalcError) as caught:
        parse("input 8x8x3\nmaxpol 2")
    assert caught.value.suggestion == "did you mean 'maxpool'?"
    with pytest.raises(DlcalcError) as caught:
        parse("input 8x8x3\nconv 4 3 strde=2")
    assert caught.value.suggestion == "did you mean 'stride'?"


def test_data_errors_name_the_path() -> None:
    with pytest.raises(DlcalcError) as caught:
        parse('{"input": [8], "layers": [{"kind": "dense"}]}', ".json")
    assert "dense needs 'units'" in caught.value.message
    assert str(caught.value.location) == "net.json: layers[0]"
    with pytest.raises(DlcalcError, match="not valid JSON"):
        parse('{"input": [8], ', ".json")
    with pytest.raises(DlcalcError, match="not valid TOML"):
        parse("input = [8\n", ".toml")
    with pytest.raises(DlcalcError, match="'input' and 'layers'"):
        parse('{"layers": []}', ".json")
