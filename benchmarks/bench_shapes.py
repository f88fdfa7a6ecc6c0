"""Benchmark `dlcalc shapes`: whole processes, run alternately, medians and peak memory.

Measures `dlcalc shapes` on ResNet-50 (Rich table, plain table, JSON), a bare Typer app that
prints one Rich table (the floor of our stack), torchinfo's summary of the same ResNet-50 built
in PyTorch (only with --torch-python, an interpreter that has torch and torchinfo), and
generated chains of 1,000 to 8,000 layers (time should grow linearly).

    python benchmarks/bench_shapes.py [--rounds 21] [--torch-python /path/to/python]
                                      [--baseline /path/to/python]

``--baseline`` names a Python in which another dlcalc is installed (an earlier release, say):
its ResNet-50 cases run in the same rounds, and the ratios are printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESNET50 = ROOT / "problems" / "shapes" / "models" / "resnet50-keras.arch"
CHAIN_SIZES = (1000, 2000, 4000, 8000)
FORMATS = ("rich table", "plain table", "json")

BARE_TYPER_APP = """
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer()


@app.command()
def main() -> None:
    table = Table()
    table.add_column("layer")
    table.add_column("params", justify="right")
    table.add_row("conv1", "156")
    Console().print(table)


app()
"""

TORCHINFO_RESNET50 = """
import torch
from torch import nn
from torchinfo import summary


class Bottleneck(nn.Module):
    def __init__(self, c_in, width, stride):
        super().__init__()
        out = 4 * width
        self.conv1 = nn.Conv2d(c_in, width, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or c_in != out:
            self.downsample = nn.Sequential(
                nn.Conv2d(c_in, out, 1, stride, bias=False), nn.BatchNorm2d(out)
            )

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.relu(self.bn2(self.conv2(y)))
        y = self.bn3(self.conv3(y))
        return self.relu(y + (x if self.downsample is None else self.downsample(x)))


def resnet50():
    layers = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
              nn.MaxPool2d(3, 2, 1)]
    c_in = 64
    for width, blocks, stride in ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)):
        for i in range(blocks):
            layers.append(Bottleneck(c_in, width, stride if i == 0 else 1))
            c_in = 4 * width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(2048, 1000)]
    return nn.Sequential(*layers)


print(summary(resnet50(), input_size=(1, 3, 224, 224), verbose=0))
"""


def chain(layers: int) -> str:
    """A valid architecture of ``layers`` layer lines (conv, batchnorm, relu repeated)."""
    kinds = ("conv 16 3 padding=1", "batchnorm", "relu")
    lines = ["input 32x32x16"] + [kinds[i % 3] for i in range(layers)]
    return "\n".join(lines) + "\n"


# As a user runs it: with compiled bytecode (an environment that disables it would make every
# run recompile dlcalc from source, while typer and rich come precompiled by pip).
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENVIRONMENT
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: dlcalc check found a wrong answer, a result
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed:\n{error}")
    return elapsed, usage.ru_maxrss


def run_and_print(cases: dict[str, list[str]], rounds: int) -> dict[str, float]:
    """Run every case once to warm up, then ``rounds`` times alternately; print the medians,
    minimums and peak memory; give the medians."""
    for command in cases.values():  # warm up: bytecode caches written, files in the page cache
        measure(command)
    times: dict[str, list[float]] = {name: [] for name in cases}
    peaks: dict[str, int] = dict.fromkeys(cases, 0)
    for _ in range(rounds):
        for name, command in cases.items():  # alternate: one run of each per round
            elapsed, peak = measure(command)
            times[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"rounds: {rounds} (whole processes, alternating)\n")
    width = max(len(name) for name in cases)
    print(f"{'case'.ljust(width)}  median s     min s  peak MiB")
    for name in cases:
        fastest, peak = min(times[name]), peaks[name] / 1024
        print(f"{name.ljust(width)}  {medians[name]:8.3f}  {fastest:8.3f}  {peak:8.1f}")
    return medians


def dlcalc_command() -> list[str]:
    script = Path(sys.executable).with_name("dlcalc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "dlcalc"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--torch-python", help="a Python with torch and torchinfo installed")
    parser.add_argument("--baseline", help="a Python with another dlcalc installed, to compare")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="dlcalc-bench-"))
    (work / "bare.py").write_text(BARE_TYPER_APP)
    (work / "torchinfo_resnet50.py").write_text(TORCHINFO_RESNET50)
    dlcalc = dlcalc_command()
    cases: dict[str, list[str]] = {
        "dlcalc shapes ResNet-50 (rich table)": [*dlcalc, "shapes", str(RESNET50), "-f", "rich"],
        "dlcalc shapes ResNet-50 (plain table)": [*dlcalc, "shapes", str(RESNET50), "-f", "plain"],
        "dlcalc shapes ResNet-50 (json)": [*dlcalc, "shapes", str(RESNET50), "-f", "json"],
        "bare Typer app, one Rich table": [sys.executable, str(work / "bare.py")],
    }
    for size in CHAIN_SIZES:
        path = work / f"chain{size}.arch"
        path.write_text(chain(size))
        cases[f"dlcalc shapes {size:,}-layer chain (json)"] = [
            *dlcalc,
            "shapes",
            str(path),
            "-f",
            "json",
        ]
    if args.baseline:
        baseline = [str(Path(args.baseline).with_name("dlcalc"))]
        for name in FORMATS:
            cases[f"baseline dlcalc ResNet-50 ({name})"] = [
                *baseline,
                "shapes",
                str(RESNET50),
                "-f",
                name.split()[0],
            ]
    if args.torch_python:
        cases["torchinfo summary of ResNet-50"] = [
            args.torch_python,
            str(work / "torchinfo_resnet50.py"),
        ]

    medians = run_and_print(cases, args.rounds)

    bare = medians["bare Typer app, one Rich table"]
    torchinfo = medians.get("torchinfo summary of ResNet-50")
    print()
    for name in FORMATS:
        ours = medians[f"dlcalc shapes ResNet-50 ({name})"]
        line = f"ResNet-50 ({name}) / bare Typer app: {ours / bare:.2f}x"
        if torchinfo is not None:
            line += f"; torchinfo / ResNet-50 ({name}): {torchinfo / ours:.1f}x"
        if args.baseline:
            line += f"; / baseline: {ours / medians[f'baseline dlcalc ResNet-50 ({name})']:.2f}x"
        print(line)
    chain_times = [medians[f"dlcalc shapes {size:,}-layer chain (json)"] for size in CHAIN_SIZES]
    fit = statistics.linear_regression(CHAIN_SIZES, chain_times)
    worst = max(
        abs(t - (fit.intercept + fit.slope * n)) / t for n, t in zip(CHAIN_SIZES, chain_times)
    )
    print(
        f"chains: t = {fit.intercept:.3f} s + {fit.slope * 1e6:.0f} µs per layer "
        f"(worst deviation from the line {worst:.0%})"
    )


if __name__ == "__main__":
    main()
