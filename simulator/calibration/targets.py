"""The calibration targets file: what the seeds report, written once, checked strictly.

``calibration/targets.yaml`` lists the scenarios a calibration runs and the targets it
must meet (pattern-oriented modelling, Grimm et al. 2005, *Science* 310, 987: several
patterns at once filter the plausible parameter space). A target is either

* **quantitative**: a summary statistic with a ``value`` or a ``range`` and its stated
  ``uncertainty`` (the distance counts a deviation in units of that uncertainty), or
* **qualitative**: a ``constraint`` (``above`` / ``below`` a bound) that a parameter set
  must satisfy; ``scale`` converts a violation into distance units.

Each target names its ``source`` (seed file and quote), the ``scenario`` it applies to and
the ``statistic`` (a function of :mod:`simulator.calibration.statistics`) with its
arguments. A scenario entry names a scenario file, the overrides that size it for
calibration, its run length, replicates per evaluation and any *nuisance* inputs: values
the seeds leave uncertain (Telangana's baseline learning, 0.30-0.45) that the
calibration integrates over with a uniform prior instead of fixing.

Errors name the file, the key path, what was expected and what was found, like
:class:`simulator.scenario.ScenarioError`.

.. code-block:: yaml

    version: 1
    scenarios:
      telangana:
        file: ../scenarios/telangana_collectives.yaml
        steps: 72
        overrides: {system.clusters_per_district: 8, convene.collectives.clusters: 8}
        nuisance: {population.baseline_learning: [0.30, 0.45]}
    targets:
      telangana_ratio:
        kind: quantitative
        scenario: telangana
        statistic: {name: cluster_ratio, args: {month: 36, treated_clusters: 8}}
        value: 1.61
        uncertainty: 0.15
        source: {seed: 003_d96dfa7649aa46e6.txt, quote: "61% more children in Grade 5 ..."}
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from simulator import jsonio
from simulator.scenario.errors import Problem, describe_value, problems_from_validation

from .statistics import check_arguments

__all__ = [
    "TargetsError",
    "CalibrationStoreError",
    "Source",
    "StatisticRef",
    "Constraint",
    "ScenarioEntry",
    "Target",
    "TargetsFile",
    "load_targets",
    "targets_from_dict",
    "MAX_FILE_BYTES",
]

#: Largest targets file read (bytes); YAML aliases are rejected outright.
MAX_FILE_BYTES = 1_000_000

Scalar = bool | int | float | str


class TargetsError(ValueError):
    """A targets file is malformed; carries the file and the problems."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        """The message shown to the user (no traceback)."""
        head = f"invalid targets {self.source}"
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0].render()}"
        lines = "\n".join(f"  - {p.render()}" for p in self.problems)
        return f"{head}: {len(self.problems)} problems\n{lines}"


class CalibrationStoreError(TargetsError):
    """A results directory cannot hold or continue this calibration."""

    def render(self) -> str:
        """The message shown to the user (no traceback)."""
        head = f"cannot continue the calibration in {self.source}"
        if len(self.problems) == 1:
            return f"{head}: {self.problems[0].render()}"
        lines = "\n".join(f"  - {p.render()}" for p in self.problems)
        return f"{head}: {len(self.problems)} problems\n{lines}"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where a target comes from: a seed file and the words it rests on."""

    seed: str = Field(..., min_length=1, max_length=200, description="Seed file name.")
    quote: str = Field(..., min_length=1, max_length=2000, description="The seed's words.")


class StatisticRef(_Strict):
    """A statistic of :mod:`simulator.calibration.statistics` and its arguments."""

    name: str
    args: dict[str, Scalar] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> StatisticRef:
        problem = check_arguments(self.name, dict(self.args))
        if problem is not None:
            raise ValueError(f"statistic {self.name!r} with {dict(self.args)}: expected {problem}")
        return self


