"""Formulas as Unicode text, the way they are written in an exam answer:
``1/(1 + e^(−0.5))``, ``σ′(x)``, ``tanh²(x)``, ``∂E/∂w₅``, ``⌊(32 − 5)/1⌋ + 1``."""

from __future__ import annotations

from dlcalc.steps.expr import Call, Diff, Div, Expr, Num, Pow, Sum, Sym
from dlcalc.steps.printer import ATOM, POWER, PRODUCT, Printer, format_number, precedence
from dlcalc.steps.step import Step

SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SUPERSCRIPT = {2: "²", 3: "³"}
NAMES = {"log10": "log₁₀", "log2": "log₂", "ln": "ln"}
"""Functions written before their argument without parentheses when it is an atom."""


class TextPrinter(Printer):
    def _num(self, node: Num) -> str:
        if node.text is not None:
            return node.text.replace("-", "−")
        return format_number(node.value, self.digits)

    def _sym(self, node: Sym) -> str:
        """``w₅``, ``out_h1``, ``σ′``; a new value ``w⁺`` with its subscript first: ``w₅⁺``."""
        name, plus = (node.name[:-1], "⁺") if node.name.endswith("⁺") else (node.name, "")
        return self.name(name, node.primes) + subscript(node.sub) + plus

    @staticmethod
    def name(name: str, primes: int) -> str:
        return name + "′" * primes

    def _call(self, node: Call) -> str:
        name, args = node.name, node.args
        if name == "exp":
            return "e" if args[0] == Num(1) else f"e^{self._exponent(args[0])}"
        if name == "sqrt":
            return "√" + self.wrap(args[0], ATOM)
        if name == "abs":
            return f"|{self.print(args[0])}|"
        if name in ("floor", "ceil"):
            left, right = ("⌊", "⌋") if name == "floor" else ("⌈", "⌉")
            return f"{left}{self.print(args[0])}{right}"
        inside = ", ".join(self.print(a) for a in args)
        if name in NAMES and node.primes == 0:
            single = len(args) == 1 and precedence(args[0]) == ATOM
            return f"{NAMES[name]} {inside}" if single else f"{NAMES[name]}({inside})"
        return f"{self.name(name, node.primes)}({inside})"

    def _exponent(self, node: Expr) -> str:
        """An exponent bare where it is one token (``e^5``, ``e^x``, ``e^z₀``), else in
        parentheses (``e^(−x)``, ``e^(z_i)``)."""
        text = self.print(node)
        return text if precedence(node) == ATOM and "_" not in text else f"({text})"

    def _div(self, node: Div) -> str:
        return f"{self.wrap(node.num, PRODUCT)}/{self.wrap(node.den, POWER)}"

    def _pow(self, node: Pow) -> str:
        base, exponent = node.base, node.exp
        small = SUPERSCRIPT.get(exponent.value) if isinstance(exponent, Num) else None  # type: ignore[arg-type]
        if small and isinstance(base, Call) and base.name not in ("exp", "sqrt", "abs"):
            head, _, rest = self._call(base).partition("(")  # tanh²(x)
            return f"{head}{small}({rest}"
        return self.wrap(base, ATOM) + (small or f"^{self._exponent(exponent)}")

    def _sum(self, node: Sum) -> str:
        return f"Σ_{node.index} {self.wrap(node.body, PRODUCT)}"

    def _diff(self, node: Diff) -> str:
        return f"∂{self.wrap(node.f, ATOM)}/∂{self.wrap(node.x, ATOM)}"


def subscript(sub: str) -> str:
    """Digits as Unicode subscripts (w₅); anything else after an underscore (out_h1)."""
    if not sub:
        return ""
    return sub.translate(SUBSCRIPT) if sub.isdigit() else f"_{sub}"


def text(node: Expr, digits: int = 6) -> str:
    return TextPrinter(digits).print(node)


def step_text(step: Step, digits: int = 6) -> str:
    """A step's working with its value, as text: ``σ(0.5) = 1/(1 + e^(−0.5)) = … = 0.622459``."""
    printer = TextPrinter(digits)
    parts = [step.symbol, *step.substituted]
    if not isinstance(step.value, tuple):
        parts.append(Num(step.value))
    text = printer.chain(parts)
    return f"{text} since {printer.print(step.condition)}" if step.condition else text
