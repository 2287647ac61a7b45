"""The state contract of the vectorised core: named arrays with fixed shapes and dtypes.

Every per-agent quantity lives in one numpy array of length ``n_agents`` owned by the
model instance (never by a class, so two models in one process never share state).
Mesa agents read and write these arrays through properties (``simulator.agents``);
processes read and write them as whole arrays. :meth:`State.check` validates the
contract once, when the model is built, and is used by tests after every step.

Fellow "slots" for every fellow the scenario will ever recruit are allocated up front
and switched on (``active``) when their cohort arrives, so the arrays and the network
never change shape during a run. A local slot is a position (a classroom, a school's
headship, an office): when its holder leaves, a newcomer takes the same slot with fresh
attributes (``simulator.processes.turnover``).

Besides the per-agent arrays the state holds per-cluster arrays (the cluster's teacher
collective) and per-district arrays (institutional support), plus the state level's
support as a one-element array.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np
from numpy.typing import NDArray

__all__ = ["State", "UNIT_ATTRIBUTES", "CLUSTER_ARRAYS", "CollectiveOrigin"]

FloatArray = NDArray[np.float64]


class CollectiveOrigin:
    """Codes of ``State.collective_origin``: who set up a cluster's collective."""

    NONE = 0
    PROGRAMME = 1  # run by the convene strategy, in its mode (teacher-led or imposed)
    SELF = 2  # formed by the cluster's own engaged teachers (by example of others)
    MANDATED = 3  # set up or taken over by the district administration
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

#: Per-cluster arrays (the collective of each cluster) and their dtypes.
CLUSTER_ARRAYS: dict[str, type] = {
    "collective_on": np.bool_,
    "collective_origin": np.int8,
    "maturity": np.float64,
    "ownership": np.float64,
}

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
    "level": np.int8,
    "potential": np.float64,
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
        level: ``OfficialLevel`` of officials (block, district, state); 0 otherwise.
        potential: learning potential of the slot's classroom (student context): the
            classroom's baseline and ceiling are the population values times this factor
            (mean 1); 1 for slots without a classroom.
        collective_on, collective_origin, maturity, ownership: per cluster, whether a
            teacher collective meets, who set it up (:class:`CollectiveOrigin`), how mature
            it is (0 new, 1 mature) and how far teachers own it (0 imposed, 1 teacher-led).
        support: per district, institutional support for collective leadership in [0, 1]
            (goals shifted, collaboration backed by the administration).
        state_support: the state department's support, a one-element array.
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
    level: NDArray[np.int8]
    potential: FloatArray
    collective_on: BoolArray
    collective_origin: NDArray[np.int8]
    maturity: FloatArray
    ownership: FloatArray
    support: FloatArray
    state_support: FloatArray = field(default_factory=lambda: np.zeros(1))

    @property
    def n_agents(self) -> int:
        """Number of agent slots (active or not)."""
        return int(self.role.shape[0])

    @property
    def n_clusters(self) -> int:
        """Number of clusters."""
        return int(self.collective_on.shape[0])

    def check(self) -> None:
        """Validate shapes, dtypes and ranges; raise ``ValueError`` naming the array."""
        n = self.n_agents
        for f in fields(self):
            arr = getattr(self, f.name)
            if f.name in ("support", "state_support"):
                if arr.dtype != np.float64 or arr.ndim != 1:
                    raise ValueError(f"{f.name} must be a 1-D float64 array")
                if np.any(~np.isfinite(arr)) or np.any((arr < 0) | (arr > 1)):
                    raise ValueError(f"{f.name} must be finite and in [0, 1]")
                continue
            if f.name in CLUSTER_ARRAYS:
                want = CLUSTER_ARRAYS[f.name]
                if arr.shape != (self.n_clusters,) or arr.dtype != want:
                    raise ValueError(f"{f.name} must be a ({self.n_clusters},) {np.dtype(want)} array")
                if arr.dtype == np.float64 and (np.any(~np.isfinite(arr)) or np.any((arr < 0) | (arr > 1))):
                    raise ValueError(f"{f.name} must be finite and in [0, 1]")
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
            if f.name == "potential" and arr.size and (not np.all(np.isfinite(arr)) or arr.min() <= 0.0):
                raise ValueError("potential must be finite and positive")

    def copy(self) -> State:
        """Deep copy of every array."""
        return State(**{f.name: getattr(self, f.name).copy() for f in fields(self)})
