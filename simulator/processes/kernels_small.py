"""Compiled single passes of the small processes: careers, leavers, learning, inertia, support.

Each of these processes is a handful of NumPy whole-array passes (masks, ``where``,
``clip``, fancy indexing). At 10,000 agents a pass costs about as much as the Python call
around it, and together they were about a fifth of a month (``docs/performance.md``): a
step cost 15-20 sparse mat-vecs against a target of 12. Each kernel here does one process
in one loop over the agents. The processes keep their NumPy form (``*_numpy``) as the
readable statement of the rule and the oracle; ``tests/test_kernels_small.py`` compares
them as bytes on random inputs, and the pinned trajectories must not move.

The same rules as :mod:`simulator.processes.kernels` hold: the same operations in NumPy's
left-to-right order, no ``fastmath``, ``np.clip(x, 0, 1)`` as ``min(max(x, 0), 1)``. A
rate or lever that may differ between an ensemble's runs arrives as an array of one value
(every run shares it) or one value an agent. Kept apart from ``kernels.py`` (the month's
big passes) so that each file stays readable; imported with the first step, not with the
CLI.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..roles import AlumniTrack, Role
from ..state import CollectiveOrigin

__all__ = ["careers", "leavers", "learning", "inertia", "support_of", "host_mask", "collective_transitions"]

# Codes of simulator.roles, compiled in as constants. numba's cache is keyed on this file
# only: after changing a code in roles.py, touch this file (or clear __pycache__).
_FELLOW, _ALUMNUS = int(Role.FELLOW), int(Role.ALUMNUS)
_DIRECT, _ENABLER, _POLICY = int(AlumniTrack.DIRECT), int(AlumniTrack.ENABLER), int(AlumniTrack.POLICY)


@njit(cache=True, nogil=True)
def _clip01(x):
    """``kernels._clip01``, kept here: numba's cache of this file would not see a change to that one."""
    return min(max(x, 0.0), 1.0)


@njit(cache=True, nogil=True)
def careers(recruit_month, month, role, track, tenure, active, engaged, reach, has_classroom, uniform,
            fellowship_months, monthly_leave, reach_direct, reach_enabler, reach_policy,
            arriving, graduating, leaving):
    """:func:`simulator.processes.careers.advance_careers` in place; returns the three counts.

    ``arriving``, ``graduating`` and ``leaving`` receive the agents' indices in agent order
    (as ``np.flatnonzero`` gives them). An agent's arrival, graduation and departure depend
    on that agent alone, so one pass does what the NumPy form does in three.
    """
    n_arriving = n_graduating = n_leaving = 0
    for i in range(active.size):
        if recruit_month[i] == month:
            active[i] = True
            arriving[n_arriving] = i
            n_arriving += 1
        r = role[i]
        if not (active[i] and (r == _FELLOW or r == _ALUMNUS)):
            continue
        tenure[i] += 1
        if r == _FELLOW and tenure[i] > fellowship_months:
            role[i] = _ALUMNUS
            t = track[i]
            if t == _DIRECT:
                reach[i] = reach_direct
            elif t == _ENABLER:
                reach[i] = reach_enabler
            elif t == _POLICY:
                reach[i] = reach_policy
            if t != _DIRECT:
                has_classroom[i] = False
            graduating[n_graduating] = i
            n_graduating += 1
        if uniform[i] < monthly_leave:
            active[i] = False
            engaged[i] = False
            leaving[n_leaving] = i
            n_leaving += 1
    return n_arriving, n_graduating, n_leaving


@njit(cache=True, nogil=True)
def leavers(active, role, uniform, by_role, out):
    """Active slots whose draw is below their role's monthly leave probability; returns how many."""
    k = 0
    for i in range(active.size):
        if active[i] and uniform[i] < by_role[role[i]]:
            out[k] = i
            k += 1
    return k


@njit(cache=True, nogil=True)
def learning(has_classroom, active, practice, potential, learning_now, baseline_practice, practice_span,
             baseline_learning, learning_span, resources, lag, out):
    """Learning of :func:`simulator.processes.learning.update_learning` (into ``out``).

    ``practice_span`` is ``max(1e-9, 1 - p0)`` and ``learning_span`` is ``Lmax - L0``;
    ``resources`` and ``lag`` hold one value or one an agent.
    """
    per_agent_resources = resources.size > 1
    per_agent_lag = lag.size > 1
    shared_resources, shared_lag = resources[0], lag[0]
    for i in range(active.size):
        now = learning_now[i]
        if has_classroom[i] and active[i]:
            shift = (practice[i] - baseline_practice) / practice_span
            extra = resources[i] if per_agent_resources else shared_resources
            target = _clip01(potential[i] * (baseline_learning + learning_span * (shift + extra)))
            out[i] = _clip01(now + (target - now) / (lag[i] if per_agent_lag else shared_lag))
        else:
            out[i] = _clip01(now)


