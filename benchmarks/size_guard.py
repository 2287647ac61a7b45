"""Size guard: estimated against measured peak memory of real runs.

Runs the baseline scenario at several system sizes, each in a fresh process (so the peak
resident memory, ``ru_maxrss`` from ``os.wait4``, is that run's alone), and prints the
estimate of :func:`simulator.scenario.size.estimate` beside it, with the ratio. With
``--fit`` it also prints least-squares coefficients (BASE, PER_AGENT, PER_TIE,
PER_SCHOOL_MONTH) for ``simulator/scenario/size.py``.

    python benchmarks/size_guard.py            # the check (about 2 minutes)
    python benchmarks/size_guard.py --fit      # refit the coefficients
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import numpy as np

from simulator.scenario import load_scenario
from simulator.scenario.size import estimate, format_bytes

SIZES = [  # (districts, clusters_per_district, steps, cohort_size, teachers_per_school)
    (1, 10, 24, 0, 8),
    (4, 20, 120, 200, 8),
    (20, 25, 36, 400, 8),
    (50, 25, 12, 1000, 8),
    (100, 25, 12, 2000, 8),
    (20, 25, 12, 400, 40),
    (4, 25, 1200, 100, 8),
]

CHILD = """
import sys
from simulator.runner import run_scenario
from simulator.scenario import load_scenario
sc = load_scenario(sys.argv[1]).with_overrides({
    "system.districts": int(sys.argv[2]), "system.clusters_per_district": int(sys.argv[3]),
    "recruit.cohort_size": int(sys.argv[5]), "recruit.placement": "spread",
    "system.teachers_per_school": int(sys.argv[6]), "meta.steps": int(sys.argv[4])})
run_scenario(sc, seed=1, steps=int(sys.argv[4]))
"""


def peak_rss(args: list[str]) -> tuple[float, float]:
    """Peak resident bytes and seconds of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, *args])
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"run failed: {args}")
    return usage.ru_maxrss * 1024.0, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="print least-squares coefficients")
    parser.add_argument("--scenario", default="scenarios/baseline.yaml")
    opts = parser.parse_args()
    base = load_scenario(opts.scenario)
    rows = []
    print(f"{'districts x clusters, months, cohort, teachers':>46} {'agents':>9} {'ties':>11} "
          f"{'estimate':>10} {'measured':>10} {'est/meas':>8} {'s':>6}")
    for d, c, steps, cohort, teachers in SIZES:
        sc = base.with_overrides({"system.districts": d, "system.clusters_per_district": c,
                                  "recruit.cohort_size": cohort, "recruit.placement": "spread",
                                  "system.teachers_per_school": teachers, "meta.steps": steps})
        size = estimate(sc, steps)
        rss, secs = peak_rss([opts.scenario, str(d), str(c), str(steps), str(cohort), str(teachers)])
        rows.append((size, rss))
        label = f"{d} x {c}, {steps}, {cohort}, {teachers}"
        print(f"{label:>46} {size.agents:>9,} {size.ties:>11,} {format_bytes(size.bytes):>10} "
              f"{format_bytes(rss):>10} {size.bytes / rss:>8.2f} {secs:>6.1f}", flush=True)
    if opts.fit:
        x = np.array([[1.0, s.agents, s.ties, s.schools * (s.months + 1)] for s, _ in rows])
        y = np.array([r for _, r in rows])
        coef, *_ = np.linalg.lstsq(x, y, rcond=None)
        print("BASE, PER_AGENT, PER_TIE, PER_SCHOOL_MONTH =", ", ".join(f"{v:.4g}" for v in coef))


if __name__ == "__main__":
    main()
