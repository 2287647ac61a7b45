"""Compiled loops (numba) of the month's per-agent passes: the same values, fewer passes.

NumPy and scipy.sparse make each process out of whole-array passes: the aggregates' five
speaker columns are built one array operation at a time, ``W @ X`` reads the tie matrix
once per column (scipy's multi-vector product costs five single products at a million
agents), the result is transposed, and every formula of beliefs, practice, coaching,
engagement and the collectives is a few dozen passes with temporary arrays. Each kernel
here does one process's arithmetic in one or two loops over the agents (the aggregates:
one over the agents for the five columns, one over the rows of the tie matrices for the
sums over ``W``, the collective ties and the cross-cluster ties, then that row's shares
and means). The processes call them; each keeps its NumPy form (``*_numpy``) as the
readable statement of its rule and the oracle it is tested against.

**The values are the same to the last bit.** Every sum adds the same terms in the same
order as the NumPy or scipy code it replaces (scipy's ``csr_matvec(s)``: ``0 + a_1 x_1 +
a_2 x_2 + ...`` over a row's stored entries; ``np.bincount``: in agent order; NumPy's
pairwise summation for the ensemble's means, :func:`_pairwise_sum`), every formula
multiplies in NumPy's left-to-right order, and numba compiles without ``fastmath``, so no
multiply-add is fused and nothing is reassociated. A collective row's sum skips
non-members' columns: NumPy multiplies them by a zeroed copy of ``X``, and adding
``+0.0`` to a sum that starts at ``+0.0`` changes nothing. ``tests/test_kernels.py``
compares every kernel with its NumPy form as bytes on random inputs (hypothesis), and the
pinned trajectories (``tests/test_regression_pins.py``) did not move.

Per-agent rates and levers (an ensemble's runs may differ in them, ``simulator.engine``)
arrive as rows of a ``(k, 1)`` array when every run shares them and ``(k, n)`` when not
(:func:`rate_rows`). A kernel reads shared rates once, before its loop, as a tuple of
numbers (``_belief_rates`` and its kind): read inside the loop, the compiler must reload
them for every agent, since a store to an output array might have changed them, and the
loop cannot be vectorised. Loading them first made the beliefs' pass 3.5 times faster
(97 to 27 µs at 10,000 agents, the same bits).

Why numba: it is the compiler the scientific-Python stack uses for loops that NumPy
cannot express as whole-array passes without temporaries (``docs/performance.md`` gives
the figures). ``cache=True`` keeps the compiled code next to this file: the first run
after an install compiles (about a second), later processes load it. It is imported with
the first step, not with the CLI.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..roles import AlumniTrack, OfficialLevel, Role

__all__ = [
    "speaker_columns", "row_sums", "aggregates_by_block", "beliefs", "practice", "coaching_intensity", "development", "segment_means", "masked_means", "indicator_columns",
    "segment_nanstd",
    "official_counts", "engagement", "rate_rows", "ENGAGEMENT_RATES",
    "BELIEF_RATES", "PRACTICE_RATES", "COACHING_LEVERS", "COACHING_RATES",
]


@njit(cache=True, nogil=True)
def speaker_columns(active, reach, rootedness, engaged, capacity, purpose, has_classroom, learning,
                    potential, baseline_learning, cluster, cluster_quality, use_quality, X, example_weight,
                    i0=0, i1=-1):
    """The five speaker columns ``X`` and the cross-cluster example weight, in place.

    ``X[:, 0..4]`` = omega, omega * purpose, support, classroom, classroom * learning gain
    (see :mod:`simulator.processes.aggregate`); ``example_weight`` = support times the
    quality of the agent's cluster's collective (0 outside a cluster, or all 0 when
    ``use_quality`` is false). Agents ``i0`` to ``i1`` (default: all).
    """
    if i1 < 0:
        i1 = active.size
    for i in range(i0, i1):
        on = 1.0 if active[i] else 0.0
        omega = on * reach[i] * (0.5 + 0.5 * rootedness[i])
        support = omega * (1.0 if engaged[i] else 0.0) * (0.5 + 0.5 * capacity[i])
        room = has_classroom[i] and active[i]
        classroom = omega * (1.0 if room else 0.0)
        gain = learning[i] - potential[i] * baseline_learning if has_classroom[i] else 0.0
        X[i, 0] = omega
        X[i, 1] = omega * purpose[i]
        X[i, 2] = support
        X[i, 3] = classroom
        X[i, 4] = classroom * gain
        if use_quality:
            q = cluster_quality[cluster[i]] if cluster[i] >= 0 else 0.0
            example_weight[i] = support * q


@njit(cache=True, nogil=True)
def row_sums(indptr, indices, codes, table, X, with_collective, c_indptr, c_indices, c_codes, c_table, member,
             with_cross, x_indptr, x_indices, x_codes, x_table, example_weight, purpose,
             degree, mean_purpose, engaged_count, engaged_share, peer_gain, peer_weight, example, r0=0, r1=-1):
    """Every agent's sums over its ties, then its shares and means, one row at a time.

    Row ``i``: ``S = W[i] @ X``, plus ``C[i] @ (m * X)`` over the member columns when ``i``
    is a member (``with_collective``), and ``Wx[i] @ example_weight`` (``with_cross``);
    then degree, mean purpose, engaged count and share, peer gain and weight, example.
    Rows ``r0`` to ``r1`` (default: all). Each matrix's values are ``table[codes]``
    (:mod:`simulator.sparse_codes`).
    """
    if r1 < 0:
        r1 = indptr.size - 1
    for i in range(r0, r1):
        s0 = 0.0
        s1 = 0.0
        s2 = 0.0
        s3 = 0.0
        s4 = 0.0
        for jj in range(indptr[i], indptr[i + 1]):
            j = indices[jj]
            a = table[codes[jj]]
            s0 += a * X[j, 0]
            s1 += a * X[j, 1]
            s2 += a * X[j, 2]
            s3 += a * X[j, 3]
            s4 += a * X[j, 4]
        if with_collective and member[i]:
            t0 = 0.0
            t1 = 0.0
            t2 = 0.0
            t3 = 0.0
            t4 = 0.0
            for jj in range(c_indptr[i], c_indptr[i + 1]):
                j = c_indices[jj]
                if member[j]:
                    a = c_table[c_codes[jj]]
                    t0 += a * X[j, 0]
                    t1 += a * X[j, 1]
                    t2 += a * X[j, 2]
                    t3 += a * X[j, 3]
                    t4 += a * X[j, 4]
            s0 += t0
            s1 += t1
            s2 += t2
            s3 += t3
            s4 += t4
        degree[i] = s0
        if s0 > 0:
            mean_purpose[i] = s1 / s0
            engaged_share[i] = s2 / s0
        else:
            mean_purpose[i] = purpose[i]
            engaged_share[i] = 0.0
        engaged_count[i] = s2
        peer_weight[i] = s3
        peer_gain[i] = s4 / s3 if s3 > 0 else 0.0
        e = 0.0
        if with_cross:
            for jj in range(x_indptr[i], x_indptr[i + 1]):
                e += x_table[x_codes[jj]] * example_weight[x_indices[jj]]
        example[i] = e


@njit(cache=True, nogil=True)
def aggregates_by_block(blocks, active, reach, rootedness, engaged, capacity, purpose, has_classroom, learning,
                        potential, baseline_learning, cluster, cluster_quality, use_quality, X, example_weight,
                        indptr, indices, codes, table, with_collective, c_indptr, c_indices, c_codes, c_table, member,
                        x_indptr, x_indices, x_codes, x_table, out):
    """:func:`speaker_columns` then :func:`row_sums`, one block of agents at a time.

    ``blocks`` are the bounds of agent blocks that no tie crosses (an ensemble's runs: its
    tie matrices are block-diagonal). A block's speaker columns are still in the
    processor's cache when its rows gather them; a batch's columns as a whole are not (24
    workshop-size runs: 2.5 MB), and gathering them back in the rows' random order cost
    2.5 times the single run's time a tie. Each value is computed as by the two kernels.
    """
    for k in range(blocks.size - 1):
        a = blocks[k]
        b = blocks[k + 1]
        speaker_columns(active, reach, rootedness, engaged, capacity, purpose, has_classroom, learning,
                        potential, baseline_learning, cluster, cluster_quality, use_quality, X, example_weight, a, b)
        row_sums(indptr, indices, codes, table, X, with_collective, c_indptr, c_indices, c_codes, c_table, member,
                 use_quality, x_indptr, x_indices, x_codes, x_table, example_weight, purpose,
                 out[0], out[1], out[2], out[3], out[4], out[5], out[6], a, b)


def empty_csr() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Placeholder CSR arrays (positions, codes, table) for a product that is skipped (numba needs typed arguments)."""
    return np.zeros(1, dtype=np.uint64), np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint8), np.zeros(1)


