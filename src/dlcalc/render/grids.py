"""``dlcalc conv`` and ``dlcalc pool``: the grids (input with its padding, kernels, output,
gradients) as tables, the working of every cell, and the JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dlcalc import __version__
from dlcalc.render.report import Cell, Column, Math, Report, Table
from dlcalc.render.working import arithmetic_cell, value_cell, working_json
from dlcalc.solve.conv import ConvResult
from dlcalc.solve.pool import PoolResult
from dlcalc.spec.grids import ConvSpec, Window, sized
from dlcalc.steps.expr import Num
from dlcalc.steps.step import Step


def grid_table(title: str, rows: Sequence[Sequence[Cell]]) -> Table:
    """A matrix as a table: its columns and rows numbered from 1."""
    width = len(rows[0]) if rows else 0
    table = Table(
        [Column("", "right"), *(Column(str(j), "right") for j in range(1, width + 1))], title=title
    )
    table.rows = [[str(i), *row] for i, row in enumerate(rows, start=1)]
    return table


def _given(rows: list[list[Num]]) -> list[list[Cell]]:
    """Numbers as written (a padded cell as 0)."""
    return [[Math((n,)) for n in row] for row in rows]


def _values(steps: list[list[Step]]) -> list[list[Cell]]:
    return [[value_cell(s) for s in row] for row in steps]  # type: ignore[arg-type]


def _named(base: str, index: int, count: int, axis: str = "channel") -> str:
    """``Output, channel 2`` where there are several, ``Output`` where there is one."""
    return f"{base}, {axis} {index + 1}" if count > 1 else base


def _window_text(window: Window, shape: tuple[int, int, int]) -> str:
    """``kernel 3×3, stride 1, padding 0, dilation 1``, with same padding's sides."""
    top, bottom, left, right = window.padding
    if window.padding_kind == "same":
        padding = (
            f"same (TensorFlow/Keras: {top} row(s) on top, {bottom} below, {left} column(s) "
            f"left, {right} right)"
        )
    elif top == bottom and left == right:
        padding = f"{top}" if top == left else f"{top} row(s), {left} column(s)"
    else:
        padding = f"{top} on top, {bottom} below, {left} left, {right} right"
    stride = (
        f"{window.stride[0]}"
        if window.stride[0] == window.stride[1]
        else "{},{}".format(*window.stride)
    )
    text = f"window {window.size[0]}×{window.size[1]}, stride {stride}, padding {padding}"
    if window.dilation != (1, 1):
        text += ", dilation {},{}".format(*window.dilation)
    return text + (", ceil mode" if window.ceil else "")


def _input_tables(padded: list[list[list[Num]]], padding: bool) -> list[Table]:
    title = "Input (padded with zeros)" if padding else "Input"
    return [
        grid_table(_named(title, c, len(padded)), _given(rows)) for c, rows in enumerate(padded)
    ]


def _operation(spec: ConvSpec) -> str:
    """What the command computed, in words."""
    if spec.transpose:
        return (
            "transposed convolution: input cell (i, j) times kernel cell (m, n) lands on output "
            "row i·s + m·d − p, column j·s + n·d − p; each output cell adds what lands on it"
        )
    if spec.depthwise:
        text = (
            "depthwise convolution: each channel with its own kernel slice, no sum over the "
            "channels"
        )
        if spec.pointwise:
            text += "; then the pointwise 1×1 weights mix the channels (a separable convolution)"
        return text
    if spec.flip:
        return "convolution: each kernel turned 180° first (--flip)"
    return (
        "cross-correlation, what PyTorch and Keras compute: the kernel is not turned "
        "(--flip for the mathematicians' convolution)"
    )


def _transposed_text(window: Window) -> str:
    top, _, left, _ = window.padding
    text = f"kernel {window.size[0]}×{window.size[1]}, stride {_axes(window.stride)}"
    if window.padding_kind == "same":
        text += (
            f", padding same (Keras: output n·s; {top} row(s) cropped on top, {left} column(s) "
            "left)"
        )
    else:
        text += f", padding {_axes((top, left))} (cropped from each side)"
    if window.output_padding != (0, 0):
        text += f", output padding {_axes(window.output_padding)} (added at the end)"
    if window.dilation != (1, 1):
        text += f", dilation {_axes(window.dilation)}"
    return text


def _axes(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]},{pair[1]}"


