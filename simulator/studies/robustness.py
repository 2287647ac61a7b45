"""Robustness analysis: do the eight patterns hold across the plausible parameter region?

Grimm & Berger (2016, *Ecol. Model.* 326) ask a model's results to be tested against
variation of every assumption over its plausible range. This study draws ``samples``
parameter sets by Latin hypercube (scipy ``qmc.LatinHypercube``, seeded from the master
seed) over the plausible range of every hand-set parameter declared in the schema
(:func:`simulator.scenario.ranges.plausible_ranges`), runs the pattern study
(:mod:`simulator.studies.patterns`) under each, and reports:

* each pattern's hold rate with a Wilson 95% interval (a check that could not be made,
  e.g. no critical mass to place runs at, counts as not holding);
* the distribution of the critical mass over the sets where one exists;
* where a pattern fails, the region of failure: for every parameter, how its values
  differ between sets where the pattern fails and where it holds (the AUC of the
  parameter as a classifier of failure, 0.5 meaning no difference), the parameters that
  separate best, and the range of values in which failures concentrate;
* every parameter's effect on the critical mass (Spearman correlation over the sets, and
  the median critical mass in the lowest and highest third of the parameter's range).

All runs go through the sweep store (one store per pattern design under
``OUT/patterns``), so an interrupted analysis resumes, and any executor (serial, local
processes, dask) runs it. ``analysis.json`` holds every number; ``robustness.md`` is the
report, which ``clsim robustness --docs FILE`` also writes into the docs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simulator.analysis.patterns import PATTERNS, RULES
from simulator.analysis.tipping import wilson_interval
from simulator.scenario.ranges import PlausibleRange, plausible_ranges
from simulator.sweep.executors import Executor

from .common import write_analysis
from .patterns import run_pattern_study

__all__ = ["robustness_design", "robustness_study", "summarise_robustness", "render_markdown"]


def robustness_design(
    samples: int, master_seed: int, ranges: dict[str, PlausibleRange] | None = None
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """Latin-hypercube parameter sets over the plausible ranges.

    Returns:
        The override dicts (one a set) and the same values as a table (one row a set).
    """
    from scipy.stats import qmc

    ranges = ranges if ranges is not None else plausible_ranges()
    keys = list(ranges)
    unit = qmc.LatinHypercube(len(keys), rng=np.random.default_rng(master_seed)).random(samples)
    sets: list[dict[str, Any]] = []
    for row in unit:
        point: dict[str, Any] = {}
        for u, key in zip(row, keys, strict=True):
            r = ranges[key]
            value = r.low + u * (r.high - r.low)
            point[key] = int(round(value)) if r.integer else float(value)
        sets.append(point)
    return sets, pd.DataFrame(sets)


def _auc(fail_values: np.ndarray, hold_values: np.ndarray) -> float:
    if not fail_values.size or not hold_values.size:
        return math.nan
    u = stats.mannwhitneyu(fail_values, hold_values, alternative="two-sided").statistic
    return float(u / (fail_values.size * hold_values.size))


def _failure_region(design: pd.DataFrame, fails: np.ndarray, ranges: dict[str, PlausibleRange], top: int = 4) -> dict[str, Any]:
    rows = []
    for key in design.columns:
        x = design[key].to_numpy(dtype=float)
        auc = _auc(x[fails], x[~fails])
        if not math.isfinite(auc):
            continue
        r = ranges[key]
        span = max(r.high - r.low, 1e-12)
        # the third of the range where failures are most concentrated
        bins = np.clip(((x - r.low) / span * 3).astype(int), 0, 2)
        rates = [float(fails[bins == b].mean()) if (bins == b).any() else math.nan for b in range(3)]
        worst = int(np.nanargmax(rates))
        rows.append(
            {
                "parameter": key,
                "auc": auc,
                "separation": abs(auc - 0.5) * 2,
                "direction": "high" if auc > 0.5 else "low",
                "fail_rate_by_third": rates,
                "worst_third": [r.low + worst * span / 3, r.low + (worst + 1) * span / 3],
            }
        )
    rows.sort(key=lambda d: -d["separation"])
    return {"parameters": rows[:top], "n_fail": int(fails.sum()), "n_hold": int((~fails).sum())}


def summarise_robustness(
    design: pd.DataFrame, verdicts: pd.DataFrame, ranges: dict[str, PlausibleRange]
) -> dict[str, Any]:
    """Hold rates, critical-mass distribution, failure regions and parameter effects.

    Args:
        design: one row a parameter set (its overrides).
        verdicts: one row per (set, pattern) with ``holds`` and ``effect``
            (:meth:`simulator.studies.patterns.PatternStudy.table`).
        ranges: the plausible ranges the design was drawn from.
    """
    out: dict[str, Any] = {"patterns": {}, "n_sets": int(len(design))}
    for number in PATTERNS:
        v = verdicts[verdicts["pattern"] == number].set_index("set").reindex(range(len(design)))
        holds = v["holds"].fillna(False).astype(bool).to_numpy()
        made = v["holds"].notna().to_numpy()
        k, n = int(holds.sum()), int(len(holds))
        lo, hi = wilson_interval(np.array([k]), np.array([n]))
        entry = {
            "name": PATTERNS[number],
            "rule": RULES[number],
            "holds": k,
            "sets": n,
            "not_assessable": int((~made).sum()),
            "rate": k / n if n else math.nan,
            "ci": [float(lo[0]), float(hi[0])],
        }
        if (~holds).any() and holds.any():
            entry["failure_region"] = _failure_region(design, ~holds, ranges)
        out["patterns"][number] = entry
    cm = verdicts[verdicts["pattern"] == 1].set_index("set").reindex(range(len(design)))
    has = cm["holds"].fillna(False).astype(bool).to_numpy()
    values = cm["effect"].to_numpy(dtype=float)
    ok = has & np.isfinite(values)
    out["critical_mass"] = {
        "sets_with_threshold": int(ok.sum()),
        "quantiles": {str(q): float(np.quantile(values[ok], q)) for q in (0.05, 0.25, 0.5, 0.75, 0.95)} if ok.any() else {},
    }
    effects = []
    for key in design.columns:
        x = design[key].to_numpy(dtype=float)
        if ok.sum() < 5 or np.ptp(x[ok]) == 0:
            continue
        rho = stats.spearmanr(x[ok], values[ok]).statistic
        r = ranges[key]
        third = (r.high - r.low) / 3
        low = ok & (x <= r.low + third)
        high = ok & (x >= r.high - third)
        effects.append(
            {
                "parameter": key,
                "low": r.low,
                "high": r.high,
                "default": r.default,
                "reason": r.reason,
                "spearman": float(rho),
                "cm_low_third": float(np.median(values[low])) if low.any() else math.nan,
                "cm_high_third": float(np.median(values[high])) if high.any() else math.nan,
            }
        )
    effects.sort(key=lambda d: -abs(d["spearman"]) if math.isfinite(d["spearman"]) else 0)
    out["parameter_effects"] = effects
    return out


def _fmt(x: float, digits: int = 2) -> str:
    return "n/a" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.{digits}f}"


def render_markdown(summary: dict[str, Any], header: str = "") -> str:
    """The robustness report as Markdown (the table ``clsim robustness --docs`` writes)."""
    lines = [header] if header else []
    lines += [
        f"{summary['n_sets']} parameter sets drawn by Latin hypercube over the plausible range of every "
        f"hand-set parameter ({len(summary.get('ranges', {}))} parameters); "
        f"{summary.get('replicates', '?')} seeds a design point; master seed {summary.get('master_seed', '?')}.",
        "",
        "| # | pattern | holds | rate (95% CI) | not assessable | failure region (parameter: AUC, worst third) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for number, p in summary["patterns"].items():
        region = ""
        if "failure_region" in p:
            region = "; ".join(
                f"`{r['parameter']}` {r['auc']:.2f}, [{r['worst_third'][0]:.3g}, {r['worst_third'][1]:.3g}]"
                for r in p["failure_region"]["parameters"][:3]
            )
        lines.append(
            f"| {number} | {p['name']} | {p['holds']}/{p['sets']} | {_fmt(p['rate'])} "
            f"({_fmt(p['ci'][0])}-{_fmt(p['ci'][1])}) | {p['not_assessable']} | {region} |"
        )
    q = summary["critical_mass"]["quantiles"]
    lines += [
        "",
        f"Critical mass (fellows a year) over the {summary['critical_mass']['sets_with_threshold']} sets "
        "with a threshold: "
        + (", ".join(f"{int(float(k) * 100)}% {v:.1f}" for k, v in q.items()) if q else "none"),
        "",
        "| parameter | range | default | effect on the critical mass (Spearman) | median CM, low third | high third | reason for the range |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in summary["parameter_effects"]:
        lines.append(
            f"| `{e['parameter']}` | {e['low']:g}-{e['high']:g} | {e['default']:g} | {_fmt(e['spearman'])} | "
            f"{_fmt(e['cm_low_third'], 1)} | {_fmt(e['cm_high_third'], 1)} | {e['reason']} |"
        )
    return "\n".join(lines) + "\n"


def robustness_study(
    out: str | Path,
    scenario: str | Path,
    samples: int = 256,
    replicates: int = 3,
    master_seed: int = 2027,
    executor: Executor | None = None,
    progress: bool = True,
    parameters: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Run the robustness analysis and write ``analysis.json`` and ``robustness.md``.

    Args:
        out: results folder (resumable).
        scenario: the base scenario file (its patterns are checked).
        samples: parameter sets (at least 256 for the documented analysis).
        replicates: seeds per design point of each set.
        master_seed: seeds the design and every run.
        executor: where runs execute.
        progress: show progress bars.
        parameters: vary only these keys (default: every declared plausible range).
    """
    out = Path(out)
    ranges = plausible_ranges()
    if parameters:
        unknown = [p for p in parameters if p not in ranges]
        if unknown:
            raise ValueError(f"no plausible range declared for {unknown}; known: {sorted(ranges)}")
        ranges = {k: ranges[k] for k in parameters}
    sets, design = robustness_design(samples, master_seed, ranges)
    study = run_pattern_study(out / "patterns", scenario, sets, replicates, master_seed, executor, progress)
    verdicts = study.table()
    summary = summarise_robustness(design, verdicts, ranges)
    summary.update(
        {
            "kind": "robustness",
            "scenario": str(scenario),
            "samples": samples,
            "replicates": replicates,
            "master_seed": master_seed,
            "ranges": {k: [r.low, r.high, r.default] for k, r in ranges.items()},
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    design.assign(set=range(len(design))).to_parquet(out / "design.parquet", index=False)
    verdicts.to_parquet(out / "verdicts.parquet", index=False)
    write_analysis(out, summary)
    (out / "robustness.md").write_text(render_markdown(summary), encoding="utf-8")
    return summary