#: The rates :func:`beliefs` reads, in the order of its ``rates`` rows.
BELIEF_RATES: tuple[str, ...] = (
    "influence_rate", "engaged_purpose_gain", "collective_purpose_gain", "evidence_purpose_gain",
    "persuasion_ceiling", "purpose_erosion", "trust_gain", "collective_trust_gain", "trust_decay",
    "agency_gain", "collective_agency_gain", "imposed_agency_cost", "agency_decay", "data_reflection_bonus",
)


def rate_rows(dyn, names: tuple[str, ...], n: int) -> np.ndarray:
    """The rates ``names`` of ``dyn`` as rows of a ``(k, 1)`` or ``(k, n)`` array.

    ``(k, 1)`` when each rate is one number; ``(k, n)`` when any is one value an agent (an
    ensemble of runs whose rates differ).
    """
    values = [getattr(dyn, name) for name in names]
    if all(isinstance(v, (float, int)) for v in values):  # the usual case, a few times a month: no arrays
        return np.array(values, dtype=np.float64).reshape(-1, 1)
    values = [np.asarray(v, dtype=np.float64) for v in values]
    if all(v.ndim == 0 for v in values):
        return np.array([[float(v)] for v in values])
    return np.stack([np.broadcast_to(v, (n,)) for v in values])


