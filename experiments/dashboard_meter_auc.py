"""Does the dashboard's critical-mass meter mean tipping? Full-size check on held-out seeds.

The workshop scenario, its shipped S-curve cache (scenarios/.meter/workshop.json), and
runs with seeds the cache never used, at the cohort sizes where the cached S-curve leaves
the outcome uncertain (fitted P between 0.1 and 0.9). Each run is read at a month by the
meter (its forecast: ten model futures from the run's state) and by the engaged share,
then run to its end. Prints the AUC of both against "ended transformed".

The CI version on a small system is tests/test_dashboard_meter.py (marked slow).

Usage::

    python experiments/dashboard_meter_auc.py [--seeds 20] [--month 60]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from simulator.dashboard.controls import cohort_maximum
    from simulator.dashboard.meter_cache import load_cache
    from simulator.scenario import load_scenario
    from simulator.studies.forecast import auc, held_out_readings
    from simulator.sweep.seeds import run_seed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "workshop.yaml"))
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--month", type=int, default=60)
    parser.add_argument("--out", default=None, help="CSV of every run's readings")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario)
    cache, status = load_cache(args.scenario, scenario)
    if cache is None:
        raise SystemExit(f"no usable cache: {status.message}")
    curve = cache.curve_for({})
    grid = np.arange(0, cohort_maximum(scenario) + 1)
    p = np.array([curve.p_at(v) for v in grid])
    band = [int(v) for v in grid[(p > 0.1) & (p < 0.9)]]
    if len(band) > 6:
        band = [int(v) for v in np.unique(np.linspace(band[0], band[-1], 6).round())]
    seeds = [run_seed(987654321, r) for r in range(args.seeds)]
    print(
        f"{Path(args.scenario).name}: critical mass {curve.critical_mass:.1f} "
        f"(95% CI {curve.ci_low:.1f}-{curve.ci_high:.1f}, {curve.verdict}); "
        f"held-out cohorts {band} x {len(seeds)} seeds, read at month {args.month}"
    )
    started = time.perf_counter()
    table = held_out_readings(scenario, band, seeds, month=args.month)
    y = table["transformed"].to_numpy(float)
    print(f"{len(y)} runs, {int(y.sum())} ended transformed, {time.perf_counter() - started:.0f} s")
    print(f"  AUC of the meter (forecast)        {auc(table['meter'], y):.3f}")
    print(f"  AUC of the engaged share           {auc(table['engaged_share'], y):.3f}")
    print(f"  AUC of the settings' S-curve alone {auc([curve.p_at(v) for v in table['value']], y):.3f}")
    for value, group in table.groupby("value"):
        print(
            f"  cohort {value:4.0f}: transformed {group['transformed'].mean():.2f}, "
            f"mean meter {group['meter'].mean():.2f}, mean engaged share {group['engaged_share'].mean():.3f}"
        )
    if args.out:
        table.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
