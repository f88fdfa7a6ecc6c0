"""Benchmark `dlcalc backprop`: whole processes, run alternately, medians and peak memory.

Measures the classic 2-2-2 example (with and without --exact) and generated dense networks
given as matrices (16-8-4 up to 96-48-10, about the largest a pass may write out; cross-entropy
on a softmax output), as a plain table, as JSON, as a Rich table (the slowest format, which the
limit is set by) and with the chain rule of one parameter only (--only); a straight line fitted
to the time against the number of weights shows whether the cost is linear.

    python benchmarks/bench_backprop.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
from pathlib import Path

from bench_shapes import dlcalc_command, run_and_print  # beside this file

ROOT = Path(__file__).resolve().parent.parent
CLASSIC = ROOT / "problems" / "backprop" / "classic-2-2-2.net"
SIZES = ((16, 8, 4), (32, 16, 8), (64, 32, 10), (96, 48, 10))


def dense_network(inputs: int, hidden: int, outputs: int, seed: int = 1) -> str:
    """A network file with every weight given as a matrix."""
    rng = random.Random(seed)

    def matrix(rows: int, columns: int) -> str:
        return repr(
            [[round(rng.uniform(-0.5, 0.5), 3) for _ in range(columns)] for _ in range(rows)]
        )

    lines = [
        "inputs x: " + " ".join(f"{rng.random():.3f}" for _ in range(inputs)),
        f"layer h: {hidden} sigmoid",
        f"layer o: {outputs} softmax",
        f"weights h <- x {matrix(hidden, inputs)}",
        f"biases h {[0.1] * hidden}",
        f"weights o <- h {matrix(outputs, hidden)}",
        f"biases o {[0.0] * outputs}",
        "targets: " + " ".join("1" if i == 0 else "0" for i in range(outputs)),
        "loss cce",
        "rate 0.1",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dlcalc-bench-"))
    dlcalc = dlcalc_command()
    cases: dict[str, list[str]] = {
        "classic 2-2-2 (table)": [*dlcalc, "backprop", str(CLASSIC)],
        "classic 2-2-2 (--exact)": [*dlcalc, "backprop", str(CLASSIC), "--exact"],
    }
    weights: dict[str, int] = {}
    for size in SIZES:
        path = work / ("net" + "-".join(map(str, size)) + ".net")
        path.write_text(dense_network(*size))
        label = "-".join(map(str, size))
        cases[f"{label} (table)"] = [*dlcalc, "backprop", str(path)]
        cases[f"{label} (json)"] = [*dlcalc, "backprop", str(path), "-f", "json"]
        cases[f"{label} (rich)"] = [*dlcalc, "backprop", str(path), "-f", "rich"]
        cases[f"{label} (--only W_o[1,1])"] = [*dlcalc, "backprop", str(path), "--only", "W_o[1,1]"]
        weights[label] = size[0] * size[1] + size[1] * size[2]
    medians = run_and_print(cases, args.rounds)
    for form in ("table", "json", "rich"):
        counts = [weights[label] for label in weights]
        values = [medians[f"{label} ({form})"] for label in weights]
        fit = statistics.linear_regression(counts, values)
        worst = max(abs(t - (fit.intercept + fit.slope * n)) / t for n, t in zip(counts, values))
        print(
            f"{form}: t = {fit.intercept:.3f} s + {fit.slope * 1e6:.1f} µs per weight "
            f"(worst deviation from the line {worst:.0%})"
        )


if __name__ == "__main__":
    main()
