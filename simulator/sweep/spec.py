"""Sweep specifications: what to vary, how many replicates, which seed, what to keep.

A sweep is a YAML file (flat, or under a top-level ``sweep:`` key) validated into a
:class:`SweepSpec`; unknown keys are rejected and every error names the file, the key
path, what was expected and what was found (like :class:`simulator.scenario.ScenarioError`).

.. code-block:: yaml

    sweep:
      scenario: ../scenarios/baseline.yaml   # relative to this file
      design: grid                           # grid | points | lhs | sobol | morris | saltelli
      parameters:
        recruit.cohort_size: [0, 10, 20, 40, 80]          # a list is shorthand for values
        develop.fellow_coaching: {low: 0.0, high: 1.0, num: 3}
      fixed: {recruit.end_year: 6}           # applied to every run
      replicates: 20
      master_seed: 20240601
      outcomes: [final_learning, learning_gain]
      timeseries: {outcomes: [learning_mean, engaged_share], every: 12}  # optional

A spec expands into a design table (one row a *point*, one column a parameter) and a
run table (``points x replicates`` rows). Run ids are replicate-major
(``run_id = replicate * n_points + point_id``), so the first runs of a sweep cover every
point once and a part-finished sweep is a balanced design. Each run's seed derives from
the master seed and the run id (:mod:`simulator.sweep.seeds`); with
``common_random_numbers: true`` all points of one replicate share a seed instead (a
variance-reduction device for comparing points, e.g. Morris elementary effects).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from .. import jsonio
from ..scenario.bounded_yaml import YAMLFileError, read_yaml
from ..scenario.errors import describe_value, problems_from_validation
from .errors import Problem, SweepError
from .seeds import design_rng, design_seed, run_seed

__all__ = [
    "ParameterSpec",
    "SweepSpec",
    "TimeseriesSpec",
    "load_sweep",
    "sweep_from_dict",
    "RESERVED_COLUMNS",
    "SAMPLED_DESIGNS",
]

Scalar = bool | int | float | str
ParamType = Literal["int", "float", "bool", "str"]

#: Column names a sweep writes itself; parameters and outcomes may not use them.
RESERVED_COLUMNS = (
    "run_id",
    "point_id",
    "replicate",
    "seed",
    "package_version",
    "scenario_hash",
    "spec_hash",
    "format_version",
)

#: Designs whose points are drawn, not enumerated (they need ``samples``).
SAMPLED_DESIGNS = ("lhs", "sobol", "morris", "saltelli")


#: Environment variable that overrides :data:`DEFAULT_MAX_RUNS`.
MAX_RUNS_ENV = "CLSIM_MAX_RUNS"
#: Most runs one sweep may hold. The run table of a sweep is built in memory before
#: the first run (measured at a million runs: 40 MB of table, 90 MB peak, and 50 s to
#: derive the seeds on this project's 2-core machine), so the cap keeps a typo such as
#: ``num: 100000`` on three parameters from allocating without bound; at 0.1-1 s a run a
#: million runs is days of one core. docs/install_and_errors.md has the figures.
DEFAULT_MAX_RUNS = 1_000_000


def max_runs() -> int:
    """The run cap in force: ``$CLSIM_MAX_RUNS`` when set to a positive integer."""
    raw = os.environ.get(MAX_RUNS_ENV, "").strip().replace("_", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_RUNS


class ParameterSpec(BaseModel):
    """How one dotted scenario key varies.

    Either an explicit list of ``values``, or a numeric range ``low``..``high`` (with
    ``num`` points for a grid; sampled designs draw inside the range). ``scale: log``
    spaces points geometrically. ``type`` fixes the column type (inferred otherwise:
    ``int`` when every value or both bounds are integers).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    values: list[Scalar] | None = Field(None, min_length=1)
    low: float | None = None
    high: float | None = None
    num: int | None = Field(None, ge=1, le=100_000)
    scale: Literal["linear", "log"] = "linear"
    type: ParamType | None = None

    @model_validator(mode="after")
    def _shape(self) -> ParameterSpec:
        if self.values is not None:
            if self.low is not None or self.high is not None or self.num is not None:
                raise ValueError("give either values or low/high(/num), not both")
            return self
        if self.low is None or self.high is None:
            raise ValueError("give values, or both low and high")
        if not self.high >= self.low:
            raise ValueError(f"high must be >= low; found low={self.low}, high={self.high}")
        if self.scale == "log" and self.low <= 0:
            raise ValueError(f"scale 'log' needs low > 0; found low={self.low}")
        return self

    @property
    def is_range(self) -> bool:
        """True when the parameter is a numeric range rather than a list of values."""
        return self.values is None

    def resolved_type(self) -> ParamType:
        """The column type: declared, or inferred from the values or bounds."""
        if self.type is not None:
            return self.type
        if self.values is not None:
            kinds = {type(v) for v in self.values}
            if kinds == {bool}:
                return "bool"
            if str in kinds:
                return "str"
            if kinds <= {int}:
                return "int"
            return "float"
        return "float"

    def axis_size_bound(self) -> int:
        """An upper bound on ``len(grid_values())``, computed without building it."""
        if self.values is not None:
            return len(self.values)
        num = self.num if self.num is not None else 2
        if self.resolved_type() == "int":
            num = min(num, int(math.floor(self.high)) - int(math.ceil(self.low)) + 2)
        return max(1, num)

    def grid_values(self) -> list[Scalar]:
        """The values of this parameter in a full-factorial grid."""
        if self.values is not None:
            return [self.cast(v) for v in self.values]
        num = self.num if self.num is not None else 2
        if self.scale == "log":
            raw = np.geomspace(self.low, self.high, num)
        else:
            raw = np.linspace(self.low, self.high, num)
        out = [self.cast(v) for v in raw]
        # Rounding an int range can repeat values; keep the first of each.
        return list(dict.fromkeys(out))

    def from_unit(self, u: np.ndarray) -> list[Scalar]:
        """Map points of the unit interval onto this parameter (for sampled designs)."""
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.values is not None:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.cast(self.values[i]) for i in idx]
        if self.scale == "log":
            lo, hi = math.log(self.low), math.log(self.high)
            raw = np.exp(lo + u * (hi - lo))
        else:
            raw = self.low + u * (self.high - self.low)
        return [self.cast(v) for v in raw]

    def cast(self, value: Any) -> Scalar:
        """Convert one value to the parameter's Python type (native, not numpy)."""
        kind = self.resolved_type()
        if isinstance(value, np.generic):
            value = value.item()
        if kind == "int":
            return int(round(float(value)))
        if kind == "float":
            return float(value)
        if kind == "bool":
            return bool(value)
        return str(value)


