"""The tipping study: S-curve sweep, critical mass, bimodality, hysteresis, early warnings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator import labels
from simulator.analysis.tipping import Regime
from simulator.sweep.execute import run_sweep
from simulator.sweep.executors import Executor
from simulator.sweep.store import read_manifest, read_results

from .common import (
    DEFAULT_MASTER_SEED,
    base_spec,
    default_lever_values,
    executor_or_serial,
    lever_current,
    load_study_scenario,
    study_provenance,
    write_analysis,
)

__all__ = ["tipping_study", "LEADER_SERIES"]

#: Monthly series the main tipping sweep keeps (every month) to give the critical mass in people.
LEADER_SERIES = ("fellows_active", "alumni_active", "educators_engaged")
#: The monthly indicator analysed for early warnings unless ``ews_series`` says otherwise.
DEFAULT_EWS_SERIES = "engaged_share"


def _critical_mass_in_people(
    sweep_dir: Path, table: pd.DataFrame, scenario: Any, lever: str, result: Any, steps: int | None
) -> Any:
    """Leaders per school and share of educators at the critical mass (None if not defined)."""
    from simulator.analysis.leaders import critical_mass_in_leaders, leaders_by_level
    from simulator.layout import placement_area
    from simulator.sweep.store import read_timeseries

    if not result.has_threshold or not math.isfinite(result.critical_mass):
        return None
    try:
        series = read_timeseries(sweep_dir)
    except Exception:  # noqa: BLE001 - a sweep written before series were kept
        return None
    if series.empty:
        return None
    at = scenario.with_overrides({lever: _cast_like(scenario, lever, result.critical_mass)})
    run_months = steps or at.meta.steps
    month = int(min(run_months, max(0.0, at.recruit.end_year * 12 - 1)))
    area = placement_area(at, np.random.default_rng(0)).size
    schools = area * at.system.schools_per_cluster
    educators = schools * (at.system.teachers_per_school + 1)
    levels = leaders_by_level(series, table, lever, month)
    return critical_mass_in_leaders(
        levels, result.critical_mass, (result.ci_low, result.ci_high), schools, educators, month
    )


def _cast_like(scenario: Any, lever: str, value: float) -> Any:
    current = lever_current(scenario, lever)
    return int(round(value)) if isinstance(current, int) and not isinstance(current, bool) else value


def _series_kept(ews: bool, ews_series: str) -> list[str]:
    """The monthly series the main sweep keeps: the leaders' counts and the early-warning series.

    The default early-warning series is always kept, so ``--no-ews`` and a later run
    with early warnings share one main sweep; another ``--ews-series`` adds its own.
    """
    kept = [*LEADER_SERIES, DEFAULT_EWS_SERIES]
    if ews and ews_series not in kept:
        kept.append(ews_series)
    return kept


def tipping_study(
    out: str | Path,
    scenario: str | Path | None = None,
    lever: str = "recruit.cohort_size",
    values: Sequence[float | int] | None = None,
    seeds: int = 16,
    regime: Regime | None = None,
    master_seed: int = DEFAULT_MASTER_SEED,
    steps: int | None = None,
    n_boot: int = 1000,
    hysteresis: bool = True,
    stop_keys: Sequence[str] = ("recruit.end_year",),
    stop_year: float | None = None,
    hysteresis_seeds: int | None = None,
    ews: bool = True,
    ews_seeds: int = 6,
    ews_series: str = DEFAULT_EWS_SERIES,
    executor: Executor | None = None,
    progress: bool = True,
    function: str | None = None,
    max_width_fraction: float = 0.5,
    min_delta_bic: float = 10.0,
) -> dict[str, Any]:
    """Vary one lever over seeds, estimate the critical mass, test hysteresis and EWS.

    Args:
        out: the study directory (resumed if it exists with the same settings).
        scenario: the base scenario file (or give ``function`` for a stand-in model).
        lever: dotted scenario key to vary.
        values: lever values (default: 17 from 0 to the scenario's value).
        seeds: replicates per lever value.
        regime: the transformed-regime definition (default ``learning_gain >= 0.10``).
        master_seed: every run's seed derives from it.
        steps: months per run (default: the scenario's).
        n_boot: bootstrap resamples.
        hysteresis: also run the strategy stopped early and compare persistence.
        stop_keys: scenario keys set to ``stop_year`` in the stopped runs.
        stop_year: the stop year (default: halfway through the recruitment window).
        hysteresis_seeds: replicates of the stopped runs (default ``seeds // 2``).
        ews: compute early-warning indicators on a few runs near the critical mass.
        ews_seeds: runs at the critical value (and as many controls at the lowest value).
        ews_series: the monthly indicator analysed for early warnings.
        executor: where runs execute (default serial).
        progress: show progress bars.
        function: ``module:callable`` stand-in for the model (tests, demos).
        max_width_fraction: see :func:`~simulator.analysis.tipping.estimate_tipping`.
        min_delta_bic: see :func:`~simulator.analysis.tipping.estimate_tipping`.

    Returns:
        The analysis dict also written to ``OUT/analysis.json``.
    """
    from simulator.analysis.hysteresis import analyse_hysteresis
    from simulator.analysis.tipping import estimate_tipping
    from simulator.figures import studies as figures

    out = Path(out)
    regime = regime or Regime()
    scenario = Path(scenario) if scenario is not None else None
    scenario_obj = load_study_scenario(scenario)
    executor = executor_or_serial(executor)
    if values is None:
        if scenario_obj is None:
            raise ValueError("give lever values when running a function instead of a scenario")
        values = default_lever_values(scenario_obj, lever)
    values = list(values)
    if hysteresis:  # check the stop year before any run starts
        if stop_year is None:
            if scenario_obj is None or not stop_keys:
                raise ValueError("give stop_year for the hysteresis runs")
            first = stop_keys[0].rsplit(".", 1)[0]
            start = float(lever_current(scenario_obj, f"{first}.start_year"))
            end = float(lever_current(scenario_obj, f"{first}.end_year"))
            stop_year = float(math.floor((start + end) / 2))
        if scenario_obj is not None:
            for key in stop_keys:
                current = float(lever_current(scenario_obj, key))
                if stop_year >= current:
                    raise ValueError(
                        f"--stop-year {stop_year:g} is not before the scenario's own {key} = "
                        f"{current:g}: the stopped runs would equal the main ones"
                    )
    main_spec = base_spec(
        "tipping",
        scenario,
        function,
        {lever: {"values": values}},
        seeds,
        master_seed,
        steps,
        timeseries={"outcomes": _series_kept(ews, ews_series), "every": 1},
    )
    run_sweep(main_spec, out / "sweep", executor=executor, progress=progress)
    table = read_results(out / "sweep")
    result = estimate_tipping(
        table,
        lever,
        regime,
        n_boot=n_boot,
        seed=master_seed % (2**32),
        max_width_fraction=max_width_fraction,
        min_delta_bic=min_delta_bic,
    )
    data: dict[str, Any] = {
        "kind": "tipping",
        "options": {
            "lever": lever,
            "values": values,
            "seeds": seeds,
            "master_seed": master_seed,
            "steps": steps,
            "n_boot": n_boot,
            "regime": regime.to_dict(),
            "max_width_fraction": max_width_fraction,
            "min_delta_bic": min_delta_bic,
        },
        "provenance": {
            **study_provenance(scenario_obj, scenario, function, master_seed),
            "sweeps": {"main": read_manifest(out / "sweep")["spec_hash"]},
        },
        "tipping": result.to_dict(),
        "summary": result.summary(),
        "hysteresis": None,
        "ews": None,
    }
    if function is None and scenario_obj is not None:
        units = _critical_mass_in_people(out / "sweep", table, scenario_obj, lever, result, steps)
        if units is not None:
            data["critical_mass_in_people"] = units.to_dict()
            data["summary"] += "\n" + units.summary(
                f"critical mass {result.critical_mass:.3g} {labels.unit(lever) or ''}".strip()
            )
    fig_dir = out / "figures"
    figures.save(figures.s_curve_figure(data["tipping"], table), fig_dir / "s_curve.png")
    write_analysis(out, data)

    if hysteresis:
        h_seeds = hysteresis_seeds or max(2, seeds // 2)
        fixed = {key: float(stop_year) for key in stop_keys}
        stop_spec = base_spec(
            "hysteresis",
            scenario,
            function,
            {lever: {"values": values}},
            h_seeds,
            master_seed,
            steps,
            fixed=fixed,
        )
        run_sweep(stop_spec, out / "hysteresis", executor=executor, progress=progress)
        stopped = read_results(out / "hysteresis")
        if result.has_threshold:
            # an open side of the interval splits at the edge of the explored range
            ci = (
                result.ci_low if math.isfinite(result.ci_low) else result.lever_min,
                result.ci_high if math.isfinite(result.ci_high) else result.lever_max,
            )
        else:
            ci = (result.critical_mass,) * 2
        hyst = analyse_hysteresis(
            table,
            stopped,
            lever,
            stop_keys[0],
            result.critical_mass,
            ci,
            regime,
            n_boot=n_boot,
            seed=master_seed % (2**32),
        )
        if not result.has_threshold:
            hyst.reasons.insert(
                0, "no supported threshold: above/below split at the logistic midpoint"
            )
        data["hysteresis"] = hyst.to_dict()
        data["hysteresis_summary"] = hyst.summary()
        data["provenance"]["sweeps"]["hysteresis"] = read_manifest(out / "hysteresis")["spec_hash"]
        figures.save(figures.hysteresis_figure(data["hysteresis"]), fig_dir / "hysteresis.png")
        write_analysis(out, data)

    if ews and scenario is not None and function is None:
        from simulator.analysis.ews_tipping import analyse_ews
        from simulator.sweep.store import read_timeseries

        near = float(min(values, key=lambda v: abs(float(v) - result.critical_mass)))
        low = float(min(values))
        picks = pd.concat(
            [
                table[np.isclose(table[lever].astype(float), v)]
                .sort_values("replicate")
                .head(ews_seeds)
                for v in (near, low)
            ]
        )
        # the main sweep kept every run's monthly series: the picked runs are read, not rerun
        series = read_timeseries(out / "sweep")
        ts = series[series["run_id"].isin(picks["run_id"])].merge(picks[["run_id", lever]], on="run_id")
        ews_result = analyse_ews(
            ts, lever, near, low, series=ews_series, seed=master_seed % (2**32)
        )
        data["ews"] = ews_result
        figures.save(figures.ews_figure(ews_result), fig_dir / "ews.png")
        write_analysis(out, data)
    return data