def conv_report(result: ConvResult, digits: int = 6) -> Report:
    spec = result.spec
    channels, rows, columns = len(result.outputs), len(result.outputs[0]), len(result.outputs[0][0])
    window = (
        _transposed_text(spec.window)
        if spec.transpose
        else _window_text(spec.window, spec.input.shape)
    )
    meta: list[Cell] = [
        _operation(spec),
        f"input {spec.input.describe()}, {len(spec.kernels)} kernel(s), {window}"
        + f" → output {sized(channels, rows, columns)}",
    ]
    if spec.activation:
        meta.append(f"activation: {spec.activation}, applied to each sum z")
    tables = _input_tables(result.padded, any(spec.window.padding) and not spec.transpose)
    for k, kernel in enumerate(result.kernels):
        for c, rows_ in enumerate(kernel):
            if spec.depthwise:
                title = _named("Kernel", k, len(result.kernels))
            else:
                title = _named("Kernel", k, len(result.kernels), "number")
                title += f", slice {c + 1}" if len(kernel) > 1 else ""
            tables.append(
                grid_table(title + (" (turned 180°)" if spec.flip else ""), _given(rows_))
            )
    if spec.pointwise:
        weights = [[Math((Num(w.value, w.text),)) for w in row] for row in spec.pointwise]
        pointwise = grid_table("Pointwise weights (a row an output channel)", weights)
        tables.append(pointwise)
    for k, grid in enumerate(result.outputs):
        tables.append(grid_table(_named("Output", k, len(result.outputs)), _values(grid)))
    if result.depthwise is not None:
        tables.append(_windows_table("Working: the depthwise step", result.depthwise, spec))
    if spec.transpose or spec.pointwise:
        steps = [s for grid in result.sums for row in grid for s in row]
        if spec.activation:
            steps += [s for grid in result.outputs for row in grid for s in row]
        tables.append(working_table("Working", steps))
    else:
        tables.append(_windows_table("Working", result.sums, spec, result.outputs))
    if result.input_grad is not None:
        tables += _conv_backward_tables(result)
    return Report(
        title="Convolution",
        meta=meta,
        tables=tables,
        digits=digits,
        records=lambda: records(result.steps),
    )


def _windows_table(
    title: str,
    sums: list[list[list[Step]]],
    spec: ConvSpec,
    outputs: list[list[list[Step]]] | None = None,
) -> Table:
    """Each cell's working beside the window it read (and its activation's, under it)."""
    table = Table([Column("cell"), Column("window"), Column("working")], title=title)
    for k, grid in enumerate(sums):
        for i, row in enumerate(grid):
            for j, cell in enumerate(row):
                table.rows.append([cell.name, spec.window.covers(i, j), arithmetic_cell(cell)])
                if spec.activation and outputs is not None:
                    out = outputs[k][i][j]
                    table.rows.append([out.name, "", arithmetic_cell(out)])
    return table


def _conv_backward_tables(result: ConvResult) -> list[Table]:
    assert result.input_grad is not None and result.kernel_grad is not None
    tables = [
        grid_table(_named("∂L/∂input", c, len(result.input_grad)), _values(grid))
        for c, grid in enumerate(result.input_grad)
    ]
    for k, kernel in enumerate(result.kernel_grad):
        for c, grid in enumerate(kernel):
            title = _named("∂L/∂kernel", k, len(result.kernel_grad), "number")
            tables.append(
                grid_table(title + (f", slice {c + 1}" if len(kernel) > 1 else ""), _values(grid))
            )
    steps = [s for grid in result.input_grad for row in grid for s in row]
    steps += [s for kernel in result.kernel_grad for grid in kernel for row in grid for s in row]
    steps += result.bias_grad or []
    return [*tables, working_table("Working of the backward pass", steps)]


def working_table(title: str, steps: list[Step]) -> Table:
    table = Table([Column("cell"), Column("working")], title=title)
    table.rows = [[s.name, arithmetic_cell(s)] for s in steps]
    return table


def records(steps: list[Step]) -> Table:
    table = Table([Column("name"), Column("value")])
    table.rows = [[s.name, repr(s.value)] for s in steps]
    return table


def _grid_json(grid: Sequence[Sequence[Sequence[Step]]]) -> list[list[list[float]]]:
    return [[[float(s.value) for s in row] for row in channel] for channel in grid]  # type: ignore[arg-type]


