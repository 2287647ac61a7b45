"""Which mechanisms does the tipping point need, and how far does each move the critical mass?

Runs the cohort sweep of ``scenarios/comprehensive.yaml`` at the defaults and with each
mechanism knocked out in turn (``mechanisms.<name>: false``: a scenario key, no code
edit), estimates the critical mass with the tipping estimator
(:func:`simulator.analysis.patterns.check_tipping`, transformed = learning gain >= 0.10)
and prints, for each knock-out, whether a threshold remains, the critical mass with its
95% interval and its ratio to the default's. The same sweep also measures how the
critical mass moves with ``dynamics.commitment_level`` at -20% and +20%.

Run: ``python experiments/mechanisms.py [--seeds 8] [--write-docs]`` (``--write-docs``
regenerates the table in ``docs/calibration.md``).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from simulator.analysis.patterns import check_tipping
from simulator.docs_gen import Markers, replace_between
from simulator.scenario import load_scenario
from simulator.scenario.schema import Mechanisms
from simulator.studies.patterns import LEVER, run_designs
from simulator.sweep.executors import make_executor

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "comprehensive.yaml"
GRID = (0, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 32, 48, 64)


def variants() -> dict[str, dict]:
    base = load_scenario(SCENARIO).dynamics.commitment_level
    out = {"defaults": {}}
    for name in Mechanisms.model_fields:
        out[f"{name} off"] = {f"mechanisms.{name}": False}
    out["commitment_level -20%"] = {"dynamics.commitment_level": round(base * 0.8, 4)}
    out["commitment_level +20%"] = {"dynamics.commitment_level": round(min(1.0, base * 1.2), 4)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=8)
    parser.add_argument("--master-seed", type=int, default=4242)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "mechanisms")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    ex = make_executor("local", workers=args.workers)
    rows = []
    try:
        for label, overrides in variants().items():
            tables = run_designs(args.out / label.replace(" ", "_").replace("%", "pct"), SCENARIO,
                                 {"tipping": [{LEVER: c} for c in GRID]}, [overrides], args.seeds,
                                 args.master_seed, ex, False)
            r, res = check_tipping(tables["tipping"], LEVER, n_boot=400)
            rows.append((label, r, res))
            print(f"{label:32s} {r.details['verdict']:13s} CM {r.effect:6.2f} [{res.ci_low:.2f}, {res.ci_high:.2f}]", flush=True)
    finally:
        ex.close()
    base = rows[0][1].effect
    lines = [
        f"Measured by `python experiments/mechanisms.py --seeds {args.seeds} --write-docs` (master seed "
        f"{args.master_seed}; cohorts {', '.join(map(str, GRID))}; {args.seeds} seeds each; "
        f"{(time.perf_counter() - start) / 60:.0f} min). Critical mass in fellows a year, 95% interval.",
        "",
        "| variant | threshold? | critical mass | 95% interval | ratio to the defaults |",
        "| --- | --- | --- | --- | --- |",
    ]
    for label, r, res in rows:
        ratio = r.effect / base if math.isfinite(r.effect) and base else float("nan")
        lines.append(
            f"| {label} | {r.details['verdict']} | {r.effect:.1f} | {res.ci_low:.1f}-{res.ci_high:.1f} | {ratio:.2f} |"
        )
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        path = ROOT / "docs" / "calibration.md"
        markers = Markers("<!-- BEGIN MECHANISMS TABLE -->", "<!-- END MECHANISMS TABLE -->")
        path.write_text(replace_between(path.read_text(encoding="utf-8"), markers, text, source=str(path), note=None),
                        encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
