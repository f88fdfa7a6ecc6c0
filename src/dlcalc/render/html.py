"""Reports as one HTML page: the tables, with their formulas in MathML (which browsers typeset
themselves), in light and dark colours; no script, nothing fetched.

A working is set as one ``<math>`` element a stage (``σ(0.5)``, ``= 1/(1 + e^(−0.5))``, …), so
that a long one wraps before its ``=`` signs; a table wider than the page scrolls on its own.
"""

from __future__ import annotations

import html
import importlib.util
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from dlcalc.render.cells import cell_writer
from dlcalc.render.math_mathml import TAG, MathMLPrinter, math_element
from dlcalc.render.report import Cell, Report, Table, resolve

SINCE = "<mtext>\u00a0since\u00a0</mtext>"
"""Before a rule's condition: where a cell's mathematics is split, ``since`` set as text."""
_NUMBER = re.compile(r'(<mo form="prefix">−</mo>)?<mn>([^<]*)</mn>')
_REFS = re.compile(r"\[(\d+)\](?: \[\d+\])*")

STYLE = """
:root {
  color-scheme: light dark;
  --text: #1f2328; --page: #ffffff; --muted: #59636e; --line: #d1d9e0;
  --stripe: #f6f8fa; --head: #eef1f4; --right: #1a7f37; --wrong: #d1242f; --link: #0969da;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #e6edf3; --page: #0d1117; --muted: #9198a1; --line: #3d444d;
    --stripe: #151b23; --head: #212830; --right: #3fb950; --wrong: #f85149; --link: #4493f8;
  }
}
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--page); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
}
main { max-width: 78rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 0.75rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 0.5rem; }
h1, h2, p, li, dd, figcaption { overflow-wrap: anywhere; }
p, ol, dl, figcaption { max-width: 75ch; }
p.meta { margin: 0.2rem 0; color: var(--muted); }
p.meta, dd { overflow-x: auto; }
a { color: var(--link); }
math {
  font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", math;
  font-size: 1.1em; math-style: normal;
}
mtd { text-align: left; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td {
  border: 1px solid var(--line); padding: 0.3rem 0.6rem;
  text-align: left; vertical-align: top; overflow-wrap: break-word;
}
thead th { background: var(--head); }
tbody tr:nth-child(even) { background: var(--stripe); }
tfoot td { font-weight: 600; border-top: 2px solid var(--muted); }
.number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
span.right { color: var(--right); font-weight: 700; }
span.wrong { color: var(--wrong); font-weight: 700; }
figure { margin: 1.5rem 0; }
figure svg { max-width: 100%; height: auto; background: #fff; border-radius: 4px; }
figcaption { font-weight: 600; margin-bottom: 0.4rem; }
pre {
  margin: 0; padding: 0.75rem; overflow-x: auto; line-height: 1.2;
  background: var(--stripe); border: 1px solid var(--line);
  font-family: ui-monospace, "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
ol.notes { list-style: none; padding-left: 0; }
ol.notes li { padding-left: 2.5em; text-indent: -2.5em; }
dl.summary {
  display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.25rem 1.5rem;
}
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
"""
"""The page's look: system fonts, bordered and striped tables, a dark scheme."""


def _pictures(report: Report) -> list[tuple[str, str]]:
    """The report's pictures as inline SVG, where matplotlib is installed (else none, and the
    text drawings are shown)."""
    if not report.pictures or importlib.util.find_spec("matplotlib") is None:
        return []
    found = []
    with tempfile.TemporaryDirectory() as folder:
        for index, (title, draw) in enumerate(report.pictures):
            path = Path(folder) / f"{index}.svg"
            draw(path)
            found.append((title, _inline(path.read_text(encoding="utf-8"))))
    return found


def _inline(svg: str) -> str:
    """An SVG file as an element of the page: without its XML prolog, its metadata and the
    namespace declarations that HTML's parser supplies itself (SVG 2's ``href`` for
    ``xlink:href``)."""
    svg = svg[svg.index("<svg") :].replace("xlink:href=", "href=")
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    return re.sub(r' xmlns(:\w+)?="[^"]*"', "", svg)


