"""``--format html`` in a real browser (headless Chromium, where installed): the page renders,
its formulas are MathML that the browser lays out, and nothing is wider than an 800-pixel
window (a wide table scrolls inside its own box)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")

PROBE = """<script>
addEventListener("load", () => {
  const maths = [...document.querySelectorAll("math")];
  const body = document.body.dataset;
  body.overflow = document.documentElement.scrollWidth > innerWidth;
  body.maths = maths.length;
  body.flat = maths.filter((m) => m.getBoundingClientRect().width === 0).length;
  body.fractions = [...document.querySelectorAll("mfrac")]
    .filter((f) => f.getBoundingClientRect().height > 0).length;
});
</script>"""
"""Measures the page once laid out, and leaves the answers on ``<body>`` for ``--dump-dom``."""

PAGES = {
    "backprop": ["backprop", "classic-2-2-2"],
    "shapes": ["shapes", "resnet50-keras"],
    "activate": ["activate", "gelu", "-2", "0", "0.5", "--exact"],
    "picture": ["optimize", "adam", "--function", "x^2 + 10*y^2", "--start", "x=1,y=1", "--plot"],
    "softmax": ["softmax", "--jacobian", "--target", "0", "--", "5", "2", "-1", "3", "1", "0"],
    "check": ["check", "classic-2-2-2", "--answer", "w5=0.441084", "--answer", "delta_o1=0.1385"],
    "conv": [
        "conv",
        "--input",
        "1 1 1 0 0; 0 1 1 1 0; 0 0 1 1 1",
        "--kernel",
        "1 0 1; 0 1 0; 1 0 1",
        "--padding",
        "1",
        "--bias",
        "0.5",
        "--grad",
        "1 0 0 1 0; 0 1 0 0 1; 1 0 0 1 0",
    ],
    "batchnorm": ["batchnorm", "--input", "5; 3; 2; 1; 9", "--grad", "1; 0; 0; 0; 1"],
    "grad": [
        "grad",
        "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))",
        "--at",
        "w0=2,x0=-1,w1=-3,x1=-2,w2=-3",
        "--check",
    ],
}


def measured(args: list[str], tmp_path: Path, extra: str = "") -> dict[str, str]:
    page = run_cli(args[0], "-f", "html", *args[1:]).out
    assert page.startswith("<!DOCTYPE html>")
    path = tmp_path / "page.html"
    path.write_text(page.replace("</body>", extra + PROBE + "</body>"), encoding="utf-8")
    dom = subprocess.run(
        [
            str(CHROMIUM),
            *("--headless", "--no-sandbox", "--disable-gpu", "--window-size=800,1000"),
            *("--virtual-time-budget=5000", "--dump-dom", path.as_uri()),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    body = re.search(r"<body([^>]*)>", dom)
    assert body is not None, dom[:500]
    return dict(re.findall(r'data-(\w+)="([^"]*)"', body.group(1)))


@pytest.mark.parametrize("name", PAGES)
def test_the_page_renders_its_mathml_within_800_pixels(name: str, tmp_path: Path) -> None:
    found = measured(PAGES[name], tmp_path)
    assert found["overflow"] == "false", found
    assert int(found["maths"]) > 0 and found["flat"] == "0", found  # MathML laid out


def test_fractions_are_typeset_as_fractions(tmp_path: Path) -> None:
    found = measured(PAGES["backprop"], tmp_path)
    assert int(found["fractions"]) >= 8, found  # 1/(1 + e^−net) and ∂E/∂out, laid out


def test_the_probe_sees_an_overflow(tmp_path: Path) -> None:
    """The measure itself: a 2000-pixel block is seen to overflow the window."""
    wide = '<div style="width: 2000px">wide</div>'
    assert measured(PAGES["check"], tmp_path, wide)["overflow"] == "true"