@njit(cache=True, nogil=True)
def _clip01(x):
    """``np.clip(x, 0, 1)`` of one value: NumPy's ``min(max(x, 0), 1)``."""
    return min(max(x, 0.0), 1.0)


@njit(inline="always")
def _belief_rates(rates, c):
    """Column ``c`` of :data:`BELIEF_RATES`'s rows, as numbers (see the module docstring)."""
    return (rates[0, c], rates[1, c], rates[2, c], rates[3, c], rates[4, c], rates[5, c], rates[6, c],
            rates[7, c], rates[8, c], rates[9, c], rates[10, c], rates[11, c], rates[12, c], rates[13, c])


@njit(cache=True, nogil=True)
def beliefs(active, engaged, has_classroom, learning, potential, baseline_learning,
            purpose, trust, agency, purpose0, trust0, agency0,
            mean_purpose, engaged_share, peer_gain, peer_weight,
            member, intensity, ownership, leadership, with_data, support, with_evidence, rates,
            new_purpose, new_trust, new_agency):
    """Purpose, trust and agency of :func:`simulator.processes.influence.update_beliefs` (into ``new_*``)."""
    per_agent = rates.shape[1] > 1
    shared = _belief_rates(rates, 0)
    for i in range(active.size):
        (influence_rate, engaged_purpose_gain, collective_purpose_gain, evidence_purpose_gain, persuasion_ceiling,
         purpose_erosion, trust_gain, collective_trust_gain, trust_decay, agency_gain, collective_agency_gain,
         imposed_agency_cost, agency_decay, data_reflection_bonus) = _belief_rates(rates, i) if per_agent else shared

        e = 1.0 if engaged[i] else 0.0
        m = 1.0 if member[i] else 0.0
        p = purpose[i]
        t = trust[i]
        a = agency[i]
        share = engaged_share[i]
        owned = m * intensity[i] * ownership[i] * leadership[i]
        imposed = m * intensity[i] * (1.0 - ownership[i])
        sustain = max(max(share, min(1.0, owned)), support[i])

        d_purpose = influence_rate * t * (1.0 - p) * (mean_purpose[i] - p)
        d_purpose = d_purpose + engaged_purpose_gain * e * share * (1.0 - p)
        d_purpose = d_purpose + collective_purpose_gain * owned * a * (1.0 - p)
        if with_evidence:
            reflect = 1.0 + data_reflection_bonus * (1.0 if with_data[i] else 0.0) * ownership[i] * leadership[i]
            peer = peer_gain[i] if peer_weight[i] > 0 else 0.0
            gain = learning[i] - potential[i] * baseline_learning if has_classroom[i] else 0.0
            best = max(0.0, max(gain, peer))
            seen = best * (1.0 if has_classroom[i] else 0.0) * reflect
            d_purpose = d_purpose + evidence_purpose_gain * t * seen * max(0.0, persuasion_ceiling - p)
        d_purpose = d_purpose - purpose_erosion * (1.0 - sustain) * (p - purpose0[i])

        d_trust = trust_gain * share * (1.0 - t)
        d_trust = d_trust + collective_trust_gain * owned * (1.0 - t)
        d_trust = d_trust - trust_decay * (t - trust0[i])

        d_agency = agency_gain * e * (1.0 - a)
        d_agency = d_agency + collective_agency_gain * owned * (1.0 - a)
        d_agency = d_agency - imposed_agency_cost * imposed * a
        d_agency = d_agency - agency_decay * (a - agency0[i])

        if active[i]:
            new_purpose[i] = _clip01(p + d_purpose)
            new_trust[i] = _clip01(t + d_trust)
            new_agency[i] = _clip01(a + d_agency)
        else:
            new_purpose[i] = _clip01(p)
            new_trust[i] = _clip01(t)
            new_agency[i] = _clip01(a)


