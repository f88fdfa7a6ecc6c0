"""Every layer kind: output shape, parameter count, working and notes, against hand-worked values."""

from __future__ import annotations

import pytest

from conftest import params_working, shape_working, solve_text
from dlcalc.errors import DlcalcError
from dlcalc.parse.architecture import parse_architecture
from dlcalc.parse.source import Source
from dlcalc.solve.shapes import ShapesOptions, solve_shapes


def only(text: str, convention: str = "keras", name: str | None = None):
    """The result of the last layer (or the named one) of ``text``."""
    result = solve_text(text, convention)
    if name is None:
        return result.layers[-1]
    return next(layer for layer in result.layers if layer.name == name)


# --- convolutions ------------------------------------------------------------------------


def test_conv_valid_stride_one() -> None:
    layer = only("input 32x32x1\nconv 6 5x5")
    assert layer.output_shape == (28, 28, 6)
    assert layer.params == 156
    assert shape_working(layer) == "32 − 5 + 1 = 28"
    assert params_working(layer) == "(5·5·1 + 1)·6 = 156"
    assert layer.macs == 28 * 28 * 6 * 5 * 5 * 1


def test_conv_same_stride_four_is_floored_with_a_note() -> None:
    layer = only("input 32x32x3\nconv 96 11x11 stride=4 padding=same")
    assert layer.output_shape == (8, 8, 96)
    assert layer.params == 34_944
    assert shape_working(layer) == "⌊(32 + 2·5 − 11)/4⌋ + 1 = ⌊7.75⌋ + 1 = 8"
    assert any("7.75 is not whole: floored" in note for note in layer.notes)
    assert any("7 in total (3 before, 4 after)" in note for note in layer.notes)


def test_conv_same_with_an_even_kernel_notes_the_course_rule() -> None:
    layer = only("input 32x32x3\nconv 8 4 padding=same")
    assert layer.output_shape == (32, 32, 8)
    assert shape_working(layer) == "⌈32/1⌉ = 32"
    assert any("1.5 is not whole" in note and "31" in note for note in layer.notes)


def test_conv_explicit_padding_and_stride() -> None:
    layer = only("input 28x28x1\nconv 16 5 padding=2")
    assert layer.output_shape == (28, 28, 16)
    assert shape_working(layer) == "28 + 2·2 − 5 + 1 = 28"
    assert layer.params == 416


def test_conv_per_axis_kernel_stride_and_padding() -> None:
    layer = only("input 32x20x3\nconv 4 3x5 stride=2x1 padding=1x2")
    # H: ⌊(32 + 2 − 3)/2⌋ + 1 = 16; W: (20 + 4 − 5)/1 + 1 = 20
    assert layer.output_shape == (16, 20, 4)
    assert layer.params == (3 * 5 * 3 + 1) * 4
    assert shape_working(layer).startswith("H: ") and "; W: " in shape_working(layer)


def test_conv_dilation_uses_the_effective_kernel() -> None:
    layer = only("input 32x32x3\nconv 8 3 dilation=2")
    assert layer.output_shape == (28, 28, 8)  # span 5
    assert shape_working(layer) == "32 − 2·(3 − 1) − 1 + 1 = 28"
    assert layer.receptive_field == (5, 5)


def test_conv_groups_and_no_bias() -> None:
    layer = only("input 8x8x64\nconv 128 3 groups=4 bias=false")
    assert layer.params == 3 * 3 * 16 * 128
    assert params_working(layer) == "3·3·16·128 = 18,432"
    assert any("64/4 = 16" in note for note in layer.notes)
    assert layer.macs == 6 * 6 * 128 * 9 * 16


def test_conv1d_on_a_sequence() -> None:
    layer = only("input 100x16\nconv1d 32 5 stride=2")
    assert layer.output_shape == (48, 32)
    assert layer.params == (5 * 16 + 1) * 32


def test_conv3d_on_a_volume() -> None:
    layer = only("input 16x32x32x3\nconv3d 8 3 padding=1")
    assert layer.output_shape == (16, 32, 32, 8)
    assert layer.params == (27 * 3 + 1) * 8


def test_depthwise_with_multiplier() -> None:
    layer = only("input 32x32x16\ndepthwise 3 multiplier=2 padding=same")
    assert layer.output_shape == (32, 32, 32)
    assert layer.params == 3 * 3 * 16 * 2 + 32
    assert params_working(layer) == "(3·3 + 1)·16·2 = 320"