class TimeseriesSpec(BaseModel):
    """Keep monthly indicators of every run, as a second dataset keyed by run id.

    ``outcomes`` are indicator names (:data:`simulator.indicators.INDICATORS`), ``every``
    the sampling interval in months (1 keeps every month; the last month is always kept).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcomes: list[str] = Field(..., min_length=1, max_length=200)
    every: int = Field(1, ge=1, le=1200)


class SweepSpec(BaseModel):
    """A validated sweep: base scenario (or function), design, replicates, seed, outcomes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field("sweep", max_length=200, description="Short name for tables and reports.")
    description: str = Field("", max_length=5000, description="What the sweep is for.")
    scenario: str | None = Field(
        None, description="Base scenario file, relative to the sweep file (or absolute)."
    )
    function: str | None = Field(
        None,
        description="Instead of a scenario: 'module:callable' taking (params, seed) and "
        "returning a mapping of named outcomes.",
    )
    steps: int | None = Field(
        None, ge=1, le=100_000, description="Months per run (None: scenario)."
    )
    design: Literal["grid", "points", "lhs", "sobol", "morris", "saltelli"] = "grid"
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    points: list[dict[str, Scalar]] | None = Field(None, min_length=1)
    samples: int | None = Field(
        None,
        ge=1,
        le=10_000_000,
        description="Sampled designs: points (lhs, sobol), trajectories (morris), "
        "base N (saltelli).",
    )
    morris_levels: int = Field(4, ge=2, le=100, description="Grid levels of the Morris design.")
    second_order: bool = Field(False, description="Saltelli design: also second-order indices.")
    fixed: dict[str, Scalar] = Field(default_factory=dict, description="Overrides for every run.")
    replicates: int = Field(1, ge=1, le=1_000_000)
    master_seed: int = Field(..., ge=0, lt=2**63)
    common_random_numbers: bool = False
    outcomes: list[str] | None = Field(None, min_length=1)
    timeseries: TimeseriesSpec | None = Field(
        None, description="Also keep monthly indicators of every run (a second dataset)."
    )

    _source: str = PrivateAttr("<dict>")
    _base_dir: Path | None = PrivateAttr(None)

    @model_validator(mode="before")
    @classmethod
    def _list_shorthand(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("parameters"), dict):
            params = {}
            for key, value in data["parameters"].items():
                params[key] = {"values": value} if isinstance(value, list) else value
            data = {**data, "parameters": params}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        if (self.scenario is None) == (self.function is None):
            raise ValueError("give exactly one of 'scenario' or 'function'")
        if self.function is not None and ":" not in self.function:
            raise ValueError(
                f"function must look like 'package.module:callable'; found {self.function!r}"
            )
        if self.design == "points":
            if not self.points:
                raise ValueError("design 'points' needs a non-empty 'points' list")
            if self.parameters:
                raise ValueError(
                    "design 'points' takes its parameters from 'points'; drop 'parameters'"
                )
            keys = set(self.points[0])
            for i, point in enumerate(self.points):
                if set(point) != keys:
                    raise ValueError(
                        f"every point must set the same keys; point 0 sets {sorted(keys)}, "
                        f"point {i} sets {sorted(point)}"
                    )
        else:
            if self.points is not None:
                raise ValueError(f"'points' is only for design 'points'; design is {self.design!r}")
            if not self.parameters:
                raise ValueError(f"design {self.design!r} needs at least one entry in 'parameters'")
        if self.design in SAMPLED_DESIGNS:
            if self.samples is None:
                raise ValueError(f"design {self.design!r} needs 'samples'")
            for key, par in self.parameters.items():
                if par.num is not None:
                    raise ValueError(f"parameters.{key}.num is only for design 'grid'")
                if self.design in ("morris", "saltelli") and not par.is_range:
                    raise ValueError(
                        f"design {self.design!r} needs numeric ranges; "
                        f"parameters.{key} gives values"
                    )
            if self.design in ("sobol", "saltelli") and self.samples & (self.samples - 1):
                raise ValueError(
                    f"design {self.design!r} needs samples to be a power of two (balance "
                    f"properties of Sobol' sequences); found {self.samples}"
                )
        elif self.samples is not None:
            raise ValueError(f"'samples' is only for sampled designs {SAMPLED_DESIGNS}")
        if self.design == "grid":
            for key, par in self.parameters.items():
                if par.is_range and par.num is None:
                    raise ValueError(f"design 'grid' needs parameters.{key}.num (or values)")
        names = list(self.parameter_names)
        clash = [n for n in names + list(self.outcomes or []) if n in RESERVED_COLUMNS]
        if clash:
            raise ValueError(f"names reserved for sweep columns: {clash}")
        both = sorted(set(names) & set(self.fixed))
        if both:
            raise ValueError(f"keys both varied and fixed: {both}")
        both = sorted(set(names) & set(self.outcomes or []))
        if both:
            raise ValueError(f"keys both parameters and outcomes: {both}")
        limit = max_runs()
        if self.n_runs > limit:
            raise ValueError(
                f"at most {limit:,} runs (points x replicates; set {MAX_RUNS_ENV} to raise "
                f"the cap, or use fewer values, replicates or a sampled design); found "
                f"{self.n_points:,} points x {self.replicates:,} replicates = {self.n_runs:,} runs"
            )
        return self

    # -- identity --------------------------------------------------------------------

    @property
    def source(self) -> str:
        """The file the spec came from (``<dict>`` when built in code)."""
        return self._source

    @property
    def base_dir(self) -> Path:
        """Directory that relative paths (the scenario) are resolved against."""
        return self._base_dir if self._base_dir is not None else Path.cwd()

    def with_source(self, source: str, base_dir: Path | None) -> SweepSpec:
        """Record where this spec came from (for messages and relative paths)."""
        self._source = source
        self._base_dir = base_dir
        return self

    def canonical(self) -> dict[str, Any]:
        """The spec content that defines the runs (no name, description or file path)."""
        data = self.model_dump(mode="json", exclude={"name", "description", "scenario"})
        if data.get("timeseries") is None:
            data.pop("timeseries", None)  # specs without it keep the hashes they had
        data["parameters"] = {
            k: {f: v for f, v in p.items() if v is not None} for k, p in data["parameters"].items()
        }
        return data

    def content_hash(self) -> str:
        """SHA-256 of :meth:`canonical`; the scenario content is hashed separately."""
        text = jsonio.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def scenario_path(self) -> Path | None:
        """The base scenario's path, resolved against :attr:`base_dir`."""
        if self.scenario is None:
            return None
        path = Path(self.scenario).expanduser()
        return path if path.is_absolute() else (self.base_dir / path)

    # -- design ----------------------------------------------------------------------

    @property
    def parameter_names(self) -> tuple[str, ...]:
        """The varied keys, in column order."""
        if self.design == "points":
            return tuple(self.points[0]) if self.points else ()
        return tuple(self.parameters)

    def parameter_types(self) -> dict[str, ParamType]:
        """Column type of every varied key."""
        if self.design == "points":
            out: dict[str, ParamType] = {}
            for key in self.parameter_names:
                par = ParameterSpec(values=[p[key] for p in self.points])
                out[key] = par.resolved_type()
            return out
        return {k: p.resolved_type() for k, p in self.parameters.items()}

    def salib_problem(self) -> dict[str, Any]:
        """The SALib problem on the unit cube (inputs are scaled to ranges afterwards)."""
        names = list(self.parameter_names)
        return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}

    def unit_design(self) -> np.ndarray:
        """Sampled designs: the points on the unit cube, shape ``(n_points, n_parameters)``.

        Deterministic in the master seed; SALib's analysers need exactly this matrix.
        """
        d = len(self.parameter_names)
        n = int(self.samples or 0)
        if self.design == "lhs":
            from scipy.stats import qmc

            return qmc.LatinHypercube(d, rng=design_rng(self.master_seed)).random(n)
        if self.design == "sobol":
            from scipy.stats import qmc

            return qmc.Sobol(d, scramble=True, rng=design_rng(self.master_seed)).random(n)
        if self.design == "morris":
            from SALib.sample import morris

            return morris.sample(
                self.salib_problem(),
                n,
                num_levels=self.morris_levels,
                seed=design_seed(self.master_seed),
            )
        if self.design == "saltelli":
            from SALib.sample import sobol

            return sobol.sample(
                self.salib_problem(),
                n,
                calc_second_order=self.second_order,
                scramble=True,
                seed=design_seed(self.master_seed),
            )
        raise ValueError(f"design {self.design!r} is not sampled")

    def design_table(self) -> pd.DataFrame:
        """One row a point (``point_id`` index), one column a varied key, native types."""
        names = list(self.parameter_names)
        if self.design == "grid":
            axes = [self.parameters[k].grid_values() for k in names]
            rows = list(itertools.product(*axes))
        elif self.design == "points":
            types = self.parameter_types()
            rows = [
                tuple(ParameterSpec(values=[p[k]], type=types[k]).cast(p[k]) for k in names)
                for p in self.points
            ]
        else:
            unit = self.unit_design()
            cols = [self.parameters[k].from_unit(unit[:, j]) for j, k in enumerate(names)]
            rows = list(zip(*cols, strict=True))
        table = pd.DataFrame(rows, columns=names)
        table.index.name = "point_id"
        return table

    @property
    def n_points(self) -> int:
        """Number of design points."""
        if self.design == "grid":
            # an upper bound without building the axes (int ranges may repeat values);
            # exact once every axis is small enough to build
            sizes = [p.axis_size_bound() for p in self.parameters.values()]
            if math.prod(sizes) > max_runs():
                return math.prod(sizes)
            return math.prod(len(p.grid_values()) for p in self.parameters.values())
        if self.design == "points":
            return len(self.points or [])
        d = len(self.parameters)
        n = int(self.samples or 0)
        if self.design == "morris":
            return n * (d + 1)
        if self.design == "saltelli":
            return n * (2 * d + 2 if self.second_order else d + 2)
        return n

    @property
    def n_runs(self) -> int:
        """Number of runs: points times replicates."""
        return self.n_points * self.replicates

    def run_table(self) -> pd.DataFrame:
        """Every run: ``run_id``, ``point_id``, ``replicate``, ``seed`` and the varied keys.

        Run ids are replicate-major; seeds derive from (master seed, run id), or from
        (master seed, replicate) under common random numbers.
        """
        design = self.design_table()
        n_points = len(design)
        replicate = np.repeat(np.arange(self.replicates, dtype=np.int64), n_points)
        point_id = np.tile(np.arange(n_points, dtype=np.int64), self.replicates)
        run_id = replicate * n_points + point_id
        if self.common_random_numbers:
            per_rep = [run_seed(self.master_seed, r) for r in range(self.replicates)]
            seeds = np.asarray(per_rep, dtype=np.int64)[replicate]
        else:
            seeds = np.array([run_seed(self.master_seed, int(r)) for r in run_id], dtype=np.int64)
        runs = pd.DataFrame(
            {"run_id": run_id, "point_id": point_id, "replicate": replicate, "seed": seeds}
        )
        params = design.reset_index(drop=True).iloc[point_id].reset_index(drop=True)
        return pd.concat([runs, params], axis=1)


