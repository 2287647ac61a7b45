"""Parameter sweeps: specifications, seeds, executors, a resumable Parquet store.

A sweep is one long table: every input column beside every outcome column, one row a
run (EMA Workbench's shape). See ``docs/analysis.md``.

Typical use::

    from simulator.sweep import load_sweep, run_sweep, make_executor
    spec = load_sweep("sweeps/cohort.yaml")
    run = run_sweep(spec, "results/cohort", executor=make_executor("local", workers=4))
    table = run.table()
"""

from .errors import SweepError
from .execute import SweepRun, build_manifest, run_sweep
from .executors import (
    DaskExecutor,
    Executor,
    ProcessExecutor,
    RunTask,
    SerialExecutor,
    make_executor,
)
from .seeds import run_seed, run_seeds
from .spec import ParameterSpec, SweepSpec, load_sweep, sweep_from_dict
from .store import FORMAT_VERSION, ResultStore, read_manifest, read_results, read_timeseries
from .targets import FunctionTarget, ScenarioTarget, build_target

__all__ = [
    "SweepError",
    "SweepRun",
    "build_manifest",
    "run_sweep",
    "Executor",
    "SerialExecutor",
    "ProcessExecutor",
    "DaskExecutor",
    "RunTask",
    "make_executor",
    "run_seed",
    "run_seeds",
    "ParameterSpec",
    "SweepSpec",
    "load_sweep",
    "sweep_from_dict",
    "FORMAT_VERSION",
    "ResultStore",
    "read_manifest",
    "read_results",
    "read_timeseries",
    "FunctionTarget",
    "ScenarioTarget",
    "build_target",
]
