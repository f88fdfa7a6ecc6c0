"""``dlcalc shapes``: the result as a report (tables of working) and as JSON."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from dlcalc import __version__
from dlcalc.render.cells import cell_writer
from dlcalc.render.report import Cell, Column, NoteIndex, Report, Table
from dlcalc.render.working import arithmetic_cell, working_json
from dlcalc.solve.shapes import Block, LayerResult, ShapesResult, blocks
from dlcalc.solve.weights import Weight
from dlcalc.solve.working import decimal, number, shape_text
from dlcalc.steps.text import TextPrinter

CONVENTION_TEXT = {
    "keras": "keras (BatchNorm 4·C with 2·C non-trainable; recurrent layers with one bias "
    "vector, GRU reset_after=True with two); --convention pytorch for PyTorch's counts",
    "pytorch": "pytorch (BatchNorm 2·C, its running statistics are buffers; recurrent layers "
    "with two bias vectors); --convention keras for Keras's counts",
}


def shapes_report(
    result: ShapesResult, channels_first: bool = False, depth: int | None = None
) -> Report:
    """The layers with their working and their cost; with ``depth``, the layers grouped by
    the first ``depth`` parts of their names, one row a block with its totals."""
    notes = NoteIndex()
    tables = (
        [_blocks_table(result, depth, channels_first)]
        if depth is not None
        else [
            _layers_table(result, notes, channels_first),
            _weights_table(result),
            _cost_table(result),
        ]
    )
    layout = "C×H×W (channels first)" if channels_first else "H×W×C (channels last)"
    return Report(
        title=f"Shapes and parameters: {result.source}",
        meta=[
            f"convention: {CONVENTION_TEXT[result.convention]}",
            f"shapes: {layout}",
            *(f"warning: {note}" for note in result.notes),
        ],
        tables=tables,
        notes=notes.notes,
        summary=[
            ("Total parameters", _count(result.total_params, weights=True)),
            ("Trainable", _count(result.trainable_params, weights=True)),
            ("Non-trainable", _count(result.non_trainable_params, weights=True)),
            ("MACs", f"{_count(result.total_macs)} multiply-accumulates"),
            ("FLOPs", f"{_count(result.total_flops)} (FLOPs = 2·MACs)"),
            (
                "Activations",
                f"{number(result.total_activations)} values, input included "
                f"({_bytes(result.total_activation_bytes)} at float32)",
            ),
        ],
        records=lambda: _records(result, channels_first),
    )


def _is_graph(result: ShapesResult) -> bool:
    """Whether some layer takes another input than the layer before it (branches, merges)."""
    previous = "input"
    for layer in result.layers:
        if layer.inputs != (previous,):
            return True
        previous = layer.name
    return False


def _layers_table(result: ShapesResult, notes: NoteIndex, channels_first: bool) -> Table:
    """Each layer with its working; a graph's layers with what they are connected to."""
    graph = _is_graph(result)
    connected = [Column("Connected to")] if graph else []
    layers = Table(
        [
            Column("Layer"),
            Column("Kind"),
            *connected,
            Column("Output"),
            Column("Output size (working)"),
            Column("Parameters (working)"),
            Column("Params", "right"),
            Column("Notes"),
        ],
        title="Layers",
    )
    given = shape_text(result.input_shape, channels_first)
    first = ["input", "input", *([""] if graph else []), given]
    layers.rows.append([*first, "given", "", "0", ""])
    for layer in result.layers:
        layers.rows.append(
            [
                layer.name,
                layer.kind,
                *([", ".join(layer.inputs)] if graph else []),
                shape_text(layer.output_shape, channels_first),
                arithmetic_cell(layer.output),
                arithmetic_cell(layer.parameters),
                number(layer.params),
                notes.refs(layer.notes),
            ]
        )
    empty = [""] * (len(layers.columns) - 3)
    layers.footer.append(["total", *empty, number(result.total_params), ""])
    return layers


def _weights_table(result: ShapesResult) -> Table:
    """Each layer's weight tensors as its convention's framework shapes them."""
    table = Table(
        [Column("Layer"), Column("Weights (name and shape)")],
        title=f"Weights ({'PyTorch' if result.convention == 'pytorch' else 'Keras'}'s names "
        "and shapes)",
    )
    for layer in result.layers:
        if layer.weights:
            table.rows.append([layer.name, "; ".join(map(weight_text, layer.weights))])
    return table


def weight_text(weight: Weight) -> str:
    """``kernel (5, 5, 1, 6)``, ``bias (6,)``, ``moving_mean (64,), non-trainable``."""
    shape = f"({weight.shape[0]},)" if len(weight.shape) == 1 else str(weight.shape)
    return f"{weight.name} {shape}" + ("" if weight.trainable else ", non-trainable")


def _blocks_table(result: ShapesResult, depth: int, channels_first: bool) -> Table:
    table = Table(
        [
            Column("Layer"),
            Column("Kind"),
            Column("Output"),
            Column("Params", "right"),
            Column("MACs", "right"),
        ],
        title=f"Layers (depth {depth}: a block's layers in one row, with their totals)",
    )
    table.rows.append(["input", "input", shape_text(result.input_shape, channels_first), "0", "0"])
    for block in blocks(result, depth):
        output = shape_text(block.output_shape, channels_first)
        table.rows.append(
            [block.name, block.kind, output, number(block.params), number(block.macs)]
        )
    total = [number(result.total_params), number(result.total_macs)]
    table.footer.append(["total", "", "", *total])
    return table


