"""What early rejection saves in a calibration to the seeds' targets.

Draws ``--draws`` parameter sets from the priors of ``calibration/targets.yaml`` and
evaluates each twice with the same simulation seed: in full (every scenario) and with a
tolerance (:meth:`simulator.calibration.simulate.CalibrationModel.statistics` stops at the
first scenario whose targets are scored above it), as the sampler does in a generation
with that tolerance. Prints the share of draws the tolerance rejects, the scenarios run
and the seconds per evaluation both ways, a check that every draw the tolerance accepts
got the same statistics as in full, and, as its last line, one JSON object.

Usage::

    python benchmarks/bench_calibration.py [--draws 20] [--tolerance 1.5] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--draws", type=int, default=20)
    parser.add_argument("--tolerance", type=float, default=1.5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--targets", default=str(ROOT / "calibration" / "targets.yaml"))
    args = parser.parse_args()

    import simulator.runner
    from simulator.calibration.priors import build_priors
    from simulator.calibration.simulate import CalibrationModel, TargetDistance
    from simulator.calibration.targets import load_targets

    targets = load_targets(args.targets)
    priors = build_priors(targets)
    model = CalibrationModel(targets, priors)
    distance = TargetDistance(targets)
    rng = np.random.default_rng(args.seed)
    real = simulator.runner.run_scenario
    runs = {"n": 0}

    def counted(*a, **k):
        runs["n"] += 1
        return real(*a, **k)

    simulator.runner.run_scenario = counted
    full_s = early_s = 0.0
    full_runs = early_runs = rejected = 0
    same = True
    for i in range(args.draws):
        params = {p.name: float(rng.uniform(p.low, p.high)) for p in priors.priors}
        runs["n"] = 0
        t0 = time.perf_counter()
        full = model.statistics(params, sim_seed=1000 + i)
        full_s += time.perf_counter() - t0
        full_runs += runs["n"]
        runs["n"] = 0
        t0 = time.perf_counter()
        early = model.statistics(params, sim_seed=1000 + i, tolerance=args.tolerance)
        early_s += time.perf_counter() - t0
        early_runs += runs["n"]
        accepted = max(distance.scores(full).values()) <= args.tolerance
        rejected += not accepted
        if accepted:
            same &= all(early[k] == full[k] or (math.isnan(early[k]) and math.isnan(full[k])) for k in full)
        elif max(distance.scores(early).values()) <= args.tolerance:
            same = False  # an early-stopped evaluation must still be rejected
    simulator.runner.run_scenario = real
    out = {
        "draws": args.draws,
        "tolerance": args.tolerance,
        "rejected_share": rejected / args.draws,
        "runs_full": full_runs,
        "runs_early": early_runs,
        "s_per_evaluation_full": full_s / args.draws,
        "s_per_evaluation_early": early_s / args.draws,
        "speedup": full_s / early_s if early_s else float("nan"),
        "same_decisions_and_accepted_statistics": bool(same),
    }
    print(f"draws from the priors: {args.draws}; rejected at tolerance {args.tolerance}: {rejected}")
    print(f"scenario runs: {full_runs} in full, {early_runs} with early rejection")
    print(
        f"seconds per evaluation: {out['s_per_evaluation_full']:.2f} in full, "
        f"{out['s_per_evaluation_early']:.2f} with early rejection ({out['speedup']:.2f}x)"
    )
    print(f"same decisions, same statistics where accepted: {same}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
