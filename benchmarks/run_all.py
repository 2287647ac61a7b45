"""One benchmark entry point: every figure of issue 17, measured side by side in one run.

Prints a table and, as its last line, one JSON object with the named figures:

* ``core_updates_per_s``, ``mesa_updates_per_s``, ``ratio_vs_mesa``: agent-updates a
  second of the vectorised core (``EducationModel``, no Mesa agent objects, as sweeps run
  it) and of the idiomatic-Mesa reference (``simulator.reference.ReferenceModel``) on the
  same ~10,000-agent system, and their ratio;
* ``step_in_spmv`` (and ``step_in_spmv_1m``): a full month divided by one sparse
  matrix-vector product ``W @ x`` over the same network, at 10,000 and 1,000,000 agents;
* ``million_build_s``, ``million_steps_s``, ``million_peak_gib``: a ~1,040,000-slot
  system built, stepped 120 months and its peak resident memory (a child process, so
  the peak is its own);
* ``runs_per_s_single``, ``runs_per_s_ensemble``, ``ensemble_speedup``: full runs of
  ``scenarios/comprehensive.yaml`` (2,587 slots, 180 months) a second, one at a time
  (``run_scenario``) and in the ensemble engine (``run_ensemble``, automatic batch), on
  one core, with a check that both give identical outcomes;
* ``tipping_default_s`` and ``tipping_before_s``: the default
  ``clsim tipping scenarios/comprehensive.yaml`` study, with this tree and with the tree
  of the commit before issue 17 (``--baseline-ref``, extracted with ``git archive``),
  one after the other in this run; ``tipping_speedup`` is their ratio;
* ``dashboard_step_ms_2k``: one click on *Step* at ~2,000 agents, server side
  (``benchmarks/bench_dashboard.py``: model step, views and re-render in-process; no
  browser).

Besides, the cost curve (build and month from ~1,000 to ~1,000,000 agents, with the fitted
slope against ties) and runs a second by batch size. ``--write-docs`` regenerates
``docs/performance.md`` and ``docs/measured/performance.json`` from the figures.
``--quick`` is the CI smoke version (small systems, a small tipping study, no million).

Usage::

    python benchmarks/run_all.py [--quick] [--skip-million] [--skip-tipping] [--write-docs]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")

#: The commit of the ``model`` branch that issue 17 started from ("today's path").
BASELINE_REF = "6f7b01d"


def scenario_of_size(districts: int, clusters: int, schools: int, cohort: int, steps: int = 120):
    """``scenarios/comprehensive.yaml`` resized (15 people a school, plus officials and fellows)."""
    from simulator.scenario import load_scenario

    return load_scenario(ROOT / "scenarios" / "comprehensive.yaml").with_overrides(
        {
            "system.districts": districts,
            "system.clusters_per_district": clusters,
            "system.schools_per_cluster": schools,
            "recruit.cohort_size": cohort,
            "recruit.placement_clusters": max(1, districts * clusters // 3),
            "meta.steps": steps,
        }
    )


#: Sizes of the cost curve: (districts, clusters per district, schools per cluster, cohort).
SIZES = {
    "1k": (1, 4, 16, 12),
    "10k": (4, 10, 16, 120),
    "100k": (10, 40, 17, 1200),
    "1M": (40, 100, 17, 2000),
}


def _blocks(fn, repeat: int, blocks: int) -> list[float]:
    """Seconds per call of ``fn``, for each of ``blocks`` blocks of ``repeat`` calls."""
    out = []
    for _ in range(blocks):
        t0 = time.perf_counter()
        for _ in range(repeat):
            fn()
        out.append((time.perf_counter() - t0) / repeat)
    return out


def step_and_spmv(model, warmup: int, repeat: int, blocks: int) -> dict[str, float]:
    """Median month and median ``W @ x`` of a model, measured in alternating blocks."""
    for _ in range(warmup):
        model.step()
    x = np.random.default_rng(0).random(model.state.n_agents)
    steps, spmv = [], []
    for _ in range(blocks):
        steps += _blocks(model.step, repeat, 1)
        spmv += _blocks(lambda: model.W @ x, repeat * 5, 1)
    return {
        "step_s": float(np.median(steps)),
        "spmv_s": float(np.median(spmv)),
        "step_in_spmv": float(np.median(steps) / np.median(spmv)),
    }


#: Rounds of the core-against-Mesa comparison: on a shared 2-core machine both models'
#: months vary by tens of percent between rounds, so the figure is the median of rounds,
#: each with fresh models, and the range is kept.
MESA_ROUNDS = 5


def _core_vs_mesa_round(sc, quick: bool) -> dict[str, float]:
    """One round: fresh models, 24 months of warm-up each, then the core and the reference timed."""
    from simulator.model import EducationModel
    from simulator.reference import ReferenceModel

    core = EducationModel(sc, seed=0, agents=False, collect=False)
    m = step_and_spmv(core, warmup=24, repeat=4 if quick else 6, blocks=3 if quick else 6)
    n = int(core.state.active.sum())
    ref = ReferenceModel(sc, seed=0)
    for _ in range(24):  # the same regime as the core: fellows, alumni and collectives at work
        ref.step()
    t_ref = float(np.median(_blocks(ref.step, 1, 3)))
    n_ref = sum(1 for _ in ref.agents)
    return {
        "agents": n,
        "ties": core.network.n_ties,
        "core_step_ms": m["step_s"] * 1e3,
        "spmv_ms": m["spmv_s"] * 1e3,
        "step_in_spmv": m["step_in_spmv"],
        "core_updates_per_s": n / m["step_s"],
        "mesa_step_ms": t_ref * 1e3,
        "mesa_updates_per_s": n_ref / t_ref,
        "ratio_vs_mesa": (n / m["step_s"]) / (n_ref / t_ref),
    }


def bench_core_vs_mesa(quick: bool) -> dict[str, Any]:
    """The vectorised core against the idiomatic-Mesa reference at ~10,000 agents.

    Every figure is the median over :data:`MESA_ROUNDS` rounds (one in ``--quick``); the
    ratio's and ``step_in_spmv``'s lowest and highest rounds are reported beside it.
    """
    sc = scenario_of_size(*SIZES["1k" if quick else "10k"])
    rounds = [_core_vs_mesa_round(sc, quick) for _ in range(1 if quick else MESA_ROUNDS)]
    out: dict[str, Any] = {k: float(np.median([r[k] for r in rounds])) for k in rounds[0]}
    out["agents"], out["ties"] = int(rounds[0]["agents"]), int(rounds[0]["ties"])
    out["rounds"] = len(rounds)
    for k in ("ratio_vs_mesa", "step_in_spmv"):
        out[f"{k}_range"] = [float(min(r[k] for r in rounds)), float(max(r[k] for r in rounds))]
        out[f"{k}_by_round"] = [float(r[k]) for r in rounds]
    return out


def peak_gib() -> float:
    """This program's peak resident memory in GiB.

    ``ru_maxrss`` survives ``exec``: a child started by a large parent reports the parent's
    resident size at the fork whenever its own stays below it (here the parent holds the
    Mesa reference's agents, 0.46 GiB). Linux's ``VmHWM`` belongs to the program's own
    address space, which ``exec`` creates afresh; elsewhere ``ru_maxrss`` is the fallback.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def load_kernels() -> float:
    """Build and step a tiny system once, so the compiled kernels are loaded before any timing.

    A fresh process imports numba and loads each kernel's cached code at its first call
    (about half a second, or a compile after an install): a one-off cost of the process,
    reported apart from the build it would otherwise land in.
    """
    from simulator.model import EducationModel

    t0 = time.perf_counter()
    EducationModel(scenario_of_size(*SIZES["1k"], steps=2), seed=0, agents=False, collect=False).step()
    return time.perf_counter() - t0


def size_child(label: str, steps: int) -> None:
    """In a child process: build one size, step it, print one JSON line (peak memory is its own)."""
    from simulator.model import EducationModel

    kernels_s = load_kernels()
    sc = scenario_of_size(*SIZES[label], steps=steps)
    t0 = time.perf_counter()
    model = EducationModel(sc, seed=0, agents=False, collect=False)
    build = time.perf_counter() - t0
    n = model.state.n_agents
    x = np.random.default_rng(0).random(n)
    reps = 5 if n > 200_000 else 50
    t_spmv = float(np.median(_blocks(lambda: model.W @ x, reps, 3)))
    times = []
    t0 = time.perf_counter()
    for _ in range(steps):
        s0 = time.perf_counter()
        model.step()
        times.append(time.perf_counter() - s0)
    run = time.perf_counter() - t0
    t_spmv = min(t_spmv, float(np.median(_blocks(lambda: model.W @ x, reps, 3))))
    step = float(np.median(times))
    print(json.dumps({
        "label": label, "agents": n, "active": int(model.state.active.sum()), "ties": model.network.n_ties,
        "build_s": build, "kernels_load_s": kernels_s, "steps": steps, "steps_s": run, "step_ms": step * 1e3, "spmv_ms": t_spmv * 1e3,
        "step_in_spmv": step / t_spmv,
        "peak_gib": peak_gib(),
        "final_learning": model.indicators()["learning_mean"],
    }))


def run_child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bench_curve(labels: list[str], steps: dict[str, int]) -> list[dict]:
    """Build and month cost for each size, each in its own process."""
    return [run_child(["--size-child", label, "--steps", str(steps[label])]) for label in labels]


def slope(curve: list[dict], x: str, y: str) -> float:
    """Least-squares slope of log(y) against log(x) (1.0 = linear)."""
    if len(curve) < 2:
        return float("nan")
    lx = np.log([c[x] for c in curve])
    ly = np.log([c[y] for c in curve])
    return float(np.polyfit(lx, ly, 1)[0])


def bench_runs(quick: bool) -> dict:
    """Runs a second of comprehensive.yaml: one at a time and in the ensemble engine."""
    from simulator.ensemble import MAX_BATCH_AGENTS, auto_batch_size, run_ensemble
    from simulator.runner import run_scenario
    from simulator.scenario import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "comprehensive.yaml")
    steps = 36 if quick else None
    batch = 4 if quick else auto_batch_size(sc, steps)
    seeds = list(range(100, 100 + batch))
    n_single = min(batch, 3 if quick else 8)
    # compile (or load from numba's cache) the kernels of both paths first: a fresh
    # clone compiles them on its first run, a one-time cost (``kernels_load_s`` in the
    # curve) that would otherwise land on whichever path is timed first
    run_scenario(sc, seed=0, steps=2)
    run_ensemble([sc] * 2, [0, 1], 2)
    t0 = time.perf_counter()
    single = [run_scenario(sc, seed=s, steps=steps) for s in seeds[:n_single]]
    t_single = (time.perf_counter() - t0) / n_single
    t0 = time.perf_counter()
    together = run_ensemble([sc] * batch, seeds, steps)
    t_ens = (time.perf_counter() - t0) / batch
    same = all(
        a.summary.keys() == b.summary.keys()
        and all((x == y) or (x != x and y != y) for x, y in zip(a.summary.values(), (b.summary[k] for k in a.summary), strict=True))
        for a, b in zip(single, together[:n_single], strict=True)
    )
    by_batch = []
    for b in sorted({2} if quick else {1, 4, 12, 48} - {batch}):  # the automatic batch is timed above
        t0 = time.perf_counter()
        run_ensemble([sc] * b, seeds[:b] if b <= len(seeds) else list(range(b)), steps)
        by_batch.append({"batch": b, "runs_per_s": b / (time.perf_counter() - t0)})
    by_batch.append({"batch": batch, "runs_per_s": 1.0 / t_ens})
    by_batch.sort(key=lambda row: row["batch"])
    return {
        "slots": int(estimate_slots(sc)),
        "months": int(steps or sc.meta.steps),
        "batch": batch,
        "max_batch_agents": MAX_BATCH_AGENTS,
        "runs_per_s_single": 1.0 / t_single,
        "runs_per_s_ensemble": 1.0 / t_ens,
        "ensemble_speedup": t_single / t_ens,
        "identical": bool(same),
        "by_batch": by_batch,
    }


