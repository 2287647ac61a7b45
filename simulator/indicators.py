"""Indicators: the declared outcomes collected every month.

``INDICATORS`` maps each name to its meaning; :func:`compute_indicators` computes them
all from the state in one pass (every value is a cheap aggregate of an array, so
collecting costs a small fraction of a step). The model hands them to Mesa's
``DataCollector`` as model reporters.

Groups:

* learning: ``learning_mean`` (active classrooms), ``learning_teachers`` (local
  teachers' classrooms), ``practice_mean``;
* engagement and attributes by role: ``engaged_share``, ``engaged_<role>``,
  ``purpose_<role>``, ``trust_<role>``, ``agency_<role>`` and system means;
* the twelve leverage points of seed 000 (after Meadows) in four groups, each in [0, 1]:
  purpose (``lp_paradigms``, ``lp_mindsets``, ``lp_goals``), power (``lp_agency``,
  ``lp_trust``, ``lp_collaboration``), learning (``lp_reflection``, ``lp_feedback``,
  ``lp_innovation``), delivery (``lp_practices``, ``lp_infrastructure``,
  ``lp_resources``); group indices ``leverage_<group>`` are the means of their three;
* critical mass (seed 002's six dimensions) over the purpose-driven leaders (active,
  engaged, purpose >= 0.5): ``cm_scale`` (leaders as a share of active people relative
  to 25%, the committed-minority tipping point of Centola et al. 2018, capped at 1),
  ``cm_reach``, ``cm_strength`` (capacity), ``cm_orientation`` (purpose),
  ``cm_representation`` (rootedness), ``cm_network`` (engaged share of their ties), and
  ``critical_mass_index = cm_scale * mean(the other five)``;
* collectives and support: ``collectives_share`` (clusters whose collective meets),
  ``collectives_self`` and ``collectives_mandated`` (by origin), ``collective_ownership``
  and ``collective_maturity`` (means over meeting collectives), ``support_mean``
  (districts' institutional support), ``state_support``;
* system: ``fellows_active``, ``alumni_active``, ``leaders_active`` (fellows and alumni),
  ``leaders_per_school``, ``educators_engaged`` (engaged share of teachers and
  principals), ``learning_school_sd`` (spread of school mean learning),
  ``students_engaged`` (students in classrooms of engaged teachers and fellows).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .levers import Levers
from .processes.aggregate import Aggregates
from .processes.collectives import Collectives
from .roles import ROLE_NAMES, Role
from .state import CollectiveOrigin, State

__all__ = ["INDICATORS", "compute_indicators", "school_means", "LEVERAGE_GROUPS", "LEADER_PURPOSE", "SCALE_REFERENCE"]

LEADER_PURPOSE = 0.5
SCALE_REFERENCE = 0.25

LEVERAGE_GROUPS: dict[str, tuple[str, str, str]] = {
    "purpose": ("lp_paradigms", "lp_mindsets", "lp_goals"),
    "power": ("lp_agency", "lp_trust", "lp_collaboration"),
    "learning": ("lp_reflection", "lp_feedback", "lp_innovation"),
    "delivery": ("lp_practices", "lp_infrastructure", "lp_resources"),
}

INDICATORS: dict[str, str] = {
    "month": "Months simulated.",
    "learning_mean": "Mean share of students at grade level over active classrooms.",
    "learning_teachers": "Same, over local teachers' classrooms only.",
    "practice_mean": "Mean classroom practice over active classrooms.",
    "engaged_share": "Share of active people engaged in collective leadership.",
    "purpose_mean": "Mean purpose of active people.",
    "trust_mean": "Mean trust of active people.",
    "agency_mean": "Mean agency of active people.",
    **{f"engaged_{r}": f"Share of active {r}s engaged." for r in ROLE_NAMES.values()},
    **{f"purpose_{r}": f"Mean purpose of active {r}s." for r in ROLE_NAMES.values()},
    **{f"trust_{r}": f"Mean trust of active {r}s." for r in ROLE_NAMES.values()},
    **{f"agency_{r}": f"Mean agency of active {r}s." for r in ROLE_NAMES.values()},
    "lp_paradigms": "Share of active people whose purpose is at least 0.5.",
    "lp_mindsets": "Mean purpose of teachers and principals.",
    "lp_goals": "Mean institutional support of districts (goals shifted, collaboration backed).",
    "lp_agency": "Mean agency of active people.",
    "lp_trust": "Mean trust of active people.",
    "lp_collaboration": "Share of active people engaged.",
    "lp_reflection": "Mean over classrooms of reflecting on data in a collective, weighted by its ownership.",
    "lp_feedback": "Mean over classrooms of trust times sharing evidence (engaged or in a collective; others count 0).",
    "lp_innovation": "Share of classrooms with practice at least 0.6.",
    "lp_practices": "Mean practice shift (practice above baseline, rescaled to [0, 1]).",
    "lp_infrastructure": "Share of clusters whose collective meets.",
    "lp_resources": "Resources of a technical programme this month.",
    **{f"leverage_{g}": f"Mean of the three {g} leverage points." for g in LEVERAGE_GROUPS},
    "cm_scale": "Purpose-driven leaders as a share of active people, over 0.25, capped at 1.",
    "cm_reach": "Mean reach of leaders.",
    "cm_strength": "Mean leadership capacity of leaders.",
    "cm_orientation": "Mean purpose of leaders.",
    "cm_representation": "Mean local rootedness of leaders.",
    "cm_network": "Mean engaged share of leaders' ties.",
    "critical_mass_index": "cm_scale times the mean of the other five dimensions.",
    "collectives_share": "Share of clusters whose teacher collective meets.",
    "collectives_self": "Share of clusters with a self-organised collective.",
    "collectives_mandated": "Share of clusters with a collective set up by the administration.",
    "collective_ownership": "Mean ownership of meeting collectives (0 imposed, 1 teacher-led; 0 if none).",
    "collective_maturity": "Mean maturity of meeting collectives (0 if none).",
    "support_mean": "Mean institutional support of districts.",
    "state_support": "Institutional support of the state department.",
    "fellows_active": "Fellows in the system.",
    "alumni_active": "Alumni in the system.",
    "leaders_active": "Fellows and alumni in the system.",
    "leaders_per_school": "Fellows and alumni in the system per school.",
    "educators_engaged": "Engaged share of active teachers and principals (fellows and alumni excluded).",
    "learning_school_sd": "Standard deviation over schools of school mean learning.",
    "students_engaged": "Students in classrooms of engaged teachers and fellows.",
}


def school_means(state: State, holders: np.ndarray, n_schools: int) -> np.ndarray:
    """Mean learning of each school's active classrooms (NaN where none)."""
    at = holders & (state.school >= 0)
    total = np.bincount(state.school[at], weights=state.learning[at], minlength=n_schools)
    count = np.bincount(state.school[at], minlength=n_schools)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def _mean(values: np.ndarray, mask: np.ndarray) -> float:
    n = int(mask.sum())
    return float(values[mask].sum() / n) if n else 0.0


