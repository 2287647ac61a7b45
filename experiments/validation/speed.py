"""Throughput of the classic engines that the validation suite leans on (prints, asserts nothing).

    python experiments/validation/speed.py [--runs 200]

Watts cascades at N = 10,000 and 40,000 (runs a second and ms a run, graph drawn each
run), the configuration-model variant, and the naming game (interactions a second). The
full validation's run times are in the last table of ``docs/validation_summary.md``.
"""

from __future__ import annotations

import argparse
import time

from simulator.classic.naming_game import consensus_times
from simulator.classic.watts import cascade_sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    for n, z, degrees in (
        (10_000, 3.0, "poisson"),
        (10_000, 5.8, "poisson"),
        (40_000, 5.8, "poisson"),
        (10_000, 2.0, "exponential"),
    ):
        start = time.perf_counter()
        cascade_sizes(z, n=n, runs=args.runs, master_seed=1, degrees=degrees)
        seconds = time.perf_counter() - start
        print(
            f"Watts {degrees:<11} N = {n:>6,} z = {z}: {args.runs / seconds:7.1f} runs/s ({1000 * seconds / args.runs:.1f} ms a run)"
        )
    start = time.perf_counter()
    times, _ = consensus_times(n=1_000, committed_share=0.12, runs=20, master_seed=1)
    seconds = time.perf_counter() - start
    interactions = float(times.sum()) * 1_000
    print(
        f"naming game N = 1,000, p = 0.12: {interactions / seconds / 1e6:.2f} million interactions/s"
    )


if __name__ == "__main__":
    main()