def test_separable_conv() -> None:
    layer = only("input 32x32x32\nseparable 64 3 padding=same")
    assert layer.output_shape == (32, 32, 64)
    assert layer.params == 3 * 3 * 32 + 32 * 64 + 64
    assert layer.macs == 32 * 32 * (32 * 9 + 32 * 64)


def test_convtranspose_pytorch_formula() -> None:
    layer = only("input 7x7x64\nconvtranspose 32 3 stride=2 padding=1 output_padding=1")
    assert layer.output_shape == (14, 14, 32)
    assert shape_working(layer) == "(7 − 1)·2 − 2·1 + 3 + 1 = 14"
    assert layer.params == 3 * 3 * 64 * 32 + 32


def test_convtranspose_same_doubles() -> None:
    assert only("input 7x7x64\nconvtranspose 32 4 stride=2 padding=same").output_shape == (
        14,
        14,
        32,
    )


# --- pooling --------------------------------------------------------------------------------


def test_pool_stride_defaults_to_the_pool_size() -> None:
    layer = only("input 28x28x6\navgpool 2")
    assert layer.output_shape == (14, 14, 6)
    assert layer.params == 0
    assert "stride = pool size (the default)" in layer.notes


def test_maxpool_floor_and_ceil() -> None:
    floor = only("input 55x55x64\nmaxpool 2")
    ceil = only("input 55x55x64\nmaxpool 2 ceil=true")
    assert floor.output_shape[:2] == (27, 27)
    assert ceil.output_shape[:2] == (28, 28)
    assert shape_working(floor) == "⌊(55 − 2)/2⌋ + 1 = ⌊26.5⌋ + 1 = 27"
    assert shape_working(ceil) == "⌈(55 − 2)/2⌉ + 1 = ⌈26.5⌉ + 1 = 28"


def test_ceil_mode_keeps_a_window_that_runs_past_a_small_input() -> None:
    # PyTorch: MaxPool2d(2, ceil_mode=True) on 1×1 gives 1×1 (⌈(1 − 2)/2⌉ + 1 = 1); a stride of
    # 1 still refuses it (⌈−1⌉ + 1 = 0), as PyTorch does
    layer = only("input 1x1x1\nmaxpool 2 ceil=true")
    assert layer.output_shape == (1, 1, 1)
    assert shape_working(layer) == "⌈(1 − 2)/2⌉ + 1 = ⌈−0.5⌉ + 1 = 1"
    with pytest.raises(DlcalcError, match="larger than its padded input"):
        only("input 1x1x1\nmaxpool 2 stride=1 ceil=true")


def test_ceil_mode_drops_a_window_that_starts_in_the_padding() -> None:
    # PyTorch: MaxPool2d(2, stride=2, padding=1, ceil_mode=True) on 5 gives 3:
    # ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but the 4th window would start at 6 ≥ 5 + 1.
    layer = only("input 5x5x1\nmaxpool 2 stride=2 padding=1 ceil=true")
    assert layer.output_shape == (3, 3, 1)
    assert shape_working(layer) == "⌈(5 + 2·1 − 2)/2⌉ + 1 = ⌈2.5⌉ + 1 = 4 − 1 = 3"
    assert any("would start in the padding" in note for note in layer.notes)


def test_pool_same_padding() -> None:
    assert only("input 7x7x8\nmaxpool 2 padding=same").output_shape == (4, 4, 8)


def test_global_and_adaptive_pooling() -> None:
    assert only("input 7x7x512\nglobalavgpool").output_shape == (512,)
    assert only("input 7x7x512\nglobalmaxpool").output_shape == (512,)
    adaptive = only("input 13x13x256\nadaptiveavgpool 6x6")
    assert adaptive.output_shape == (6, 6, 256)
    assert only("input 13x13x256\nadaptivemaxpool 1").output_shape == (1, 1, 256)


def test_zeropad() -> None:
    layer = only("input 224x224x3\nzeropad 3")
    assert layer.output_shape == (230, 230, 3)
    assert shape_working(layer) == "224 + 2·3 = 230"


# --- normalisation, dense, embedding, recurrent -------------------------------------------


def test_batchnorm_conventions() -> None:
    keras = only("input 8x8x64\nbatchnorm")
    torch = only("input 8x8x64\nbatchnorm", "pytorch")
    assert (keras.trainable_params, keras.non_trainable_params) == (128, 128)
    assert params_working(keras) == "4·64 = 256"
    assert (torch.trainable_params, torch.non_trainable_params) == (128, 0)
    assert any("buffers" in note for note in torch.notes)


