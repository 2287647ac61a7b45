"""Write one run's results folder: tables, summary with full provenance, scenario and figure."""

from __future__ import annotations

from pathlib import Path

from simulator.figures.runs import plot_run
from simulator.runner import RunResult
from simulator.scenario import Scenario

from ..jsonio import write_json

__all__ = ["write_run"]


def write_run(result: RunResult, out: Path, scenario: Scenario) -> dict[str, Path]:
    """Write a run's tables, summary, scenario and figure into ``out``; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "timeseries_parquet": out / "timeseries.parquet",
        "timeseries_csv": out / "timeseries.csv",
        "schools_parquet": out / "schools.parquet",
        "summary": out / "summary.json",
        "scenario": out / "scenario.json",
        "figure": out / "run.png",
    }
    result.timeseries.to_parquet(paths["timeseries_parquet"], index=False)
    result.timeseries.to_csv(paths["timeseries_csv"], index=False)
    result.schools.to_parquet(paths["schools_parquet"], index=False)
    from simulator.provenance import provenance

    full = provenance(scenario=scenario, seeds=[result.provenance.get("seed", 0)])
    summary = {"summary": result.summary, "provenance": {**full, **result.provenance}}
    write_json(paths["summary"], summary)
    write_json(paths["scenario"], scenario.to_dict())
    plot_run(result.timeseries, paths["figure"], title=scenario.meta.name)
    return paths