@njit(cache=True, nogil=True)
def inertia(has_classroom, active, engaged, practice, support, rate, baseline_practice, out):
    """Practice of :func:`simulator.processes.inertia.apply_inertia` (into ``out``).

    ``support`` and ``rate`` (``dynamics.inertia``) hold one value or one an agent.
    """
    per_agent_support = support.size > 1
    per_agent_rate = rate.size > 1
    shared_support, shared_rate = support[0], rate[0]
    for i in range(active.size):
        p = practice[i]
        if has_classroom[i]:
            pull = ((rate[i] if per_agent_rate else shared_rate) * (1.0 - (1.0 if engaged[i] else 0.0))
                    * (1.0 - (support[i] if per_agent_support else shared_support)) * (1.0 if active[i] else 0.0))
            out[i] = p - pull * (p - baseline_practice)
        else:
            out[i] = p


@njit(cache=True, nogil=True)
def support_of(district, support, top, out):
    """Each agent's district support, or ``top`` (one value or one an agent) outside a district."""
    per_agent_top = top.size > 1
    shared_top = top[0]
    for i in range(district.size):
        d = district[i]
        out[i] = support[d] if d >= 0 else (top[i] if per_agent_top else shared_top)


@njit(cache=True, nogil=True)
def host_mask(active, role, track, school, n_schools, out):
    """Agents of schools where an active fellow or direct-impact alumnus works (into ``out``)."""
    hosts = np.zeros(n_schools, dtype=np.bool_)
    for i in range(active.size):
        s = school[i]
        r = role[i]
        if s >= 0 and active[i] and (r == _FELLOW or (r == _ALUMNUS and track[i] == _DIRECT)):
            if s >= n_schools:
                raise ValueError("a school index beyond the number of schools")
            hosts[s] = True
    for i in range(active.size):
        s = school[i]
        out[i] = s >= 0 and s < n_schools and hosts[s]


_NONE, _SELF, _MANDATED, _PROGRAMME = (int(CollectiveOrigin.NONE), int(CollectiveOrigin.SELF),
                                       int(CollectiveOrigin.MANDATED), int(CollectiveOrigin.PROGRAMME))


@njit(cache=True, nogil=True)
def collective_transitions(on, origin, ownership, share, exposed, spread, support, covered, imposed, u_cluster,
                           quorum, fade_rate, formation_rate, mandate_rate, ownership_rate,
                           new_on, new_origin, new_ownership, ownership_clipped):
    """Each cluster's month of :func:`simulator.processes.collectives.collective_transitions_numpy`.

    The programme's end, fading, formation by example, mandates, the programme's clusters
    and ownership, cluster by cluster (a cluster's transitions read only its own values).
    ``new_ownership`` is before clipping (the month's functioning uses it),
    ``ownership_clipped`` what the state keeps.
    """
    half_quorum = 0.5 * quorum
    for c in range(on.size):
        was_on = on[c]
        o = origin[c]
        live = was_on
        s = share[c]
        cov = covered[c]
        ended = was_on and o == _PROGRAMME and not cov
        if ended:
            if s >= half_quorum:
                o = _SELF
            else:
                live = False
                o = _NONE
        weak_self = live and o == _SELF and s < half_quorum and not ended
        mandated = live and o == _MANDATED
        if (weak_self or mandated) and u_cluster[c] < fade_rate * (1.0 - support[c]) and not cov:
            live = False
            o = _NONE
        new = False
        if not live and not cov and not was_on:
            p_form = formation_rate * exposed[c] * min(1.0, s / max(quorum, 1e-9)) if spread else 0.0
            if u_cluster[c] < p_form:
                live, o, new = True, _SELF, True
            elif u_cluster[c] < p_form + mandate_rate * support[c]:
                live, o, new = True, _MANDATED, True
        started_programme = False
        if cov:
            live = True
            started_programme = o != _PROGRAMME
            o = _PROGRAMME
        own = ownership[c]
        if new or (started_programme and not was_on):
            own = s
        if live:
            target = s if o == _MANDATED else 1.0
            if imposed[c] and o == _PROGRAMME:
                target = 0.0
            own = own + ownership_rate * (target - own)
        new_on[c] = live
        new_origin[c] = o
        new_ownership[c] = own
        ownership_clipped[c] = _clip01(own)


@njit(cache=True, nogil=True)
def district_support(block_n, block_engaged, district_n, district_engaged, support, state_support,
                     has_state_level, rate, out):
    """Each district's support of :func:`simulator.processes.support.update_support` (into ``out``).

    From the counts of :func:`simulator.processes.kernels.official_counts`: the mean of the
    levels that have people in them (block, district, and the state's ``state_support`` when
    there is a state level), added in the NumPy form's order, then one relaxation step. The
    NumPy form also adds ``+0.0`` for each empty level, which leaves a sum that starts at
    ``+0.0`` unchanged.
    """
    for d in range(support.size):
        num = 0.0
        den = 0.0
        if block_n[d] > 0:
            num += block_engaged[d] / block_n[d]
            den += 1.0
        if district_n[d] > 0:
            num += district_engaged[d] / district_n[d]
            den += 1.0
        if has_state_level:
            num += state_support
            den += 1.0
        target = num / den if den > 0 else 0.0
        out[d] = _clip01(support[d] + rate * (target - support[d]))
