"""The HTML page: well-formed, self-contained, its formulas in MathML, every number of the
plain-text report on it, text escaped, numbers right-aligned and unbroken, a dark scheme."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from fractions import Fraction
from html.parser import HTMLParser

import pytest

from conftest import PROBLEMS
from dlcalc.parse.architecture import parse_architecture
from dlcalc.parse.calculator_options import calculator_spec
from dlcalc.parse.calculators import backprop_overrides
from dlcalc.parse.network import parse_network
from dlcalc.parse.source import read_source
from dlcalc.render.activations import activate_report
from dlcalc.render.backprop import backprop_report
from dlcalc.render.formats import render
from dlcalc.render.html import html_page, stages
from dlcalc.render.math_mathml import MathMLPrinter, math_element
from dlcalc.render.report import Column, Math, Report, Table
from dlcalc.render.shapes import shapes_report
from dlcalc.solve.activations import solve_activate
from dlcalc.solve.backprop import solve_backprop
from dlcalc.solve.shapes import ShapesOptions, solve_shapes
from dlcalc.steps.expr import Call, Cases, Diff, Num, Rel, Sym, call, exp, sqrt, tanh

VOID = {"meta", "br", "wbr", "hr", "img", "input", "link"}


def activate(*words: str, digits: int = 6, plot: bool = False) -> Report:
    spec = calculator_spec("activate", list(words), {}, digits=digits, exact=True, plot=plot)
    return activate_report(solve_activate(spec), digits)


def backprop(name: str = "classic-2-2-2.net") -> Report:
    spec = parse_network(read_source(str(PROBLEMS / "backprop" / name)))
    spec, options = backprop_overrides(spec, None, None, None, None, 6, (), False)
    return backprop_report(solve_backprop(spec, options), 6)


def shapes(name: str = "lenet5-exam.arch") -> Report:
    spec = parse_architecture(read_source(str(PROBLEMS / "shapes" / name)))
    result = solve_shapes(spec, ShapesOptions(spec.convention or "keras"))
    return shapes_report(result)


REPORTS = {
    "activate": lambda: activate("sigmoid", "0.5", "-1", plot=True),
    "activate-relu": lambda: activate("relu", "0.5", "0", "-1"),
    "activate-digits": lambda: activate("tanh", "0.3", "-2.5", digits=3),
    "backprop": backprop,
    "shapes": shapes,
}


@pytest.fixture(params=list(REPORTS), scope="module")
def report(request: pytest.FixtureRequest) -> Report:
    return REPORTS[request.param]()


class Checker(HTMLParser):
    """Every element closed in order; the text, spaced at every tag and packed together."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.spaced: list[str] = []
        self.packed: list[str] = []
        self.classes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.classes.append((tag, dict(attrs).get("class") or ""))
        if tag not in VOID:
            self.open.append(tag)
        self.spaced.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.spaced.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:] or 'nothing'}")
        else:
            self.open.pop()
        self.spaced.append(" ")

    def handle_data(self, data: str) -> None:
        if self.open and self.open[-1] in ("style", "title"):
            return
        self.spaced.append(data)
        self.packed.append(data)


def parsed(page: str) -> Checker:
    checker = Checker()
    checker.feed(page)
    checker.close()
    return checker


UNSIGNED = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?")
SIGNED = re.compile(r"−\d+(?:,\d{3})*(?:\.\d+)?")


def test_page_is_well_formed(report: Report) -> None:
    page = html_page(report)
    assert page.startswith("<!DOCTYPE html>\n")
    checker = parsed(page)
    assert checker.problems == []
    assert checker.open == []
    for tag in ("html", "head", "body", "main", "table", "thead", "tbody"):
        assert f"<{tag}" in page


def test_every_math_element_is_xml(report: Report) -> None:
    page = html_page(report)
    elements = re.findall(r"<math\b.*?</math>", page, flags=re.S)
    assert elements
    for element in elements:
        root = ET.fromstring(element)
        assert root.tag == "math"
        assert root.find(".//math") is None
    assert page.count("<math") == len(elements)


