"""Institutional support: engaged officials, level by level, back collective leadership.

Officials sit in a hierarchy (``simulator.roles.OfficialLevel``): block (cluster) resource
persons, district officials and a state department (seed 002: the roles and reach of
leaders; seed 003: administrations scale collectives; seed 000: policy and governance
roles, goals and rules as leverage points). Support is graded, not a switch: each
district's support relaxes at ``support_rate`` toward the mean of the engaged shares of
its block officials, of its district officials (with the policy-track alumni of the
district, who work in government) and the state's support; the state's support relaxes
toward the engaged share of state officials. A level with nobody in it is left out of
the mean.

Support acts through three channels, each graded by its level: it lowers engagement
thresholds (``support_threshold_relief``, permission to lead; 7.6), damps inertia (7.9)
and purpose erosion (7.4), and lets administrations set up collectives
(``mandate_rate``; ``simulator.processes.collectives``), which teachers own only where
they already lead.

Knock-out: ``mechanisms.institutional_support`` off keeps every support at 0.

Reads: role, track, level, engaged, active, district, support, state_support. Writes:
support, state_support.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..roles import AlumniTrack, OfficialLevel, Role
from ..scenario.schema import Dynamics, Mechanisms
from ..state import State

__all__ = [
    "update_support", "update_support_numpy", "official_engagement", "official_engagement_numpy", "support_of",
    "support_of_numpy",
]

FloatArray = NDArray[np.float64]


def _share_by_district(state: State, mask: NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    n_d = state.support.size
    d = state.district[mask]
    total = np.bincount(d, minlength=n_d).astype(np.float64)
    engaged = np.bincount(d, weights=state.engaged[mask].astype(np.float64), minlength=n_d)
    return np.where(total > 0, engaged / np.where(total > 0, total, 1.0), 0.0), total


def official_engagement(state: State) -> dict[str, FloatArray]:
    """Engaged shares by level: ``block`` and ``district`` per district, ``state`` (one value).

    One compiled pass over the agents (:func:`simulator.processes.kernels.official_counts`);
    :func:`official_engagement_numpy` is the NumPy form it is tested against.
    """
    b_n, b_e, d_n, d_e, n_state, e_state = _official_counts(state)
    return {
        "block": np.where(b_n > 0, b_e / np.where(b_n > 0, b_n, 1.0), 0.0),
        "block_n": b_n,
        "district": np.where(d_n > 0, d_e / np.where(d_n > 0, d_n, 1.0), 0.0),
        "district_n": d_n,
        "state": np.array([e_state / n_state if n_state else 0.0]),
        "state_n": np.array([n_state]),
    }


def _official_counts(state: State) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, float, float]:
    """Per district, block officials and district-level people and how many are engaged; the state's two counts."""
    from . import kernels

    n_d = state.support.size
    b_n, b_e, d_n, d_e = np.zeros(n_d), np.zeros(n_d), np.zeros(n_d), np.zeros(n_d)
    n_state, e_state = kernels.official_counts(state.active, state.level, state.district, state.role, state.track,
                                               state.engaged, b_n, b_e, d_n, d_e)
    return b_n, b_e, d_n, d_e, n_state, e_state


def official_engagement_numpy(state: State) -> dict[str, FloatArray]:
    """:func:`official_engagement` with NumPy passes."""
    act = state.active
    block = act & (state.level == OfficialLevel.BLOCK) & (state.district >= 0)
    district = act & (state.district >= 0) & (
        (state.level == OfficialLevel.DISTRICT)
        | ((state.role == Role.ALUMNUS) & (state.track == AlumniTrack.POLICY))
    )
    st = act & (state.level == OfficialLevel.STATE)
    b_share, b_n = _share_by_district(state, block)
    d_share, d_n = _share_by_district(state, district)
    n_state = int(st.sum())
    s_share = float(state.engaged[st].mean()) if n_state else 0.0
    return {
        "block": b_share,
        "block_n": b_n,
        "district": d_share,
        "district_n": d_n,
        "state": np.array([s_share]),
        "state_n": np.array([float(n_state)]),
    }


def _runs(state: State) -> object | None:
    """The run index of an ensemble's state (``simulator.ensemble``), None for one run."""
    return getattr(state, "runs", None)


