"""Posterior studies: draws, censoring, the critical mass over draws, paired comparisons."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from simulator.analysis.tipping import Regime as _Regime
from simulator.analysis.tipping import estimate_tipping
from simulator.calibration.dimensions import dimension_of
from simulator.studies.common import load_study_scenario
from simulator.studies.posterior import (
    _censoring,
    draw_parameters,
    posterior_compare_study,
    posterior_tipping_study,
)

#: These synthetic tables are built around the absolute cut final learning >= 0.55.
SYNTHETIC = _Regime(outcome="final_learning", threshold=0.55)

ROOT = Path(__file__).resolve().parents[1]
TINY = {
    "system": {"clusters_per_district": 2, "schools_per_cluster": 4, "teachers_per_school": 3,
               "parents_per_school": 1, "officials_per_district": 1},
    "recruit": {"placement_clusters": 1},
    "meta": {"steps": 48},
}


def _scenario(tmp_path: Path, parent: str, name: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"extends": str(ROOT / "scenarios" / parent), **TINY}))
    return path


def _posterior(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 30
    table = pd.DataFrame({
        "particle": range(n),
        "weight": rng.random(n),
        "distance": rng.random(n),
        "dynamics.inertia": rng.uniform(0.02, 0.06, n),
        "dynamics.trust_gain": rng.uniform(0.03, 0.09, n),
        "telangana/population.baseline_learning": rng.uniform(0.3, 0.45, n),
    })
    table["weight"] /= table["weight"].sum()
    path = tmp_path / "posterior.parquet"
    table.to_parquet(path, index=False)
    return path


def test_censoring_sides():
    x = np.repeat([0, 5, 10, 15, 20], 4).astype(float)
    never = pd.DataFrame({"lever": x, "final_learning": 0.4})
    always = pd.DataFrame({"lever": x, "final_learning": 0.7})
    assert _censoring(estimate_tipping(never, "lever", n_boot=200, regime=SYNTHETIC)) == "above"
    assert _censoring(estimate_tipping(always, "lever", n_boot=200, regime=SYNTHETIC)) == "below"
    step = pd.DataFrame({"lever": x, "final_learning": np.where(x >= 10, 0.7, 0.4)})
    assert _censoring(estimate_tipping(step, "lever", n_boot=200, regime=SYNTHETIC)) == ""


def test_draws_are_reproducible_fixed_first_and_nuisance_left_out(tmp_path):
    post = _posterior(tmp_path)
    scen = load_study_scenario(ROOT / "scenarios" / "comprehensive.yaml")
    a, applied, skipped = draw_parameters(post, 12, 5, scen)
    b, _, _ = draw_parameters(post, 12, 5, scen)
    c, _, _ = draw_parameters(post, 12, 6, scen)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert applied == ["dynamics.inertia", "dynamics.trust_gain"]
    assert skipped == ["telangana/population.baseline_learning"]
    assert a.iloc[0]["draw"] == -1 and a.iloc[0]["dynamics.inertia"] == scen.dynamics.inertia
    assert len(a) == 13


def test_integer_parameters_are_applied_as_whole_numbers(tmp_path):
    """ABC moves tie counts continuously; a draw applies them rounded, as the calibration did."""
    rng = np.random.default_rng(1)
    n = 10
    table = pd.DataFrame({
        "particle": range(n), "weight": np.full(n, 1 / n), "distance": rng.random(n),
        "network.alumni_ties_per_fellow": rng.uniform(2, 8, n),
        "dynamics.inertia": rng.uniform(0.02, 0.06, n),
    })
    path = tmp_path / "posterior.parquet"
    table.to_parquet(path, index=False)
    scen = load_study_scenario(ROOT / "scenarios" / "comprehensive.yaml")
    draws, applied, _ = draw_parameters(path, 6, 2, scen)
    ties = draws["network.alumni_ties_per_fellow"]
    assert all(float(v).is_integer() for v in ties)
    merged = draws[draws["draw"] >= 0].merge(table, on="particle", suffixes=("", "_raw"))
    assert (merged["network.alumni_ties_per_fellow"] == merged["network.alumni_ties_per_fellow_raw"].round()).all()
    assert not all(float(v).is_integer() for v in draws["dynamics.inertia"].iloc[1:])
    # and a scenario accepts every draw (the sweep validates them against the schema)
    for _, row in draws.iterrows():
        scen.with_overrides({k: (int(row[k]) if k.startswith("network.") else float(row[k])) for k in applied})


def test_dimensions_of_parameters():
    assert dimension_of("recruit.cohort_size") == "scale"
    assert dimension_of("population.reach_alumni_policy") == "reach"
    assert dimension_of("dynamics.commitment_level") == "orientation"
    assert dimension_of("population.rootedness_local") == "representation"
    assert dimension_of("dynamics.trust_gain") == "network"
    assert dimension_of("population.capacity_local") == "strength"
    assert dimension_of("dynamics.learning_lag_months") == "system"


def test_posterior_tipping_small_end_to_end_and_resumes(tmp_path):
    scen = _scenario(tmp_path, "comprehensive.yaml", "tiny")
    post = _posterior(tmp_path)
    out = tmp_path / "pt"
    kwargs = {"values": [0, 4, 8, 12, 16], "draws": 4, "seeds": 2, "master_seed": 3, "n_boot": 100, "progress": False}
    data = posterior_tipping_study(out, scen, post, **kwargs)
    assert data["kind"] == "posterior_tipping"
    assert len(data["draws"]) == 5 and data["draws"][0]["draw"] == -1
    assert set(data["variance_split"]) >= {"parameter_share", "noise_share", "n"}
    assert {r["parameter"] for r in data["sensitivity"]} == {"dynamics.inertia", "dynamics.trust_gain"}
    assert (out / "figures" / "critical_mass.png").is_file() and (out / "draws.csv").is_file()
    manifest = json.loads((out / "sweep" / "_sweep.json").read_text())
    assert manifest["n_runs"] == 5 * 5 * 2
    again = posterior_tipping_study(out, scen, post, **kwargs)
    assert again["critical_mass"] == data["critical_mass"] and again["draws"] == data["draws"]


def test_posterior_compare_pairs_seeds(tmp_path):
    a = _scenario(tmp_path, "recruit.yaml", "a")
    b = _scenario(tmp_path, "comprehensive.yaml", "b")
    out = tmp_path / "pc"
    data = posterior_compare_study(out, [a, b], _posterior(tmp_path), draws=3, seeds=2, master_seed=4, progress=False)
    runs = pd.read_csv(out / "runs.csv")
    seeds = runs.pivot_table(index=["draw", "replicate"], columns="index", values="seed")
    assert (seeds[0] == seeds[1]).all()
    d = data["differences"][0]
    assert d["scenario"] == "comprehensive" and d["versus"] == "recruit"
    assert d["low"] <= d["median"] <= d["high"]
    with pytest.raises(ValueError, match="at least two"):
        posterior_compare_study(out, [a], _posterior(tmp_path), progress=False)


def test_tipping_and_compare_posterior_cli(tmp_path):
    import subprocess
    import sys

    scen = _scenario(tmp_path, "comprehensive.yaml", "tiny")
    post = _posterior(tmp_path)

    def clsim(*args):
        return subprocess.run([sys.executable, "-m", "simulator", *args], capture_output=True, text=True,
                              cwd=ROOT, timeout=600)

    r = clsim("tipping", str(scen), "--posterior", str(post), "--values", "0,6,12", "--draws", "2",
              "--draw-seeds", "2", "-e", "serial", "-q", "-o", str(tmp_path / "t"))
    assert r.returncode == 0, r.stderr
    assert "posterior median" in r.stdout and "fixed parameters" in r.stdout
    assert (tmp_path / "t" / "report.html").is_file()
    bad = clsim("tipping", str(scen), "--posterior", str(tmp_path / "none.parquet"), "-q")
    assert bad.returncode == 2 and "no posterior" in bad.stderr and "Traceback" not in bad.stderr
    bad = clsim("compare", str(scen), str(scen), "--posterior", str(tmp_path / "none.parquet"))
    assert bad.returncode == 2 and "no posterior" in bad.stderr and "Traceback" not in bad.stderr
