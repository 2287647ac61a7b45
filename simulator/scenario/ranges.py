"""Plausible ranges of the model's hand-set parameters, read from the schema.

A hand-set parameter declares, next to its default in :mod:`simulator.scenario.schema`,
the range of values a researcher would still call plausible and the reason or source of
that range (``plausible=(low, high)``, ``why="..."``). The range is written once; the
robustness study (Latin hypercube over every range), the calibration priors, the
sensitivity analysis and the ODD parameter tables all read it from here.

    >>> from simulator.scenario.ranges import plausible_ranges
    >>> r = plausible_ranges()["dynamics.inertia"]
    >>> r.low < r.default < r.high
    True
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from .plausible import plausible_field
from .schema import ScenarioModel

__all__ = ["PlausibleRange", "plausible_ranges", "plausible_field"]


@dataclass(frozen=True)
class PlausibleRange:
    """The plausible range of one parameter.

    Attributes:
        key: dotted scenario key (``"dynamics.inertia"``).
        low, high: the range's bounds (inclusive).
        default: the schema default.
        reason: why this range (its source, or the argument for it).
        integer: the parameter takes integer values.
        description: the schema description of the parameter.
    """

    key: str
    low: float
    high: float
    default: float
    reason: str
    integer: bool
    description: str

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the range."""
        return self.low <= value <= self.high


def _walk(model: type[BaseModel], prefix: str, out: dict[str, PlausibleRange]) -> None:
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            _walk(ann, f"{key}.", out)
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else None
        if not extra or "plausible" not in extra:
            continue
        low, high = extra["plausible"]
        default = info.default
        if not (low <= default <= high):
            raise ValueError(f"{key}: default {default} lies outside its plausible range [{low}, {high}]")
        out[key] = PlausibleRange(
            key=key,
            low=float(low),
            high=float(high),
            default=float(default),
            reason=str(extra.get("plausible_why", "")),
            integer=ann is int,
            description=info.description or "",
        )


def plausible_ranges(prefixes: tuple[str, ...] | None = None) -> dict[str, PlausibleRange]:
    """Every declared plausible range, keyed by dotted key, in schema order.

    Args:
        prefixes: keep only keys starting with one of these (e.g. ``("dynamics.",)``).
    """
    out: dict[str, PlausibleRange] = {}
    _walk(ScenarioModel, "", out)
    if prefixes:
        out = {k: v for k, v in out.items() if k.startswith(prefixes)}
    return out