class Constraint(_Strict):
    """A qualitative constraint: the statistic must be ``above`` and/or ``below`` a bound."""

    above: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one(self) -> Constraint:
        if self.above is None and self.below is None:
            raise ValueError("a constraint needs 'above' or 'below'")
        if self.above is not None and self.below is not None and self.above >= self.below:
            raise ValueError(f"above ({self.above}) must be below below ({self.below})")
        return self

    def violation(self, value: float) -> float:
        """How far ``value`` lies outside the allowed side (0 when satisfied)."""
        out = 0.0
        if self.above is not None and value < self.above:
            out = max(out, self.above - value)
        if self.below is not None and value > self.below:
            out = max(out, value - self.below)
        return out

    def describe(self) -> str:
        """``> 0.05``, ``< 0.5`` or ``in (a, b)``."""
        if self.above is not None and self.below is not None:
            return f"in ({self.above:g}, {self.below:g})"
        if self.above is not None:
            return f">= {self.above:g}"
        return f"<= {self.below:g}"


class ScenarioEntry(_Strict):
    """A scenario a calibration runs for every parameter set."""

    file: str = Field(..., description="Scenario file, relative to the targets file.")
    description: str = Field("", max_length=2000)
    overrides: dict[str, Scalar] = Field(
        default_factory=dict, description="Dotted-key overrides (e.g. a smaller system)."
    )
    steps: int | None = Field(None, ge=1, le=1200, description="Months (default: scenario's).")
    replicates: int = Field(
        1, ge=1, le=100, description="Runs averaged per evaluation (statistics are means)."
    )
    nuisance: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="Inputs the seeds leave uncertain: dotted key -> [low, high], "
        "integrated over with a uniform prior.",
    )

    @model_validator(mode="after")
    def _ranges(self) -> ScenarioEntry:
        for key, (low, high) in self.nuisance.items():
            if not low < high:
                raise ValueError(f"nuisance {key}: low must be below high; found [{low}, {high}]")
            if key in self.overrides:
                raise ValueError(f"{key} is both an override and a nuisance input")
        return self


