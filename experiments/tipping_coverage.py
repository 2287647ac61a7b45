"""Coverage of the tipping estimator's 95% interval on synthetic sweeps with a known answer.

Each repetition draws a sweep like the default tipping study (17 lever values from 0 to
40, 16 runs each): at lever value x a run is transformed with probability
``expit(steepness * (x - x0))`` (``steepness = inf`` is a step function at ``x0``); a
transformed run's outcome is N(0.70, 0.03), another's N(0.42, 0.02), so the cut 0.55
separates them and the true critical mass is ``x0``. The script prints, per case, how
often the reported interval (bootstrap or bracket) contains ``x0``, how often a
threshold is reported, how often the near-edge warning is given, and the interval kinds.

    python experiments/tipping_coverage.py                 # 400 repetitions a case
    python experiments/tipping_coverage.py --reps 100 --cases mid2 edge5
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from scipy.special import expit

from simulator.analysis.tipping import estimate_tipping

LEVER = "recruit.cohort_size"
CASES = {
    "mid2": (20.0, 2.0),
    "mid5": (20.0, 5.0),
    "offgrid2": (21.3, 2.0),
    "edge2": (38.0, 2.0),
    "edge5": (38.0, 5.0),
    "edge_low2": (2.0, 2.0),
    "step": (21.3, float("inf")),
    "step_edge": (38.7, float("inf")),
    "gentle": (20.0, 0.5),
}


def synthetic_sweep(
    rng: np.random.Generator,
    x0: float,
    steepness: float,
    values: np.ndarray | None = None,
    seeds: int = 16,
) -> pd.DataFrame:
    """One synthetic sweep table (lever, final_learning) with critical mass ``x0``."""
    values = np.linspace(0.0, 40.0, 17) if values is None else values
    x = np.repeat(values, seeds)
    if np.isinf(steepness):
        p = (x >= x0).astype(float)
    else:
        p = expit(steepness * (x - x0))
    high = rng.uniform(size=x.size) < p
    outcome = np.where(high, rng.normal(0.70, 0.03, x.size), rng.normal(0.42, 0.02, x.size))
    return pd.DataFrame({LEVER: x, "final_learning": outcome})


def run_case(name: str, reps: int, n_boot: int, seed: int) -> dict:
    x0, steepness = CASES[name]
    covered = threshold = warned = 0
    kinds: dict[str, int] = {}
    widths = []
    start = time.perf_counter()
    for r in range(reps):
        rng = np.random.default_rng([seed, r])
        table = synthetic_sweep(rng, x0, steepness)
        res = estimate_tipping(table, LEVER, n_boot=n_boot, seed=r, bimodality_levels=0)
        lo = res.ci_low if np.isfinite(res.ci_low) else -np.inf
        hi = res.ci_high if np.isfinite(res.ci_high) else np.inf
        covered += bool(lo <= x0 <= hi) and res.interval_kind != "none"
        threshold += res.verdict == "threshold"
        warned += bool(getattr(res, "near_edge", False))
        kind = getattr(res, "interval_kind", "bootstrap")
        if kind == "profile" and not (np.isfinite(res.ci_low) and np.isfinite(res.ci_high)):
            kind = "profile (open)"
        kinds[kind] = kinds.get(kind, 0) + 1
        widths.append(res.ci_high - res.ci_low)
    return {
        "case": name,
        "x0": x0,
        "steepness": steepness,
        "reps": reps,
        "coverage": covered / reps,
        "threshold_share": threshold / reps,
        "near_edge_warning_share": warned / reps,
        "interval_kinds": kinds,
        "median_width": float(np.median(widths)),
        "seconds": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--n-boot", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    rows = []
    for name in args.cases:
        row = run_case(name, args.reps, args.n_boot, args.seed)
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=2)


if __name__ == "__main__":
    main()