#: The rates :func:`practice` reads, in the order of its ``rates`` rows.
PRACTICE_RATES: tuple[str, ...] = (
    "practice_trust_needed", "practice_gain", "collective_practice_gain", "data_reflection_bonus",
    "peer_learning_rate",
)


@njit(inline="always")
def _practice_rates(rates, c):
    """Column ``c`` of :data:`PRACTICE_RATES`'s rows, as numbers."""
    return (rates[0, c], rates[1, c], rates[2, c], rates[3, c], rates[4, c])


@njit(cache=True, nogil=True)
def practice(active, engaged, has_classroom, learning, potential, baseline_learning, baseline_practice,
             practice_now, capacity, trust, peer_gain, peer_weight,
             member, intensity, ownership, maturity, leadership, with_data,
             trust_gate_on, collective_learning, peer_learning, rates, technical_push, new_practice):
    """Practice of :func:`simulator.processes.practice.update_practice` (into ``new_practice``)."""
    per_agent = rates.shape[1] > 1
    push_per_agent = technical_push.size > 1
    shared = _practice_rates(rates, 0)
    shared_push = technical_push[0]
    for i in range(active.size):
        (trust_needed, practice_gain, collective_practice_gain, data_reflection_bonus,
         peer_learning_rate) = _practice_rates(rates, i) if per_agent else shared
        p = practice_now[i]
        if trust_gate_on:
            x = _clip01((trust[i] - (trust_needed - 0.1)) / 0.2)
            gate = x * x * (3.0 - 2.0 * x)
        else:
            gate = 1.0
        reach = baseline_practice + (1.0 - baseline_practice) * (0.5 + 0.5 * capacity[i])
        room = max(0.0, reach - p)
        own = practice_gain * (1.0 if engaged[i] else 0.0)
        if collective_learning:
            together = (collective_practice_gain * intensity[i] * (1.0 if member[i] else 0.0)
                        * ownership[i] * leadership[i] * (0.5 + 0.5 * maturity[i]))
            change = gate * room * (own + together)
        else:
            change = gate * room * (own + 0.0)
        if peer_learning:
            reflect = 1.0 + data_reflection_bonus * (1.0 if with_data[i] else 0.0) * ownership[i] * leadership[i]
            gain = learning[i] - potential[i] * baseline_learning if has_classroom[i] else 0.0
            gap = max(0.0, peer_gain[i] - gain)
            seen = gap * (1.0 if peer_weight[i] > 0 else 0.0) * (1.0 if has_classroom[i] else 0.0) * reflect
            change = change + min(room, peer_learning_rate * trust[i] * gate * seen)
        change = change + (technical_push[i] if push_per_agent else shared_push) * (1.0 - p)
        if has_classroom[i] and active[i]:
            new_practice[i] = _clip01(p + change)
        else:
            new_practice[i] = _clip01(p)


#: The levers :func:`development` reads, in the order of its ``levers`` rows.
COACHING_LEVERS: tuple[str, ...] = (
    "fellow_coaching", "alumni_leadership", "teacher_coaching", "principal_development", "parent_development",
)
#: The rates :func:`development` reads, in the order of its ``rates`` rows.
COACHING_RATES: tuple[str, ...] = ("coaching_gain", "persuasion_ceiling")

# Codes of simulator.roles, compiled in as constants. numba's cache is keyed on this file
# only: after changing a code in roles.py, touch this file (or clear __pycache__).
_TEACHER, _PRINCIPAL, _PARENT = int(Role.TEACHER), int(Role.PRINCIPAL), int(Role.PARENT)
_FELLOW, _ALUMNUS = int(Role.FELLOW), int(Role.ALUMNUS)
_DIRECT, _POLICY = int(AlumniTrack.DIRECT), int(AlumniTrack.POLICY)
_BLOCK, _DISTRICT_LEVEL, _STATE_LEVEL = int(OfficialLevel.BLOCK), int(OfficialLevel.DISTRICT), int(OfficialLevel.STATE)


