"""Side-by-side comparison of scenarios over seeds (``clsim compare``).

Every scenario runs with the same derived seeds (paired runs). The comparison writes
into its results folder:

* ``summary.csv``: one row a run (scenario, seed, every summary outcome, and the
  outcomes of the programme areas and of the rest, ``final_learning@programme`` and
  ``final_learning@rest``);
* ``timeseries.parquet``: every run, every month;
* ``compare.png`` (medians and 10-90% bands over the years) and ``transformed.png``
  (P(transformed) with Wilson intervals and "k of n runs tipped");
* ``analysis.json`` (``kind: compare``): P(transformed) with its Wilson 95% interval
  and k of n per scenario, over the whole system and in the programme areas; medians and
  10-90% ranges of the final outcomes; and the full provenance (code, environment,
  command line, every scenario's hash and the seeds). ``clsim report`` renders it.

**Programme areas** are the clusters that received fellows in that run (the placement
area, which can differ between seeds when it is drawn at random), or, in a scenario
without fellows, the clusters its teacher collectives cover; the rest are the other
clusters. A scenario with neither has no programme area.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.tipping import Regime, wilson_interval
from ..figures.runs import plot_comparison
from ..figures.studies import save, transformed_figure
from ..model import EducationModel
from ..runner import run_scenario
from ..scenario import Scenario
from .common import write_analysis

__all__ = ["compare_scenarios", "derive_seeds", "programme_clusters", "group_outcomes"]

#: Summary outcomes also measured over the programme areas and the rest.
GROUP_OUTCOMES = ("final_learning",)


def derive_seeds(master_seed: int, n: int) -> list[int]:
    """``n`` run seeds derived from one master seed (``SeedSequence.spawn``)."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(master_seed).spawn(n)]


