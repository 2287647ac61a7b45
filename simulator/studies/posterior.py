"""Critical mass and strategy comparisons over the posterior (``--posterior FILE``).

A fixed-parameter critical mass covers only the randomness of runs at one hand-set point.
These studies draw parameter sets from a calibration's posterior and report the answer
as a posterior predictive distribution, with how much of its width comes from what we do
not know about the parameters and how much from run-to-run noise.

* :func:`posterior_tipping_study`: ``draws`` parameter sets (systematic resampling by
  weight) plus the scenario's own parameters (the *fixed* estimate), each swept over the
  lever with ``seeds`` runs a value, in **one** resumable sweep (design ``points``; run
  on any executor). Each draw's critical mass comes from the tipping estimator
  (:func:`simulator.analysis.tipping.estimate_tipping`, 90% bootstrap interval); a draw
  whose P(transformed) never crosses 1/2 in the swept range is *censored* (above or below
  it). Reported: median and 90% credible interval over draws, the parameter/noise split
  (:func:`simulator.analysis.posterior.variance_split`), and which parameters, rolled up
  to seed 002's six dimensions, move the critical mass (rank correlations and PRCC of
  draws with their critical masses).
* :func:`posterior_compare_study`: the same draws for two or more scenarios with common
  seeds (the runs of a draw and replicate share a seed across scenarios), the paired
  difference of an outcome, its 90% credible interval and split.

Posterior columns of nuisance inputs (``scenario/key``) belong to one calibration
scenario and are not applied here. Hysteresis and early warnings are not run per draw.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.analysis.posterior import (
    censored_quantiles,
    rank_correlations,
    resample,
    sd_from_interval,
    variance_split,
)
from simulator.analysis.tipping import Regime, estimate_tipping
from simulator.calibration.dimensions import dimension_of
from simulator.sweep.execute import run_sweep
from simulator.sweep.executors import Executor
from simulator.sweep.spec import sweep_from_dict
from simulator.sweep.store import read_manifest, read_results

from .calibration import posterior_path, read_posterior
from .common import (
    DEFAULT_MASTER_SEED,
    executor_or_serial,
    lever_current,
    load_study_scenario,
    study_provenance,
    write_analysis,
)

__all__ = ["posterior_tipping_study", "posterior_compare_study", "draw_parameters", "POSTERIOR_STREAM"]

#: Entropy word of the posterior draws (separate from run seeds).
POSTERIOR_STREAM = 0xD2A3
LEVEL = 0.9


def draw_parameters(
    posterior: str | Path, draws: int, master_seed: int, scenario: Any
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Resampled posterior draws (row 0: the scenario's own values, the fixed point).

    Returns:
        The draws table (``draw`` -1 is fixed, then 0..draws-1, with ``particle``), the
        parameters applied, and the nuisance columns left out.
    """
    table, names = read_posterior(posterior)
    applied = [n for n in names if "/" not in n]
    skipped = [n for n in names if "/" in n]
    if not applied:
        raise ValueError(f"{posterior}: no parameter that applies to a scenario (only {skipped})")
    seq = np.random.SeedSequence([int(master_seed), POSTERIOR_STREAM])
    idx = resample(table["weight"].to_numpy(), int(draws), int(seq.generate_state(1)[0]))
    integer = integer_parameters(posterior, applied)

    def value(name: str, x: Any) -> float | int:
        # integer parameters (tie counts) are continuous in ABC and rounded when applied,
        # exactly as the calibration applied them (simulator.calibration.priors)
        return int(round(float(x))) if name in integer else float(x)

    fixed = {n: lever_current(scenario, n) for n in applied}
    rows = [{"draw": -1, "particle": -1, **{n: value(n, fixed[n]) for n in applied}}]
    for d, j in enumerate(idx):
        rows.append({"draw": d, "particle": int(j), **{n: value(n, table[n].iloc[int(j)]) for n in applied}})
    return pd.DataFrame(rows), applied, skipped


def integer_parameters(posterior: str | Path, names: list[str]) -> set[str]:
    """The parameters of ``names`` that take whole numbers.

    From the calibration's own priors (``calibration.json`` beside the posterior) when
    present, otherwise from the schema's declared ranges.
    """
    manifest = posterior_path(posterior).parent / "calibration.json"
    if manifest.is_file():
        priors = json.loads(manifest.read_text(encoding="utf-8")).get("identity", {}).get("priors", [])
        declared = {p["name"]: bool(p.get("integer")) for p in priors}
        if all(n in declared for n in names):
            return {n for n in names if declared[n]}
    from simulator.scenario.ranges import plausible_ranges

    ranges = plausible_ranges()
    return {n for n in names if n in ranges and ranges[n].integer}


