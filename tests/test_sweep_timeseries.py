"""Sweeps that keep monthly series: a second dataset keyed by run id, resumed like the first."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from simulator.runner import run_scenario
from simulator.scenario import load_scenario
from simulator.sweep import (
    SerialExecutor,
    read_results,
    read_timeseries,
    run_sweep,
    sweep_from_dict,
)
from simulator.sweep.errors import SweepError

TINY = Path(__file__).parent / "data" / "sweeps" / "tiny.yaml"


def _spec(**extra):
    data = {
        "name": "ts",
        "scenario": str(TINY),
        "parameters": {"recruit.cohort_size": [0, 6]},
        "replicates": 2,
        "master_seed": 11,
        "timeseries": {"outcomes": ["learning_mean", "engaged_share"], "every": 6},
        **extra,
    }
    return sweep_from_dict(data)


def test_series_are_kept_and_match_single_runs(tmp_path):
    run_sweep(_spec(), tmp_path / "a", executor=SerialExecutor(), progress=False)
    table = read_results(tmp_path / "a")
    series = read_timeseries(tmp_path / "a")
    assert sorted(series["run_id"].unique()) == sorted(table["run_id"])
    months = sorted(series["month"].unique())
    assert months == [0, 6, 12, 18, 24, 30, 36]  # every 6 months (month 0 to 36)
    row = table.iloc[1]
    single = run_scenario(
        load_scenario(TINY).with_overrides({"recruit.cohort_size": int(row["recruit.cohort_size"])}),
        seed=int(row["seed"]),
    ).timeseries.set_index("month")
    mine = series[series["run_id"] == row["run_id"]].set_index("month")
    pd.testing.assert_series_equal(
        mine["learning_mean"], single.loc[mine.index, "learning_mean"], check_names=False
    )
    # the summary in the main table is the same run's
    assert row["final_learning"] == pytest.approx(single["learning_mean"].tail(12).mean())


def test_resume_gives_the_same_series_and_orphans_are_dropped(tmp_path):
    whole = tmp_path / "whole"
    run_sweep(_spec(), whole, executor=SerialExecutor(), progress=False)
    staged = tmp_path / "staged"
    run_sweep(_spec(), staged, executor=SerialExecutor(), progress=False, max_runs=1, flush_every=1)
    # a crash between the two writes: a series part whose main part never landed
    orphan = read_timeseries(whole)
    orphan = orphan[orphan["run_id"] == 3].assign(learning_mean=-1.0)
    (staged / "_timeseries").mkdir(exist_ok=True)
    orphan.to_parquet(staged / "_timeseries" / "part-0000000003-deadbeef.parquet", index=False)
    assert 3 not in set(read_timeseries(staged)["run_id"])  # not in the main table: dropped
    run_sweep(_spec(), staged, executor=SerialExecutor(), progress=False, flush_every=1)
    pd.testing.assert_frame_equal(read_timeseries(staged), read_timeseries(whole))
    pd.testing.assert_frame_equal(
        read_results(staged).drop(columns=[]), read_results(whole).drop(columns=[])
    )


def test_spec_without_series_keeps_its_hash_and_bad_names_fail_early(tmp_path):
    plain = sweep_from_dict(
        {"scenario": str(TINY), "parameters": {"recruit.cohort_size": [0]}, "master_seed": 1}
    )
    assert "timeseries" not in plain.canonical()
    assert _spec().content_hash() != _spec(timeseries=None).content_hash()
    bad = _spec(timeseries={"outcomes": ["learning_means"]})
    with pytest.raises(SweepError, match="learning_means"):
        run_sweep(bad, tmp_path / "bad", executor=SerialExecutor(), progress=False)
    with pytest.raises(SweepError, match="kept time series"):
        run_sweep(plain, tmp_path / "plain", executor=SerialExecutor(), progress=False)
        read_timeseries(tmp_path / "plain")