def test_layernorm_dropout_activation_keep_the_shape() -> None:
    assert only("input 64\nlayernorm").params == 128
    for line in ("dropout 0.5", "relu", "softmax", "gelu", "leaky_relu"):
        layer = only(f"input 5x5x16\n{line}")
        assert layer.output_shape == (5, 5, 16)
        assert layer.params == 0


def test_flatten_and_dense() -> None:
    result = solve_text("input 5x5x16\nflatten\ndense 120\ndense 10 bias=false")
    flatten, dense1, dense2 = result.layers
    assert flatten.output_shape == (400,)
    assert shape_working(flatten) == "5·5·16 = 400"
    assert dense1.params == 400 * 120 + 120
    assert params_working(dense1) == "400·120 + 120 = 48,120"
    assert dense2.params == 1200
    assert params_working(dense2) == "120·10 = 1,200"


def test_dense_on_an_image_flattens_it_with_a_note() -> None:
    layer = only("input 5x5x16\ndense 120")
    assert layer.output_shape == (120,)
    assert layer.params == 48_120
    assert any("flattened first" in note for note in layer.notes)


def test_dense_on_a_sequence_acts_on_the_last_axis() -> None:
    layer = only("input 20x8\nlstm 16 return_sequences=true\ndense 4")
    assert layer.output_shape == (20, 4)
    assert layer.params == 16 * 4 + 4
    assert layer.macs == 20 * 16 * 4


def test_embedding() -> None:
    layer = only("input 50\nembedding 10000 64")
    assert layer.output_shape == (50, 64)
    assert layer.params == 640_000


@pytest.mark.parametrize(
    ("line", "keras", "pytorch"),
    [
        ("rnn 32", 32 * (16 + 32) + 32, 32 * (16 + 32) + 64),
        ("lstm 32", 4 * (32 * (16 + 32) + 32), 4 * (32 * (16 + 32) + 64)),
        ("gru 32", 3 * (32 * (16 + 32) + 64), 3 * (32 * (16 + 32) + 64)),
        ("gru 32 reset_after=false", 3 * (32 * (16 + 32) + 32), 3 * (32 * (16 + 32) + 64)),
        ("lstm 32 bidirectional=true", 8 * (32 * 48 + 32), 8 * (32 * 48 + 64)),
    ],
)
def test_recurrent_parameter_conventions(line: str, keras: int, pytorch: int) -> None:
    text = f"input 10x16\n{line}"
    assert only(text).params == keras
    assert only(text, "pytorch").params == pytorch


def test_recurrent_output_shapes() -> None:
    assert only("input 10x16\nlstm 32").output_shape == (32,)
    assert only("input 10x16\nlstm 32 return_sequences=true").output_shape == (10, 32)
    assert only("input 10x16\ngru 8 bidirectional=true return_sequences=true").output_shape == (
        10,
        16,
    )
    assert only("input 10x16\nrnn 4").macs == 10 * (16 * 4 + 4 * 4)


# --- graphs -------------------------------------------------------------------------------


def test_residual_add_and_concat() -> None:
    text = """input 32x32x16
conv 16 3 padding=1 name=a
conv 16 3 padding=1 name=b
add b input
conv 8 1 from=a name=c
concat a c
"""
    result = solve_text(text)
    by_name = {layer.name: layer for layer in result.layers}
    assert by_name["add1"].output_shape == (32, 32, 16)
    assert by_name["add1"].inputs == ("b", "input")
    assert by_name["c"].inputs == ("a",)
    assert by_name["concat1"].output_shape == (32, 32, 24)
    assert shape_working(by_name["concat1"]) == "16 + 8 = 24 on axis -1"


def test_concat_on_another_axis() -> None:
    text = "input 4x4x8\nconv 8 1 name=a\nconv 8 1 from=input name=b\nconcat a b axis=0\n"
    assert only(text).output_shape == (8, 4, 8)


def test_shared_weights_are_counted_once() -> None:
    text = "input 8x8x4\nconv 4 3 padding=1 name=a\nconv 4 3 padding=1 share=a\n"
    result = solve_text(text)
    assert [layer.params for layer in result.layers] == [148, 0]
    assert result.total_params == 148
    assert "shares the weights of a" in params_working(result.layers[1])


def test_sharing_needs_the_same_weight_shape() -> None:
    with pytest.raises(DlcalcError, match="cannot share the weights of a"):
        solve_text("input 8x8x4\nconv 4 3 name=a\nconv 8 3 share=a\n")


# --- receptive field, totals, strict --------------------------------------------------------


