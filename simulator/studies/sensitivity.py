"""The sensitivity study: Morris or Sobol over chosen parameters (SALib)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulator.analysis.tipping import Regime
from simulator.sweep.execute import run_sweep
from simulator.sweep.executors import Executor
from simulator.sweep.store import read_manifest, read_results

from .common import (
    DEFAULT_MASTER_SEED,
    base_spec,
    executor_or_serial,
    lever_current,
    load_study_scenario,
    study_provenance,
    write_analysis,
)

__all__ = ["sensitivity_study"]


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
    from simulator.analysis.sensitivity import analyse_sensitivity
    from simulator.figures import studies as figures

    if method not in ("morris", "sobol"):
        raise ValueError(f"method must be 'morris' or 'sobol'; found {method!r}")
    out = Path(out)
    regime = regime or Regime()
    scenario = Path(scenario) if scenario is not None else None
    scenario_obj = load_study_scenario(scenario)
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
            if key not in int_parameters and isinstance(lever_current(scenario_obj, key), int):
                params[key]["type"] = "int"
    spec = base_spec(
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
    run_sweep(spec, out / "sweep", executor=executor_or_serial(executor), progress=progress)
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
            **study_provenance(scenario_obj, scenario, function, master_seed),
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


