"""What a sweep runs: a scenario through the model runner, or a plain function.

A *target* is a picklable callable ``target(params, seed) -> Mapping[str, float]``:
parameters in, named outcomes out (EMA Workbench's experiment runner shape). Executors
ship the target to workers once and then send only ``(run_id, seed, params)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem, SweepError
from .spec import SweepSpec

__all__ = [
    "ScenarioTarget",
    "TIMESERIES_KEY",
    "FunctionTarget",
    "Target",
    "build_target",
    "load_base_scenario",
    "validate_keys",
]

Target = Callable[[Mapping[str, Any], int], Mapping[str, float]]

#: Key under which a target returns a run's monthly indicators when the sweep keeps them:
#: ``{"month": [...], indicator: [...], ...}`` (plain lists, cheap to pickle).
TIMESERIES_KEY = "__timeseries__"

_FUNCTION_CACHE: dict[str, Callable[..., Mapping[str, float]]] = {}


def _resolve_function(ref: str) -> Callable[..., Mapping[str, float]]:
    if ref not in _FUNCTION_CACHE:
        module_name, _, attr = ref.partition(":")
        module = importlib.import_module(module_name)
        obj: Any = module
        for part in attr.split("."):
            obj = getattr(obj, part)
        _FUNCTION_CACHE[ref] = obj
    return _FUNCTION_CACHE[ref]


@dataclass(frozen=True)
class FunctionTarget:
    """Run ``module:callable(params, seed[, steps=...])`` (toy models, custom wrappers)."""

    ref: str
    steps: int | None = None

    def __call__(self, params: Mapping[str, Any], seed: int) -> Mapping[str, float]:
        """Evaluate the function for one run."""
        fn = _resolve_function(self.ref)
        if self.steps is None:
            return fn(dict(params), seed)
        return fn(dict(params), seed, steps=self.steps)


@dataclass(frozen=True)
class ScenarioTarget:
    """Run the model: ``simulator.runner.run_point(scenario, params, seed, steps)``."""

    scenario: Any  # simulator.scenario.Scenario (pydantic, picklable)
    steps: int | None = None
    timeseries: tuple[str, ...] = ()
    every: int = 1

    def __call__(self, params: Mapping[str, Any], seed: int) -> Mapping[str, Any]:
        """Build the model with the overrides and return its summary outcomes.

        With ``timeseries``, the chosen monthly indicators (every ``every`` months and
        the last month) come back too, under :data:`TIMESERIES_KEY`.
        """
        from simulator.runner import run_point, run_scenario

        if not self.timeseries:
            return run_point(self.scenario, dict(params), seed, self.steps)
        scenario = self.scenario.with_overrides(dict(params)) if params else self.scenario
        return self._outcomes(run_scenario(scenario, seed=seed, steps=self.steps))

    def _outcomes(self, result: Any) -> dict[str, Any]:
        """A run's outcomes (and its kept series) from its :class:`~simulator.runner.RunResult`."""
        if not self.timeseries:
            return dict(result.summary)
        ts = result.timeseries
        months = ts["month"].to_numpy()
        keep = (months % self.every == 0) | (months == months.max())
        series = {"month": [int(m) for m in months[keep]]}
        for name in self.timeseries:
            series[name] = [float(v) for v in ts[name].to_numpy()[keep]]
        return {**result.summary, TIMESERIES_KEY: series}

    def batch_size(self, workers: int = 1) -> int:
        """Runs to hand the ensemble engine at once (from the memory estimate)."""
        from simulator.ensemble import auto_batch_size

        return auto_batch_size(self.scenario, self.steps, workers)

    def run_batch(
        self, items: Sequence[tuple[Mapping[str, Any], int]], workers: int = 1
    ) -> list[tuple[Mapping[str, Any] | None, str | None]]:
        """Run many ``(params, seed)`` in the ensemble engine; one ``(outcomes, error)`` each.

        Runs that can share an engine (:func:`simulator.ensemble.plan_batches`) run
        together; each run's outcomes are those it gives alone. A batch that raises is
        run again run by run, so the error is reported against the run that raised.
        """
        import traceback

        from simulator.ensemble import plan_batches, run_ensemble

        out: list[tuple[Mapping[str, Any] | None, str | None]] = [(None, None)] * len(items)
        scenarios: list[Any] = []
        for k, (params, _seed) in enumerate(items):
            try:
                scenarios.append(self.scenario.with_overrides(dict(params)) if params else self.scenario)
            except Exception:  # noqa: BLE001 - reported against this run
                out[k] = (None, traceback.format_exc())
                scenarios.append(None)
        ok = [k for k, sc in enumerate(scenarios) if sc is not None]
        for batch in plan_batches([scenarios[k] for k in ok], self.steps, workers=workers):
            members = [ok[i] for i in batch]
            try:
                results = run_ensemble(
                    [scenarios[k] for k in members], [int(items[k][1]) for k in members], self.steps
                )
                for k, result in zip(members, results, strict=True):
                    out[k] = (self._outcomes(result), None)
            except Exception:  # noqa: BLE001 - rerun alone to name the run that raised
                for k in members:
                    try:
                        out[k] = (dict(self(items[k][0], int(items[k][1]))), None)
                    except Exception:  # noqa: BLE001
                        out[k] = (None, traceback.format_exc())
        return out