def support_of(state: State) -> FloatArray:
    """Each agent's institutional support: its district's, or the state's for state officials.

    In an ensemble of runs laid side by side (``simulator.ensemble``) each run has its own
    state level: ``state_support`` holds one value a run and ``state.runs.agent`` says
    whose each agent is.
    """
    from . import kernels_small

    runs = _runs(state)
    top = state.state_support[:1] if runs is None else state.state_support[runs.agent]
    out = np.empty(state.n_agents)
    kernels_small.support_of(state.district, state.support, top, out)
    return out


def support_of_numpy(state: State) -> FloatArray:
    """:func:`support_of` with NumPy passes (the compiled one is tested against it)."""
    runs = _runs(state)
    top = state.state_support[0] if runs is None else state.state_support[runs.agent]
    return np.where(state.district >= 0, state.support[np.maximum(state.district, 0)], top)


def update_support(state: State, dyn: Dynamics, mech: Mechanisms, has_state_level: bool) -> None:
    """Move each district's and the state's support toward its officials' engagement, in place.

    One run: two compiled passes (:func:`_update_support_compiled`), the arithmetic of
    :func:`update_support_numpy`. An ensemble (one state level a run) keeps NumPy passes
    over its districts: they are few, and the batch shares them.
    """
    if not mech.institutional_support:
        return
    runs = _runs(state)
    if runs is None:
        _update_support_compiled(state, dyn, has_state_level)
        return
    _relax_districts(state, official_engagement(state), state.state_support[runs.district] if has_state_level else None,
                     dyn.support_rate)
    if has_state_level:  # one state level a run: the arithmetic of one run's, run by run
        st = state.active & (state.level == OfficialLevel.STATE)
        n_state = np.bincount(runs.agent[st], minlength=runs.n).astype(np.float64)
        engaged = np.bincount(runs.agent[st], weights=state.engaged[st].astype(np.float64), minlength=runs.n)
        share = np.where(n_state > 0, engaged / np.where(n_state > 0, n_state, 1.0), 0.0)
        s = state.state_support
        state.state_support = np.clip(s + dyn.support_rate * (share - s), 0.0, 1.0)


def update_support_numpy(state: State, dyn: Dynamics, mech: Mechanisms, has_state_level: bool) -> None:
    """:func:`update_support` of one run with NumPy passes (the compiled one is tested against it)."""
    if not mech.institutional_support:
        return
    eng = official_engagement_numpy(state)
    _relax_districts(state, eng, np.full(state.support.size, state.state_support[0]) if has_state_level else None,
                     dyn.support_rate)
    if has_state_level:
        s = state.state_support[0]
        state.state_support = np.clip(np.array([s + dyn.support_rate * (eng["state"][0] - s)]), 0.0, 1.0)


def _relax_districts(state: State, eng: dict[str, FloatArray], top: FloatArray | None, rate: float) -> None:
    """Each district's support one step toward the mean of its levels that have people (``top``: the state's)."""
    parts = [(eng["block"], eng["block_n"] > 0), (eng["district"], eng["district_n"] > 0)]
    if top is not None:
        parts.append((top, np.ones(state.support.size, bool)))
    num = sum(v * ok for v, ok in parts)
    den = sum(ok.astype(np.float64) for _, ok in parts)
    target = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    state.support = np.clip(state.support + rate * (target - state.support), 0.0, 1.0)


def _update_support_compiled(state: State, dyn: Dynamics, has_state_level: bool) -> None:
    """One run's :func:`update_support_numpy`: one compiled pass over the agents, one over the districts."""
    from . import kernels_small

    b_n, b_e, d_n, d_e, n_state, e_state = _official_counts(state)
    support = np.empty(b_n.size)
    s = float(state.state_support[0])
    kernels_small.district_support(b_n, b_e, d_n, d_e, state.support, s, bool(has_state_level),
                                   float(dyn.support_rate), support)
    state.support = support
    if has_state_level:
        share = e_state / n_state if n_state else 0.0
        state.state_support = np.clip(np.array([s + dyn.support_rate * (share - s)]), 0.0, 1.0)