def test_receptive_field_and_jump() -> None:
    result = solve_text("input 32x32x3\nconv 8 3\nconv 8 3\nmaxpool 2\nconv 8 3\nflatten")
    fields = [layer.receptive_field for layer in result.layers]
    jumps = [layer.jump for layer in result.layers]
    assert fields[:4] == [(3, 3), (5, 5), (6, 6), (10, 10)]
    assert jumps[:4] == [(1, 1), (1, 1), (2, 2), (2, 2)]
    assert fields[4] is None  # flatten: every output sees the whole input


def test_branches_take_the_larger_receptive_field() -> None:
    text = "input 16x16x4\nconv 4 5 padding=2 name=a\nconv 4 3 padding=1 from=input name=b\nadd a b"
    assert only(text).receptive_field == (5, 5)


def test_totals_and_flops() -> None:
    result = solve_text("input 8x8x3\nbatchnorm\nconv 4 3\nflatten\ndense 2")
    assert result.trainable_params == 6 + 112 + 290
    assert result.non_trainable_params == 6
    assert result.total_params == 414
    assert result.total_flops == 2 * result.total_macs
    assert result.total_activations == 192 + 192 + 144 + 144 + 2


def test_strict_rejects_a_division_that_is_not_whole() -> None:
    text = "input 224x224x3\nconv 96 11 stride=4"
    assert solve_text(text).layers[0].output_shape == (54, 54, 96)
    with pytest.raises(DlcalcError, match=r"\(224 − 11\)/4 \+ 1 = 54.25 is not whole"):
        solve_text(text, strict=True)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("input 4x4x3\nconv 6 5", "kernel is larger than its padded input: 5 > 4"),
        ("input 32x32x3\nconv 6 3 groups=2", "groups=2 must divide"),
        ("input 120\nconv 6 3", "conv needs an image H×W×C, but its input is a vector 120"),
        ("input 10x16\nlstm 8\nlstm 8", "lstm needs a sequence T×F"),
        ("input 8x8x3\nembedding 10 4", "a vector of token ids"),
        ("input 8x8x3\nconv 4 1 name=a\nconv 5 1 from=input name=b\nadd a b", "one shape"),
        ("input 8x8x3\nmaxpool 2x2x2", "3 values but the input has 2 spatial axes"),
        ("input 4x4x3\nconvtranspose 2 1 padding=9", "is not positive"),
        (
            "input 4x4x3\nconvtranspose 2 3 stride=2 output_padding=2",
            "must be smaller than the stride",
        ),
    ],
)
def test_shape_errors_name_the_layer_and_the_sizes(text: str, message: str) -> None:
    with pytest.raises(DlcalcError, match=message.replace("(", r"\(").replace(")", r"\)")):
        solve_text(text)


def test_same_padding_notes_show_the_values() -> None:
    layer = only("input 32x32x3\nconv 4 2 dilation=3 padding=same")
    assert layer.output_shape == (32, 32, 4)
    assert any("p = (3·(2 − 1) + 1 − 1)/2 = 1.5 is not whole" in note for note in layer.notes)
    odd = only("input 224x224x3\nconv 96 11 stride=4 padding=same")
    assert "'same': p = (11 − 1)/2 = 5 on each side" in odd.notes
    assert any("which with 'same' always gives ⌈224/4⌉ = 56" in note for note in odd.notes)


def test_strict_does_not_apply_to_same_padding() -> None:
    result = solve_text("input 224x224x3\nconv 96 11 stride=4 padding=same", strict=True)
    assert result.layers[0].output_shape == (56, 56, 96)


def test_channels_first_orders_the_working() -> None:
    spec = parse_architecture(Source("t", "input 5x5x16\nflatten\n", ""))
    first = solve_shapes(spec, ShapesOptions(channels_first=True)).layers[0]
    last = solve_shapes(spec).layers[0]
    assert (shape_working(first), shape_working(last)) == ("16·5·5 = 400", "5·5·16 = 400")


def test_add_names_its_inputs() -> None:
    layer = only("input 4x4x2\nconv 2 1 name=a\nadd a input")
    assert shape_working(layer) == "a + input (element-wise)"


def test_receptive_field_through_adaptive_pooling_and_per_step_dense() -> None:
    adaptive = only("input 13x13x8\nadaptiveavgpool 6x6")
    assert adaptive.receptive_field == (3, 3)  # windows of 3 (e.g. 2..5), 13/6 apart
    assert adaptive.jump == (pytest.approx(13 / 6), pytest.approx(13 / 6))
    dense = only("input 20x8\nconv1d 4 3\ndense 2")
    assert dense.receptive_field == (3,)
