"""``backprop --exact``: the first step's closed forms (SymPy), E built as an expression of the
parameters and differentiated symbolically, independently of the numeric chain rule."""

from __future__ import annotations

from typing import Any, NamedTuple

from dlcalc.errors import DlcalcError
from dlcalc.rules.activations import ACTIVATIONS
from dlcalc.solve.backprop import one_pass
from dlcalc.solve.backprop_pass import Wiring, wiring_of
from dlcalc.solve.losses import exact_loss
from dlcalc.spec.calculators import ActivationParams
from dlcalc.spec.network import BackpropOptions, Layer, NetworkSpec, Sample
from dlcalc.steps.expr import Call, Expr, Sym
from dlcalc.steps.sympy_bridge import from_sympy, rational, to_sympy
from dlcalc.steps.sympy_bridge import sympy as exact_sympy

MAX_EXACT_PARAMETERS = 40
"""Closed forms grow with every parameter; beyond this many they would take minutes."""
MAX_EXACT_SIZE = 20_000
"""The most work the closed forms may take, as :func:`exact_size` measures it: sigmoid networks
2-2-2-1 (14,271) and 1-1-6-1 (15,229) take 3 s, 2-2-2-2 (28,944) 5 s, a chain of 8 (57,024) 9 s."""


def exact_size(spec: NetworkSpec, wiring: Wiring) -> int:
    """The closed forms' work, known before building them: the size of E (each neuron's
    expression holds its inputs' expressions; a softmax neuron its whole layer's) times, summed
    over the parameters, the cube of the number of layers from the parameter to the output
    (each layer nests once more what the derivative writes out, and SymPy's work on it grows
    faster than its size)."""
    size = {neuron: 1 for neuron in spec.layers[0].neurons}
    depth = {}
    for index, layer in enumerate(spec.layers[1:], start=1):
        own = {
            n: sum(size[e.source] + 2 for e in wiring.incoming.get(n, []))
            + len(wiring.biases.get(n, []))
            + 3
            for n in layer.neurons
        }
        whole = sum(own.values())
        size.update({n: whole if layer.activation == "softmax" else own[n] for n in own})
        for n in layer.neurons:
            names = [e.parameter for e in wiring.incoming.get(n, [])] + wiring.biases.get(n, [])
            depth.update({name: len(spec.layers) - index for name in names if name not in depth})
    samples = len(spec.groups()[0])
    loss = samples * sum(size[n] + 3 for n in spec.layers[-1].neurons)
    return loss * sum(d**3 for d in depth.values())


class ExactForms(NamedTuple):
    """Closed forms of the first step (SymPy), each with its decimal: E of every parameter,
    differentiated symbolically."""

    outputs: dict[str, tuple[Expr, float]]
    loss: tuple[Expr, float] | None
    gradients: dict[str, tuple[Expr, float]]
    updated: dict[str, tuple[Expr, float]]


def exact_forms(spec: NetworkSpec, options: BackpropOptions) -> ExactForms:
    """The first step's outputs (of the first sample), loss (the mean over the first update's
    samples: a batch's, a mini-batch's), gradients and updates in closed form.

    Inputs, targets and parameters are the exact rationals written in the file; E is built as an
    expression of the parameters and differentiated by SymPy, independently of the numeric chain
    rule. Each piecewise activation takes the branch the numeric pass takes.
    """
    wiring = wiring_of(spec)
    size = exact_size(spec, wiring)
    limits = (
        (len(spec.parameters), MAX_EXACT_PARAMETERS, f"has {len(spec.parameters):,} parameters",
         f"a network of at most {MAX_EXACT_PARAMETERS} weights and biases"),
        (size, MAX_EXACT_SIZE, f"measures {size:,} (the size of E × the cubed depth of each "
         "parameter)", "fewer layers or neurons"),
    )  # fmt: skip
    for count, limit, measured, wanted in limits:
        if count > limit:
            raise DlcalcError(
                f"--exact is for small networks: this one {measured}, more than {limit:,}",
                location=spec.layers[0].location,
                expected=wanted,
                suggestion="leave out --exact: every number is still computed in float64",
            )
    sympy = exact_sympy()
    symbols = {p.name: sympy.Symbol(f"p_{i}", real=True) for i, p in enumerate(spec.parameters)}
    point = {symbols[p.name]: rational(p.value.exact) for p in spec.parameters}
    samples = tuple(spec.samples[i] for i in spec.groups()[0])
    values = {p.name: p.value.value for p in spec.parameters}
    outputs_by_sample = [
        _exact_outputs(spec, wiring, sample, symbols, values, options) for sample in samples
    ]

    def form(expression: Any) -> tuple[Expr, float]:
        exact = expression.xreplace(point)
        return from_sympy(exact), decimal(exact)

    outputs = {n: form(o) for n, o in outputs_by_sample[0].items()}
    if samples[0].targets is None or spec.loss is None:
        return ExactForms(outputs, None, {}, {})
    losses = [
        exact_loss(spec.loss, list(outs.values()), [t.exact for t in sample.targets or ()])
        for outs, sample in zip(outputs_by_sample, samples)
    ]
    loss = sympy.Add(*losses) / len(losses)
    frozen = {p.name for p in spec.parameters if p.frozen}
    rate = rational(spec.rate.exact) if spec.rate else None
    gradients, updated = {}, {}
    for p in spec.parameters:
        gradient = sympy.diff(loss, symbols[p.name])
        gradients[p.name] = form(gradient)
        if rate is not None:
            updated[p.name] = form(symbols[p.name] - (0 if p.name in frozen else rate * gradient))
    return ExactForms(outputs, form(loss), gradients, updated)