def conv_json(result: ConvResult, digits: int = 6) -> dict[str, Any]:
    spec = result.spec
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": "conv",
        "operation": "convolution" if spec.flip else "cross-correlation",
        "input_shape": list(spec.input.shape),
        "kernel_size": list(spec.window.size),
        "stride": list(spec.window.stride),
        "padding": list(spec.window.padding),
        "padding_kind": spec.window.padding_kind,
        "dilation": list(spec.window.dilation),
        "output": _grid_json(result.outputs),
    }
    if result.input_grad is not None and result.kernel_grad is not None:
        data["input_grad"] = _grid_json(result.input_grad)
        data["kernel_grad"] = [_grid_json(kernel) for kernel in result.kernel_grad]
        if result.bias_grad is not None:
            data["bias_grad"] = [float(s.value) for s in result.bias_grad]  # type: ignore[arg-type]
    data["working"] = working_json(result.steps, digits)
    return data


def pool_report(result: PoolResult, digits: int = 6) -> Report:
    spec = result.spec
    kind = "Max pooling" if spec.kind == "max" else "Average pooling"
    channels = spec.input.shape[0]
    rows, columns = len(result.outputs[0]), len(result.outputs[0][0])
    meta: list[Cell] = [
        f"input {spec.input.describe()}, "
        + (
            "global (the whole input)"
            if spec.global_
            else _window_text(spec.window, spec.input.shape)
        )
        + f" → output {sized(channels, rows, columns)}",
    ]
    if spec.kind == "avg" and any(spec.window.padding):
        meta.append(
            "the padded zeros count in the mean (PyTorch's count_include_pad=True)"
            if spec.include_pad
            else "the padded cells are left out of the mean"
            + (" (TensorFlow's 'same')" if spec.window.padding_kind == "same" else "")
        )
    if spec.kind == "max" and any(spec.window.padding):
        meta.append("padding never wins a maximum (it is −∞ to max pooling)")
    if spec.kind == "max":
        meta.append("ties: the first maximum, row by row (PyTorch's choice) is the arg-max")
    tables = _input_tables(result.padded, any(spec.window.padding))
    for c, grid in enumerate(result.outputs):
        steps = [[p.step for p in row] for row in grid]
        tables.append(grid_table(_named("Output", c, channels), _values(steps)))
    columns_ = [Column("cell"), Column("window"), Column("working")]
    if spec.kind == "max":
        columns_.append(Column("arg max"))
    working = Table(columns_, title="Working")
    for grid in result.outputs:
        for i, row in enumerate(grid):
            for j, pooled in enumerate(row):
                where = spec.window.covers(i, j)
                cells: list[Cell] = [pooled.step.name, where, arithmetic_cell(pooled.step)]
                if pooled.argmax is not None:
                    cells.append(f"({pooled.argmax[0] + 1}, {pooled.argmax[1] + 1})")
                working.rows.append(cells)
    tables.append(working)
    if result.input_grad is not None:
        tables += [
            grid_table(_named("∂L/∂input", c, channels), _values(grid))
            for c, grid in enumerate(result.input_grad)
        ]
        backward = [s for grid in result.input_grad for row in grid for s in row]
        tables.append(working_table("Working of the backward pass", backward))
    return Report(
        title=kind, meta=meta, tables=tables, digits=digits, records=lambda: records(result.steps)
    )


def pool_json(result: PoolResult, digits: int = 6) -> dict[str, Any]:
    spec = result.spec
    data: dict[str, Any] = {
        "dlcalc": __version__,
        "command": "pool",
        "kind": spec.kind,
        "input_shape": list(spec.input.shape),
        "size": list(spec.window.size),
        "stride": list(spec.window.stride),
        "padding": list(spec.window.padding),
        "padding_kind": spec.window.padding_kind,
        "count_include_pad": spec.include_pad,
        "output": [[[float(p.step.value) for p in row] for row in grid] for grid in result.outputs],  # type: ignore[arg-type]
    }
    if spec.kind == "max":
        data["indices"] = [
            [[list(p.argmax or ()) for p in row] for row in grid] for grid in result.outputs
        ]
    if result.input_grad is not None:
        data["input_grad"] = _grid_json(result.input_grad)
    data["working"] = working_json(result.steps, digits)
    return data
