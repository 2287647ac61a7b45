"""Does hysteresis (pattern 2) hold, and does its counter fail, whatever the master seed?

For each master seed: the cohort sweep of ``scenarios/comprehensive.yaml`` gives the
critical mass (:func:`simulator.analysis.patterns.check_tipping`), and the stop design
(every strategy stopped at year 6) runs at twice and half of it, at the defaults and with
its counter-scenario (``mechanisms.reinforcement: false``), exactly as
``experiments/patterns.py`` and ``tests/test_patterns.py`` run them for master seed 2026.
Then, at one master seed, the stop design at the defaults' two cohorts with each
mechanism knocked out in turn: which knock-outs release the tipped state above the
critical mass, and which let the runs below it keep their gains.

Run: ``python experiments/hysteresis.py [--seeds 8] [--master-seeds 2026,11,12,13,14]
[--workers 2] [--out results/hysteresis]`` (about 4 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from simulator.analysis.patterns import check_hysteresis
from simulator.scenario.schema import Mechanisms
from simulator.studies.patterns import (
    COUNTERS,
    LEVER,
    run_designs,
    run_hysteresis_check,
    stage_b_designs,
)
from simulator.sweep.executors import make_executor

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "comprehensive.yaml"


def _fmt(r) -> str:
    d = r.details
    return (f"{str(r.holds):5s} kept above {d['kept_above']:.2f} (gain {d['gain7_above']:.3f}), "
            f"kept below {d['kept_below']:.2f} (gain {d['gain7_below']:.3f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--master-seeds", default="2026,11,12,13,14")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "hysteresis")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    ex = make_executor("local", workers=args.workers)
    first_cm, first_seed = math.nan, None
    try:
        print(f"pattern 2 and its counter ({COUNTERS[2]} off), {args.seeds} seeds a point")
        for ms in (int(s) for s in args.master_seeds.split(",")):
            check = run_hysteresis_check(args.out / f"master{ms}", SCENARIO, args.seeds, ms, ex)
            cm = check.critical_mass
            if not math.isfinite(cm):
                print(f"master seed {ms}: no threshold ({check.tipping.details.get('verdict')}), nothing to place")
                continue
            if math.isnan(first_cm):
                first_cm, first_seed = cm, ms
            print(f"master seed {ms}: critical mass {cm:.2f}")
            print(f"  defaults : holds {_fmt(check.defaults)}")
            print(f"  counter  : holds {_fmt(check.counter)}")
        if not math.isnan(first_cm):
            stop = stage_b_designs(first_cm, math.nan)["stop"]
            hi, lo = stop[0][LEVER], stop[1][LEVER]
            names = ["defaults", *Mechanisms.model_fields]
            sets = [{} if n == "defaults" else {f"mechanisms.{n}": False} for n in names]
            t = run_designs(args.out / "knockouts", SCENARIO, {"stop": stop}, sets, args.seeds,
                            first_seed, ex, progress=False)["stop"]
            print(f"every knock-out, master seed {first_seed}, stop design at {hi} and {lo} fellows a year:")
            for k, name in enumerate(names):
                s = t[t["set"] == k]
                r = check_hysteresis(s[s[LEVER] == hi], s[s[LEVER] == lo])
                print(f"  {name + (' off' if k else ''):26s} holds {_fmt(r)}")
    finally:
        ex.close()
    print(f"{(time.perf_counter() - t0) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