@njit(inline="always")
def _coaching_levers(levers, c):
    """Column ``c`` of :data:`COACHING_LEVERS`'s rows, as numbers."""
    return (levers[0, c], levers[1, c], levers[2, c], levers[3, c], levers[4, c])


@njit(cache=True, nogil=True)
def coaching_intensity(role, active, in_host, use_host, levers, intensity):
    """This month's coaching intensity of each agent (into ``intensity``); returns how many are coached."""
    per_agent = levers.shape[1] > 1
    shared = _coaching_levers(levers, 0)
    coached = 0
    for i in range(role.size):
        fellow, alumni, teacher, principal, parent = _coaching_levers(levers, i) if per_agent else shared
        r = role[i]
        v = 0.0
        if r == _FELLOW:
            v = fellow
        elif r == _ALUMNUS:
            v = alumni
        elif use_host and in_host[i]:
            if r == _TEACHER:
                v = teacher
            elif r == _PRINCIPAL:
                v = principal
            elif r == _PARENT:
                v = parent
        v = v * (1.0 if active[i] else 0.0)
        intensity[i] = v
        if v > 0:
            coached += 1
    return coached


@njit(inline="always")
def _coaching_rates(rates, c):
    """Column ``c`` of :data:`COACHING_RATES`'s rows, as numbers."""
    return (rates[0, c], rates[1, c])


@njit(cache=True, nogil=True)
def development(intensity, has_classroom, purpose, capacity, practice_now, baseline_practice, rates,
                new_purpose, new_capacity, new_practice):
    """Purpose, capacity and practice of :func:`simulator.processes.development.apply_development`."""
    per_agent = rates.shape[1] > 1
    shared = _coaching_rates(rates, 0)
    for i in range(intensity.size):
        coaching_gain, persuasion_ceiling = _coaching_rates(rates, i) if per_agent else shared
        rate = coaching_gain * intensity[i]
        room = max(0.0, persuasion_ceiling - purpose[i])
        new_purpose[i] = _clip01(purpose[i] + rate * room)
        cap = _clip01(capacity[i] + rate * (1.0 - capacity[i]))
        new_capacity[i] = cap
        reach = baseline_practice + (1.0 - baseline_practice) * (0.5 + 0.5 * cap)
        room = max(0.0, reach - practice_now[i])
        if has_classroom[i]:
            new_practice[i] = _clip01(practice_now[i] + rate * room)
        else:
            new_practice[i] = _clip01(practice_now[i])


@njit(cache=True, nogil=True)
def _in_collective_school(role, track, active, has_classroom, cluster):
    """``_members_mask`` of one agent: an active classroom holder in a cluster's school.

    Scalars, not arrays and an index: a compiled call that takes arrays counts references
    to them, which inside a loop costs more than the test itself.
    """
    left_school = role == _ALUMNUS and track != _DIRECT
    return active and has_classroom and cluster >= 0 and not left_school


@njit(cache=True, nogil=True)
def cluster_people(role, track, active, has_classroom, cluster, engaged, example, with_example,
                   people, engaged_people, example_sum):
    """Per cluster, in one pass: its people, how many are engaged, and their example.

    People are the cluster's classroom holders and principals; ``example_sum`` (when
    ``with_example``) sums its people's ``example`` in agent order, as ``np.bincount`` does.
    """
    # Agents of a cluster mostly come one after another: the running sums of the current
    # cluster stay in registers and are stored when the cluster changes (the same additions
    # in the same order, so the same bits), instead of a store and a load each agent.
    here = -1
    n_people = 0.0
    n_engaged = 0.0
    example_here = 0.0
    for i in range(role.size):
        c = cluster[i]
        if c < 0:
            continue
        if c != here:
            if here >= 0:
                people[here] = n_people
                engaged_people[here] = n_engaged
                example_sum[here] = example_here
            here = c
            n_people = people[c]
            n_engaged = engaged_people[c]
            example_here = example_sum[c]
        inside = _in_collective_school(role[i], track[i], active[i], has_classroom[i], cluster[i]) or (
            role[i] == _PRINCIPAL and active[i])
        n_people += 1.0 if inside else 0.0  # counts: adding 0 changes no bit, and it needs no branch
        n_engaged += 1.0 if inside and engaged[i] else 0.0
        if with_example:
            example_here += example[i]
    if here >= 0:
        people[here] = n_people
        engaged_people[here] = n_engaged
        example_sum[here] = example_here