def estimate_slots(sc) -> int:
    from simulator.scenario.size import estimate

    return estimate(sc).agents


def _tipping(tree: Path, extra: list[str], env_extra: dict[str, str]) -> float:
    """Seconds of ``clsim tipping scenarios/comprehensive.yaml`` run from ``tree``."""
    out = Path(tempfile.mkdtemp(prefix="bench-tipping-"))
    env = {**os.environ, "PYTHONPATH": str(tree), **env_extra}
    try:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "simulator", "tipping", str(tree / "scenarios" / "comprehensive.yaml"),
             "--out", str(out / "study"), "--quiet", *extra],
            cwd=out, env=env, capture_output=True, text=True,
        )
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"tipping from {tree} failed:\n{proc.stderr[-2000:]}")
        return seconds
    finally:
        shutil.rmtree(out, ignore_errors=True)


def bench_tipping(quick: bool, baseline_ref: str | None) -> dict:
    """The default tipping study with this tree and with the tree before issue 17."""
    extra = (["--values", "0,20,40", "--seeds", "2", "--steps", "36", "--no-hysteresis", "--no-ews",
              "--boot", "200", "--no-report"] if quick else [])
    now = _tipping(ROOT, extra, {})
    before = float("nan")
    base_dir = None
    if baseline_ref:
        base_dir = Path(tempfile.mkdtemp(prefix="clsim-baseline-"))
        try:
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", baseline_ref], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(base_dir)], input=archive.stdout, check=True)
            before = _tipping(base_dir, extra, {})
        except (subprocess.CalledProcessError, FileNotFoundError, RuntimeError) as exc:
            print(f"(baseline {baseline_ref} not measured: {exc})", file=sys.stderr)
        finally:
            shutil.rmtree(base_dir, ignore_errors=True)
    return {
        "tipping_default_s": now,
        "tipping_before_s": before,
        "tipping_speedup": before / now,
        "tipping_args": " ".join(extra) or "(defaults)",
    }


