"""Full-size synthetic recovery of `clsim calibrate` (the CI test is a smaller version).

Generates targets from the model at a known parameter set (tests/data/calibration_recovery.yaml,
tiny systems), calibrates with the same priors (the schema's plausible ranges) ten times
with different seeds, and prints, per parameter, in how many repetitions the truth lies
inside the 90% posterior interval and how much the posterior narrowed the prior.

    python experiments/calibration_recovery.py [--population 100] [--generations 8]
        [--repetitions 10] [--workers 2] [--out results/calibration-recovery]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ROOT / "tests" / "data" / "calibration_recovery.yaml"
TRUTH = yaml.safe_load((ROOT / "tests" / "data" / "calibration_recovery_truth.yaml").read_text())["truth"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=100)
    parser.add_argument("--generations", type=int, default=8)
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "calibration-recovery")
    args = parser.parse_args()

    from simulator.studies.recovery import recovery_study

    start = time.perf_counter()
    table = recovery_study(args.out, TARGETS, list(TRUTH), TRUTH, repetitions=args.repetitions,
                           population=args.population, generations=args.generations, workers=args.workers)
    seconds = time.perf_counter() - start
    print(table.to_string(index=False))
    print(f"\n{args.repetitions} repetitions, {args.population} particles, up to {args.generations} "
          f"generations, {seconds:.0f} s on {args.workers} worker(s)")
    for name, group in table.groupby("parameter"):
        print(f"{name}: truth {TRUTH[name]:g} inside the 90% interval in {int(group['inside'].sum())} of "
              f"{len(group)}; mean contraction of the prior interval {group['contraction'].mean():.0%}; "
              f"median interval width {(group['high'] - group['low']).median():.4g}")


if __name__ == "__main__":
    main()