def test_every_number_of_the_plain_tables_is_on_the_page(report: Report) -> None:
    tables = replace(report, meta=[], notes=[], summary=[], figures=[])
    plain = render(tables, "plain").split("\n", 1)[1]
    checker = parsed(html_page(report))
    spaced, packed = "".join(checker.spaced), "".join(checker.packed)
    shown = set(UNSIGNED.findall(spaced))
    assert len(set(UNSIGNED.findall(plain))) >= 3  # the numbers were found
    missing = sorted(set(UNSIGNED.findall(plain)) - shown)
    assert missing == []
    assert [n for n in set(SIGNED.findall(plain)) if n not in packed] == []


def test_a_working_is_typeset() -> None:
    page = html_page(activate("sigmoid", "0.5"))
    row = next(line for line in page.splitlines() if line.startswith("<tr><td") and "0.5" in line)
    # σ(0.5) = 1/(1 + e^(−0.5)): a fraction, e raised to −0.5
    assert "<mi>σ</mi><mo>\u2061</mo>" in row
    assert "<mfrac><mn>1</mn><mrow><mn>1</mn><mo>+</mo><msup><mi>e</mi>" in row
    assert '<msup><mi>e</mi><mrow><mo form="prefix">−</mo><mn>0.5</mn></mrow></msup>' in row
    # one <math> a stage, so that a long working wraps before its = signs
    assert "</math><wbr><math><mo>=</mo>" in row


def test_numbers_as_the_text_formats_write_them() -> None:
    printer = MathMLPrinter(6)
    assert printer.print(Num(1.5e-8)) == (
        "<mn>1.5</mn><mo>·</mo><msup><mn>10</mn><mrow><mo>−</mo><mn>8</mn></mrow></msup>"
    )
    assert printer.print(Num(2.5e20)) == "<mn>2.5</mn><mo>·</mo><msup><mn>10</mn><mn>20</mn></msup>"
    assert printer.print(Num(0.62245933)) == "<mn>0.622459</mn>"
    assert MathMLPrinter(3).print(Num(0.62245933)) == "<mn>0.622</mn>"
    assert printer.print(Num(-3)) == '<mo form="prefix">−</mo><mn>3</mn>'
    assert printer.print(Num(Fraction(1, 2))) == "<mn>½</mn>"
    assert "<mn>1</mn>" in printer.print(Num(Fraction(1, 3)))
    assert printer.print(Num(34944, "34,944")) == "<mn>34,944</mn>"
    assert printer.print(Num(float("nan"))) == "<mtext>undefined</mtext>"


def test_symbols_and_functions() -> None:
    printer = MathMLPrinter()
    x = Sym("x")
    assert printer.print(Sym("w", "5")) == "<msub><mi>w</mi><mn>5</mn></msub>"
    assert printer.print(Sym("out", "h1")) == "<msub><mi>out</mi><mi>h1</mi></msub>"
    assert printer.print(Sym("net_o1")) == "<msub><mi>net</mi><mi>o1</mi></msub>"
    assert printer.print(Sym("w⁺", "5")) == "<msubsup><mi>w</mi><mn>5</mn><mo>+</mo></msubsup>"
    assert printer.print(Call("σ", (x,), primes=1)).startswith("<mrow><mi>σ</mi><mo>′</mo></mrow>")
    diff = printer.print(Diff(Sym("E"), Sym("w", "5")))
    assert diff == (
        "<mfrac><mrow><mi>∂</mi><mi>E</mi></mrow>"
        "<mrow><mi>∂</mi><msub><mi>w</mi><mn>5</mn></msub></mrow></mfrac>"
    )
    assert printer.print(sqrt(x)) == "<msqrt><mi>x</mi></msqrt>"
    assert printer.print(call("abs", x)).count("<mo") == 2
    assert "⌊" in printer.print(call("floor", x / 2)) and "⌋" in printer.print(call("floor", x))
    assert printer.print(tanh(x) ** 2).startswith("<msup><mi>tanh</mi><mn>2</mn></msup>")
    assert printer.print(Sym("m̂")).startswith('<mover accent="true"><mi>m</mi>')
    # a fraction in an exponent is written with a slash
    assert "<mfrac" not in printer.print(exp(-x / 2))