def sweep_from_dict(
    data: dict[str, Any], source: str = "<dict>", base_dir: Path | None = None
) -> SweepSpec:
    """Validate a mapping into a :class:`SweepSpec`, or raise :class:`SweepError`."""
    try:
        spec = SweepSpec.model_validate(data)
    except ValidationError as exc:
        raise SweepError(source, problems_from_validation(exc)) from None
    return spec.with_source(source, base_dir)


def load_sweep(path: str | Path) -> SweepSpec:
    """Read a sweep YAML file (flat keys or a top-level ``sweep:`` section).

    A file whose top level holds ``sweep:`` beside scenario sections (``meta``,
    ``recruit``, ...) is a scenario with an embedded sweep: the scenario is the file
    itself without its ``sweep`` section.

    Raises:
        SweepError: missing file, bad YAML, or a spec that fails validation.
    """
    path = Path(path)
    try:
        data = read_yaml(path, "sweep file")
    except YAMLFileError as exc:
        raise SweepError(str(path), [exc.problem]) from None
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"{type(data).__name__}, not a mapping"
        raise SweepError(str(path), [Problem("(top level)", "a mapping of sweep keys", kind)])
    if "sweep" in data:
        section = data["sweep"]
        if not isinstance(section, dict):
            raise SweepError(str(path), [Problem("sweep", "a mapping", describe_value(section))])
        if len(data) > 1:
            if "scenario" in section or "function" in section:
                raise SweepError(
                    str(path),
                    [
                        Problem(
                            "sweep.scenario",
                            "no scenario key in a sweep embedded in a scenario "
                            "file (the file itself is the scenario)",
                            repr(section.get("scenario")),
                        )
                    ],
                )
            section = {**section, "scenario": path.name}
        data = section
    return sweep_from_dict(data, str(path), path.resolve().parent)
