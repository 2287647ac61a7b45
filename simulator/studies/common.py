"""Shared pieces of the studies: analysis files, lever values, sweep specs, provenance.

Studies: run the sweeps an analysis needs, analyse the tables, write results and figures.

This is the layer above sweeps and analyses (the CLI calls it): a *study* builds sweep
specs, runs them resumably into a results directory, reads the tables back, analyses
them and writes ``analysis.json`` plus PNG figures. Rerunning the same command resumes
the sweeps and redoes only the (cheap) analysis.

Layout of a tipping study's directory::

    OUT/analysis.json        kind, options, estimates, provenance
    OUT/sweep/               main sweep (lever x seeds), a results store; its
                             _timeseries/ holds every run's monthly leader counts and
                             early-warning series
    OUT/hysteresis/          the same with the strategy stopped early
    OUT/figures/*.png
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulator.sweep.executors import Executor, SerialExecutor
from simulator.sweep.spec import SweepSpec, sweep_from_dict
from simulator.sweep.store import package_version, read_results

from .. import jsonio
from ..jsonio import write_json

__all__ = [
    "default_lever_values",
    "parse_values",
    "write_analysis",
    "read_analysis",
    "ANALYSIS_FILE",
    "DEFAULT_MASTER_SEED",
    "results_table",
    "lever_current",
    "base_spec",
    "load_study_scenario",
    "study_provenance",
    "executor_or_serial",
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
    """Write ``analysis.json`` atomically, as strict JSON (a missing number is ``null``)."""
    out.mkdir(parents=True, exist_ok=True)
    return write_json(out / ANALYSIS_FILE, data, default=_json_default, record_nonfinite=True)


def read_analysis(out: str | Path) -> dict[str, Any]:
    """Read ``analysis.json`` of a study directory."""
    return jsonio.loads((Path(out) / ANALYSIS_FILE).read_text(encoding="utf-8"))


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


def lever_current(scenario: Any, lever: str) -> Any:
    """The scenario's effective value of a dotted lever key (schedules resolved).

    Raises:
        KeyError: the key is not a scenario key.
    """
    node: Any = scenario
    for key in lever.replace("__", ".").split("."):
        if not hasattr(node, key) or key.startswith("_"):
            raise KeyError(f"{lever!r} is not a scenario key")
        node = getattr(node, key)
    return node


def default_lever_values(scenario: Any, lever: str, num: int = 17) -> list[float | int]:
    """``num`` evenly spaced values from 0 to the scenario's own value of the lever.

    Raises:
        ValueError: the scenario's value is zero or not a number (give ``--values``).
    """
    current = lever_current(scenario, lever)
    if isinstance(current, bool) or not isinstance(current, int | float) or current <= 0:
        raise ValueError(
            f"cannot choose default values for {lever} (scenario value {current!r}); give --values"
        )
    raw = np.linspace(0.0, float(current), num)
    if isinstance(current, int):
        return list(dict.fromkeys(int(round(v)) for v in raw))
    return [float(v) for v in raw]


def base_spec(
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
    timeseries: dict[str, Any] | None = None,
) -> SweepSpec:
    """A sweep spec over ``parameters`` for a scenario file or a function target."""
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
    if timeseries and function is None:
        data["timeseries"] = timeseries
    if function is not None:
        data["function"] = function
    else:
        assert scenario is not None
        data["scenario"] = str(Path(scenario).resolve())
    return sweep_from_dict(data, source=f"<{name}>")


def load_study_scenario(scenario: Path | None) -> Any:
    """Load a study's base scenario (None for a function target)."""
    if scenario is None:
        return None
    from simulator.sweep.targets import load_base_scenario

    return load_base_scenario(Path(scenario))


def study_provenance(
    scenario_obj: Any,
    scenario: Path | None,
    function: str | None,
    master_seed: int | None = None,
) -> dict[str, Any]:
    """Provenance of a study (:func:`simulator.provenance.provenance`) plus its scenario.

    Code version and git state, dependency versions, Python, platform, command line,
    scenario file, name, content hash and every parameter, the stand-in function and the
    master seed every run seed derives from.
    """
    from simulator.provenance import provenance

    record = provenance(
        scenario=scenario_obj,
        scenario_path=scenario,
        master_seed=master_seed,
        extra={
            "package_version": package_version(),
            "function": function,
            "scenario_content": scenario_obj.to_dict() if scenario_obj is not None else None,
        },
    )
    record.setdefault("scenario", str(scenario) if scenario is not None else None)
    record.setdefault("scenario_name", None)
    record.setdefault("scenario_hash", None)
    return record


def executor_or_serial(executor: Executor | None) -> Executor:
    """The given executor, or a serial one."""
    return executor if executor is not None else SerialExecutor()


def results_table(out: str | Path, name: str = "sweep") -> pd.DataFrame:
    """The table of one of a study's sweeps."""
    return read_results(Path(out) / name)
