"""Priors of a calibration: uniform over the schema's plausible ranges, or from a prior file.

The plausible range of every hand-set parameter is declared once, beside its default, in
the scenario schema and read with :func:`simulator.scenario.ranges.plausible_ranges`;
nothing here repeats a range. By default every declared range becomes a uniform prior;
``keys`` picks a subset, and a prior file replaces or adds ranges:

.. code-block:: yaml

    priors:
      dynamics.inertia: {low: 0.02, high: 0.05, reason: "half-life 14-35 months"}
      dynamics.learning_lag_months: {}      # the schema's plausible range

Nuisance inputs of the targets file (scenario-specific uncertain inputs such as
Telangana's baseline learning) are added as ``scenario/key`` priors. Integer parameters
get a continuous uniform prior and are rounded when applied (documented in
``docs/calibration.md``, section 6).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from simulator.scenario.errors import Problem, describe_value, problems_from_validation
from simulator.scenario.ranges import plausible_ranges

from .targets import TargetsError, TargetsFile

__all__ = ["Prior", "PriorSet", "build_priors", "load_prior_file"]


@dataclass(frozen=True)
class Prior:
    """A uniform prior on ``[low, high]`` for one parameter.

    Attributes:
        name: the parameter's name in the posterior (a dotted scenario key, or
            ``scenario/key`` for a nuisance input of one scenario).
        key: the dotted scenario key it sets.
        scenario: the targets-file scenario it applies to (None: every scenario).
        low, high: the bounds.
        default: the schema default (NaN for nuisance inputs).
        integer: round the value when applying it.
        reason: why this range.
    """

    name: str
    key: str
    scenario: str | None
    low: float
    high: float
    default: float
    integer: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)


@dataclass(frozen=True)
class PriorSet:
    """The priors of one calibration, in a fixed order."""

    priors: tuple[Prior, ...]

    @property
    def names(self) -> list[str]:
        """Parameter names in order."""
        return [p.name for p in self.priors]

    def __getitem__(self, name: str) -> Prior:
        for p in self.priors:
            if p.name == name:
                return p
        raise KeyError(name)

    def overrides_for(self, scenario: str, values: dict[str, float]) -> dict[str, Any]:
        """The dotted-key overrides that a parameter set applies to one scenario."""
        out: dict[str, Any] = {}
        for p in self.priors:
            if p.scenario is not None and p.scenario != scenario:
                continue
            value = float(values[p.name])
            out[p.key] = int(round(value)) if p.integer else value
        return out

    def to_pyabc(self) -> Any:
        """A ``pyabc.Distribution`` of independent uniforms."""
        from pyabc import RV, Distribution

        return Distribution(**{p.name: RV("uniform", p.low, p.high - p.low) for p in self.priors})

    def to_list(self) -> list[dict[str, Any]]:
        """JSON-ready list."""
        return [p.to_dict() for p in self.priors]


class _PriorEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    low: float | None = None
    high: float | None = None
    reason: str = Field("", max_length=2000)

    @model_validator(mode="after")
    def _both(self) -> _PriorEntry:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both low and high, or neither (the schema's range)")
        if self.low is not None and self.high is not None and not self.low < self.high:
            raise ValueError(f"low must be below high; found [{self.low}, {self.high}]")
        return self


class _PriorFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    priors: dict[str, _PriorEntry] = Field(..., min_length=1)


def load_prior_file(path: str | Path) -> dict[str, dict[str, Any]]:
    """Read a prior file: key -> ``{low, high, reason}`` (low/high may be None).

    Raises:
        TargetsError: missing file, bad YAML or a schema violation (file, key, expected, found).
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TargetsError(str(path), [Problem("(file)", "an existing prior file", "no such file")]) from None
    except yaml.YAMLError as exc:
        raise TargetsError(str(path), [Problem("(yaml)", "valid YAML", str(exc).splitlines()[0])]) from None
    if not isinstance(data, dict):
        raise TargetsError(str(path), [Problem("(top level)", "a mapping with 'priors'", describe_value(data))])
    try:
        parsed = _PriorFile.model_validate(data)
    except ValidationError as exc:
        raise TargetsError(str(path), problems_from_validation(exc)) from None
    return {k: v.model_dump() for k, v in parsed.priors.items()}


def _check_in_schema(key: str, low: float, high: float, integer: bool) -> str | None:
    """Why ``[low, high]`` is not a valid range of scenario key ``key`` (None if it is)."""
    from simulator.scenario import ScenarioError, scenario_from_dict

    base = scenario_from_dict({})
    for value in (low, high):
        try:
            base.with_overrides({key: int(round(value)) if integer else value})
        except ScenarioError as exc:
            return "; ".join(p.render() for p in exc.problems)
    return None


def build_priors(
    targets: TargetsFile | None = None,
    keys: Iterable[str] | None = None,
    prior_file: str | Path | None = None,
) -> PriorSet:
    """The priors of a calibration.

    Args:
        targets: the targets file (its nuisance inputs become priors).
        keys: calibrate only these dotted keys (default: every declared plausible range,
            plus every key of the prior file). Nuisance inputs are always included.
        prior_file: a prior file that replaces ranges or adds keys with their own range.

    Raises:
        TargetsError: an unknown key, a key with no range, or a range the schema rejects.
    """
    ranges = plausible_ranges()
    file_entries = load_prior_file(prior_file) if prior_file is not None else {}
    source = str(prior_file) if prior_file is not None else "--param"
    chosen = list(keys) if keys is not None else list(ranges) + [k for k in file_entries if k not in ranges]
    for k in file_entries:
        if k not in chosen:
            chosen.append(k)
    problems: list[Problem] = []
    priors: list[Prior] = []
    for key in dict.fromkeys(chosen):
        entry = file_entries.get(key, {})
        declared = ranges.get(key)
        low, high = entry.get("low"), entry.get("high")
        if low is None:
            if declared is None:
                problems.append(
                    Problem(
                        f"priors.{key}" if key in file_entries else key,
                        "a key with a plausible range in the schema, or low/high in the prior file",
                        "no range declared",
                    )
                )
                continue
            low, high = declared.low, declared.high
        integer = bool(declared.integer) if declared is not None else False
        why = _check_in_schema(key, float(low), float(high), integer)
        if why is not None:
            problems.append(Problem(f"priors.{key}", "a range the scenario schema accepts", why))
            continue
        priors.append(
            Prior(
                name=key,
                key=key,
                scenario=None,
                low=float(low),
                high=float(high),
                default=float(declared.default) if declared is not None else float("nan"),
                integer=integer,
                reason=entry.get("reason") or (declared.reason if declared is not None else ""),
            )
        )
    if problems:
        raise TargetsError(source, problems)
    if targets is not None:
        for name, (scen, key, low, high) in targets.nuisance_keys().items():
            priors.append(
                Prior(name, key, scen, low, high, float("nan"), False, "nuisance input of the targets file")
            )
    if not priors:
        raise TargetsError(source, [Problem("priors", "at least one parameter to calibrate", "none")])
    return PriorSet(tuple(priors))