def _points_spec(name: str, scenario: Path, points: list[dict[str, Any]], seeds: int, master_seed: int, steps: int | None) -> Any:
    data: dict[str, Any] = {
        "name": name,
        "scenario": str(Path(scenario).resolve()),
        "design": "points",
        "points": points,
        "replicates": int(seeds),
        "master_seed": int(master_seed),
    }
    if steps is not None:
        data["steps"] = int(steps)
    return sweep_from_dict(data, source=f"<{name}>")


def _censoring(result: Any) -> str:
    if result.crosses:
        return ""
    levels = result.levels
    p_first, p_last = levels[0]["p"], levels[-1]["p"]
    if p_first >= 0.5 and p_last >= 0.5:
        return "below"
    if p_first < 0.5 and p_last < 0.5:
        return "above"
    mid = result.critical_mass
    return "above" if (not math.isfinite(mid) or mid > result.lever_max) else "below"


def _fmt(value: float) -> str:
    if value == math.inf:
        return "above the range"
    if value == -math.inf:
        return "below the range"
    return f"{value:.4g}"


def posterior_tipping_study(
    out: str | Path,
    scenario: str | Path,
    posterior: str | Path,
    lever: str = "recruit.cohort_size",
    values: Sequence[float | int] | None = None,
    draws: int = 20,
    seeds: int = 8,
    regime: Regime | None = None,
    master_seed: int = DEFAULT_MASTER_SEED,
    steps: int | None = None,
    n_boot: int = 500,
    executor: Executor | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """The critical mass of ``lever`` over posterior draws, beside the fixed-parameter one.

    Args:
        out: the study directory (the sweep in ``OUT/sweep`` resumes).
        scenario: the base scenario file.
        posterior: a ``posterior.parquet`` or a calibration directory.
        lever: dotted key varied.
        values: lever values (default: 17 from 0 to twice the scenario's value, since a
            parameter set may tip far later than the hand-set one).
        draws: posterior draws.
        seeds: runs per lever value and draw.
        regime: the transformed regime (default ``learning_gain >= 0.10``).
        master_seed: the draws and every run's seed derive from it.
        steps: months per run (default: the scenario's).
        n_boot: bootstrap resamples per draw.
        executor: where runs execute (default serial).
        progress: show the sweep's progress bar.

    Returns:
        The analysis dict also written to ``OUT/analysis.json``.
    """
    from simulator.figures import calibration as cfig
    from simulator.figures.studies import save

    out = Path(out)
    regime = regime or Regime()
    scenario = Path(scenario)
    scenario_obj = load_study_scenario(scenario)
    if values is None:
        current = lever_current(scenario_obj, lever)
        if isinstance(current, bool) or not isinstance(current, int | float) or current <= 0:
            raise ValueError(f"cannot choose default values for {lever} (scenario value {current!r}); give --values")
        raw = np.linspace(0.0, 2.0 * float(current), 17)
        values = list(dict.fromkeys(int(round(v)) for v in raw)) if isinstance(current, int) else [float(v) for v in raw]
    values = list(values)
    table, applied, skipped = draw_parameters(posterior, draws, master_seed, scenario_obj)
    if lever in applied:
        raise ValueError(f"the lever {lever} is also a calibrated parameter; choose another lever")
    points = [{**{n: row[n] for n in applied}, lever: v} for _, row in table.iterrows() for v in values]
    spec = _points_spec("posterior_tipping", scenario, points, seeds, master_seed, steps)
    run_sweep(spec, out / "sweep", executor=executor_or_serial(executor), progress=progress)
    results = read_results(out / "sweep")
    results["draw"] = results["point_id"] // len(values) - 1

    rows = []
    for draw, sub in results.groupby("draw", sort=True):
        res = estimate_tipping(sub, lever, regime, n_boot=n_boot, confidence=LEVEL, seed=(master_seed + int(draw) + 1) % (2**32))
        censored = _censoring(res)
        cm = res.critical_mass if not censored else (math.inf if censored == "above" else -math.inf)
        rows.append({
            "draw": int(draw),
            "critical_mass": float(cm),
            "ci_low": res.ci_low,
            "ci_high": res.ci_high,
            "noise_sd": sd_from_interval(res.ci_low, res.ci_high, LEVEL) if not censored else float("nan"),
            "censored": censored,
            "verdict": res.verdict,
            "lever_min": res.lever_min,
            "lever_max": res.lever_max,
        })
    per_draw = table.merge(pd.DataFrame(rows), on="draw")
    per_draw.to_csv(out / "draws.csv", index=False)
    fixed_row = per_draw[per_draw["draw"] == -1].iloc[0].to_dict()
    post = per_draw[per_draw["draw"] >= 0]
    q = censored_quantiles(post["critical_mass"].to_numpy(), (0.05, 0.5, 0.95))
    split = variance_split(post["critical_mass"], post["noise_sd"])
    sens = rank_correlations(post, applied, "critical_mass")
    sens["dimension"] = [dimension_of(p) for p in sens["parameter"]]
    dims = (
        sens.assign(abs_prcc=sens["prcc"].abs(), abs_rho=sens["spearman"].abs())
        .groupby("dimension")
        .agg(max_abs_prcc=("abs_prcc", "max"), max_abs_spearman=("abs_rho", "max"),
             parameters=("parameter", lambda s: ", ".join(s)))
        .reset_index()
    )
    # PRCC needs more draws than parameters + 1; otherwise rank by Spearman's rho.
    measure = "max_abs_prcc" if dims["max_abs_prcc"].notna().any() else "max_abs_spearman"
    dims = dims.sort_values(measure, ascending=False, na_position="last").reset_index(drop=True)
    n = len(post)
    critical = {
        "label": "posterior",
        "median": q[1],
        "low": q[0],
        "high": q[2],
        "level": LEVEL,
        "draws": n,
        "share_threshold": float((post["verdict"] == "threshold").mean()),
        "share_censored_above": float((post["censored"] == "above").mean()),
        "share_censored_below": float((post["censored"] == "below").mean()),
        # resampling repeats particles; a degenerate posterior gives few distinct sets
        "distinct_particles": int(post["particle"].nunique()),
    }
    fixed = {
        "critical_mass": float(fixed_row["critical_mass"]),
        "ci_low": float(fixed_row["ci_low"]),
        "ci_high": float(fixed_row["ci_high"]),
        "verdict": fixed_row["verdict"],
        "censored": fixed_row["censored"],
    }
    top = dims.iloc[0]["dimension"] if len(dims) and math.isfinite(dims.iloc[0][measure]) else "none"
    label = "|PRCC|" if measure == "max_abs_prcc" else "|Spearman rho| (too few draws for PRCC)"
    lines = [
        f"Critical mass of {lever} over {n} posterior draws ({seeds} seeds x {len(values)} values each; "
        f"transformed: {regime.describe()}):",
        f"  posterior median {_fmt(q[1])}, 90% credible interval {_fmt(q[0])} to {_fmt(q[2])}; "
        f"{critical['share_threshold']:.0%} of draws show a supported threshold, "
        f"{critical['share_censored_above']:.0%} never tip in the range, "
        f"{critical['share_censored_below']:.0%} tip already at its lowest value.",
        f"  the {n} draws are {critical['distinct_particles']} distinct posterior particles.",
        f"  fixed parameters: {_fmt(fixed['critical_mass'])} (90% CI {fixed['ci_low']:.4g} to {fixed['ci_high']:.4g}; {fixed['verdict']}).",
        f"  width from parameters {split['parameter_share']:.0%}, from run-to-run noise {split['noise_share']:.0%} "
        f"(over the {split['n']} draws with a crossing in the range).",
        f"  dimension that moves it most (largest {label}): {top}.",
    ]
    if skipped:
        lines.append(f"  not applied (nuisance inputs of calibration scenarios): {', '.join(skipped)}")
    data = {
        "kind": "posterior_tipping",
        "options": {"lever": lever, "values": values, "draws": draws, "seeds": seeds, "master_seed": master_seed,
                    "steps": steps, "n_boot": n_boot, "regime": regime.to_dict(), "level": LEVEL,
                    "posterior": str(posterior_path(posterior))},
        "critical_mass": critical,
        "fixed": fixed,
        "variance_split": split,
        "sensitivity": sens.to_dict("records"),
        "dimensions": dims.to_dict("records"),
        "sensitivity_measure": measure,
        "draws": per_draw.to_dict("records"),
        "applied": applied,
        "skipped": skipped,
        "summary": "\n".join(lines),
        "provenance": {**study_provenance(scenario_obj, scenario, None),
                       "sweeps": {"posterior": read_manifest(out / "sweep")["spec_hash"]}},
    }
    save(cfig.critical_mass_figure(post, lever, fixed), out / "figures" / "critical_mass.png")
    write_analysis(out, data)
    return data


def posterior_compare_study(
    out: str | Path,
    scenarios: Sequence[str | Path],
    posterior: str | Path,
    outcome: str = "final_learning",
    draws: int = 20,
    seeds: int = 5,
    master_seed: int = DEFAULT_MASTER_SEED,
    steps: int | None = None,
    executor: Executor | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """The difference of ``outcome`` between scenarios over posterior draws.

    Every scenario runs the same draws (drawn once, from the first scenario's own values
    for the fixed point of each) with the same seeds, so differences are paired by draw
    and replicate. Each later scenario is compared with the first.

    Returns:
        The analysis dict also written to ``OUT/analysis.json``.
    """
    from simulator.figures import calibration as cfig
    from simulator.figures.studies import save

    out = Path(out)
    paths = [Path(s) for s in scenarios]
    if len(paths) < 2:
        raise ValueError("compare needs at least two scenario files")
    objs = [load_study_scenario(p) for p in paths]
    frames = []
    applied: list[str] = []
    for i, (path, obj) in enumerate(zip(paths, objs, strict=True)):
        table, applied, skipped = draw_parameters(posterior, draws, master_seed, obj)
        points = [{n: row[n] for n in applied} for _, row in table.iterrows()]
        spec = _points_spec(f"posterior_compare_{i}", path, points, seeds, master_seed, steps)
        run_sweep(spec, out / f"sweep_{i}", executor=executor_or_serial(executor), progress=progress)
        res = read_results(out / f"sweep_{i}")
        if outcome not in res:
            raise KeyError(f"outcome {outcome!r} is not a run outcome; choose one of {sorted(c for c in res.columns if c.startswith(('final_', 'learning', 'peak', 'initial')))}")
        res = res.assign(draw=res["point_id"] - 1, scenario=obj.meta.name, index=i)
        frames.append(res[["draw", "replicate", "seed", "scenario", "index", outcome]])
    runs = pd.concat(frames, ignore_index=True)
    runs.to_csv(out / "runs.csv", index=False)
    wide = runs.pivot_table(index=["draw", "replicate"], columns="index", values=outcome)
    diffs = []
    per_draw = []
    for i in range(1, len(paths)):
        paired = (wide[i] - wide[0]).rename("diff").reset_index()
        g = paired.groupby("draw")["diff"]
        stats_ = pd.DataFrame({"mean": g.mean(), "sd": g.std(ddof=1), "n": g.size()}).reset_index()
        stats_["noise_sd"] = stats_["sd"] / np.sqrt(stats_["n"])
        post = stats_[stats_["draw"] >= 0]
        fix = stats_[stats_["draw"] == -1].iloc[0]
        q = censored_quantiles(post["mean"].to_numpy(), (0.05, 0.5, 0.95))
        split = variance_split(post["mean"], post["noise_sd"])
        z = 1.6448536269514722
        diffs.append({
            "scenario": objs[i].meta.name, "versus": objs[0].meta.name, "outcome": outcome,
            "median": q[1], "low": q[0], "high": q[2],
            "fixed": float(fix["mean"]), "fixed_low": float(fix["mean"] - z * fix["noise_sd"]),
            "fixed_high": float(fix["mean"] + z * fix["noise_sd"]),
            "share_positive": float((post["mean"] > 0).mean()),
            **{k: split[k] for k in ("parameter_share", "noise_share", "total_var", "parameter_var", "noise_var")},
        })
        per_draw.append(post.assign(scenario=objs[i].meta.name))
    lines = [f"{outcome} over {draws} posterior draws, {seeds} paired seeds each:"]
    for d in diffs:
        lines.append(
            f"  {d['scenario']} minus {d['versus']}: posterior median {d['median']:.4g}, 90% credible interval "
            f"{d['low']:.4g} to {d['high']:.4g} (positive in {d['share_positive']:.0%} of draws); fixed parameters "
            f"{d['fixed']:.4g} (90% CI {d['fixed_low']:.4g} to {d['fixed_high']:.4g}); width from parameters "
            f"{d['parameter_share']:.0%}, from run-to-run noise {d['noise_share']:.0%}."
        )
    data = {
        "kind": "posterior_compare",
        "options": {"scenarios": [str(p) for p in paths], "outcome": outcome, "draws": draws, "seeds": seeds,
                    "master_seed": master_seed, "steps": steps, "posterior": str(posterior_path(posterior))},
        "differences": diffs,
        "applied": applied,
        "summary": "\n".join(lines),
        "provenance": {**study_provenance(objs[0], paths[0], None),
                       "scenarios": {str(p): o.content_hash() for p, o in zip(paths, objs, strict=True)}},
    }
    save(cfig.difference_figure(pd.concat(per_draw, ignore_index=True), diffs), out / "figures" / "differences.png")
    write_analysis(out, data)
    return data
