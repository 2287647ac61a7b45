"""Sensitivity analysis: SALib's Ishigami reference values, then a small run on the model."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from simulator.analysis.sensitivity import analyse_sensitivity, point_outcomes
from simulator.sweep import SerialExecutor, run_sweep, sweep_from_dict
from simulator.sweep.toy import ISHIGAMI_S1, ISHIGAMI_ST

DATA = Path(__file__).parent / "data" / "sweeps"
BOUNDS = {k: {"low": -math.pi, "high": math.pi} for k in ("x1", "x2", "x3")}


def ishigami_spec(design: str, samples: int, seed: int = 1):
    return sweep_from_dict(
        {
            "function": "simulator.sweep.toy:ishigami",
            "design": design,
            "samples": samples,
            "parameters": BOUNDS,
            "master_seed": seed,
        }
    )


def test_ishigami_sobol_indices_match_published_values(tmp_path):
    """S1 ~ (0.314, 0.442, 0.0), ST ~ (0.558, 0.442, 0.244) (Saltelli et al. 2008; SALib)."""
    spec = ishigami_spec("saltelli", 2048)
    run = run_sweep(
        spec, tmp_path / "ishigami", executor=SerialExecutor(), progress=False, flush_every=5000
    )
    result = analyse_sensitivity(spec, run.table(), ["y"], seed=1)
    frame = result.frame("y")
    print(frame)
    np.testing.assert_allclose(frame["S1"], ISHIGAMI_S1, atol=0.04)
    np.testing.assert_allclose(frame["ST"], ISHIGAMI_ST, atol=0.04)
    # The bootstrap intervals are honest: each contains the analytic value.
    for name, s1, st in zip(frame.index, ISHIGAMI_S1, ISHIGAMI_ST, strict=True):
        row = frame.loc[name]
        assert abs(row["S1"] - s1) <= 1.5 * row["S1_conf"] + 0.01, name
        assert abs(row["ST"] - st) <= 1.5 * row["ST_conf"] + 0.01, name


def test_ishigami_morris_ranking(tmp_path):
    spec = ishigami_spec("morris", 40)
    run = run_sweep(
        spec, tmp_path / "morris", executor=SerialExecutor(), progress=False, flush_every=5000
    )
    frame = analyse_sensitivity(spec, run.table(), ["y"], seed=1).frame("y")
    print(frame)
    # x2 acts through sin^2 (signed effects cancel: |mu| << mu_star); x3 acts only through its
    # interaction with x1 (its effects vary a lot: sigma > mu_star), and matters least.
    assert abs(frame.loc["x2", "mu"]) < 0.2 * frame.loc["x2", "mu_star"]
    assert frame.loc["x3", "sigma"] > frame.loc["x3", "mu_star"] > 0
    assert frame["mu_star"].idxmin() == "x3"


def test_unfinished_sweep_is_refused(tmp_path):
    spec = ishigami_spec("saltelli", 8)
    run = run_sweep(spec, tmp_path / "part", executor=SerialExecutor(), progress=False, max_runs=10)
    with pytest.raises(ValueError, match="unfinished"):
        point_outcomes(run.table(), spec.n_points, "y")


def test_grid_sweep_is_refused():
    spec = sweep_from_dict(
        {
            "function": "simulator.sweep.toy:ishigami",
            "parameters": {"x1": [0.0]},
            "fixed": {"x2": 0.0, "x3": 0.0},
            "master_seed": 1,
        }
    )
    with pytest.raises(ValueError, match="morris"):
        analyse_sensitivity(spec, None, ["y"])


@pytest.mark.slow
def test_small_sensitivity_run_on_the_model(tmp_path):
    from simulator.studies import sensitivity_study

    data = sensitivity_study(
        tmp_path / "sens",
        {"recruit.cohort_size": (0, 12), "dynamics.engage_probability": (0.1, 0.5)},
        scenario=DATA / "tiny.yaml",
        method="morris",
        samples=3,
        seeds=1,
        outcomes=("final_learning", "final_critical_mass_index", "transformed"),
        executor=SerialExecutor(),
        progress=False,
    )
    sens = data["sensitivity"]
    assert set(sens["indices"]) == {"final_learning", "final_critical_mass_index", "transformed"}
    records = {r["parameter"]: r for r in sens["indices"]["final_learning"]}
    assert set(records) == {"recruit.cohort_size", "dynamics.engage_probability"}
    assert all(np.isfinite(r["mu_star"]) for r in records.values())
    assert records["recruit.cohort_size"]["mu_star"] > 0  # more fellows, different learning
    assert data["options"]["runs"] == 3 * 3
    assert (tmp_path / "sens" / "figures" / "sensitivity.png").stat().st_size > 1000
