"""Studies: run the sweeps an analysis needs, analyse the tables, write results and figures.

This is the layer above sweeps and analyses (the CLI calls it): a *study* builds sweep
specs, runs them resumably into a results directory, reads the tables back, analyses
them and writes ``analysis.json`` plus PNG figures. Rerunning the same command resumes
the sweeps and redoes only the (cheap) analysis.

Layout of a tipping study's directory::

    OUT/analysis.json        kind, options, estimates, provenance
    OUT/sweep/               main sweep (lever x seeds), a results store
    OUT/hysteresis/          the same with the strategy stopped early
    OUT/ews/timeseries.parquet  monthly series of a few runs near the critical mass
    OUT/figures/*.png
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.analysis.tipping import Regime
from simulator.sweep.execute import run_sweep
from simulator.sweep.executors import Executor, SerialExecutor
from simulator.sweep.spec import SweepSpec, sweep_from_dict
from simulator.sweep.store import package_version, read_manifest, read_results

__all__ = [
    "tipping_study",
    "phase_study",
    "sensitivity_study",
    "default_lever_values",
    "parse_values",
    "write_analysis",
    "read_analysis",
    "ANALYSIS_FILE",
    "DEFAULT_MASTER_SEED",
]

ANALYSIS_FILE = "analysis.json"
#: Master seed of the studies unless one is given.
DEFAULT_MASTER_SEED = 20240601


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_analysis(out: Path, data: dict[str, Any]) -> Path:
    """Write ``analysis.json`` atomically (NaN written as ``NaN``, read back by Python)."""
    import os

    out.mkdir(parents=True, exist_ok=True)
    path = out / ANALYSIS_FILE
    tmp = out / f".{ANALYSIS_FILE}.tmp"
    tmp.write_text(json.dumps(data, indent=2, default=_json_default), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_analysis(out: str | Path) -> dict[str, Any]:
    """Read ``analysis.json`` of a study directory."""
    return json.loads((Path(out) / ANALYSIS_FILE).read_text(encoding="utf-8"))


def parse_values(text: str, kind: str = "float") -> list[float | int]:
    """Lever values from ``"0,5,10"`` or ``"start:stop:num"`` (inclusive, evenly spaced).

    Raises:
        ValueError: malformed text.
    """
    text = text.strip()
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ValueError(f"expected 'start:stop:num'; found {text!r}")
        start, stop, num = float(parts[0]), float(parts[1]), int(parts[2])
        if num < 2:
            raise ValueError(f"num must be >= 2; found {num}")
        raw = np.linspace(start, stop, num)
    else:
        raw = np.array([float(v) for v in text.split(",") if v.strip()])
    if kind == "int":
        return list(dict.fromkeys(int(round(v)) for v in raw))
    return [float(v) for v in raw]


def _lever_current(scenario: Any, lever: str) -> Any:
    node: Any = scenario.to_dict()
    for key in lever.replace("__", ".").split("."):
        node = node[key]
    return node


def default_lever_values(scenario: Any, lever: str, num: int = 17) -> list[float | int]:
    """``num`` evenly spaced values from 0 to the scenario's own value of the lever.

    Raises:
        ValueError: the scenario's value is zero or not a number (give ``--values``).
    """
    current = _lever_current(scenario, lever)
    if isinstance(current, bool) or not isinstance(current, int | float) or current <= 0:
        raise ValueError(
            f"cannot choose default values for {lever} (scenario value {current!r}); give --values"
        )
    raw = np.linspace(0.0, float(current), num)
    if isinstance(current, int):
        return list(dict.fromkeys(int(round(v)) for v in raw))
    return [float(v) for v in raw]


def _base_spec(
    name: str,
    scenario: Path | None,
    function: str | None,
    parameters: dict[str, Any],
    replicates: int,
    master_seed: int,
    steps: int | None,
    fixed: dict[str, Any] | None = None,
    design: str = "grid",
    samples: int | None = None,
    common_random_numbers: bool = False,
) -> SweepSpec:
    data: dict[str, Any] = {
        "name": name,
        "design": design,
        "parameters": parameters,
        "replicates": replicates,
        "master_seed": master_seed,
        "common_random_numbers": common_random_numbers,
    }
    if samples is not None:
        data["samples"] = samples
    if steps is not None:
        data["steps"] = steps
    if fixed:
        data["fixed"] = fixed
    if function is not None:
        data["function"] = function
    else:
        assert scenario is not None
        data["scenario"] = str(Path(scenario).resolve())
    return sweep_from_dict(data, source=f"<{name}>")


def _load(scenario: Path | None) -> Any:
    if scenario is None:
        return None
    from simulator.sweep.targets import load_base_scenario

    return load_base_scenario(Path(scenario))


def _provenance(scenario_obj: Any, scenario: Path | None, function: str | None) -> dict[str, Any]:
    return {
        "package_version": package_version(),
        "scenario": str(scenario) if scenario is not None else None,
        "scenario_name": getattr(getattr(scenario_obj, "meta", None), "name", None),
        "scenario_hash": scenario_obj.content_hash() if scenario_obj is not None else None,
        "scenario_content": scenario_obj.to_dict() if scenario_obj is not None else None,
        "function": function,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    }


def _executor(executor: Executor | None) -> Executor:
    return executor if executor is not None else SerialExecutor()


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
    ews_series: str = "engaged_share",
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
        regime: the transformed-regime definition (default ``final_learning >= 0.55``).
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
    from simulator.analysis import figures
    from simulator.analysis.hysteresis import analyse_hysteresis
    from simulator.analysis.tipping import estimate_tipping

    out = Path(out)
    regime = regime or Regime()
    scenario = Path(scenario) if scenario is not None else None
    scenario_obj = _load(scenario)
    executor = _executor(executor)
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
            start = float(_lever_current(scenario_obj, f"{first}.start_year"))
            end = float(_lever_current(scenario_obj, f"{first}.end_year"))
            stop_year = float(math.floor((start + end) / 2))
        if scenario_obj is not None:
            for key in stop_keys:
                current = float(_lever_current(scenario_obj, key))
                if stop_year >= current:
                    raise ValueError(
                        f"--stop-year {stop_year:g} is not before the scenario's own {key} = "
                        f"{current:g}: the stopped runs would equal the main ones"
                    )
    main_spec = _base_spec(
        "tipping", scenario, function, {lever: {"values": values}}, seeds, master_seed, steps
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
            **_provenance(scenario_obj, scenario, function),
            "sweeps": {"main": read_manifest(out / "sweep")["spec_hash"]},
        },
        "tipping": result.to_dict(),
        "summary": result.summary(),
        "hysteresis": None,
        "ews": None,
    }
    fig_dir = out / "figures"
    figures.save(figures.s_curve_figure(data["tipping"], table), fig_dir / "s_curve.png")
    write_analysis(out, data)

    if hysteresis:
        h_seeds = hysteresis_seeds or max(2, seeds // 2)
        fixed = {key: float(stop_year) for key in stop_keys}
        stop_spec = _base_spec(
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
        ci = (
            (result.ci_low, result.ci_high) if result.has_threshold else (result.critical_mass,) * 2
        )
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
        from simulator.analysis.early_warning import analyse_ews, collect_timeseries

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
        ts = collect_timeseries(out / "ews", scenario_obj, picks, lever, steps, executor=executor)
        ews_result = analyse_ews(
            ts, lever, near, low, series=ews_series, seed=master_seed % (2**32)
        )
        data["ews"] = ews_result
        figures.save(figures.ews_figure(ews_result), fig_dir / "ews.png")
        write_analysis(out, data)
    return data


def phase_study(
    out: str | Path,
    x: str,
    x_values: Sequence[float | int],
    y: str,
    y_values: Sequence[float | int],
    scenario: str | Path | None = None,
    seeds: int = 8,
    regime: Regime | None = None,
    master_seed: int = DEFAULT_MASTER_SEED,
    steps: int | None = None,
    n_boot: int = 300,
    executor: Executor | None = None,
    progress: bool = True,
    function: str | None = None,
) -> dict[str, Any]:
    """Two levers on a grid: heatmaps of the mean outcome and P(transformed), critical line."""
    from simulator.analysis import figures
    from simulator.analysis.phase import phase_diagram

    out = Path(out)
    regime = regime or Regime()
    scenario = Path(scenario) if scenario is not None else None
    scenario_obj = _load(scenario)
    spec = _base_spec(
        "phase",
        scenario,
        function,
        {x: {"values": list(x_values)}, y: {"values": list(y_values)}},
        seeds,
        master_seed,
        steps,
    )
    run_sweep(spec, out / "sweep", executor=_executor(executor), progress=progress)
    table = read_results(out / "sweep")
    diagram = phase_diagram(table, x, y, regime, n_boot=n_boot, seed=master_seed % (2**32))
    data = {
        "kind": "phase",
        "options": {
            "x": x,
            "x_values": list(x_values),
            "y": y,
            "y_values": list(y_values),
            "seeds": seeds,
            "master_seed": master_seed,
            "steps": steps,
            "regime": regime.to_dict(),
            "n_boot": n_boot,
        },
        "provenance": {
            **_provenance(scenario_obj, scenario, function),
            "sweeps": {"main": read_manifest(out / "sweep")["spec_hash"]},
        },
        "phase": diagram.to_dict(),
        "summary": diagram.summary(),
    }
    figures.save(figures.phase_figure(data["phase"]), out / "figures" / "phase.png")
    write_analysis(out, data)
    return data


def sensitivity_study(
    out: str | Path,
    parameters: dict[str, tuple[float, float]],
    scenario: str | Path | None = None,
    method: str = "morris",
    samples: int = 10,
    seeds: int = 2,
    outcomes: Sequence[str] = ("final_learning", "final_critical_mass_index", "transformed"),
    regime: Regime | None = None,
    master_seed: int = DEFAULT_MASTER_SEED,
    steps: int | None = None,
    executor: Executor | None = None,
    progress: bool = True,
    function: str | None = None,
    int_parameters: Sequence[str] = (),
) -> dict[str, Any]:
    """Morris screening or Sobol indices of outcomes to parameters given as ``key: (low, high)``.

    Common random numbers are used (all points of a replicate share a seed), which
    lowers the noise in elementary effects and index estimates.
    """
    from simulator.analysis import figures
    from simulator.analysis.sensitivity import analyse_sensitivity

    if method not in ("morris", "sobol"):
        raise ValueError(f"method must be 'morris' or 'sobol'; found {method!r}")
    out = Path(out)
    regime = regime or Regime()
    scenario = Path(scenario) if scenario is not None else None
    scenario_obj = _load(scenario)
    params = {
        key: {
            "low": float(lo),
            "high": float(hi),
            **({"type": "int"} if key in int_parameters else {}),
        }
        for key, (lo, hi) in parameters.items()
    }
    if scenario_obj is not None:
        for key in parameters:
            if key not in int_parameters and isinstance(_lever_current(scenario_obj, key), int):
                params[key]["type"] = "int"
    spec = _base_spec(
        "sensitivity",
        scenario,
        function,
        params,
        seeds,
        master_seed,
        steps,
        design="morris" if method == "morris" else "saltelli",
        samples=samples,
        common_random_numbers=True,
    )
    run_sweep(spec, out / "sweep", executor=_executor(executor), progress=progress)
    table = read_results(out / "sweep")
    result = analyse_sensitivity(spec, table, list(outcomes), regime, seed=master_seed % (2**32))
    data = {
        "kind": "sensitivity",
        "options": {
            "parameters": {k: list(v) for k, v in parameters.items()},
            "method": method,
            "samples": samples,
            "seeds": seeds,
            "outcomes": list(outcomes),
            "master_seed": master_seed,
            "steps": steps,
            "regime": regime.to_dict(),
            "runs": spec.n_runs,
        },
        "provenance": {
            **_provenance(scenario_obj, scenario, function),
            "sweeps": {"main": read_manifest(out / "sweep")["spec_hash"]},
        },
        "sensitivity": result.to_dict(),
        "summary": result.summary(),
    }
    figures.save(
        figures.sensitivity_figure(data["sensitivity"]), out / "figures" / "sensitivity.png"
    )
    write_analysis(out, data)
    return data


def results_table(out: str | Path, name: str = "sweep") -> pd.DataFrame:
    """The table of one of a study's sweeps."""
    return read_results(Path(out) / name)
