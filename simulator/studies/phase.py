"""The phase study: a two-lever grid and where the system tips across it."""

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
    load_study_scenario,
    study_provenance,
    write_analysis,
)

__all__ = ["phase_study"]


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
    from simulator.analysis.phase import phase_diagram
    from simulator.figures import studies as figures

    out = Path(out)
    regime = regime or Regime()
    scenario = Path(scenario) if scenario is not None else None
    scenario_obj = load_study_scenario(scenario)
    spec = base_spec(
        "phase",
        scenario,
        function,
        {x: {"values": list(x_values)}, y: {"values": list(y_values)}},
        seeds,
        master_seed,
        steps,
    )
    run_sweep(spec, out / "sweep", executor=executor_or_serial(executor), progress=progress)
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
            **study_provenance(scenario_obj, scenario, function, master_seed),
            "sweeps": {"main": read_manifest(out / "sweep")["spec_hash"]},
        },
        "phase": diagram.to_dict(),
        "summary": diagram.summary(),
    }
    figures.save(figures.phase_figure(data["phase"]), out / "figures" / "phase.png")
    write_analysis(out, data)
    return data


