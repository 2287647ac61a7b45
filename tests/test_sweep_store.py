"""The results store: atomic parts, resume, provenance, mismatch and lock errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from simulator.sweep import (
    SerialExecutor,
    SweepError,
    read_manifest,
    read_results,
    run_sweep,
    sweep_from_dict,
)
from simulator.sweep.store import FORMAT_VERSION, package_version

DATA = Path(__file__).parent / "data" / "sweeps"
TOY = "simulator.sweep.toy:toy_tipping"


def toy_spec(**kw):
    base = {
        "function": TOY,
        "parameters": {"recruit.cohort_size": [0, 20, 40, 60]},
        "fixed": {"recruit.end_year": 6.0},
        "replicates": 5,
        "master_seed": 42,
    }
    base.update(kw)
    return sweep_from_dict(base)


def run(spec, out, **kw):
    return run_sweep(spec, out, executor=SerialExecutor(), progress=False, **kw)


def test_table_has_inputs_outcomes_seeds_and_provenance(tmp_path):
    spec = toy_spec()
    table = run(spec, tmp_path / "r", flush_every=3).table()
    assert len(table) == 20 and table["run_id"].tolist() == list(range(20))
    for col in [
        "run_id",
        "point_id",
        "replicate",
        "seed",
        "recruit.cohort_size",
        "recruit.end_year",
        "final_learning",
        "learning_gain",
        "package_version",
        "scenario_hash",
        "spec_hash",
        "format_version",
    ]:
        assert col in table, col
    assert (table["spec_hash"] == spec.content_hash()).all()
    assert (table["format_version"] == FORMAT_VERSION).all()
    assert (table["package_version"] == package_version()).all()
    assert table["seed"].tolist() == spec.run_table()["seed"].tolist()
    # Parts were written as runs finished, every part whole; nothing temporary left.
    parts = sorted((tmp_path / "r").glob("part-*.parquet"))
    assert len(parts) == 7
    assert all(pq.read_table(p).num_rows <= 3 for p in parts)
    assert not list((tmp_path / "r").glob(".tmp-*"))
    assert not (tmp_path / "r" / "_lock").exists()
    # The directory is an ordinary Parquet dataset.
    assert len(pd.read_parquet(tmp_path / "r")) == 20


def test_resume_skips_finished_runs_and_matches_uninterrupted(tmp_path):
    spec = toy_spec()
    whole = run(spec, tmp_path / "whole").table()
    first = run(spec, tmp_path / "staged", max_runs=7, flush_every=2)
    assert first.n_executed == 7
    second = run(spec, tmp_path / "staged", flush_every=2)
    assert second.n_skipped == 7 and second.n_executed == 13
    third = run(spec, tmp_path / "staged")
    assert third.n_executed == 0
    staged = read_results(tmp_path / "staged")
    assert staged["run_id"].is_unique
    pd.testing.assert_frame_equal(whole, staged)
    sessions = read_manifest(tmp_path / "staged")["sessions"]
    assert [s["todo"] for s in sessions] == [7, 13, 0]


def test_resume_with_a_different_spec_is_a_clear_error(tmp_path):
    run(toy_spec(), tmp_path / "r")
    with pytest.raises(SweepError) as err:
        run(toy_spec(replicates=6), tmp_path / "r")
    text = str(err.value)
    assert "replicates: 5 -> 6" in text and "--overwrite" in text
    # --overwrite starts again.
    assert run(toy_spec(replicates=6), tmp_path / "r", overwrite=True).n_executed == 24


def test_resume_with_changed_scenario_is_a_clear_error(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"extends: {(DATA / 'tiny.yaml').resolve()}\nmeta: {{steps: 6}}\n")
    spec = sweep_from_dict(
        {"scenario": str(scenario), "parameters": {"recruit.cohort_size": [0, 6]}, "master_seed": 1}
    )
    run(spec, tmp_path / "r")
    scenario.write_text(f"extends: {(DATA / 'tiny.yaml').resolve()}\nmeta: {{steps: 7}}\n")
    with pytest.raises(SweepError, match="scenario file changed"):
        run(spec, tmp_path / "r")


def test_live_lock_refuses_and_stale_lock_is_taken_over(tmp_path):
    out = tmp_path / "r"
    run(toy_spec(), out, max_runs=3)
    (out / "_lock").write_text(json.dumps({"host": os.uname().nodename, "pid": os.getppid()}))
    with pytest.raises(SweepError, match="live sweep"):
        run(toy_spec(), out)
    (out / "_lock").write_text(json.dumps({"host": os.uname().nodename, "pid": 2**22 + 12345}))
    (out / ".tmp-stale.parquet").write_bytes(b"half a file")
    assert run(toy_spec(), out).n_executed == 17
    assert not list(out.glob(".tmp-*"))


def test_refuses_a_foreign_directory(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="without _sweep.json"):
        run(toy_spec(), tmp_path)


def test_failing_run_saves_finished_work_and_names_the_run(tmp_path):
    spec = sweep_from_dict(
        {
            "function": "simulator.sweep.toy:ishigami",
            "design": "points",
            "points": [{"x1": 0.1, "x2": 0.2, "x3": 0.3}, {"x1": "oops", "x2": 0.2, "x3": 0.3}],
            "master_seed": 1,
        }
    )
    with pytest.raises(SweepError) as err:
        run(spec, tmp_path / "r")
    assert "run 1" in str(err.value) and "oops" in str(err.value)
    assert read_results(tmp_path / "r")["run_id"].tolist() == [0]


def test_missing_outcome_is_a_clear_error(tmp_path):
    with pytest.raises(SweepError, match="not_an_outcome"):
        run(toy_spec(outcomes=["final_learning", "not_an_outcome"]), tmp_path / "r")


def test_kept_outcomes_only(tmp_path):
    table = run(toy_spec(outcomes=["final_learning"]), tmp_path / "r").table()
    assert "final_learning" in table and "peak_learning" not in table


def test_scenario_sweep_on_the_model(tmp_path):
    from simulator.sweep import load_sweep

    spec = load_sweep(DATA / "tiny_cohort.yaml")
    table = run(spec, tmp_path / "r").table()
    assert len(table) == 9
    assert table["scenario_hash"].nunique() == 1 and len(table["scenario_hash"].iloc[0]) == 64
    assert (table["recruit.end_year"] == 2.0).all()
    means = table.groupby("recruit.cohort_size")["final_learning"].mean()
    assert means.loc[0] < means.loc[12]