def decimal(exact: Any) -> float:
    """A closed form's value as a float, right to the last bit: evaluated with mpmath at twice
    the digits until two evaluations agree (SymPy's evalf can return a wrong number without a
    word where terms cancel: 1 − e^800/(1 + e^800))."""
    import mpmath
    from sympy.printing.pycode import MpmathPrinter

    # unordered terms: ordering them for print would evaluate every term once more
    printer = MpmathPrinter({"order": "none", "fully_qualified_modules": False})
    evaluate = exact_sympy().lambdify([], exact, "mpmath", printer=printer, docstring_limit=0)
    previous = None
    digits = 40
    while digits <= 20_000:
        with mpmath.workdps(digits):
            try:
                value = evaluate()
            except (ZeroDivisionError, ValueError):  # a difference that rounded to 0: more digits
                value = None
            agreed = previous is not None and value is not None and mpmath.isfinite(value)
            if agreed and abs(value - previous) <= abs(value) * mpmath.mpf(10) ** -30:
                return float(value)
        previous, digits = value, digits * 2
    raise DlcalcError(
        "a closed form cancels beyond 20,000 digits: its value cannot be given",
        expected="a network whose values stay within 10^±10000",
    )


def _exact_outputs(
    spec: NetworkSpec,
    wiring: Wiring,
    sample: Sample,
    symbols: dict[str, Any],
    values: dict[str, float],
    options: BackpropOptions,
) -> dict[str, Any]:
    """The output layer as expressions of the parameter symbols, for one sample."""
    sympy = exact_sympy()
    initial = {p.name: p.value.exact for p in spec.parameters}
    numeric = one_pass(spec, values, options, sample._replace(targets=None), initial, wiring)
    nets = {value.neuron: value.net.number for value in numeric.forward}  # type: ignore[arg-type]
    outs: dict[str, Any] = {
        n: rational(v.exact) for n, v in zip(spec.layers[0].neurons, sample.inputs)
    }
    for layer in spec.layers[1:]:
        layer_nets = {}
        for neuron in layer.neurons:
            terms = [symbols[e.parameter] * outs[e.source] for e in wiring.incoming.get(neuron, [])]
            terms += [symbols[name] for name in wiring.biases.get(neuron, [])]
            layer_nets[neuron] = sympy.Add(*terms)
        outs.update(_exact_layer(layer, layer_nets, nets, options))
    return {n: outs[n] for n in spec.layers[-1].neurons}


def _exact_layer(
    layer: Layer, nets: dict[str, Any], numeric: dict[str, float], options: BackpropOptions
) -> dict[str, Any]:
    """Each neuron's out, by the activation's own definition: a smooth one as its function of
    net; a piecewise-linear one as the line through 0 of the branch the numeric pass takes (at
    a kink, with the convention's slope, so that its derivative is that slope)."""
    sympy = exact_sympy()
    if layer.activation == "softmax":
        total = sympy.Add(*(sympy.exp(net) for net in nets.values()))
        return {n: sympy.exp(net) / total for n, net in nets.items()}
    function = "linear" if layer.activation == "input" else layer.activation
    activation = ACTIVATIONS[function]
    params = ActivationParams(alpha=layer.slope, grad_at_zero=options.relu_grad_at_zero)
    outs = {}
    for neuron, net in nets.items():
        value = numeric[neuron]
        if function in ("relu", "leaky_relu", "linear"):
            slope = activation.derivative(value, params)
            outs[neuron] = sympy.Rational(str(slope)) * net
        elif function == "step":
            outs[neuron] = sympy.Integer(int(activation.value(value, params)))
        else:
            outs[neuron] = to_sympy(Call(activation.symbol, (Sym("x"),)), {"x": net})
    return outs