@njit(cache=True, nogil=True)
def collective_members(role, track, active, has_classroom, cluster, on, programme, ownership_c, maturity_c,
                       leadership_c, levers, member, intensity, ownership, maturity, leadership, with_data,
                       in_programme, members_c, leadership_sum_c):
    """The per-agent view of :func:`simulator.processes.collectives.collective_view`.

    Also, per cluster, its members and the sum of their leadership (for the clusters'
    mean leadership), added in agent order as ``np.bincount`` does.
    """
    per_agent = levers.shape[1] > 1
    shared_intensity, shared_data = levers[0, 0], levers[1, 0]
    here = -1  # the current cluster's running sums, as in cluster_people
    n_members = 0.0
    lead_sum = 0.0
    for i in range(role.size):
        c = cluster[i] if cluster[i] >= 0 else 0
        m = _in_collective_school(role[i], track[i], active[i], has_classroom[i], cluster[i]) and on[c]
        p = m and programme[c]
        member[i] = m
        in_programme[i] = p
        if p:
            intensity[i] = levers[0, i] if per_agent else shared_intensity
        else:
            intensity[i] = 1.0 if m else 0.0
        if m:
            ownership[i] = ownership_c[c]
            maturity[i] = maturity_c[c]
            leadership[i] = leadership_c[c]
            with_data[i] = (levers[1, i] if per_agent else shared_data) != 0.0 if p else True
            if c != here:
                if here >= 0:
                    members_c[here] = n_members
                    leadership_sum_c[here] = lead_sum
                here = c
                n_members = members_c[c]
                lead_sum = leadership_sum_c[c]
            n_members += 1.0
            lead_sum += leadership_c[c]
        else:
            ownership[i] = 0.0
            maturity[i] = 0.0
            leadership[i] = 0.0
            with_data[i] = False
    if here >= 0:
        members_c[here] = n_members
        leadership_sum_c[here] = lead_sum


@njit(cache=True, nogil=True)
def members_value(member, cluster, values_c, out):
    """``where(member, values_c[max(cluster, 0)], 0)``."""
    for i in range(member.size):
        out[i] = values_c[max(cluster[i], 0)] if member[i] else 0.0


