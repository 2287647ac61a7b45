"""Sweep throughput: runs per second, serial and with 1, 2 and 4 local worker processes.

Prints a table (no assertions; practice 15). Two workloads:

- ``model``: the real model (``scenarios/comprehensive.yaml`` by default, shortened with
  ``--steps``), cohort sizes spread over the runs;
- ``overhead``: a stand-in function that does almost nothing, so the numbers are the
  sweep machinery's own cost per run (seeding, pickling, Parquet parts, progress).

On a 2-vCPU machine that behaves like one core under load (this project's CI and
development machines), parallel speedup is small or negative: worker start-up (the
``spawn`` method imports numpy, pandas and the model) and contention eat the gain.
Design for a many-core workstation or a dask cluster; measure there.

Usage::

    python benchmarks/bench_sweep.py [--runs 32] [--steps 60] [--scenario PATH] [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _spec(kind: str, runs: int, steps: int, scenario: Path):
    from simulator.sweep import sweep_from_dict

    if kind == "model":
        values = sorted({int(v) for v in range(0, 41, 5)})
        reps = max(1, -(-runs // len(values)))
        return sweep_from_dict(
            {
                "name": "bench-model",
                "scenario": str(scenario),
                "steps": steps,
                "parameters": {"recruit.cohort_size": values},
                "replicates": reps,
                "master_seed": 1,
            }
        )
    return sweep_from_dict(
        {
            "name": "bench-overhead",
            "function": "simulator.sweep.toy:toy_linear",
            "parameters": {"recruit.cohort_size": list(range(10))},
            "replicates": max(1, runs // 10),
            "master_seed": 1,
        }
    )


def _time(spec, executor) -> float:
    from simulator.sweep import run_sweep

    out = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    try:
        start = time.perf_counter()
        run_sweep(spec, out / "r", executor=executor, progress=False, flush_every=50)
        return time.perf_counter() - start
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    from simulator.sweep import ProcessExecutor, SerialExecutor

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=36, help="model runs per measurement")
    parser.add_argument(
        "--overhead-runs", type=int, default=2000, help="stand-in runs per measurement"
    )
    parser.add_argument("--steps", type=int, default=60, help="months per model run")
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "comprehensive.yaml")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--start-method", default="spawn")
    args = parser.parse_args()

    cpus = os.cpu_count()
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"CPUs: {cpus} (usable {affinity}); 1-min load average {load:.2f}; start method {args.start_method}"
    )
    print(
        f"{'workload':<10} {'executor':<10} {'workers':>7} {'runs':>6} {'seconds':>8} {'runs/s':>8} {'vs serial':>9}"
    )
    for kind, n in (("model", args.runs), ("overhead", args.overhead_runs)):
        spec = _spec(kind, n, args.steps, args.scenario)
        serial = _time(spec, SerialExecutor())
        rate0 = spec.n_runs / serial
        print(
            f"{kind:<10} {'serial':<10} {1:>7} {spec.n_runs:>6} {serial:>8.2f} {rate0:>8.2f} {1.0:>9.2f}"
        )
        for workers in args.workers:
            seconds = _time(spec, ProcessExecutor(workers, start_method=args.start_method))
            rate = spec.n_runs / seconds
            print(
                f"{kind:<10} {'local':<10} {workers:>7} {spec.n_runs:>6} {seconds:>8.2f} {rate:>8.2f} {rate / rate0:>9.2f}"
            )
    print("Local timings include starting the worker processes (once per sweep).")


if __name__ == "__main__":
    main()