def programme_clusters(model: EducationModel) -> np.ndarray:
    """Boolean per cluster: in the programme areas of this run (see the module notes)."""
    lay = model.layout
    mask = np.zeros(lay.n_clusters, dtype=bool)
    if lay.fellows.size:
        mask[np.unique(lay.fellow_school // lay.schools_per_cluster)] = True
        return mask
    col = model.config.convene.collectives
    if col.mode != "none" and col.meetings_per_year > 0:
        from ..strategies.convene import collective_clusters

        return collective_clusters(model.config.convene, mask)
    return mask


def group_outcomes(schools: pd.DataFrame, in_programme: np.ndarray, window: int = 12) -> dict[str, float]:
    """Final learning (mean of the last ``window`` months) and learning gain, programme areas and the rest."""
    last = schools["month"].max()
    tail = schools[schools["month"] > last - window]
    start = schools[schools["month"] == schools["month"].min()]
    flag = in_programme[tail["cluster"].to_numpy()]
    flag0 = in_programme[start["cluster"].to_numpy()]
    out = {}
    for name, part, first in (("programme", tail[flag], start[flag0]), ("rest", tail[~flag], start[~flag0])):
        final = float(part["learning"].mean()) if len(part) else float("nan")
        out[f"final_learning@{name}"] = final
        out[f"learning_gain@{name}"] = final - float(first["learning"].mean()) if len(first) else float("nan")
    return out


def _run_with_layout(sc: Scenario, seed: int, steps: int | None) -> tuple[Any, np.ndarray]:
    """One run, and the programme clusters of its layout (read from the model itself)."""
    seen: list[np.ndarray] = []

    class _Recorder(EducationModel):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            seen.append(programme_clusters(self))

    result = run_scenario(sc, seed=seed, steps=steps, model_cls=_Recorder)
    return result, seen[0]


def _share(k: int, n: int) -> dict[str, Any]:
    lo, hi = wilson_interval(k, n)
    return {"k": int(k), "n": int(n), "p": k / n if n else float("nan"), "p_low": float(lo), "p_high": float(hi)}


def compare_scenarios(
    scenarios: Mapping[str, Scenario],
    *,
    seeds: int = 5,
    steps: int | None = None,
    out: Path,
    master_seed: int = 0,
    regime: Regime | None = None,
    progress: Callable[[], None] | None = None,
) -> tuple[pd.DataFrame, dict[str, Path]]:
    """Run every scenario with the same derived seeds; write figures, tables and analysis.

    Args:
        scenarios: source (file name) -> scenario.
        seeds: runs per scenario.
        steps: months per run (default: each scenario's).
        out: the results folder.
        master_seed: the run seeds derive from it.
        regime: what counts as transformed (default ``learning_gain >= 0.10``); it is
            applied to the whole system and, for ``final_learning``, to the programme areas.
        progress: called after every run.

    Returns:
        The summary table (one row a run) and the written paths.
    """
    from simulator.provenance import provenance

    regime = regime or Regime()
    if regime.threshold is None:
        raise ValueError("compare needs an absolute regime (a threshold), not a relative one")
    out.mkdir(parents=True, exist_ok=True)
    run_seeds = derive_seeds(master_seed, seeds)
    series: dict[str, pd.DataFrame] = {}
    rows = []
    sources: list[dict[str, Any]] = []
    for source, sc in scenarios.items():
        name = sc.meta.name if sc.meta.name not in series else source
        sources.append({"scenario": name, "source": source, "scenario_hash": sc.content_hash()})
        frames = []
        for seed in run_seeds:
            res, in_programme = _run_with_layout(sc, seed, steps)
            frames.append(res.timeseries.assign(seed=seed, scenario=name))
            groups = group_outcomes(res.schools, in_programme)
            rows.append(
                {
                    "scenario": name,
                    "source": source,
                    "seed": seed,
                    **res.summary,
                    **groups,
                    "programme_clusters": int(in_programme.sum()),
                }
            )
            if progress:
                progress()
        series[name] = pd.concat(frames, ignore_index=True)
    table = pd.DataFrame(rows)
    analysis = summarise_comparison(table, regime)
    analysis["provenance"] = provenance(
        seeds=run_seeds,
        master_seed=master_seed,
        extra={"scenarios": sources, "steps": steps},
    )
    analysis["options"] = {"seeds": seeds, "master_seed": master_seed, "steps": steps, "regime": regime.to_dict()}
    paths = {
        "summary_csv": out / "summary.csv",
        "timeseries_parquet": out / "timeseries.parquet",
        "figure": out / "compare.png",
        "transformed_figure": out / "transformed.png",
        "analysis": out / "analysis.json",
    }
    table.to_csv(paths["summary_csv"], index=False)
    pd.concat(series.values(), ignore_index=True).to_parquet(paths["timeseries_parquet"], index=False)
    plot_comparison(series, paths["figure"])
    save(transformed_figure(analysis["transformed"], analysis["regime_text"]), paths["transformed_figure"])
    write_analysis(out, analysis)
    return table, paths


def summarise_comparison(table: pd.DataFrame, regime: Regime) -> dict[str, Any]:
    """P(transformed), k of n and outcome ranges per scenario, from a compare table."""
    outcome = regime.outcome
    cut = float(regime.threshold)  # type: ignore[arg-type]
    above = regime.direction == "above"
    transformed, programme, outcomes = [], [], []
    shown = [
        c
        for c in (
            "final_learning",
            "final_learning@programme",
            "final_learning@rest",
            "final_engaged_teacher_share",
            "final_trust",
            "peak_learning",
        )
        if c in table
    ]
    for name, grp in table.groupby("scenario", sort=False):
        values = grp[outcome].to_numpy(float)
        hit = values >= cut if above else values <= cut
        transformed.append({"scenario": str(name), **_share(int(hit.sum()), len(values))})
        group_col = f"{outcome}@programme"
        if group_col in grp and grp["programme_clusters"].gt(0).any():
            g = grp[group_col].to_numpy(float)
            g_hit = (g >= cut if above else g <= cut) & np.isfinite(g)
            programme.append({"scenario": str(name), **_share(int(g_hit.sum()), len(g))})
        row: dict[str, Any] = {"scenario": str(name)}
        for col in shown:
            q = grp[col].quantile([0.5, 0.1, 0.9]).to_numpy(float)
            row[col] = {"median": q[0], "q10": q[1], "q90": q[2]}
        outcomes.append(row)
    return {
        "kind": "compare",
        "regime": regime.to_dict(),
        "regime_text": regime.describe(),
        "n_seeds": int(table.groupby("scenario").size().max()) if len(table) else 0,
        "transformed": transformed,
        "transformed_programme": programme,
        "outcomes": outcomes,
        "outcome_columns": shown,
        "summary": _summary_text(transformed, programme, regime),
    }


def _summary_text(rows: list[dict[str, Any]], programme: list[dict[str, Any]], regime: Regime) -> str:
    lines = [f"Transformed regime: {regime.describe()}"]
    prog = {r["scenario"]: r for r in programme}
    for r in rows:
        line = (
            f"{r['scenario']}: {r['k']} of {r['n']} runs tipped, P(transformed) {r['p']:.2f} "
            f"(95% CI {r['p_low']:.2f} to {r['p_high']:.2f})"
        )
        if r["scenario"] in prog:
            g = prog[r["scenario"]]
            line += f"; in the programme areas {g['k']} of {g['n']} ({g['p_low']:.2f} to {g['p_high']:.2f})"
        lines.append(line)
    return "\n".join(lines)
