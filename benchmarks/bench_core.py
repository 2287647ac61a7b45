"""Benchmark of the vectorised core (issue 2). Prints throughputs and ratios.

1. Agent-updates per second of the vectorised core and of the per-agent reference
   (``simulator.reference.ReferenceModel``) at ~10,000 agents, and their ratio.
2. The cost of one full model step divided by the cost of one sparse matrix-vector
   product over the same network (how close a step is to the memory-bound limit).
3. Time and peak memory of a ~1,000,000-agent run of 120 months (in a subprocess, so
   its peak memory is its own), without Mesa agent objects and without per-school
   tables; pass ``--skip-million`` to leave it out.

Run: ``python benchmarks/bench_core.py`` (about 3 minutes on a 2-core machine).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numpy as np

from simulator.model import EducationModel
from simulator.reference import ReferenceModel
from simulator.scenario import load_scenario


def scenario_of_size(districts: int, clusters: int, schools: int, cohort: int):
    """The comprehensive scenario resized (15 people a school plus fellows)."""
    return load_scenario("scenarios/comprehensive.yaml").with_overrides(
        {
            "system.districts": districts,
            "system.clusters_per_district": clusters,
            "system.schools_per_cluster": schools,
            "recruit.cohort_size": cohort,
            "recruit.placement_clusters": max(1, districts * clusters // 3),
            "meta.steps": 120,
        }
    )


def time_steps(model: EducationModel, steps: int) -> float:
    """Seconds per step over ``steps`` steps."""
    start = time.perf_counter()
    for _ in range(steps):
        model.step()
    return (time.perf_counter() - start) / steps


def bench_10k() -> dict:
    sc = scenario_of_size(4, 10, 16, 120)  # 640 schools * 15 = 9,600 + officials + fellows
    core = EducationModel(sc, seed=0, collect=False)
    for _ in range(24):  # warm up into the regime with fellows and alumni
        core.step()
    n = int(core.state.active.sum())
    t_core = time_steps(core, 24)
    ref = ReferenceModel(sc, seed=0, collect=False)
    for _ in range(2):
        ref.step()
    t_ref = time_steps(ref, 3)
    x = np.random.default_rng(0).random(core.state.n_agents)
    W = core.W
    reps = 200
    start = time.perf_counter()
    for _ in range(reps):
        W @ x
    t_spmv = (time.perf_counter() - start) / reps
    return {
        "agents": n,
        "ties": core.network.n_ties,
        "core_step_ms": t_core * 1e3,
        "reference_step_ms": t_ref * 1e3,
        "core_agent_updates_per_s": n / t_core,
        "reference_agent_updates_per_s": n / t_ref,
        "speedup": t_ref / t_core,
        "spmv_ms": t_spmv * 1e3,
        "step_over_spmv": t_core / t_spmv,
    }


def million_child() -> None:
    # VmHWM, not ru_maxrss, which carries over a larger parent's
    from run_all import peak_gib as peak_of_this_program

    sc = scenario_of_size(40, 100, 17, 2000)  # 68,000 schools * 15 = 1.02 M people
    start = time.perf_counter()
    model = EducationModel(sc, seed=0, agents=False, collect=False)
    build = time.perf_counter() - start
    n = model.state.n_agents
    x = np.random.default_rng(0).random(n)
    t0 = time.perf_counter()
    for _ in range(20):
        model.W @ x
    t_spmv = (time.perf_counter() - t0) / 20
    t0 = time.perf_counter()
    for _ in range(120):
        model.step()
    run = time.perf_counter() - t0
    ind = model.indicators()
    peak_gib = peak_of_this_program()
    print(json.dumps({
        "agents": n, "ties": model.network.n_ties, "build_s": build, "run_120_steps_s": run,
        "step_ms": run / 120 * 1e3, "spmv_ms": t_spmv * 1e3, "step_over_spmv": run / 120 / t_spmv,
        "peak_rss_gib": peak_gib, "final_learning": ind["learning_mean"],
    }))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--million-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.million_child:
        million_child()
        return
    r = bench_10k()
    print(f"== 10k agents ({r['agents']:,} active, {r['ties']:,} ties)")
    print(f"vectorised core : {r['core_step_ms']:9.2f} ms/step  {r['core_agent_updates_per_s']:14,.0f} agent-updates/s")
    print(f"per-agent ref.  : {r['reference_step_ms']:9.2f} ms/step  {r['reference_agent_updates_per_s']:14,.0f} agent-updates/s")
    print(f"speed-up        : {r['speedup']:9.1f} x   (target >= 100)")
    print(f"one spmv        : {r['spmv_ms']:9.3f} ms;  full step = {r['step_over_spmv']:.1f} spmv   (target <= 25)")
    if not args.skip_million:
        proc = subprocess.run(
            [sys.executable, __file__, "--million-child"], capture_output=True, text=True, check=True
        )
        m = json.loads(proc.stdout.strip().splitlines()[-1])
        print(f"== 1M agents ({m['agents']:,} slots, {m['ties']:,} ties), one core")
        print(f"build           : {m['build_s']:9.1f} s")
        print(f"120 steps       : {m['run_120_steps_s']:9.1f} s   (target < 300 s)   {m['step_ms']:.0f} ms/step")
        print(f"full step       : {m['step_over_spmv']:9.1f} spmv at this size")
        print(f"peak memory     : {m['peak_rss_gib']:9.2f} GiB (target < 8 GiB)")


if __name__ == "__main__":
    main()