def compute_indicators(
    state: State,
    agg: Aggregates | None,
    collectives: Collectives | None,
    levers: Levers | None,
    *,
    month: int,
    baseline_practice: float,
    students_per_classroom: int,
    n_clusters: int,
    n_schools: int = 0,
) -> dict[str, Any]:
    """All indicators of the current state (keys as in :data:`INDICATORS`)."""
    act = state.active
    out: dict[str, Any] = {"month": month}
    holders = act & state.has_classroom
    teachers = act & (state.role == Role.TEACHER)
    out["learning_mean"] = _mean(state.learning, holders)
    out["learning_teachers"] = _mean(state.learning, teachers)
    out["practice_mean"] = _mean(state.practice, holders)
    e = state.engaged
    out["engaged_share"] = _mean(e, act)
    out["purpose_mean"] = _mean(state.purpose, act)
    out["trust_mean"] = _mean(state.trust, act)
    out["agency_mean"] = _mean(state.agency, act)
    for code, name in ROLE_NAMES.items():
        m = act & (state.role == code)
        out[f"engaged_{name}"] = _mean(e, m)
        out[f"purpose_{name}"] = _mean(state.purpose, m)
        out[f"trust_{name}"] = _mean(state.trust, m)
        out[f"agency_{name}"] = _mean(state.agency, m)

    staff = act & ((state.role == Role.TEACHER) | (state.role == Role.PRINCIPAL))
    out["lp_paradigms"] = _mean(state.purpose >= LEADER_PURPOSE, act)
    out["lp_mindsets"] = _mean(state.purpose, staff)
    out["lp_goals"] = float(state.support.mean()) if state.support.size else 0.0
    out["lp_agency"] = out["agency_mean"]
    out["lp_trust"] = out["trust_mean"]
    out["lp_collaboration"] = out["engaged_share"]
    if collectives is not None:
        reflect = collectives.with_data * collectives.ownership
        sharing = e | collectives.member
    else:
        reflect = np.zeros(e.shape)
        sharing = e
    on = state.collective_on
    out["lp_infrastructure"] = float(on.mean()) if n_clusters else 0.0
    out["lp_reflection"] = _mean(reflect, holders)
    out["lp_feedback"] = _mean(state.trust * sharing, holders)
    out["lp_innovation"] = _mean(state.practice >= 0.6, holders)
    shift = np.clip((state.practice - baseline_practice) / max(1e-9, 1 - baseline_practice), 0, 1)
    out["lp_practices"] = _mean(shift, holders)
    out["lp_resources"] = float(levers.technical_resources) if levers is not None else 0.0
    for group, names in LEVERAGE_GROUPS.items():
        out[f"leverage_{group}"] = float(np.mean([out[n] for n in names]))

    leaders = act & e & (state.purpose >= LEADER_PURPOSE)
    n_act = int(act.sum())
    out["cm_scale"] = min(1.0, (leaders.sum() / n_act / SCALE_REFERENCE) if n_act else 0.0)
    out["cm_reach"] = _mean(state.reach, leaders)
    out["cm_strength"] = _mean(state.capacity, leaders)
    out["cm_orientation"] = _mean(state.purpose, leaders)
    out["cm_representation"] = _mean(state.rootedness, leaders)
    out["cm_network"] = _mean(agg.engaged_share, leaders) if agg is not None else 0.0
    dims = ("cm_reach", "cm_strength", "cm_orientation", "cm_representation", "cm_network")
    out["critical_mass_index"] = out["cm_scale"] * float(np.mean([out[d] for d in dims]))
    out["collectives_share"] = out["lp_infrastructure"]
    out["collectives_self"] = float((on & (state.collective_origin == CollectiveOrigin.SELF)).mean()) if n_clusters else 0.0
    out["collectives_mandated"] = (
        float((on & (state.collective_origin == CollectiveOrigin.MANDATED)).mean()) if n_clusters else 0.0
    )
    out["collective_ownership"] = float(state.ownership[on].mean()) if on.any() else 0.0
    out["collective_maturity"] = float(state.maturity[on].mean()) if on.any() else 0.0
    out["support_mean"] = out["lp_goals"]
    out["state_support"] = float(state.state_support[0])
    out["fellows_active"] = int((act & (state.role == Role.FELLOW)).sum())
    out["alumni_active"] = int((act & (state.role == Role.ALUMNUS)).sum())
    out["leaders_active"] = out["fellows_active"] + out["alumni_active"]
    out["leaders_per_school"] = out["leaders_active"] / max(1, n_schools)
    out["educators_engaged"] = _mean(e, staff)
    school_mean = school_means(state, holders, n_schools)
    out["learning_school_sd"] = float(np.nanstd(school_mean)) if np.isfinite(school_mean).any() else 0.0
    out["students_engaged"] = int((holders & e).sum()) * students_per_classroom
    return {name: out[name] for name in INDICATORS}  # in the declared order