def test_cases_and_relations_are_escaped() -> None:
    printer = MathMLPrinter()
    x = Sym("x")
    assert printer.print(Rel("<", x, Num(0))) == "<mi>x</mi><mo>&lt;</mo><mn>0</mn>"
    cases = printer.print(Cases(((Num(1), Rel(">", x, Num(0))), (Num(0), None))))
    assert cases.startswith("<mrow><mo>{</mo><mtable")
    assert cases.count("<mtr>") == 2 and "<mtext>otherwise</mtext>" in cases
    assert "&gt;" in cases
    ET.fromstring(math_element(cases, display=True))
    assert math_element("<mi>x</mi>", display=True) == '<math display="block"><mi>x</mi></math>'
    # an = inside the cases is no stage of the chain
    chain = printer.chain((Sym("f"), Cases(((Num(1), Rel("=", x, Num(0))),))))
    assert len(stages(chain)) == 2


def test_text_is_escaped_and_marks_coloured() -> None:
    report = Report(
        title="Marks <b> & co",
        meta=["a < b", Math((Sym("x"), Num(1)), Rel(">", Sym("x"), Num(0)))],
        tables=[
            Table(
                [Column("mark"), Column("<value>", "right")],
                rows=[["✓", "1 & 2"], ["✗", "3"]],
                title="A <table>",
                footer=[["total", "4"]],
            )
        ],
        notes=["<script>alert(1)</script>"],
        summary=[("score & more", "1/2")],
    )
    page = html_page(report)
    assert "<title>Marks &lt;b&gt; &amp; co</title>" in page
    assert "<h1>Marks &lt;b&gt; &amp; co</h1>" in page
    assert "<b>" not in page and "<script" not in page and "<table>A" not in page
    assert "&lt;value&gt;" in page and "1 &amp; 2" in page and "a &lt; b" in page
    assert '<span class="right">✓</span>' in page
    assert '<span class="wrong">✗</span>' in page
    assert "</math> since <math><mi>x</mi><mo>&gt;</mo><mn>0</mn></math>" in page
    assert "<tfoot>" in page and page.index("<tfoot>") > page.index("</tbody>")
    assert "<dt>score &amp; more</dt><dd>1/2</dd>" in page
    assert parsed(page).problems == []


def test_right_aligned_columns_never_break() -> None:
    report = shapes()
    checker = parsed(html_page(report))
    right = sum(column.align == "right" for column in report.tables[0].columns)
    assert right
    cells = [c for tag, c in checker.classes if tag in ("td", "th")]
    assert "number" in cells
    page = html_page(report)
    first = page[page.index("<thead>") : page.index("</table>")]
    for line in first.splitlines():
        if line.startswith("<tr>"):
            assert line.count('class="number"') == right
    style = page[page.index("<style>") : page.index("</style>")]
    rule = style[style.index(".number {") :].split("}", 1)[0]
    assert "white-space: nowrap" in rule and "text-align: right" in rule


def test_self_contained_with_a_dark_scheme(report: Report) -> None:
    page = html_page(report)
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert '<meta charset="utf-8">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<meta name="color-scheme" content="light dark">' in page
    assert "@media (prefers-color-scheme: dark)" in page
    assert "overflow-x: auto" in page
    assert page.count('<div class="scroll"') == len(report.tables)


def test_figures_notes_and_summary() -> None:
    from dataclasses import replace

    report = activate("sigmoid", "0.5", "-1", plot=True)
    page = html_page(replace(report, pictures=[]))  # the text drawings, without pictures
    assert page.count("<figure>") == 2
    assert "<figcaption>σ(x) (● the given x)</figcaption>\n<pre>" in page
    page = html_page(shapes())
    assert '<li id="note-1">[1] pooling has no parameters</li>' in page
    assert '<a href="#note-1">[1]</a>' in page
    assert "<dt>Total parameters</dt><dd>61,706 (61.71 K; 241.0 KiB at float32)</dd>" in page
    tfoot = page[page.index("<tfoot>") : page.index("</tfoot>")]
    assert "total" in tfoot and "61,706" in tfoot
