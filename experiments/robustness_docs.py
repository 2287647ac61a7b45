"""Write a finished robustness study's report into ``docs/calibration.md`` with today's defaults.

``clsim robustness ... --docs FILE`` writes the report when the study ends. A study of 256
sets takes hours, so the one quoted in the docs was run (and resumed) on the code of
commit 6f7b01d, whose dynamics and plausible ranges are those of today's model; only two
defaults moved since (``dynamics.practice_trust_needed`` 0.45 -> 0.5 and
``dynamics.persuasion_ceiling`` 0.6 -> 0.5, both inside the ranges the study samples
uniformly, so no run changes). This script re-renders the stored ``analysis.json`` with
today's defaults and reasons (:func:`simulator.scenario.ranges.plausible_ranges`) and
writes it between the docs' robustness markers.

Run: ``python experiments/robustness_docs.py RESULTS_DIR [--command "..."]``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from simulator.cli.robustness_cmd import write_docs_block
from simulator.scenario.ranges import plausible_ranges
from simulator.studies.robustness import render_markdown

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path)
    parser.add_argument("--command", default="clsim robustness scenarios/comprehensive.yaml --samples 256 --replicates 3")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "calibration.md")
    args = parser.parse_args()
    summary = json.loads((args.results / "analysis.json").read_text(encoding="utf-8"))
    ranges = plausible_ranges()
    for effect in summary["parameter_effects"]:
        r = ranges[effect["parameter"]]
        effect["default"], effect["reason"] = r.default, r.reason
    write_docs_block(args.docs, render_markdown(summary), args.command)
    print(f"wrote the robustness report of {args.results} into {args.docs}")


if __name__ == "__main__":
    main()
