"""Benchmark `dlcalc optimize`: whole processes, run alternately, medians and peak memory.

Measures Adam on the two-parameter function x² + 10y² (differentiated once with SymPy, then
evaluated numerically) for 10 up to 400 steps (the most a run of two parameters may write
out), as JSON, as a plain table and as a Rich table (the slowest format, which the limit is set
by), and three given gradients; a straight line fitted to the time against the steps shows
whether the cost is linear.

    python benchmarks/bench_optimize.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics

from bench_shapes import dlcalc_command, run_and_print  # beside this file

STEPS = (10, 100, 200, 400)  # 400 steps of two parameters: the limit of 800 updates
FORMS = {"json": "json", "table": "plain", "rich": "rich"}
FUNCTION = ["--function", "x**2 + 10*y**2", "--start", "x=1,y=1", "--lr", "0.01"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    adam = [*dlcalc_command(), "optimize", "adam"]
    cases = {"3 given gradients (table)": [*adam, "--grads", "0.2,-0.1,0.4", "--start", "w=0.5"]}
    for steps in STEPS:
        for form, name in FORMS.items():
            cases[f"{steps} steps ({form})"] = [*adam, *FUNCTION, "--steps", str(steps), "-f", name]
    medians = run_and_print(cases, args.rounds)
    for form in FORMS:
        values = [medians[f"{steps} steps ({form})"] for steps in STEPS]
        fit = statistics.linear_regression(list(STEPS), values)
        print(f"{form}: t = {fit.intercept:.3f} s + {fit.slope * 1e6:.1f} µs per step")


if __name__ == "__main__":
    main()
