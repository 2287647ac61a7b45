"""Side-by-side comparison of scenarios over seeds (``clsim compare``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..figures.runs import plot_comparison
from ..runner import run_scenario
from ..scenario import Scenario

__all__ = ["compare_scenarios", "derive_seeds"]


def derive_seeds(master_seed: int, n: int) -> list[int]:
    """``n`` run seeds derived from one master seed (``SeedSequence.spawn``)."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(master_seed).spawn(n)]


def compare_scenarios(
    scenarios: Mapping[str, Scenario],
    *,
    seeds: int = 5,
    steps: int | None = None,
    out: Path,
    master_seed: int = 0,
    progress: Callable[[], None] | None = None,
) -> tuple[pd.DataFrame, dict[str, Path]]:
    """Run every scenario with the same derived seeds; write a figure and tables.

    Returns:
        The summary table (one row a run) and the written paths.
    """
    out.mkdir(parents=True, exist_ok=True)
    run_seeds = derive_seeds(master_seed, seeds)
    series: dict[str, pd.DataFrame] = {}
    rows = []
    for source, sc in scenarios.items():
        name = sc.meta.name if sc.meta.name not in series else source
        frames = []
        for seed in run_seeds:
            res = run_scenario(sc, seed=seed, steps=steps)
            frames.append(res.timeseries.assign(seed=seed, scenario=name))
            rows.append({"scenario": name, "source": source, "seed": seed, **res.summary})
            if progress:
                progress()
        series[name] = pd.concat(frames, ignore_index=True)
    table = pd.DataFrame(rows)
    paths = {
        "summary_csv": out / "summary.csv",
        "timeseries_parquet": out / "timeseries.parquet",
        "figure": out / "compare.png",
    }
    table.to_csv(paths["summary_csv"], index=False)
    pd.concat(series.values(), ignore_index=True).to_parquet(paths["timeseries_parquet"], index=False)
    plot_comparison(series, paths["figure"])
    return table, paths
