"""The eight patterns of the brief at the defaults, each against its counter-scenario.

Nothing in the model names a pattern. This runs the pattern study
(:mod:`simulator.studies.patterns`: ordinary scenario overrides, resumable sweeps) around
``scenarios/comprehensive.yaml``, checks each pattern with the rule fixed in
:mod:`simulator.analysis.patterns`, then reruns each pattern's designs with one mechanism
knocked out (:data:`simulator.studies.patterns.COUNTERS`) and checks again: a counter must
make its pattern fail. It also reports Telangana's ratio over the seeds' range of
baseline learning (0.30-0.45), with each channel of the collectives knocked out, and with
each other effect a collective has on its members set to 0.

Run: ``python experiments/patterns.py [--seeds 8] [--out results/patterns] [--write-docs]``
(``--write-docs`` regenerates the tables in ``docs/calibration.md``).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

from simulator.analysis.patterns import PATTERNS, RULES, check_telangana
from simulator.docs_gen import Markers, replace_between
from simulator.studies.patterns import (
    COUNTERS,
    run_counters,
    run_designs,
    run_pattern_study,
    stage_a_designs,
)
from simulator.sweep.executors import make_executor

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "comprehensive.yaml"
CHANNELS = ("collective_learning", "peer_learning", "trust_gate", "ownership", "contagion", "commitment")
#: What else a collective does for its members (``docs/ODD.md`` 7.2), each set to 0 in turn:
#: which of the collectives' mechanisms Telangana's ratio needs besides learning together.
COLLECTIVE_EFFECTS = ("collective_trust_gain", "collective_purpose_gain", "collective_agency_gain",
                      "collective_threshold_relief", "data_reflection_bonus")
BASELINES = (0.30, 0.35, 0.40, 0.45)


def _fmt(x: float, digits: int = 3) -> str:
    return "n/a" if not (isinstance(x, float | int) and math.isfinite(x)) else f"{x:.{digits}g}"


def telangana_range(out: Path, seeds: int, master_seed: int, executor) -> dict:
    """Telangana's ratio over baseline learning, and with each channel or collective effect removed (at 0.30)."""
    design = {"telangana": stage_a_designs()["telangana"]}
    sets = [{"population.baseline_learning": b} for b in BASELINES]
    rows = {}
    for b, pset in zip(BASELINES, sets, strict=True):
        point = {**design["telangana"][0], "population.baseline_learning": b}
        t = run_designs(out / f"baseline-{b:.2f}", SCENARIO, {"telangana": [point]}, [pset], seeds, master_seed, executor, False)
        rows[f"baseline {b:.2f}"] = check_telangana(t["telangana"]).effect
    for ch in CHANNELS:
        t = run_designs(out / f"knockout-{ch}", SCENARIO, design, [{f"mechanisms.{ch}": False}], seeds, master_seed, executor, False)
        rows[f"{ch} off (baseline 0.30)"] = check_telangana(t["telangana"]).effect
    for rate in COLLECTIVE_EFFECTS:
        t = run_designs(out / f"zero-{rate}", SCENARIO, design, [{f"dynamics.{rate}": 0.0}], seeds, master_seed, executor, False)
        rows[f"{rate} 0 (baseline 0.30)"] = check_telangana(t["telangana"]).effect
    return rows


def markdown(study, counters, telangana: dict, seeds: int, master_seed: int, seconds: float) -> str:
    res = study.results[0]
    lines = [
        f"Measured by `python experiments/patterns.py --seeds {seeds} --write-docs` (master seed {master_seed}, "
        f"{seeds} seeds a design point, {seconds / 60:.0f} min on this machine). A counter-scenario knocks out one "
        "mechanism; it must make the pattern's check fail.",
        "",
        "| # | pattern | rule | measured at the defaults | holds | counter (knock-out) | measured under the counter | counter fails it |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for n in PATTERNS:
        r, c = res[n], counters[n]
        lines.append(
            f"| {n} | {r.name} | {RULES[n]} | {r.measure}: {_fmt(r.effect)} | {'yes' if r.holds else 'NO'} | "
            f"`{COUNTERS[n]}: false` | {_fmt(c.effect)}{(' (' + c.reason + ')') if c.reason else ''} | "
            f"{'yes' if not c.holds else 'NO'} |"
        )
    lines += ["", "Telangana's ratio (collective clusters over comparison clusters, month 36):", "",
              "| case | ratio |", "| --- | --- |"]
    lines += [f"| {k} | {_fmt(v)} |" for k, v in telangana.items()]
    return "\n".join(lines)


def write_docs(text: str) -> None:
    path = ROOT / "docs" / "calibration.md"
    markers = Markers("<!-- BEGIN PATTERN TABLE -->", "<!-- END PATTERN TABLE -->")
    path.write_text(replace_between(path.read_text(encoding="utf-8"), markers, text, source=str(path), note=None),
                    encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--master-seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "patterns")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    ex = make_executor("local", workers=args.workers)
    try:
        study = run_pattern_study(args.out / "defaults", SCENARIO, [{}], args.seeds, args.master_seed, ex, True)
        res = study.results[0]
        cm = res[1].effect if res[1].details.get("verdict") == "threshold" else float("nan")
        high = res[1].details.get("high_cohort", float("nan"))
        counters = run_counters(args.out / "counters", SCENARIO, cm, high, args.seeds, args.master_seed, ex, True)
        telangana = telangana_range(args.out / "telangana", args.seeds, args.master_seed, ex)
    finally:
        ex.close()
    seconds = time.perf_counter() - start
    for n in PATTERNS:
        r, c = res[n], counters[n]
        print(f"{n} {r.name:30s} holds={'yes' if r.holds else 'NO '} {r.measure}: {_fmt(r.effect)} | "
              f"counter {COUNTERS[n]} off -> {'fails (good)' if not c.holds else 'STILL HOLDS'} {_fmt(c.effect)}")
    for k, v in telangana.items():
        print(f"Telangana {k}: {_fmt(v)}")
    out = {"defaults": {n: r.to_dict() for n, r in res.items()}, "counters": {n: c.to_dict() for n, c in counters.items()},
           "telangana": telangana, "seeds": args.seeds, "master_seed": args.master_seed, "seconds": seconds}
    from simulator.jsonio import write_json

    write_json(args.out / "patterns.json", out, default=lambda v: v.item() if isinstance(v, np.generic) else str(v))
    if args.write_docs:
        write_docs(markdown(study, counters, telangana, args.seeds, args.master_seed, seconds))
    ok = all(r.holds for r in res.values()) and not any(c.holds for c in counters.values())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
