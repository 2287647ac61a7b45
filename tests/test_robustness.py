"""The robustness study: design over the plausible ranges, resumable runs, a summary that adds up."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.patterns import PATTERNS
from simulator.scenario.ranges import plausible_ranges
from simulator.studies.robustness import (
    render_markdown,
    robustness_design,
    robustness_study,
    summarise_robustness,
)
from simulator.sweep.store import read_results

TINY = Path(__file__).parent / "data" / "sweeps" / "tiny.yaml"


def test_design_covers_every_range_once_per_stratum() -> None:
    ranges = plausible_ranges()
    sets, design = robustness_design(16, master_seed=3, ranges=ranges)
    assert len(sets) == 16 and list(design.columns) == list(ranges)
    for key, r in ranges.items():
        values = design[key].to_numpy(float)
        assert (values >= r.low - 1e-12).all() and (values <= r.high + 1e-12).all(), key
        if not r.integer and r.high > r.low:
            # Latin hypercube: one value in each sixteenth of the range
            strata = np.floor((values - r.low) / (r.high - r.low) * 16).clip(0, 15)
            assert len(set(strata)) == 16, key
    again, _ = robustness_design(16, master_seed=3, ranges=ranges)
    assert again == sets


def test_summary_counts_holds_and_names_the_failure_region() -> None:
    ranges = {k: v for k, v in plausible_ranges().items() if k in ("dynamics.inertia", "dynamics.trust_gain")}
    _, design = robustness_design(20, master_seed=1, ranges=ranges)
    rows = []
    for s in range(20):
        for n in PATTERNS:
            # pattern 3 fails exactly where inertia is in the lowest part of its range
            holds = not (n == 3 and design["dynamics.inertia"][s] < 0.035)
            rows.append({"set": s, "pattern": n, "holds": holds, "effect": 5.0 + s})
    summary = summarise_robustness(design, pd.DataFrame(rows), ranges)
    p3 = summary["patterns"][3]
    assert p3["holds"] == int((design["dynamics.inertia"] >= 0.035).sum())
    top = p3["failure_region"]["parameters"][0]
    assert top["parameter"] == "dynamics.inertia" and top["direction"] == "low" and top["auc"] < 0.2
    assert summary["patterns"][1]["rate"] == 1.0 and "failure_region" not in summary["patterns"][1]
    effects = {e["parameter"]: e for e in summary["parameter_effects"]}
    assert set(effects) == set(ranges)
    text = render_markdown({**summary, "ranges": ranges, "replicates": 1, "master_seed": 1})
    assert "dynamics.inertia" in text and "| 3 |" in text


@pytest.mark.slow
def test_a_small_study_runs_and_resumes(tmp_path) -> None:
    params = ("dynamics.inertia", "population.threshold_mean")
    out = tmp_path / "rob"
    summary = robustness_study(out, TINY, samples=2, replicates=1, master_seed=5, progress=False, parameters=params)
    assert summary["n_sets"] == 2 and set(summary["patterns"]) == set(PATTERNS)
    for p in summary["patterns"].values():
        assert 0 <= p["holds"] <= p["sets"] == 2
    assert (out / "robustness.md").is_file() and (out / "analysis.json").is_file()
    before = len(read_results(out / "patterns" / "A" / "tipping"))
    again = robustness_study(out, TINY, samples=2, replicates=1, master_seed=5, progress=False, parameters=params)
    assert len(read_results(out / "patterns" / "A" / "tipping")) == before  # resumed: nothing rerun
    assert again["patterns"] == summary["patterns"]
