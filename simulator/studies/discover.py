"""The discovery study: where in lever space does the system tip (PRIM boxes, CART)?

Two ways in:

* an existing sweep directory (any design; a Latin hypercube over several levers is the
  usual one): its table is read and analysed;
* a scenario and lever ranges: a Latin-hypercube sweep is run first, resumably, into
  ``OUT/sweep``.

Writes ``OUT/analysis.json`` (``kind: discover``) and ``OUT/figures/`` (``peeling.png``,
``box.png``, ``tree.png``); ``clsim report OUT`` renders them. Analysis:
:mod:`simulator.analysis.discovery`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

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

__all__ = ["discover_study"]


def discover_study(
    out: str | Path,
    *,
    sweep_dir: str | Path | None = None,
    scenario: str | Path | None = None,
    parameters: dict[str, tuple[float, float]] | None = None,
    choices: dict[str, Sequence[Any]] | None = None,
    samples: int = 200,
    seeds: int = 1,
    inputs: Sequence[str] | None = None,
    regime: Regime | None = None,
    min_density: float = 0.8,
    max_boxes: int = 3,
    master_seed: int = DEFAULT_MASTER_SEED,
    steps: int | None = None,
    executor: Executor | None = None,
    progress: bool = True,
    function: str | None = None,
) -> dict[str, Any]:
    """Find boxes of lever space where runs tip.

    Args:
        out: the study directory.
        sweep_dir: an existing sweep results directory to analyse (no runs), or None.
        scenario: base scenario of the Latin-hypercube sweep to run (with ``parameters``).
        parameters: ``key: (low, high)`` numeric ranges (integer keys stay integers).
        choices: ``key: [values]`` choice levers, sampled uniformly.
        samples: Latin-hypercube points.
        seeds: replicates per point.
        inputs: columns to search over (default: the sweep's varied parameters).
        regime: what counts as tipping (default ``learning_gain >= 0.10``).
        min_density: PRIM reports the highest-coverage box at least this dense.
        max_boxes: boxes PRIM looks for.
        master_seed: the design and every run's seed derive from it.
        steps: months per run.
        executor: where runs execute.
        progress: show progress bars.
        function: ``module:callable`` stand-in for the model (tests, demos).
    """
    from simulator.analysis.discovery import cart_leaves, discover
    from simulator.figures import discovery as figures
    from simulator.figures.studies import save

    out = Path(out)
    regime = regime or Regime()
    if sweep_dir is not None:
        source = Path(sweep_dir)
        manifest = read_manifest(source)
        table = read_results(source)
        names = list(inputs or manifest.get("parameters") or [])
        scenario_path = manifest.get("scenario")
        scenario_obj = load_study_scenario(Path(scenario_path)) if scenario_path else None
        provenance = {
            **study_provenance(scenario_obj, Path(scenario_path) if scenario_path else None, manifest.get("function"), manifest.get("spec", {}).get("master_seed")),
            "sweeps": {"main": manifest["spec_hash"]},
            "sweep_dir": str(source.resolve()),
        }
        options: dict[str, Any] = {"sweep_dir": str(source), "inputs": names}
    else:
        if not parameters and not choices:
            raise ValueError("give a sweep directory, or lever ranges (--param KEY=LOW:HIGH) to sample")
        scenario = Path(scenario) if scenario is not None else None
        scenario_obj = load_study_scenario(scenario)
        params: dict[str, Any] = {}
        for key, (lo, hi) in (parameters or {}).items():
            spec: dict[str, Any] = {"low": float(lo), "high": float(hi)}
            if scenario_obj is not None:
                current = lever_current(scenario_obj, key)
                if isinstance(current, int) and not isinstance(current, bool):
                    spec["type"] = "int"
            params[key] = spec
        for key, values in (choices or {}).items():
            params[key] = {"values": list(values)}
        design = base_spec(
            "discover",
            scenario,
            function,
            params,
            seeds,
            master_seed,
            steps,
            design="lhs",
            samples=samples,
        )
        run_sweep(design, out / "sweep", executor=executor_or_serial(executor), progress=progress)
        table = read_results(out / "sweep")
        names = list(inputs or design.parameter_names)
        provenance = {
            **study_provenance(scenario_obj, scenario, function, master_seed),
            "sweeps": {"main": read_manifest(out / "sweep")["spec_hash"]},
        }
        options = {
            "parameters": {k: list(v) for k, v in (parameters or {}).items()},
            "choices": {k: list(v) for k, v in (choices or {}).items()},
            "samples": samples,
            "seeds": seeds,
            "design": "lhs",
            "master_seed": master_seed,
            "steps": steps,
        }
    result = discover(
        table, names, regime, min_density=min_density, max_boxes=max_boxes, seed=master_seed % (2**32)
    )
    options.update(regime=regime.to_dict(), min_density=min_density, max_boxes=max_boxes, inputs=names)
    data: dict[str, Any] = {
        "kind": "discover",
        "options": options,
        "provenance": provenance,
        "discovery": result.to_dict(),
        "summary": result.summary(),
    }
    fig_dir = out / "figures"
    save(figures.peeling_figure(data["discovery"]), fig_dir / "peeling.png")
    cases = regime.classify(table.reset_index(drop=True), names[0]).astype(bool)
    box = figures.box_figure(data["discovery"], table.reset_index(drop=True), cases)
    if box is not None:
        save(box, fig_dir / "box.png")
    from simulator.analysis.discovery import _prepare

    x = _prepare(table.reset_index(drop=True), result.inputs)
    _, _, tree, features = cart_leaves(x, np.asarray(cases, dtype=int), seed=master_seed % (2**32))
    save(figures.tree_figure(tree, features), fig_dir / "tree.png")
    write_analysis(out, data)
    return data
