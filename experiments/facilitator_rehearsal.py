"""Rehearse the facilitator guide's 45-minute sequence on the current model.

Runs every step of ``docs/facilitator_guide.md`` ("A 45-minute sequence") on
``scenarios/workshop.yaml`` with the dashboard's seeds 1-3, setting the scenario keys the
dashboard's levers set (the guide's lever table), and prints what the guide quotes:
learning at years 3, 6 and 15, the engaged share of people (and of teachers) at years 3,
6 and 15, and whether the run ends transformed (learning gain >= 0.10, the model's
regime). The guide's figures are copied from this output; rerun it after the model
changes.

Run: ``python experiments/facilitator_rehearsal.py [--workers 2]``.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from simulator.analysis.tipping import DEFAULT_THRESHOLD
from simulator.runner import run_scenario
from simulator.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
WORKSHOP = ROOT / "scenarios" / "workshop.yaml"
SEEDS = (1, 2, 3)
#: Near the workshop's critical mass (about 11 a year), where the strategies make the difference.
STRATEGY_COHORT = 15

NO_COACHING = {"develop.fellow_coaching": 0.0, "develop.teacher_coaching": 0.0}
NO_ALUMNI = {"connect.bridging": 0.0, "connect.community": 0.0, "connect.alumni_gatherings_per_year": 0}
NO_COLLECTIVES = {"convene.collectives.mode": "none"}


def steps() -> dict[str, dict]:
    """The guide's steps: label -> the scenario keys its levers set."""
    start = load_scenario(WORKSHOP).recruit.start_year
    out: dict[str, dict] = {}
    for c in (0, 5, 10, 12, 15, 20, 25, 35, 50):
        out[f"fellows {c}"] = {"recruit.cohort_size": c}
    for c in (10, 15, 25):
        out[f"spread {c}"] = {"recruit.cohort_size": c, "recruit.placement": "spread"}
    out["25 for 3 years"] = {"recruit.cohort_size": 25, "recruit.end_year": start + 3}
    out["50 for 3 years"] = {"recruit.cohort_size": 50, "recruit.end_year": start + 3}
    out["recruitment alone"] = {"recruit.cohort_size": STRATEGY_COHORT, **NO_COACHING, **NO_ALUMNI, **NO_COLLECTIVES}
    out["+ coaching only"] = {"recruit.cohort_size": STRATEGY_COHORT, **NO_ALUMNI, **NO_COLLECTIVES}
    out["+ alumni only"] = {"recruit.cohort_size": STRATEGY_COHORT, **NO_COACHING, **NO_COLLECTIVES}
    out["+ collectives only"] = {"recruit.cohort_size": STRATEGY_COHORT, **NO_COACHING, **NO_ALUMNI}
    out["imposed collectives"] = {"recruit.cohort_size": STRATEGY_COHORT, "convene.collectives.mode": "imposed"}
    out["technical alone"] = {
        "recruit.cohort_size": 0, **NO_COACHING, **NO_ALUMNI, **NO_COLLECTIVES,
        "technical.practice_push": 0.05, "technical.resources": 0.25,
    }
    return out


def _one(job: tuple[str, dict, int]) -> tuple[str, int, dict]:
    label, overrides, seed = job
    scenario = load_scenario(WORKSHOP).with_overrides(overrides) if overrides else load_scenario(WORKSHOP)
    result = run_scenario(scenario, seed=seed)
    ts = result.timeseries.set_index("month")

    def at(column: str, year: int) -> float:
        return float(ts[column].loc[min(12 * year, int(ts.index.max()))])

    row = {f"learning y{y}": at("learning_mean", y) for y in (3, 6, 15)}
    row.update({f"engaged y{y}": at("engaged_share", y) for y in (3, 6, 15)})
    row["teachers engaged y15"] = at("engaged_teacher", 15)
    row["peak learning y0-3"] = float(ts["learning_mean"].loc[: 36].max())
    row["transformed"] = bool(result.summary["learning_gain"] >= DEFAULT_THRESHOLD)
    return label, seed, row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    jobs = [(label, ov, seed) for label, ov in steps().items() for seed in SEEDS]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(_one, jobs))
    by_label: dict[str, list[tuple[int, dict]]] = {}
    for label, seed, row in results:
        by_label.setdefault(label, []).append((seed, row))
    columns = list(results[0][2])
    print("workshop.yaml, seeds " + ", ".join(map(str, SEEDS)) + "; each cell lists the seeds in order")
    print(f"{'step':22s} " + " ".join(f"{c:>17s}" for c in columns))
    for label, rows in by_label.items():
        cells = []
        for c in columns:
            values = [r[c] for _, r in sorted(rows, key=lambda x: x[0])]
            cells.append("/".join("T" if v is True else "-" if v is False else f"{v:.2f}" for v in values))
        print(f"{label:22s} " + " ".join(f"{c:>17s}" for c in cells))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
