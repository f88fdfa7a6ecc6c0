"""Network files (`dlcalc backprop`) into a :class:`NetworkSpec`."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from dlcalc.errors import DlcalcError, Location
from dlcalc.parse.answers import ANSWERS_HEADINGS
from dlcalc.parse.lines import Line, Token, did_you_mean, split_lines
from dlcalc.parse.numbers import not_a_number, number
from dlcalc.parse.source import Source
from dlcalc.parse.values import WHOLE, parse_int
from dlcalc.spec.calculators import Number
from dlcalc.spec.network import (
    NETWORK_ACTIVATIONS,
    NETWORK_LOSSES,
    Bias,
    Edge,
    Layer,
    NetworkSpec,
    Parameter,
    Sample,
)

MAX_NEURONS = 10_000
MAX_EPOCHS = 10_000
KEYWORDS = (
    "inputs",
    "layer",
    "targets",
    "weight",
    "weights",
    "bias",
    "biases",
    "loss",
    "rate",
    "sample",
    "mode",
    "epochs",
)
INPUT_LAYER = "input"


MAX_WORK = 12_000
"""The most lines of working a network's training may write out, as :func:`work` counts them
(about a third of a millisecond each as a Rich table, the slowest format: 12,000 take 4 s; the
classic 2-2-2 network can train 272 epochs on one sample, a 64-32-10 one two passes)."""


def work(spec: NetworkSpec) -> int:
    """The lines of working of a training: two a parameter (its chain rule and its update) and
    six a neuron (net, out, the derivatives and δ), for each sample of each epoch."""
    return (2 * len(spec.parameters) + 6 * _neurons(spec)) * _samples(spec) * spec.epochs


def _neurons(spec: NetworkSpec) -> int:
    return sum(len(layer.neurons) for layer in spec.layers[1:])


def _samples(spec: NetworkSpec) -> int:
    return max(len(spec.samples), 1)


def check_work(spec: NetworkSpec, location: Location) -> None:
    """Refuse training that would write more than :data:`MAX_WORK` lines of working."""
    lines = work(spec)
    if lines > MAX_WORK:
        counts = (
            f"{len(spec.parameters):,} parameters and {_neurons(spec):,} neurons, "
            f"{_samples(spec):,} sample(s) and {spec.epochs:,} epoch(s)"
        )
        raise DlcalcError(
            f"{counts} make about {lines:,} lines of working, more than {MAX_WORK:,}",
            location=location,
            expected="fewer epochs or samples",
            suggestion="--epochs 1 shows every step of one pass",
        )


def parse_network(source: Source) -> NetworkSpec:
    return _NetworkBuilder(source).build()


def _lines(source: Source) -> Iterator[Line]:
    for line in split_lines(source.text, source.name):
        if line.head.text.lower() in ANSWERS_HEADINGS and not line.args and not line.options:
            return
        yield line


def _words(line: Line) -> list[Token]:
    """Every word after the first, in the order written (``key=value`` words as one token)."""
    words = list(line.args) + [
        Token(f"{key.text}={value.text}", key.location, key.context) for key, value in line.options
    ]
    return sorted(words, key=lambda token: token.location.column or 0)


class _NetworkBuilder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.by_kind: dict[str, list[Line]] = {kind: [] for kind in KEYWORDS}
        self.layers: list[Layer] = []
        self.layer_of: dict[str, int] = {}
        self.parameters: list[Parameter] = []
        self.edges: list[Edge] = []
        self.biases: list[Bias] = []
        self.declared: dict[str, Location] = {}
        self.connections: dict[tuple[str, str], str] = {}
        """(source, target) → the weight on that connection."""

    def build(self) -> NetworkSpec:
        for line in _lines(self.source):
            head = line.head.text.lower().rstrip(":")
            if head not in self.by_kind:
                raise line.head.error(
                    f"unknown line '{line.head.text}'",
                    expected="one of " + ", ".join(KEYWORDS),
                    suggestion=did_you_mean(head, KEYWORDS),
                )
            self.by_kind[head].append(line)
        if not self.by_kind["layer"]:
            raise DlcalcError(
                "the network has no layers",
                location=Location(self.source.name),
                expected="inputs ..., then layer lines such as: layer h1 h2 sigmoid",
            )
        input_values = self._input_layer()
        for index, line in enumerate(self.by_kind["layer"], start=1):
            self._layer(line, index)
        for line in self.by_kind["weight"]:
            self._weight(line)
        for line in self.by_kind["weights"]:
            self._weights(line)
        for line in self.by_kind["bias"]:
            self._bias(line)
        for line in self.by_kind["biases"]:
            self._biases(line)
        self._check_connected()
        samples = self._samples(input_values)
        loss = self._loss(samples)
        spec = NetworkSpec(
            self.source.name,
            tuple(self.layers),
            tuple(self.parameters),
            tuple(self.edges),
            tuple(self.biases),
            samples,
            loss,
            self._single_number("rate", positive=True),
            *self._mode_and_epochs(),
        )
        check_work(spec, self.layers[0].location or Location(self.source.name))
        return spec

    # --- layers -------------------------------------------------------------------------

    def _input_layer(self) -> tuple[Number, ...] | None:
        lines = self.by_kind["inputs"]
        if len(lines) > 1:
            raise lines[1].head.error("the inputs are given twice", expected="one inputs line")
        if lines:
            line = lines[0]
            label, words = self._label(line, INPUT_LAYER)
            if words and all("=" in w.text for w in words):
                names = [w.text.split("=", 1)[0] for w in words]
                values = tuple(self._value(w) for w in words)
            elif words:
                names = [f"{label}{i}" for i in range(1, len(words) + 1)]
                values = tuple(number(w, "each input") for w in words)
            else:
                raise line.head.error(
                    "the inputs line gives no inputs",
                    expected="inputs i1=0.05 i2=0.10, or inputs x: 0.05 0.10",
                )
            self._add_layer(Layer(label, tuple(names), "input", location=line.location), words)
            return values
        first = self.by_kind["sample"][0] if self.by_kind["sample"] else None
        if first is None:
            raise DlcalcError(
                "the network has no inputs",
                location=Location(self.source.name),
                expected="an inputs line (inputs i1=0.05 i2=0.10) or sample lines",
            )
        left, _ = self._split_sample(first)
        names = [w.text.split("=", 1)[0] for w in left]
        if not all("=" in w.text for w in left):
            raise first.head.error(
                "without an inputs line, a sample must name its inputs",
                expected="sample x1=0 x2=1 -> o1=1",
            )
        self._add_layer(Layer(INPUT_LAYER, tuple(names), "input", location=first.location), left)
        return None

    def _label(self, line: Line, default: str) -> tuple[str, list[Token]]:
        """``NAME:`` after the keyword names the layer; otherwise ``default`` (returned with a
        trailing ``:`` dropped, so that a given name can be told from the default)."""
        words = _words(line)
        if line.head.text.endswith(":"):
            raise line.head.error(
                "a layer's name comes after the keyword",
                expected=f"{line.head.text[:-1]} NAME: ...",
            )
        if words and words[0].text.endswith(":"):
            return words[0].text[:-1], words[1:]
        return default, words

    def _layer(self, line: Line, index: int) -> None:
        named = len(_words(line)) > 0 and _words(line)[0].text.endswith(":")
        label, words = self._label(line, f"layer{index}")
        if len(words) < 2:
            raise line.head.error(
                "a layer needs its neurons and an activation",
                expected="layer h1 h2 sigmoid, or layer h: 3 sigmoid",
            )
        *neuron_words, activation_word = words
        activation, _, slope_text = activation_word.text.lower().partition(":")
        if activation not in NETWORK_ACTIVATIONS:
            raise activation_word.error(
                f"unknown activation '{activation_word.text}'",
                expected="the last word of a layer line: " + ", ".join(NETWORK_ACTIVATIONS),
                suggestion=did_you_mean(activation, NETWORK_ACTIVATIONS),
            )
        slope = None
        if slope_text or activation_word.text.endswith(":"):
            if activation != "leaky_relu" or not slope_text:
                raise activation_word.error(
                    f"'{activation_word.text}' is not an activation with a parameter",
                    expected="leaky_relu:SLOPE, such as leaky_relu:0.1, or an activation alone",
                )
            slope = number(activation_word.replaced(slope_text), "the leaky slope").value
        if len(neuron_words) == 1 and WHOLE.fullmatch(neuron_words[0].text) and named:
            count = parse_int(neuron_words[0], "the number of neurons")
            if count > MAX_NEURONS:
                raise neuron_words[0].error(
                    f"{count:,} neurons are more than {MAX_NEURONS:,}", expected="a smaller layer"
                )
            names = tuple(f"{label}{i}" for i in range(1, count + 1))
            neuron_words = [neuron_words[0].replaced(name) for name in names]
        layer = Layer(label, tuple(w.text for w in neuron_words), activation, slope, line.location)
        self._add_layer(layer, neuron_words)

    def _add_layer(self, layer: Layer, words: list[Token]) -> None:
        for word, name in zip(words, layer.neurons):
            not_a_number(word.replaced(name), "a neuron")
            if name in self.layer_of:
                raise word.error(
                    f"the neuron '{name}' is already in a layer",
                    expected="neuron names used once in the whole network",
                )
            self.layer_of[name] = len(self.layers)
        if any(existing.name == layer.name for existing in self.layers):
            raise words[0].error(f"the layer name '{layer.name}' is used twice")
        self.layers.append(layer)

    # --- parameters -----------------------------------------------------------------------

    def _parameter(self, name: Token, value: Number, frozen: bool = False) -> None:
        not_a_number(name, "a parameter")
        if name.text in self.declared:
            first = self.declared[name.text]
            raise name.error(
                f"the parameter '{name.text}' is named twice (first at line {first.line})",
                expected="a name for each weight and bias",
            )
        self.declared[name.text] = name.location
        self.parameters.append(Parameter(name.text, value, frozen, name.location))

    def _neuron(self, token: Token) -> int:
        if token.text not in self.layer_of:
            raise token.error(
                f"no neuron is named '{token.text}'",
                expected="a neuron of an inputs or layer line",
                suggestion=did_you_mean(token.text, self.layer_of),
            )
        return self.layer_of[token.text]

    def _weight(self, line: Line) -> None:
        words = _words(line)
        if len(words) != 5 or words[2].text != "->":
            raise line.head.error(
                "a weight line is: weight NAME FROM -> TO VALUE", expected="weight w1 i1 -> h1 0.15"
            )
        name, source, _, target, value = words
        self._edge(name, source, target)
        self._parameter(name, number(value, "the weight"))

    def _edge(self, name: Token, source: Token, target: Token) -> None:
        source_layer, target_layer = self._neuron(source), self._neuron(target)
        if target_layer != source_layer + 1:
            where = (
                "within a layer"
                if target_layer == source_layer
                else ("backwards" if target_layer < source_layer else "past a layer")
            )
            origin, destination = self.layers[source_layer].name, self.layers[target_layer].name
            raise target.error(
                f"the weight {name.text} goes {where}: {source.text} is in {origin}, "
                f"{target.text} in {destination}",
                expected="a weight from a neuron to a neuron of the next layer",
                suggestion="list the layers from input to output (skip connections are not "
                "supported)",
            )
        duplicate = self.connections.get((source.text, target.text))
        if duplicate is not None:
            raise name.error(
                f"{source.text} -> {target.text} already has the weight {duplicate}",
                expected="one weight per connection",
            )
        self.connections[(source.text, target.text)] = name.text
        self.edges.append(Edge(name.text, source.text, target.text))

    def _layer_named(self, token: Token) -> Layer:
        for layer in self.layers:
            if layer.name == token.text:
                return layer
        raise token.error(
            f"no layer is named '{token.text}'",
            expected="a layer named with NAME: (inputs x: ..., layer h: 3 sigmoid)",
            suggestion=did_you_mean(token.text, [layer.name for layer in self.layers]),
        )

    def _matrix(self, line: Line, start: Token, what: str) -> list:
        text = line.context[(start.location.column or 1) - 1 :].split("#", 1)[0].strip()
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise start.error(
                f"cannot read the {what} '{text}'",
                expected="numbers in brackets: [[0.1, 0.2], [0.3, 0.4]]",
            ) from None
        return value

    def _weights(self, line: Line) -> None:
        words = _words(line)
        if len(words) < 4 or words[1].text != "<-":
            raise line.head.error(
                "a weights line is: weights TO <- FROM [[...], ...]",
                expected="weights h <- x [[0.1, 0.2], [0.3, 0.4]] (a row per neuron of h)",
            )
        target, _, source = self._layer_named(words[0]), words[1], self._layer_named(words[2])
        rows = self._matrix(line, words[3], "weight matrix")
        shape_ok = (
            isinstance(rows, list)
            and len(rows) == len(target.neurons)
            and all(isinstance(row, list) and len(row) == len(source.neurons) for row in rows)
        )
        if not shape_ok:
            raise words[3].error(
                f"the matrix must have {len(target.neurons)} rows (the neurons of {target.name}) "
                f"of {len(source.neurons)} numbers (the neurons of {source.name})",
                expected="weights h <- x [[0.1, 0.2], [0.3, 0.4]]",
            )
        for i, (destination, row) in enumerate(zip(target.neurons, rows), start=1):
            for j, (origin, value) in enumerate(zip(source.neurons, row), start=1):
                name = words[3].replaced(f"W_{target.name}[{i},{j}]")
                self._edge(name, words[3].replaced(origin), words[3].replaced(destination))
                self._parameter(name, self._matrix_number(words[3], value))

    def _matrix_number(self, token: Token, value: object) -> Number:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise token.error(f"'{value}' is not a number", expected="numbers in the matrix")
        return number(token.replaced(repr(value)), "each value")

    def _bias(self, line: Line) -> None:
        words = _words(line)
        frozen = bool(words) and words[-1].text.lower() == "frozen"
        if frozen:
            words = words[:-1]
        if len(words) < 3:
            raise line.head.error(
                "a bias line is: bias NAME NEURON... VALUE [frozen]", expected="bias b1 h1 h2 0.35"
            )
        name, *neurons, value = words
        for index, neuron in enumerate(neurons):
            if neuron.text in (n.text for n in neurons[:index]):
                raise neuron.error(
                    f"{neuron.text} is listed twice in the bias {name.text}",
                    expected="each neuron once",
                )
            if self._neuron(neuron) == 0:
                raise neuron.error(f"{neuron.text} is an input: inputs have no bias")
        self._parameter(name, number(value, "the bias"), frozen)
        self.biases.append(Bias(name.text, tuple(n.text for n in neurons)))

    def _biases(self, line: Line) -> None:
        words = _words(line)
        if len(words) < 2:
            raise line.head.error(
                "a biases line is: biases LAYER [...]", expected="biases h [0.1, 0.2]"
            )
        layer = self._layer_named(words[0])
        values = self._matrix(line, words[1], "bias vector")
        if not isinstance(values, list) or len(values) != len(layer.neurons):
            raise words[1].error(
                f"{layer.name} has {len(layer.neurons)} neurons: it needs as many biases",
                expected="biases h [0.1, 0.2]",
            )
        for i, (neuron, value) in enumerate(zip(layer.neurons, values), start=1):
            name = words[1].replaced(f"b_{layer.name}[{i}]")
            self._parameter(name, self._matrix_number(words[1], value))
            self.biases.append(Bias(name.text, (neuron,)))

    def _check_connected(self) -> None:
        fed = {edge.target for edge in self.edges}
        for layer in self.layers[1:]:
            for neuron in layer.neurons:
                if neuron not in fed:
                    raise DlcalcError(
                        f"the neuron {neuron} has no incoming weights",
                        location=layer.location,
                        expected=f"weight lines into {neuron} from the layer before",
                    )
            if layer.activation == "softmax" and layer is not self.layers[-1]:
                raise DlcalcError(
                    f"softmax is on the hidden layer {layer.name}",
                    location=layer.location,
                    expected="softmax on the output layer only",
                )

    # --- examples and settings ------------------------------------------------------------

    def _value(self, word: Token) -> Number:
        _, _, text = word.text.partition("=")
        column = (word.location.column or 0) + len(word.text) - len(text)
        location = Location(word.location.source, word.location.line, column)
        return number(Token(text, location, word.context), "each value")

    def _named_values(self, words: list[Token], layer: Layer, what: str) -> tuple[Number, ...]:
        """``name=value`` words for every neuron of ``layer``, or values in neuron order."""
        if words and all("=" in w.text for w in words):
            given: dict[str, Token] = {}
            for word in words:
                name = word.text.split("=", 1)[0]
                if name in given:
                    raise word.error(
                        f"{name} is given twice", expected=f"one value for each of {what}"
                    )
                given[name] = word
            for name, word in given.items():
                if name not in layer.neurons:
                    raise word.error(
                        f"{name} is not {what}",
                        expected=f"the neurons {', '.join(layer.neurons)}",
                        suggestion=did_you_mean(name, layer.neurons),
                    )
            missing = [n for n in layer.neurons if n not in given]
            if missing:
                raise words[0].error(
                    f"no value for {', '.join(missing)}", expected=f"a value for each of {what}"
                )
            return tuple(self._value(given[n]) for n in layer.neurons)
        if len(words) != len(layer.neurons):
            where = words[0] if words else None
            message = f"{len(words)} values for the {len(layer.neurons)} neurons of {layer.name}"
            if where is None:
                raise DlcalcError(message, location=Location(self.source.name))
            raise where.error(message, expected=f"one value for each of {what}")
        return tuple(number(w, "each value") for w in words)

    def _split_sample(self, line: Line) -> tuple[list[Token], list[Token] | None]:
        """A sample's inputs and targets; a forward-only sample has no ``->`` and no targets."""
        words = _words(line)
        arrows = [i for i, w in enumerate(words) if w.text == "->"]
        if not arrows:
            return words, None
        if len(arrows) != 1:
            raise line.head.error(
                "a sample is: sample INPUTS -> TARGETS (or INPUTS alone, forward only)",
                expected="sample x1=0 x2=1 -> o1=1",
            )
        return words[: arrows[0]], words[arrows[0] + 1 :]

    def _samples(self, input_values: tuple[Number, ...] | None) -> tuple[Sample, ...]:
        inputs, outputs = self.layers[0], self.layers[-1]
        sample_lines = self.by_kind["sample"]
        targets_lines = self.by_kind["targets"]
        if sample_lines:
            if targets_lines:
                raise targets_lines[0].head.error(
                    "targets go into the sample lines when there are samples",
                    expected="sample x1=0 x2=1 -> o1=1",
                )
            samples = []
            for line in sample_lines:
                left, right = self._split_sample(line)
                if (right is None) != (self._split_sample(sample_lines[0])[1] is None):
                    raise line.head.error(
                        "some samples have targets and some do not",
                        expected="targets on every sample (-> o1=1), or on none (forward only)",
                    )
                targets = (
                    None if right is None else self._named_values(right, outputs, "the outputs")
                )
                samples.append(Sample(self._named_values(left, inputs, "the inputs"), targets))
            return tuple(samples)
        assert input_values is not None
        if len(targets_lines) > 1:
            raise targets_lines[1].head.error("the targets are given twice")
        targets = None
        if targets_lines:
            line = targets_lines[0]
            words = _words(line)
            targets = self._named_values(words, outputs, "the outputs")
        return (Sample(input_values, targets),)

    def _loss(self, samples: tuple[Sample, ...]) -> str | None:
        lines = self.by_kind["loss"]
        if len(lines) > 1:
            raise lines[1].head.error("the loss is given twice", expected="one loss line")
        has_targets = samples[0].targets is not None
        if not lines:
            if has_targets:
                raise DlcalcError(
                    "there are targets but no loss",
                    location=Location(self.source.name),
                    expected="a line loss " + " | ".join(NETWORK_LOSSES),
                )
            return None
        words = _words(lines[0])
        if len(words) != 1 or words[0].text.lower() not in NETWORK_LOSSES:
            token = words[0] if words else lines[0].head
            raise token.error(
                f"unknown loss '{token.text}'",
                expected="one of " + ", ".join(NETWORK_LOSSES),
                suggestion=did_you_mean(token.text, NETWORK_LOSSES),
            )
        loss = words[0].text.lower()
        if loss == "bce":
            for sample in samples:
                for value in sample.targets or ():
                    if not 0 <= value.value <= 1:
                        raise DlcalcError(
                            f"bce needs targets from 0 to 1, not {value.text}",
                            location=lines[0].location,
                            expected="targets from 0 to 1",
                        )
        return loss

    def _single(self, kind: str) -> Token | None:
        lines = self.by_kind[kind]
        if not lines:
            return None
        if len(lines) > 1:
            raise lines[1].head.error(f"{kind} is given twice", expected=f"one {kind} line")
        words = _words(lines[0])
        if len(words) != 1:
            raise lines[0].head.error(f"{kind} takes one value", expected=f"{kind} VALUE")
        return words[0]

    def _single_number(self, kind: str, positive: bool) -> Number | None:
        token = self._single(kind)
        if token is None:
            return None
        value = number(token, f"the {kind}")
        if positive and value.exact <= 0:
            raise token.error(f"the {kind} must be positive", expected="a number > 0, such as 0.5")
        return value

    def _mode(self) -> tuple[str, int]:
        """The mode, and a mini-batch's size (``mode minibatch 2``)."""
        lines = self.by_kind["mode"]
        if not lines:
            return "stochastic", 0
        if len(lines) > 1:
            raise lines[1].head.error("mode is given twice", expected="one mode line")
        words = _words(lines[0])
        modes = ("stochastic", "batch", "minibatch")
        if not words or words[0].text.lower() not in modes:
            token = words[0] if words else lines[0].head
            raise token.error(
                f"unknown mode '{token.text}'",
                expected="stochastic (one update per sample), batch (one per epoch) or "
                "minibatch N (one per N samples)",
                suggestion=did_you_mean(token.text, modes),
            )
        mode = words[0].text.lower()
        if mode != "minibatch":
            if len(words) > 1:
                raise words[1].error(f"mode {mode} takes no size", expected=f"mode {mode}")
            return mode, 0
        if len(words) != 2:
            raise lines[0].head.error(
                "mode minibatch takes the batch size", expected="mode minibatch 2"
            )
        return mode, parse_int(words[1], "the mini-batch size")

    def _mode_and_epochs(self) -> tuple[str, int, int]:
        mode, size = self._mode()
        return mode, self._epochs(), size

    def _epochs(self) -> int:
        token = self._single("epochs")
        epochs = 1 if token is None else parse_int(token, "the number of epochs")
        if token is not None and epochs > MAX_EPOCHS:
            raise token.error(f"more than {MAX_EPOCHS:,} epochs", expected="fewer epochs")
        return epochs
