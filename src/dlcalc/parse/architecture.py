"""Architecture files (text, JSON or TOML) into an :class:`ArchitectureSpec`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.answers import ANSWERS_HEADINGS
from dlcalc.parse.expressions import substitute
from dlcalc.parse.layers import (
    ACTIVATIONS,
    ALIASES,
    LAYER_KINDS,
    POSITIONAL,
    SEQUENCE_CONSUMERS,
    SHAPE_KEEPING,
    build_op,
)
from dlcalc.parse.lines import Line, Token, did_you_mean, split_lines
from dlcalc.parse.source import Source
from dlcalc.parse.values import parse_int, parse_size
from dlcalc.spec.architecture import (
    CONVENTIONS,
    ArchitectureSpec,
    Convention,
    InputOp,
    LayerSpec,
    MergeOp,
)

MAX_LAYERS = 100_000
MAX_NESTING = 32
INPUT_USAGE = "input HxWxC, input HxW, input N, input TxF or input DxHxWxC"


class BlockDef(NamedTuple):
    """A block: named parameters (with optional default texts) and the lines of its body."""

    name: Token
    params: tuple[tuple[str, Token | None], ...]
    body: tuple[Line, ...]


@dataclass
class _Scope:
    """Names visible to the lines of the file, or of one use of a block."""

    prefix: str
    names: dict[str, str]
    previous: str
    counters: dict[str, int] = field(default_factory=dict)

    def full_name(self, local: str) -> str:
        return f"{self.prefix}{local}"

    def auto_name(self, kind: str) -> str:
        while True:
            self.counters[kind] = self.counters.get(kind, 0) + 1
            local = f"{kind}{self.counters[kind]}"
            if local not in self.names:
                return local


def parse_architecture(source: Source) -> ArchitectureSpec:
    """Parse an architecture from its source, chosen by extension (JSON, TOML or text)."""
    from dlcalc.parse.architecture_data import data_lines, data_syntax

    syntax = data_syntax(source)
    if syntax is not None:
        return _Builder(source.name).build(data_lines(source, syntax), {})
    lines = list(_layer_lines(source))
    blocks, main = _split_blocks(lines)
    return _Builder(source.name).build(main, blocks)


def _layer_lines(source: Source) -> Iterator[Line]:
    """The lines before the ``expected`` section (answers are read separately)."""
    for line in split_lines(source.text, source.name):
        if line.head.text.lower() in ANSWERS_HEADINGS and not line.args and not line.options:
            return
        yield line


def _split_blocks(lines: list[Line]) -> tuple[dict[str, BlockDef], list[Line]]:
    blocks: dict[str, BlockDef] = {}
    main: list[Line] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.head.text.lower() != "block":
            if line.head.text.lower() == "end":
                raise line.head.error(
                    "'end' without a 'block' before it",
                    expected="block NAME [PARAM ...] on a line before the block's layers",
                )
            main.append(line)
            index += 1
            continue
        end = next(
            (j for j in range(index + 1, len(lines)) if lines[j].head.text.lower() == "end"),
            None,
        )
        if end is None:
            raise line.head.error(
                "this block has no 'end' line", suggestion="close the block with a line 'end'"
            )
        block = _block_def(line, tuple(lines[index + 1 : end]))
        if block.name.text in blocks:
            raise block.name.error(f"block '{block.name.text}' is defined twice")
        if block.name.text.lower() in LAYER_KINDS or block.name.text.lower() in ALIASES:
            raise block.name.error(
                f"'{block.name.text}' is a layer kind and cannot name a block",
                suggestion="choose another name for the block",
            )
        blocks[block.name.text] = block
        index = end + 1
    return blocks, main


def _block_def(line: Line, body: tuple[Line, ...]) -> BlockDef:
    if not line.args:
        raise line.head.error(
            "a block needs a name", expected="block NAME [PARAM ...] [PARAM=DEFAULT ...]"
        )
    name, *params = line.args
    if not body:
        raise name.error(
            f"block '{name.text}' has no layers",
            expected="layer lines between 'block NAME ...' and 'end'",
        )
    nested = next((b for b in body if b.head.text.lower() == "block"), None)
    if nested is not None:
        raise nested.head.error(
            "a block cannot be defined inside another", suggestion="define it before, at top level"
        )
    declared: list[tuple[str, Token | None]] = [(p.text, None) for p in params]
    declared += [(key.text, value) for key, value in line.options]
    seen: set[str] = set()
    for token in [*params, *(key for key, _ in line.options)]:
        if token.text == "name":
            raise token.error(
                "'name' cannot be a block parameter: name= names a use of the block",
                expected="another parameter name",
            )
        if token.text in seen:
            raise token.error(
                f"the parameter '{token.text}' is declared twice", expected="one of the two"
            )
        seen.add(token.text)
    return BlockDef(name, tuple(declared), body)


class _Builder:
    """Walks the layer lines, expanding blocks, naming layers and resolving references."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.layers: list[LayerSpec] = []
        self.where: dict[str, Location] = {}
        self.blocks: dict[str, BlockDef] = {}
        self.instances: dict[str, int] = {}
        self.expanding: list[str] = []

    def build(self, lines: Iterable[Line], blocks: dict[str, BlockDef]) -> ArchitectureSpec:
        self.blocks = blocks
        lines = list(lines)
        convention = self._convention(lines)
        lines = [line for line in lines if line.head.text.lower() != "convention"]
        if not lines:
            raise DlcalcError(
                "the architecture is empty",
                location=Location(self.source),
                expected=f"a first line such as {INPUT_USAGE}, then one layer a line",
                suggestion="see the files in problems/shapes/ for examples",
            )
        first, rest = lines[0], lines[1:]
        input_layer = self._input(first, rest)
        scope = _Scope("", {"input": "input"}, "input")
        self._lines(rest, scope)
        if not self.layers:
            raise first.head.error(
                "the architecture has an input but no layers",
                expected="layer lines after the input line, such as conv 6 5x5",
            )
        return ArchitectureSpec(self.source, input_layer, tuple(self.layers), convention)

    @staticmethod
    def _convention(lines: list[Line]) -> Convention | None:
        """The value of a ``convention NAME`` line, if the file has one."""
        found: Convention | None = None
        for line in lines:
            if line.head.text.lower() != "convention":
                continue
            if len(line.args) != 1 or line.args[0].text.lower() not in CONVENTIONS:
                raise line.head.error(
                    "convention takes one name", expected="convention keras or convention pytorch"
                )
            if found is not None:
                raise line.head.error("the convention is given twice")
            found = line.args[0].text.lower()  # type: ignore[assignment]
        return found

    def _input(self, line: Line, rest: list[Line]) -> LayerSpec:
        if line.head.text.lower() != "input":
            raise line.head.error(
                f"the first line must give the input, not '{line.head.text}'",
                expected=INPUT_USAGE,
            )
        if len(line.args) != 1 or line.options:
            raise line.head.error("input takes one shape", expected=INPUT_USAGE)
        shape = parse_size(line.args[0], "the input shape")
        if len(shape) > 4:
            raise line.args[0].error(
                f"an input has at most 4 axes, not {len(shape)}", expected=INPUT_USAGE
            )
        if len(shape) == 2 and not self._sequence_next(rest):
            shape = (*shape, 1)
        self.where["input"] = line.location
        return LayerSpec("input", "input", InputOp(shape), (), line.location, context=line.context)

    def _sequence_next(self, rest: list[Line], depth: int = 0) -> bool:
        """Whether a 2-D input is a sequence (T x F) rather than a one-channel image: it is when
        the first layer that cares (past dropout, normalisation and activations) is recurrent
        or a conv1d."""
        for line in rest:
            head = line.head.text
            if head.lower() == "repeat" and len(line.args) > 1:
                head = line.args[1].text
            if head in self.blocks:
                return depth < MAX_NESTING and self._sequence_next(
                    list(self.blocks[head].body), depth + 1
                )
            kind = ALIASES.get(head.lower(), head.lower())
            if kind not in SHAPE_KEEPING:
                return kind in SEQUENCE_CONSUMERS
        return False

    def _lines(self, lines: Iterable[Line], scope: _Scope) -> None:
        for line in lines:
            head = line.head.text
            if head.lower() == "repeat":
                self._repeat(line, scope)
            elif head in self.blocks:
                self._use(self.blocks[head], line, scope, None)
            elif head.lower() == "input":
                raise line.head.error(
                    "only the first line can be an input",
                    suggestion="use from=NAME to branch from an earlier layer",
                )
            else:
                self._layer(line, scope)

    def _layer(self, line: Line, scope: _Scope) -> None:
        kind = self._kind(line.head)
        op = build_op(kind, line)
        options = {key.text: value for key, value in line.options}
        local = options["name"].text if "name" in options else scope.auto_name(kind)
        if "name" in options:
            self._check_name(options["name"], scope)
        if isinstance(op, MergeOp):
            inputs = tuple(self._resolve(token, scope) for token in line.args)
        elif "from" in options:
            inputs = (self._resolve(options["from"], scope),)
        else:
            inputs = (scope.previous,)
        share = self._resolve(options["share"], scope) if "share" in options else None
        if share == "input":
            raise options["share"].error(
                "the input has no weights to share", expected="share=NAME of an earlier layer"
            )
        name = scope.full_name(local)
        if name in self.where:
            raise line.head.error(
                f"this layer would be named '{name}', which is already used"
                f" (at line {self.where[name].line})",
                expected="a name no other layer has",
                suggestion="give the block use or the layer another name=",
            )
        if len(self.layers) >= MAX_LAYERS:
            raise line.head.error(
                f"more than {MAX_LAYERS:,} layers", suggestion="check the repeat counts"
            )
        marks = tuple(
            (key.text, key.location, f"{key.text}={value.text}") for key, value in line.options
        )
        marks += tuple(
            (n, token.location, token.text) for n, token in zip(POSITIONAL.get(kind, ()), line.args)
        )
        self.layers.append(
            LayerSpec(name, kind, op, inputs, line.location, share, line.context, marks)
        )
        self.where[name] = line.location
        scope.names[local] = name
        scope.previous = name

    def _kind(self, head: Token) -> str:
        kind = head.text.lower()
        kind = ALIASES.get(kind, kind)
        if kind in LAYER_KINDS:
            return kind
        known = [*LAYER_KINDS, *self.blocks, "repeat"]
        layers = [kind for kind in LAYER_KINDS if kind not in ACTIVATIONS]
        raise head.error(
            f"unknown layer kind '{head.text}'",
            expected="a layer kind: "
            + ", ".join(layers)
            + ", or an activation such as relu"
            + (", or a block name" if self.blocks else ""),
            suggestion=did_you_mean(head.text, known),
        )

    def _check_name(self, token: Token, scope: _Scope) -> None:
        local = token.text
        if not local or any(ch in local for ch in " .=#"):
            raise token.error(
                f"'{local}' cannot be a layer name",
                expected="a name of letters, digits, _ or - (no dots)",
            )
        reserved = "in" if scope.prefix else "input"
        if local == reserved:
            raise token.error(
                f"'{local}' is reserved for the {'block' if scope.prefix else 'architecture'}'s"
                " input",
                expected="another name",
            )
        if local in scope.names:
            first = self.where.get(scope.full_name(local)) or self.where.get(scope.names[local])
            where = f" (first used at line {first.line})" if first and first.line else ""
            raise token.error(
                f"the name '{local}' is already used{where}",
                expected="a name no earlier layer has",
                suggestion="rename one of the two layers",
            )

    def _resolve(self, token: Token, scope: _Scope) -> str:
        if token.text in scope.names:
            return scope.names[token.text]
        raise token.error(
            f"no earlier layer is named '{token.text}'",
            expected="the name of a layer above this line"
            + (" (or 'in', the block's input)" if scope.prefix else " (or 'input')"),
            suggestion=did_you_mean(token.text, scope.names),
        )

    def _repeat(self, line: Line, scope: _Scope) -> None:
        usage = "repeat N BLOCK [values ...]"
        if len(line.args) < 2:
            raise line.head.error("repeat needs a count and a block name", expected=usage)
        count = parse_int(line.args[0], "the repeat count")
        block_token = line.args[1]
        block = self.blocks.get(block_token.text)
        if block is None:
            raise block_token.error(
                f"no block is named '{block_token.text}'",
                expected="the name of a block defined with 'block NAME ... end'",
                suggestion=did_you_mean(block_token.text, self.blocks),
            )
        if count > MAX_LAYERS:
            raise line.args[0].error(
                f"a repeat count of at most {MAX_LAYERS:,}", expected="a smaller count"
            )
        options = [(key, value) for key, value in line.options if key.text != "name"]
        use = Line(block_token, line.args[2:], tuple(options), line.location, line.context)
        base = next((value for key, value in line.options if key.text == "name"), None)
        if base is not None:
            self._check_name(base, scope)
        for index in range(1, count + 1):
            self._use(block, use, scope, base.replaced(f"{base.text}.{index}") if base else None)
        if base is not None:
            scope.names[base.text] = scope.previous
            self.where[scope.full_name(base.text)] = line.location

    def _use(self, block: BlockDef, line: Line, scope: _Scope, instance: Token | None) -> None:
        name = block.name.text
        if name in self.expanding:
            raise line.head.error(f"block '{name}' uses itself", suggestion="blocks cannot recurse")
        if len(self.expanding) >= MAX_NESTING:
            raise line.head.error(
                f"blocks are used inside blocks more than {MAX_NESTING} deep",
                suggestion="flatten the nesting of blocks",
            )
        values = self._bind(block, line)
        given = values.pop("name", None)
        if instance is None and given is not None:
            self._check_name(given, scope)
            instance = given
        label = instance.text if instance is not None else self._instance_name(name, scope)
        inner = _Scope(scope.full_name(label) + ".", {"in": scope.previous}, scope.previous)
        self.expanding.append(name)
        try:
            self._lines((substitute(body, values) for body in block.body), inner)
        finally:
            self.expanding.pop()
        scope.names[label] = inner.previous
        scope.previous = inner.previous
        self.where.setdefault(scope.full_name(label), line.location)

    def _instance_name(self, block: str, scope: _Scope) -> str:
        """The block's name and the next free number: ``bottleneck1``, ``bottleneck2``, ..."""
        while True:
            self.instances[block] = self.instances.get(block, 0) + 1
            label = f"{block}{self.instances[block]}"
            if label not in scope.names:
                return label

    @staticmethod
    def _bind(block: BlockDef, line: Line) -> dict[str, Token]:
        declared = [name for name, _ in block.params]
        usage = f"{block.name.text} " + " ".join(
            name if default is None else f"[{name}={default.text}]"
            for name, default in block.params
        )
        if len(line.args) > len(declared):
            raise line.args[len(declared)].error(
                f"block '{block.name.text}' takes {len(declared)} values, got {len(line.args)}",
                expected=usage,
            )
        values: dict[str, Token] = dict(zip(declared, line.args))
        for key, value in line.options:
            if key.text != "name" and key.text not in declared:
                raise key.error(
                    f"block '{block.name.text}' has no parameter '{key.text}'",
                    expected=usage,
                    suggestion=did_you_mean(key.text, declared),
                )
            if key.text in values:
                raise key.error(f"'{key.text}' is given twice")
            values[key.text] = value
        for name, default in block.params:
            if name not in values:
                if default is None:
                    raise line.head.error(
                        f"block '{block.name.text}' needs a value for '{name}'", expected=usage
                    )
                values[name] = default
        return values
