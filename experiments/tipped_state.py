"""The tipped state of ``scenarios/comprehensive.yaml`` at year 15: held by ongoing dynamics, not pinned.

Runs the comprehensive programme (40 fellows a year) over many seeds and reports the
distribution of what would be pinned in an absorbing model: the engaged share of local
teachers and principals, the engaged share of teachers, the spread of school learning,
learning itself and the share of clusters with a collective, in the last year of the run.

Run: ``python experiments/tipped_state.py [--seeds 20] [--write-docs]``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from simulator.analysis.patterns import transformed
from simulator.docs_gen import Markers, replace_between
from simulator.studies.patterns import run_designs
from simulator.sweep.executors import make_executor

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES = {
    "final_engaged_teacher_share": "engaged share of teachers",
    "final_educators_engaged": "engaged share of local teachers and principals",
    "final_learning_school_sd": "sd of school mean learning",
    "final_learning": "mean learning",
    "final_collectives_share": "clusters with a collective",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--master-seed", type=int, default=1515)
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "tipped_state")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    ex = make_executor("local", workers=2)
    try:
        t = run_designs(args.out, ROOT / "scenarios" / "comprehensive.yaml", {"runs": [{"meta.steps": 180}]},
                        [{}], args.seeds, args.master_seed, ex, False)["runs"]
    finally:
        ex.close()
    y = transformed(t)
    lines = [
        f"Measured by `python experiments/tipped_state.py --seeds {args.seeds} --write-docs` (master seed "
        f"{args.master_seed}; {(time.perf_counter() - start) / 60:.0f} min): `scenarios/comprehensive.yaml`, "
        f"last 12 months of 15 years; {int(y.sum())} of {len(t)} runs transformed.",
        "",
        "| quantity | min | 10% | median | 90% | max |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, label in OUTCOMES.items():
        v = t[key].to_numpy(float)
        q = np.quantile(v, [0.0, 0.1, 0.5, 0.9, 1.0])
        lines.append(f"| {label} | " + " | ".join(f"{x:.3f}" for x in q) + " |")
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        path = ROOT / "docs" / "calibration.md"
        markers = Markers("<!-- BEGIN TIPPED STATE -->", "<!-- END TIPPED STATE -->")
        path.write_text(replace_between(path.read_text(encoding="utf-8"), markers, text, source=str(path), note=None),
                        encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
