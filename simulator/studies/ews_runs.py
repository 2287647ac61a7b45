"""Rerun a few runs of a tipping sweep keeping their monthly series, for early warnings.

The tipping study reruns some runs of its main sweep (same scenario, lever value and
seed, so their summaries equal the table's rows) and stores their monthly indicators as
one Parquet table; :func:`simulator.analysis.ews_tipping.analyse_ews` reads it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .. import jsonio

__all__ = ["TimeseriesTarget", "collect_timeseries"]


@dataclass(frozen=True)
class TimeseriesTarget:
    """Run the model and return its monthly table (for the few early-warning runs)."""

    scenario: Any
    steps: int | None = None

    def __call__(self, params: dict[str, Any], seed: int) -> dict[str, Any]:
        """One run's monthly indicators under ``{"timeseries": DataFrame}``."""
        from simulator.runner import run_scenario

        scenario = self.scenario.with_overrides(dict(params)) if params else self.scenario
        return {"timeseries": run_scenario(scenario, seed=seed, steps=self.steps).timeseries}


def collect_timeseries(
    out_dir: Path,
    scenario: Any,
    runs: pd.DataFrame,
    lever: str,
    steps: int | None = None,
    executor: Any = None,
) -> pd.DataFrame:
    """Rerun ``runs`` (rows of a sweep table: ``run_id``, ``seed``, the lever) with monthly output.

    The result is cached in ``out_dir/timeseries.parquet`` keyed by the scenario hash, the
    runs and the steps, so rerunning a study does not rerun them.

    Returns:
        One row per run and month: ``run_id``, ``seed``, the lever and every indicator.
    """
    from simulator.sweep.executors import RunTask, SerialExecutor

    out_dir.mkdir(parents=True, exist_ok=True)
    key = {
        "scenario_hash": scenario.content_hash(),
        "steps": steps,
        "lever": lever,
        "runs": [
            [int(r), int(s), float(v)]
            for r, s, v in zip(runs["run_id"], runs["seed"], runs[lever], strict=True)
        ],
    }
    digest = hashlib.sha256(jsonio.dumps(key, sort_keys=True).encode()).hexdigest()
    table_path, key_path = out_dir / "timeseries.parquet", out_dir / "timeseries.json"
    if table_path.is_file() and key_path.is_file():
        if json.loads(key_path.read_text()).get("digest") == digest:
            return pd.read_parquet(table_path)
    executor = executor or SerialExecutor()
    tasks = [
        RunTask(int(run_id), int(seed), {lever: value.item() if hasattr(value, "item") else value})
        for run_id, seed, value in zip(runs["run_id"], runs["seed"], runs[lever], strict=True)
    ]
    by_id = {t.run_id: t for t in tasks}
    frames = []
    for outcome in executor.run(TimeseriesTarget(scenario, steps), tasks):
        if outcome.error is not None:
            raise RuntimeError(f"early-warning run {outcome.run_id} failed:\n{outcome.error}")
        ts = outcome.outcomes["timeseries"].copy()
        task = by_id[outcome.run_id]
        ts.insert(0, lever, float(task.params[lever]))
        ts.insert(0, "seed", task.seed)
        ts.insert(0, "run_id", task.run_id)
        frames.append(ts)
    table = pd.concat(frames, ignore_index=True).sort_values(["run_id", "month"], kind="stable")
    table = table.reset_index(drop=True)
    tmp = out_dir / ".timeseries.parquet.tmp"
    table.to_parquet(tmp, index=False)
    os.replace(tmp, table_path)
    key_path.write_text(jsonio.dumps({"digest": digest, **key}))
    return table


