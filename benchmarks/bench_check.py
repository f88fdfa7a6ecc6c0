"""Benchmark `dlcalc check`: whole processes, run alternately, medians and peak memory.

Marks the LeNet-5 problem's own answers (all right: no mistake is tried), then a wrong total
(every shapes mistake is tried), ResNet-50 with a wrong total (each mistake re-solves the whole
network), the classic backprop network with wrong answers, and Adam's three steps with a wrong
answer, each against a plain `dlcalc shapes` / `backprop` run of the same file.

    python benchmarks/bench_check.py [--rounds 15]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench_shapes import dlcalc_command, run_and_print  # beside this file

PROBLEMS = Path(__file__).resolve().parents[1] / "problems"
LENET = str(PROBLEMS / "shapes" / "lenet5-exam.arch")
RESNET50 = str(PROBLEMS / "shapes" / "models" / "resnet50-torchvision.arch")
CLASSIC = str(PROBLEMS / "backprop" / "classic-2-2-2.net")
ADAM = str(PROBLEMS / "optimize" / "adam-three-steps.opt")
WRONG_CLASSIC = ["--answer", "w1=0.1496", "--answer", "w5=0.44", "--answer", "E=0.5"]
WRONG_CLASSIC = ["--answer", "w1=0.1496", "--answer", "w5=0.44", "--answer", "E=0.5"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    dlcalc = dlcalc_command()
    check = [*dlcalc, "check"]
    cases = {
        "shapes LeNet-5 (plain)": [*dlcalc, "shapes", LENET, "-f", "plain"],
        "check LeNet-5, 17 right": [*check, LENET, "-f", "plain"],
        "check LeNet-5, 1 wrong": [*check, LENET, "--answer", "total_params=61470", "-f", "plain"],
        "shapes ResNet-50 (json)": [*dlcalc, "shapes", RESNET50, "-f", "json"],
        "check ResNet-50, 1 wrong": [*check, RESNET50, "--answer", "total_params=1", "-f", "json"],
        "backprop classic (plain)": [*dlcalc, "backprop", CLASSIC, "-f", "plain"],
        "check classic, 3 wrong": [*check, CLASSIC, *WRONG_CLASSIC, "-f", "plain"],
        "check Adam, 1 wrong": [*check, ADAM, "--answer", "w_1=0.4968", "-f", "plain"],
    }
    run_and_print(cases, args.rounds)


if __name__ == "__main__":
    main()