def load_base_scenario(path: Path) -> Any:
    """Load a scenario file; a top-level ``sweep:`` section in it is ignored.

    Raises:
        simulator.scenario.ScenarioError: the scenario is invalid.
    """
    from simulator.scenario import deep_merge, load_scenario, scenario_from_dict
    from simulator.scenario.bounded_yaml import YAMLFileError, read_yaml

    try:
        data = read_yaml(path, "scenario file")
    except YAMLFileError:
        return load_scenario(path)  # let the scenario loader phrase the error
    if not isinstance(data, dict) or "sweep" not in data:
        return load_scenario(path)
    data = dict(data)
    data.pop("sweep")
    parent = data.pop("extends", None)
    if parent is not None:
        base = load_scenario(Path(path).parent / str(parent)).to_dict()
        data = deep_merge(base, data)
    return scenario_from_dict(data, str(path))


def build_target(spec: SweepSpec) -> tuple[Target, str | None]:
    """The target of a spec and the base scenario's content hash (None for functions).

    Raises:
        SweepError: the scenario file is missing or invalid, or the function cannot be imported.
    """
    if spec.function is not None:
        try:
            _resolve_function(spec.function)
        except (ImportError, AttributeError) as exc:
            raise SweepError(
                spec.source,
                [
                    Problem(
                        "function", "an importable 'module:callable'", f"{spec.function!r} ({exc})"
                    )
                ],
            ) from None
        return FunctionTarget(spec.function, spec.steps), None
    from simulator.scenario import ScenarioError

    path = spec.scenario_path()
    assert path is not None
    if not path.is_file():
        raise SweepError(
            spec.source,
            [Problem("scenario", "an existing scenario file", f"{str(path)!r} (no such file)")],
        )
    try:
        scenario = load_base_scenario(path)
    except ScenarioError as exc:
        raise SweepError(spec.source, [Problem("scenario", "a valid scenario", str(exc))]) from None
    if spec.timeseries is not None:
        from simulator.indicators import INDICATORS

        unknown = [n for n in spec.timeseries.outcomes if n not in INDICATORS]
        if unknown:
            raise SweepError(
                spec.source,
                [
                    Problem(
                        "timeseries.outcomes",
                        f"monthly indicators (one of {sorted(INDICATORS)})",
                        repr(unknown),
                    )
                ],
            )
        target = ScenarioTarget(
            scenario, spec.steps, tuple(spec.timeseries.outcomes), spec.timeseries.every
        )
        return target, scenario.content_hash()
    return ScenarioTarget(scenario, spec.steps), scenario.content_hash()


def validate_keys(spec: SweepSpec, target: Target) -> None:
    """Check that every varied and fixed key is a scenario key with in-range values.

    Tries the fixed overrides with each parameter's extreme values (and each listed
    value), so a typo fails before thousands of runs start.

    Raises:
        SweepError: naming the sweep file, the key and the scenario's complaint.
    """
    if not isinstance(target, ScenarioTarget):
        return
    from simulator.scenario import ScenarioError

    design = spec.design_table()
    problems: list[Problem] = []
    for key in spec.parameter_names:
        column = design[key]
        values = list(dict.fromkeys(column.tolist()))
        if len(values) > 50:
            ordered = sorted(values)
            values = [ordered[0], ordered[-1]]
        for value in values:
            try:
                target.scenario.with_overrides({**spec.fixed, key: value}, source=spec.source)
            except ScenarioError as exc:
                found = "; ".join(p.render() for p in exc.problems)
                problems.append(
                    Problem(
                        f"parameters.{key}",
                        "a scenario key with valid values",
                        f"{value!r}: {found}",
                    )
                )
                break
    if not spec.parameter_names and spec.fixed:
        try:
            target.scenario.with_overrides(dict(spec.fixed), source=spec.source)
        except ScenarioError as exc:
            problems.append(Problem("fixed", "scenario keys with valid values", str(exc)))
    if problems:
        raise SweepError(spec.source, problems)
