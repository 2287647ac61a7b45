"""The state contract of the vectorised core: named arrays with fixed shapes and dtypes.

Every per-agent quantity lives in one numpy array of length ``n_agents`` owned by the
model instance (never by a class, so two models in one process never share state).
Mesa agents read and write these arrays through properties (``simulator.agents``);
processes read and write them as whole arrays. :meth:`State.check` validates the
contract once, when the model is built, and is used by tests after every step.

Fellow "slots" for every fellow the scenario will ever recruit are allocated up front
and switched on (``active``) when their cohort arrives, so the arrays and the network
never change shape during a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from numpy.typing import NDArray

__all__ = ["State", "UNIT_ATTRIBUTES"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int32]
BoolArray = NDArray[np.bool_]

#: Per-agent attributes in [0, 1] (float64).
UNIT_ATTRIBUTES: tuple[str, ...] = (
    "purpose",
    "trust",
    "agency",
    "capacity",
    "rootedness",
    "reach",
    "threshold",
    "practice",
    "learning",
    "purpose0",
    "trust0",
    "agency0",
)

_DTYPES: dict[str, type] = {
    "role": np.int8,
    "track": np.int8,
    "school": np.int32,
    "cluster": np.int32,
    "district": np.int32,
    "recruit_month": np.int32,
    "tenure": np.int32,
    "active": np.bool_,
    "engaged": np.bool_,
    "has_classroom": np.bool_,
    "coached": np.bool_,
    **{name: np.float64 for name in UNIT_ATTRIBUTES},
}


@dataclass
class State:
    """All per-agent and per-district arrays of one model.

    Attributes:
        role: ``simulator.roles.Role`` code of each agent.
        track: alumni track (``AlumniTrack``; -1 for non-fellows), fixed at build.
        school, cluster, district: where the agent sits (school -1 for officials).
            Enabler and policy alumni keep the school they were placed in as a home
            base; they leave its school and cluster ties through layer membership.
        recruit_month: month a fellow slot is switched on (-1 for local actors).
        tenure: months since recruitment (fellows and alumni).
        active: the agent is present (fellow slots before recruitment and people who
            have left are inactive).
        engaged: engaged in collective leadership.
        has_classroom: holds a classroom whose learning is an outcome.
        coached: coached this month (set by the development process: fellows, alumni in
            leadership programmes, and people in schools where fellows work).
        purpose, trust, agency, capacity, rootedness, reach: the attributes of the brief.
        threshold: base engagement threshold (share of engaged ties).
        practice: classroom practice, 0 = old paradigm, 1 = fully transformed.
        learning: share of the classroom's students at grade-level competency.
        purpose0, trust0, agency0: initial values, the old paradigm that inertia pulls
            back toward.
        rules: per district, how far rules have shifted (collectives institutionalised,
            goals shifted), in [0, 1].
    """

    role: NDArray[np.int8]
    track: NDArray[np.int8]
    school: IntArray
    cluster: IntArray
    district: IntArray
    recruit_month: IntArray
    tenure: IntArray
    active: BoolArray
    engaged: BoolArray
    has_classroom: BoolArray
    coached: BoolArray
    purpose: FloatArray
    trust: FloatArray
    agency: FloatArray
    capacity: FloatArray
    rootedness: FloatArray
    reach: FloatArray
    threshold: FloatArray
    practice: FloatArray
    learning: FloatArray
    purpose0: FloatArray
    trust0: FloatArray
    agency0: FloatArray
    rules: FloatArray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_agents(self) -> int:
        """Number of agent slots (active or not)."""
        return int(self.role.shape[0])

    def check(self) -> None:
        """Validate shapes, dtypes and ranges; raise ``ValueError`` naming the array."""
        n = self.n_agents
        for f in fields(self):
            arr = getattr(self, f.name)
            if f.name == "rules":
                if arr.dtype != np.float64 or arr.ndim != 1:
                    raise ValueError("rules must be a 1-D float64 array")
                if np.any(~np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
                    raise ValueError("rules must be finite and in [0, 1]")
                continue
            want = _DTYPES[f.name]
            if arr.shape != (n,):
                raise ValueError(f"{f.name} has shape {arr.shape}; expected ({n},)")
            if arr.dtype != want:
                raise ValueError(f"{f.name} has dtype {arr.dtype}; expected {np.dtype(want)}")
            if f.name in UNIT_ATTRIBUTES:
                if not np.all(np.isfinite(arr)):
                    raise ValueError(f"{f.name} has NaN or infinite entries")
                if arr.size and (arr.min() < 0.0 or arr.max() > 1.0):
                    raise ValueError(
                        f"{f.name} must be in [0, 1]; found [{arr.min():g}, {arr.max():g}]"
                    )

    def copy(self) -> State:
        """Deep copy of every array."""
        return State(**{f.name: getattr(self, f.name).copy() for f in fields(self)})