def _cost_table(result: ShapesResult) -> Table:
    cost = Table(
        [
            Column("Layer"),
            Column("MACs", "right"),
            Column("Activations", "right"),
            Column("Memory", "right"),
            Column("Receptive field"),
            Column("Jump"),
        ],
        title="Cost and receptive field",
    )
    for layer in result.layers:
        cost.rows.append(
            [
                layer.name,
                number(layer.macs),
                number(layer.activations),
                _bytes(layer.activation_bytes),
                _field(layer.receptive_field),
                _field(layer.jump, whole="—"),
            ]
        )
    cost.footer.append(
        [
            "total",
            number(result.total_macs),
            number(result.total_activations),
            _bytes(result.total_activation_bytes),
            "",
            "",
        ]
    )
    return cost


def _records(result: ShapesResult, channels_first: bool) -> Table:
    """The JSON layer objects as CSV rows (lists written as text: shapes as 28×28×6)."""
    write = cell_writer(TextPrinter())
    layers = [_layer_json(layer, write) for layer in result.layers]
    headers = list(layers[0]) if layers else []
    table = Table([Column(h) for h in headers])
    for layer, data in zip(result.layers, layers):
        data["output_shape"] = shape_text(layer.output_shape, channels_first)
        data["weights"] = "; ".join(map(weight_text, layer.weights))
        table.rows.append([_csv_cell(data[key]) for key in headers])
    return table


def _csv_cell(value: Any) -> str:
    if isinstance(value, list):
        joiner = "; " if value and isinstance(value[0], str) else "×"
        return joiner.join(str(v) for v in value)
    return "" if value is None else str(value)


def _field(values: tuple[Fraction, ...] | None, whole: str = "whole input") -> str:
    if values is None:
        return whole
    return "×".join(decimal(v) for v in values)


def _count(count: int, weights: bool = False) -> str:
    """``61,100,840 (61.1 M; 233.1 MiB at float32)``: exact, in human units beside it as
    Keras's and torchinfo's summaries write it, and a count of weights with their memory."""
    shown = number(count)
    if count < 1000:
        return shown if not weights or not count else f"{shown} ({_bytes(4 * count)} at float32)"
    for size, unit in ((10**12, "T"), (10**9, "G"), (10**6, "M"), (10**3, "K")):
        if count >= size:
            human = f"{count / size:.4g} {unit}"
            break
    memory = f"; {_bytes(4 * count)} at float32" if weights else ""
    return f"{shown} ({human}{memory})"


def _bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def shapes_json(result: ShapesResult, depth: int | None = None) -> dict[str, Any]:
    """The stable JSON form (see the README): numbers as numbers, shapes channels-last; with
    ``depth``, the blocks too."""
    text = TextPrinter()  # one printer: each tree written once, in the layers and the working
    write = cell_writer(text)
    data = {
        "dlcalc": __version__,
        "command": "shapes",
        "source": result.source,
        "convention": result.convention,
        "input_shape": list(result.input_shape),
        "layers": [_layer_json(layer, write) for layer in result.layers],
        "total_params": result.total_params,
        "trainable_params": result.trainable_params,
        "non_trainable_params": result.non_trainable_params,
        "total_macs": result.total_macs,
        "total_flops": result.total_flops,
        "total_activations": result.total_activations,
        "total_activation_bytes": result.total_activation_bytes,
        "working": working_json(result.steps, 6, text),
        "notes": list(result.notes),
    }
    if depth is not None:
        data["blocks"] = [_block_json(block) for block in blocks(result, depth)]
    return data


def _block_json(block: Block) -> dict[str, Any]:
    return {
        "name": block.name,
        "layers": [layer.name for layer in block.layers],
        "output_shape": list(block.output_shape),
        "params": block.params,
        "trainable_params": block.trainable_params,
        "non_trainable_params": block.non_trainable_params,
        "macs": block.macs,
        "activations": block.activations,
    }


def _layer_json(layer: LayerResult, write: Callable[[Cell], str]) -> dict[str, Any]:
    return {
        "name": layer.name,
        "kind": layer.kind,
        "inputs": list(layer.inputs),
        "output_shape": list(layer.output_shape),
        "params": layer.params,
        "trainable_params": layer.trainable_params,
        "non_trainable_params": layer.non_trainable_params,
        "macs": layer.macs,
        "flops": layer.flops,
        "activations": layer.activations,
        "activation_bytes": layer.activation_bytes,
        "receptive_field": _numbers(layer.receptive_field),
        "jump": _numbers(layer.jump),
        "shape_working": write(arithmetic_cell(layer.output)),
        "params_working": write(arithmetic_cell(layer.parameters)),
        "notes": list(layer.notes),
        "line": layer.line,
        "weights": [
            {"name": w.name, "shape": list(w.shape), "trainable": w.trainable}
            for w in layer.weights
        ],
    }


def _numbers(values: tuple[Fraction, ...] | None) -> list[int | float] | None:
    if values is None:
        return None
    return [int(v) if v.denominator == 1 else float(v) for v in values]