class Target(_Strict):
    """One pattern the calibrated model must reproduce."""

    kind: Literal["quantitative", "qualitative"]
    description: str = Field("", max_length=2000)
    scenario: str
    statistic: StatisticRef
    source: Source
    value: float | None = None
    range: tuple[float, float] | None = None
    uncertainty: float | None = Field(None, gt=0)
    constraint: Constraint | None = None
    scale: float | None = Field(None, gt=0)

    @model_validator(mode="after")
    def _shape(self) -> Target:
        if self.kind == "quantitative":
            if (self.value is None) == (self.range is None):
                raise ValueError("a quantitative target needs exactly one of 'value' or 'range'")
            if self.uncertainty is None:
                raise ValueError("a quantitative target needs 'uncertainty' (> 0)")
            if self.range is not None and not self.range[0] < self.range[1]:
                raise ValueError(f"range must be [low, high] with low < high; found {self.range}")
            if self.constraint is not None or self.scale is not None:
                raise ValueError("'constraint' and 'scale' are for qualitative targets")
        else:
            if self.constraint is None or self.scale is None:
                raise ValueError("a qualitative target needs 'constraint' and 'scale' (> 0)")
            if self.value is not None or self.range is not None or self.uncertainty is not None:
                raise ValueError("'value', 'range' and 'uncertainty' are for quantitative targets")
        return self

    @property
    def centre(self) -> float:
        """The target value (a range's midpoint; a constraint's bound)."""
        if self.value is not None:
            return float(self.value)
        if self.range is not None:
            return 0.5 * (self.range[0] + self.range[1])
        assert self.constraint is not None
        bounds = [b for b in (self.constraint.above, self.constraint.below) if b is not None]
        return float(sum(bounds) / len(bounds))

    def score(self, value: float) -> float:
        """Distance units: ``|value - target| / uncertainty`` (0 inside a range).

        A qualitative target scores 0 when its constraint holds and
        ``1 + violation / scale`` when it does not, so a score of at most 1 means *met*
        for both kinds. NaN (the statistic could not be computed) scores ``inf``.
        """
        if value != value:  # NaN
            return float("inf")
        if self.kind == "quantitative":
            assert self.uncertainty is not None
            if self.range is not None:
                lo, hi = self.range
                dev = max(lo - value, 0.0, value - hi)
            else:
                dev = abs(value - float(self.value))  # type: ignore[arg-type]
            return dev / self.uncertainty
        assert self.constraint is not None and self.scale is not None
        violation = self.constraint.violation(value)
        return 0.0 if violation == 0.0 else 1.0 + violation / self.scale

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the target (score at most 1)."""
        return self.score(value) <= 1.0

    def describe(self) -> str:
        """``1.61 ± 0.15``, ``[144, 264] ± 24`` or ``<= 0.05``."""
        if self.kind == "qualitative":
            assert self.constraint is not None
            return self.constraint.describe()
        if self.range is not None:
            return f"[{self.range[0]:g}, {self.range[1]:g}] ± {self.uncertainty:g}"
        return f"{self.value:g} ± {self.uncertainty:g}"


class TargetsFile(_Strict):
    """A whole targets file: scenarios and targets."""

    version: Literal[1] = 1
    description: str = Field("", max_length=5000)
    scenarios: dict[str, ScenarioEntry] = Field(..., min_length=1)
    targets: dict[str, Target] = Field(..., min_length=1)

    _source: str = PrivateAttr("<dict>")
    _base_dir: Path | None = PrivateAttr(None)

    @model_validator(mode="after")
    def _references(self) -> TargetsFile:
        unknown = {n: t.scenario for n, t in self.targets.items() if t.scenario not in self.scenarios}
        if unknown:
            name, ref = next(iter(unknown.items()))
            raise ValueError(
                f"target {name!r} names scenario {ref!r}; expected one of {sorted(self.scenarios)}"
            )
        unused = sorted(set(self.scenarios) - {t.scenario for t in self.targets.values()})
        if unused:
            raise ValueError(f"scenarios {unused} are used by no target")
        return self

    @property
    def source(self) -> str:
        """The file the targets came from."""
        return self._source

    @property
    def base_dir(self) -> Path:
        """Directory scenario files are resolved against."""
        return self._base_dir if self._base_dir is not None else Path.cwd()

    def scenario_path(self, name: str) -> Path:
        """The resolved path of scenario entry ``name``."""
        path = Path(self.scenarios[name].file).expanduser()
        return path if path.is_absolute() else self.base_dir / path

    def nuisance_keys(self) -> dict[str, tuple[str, str, float, float]]:
        """Prior name -> (scenario, dotted key, low, high) of every nuisance input."""
        out = {}
        for scen, entry in self.scenarios.items():
            for key, (low, high) in entry.nuisance.items():
                out[f"{scen}/{key}"] = (scen, key, float(low), float(high))
        return out

    def content_hash(self) -> str:
        """SHA-256 of the canonical content (scenario files are hashed by the study)."""
        text = jsonio.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def with_source(self, source: str, base_dir: Path | None) -> TargetsFile:
        """Record where this file came from."""
        self._source = source
        self._base_dir = base_dir
        return self


def targets_from_dict(
    data: Any, source: str = "<dict>", base_dir: Path | None = None
) -> TargetsFile:
    """Validate a mapping into a :class:`TargetsFile`, or raise :class:`TargetsError`."""
    if not isinstance(data, dict):
        raise TargetsError(source, [Problem("(top level)", "a mapping", describe_value(data))])
    try:
        parsed = TargetsFile.model_validate(data)
    except ValidationError as exc:
        raise TargetsError(source, problems_from_validation(exc)) from None
    parsed.with_source(source, base_dir)
    problems = []
    for name in parsed.scenarios:
        path = parsed.scenario_path(name)
        if not path.is_file():
            problems.append(
                Problem(f"scenarios.{name}.file", "an existing scenario file", f"{str(path)!r}")
            )
    if problems:
        raise TargetsError(source, problems)
    return parsed


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases (no "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            mark = event.start_mark
            raise yaml.YAMLError(
                f"YAML aliases are not allowed (line {mark.line + 1}, column {mark.column + 1})"
            )
        return super().compose_node(parent, index)


def load_targets(path: str | Path) -> TargetsFile:
    """Read and validate a targets file (scenario files are checked to exist).

    Raises:
        TargetsError: missing, too large, not YAML, aliases, or a schema violation.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TargetsError(
                str(path), [Problem("(file)", f"at most {MAX_FILE_BYTES} bytes", f"{size} bytes")]
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TargetsError(str(path), [Problem("(file)", "an existing file", "no such file")]) from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise TargetsError(str(path), [Problem("(file)", "a readable UTF-8 file", str(exc))]) from None
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(yaml)"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise TargetsError(str(path), [Problem(where, "valid YAML", str(problem))]) from None
    return targets_from_dict(data, str(path), path.resolve().parent)