def bench_dashboard(quick: bool) -> dict:
    """Server-side Step click at ~2,000 agents (benchmarks/bench_dashboard.py)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_dashboard

    sizes = {"~2,000 agents": ROOT / "scenarios" / "workshop.yaml"}
    measured = bench_dashboard.bench_server(5 if quick else 30, 6 if quick else 24, sizes)["~2,000 agents"]
    return {"dashboard_step_ms_2k": measured["click_ms"], "dashboard_model_step_ms_2k": measured["model_step_ms"],
            "dashboard_slots": measured["slots"]}


def machine() -> dict:
    import mesa
    import scipy

    return {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "mesa": mesa.__version__,
        "cpus": os.cpu_count(),
        "load_start": round(os.getloadavg()[0], 2),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def write_docs(figures: dict, path: Path) -> None:
    """Write docs/performance.md (and the figures as JSON beside the measured figures)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from performance_doc import render

    (ROOT / "docs" / "measured").mkdir(parents=True, exist_ok=True)
    (ROOT / "docs" / "measured" / "performance.json").write_text(json.dumps(figures, indent=1) + "\n")
    path.write_text(render(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI smoke: small sizes, small tipping study")
    parser.add_argument("--skip-million", action="store_true")
    parser.add_argument("--skip-tipping", action="store_true")
    parser.add_argument("--skip-dashboard", action="store_true")
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="git commit of 'today's path' ('' to skip)")
    parser.add_argument("--write-docs", action="store_true", help="regenerate docs/performance.md")
    parser.add_argument("--render-docs", type=Path, help="only regenerate the docs from a saved performance.json")
    parser.add_argument("--size-child", help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=120, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.size_child:
        size_child(args.size_child, args.steps)
        return
    if args.render_docs:
        write_docs(json.loads(args.render_docs.read_text()), ROOT / "docs" / "performance.md")
        return

    fig: dict = {"machine": machine(), "quick": args.quick}
    print(f"clsim benchmarks: python {fig['machine']['python']}, numpy {fig['machine']['numpy']}, "
          f"mesa {fig['machine']['mesa']}, {fig['machine']['cpus']} CPUs, 1-min load {fig['machine']['load_start']}")
    core = bench_core_vs_mesa(args.quick)
    fig.update(core_updates_per_s=core["core_updates_per_s"], mesa_updates_per_s=core["mesa_updates_per_s"],
               ratio_vs_mesa=core["ratio_vs_mesa"], step_in_spmv=core["step_in_spmv"], core=core)
    print(f"core vs Mesa ({core['agents']:,} agents, {core['ties']:,} ties): core {core['core_step_ms']:.2f} ms/month "
          f"= {core['core_updates_per_s']:,.0f} updates/s; Mesa reference {core['mesa_step_ms']:.0f} ms/month "
          f"= {core['mesa_updates_per_s']:,.0f} updates/s; ratio {core['ratio_vs_mesa']:.0f}x "
          f"(median of {core['rounds']} rounds; {core['ratio_vs_mesa_range'][0]:.0f}x to "
          f"{core['ratio_vs_mesa_range'][1]:.0f}x)")
    print(f"one month = {core['step_in_spmv']:.1f} x one W @ x ({core['spmv_ms']:.3f} ms; rounds "
          f"{core['step_in_spmv_range'][0]:.1f} to {core['step_in_spmv_range'][1]:.1f})")

    labels = ["1k", "10k"] if args.quick else ["1k", "10k", "100k"] + ([] if args.skip_million else ["1M"])
    steps = {"1k": 24, "10k": 24, "100k": 24, "1M": 120}
    curve = bench_curve(labels, steps)
    fig["curve"] = curve
    fig["slope_step_vs_ties"] = slope(curve, "ties", "step_ms")
    fig["slope_build_vs_ties"] = slope(curve, "ties", "build_s")
    print(f"{'size':>6} {'slots':>10} {'ties':>11} {'build s':>8} {'month ms':>9} {'W@x ms':>8} {'month/spmv':>10} {'peak GiB':>8}")
    for c in curve:
        print(f"{c['label']:>6} {c['agents']:>10,} {c['ties']:>11,} {c['build_s']:>8.2f} {c['step_ms']:>9.2f} "
              f"{c['spmv_ms']:>8.3f} {c['step_in_spmv']:>10.1f} {c['peak_gib']:>8.2f}")
    print(f"slope of log(month) on log(ties): {fig['slope_step_vs_ties']:.2f}; of log(build): {fig['slope_build_vs_ties']:.2f}")
    million = next((c for c in curve if c["label"] == "1M"), None)
    fig.update(
        million_build_s=million["build_s"] if million else None,
        million_steps_s=million["steps_s"] if million else None,
        million_peak_gib=million["peak_gib"] if million else None,
        step_in_spmv_1m=million["step_in_spmv"] if million else None,
    )

    runs = bench_runs(args.quick)
    fig.update(runs_per_s_single=runs["runs_per_s_single"], runs_per_s_ensemble=runs["runs_per_s_ensemble"],
               ensemble_speedup=runs["ensemble_speedup"], runs=runs)
    print(f"runs of comprehensive.yaml ({runs['slots']:,} slots, {runs['months']} months), one core: "
          f"{runs['runs_per_s_single']:.2f} runs/s alone, {runs['runs_per_s_ensemble']:.2f} runs/s in batches of "
          f"{runs['batch']} ({runs['ensemble_speedup']:.2f}x), identical outcomes: {runs['identical']}")
    print("  by batch: " + ", ".join(f"{b['batch']}: {b['runs_per_s']:.2f}/s" for b in runs["by_batch"]))

    if not args.skip_tipping:
        tip = bench_tipping(args.quick, args.baseline_ref or None)
        fig.update(tip)
        print(f"clsim tipping comprehensive.yaml {tip['tipping_args']}: {tip['tipping_default_s']:.1f} s now, "
              f"{tip['tipping_before_s']:.1f} s at {args.baseline_ref} ({tip['tipping_speedup']:.2f}x)")
    else:
        fig.update(tipping_default_s=None, tipping_before_s=None, tipping_speedup=None)

    if not args.skip_dashboard:
        dash = bench_dashboard(args.quick)
        fig.update(dash)
        print(f"dashboard (server side, no browser), ~2,000 agents: {dash['dashboard_step_ms_2k']:.1f} ms a click "
              f"({dash['dashboard_model_step_ms_2k']:.1f} ms of it the model)")
    else:
        fig.update(dashboard_step_ms_2k=None)
    fig["machine"]["load_end"] = round(os.getloadavg()[0], 2)
    if args.write_docs:
        write_docs(fig, ROOT / "docs" / "performance.md")
    named = ("core_updates_per_s", "mesa_updates_per_s", "ratio_vs_mesa", "step_in_spmv", "step_in_spmv_1m",
             "million_build_s", "million_steps_s", "million_peak_gib", "runs_per_s_single", "runs_per_s_ensemble",
             "ensemble_speedup", "tipping_default_s", "tipping_before_s", "tipping_speedup", "dashboard_step_ms_2k")
    def clean(value):
        if isinstance(value, float):
            return None if math.isnan(value) else round(value, 4)
        return value

    last = {k: clean(fig.get(k)) for k in named}
    last["load"] = [fig["machine"]["load_start"], fig["machine"]["load_end"]]
    last["quick"] = args.quick
    print(json.dumps(last))


if __name__ == "__main__":
    main()