def html_page(report: Report) -> str:
    """The report as a standalone HTML document."""
    write = cell_writer(MathMLPrinter(report.digits), text, formula, since=SINCE)
    written = resolve(report, write)
    body = [f"<h1>{text(report.title)}</h1>"]
    body += [f'<p class="meta">{line}</p>' for line in _cells(written.meta)]
    for table in written.tables:
        body += _table(table, len(report.notes))
    pictures = _pictures(report)
    for title, drawing in report.figures if not pictures else ():
        body += [
            "<figure>",
            f"<figcaption>{text(title)}</figcaption>",
            f"<pre>{html.escape(chr(10).join(drawing), quote=False)}</pre>",
            "</figure>",
        ]
    for title, svg in pictures:
        body += ["<figure>", f"<figcaption>{text(title)}</figcaption>", svg, "</figure>"]
    body += _notes(report.notes)
    if written.summary:
        body.append('<dl class="summary">')
        body += [f"<dt>{text(k)}</dt><dd>{v}</dd>" for k, v in _pairs(written.summary)]
        body.append("</dl>")
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="color-scheme" content="light dark">',
            f"<title>{html.escape(report.title, quote=False)}</title>",
            f"<style>{STYLE}</style>",
            "</head>",
            "<body>",
            "<main>",
            *body,
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def text(words: str) -> str:
    """Text escaped, with check's marks coloured: ✓ right, ✗ wrong."""
    escaped = html.escape(words, quote=False)
    escaped = escaped.replace("✓", '<span class="right">✓</span>')
    return escaped.replace("✗", '<span class="wrong">✗</span>')


def formula(inner: str) -> str:
    """A printer's MathML in ``<math>`` elements: one a stage (a line may break before its
    ``=``), the condition after ``since``; a number alone as text, in the table's figures."""
    lone = _NUMBER.fullmatch(inner)
    if lone:
        return f"{'−' if lone[1] else ''}{lone[2]}"
    rule, _, condition = inner.partition(SINCE)
    written = "<wbr>".join(math_element(stage) for stage in stages(rule))
    return f"{written} since {math_element(condition)}" if condition else written


def stages(inner: str) -> list[str]:
    """A chain ``a = b = c`` split before each ``=`` outside any element: ``a``, ``= b``,
    ``= c``."""
    equals = MathMLPrinter.equals
    pieces, depth, start = [], 0, 0
    for tag in TAG.finditer(inner):
        if tag[1]:
            depth -= 1
            continue
        at = tag.start()
        if depth == 0 and at > start and inner.startswith(equals, at):
            pieces.append(inner[start:at])
            start = at
        depth += not tag[2]
    return [*pieces, inner[start:]]


def _table(table: Table, notes: int) -> list[str]:
    numbers = [column.align == "right" for column in table.columns]
    number = ' class="number"'

    def cells(row: Sequence[str], tag: str) -> str:
        return "".join(
            f"<{tag}{number if right else ''}>{_linked(cell, notes)}</{tag}>"
            for cell, right in zip(row, numbers)
        )

    out = ["<section>"]
    label = ""
    if table.title:
        out.append(f"<h2>{text(table.title)}</h2>")
        label = f' aria-label="{html.escape(table.title)}"'
    out += [f'<div class="scroll" role="region" tabindex="0"{label}>', "<table>", "<thead>"]
    out.append(f"<tr>{cells([text(c.header) for c in table.columns], 'th')}</tr>")
    out += ["</thead>", "<tbody>"]
    out += [f"<tr>{cells(_cells(row), 'td')}</tr>" for row in table.rows]
    out.append("</tbody>")
    if table.footer:
        out += ["<tfoot>", *(f"<tr>{cells(_cells(row), 'td')}</tr>" for row in table.footer)]
        out.append("</tfoot>")
    return [*out, "</table>", "</div>", "</section>"]


def _linked(cell: str, notes: int) -> str:
    """A cell of note numbers (``[1] [2]``) as links to the notes."""
    if not _REFS.fullmatch(cell):
        return cell
    return re.sub(
        r"\[(\d+)\]",
        lambda m: f'<a href="#note-{m[1]}">[{m[1]}]</a>' if int(m[1]) <= notes else m[0],
        cell,
    )


def _notes(notes: list[str]) -> list[str]:
    if not notes:
        return []
    items = [f'<li id="note-{i}">[{i}] {text(note)}</li>' for i, note in enumerate(notes, start=1)]
    head = ['<section class="notes">', "<h2>Notes</h2>", '<ol class="notes">']
    return [*head, *items, "</ol>", "</section>"]


def _cells(cells: Sequence[Cell]) -> list[str]:
    """The cells of a resolved report, every one already written."""
    return [str(cell) for cell in cells]


def _pairs(pairs: Sequence[tuple[str, Cell]]) -> list[tuple[str, str]]:
    return [(label, str(value)) for label, value in pairs]