@njit(cache=True, nogil=True)
def _pairwise_block(a, lo, n):
    """NumPy's ``pairwise_sum`` of at most 128 values (a leaf of its recursion)."""
    if n < 8:
        res = -0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r0, r1, r2, r3 = a[lo], a[lo + 1], a[lo + 2], a[lo + 3]
    r4, r5, r6, r7 = a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]
    i = lo + 8
    stop = lo + n - (n % 8)
    while i < stop:
        r0 += a[i]
        r1 += a[i + 1]
        r2 += a[i + 2]
        r3 += a[i + 3]
        r4 += a[i + 4]
        r5 += a[i + 5]
        r6 += a[i + 6]
        r7 += a[i + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < lo + n:
        res += a[i]
        i += 1
    return res


@njit(cache=True, nogil=True)
def _pairwise_sum(a, lo, n):
    """``a[lo:lo + n].sum()`` as NumPy adds it: ``+0.0 + pairwise_sum`` of its float loops.

    The reduction starts from its identity, +0.0, and adds the pairwise sum of all the
    values: below 8 values one by one from -0.0; up to 128 in eight interleaved partial
    sums, combined as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``, then the
    rest; above that the two halves (the first a multiple of 8), each summed the same way
    and then added, left + right. (The +0.0 matters only for a sum of negative zeros,
    which NumPy returns as +0.0.) The recursion is walked with an explicit stack: numba's
    cache cannot reload a recursive function called from one that takes a tuple of arrays
    (the process crashes), and :func:`masked_means` takes tuples.
    """
    if n <= 128:
        return 0.0 + _pairwise_block(a, lo, n)
    depth = 64  # halving from 2**63 values reaches 128 in fewer than 64 levels
    frame_lo = np.empty(depth, dtype=np.int64)
    frame_n = np.empty(depth, dtype=np.int64)
    frame_step = np.zeros(depth, dtype=np.int64)
    sums = np.empty(depth)
    top = 0
    held = 0
    frame_lo[0] = lo
    frame_n[0] = n
    while top >= 0:
        f_lo = frame_lo[top]
        f_n = frame_n[top]
        if f_n <= 128:
            sums[held] = _pairwise_block(a, f_lo, f_n)
            held += 1
            top -= 1
            continue
        half = f_n // 2
        half -= half % 8
        step = frame_step[top]
        if step == 2:  # both halves summed: add them, left + right
            held -= 1
            sums[held - 1] = sums[held - 1] + sums[held]
            top -= 1
            continue
        frame_step[top] = step + 1
        top += 1
        frame_step[top] = 0
        if step == 0:
            frame_lo[top] = f_lo
            frame_n[top] = half
        else:
            frame_lo[top] = f_lo + half
            frame_n[top] = f_n - half
    return 0.0 + sums[0]


@njit(cache=True, nogil=True)
def segment_means(packed, bounds, out):
    """Each segment's mean, ``packed[b_k:b_k+1].sum() / n_k`` as NumPy computes it (0 when empty)."""
    for k in range(bounds.size - 1):
        lo = bounds[k]
        n = bounds[k + 1] - lo
        out[k] = _pairwise_sum(packed, lo, n) / n if n > 0 else 0.0


@njit(cache=True, nogil=True)
def masked_means(values, masks, pair_mask, pair_value, bounds, index, scratch, out, counts):
    """Each run's ``values[v][mask].sum() / n`` for every pair (mask, v), as NumPy computes it.

    ``values`` and ``masks`` are tuples of per-agent arrays; pair ``p`` is
    ``(masks[pair_mask[p]], values[pair_value[p]])``; run ``k`` holds agents
    ``bounds[k]`` to ``bounds[k + 1]``. A run's masked positions are found once a mask
    (``counts[k, m]``), then each of that mask's values is gathered in slot order and
    added as NumPy's pairwise sum adds a compacted array (:func:`_pairwise_sum`);
    ``out[k, p]`` is 0 when the mask is empty (``simulator.indicators._mean``).
    ``index`` and ``scratch`` are work arrays of at least the largest run's size.
    """
    for k in range(bounds.size - 1):
        a = bounds[k]
        b = bounds[k + 1]
        for m in range(len(masks)):
            mask = masks[m]
            c = 0
            for i in range(a, b):  # compacted without a branch: a mask's pattern is not predictable
                index[c] = i
                c += 1 if mask[i] else 0
            counts[k, m] = c
            for p in range(pair_mask.size):
                if pair_mask[p] != m:
                    continue
                v = values[pair_value[p]]
                for t in range(c):
                    scratch[t] = v[index[t]]
                out[k, p] = _pairwise_sum(scratch, 0, c) / c if c > 0 else 0.0


@njit(cache=True, nogil=True)
def indicator_columns(active, role, has_classroom, engaged, purpose, trust, practice, with_data, ownership, member,
                      leader_purpose, baseline_practice, masks, derived):
    """Every agent's indicator masks and derived values, in one pass, as NumPy computes them.

    ``masks`` rows (bool): active; classroom holders; teachers; teachers and principals
    (staff); leaders (engaged, purpose at least ``leader_purpose``); engaged holders; then
    one row a role code from 0, all among the active. ``derived`` rows (float64):
    engaged; purpose at least ``leader_purpose``; ``with_data * ownership``;
    ``trust * (engaged | member)``; practice at least 0.6; the practice shift
    ``clip((practice - p0) / max(1e-9, 1 - p0), 0, 1)`` (``simulator.indicators``).
    """
    # three loops, each a few streams the compiler can vectorise: one loop writing all
    # eighteen rows an agent at a time was six times slower
    denom = max(1e-9, 1.0 - baseline_practice)
    n = active.size
    for i in range(n):
        act = active[i]
        r = role[i]
        e = engaged[i]
        holder = act and has_classroom[i]
        lead_p = purpose[i] >= leader_purpose
        masks[0, i] = act
        masks[1, i] = holder
        masks[2, i] = act and r == _TEACHER
        masks[3, i] = act and (r == _TEACHER or r == _PRINCIPAL)
        masks[4, i] = act and e and lead_p
        masks[5, i] = holder and e
    for code in range(masks.shape[0] - 6):
        row = masks[6 + code]
        for i in range(n):
            row[i] = active[i] and role[i] == code
    for i in range(n):
        e = engaged[i]
        derived[0, i] = 1.0 if e else 0.0
        derived[1, i] = 1.0 if purpose[i] >= leader_purpose else 0.0
        derived[2, i] = (1.0 if with_data[i] else 0.0) * ownership[i]
        derived[3, i] = trust[i] * (1.0 if (e or member[i]) else 0.0)
        derived[4, i] = 1.0 if practice[i] >= 0.6 else 0.0
        derived[5, i] = _clip01((practice[i] - baseline_practice) / denom)


@njit(cache=True, nogil=True)
def segment_nanstd(values, bounds, scratch, out):
    """Each segment's ``np.nanstd`` as NumPy computes it, or 0 when it holds no finite value.

    NumPy's ``nanvar``: NaNs replaced by 0, the mean is the pairwise sum of the whole
    segment (zeros included) over the count of non-NaN values, deviations at NaNs are set
    to 0, and the variance is the pairwise sum of the squared deviations over the count.
    """
    for k in range(bounds.size - 1):
        a = bounds[k]
        n = bounds[k + 1] - a
        cnt = 0
        finite = False
        for t in range(n):
            x = values[a + t]
            if x != x:
                scratch[t] = 0.0
            else:
                scratch[t] = x
                cnt += 1
                if x - x == 0.0:
                    finite = True
        if not finite:
            out[k] = 0.0
            continue
        avg = _pairwise_sum(scratch, 0, n) / cnt
        for t in range(n):
            x = values[a + t]
            d = 0.0 if x != x else scratch[t] - avg
            scratch[t] = d * d
        out[k] = np.sqrt(_pairwise_sum(scratch, 0, n) / cnt)


@njit(cache=True, nogil=True)
def official_counts(active, level, district, role, track, engaged, block_n, block_engaged,
                    district_n, district_engaged):
    """Per district, its active block officials and district-level people, and how many are engaged.

    District-level people are district officials and policy-track alumni. Returns the state
    officials' (count, engaged count). Counts, so the order of adding does not matter.
    """
    state_n = 0.0
    state_engaged = 0.0
    for i in range(active.size):
        if not active[i]:
            continue
        d = district[i]
        e = 1.0 if engaged[i] else 0.0
        if level[i] == _BLOCK and d >= 0:
            block_n[d] += 1.0
            block_engaged[d] += e
        if d >= 0 and (level[i] == _DISTRICT_LEVEL or (role[i] == _ALUMNUS and track[i] == _POLICY)):
            district_n[d] += 1.0
            district_engaged[d] += e
        if level[i] == _STATE_LEVEL:
            state_n += 1.0
            state_engaged += e
    return state_n, state_engaged


#: The rates :func:`engagement` reads, in the order of its ``rates`` rows.
ENGAGEMENT_RATES: tuple[str, ...] = (
    "threshold_sensitivity", "support_threshold_relief", "collective_threshold_relief", "min_support",
    "engage_probability", "disengage_probability", "burnout", "hysteresis", "commitment_level",
)


@njit(inline="always")
def _engagement_rates(rates, c):
    """Column ``c`` of :data:`ENGAGEMENT_RATES`'s rows, as numbers."""
    return (rates[0, c], rates[1, c], rates[2, c], rates[3, c], rates[4, c], rates[5, c], rates[6, c],
            rates[7, c], rates[8, c])


@njit(cache=True, nogil=True)
def engagement(active, engaged, role, purpose, agency, trust, threshold, support, member, intensity, ownership,
               leadership, share, count, contagion, reinforcement, commitment, uniform, rates, new_engaged):
    """Engagement of :func:`simulator.processes.engagement.update_engagement` (into ``new_engaged``)."""
    per_agent = rates.shape[1] > 1
    shared = _engagement_rates(rates, 0)
    for i in range(active.size):
        (sensitivity, support_relief, collective_relief, min_support, engage_probability, disengage_probability,
         burnout, hysteresis, commitment_level) = _engagement_rates(rates, i) if per_agent else shared
        if not reinforcement:
            min_support = 0.0
        burnout = min(burnout, disengage_probability)
        readiness = (purpose[i] + agency[i] + trust[i]) / 3.0
        owned = (1.0 if member[i] else 0.0) * intensity[i] * ownership[i] * leadership[i]
        theta = (threshold[i] * (1.0 - sensitivity * readiness) * (1.0 - support_relief * support[i])
                 * (1.0 - collective_relief * min(1.0, owned)))
        s = share[i] if contagion else 0.0
        k = count[i] if contagion else 0.0
        self_supported = active[i] and (role[i] == _FELLOW or (commitment and purpose[i] >= commitment_level))
        supported_new = (s >= theta and k >= min_support) or self_supported
        supported_keep = (s >= theta - hysteresis and k >= min_support) or self_supported
        u = uniform[i]
        if engaged[i]:
            drop = u < burnout if supported_keep else u < disengage_probability
            now = not drop
        else:
            now = supported_new and u < engage_probability
        new_engaged[i] = now and active[i]
