"""Teacher collectives: who sets them up, whether teachers own them, how they mature and spread.

Seed 003 ("The Promise of Collective Leadership"): teacher collectives meet monthly in a
cluster to share classroom experience, plan, build tools and learn together; they started
in 2005 in 2 clusters and spread to 1,700 clusters in 26 districts; they take about three
years to mature, after which administrations scale them; and "imposed top-down structures
for collaboration do not lead to improvement". Each cluster therefore carries four
variables (``State.collective_on``, ``collective_origin``, ``maturity``, ``ownership``):

* **Origin.** A collective is run by the programme (``convene.collectives``, in its mode),
  formed by the cluster's own engaged teachers (*self-organised*), or set up by the
  district administration (*mandated*).
* **Ownership** (teachers' autonomy and voice in how it is run) relaxes at
  ``ownership_rate`` toward a target: 1 for a teacher-led programme collective and a
  self-organised one, 0 for an imposed programme collective, and for a mandated one the
  engaged share of the cluster's teachers and principals: an administration that scales
  collectives top-down gets imposed ones unless teachers already lead them. A new
  collective starts with the ownership of its engaged core (that share).
* **Maturity** relaxes toward how well the collective functions (ownership times
  leadership, below) at ``2 / collective_maturity_months`` a month while it meets, so a
  fully owned and led collective is 86% mature after ``collective_maturity_months``
  (seed 003: about three years) and a leaderless one never matures; it decays by a
  twelfth a month when the collective stops meeting.
* **Spread by example.** A cluster without a collective forms one with monthly
  probability ``collective_formation_rate * E_c * min(1, s_c / collective_quorum)``,
  where ``s_c`` is the engaged share of its teachers and principals and
  ``E_c = 1 - exp(-x_c)`` its exposure: ``x_c`` sums, over everyone in the cluster, the
  weighted engaged ties to people of clusters with a mature, owned collective
  (``maturity * ownership``; principals' ties across neighbouring clusters, alumni and
  officials bridge clusters). So collectives spread from cluster to cluster along the
  network of people who bridge them, and only where a few teachers already lead.
* **Scaling by administrations.** A cluster without a collective gets a mandated one with
  monthly probability ``mandate_rate * support_d`` (district support,
  ``simulator.processes.support``).
* **Leadership.** What a collective learns depends on who leads it: the programme's
  outside facilitation (``convene.collectives.facilitation``; seed 003: India Education
  Collective and Cluster Resource Coordinators facilitate) or the cluster's own engaged
  leaders (fellows, alumni, teachers and principals), full once their engaged share
  reaches ``collective_quorum``, plus the leadership lent by the engaged people who bridge
  it to mature collectives elsewhere (its exposure ``E_c``; by alumni and principals who
  bridge them, seed 003) (seed 003: "only a few teachers begin ... as they share
  their experiences and success stories ... other teachers become motivated"). Everything a collective does (trust, agency, purpose, learning together, data
  reflection, the space it gives to act) scales with ownership times leadership.
* **Fading.** A self-organised collective whose engaged share falls below half the quorum,
  or a mandated one, stops meeting with monthly probability
  ``collective_fade_rate * (1 - support_d)``; when the programme ends in a cluster its
  collective carries on as self-organised if at least half the quorum is engaged, and
  stops otherwise.

One uniform draw per cluster and month (``u_cluster``) decides formation, mandate and
fading (a cluster is in exactly one of those situations).

Knock-outs (``mechanisms``): ``reinforcement`` off drops the core (leadership counts from the
first engaged person, as engagement then needs no count of engaged ties); ``collectives_spread`` off stops formation by example;
``ownership`` off makes every collective work as if fully owned (its ownership is still
tracked, but the effects use 1); ``institutional_support`` off leaves support at 0, so
no mandates.

Reads: role, cluster, active, engaged, has_classroom, track, collective arrays, support;
aggregates ``example``; levers. Writes: collective_on, collective_origin, maturity,
ownership. Returns the month's per-agent :class:`Collectives`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..levers import Levers
from ..roles import AlumniTrack, Role
from ..scenario.schema import Dynamics, Mechanisms
from ..state import CollectiveOrigin, State
from .aggregate import Aggregates

__all__ = [
    "Collectives", "update_collectives", "update_collectives_numpy", "cluster_engaged_share", "collective_view",
    "collective_view_numpy", "cluster_quality",
]

FloatArray = NDArray[np.float64]


@dataclass
class Collectives:
    """Per-agent view of the month's collectives.

    Attributes:
        member: takes part in a meeting collective (active classroom holders of the cluster).
        intensity: meetings a month (the programme's frequency, 1 for the others).
        ownership: the collective's effective ownership (1 when the ownership mechanism is off).
        maturity: the collective's maturity.
        leadership: the leadership in the collective: the programme's outside facilitation,
            or the engaged share of the cluster's teachers and principals over the quorum
            (capped at 1), whichever is larger.
        with_data: the collective reflects on classroom data.
        programme: the collective is run by the programme.
        cluster_on: per cluster, a collective meets.
        cluster_quality: per cluster, ``maturity * effective ownership`` where one meets.
    """

    member: NDArray[np.bool_]
    intensity: FloatArray
    ownership: FloatArray
    maturity: FloatArray
    leadership: FloatArray
    with_data: NDArray[np.bool_]
    programme: NDArray[np.bool_]
    cluster_on: NDArray[np.bool_]
    cluster_quality: FloatArray

    @property
    def owned(self) -> FloatArray:
        """``member * intensity * ownership * leadership``: the owned, led collective work a person does.

        A collective builds trust, agency and purpose only as far as teachers own it and
        someone leads it; a meeting nobody leads is only a meeting.
        """
        return self.member * self.intensity * self.ownership * self.leadership

    @property
    def imposed(self) -> FloatArray:
        """``member * intensity * (1 - ownership)``: the compliance a person takes part in."""
        return self.member * self.intensity * (1.0 - self.ownership)


def _members_mask(state: State) -> NDArray[np.bool_]:
    """Active classroom holders who sit in a cluster's school (enabler/policy alumni have left)."""
    left_school = (state.role == Role.ALUMNUS) & (state.track != AlumniTrack.DIRECT)
    return state.active & state.has_classroom & (state.cluster >= 0) & ~left_school


def cluster_engaged_share(state: State) -> FloatArray:
    """Engaged share of each cluster's active classroom holders and principals."""
    people = (_members_mask(state) | ((state.role == Role.PRINCIPAL) & state.active)) & (state.cluster >= 0)
    c = state.cluster[people]
    total = np.bincount(c, minlength=state.n_clusters).astype(np.float64)
    engaged = np.bincount(c, weights=state.engaged[people].astype(np.float64), minlength=state.n_clusters)
    return np.where(total > 0, engaged / np.where(total > 0, total, 1.0), 0.0)


def cluster_quality(state: State, mech: Mechanisms) -> FloatArray:
    """``maturity * effective ownership`` of each cluster's meeting collective (0 where none)."""
    own = np.ones(state.n_clusters) if not mech.ownership else state.ownership
    return state.collective_on * state.maturity * own


def exposure(state: State, agg: Aggregates | None) -> FloatArray:
    """Each cluster's exposure to mature, owned collectives of other clusters, in [0, 1).

    ``1 - exp(-x_c)`` with ``x_c`` the sum over the cluster's people of their weighted
    engaged ties into clusters with such a collective (``Aggregates.example``).
    """
    if agg is None:
        return np.zeros(state.n_clusters)
    people = state.cluster >= 0
    x = np.bincount(state.cluster[people], weights=agg.example[people], minlength=state.n_clusters)
    return 1.0 - np.exp(-x)


def _leadership_by_cluster(
    levers: Levers, mech: Mechanisms, dyn_quorum: float, core: float,
    share: FloatArray, exposed: FloatArray | None, programme_c: NDArray[np.bool_],
) -> FloatArray:
    """Each cluster's collective leadership.

    The engaged share over the quorum (plus the exposure), past the core; or the
    programme's facilitation where that is larger.
    """
    lead_c = share / max(dyn_quorum, 1e-9)
    if mech.collectives_spread:
        lead_c = lead_c + exposed
    lead_c = np.clip((lead_c - core) / max(1.0 - core, 1e-9), 0.0, 1.0)
    return np.where(programme_c, np.maximum(lead_c, levers.collective_facilitation), lead_c)


def collective_view(
    state: State,
    levers: Levers,
    mech: Mechanisms,
    dyn_quorum: float,
    agg: Aggregates | None = None,
    core: float = 0.0,
    share: FloatArray | None = None,
    exposed: FloatArray | None = None,
) -> Collectives:
    """The per-agent view of the collectives as they stand (no update), in one compiled pass.

    The arithmetic of :func:`collective_view_numpy` (the readable form, tested against this
    one bit for bit). ``share`` (:func:`cluster_engaged_share`) and ``exposed``
    (:func:`exposure`) may be passed when the caller has them for the same state and
    aggregates.
    """
    return _compiled_view(state, levers, mech, dyn_quorum, agg, core, share, exposed)[0]


def _compiled_view(
    state: State, levers: Levers, mech: Mechanisms, dyn_quorum: float, agg: Aggregates | None, core: float,
    share: FloatArray | None, exposed: FloatArray | None,
) -> tuple[Collectives, FloatArray]:
    """:func:`collective_view`, and each cluster's mean leadership of its members."""
    from . import kernels

    if share is None or (mech.collectives_spread and exposed is None):
        share, exposed = _cluster_sums(state, agg, mech.collectives_spread)
    on = state.collective_on
    programme_c = on & (state.collective_origin == CollectiveOrigin.PROGRAMME)
    own_c = np.ones(state.n_clusters) if not mech.ownership else state.ownership
    lead_c = _leadership_by_cluster(levers, mech, dyn_quorum, core, share, exposed, programme_c)
    n, n_c = state.n_agents, state.n_clusters
    member, with_data, in_programme = np.empty(n, bool), np.empty(n, bool), np.empty(n, bool)
    intensity, ownership, maturity, leadership = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    members_c, leadership_sum_c = np.zeros(n_c), np.zeros(n_c)
    kernels.collective_members(
        state.role, state.track, state.active, state.has_classroom, state.cluster, on, programme_c,
        np.asarray(own_c, dtype=np.float64), state.maturity, np.asarray(lead_c, dtype=np.float64),
        kernels.rate_rows(levers, ("collective_intensity", "collective_with_data"), n),
        member, intensity, ownership, maturity, leadership, with_data, in_programme, members_c, leadership_sum_c,
    )
    view = Collectives(
        member=member, intensity=intensity, ownership=ownership, maturity=maturity, leadership=leadership,
        with_data=with_data, programme=in_programme, cluster_on=on.copy(), cluster_quality=cluster_quality(state, mech),
    )
    cluster_lead = np.where(members_c > 0, leadership_sum_c / np.where(members_c > 0, members_c, 1.0), 0.0)
    return view, cluster_lead


def _cluster_sums(state: State, agg: Aggregates | None, with_exposure: bool) -> tuple[FloatArray, FloatArray | None]:
    """:func:`cluster_engaged_share` and (``with_exposure``) :func:`exposure`, in one compiled pass."""
    from . import kernels

    n_c = state.n_clusters
    people, engaged, example_sum = np.zeros(n_c), np.zeros(n_c), np.zeros(n_c)
    with_example = with_exposure and agg is not None
    kernels.cluster_people(
        state.role, state.track, state.active, state.has_classroom, state.cluster, state.engaged,
        agg.example if with_example else np.zeros(1), with_example, people, engaged, example_sum,
    )
    share = np.where(people > 0, engaged / np.where(people > 0, people, 1.0), 0.0)
    if not with_exposure:
        return share, None
    return share, (1.0 - np.exp(-example_sum) if with_example else np.zeros(n_c))


def collective_view_numpy(
    state: State,
    levers: Levers,
    mech: Mechanisms,
    dyn_quorum: float,
    agg: Aggregates | None = None,
    core: float = 0.0,
    share: FloatArray | None = None,
    exposed: FloatArray | None = None,
) -> Collectives:
    """:func:`collective_view` with NumPy passes."""
    on = state.collective_on
    programme_c = on & (state.collective_origin == CollectiveOrigin.PROGRAMME)
    member = _members_mask(state)
    cl = np.where(state.cluster >= 0, state.cluster, 0)
    member &= on[cl]
    in_programme = member & programme_c[cl]
    own_c = np.ones(state.n_clusters) if not mech.ownership else state.ownership
    share = cluster_engaged_share(state) if share is None else share
    if mech.collectives_spread and exposed is None:
        exposed = exposure(state, agg)
    lead_c = _leadership_by_cluster(levers, mech, dyn_quorum, core, share, exposed, programme_c)
    return Collectives(
        member=member,
        intensity=np.where(in_programme, levers.collective_intensity, np.where(member, 1.0, 0.0)),
        ownership=np.where(member, own_c[cl], 0.0),
        maturity=np.where(member, state.maturity[cl], 0.0),
        leadership=np.where(member, lead_c[cl], 0.0),
        with_data=member & np.where(in_programme, levers.collective_with_data, True),
        programme=in_programme,
        cluster_on=on.copy(),
        cluster_quality=cluster_quality(state, mech),
    )


def update_collectives(
    state: State,
    agg: Aggregates,
    levers: Levers,
    dyn: Dynamics,
    mech: Mechanisms,
    cluster_district: NDArray[np.int64],
    u_cluster: FloatArray,
) -> Collectives:
    """Advance every cluster's collective by one month in place; return the month's view.

    The per-agent passes (engaged shares, exposure, the view, the clusters' leadership) run
    as compiled loops; :func:`update_collectives_numpy` is the same arithmetic with NumPy
    passes (tested against this one bit for bit). Arguments as there.
    """
    return _update(state, agg, levers, dyn, mech, cluster_district, u_cluster, compiled=True)


def update_collectives_numpy(
    state: State,
    agg: Aggregates,
    levers: Levers,
    dyn: Dynamics,
    mech: Mechanisms,
    cluster_district: NDArray[np.int64],
    u_cluster: FloatArray,
) -> Collectives:
    """Advance every cluster's collective by one month in place; return the month's view.

    Args:
        state: the state (collective arrays are updated).
        agg: last month's aggregates (for the exposure to other clusters' examples).
        levers: this month's levers (the programme's coverage and mode).
        dyn: dynamics parameters.
        mech: mechanism switches.
        cluster_district: district of each cluster.
        u_cluster: one U[0, 1) draw per cluster.
    """
    return _update(state, agg, levers, dyn, mech, cluster_district, u_cluster, compiled=False)


def _update(
    state: State, agg: Aggregates, levers: Levers, dyn: Dynamics, mech: Mechanisms,
    cluster_district: NDArray[np.int64], u_cluster: FloatArray, compiled: bool,
) -> Collectives:
    n_c = state.n_clusters
    if compiled:
        share, exposed = _cluster_sums(state, agg, mech.collectives_spread)
    else:
        share = cluster_engaged_share(state)
        exposed = exposure(state, agg) if mech.collectives_spread else None
    support = state.support[cluster_district] if mech.institutional_support else np.zeros(n_c)
    covered = levers.collective_clusters if levers.collective_clusters.size else np.zeros(n_c, dtype=bool)
    imposed = np.asarray(levers.collective_mode) == "imposed"  # per cluster in an ensemble
    if imposed.ndim == 0:
        imposed = np.full(n_c, bool(imposed))
    transitions = _transitions_compiled if compiled else collective_transitions_numpy
    on, ownership = transitions(state, share, exposed, support, covered, imposed, u_cluster, dyn,
                                mech.collectives_spread)
    own_eff = np.ones(n_c) if not mech.ownership else ownership
    # the engaged shares and the exposure are those computed above: this process changes
    # neither who is engaged nor the aggregates
    core = dyn.collective_core if mech.reinforcement else 0.0
    if compiled:
        view, cluster_lead = _compiled_view(state, levers, mech, dyn.collective_quorum, agg, core, share, exposed)
    else:
        view = collective_view_numpy(state, levers, mech, dyn.collective_quorum, agg, core, share, exposed)
        cluster_lead = _cluster_leadership(state, view)
    functioning = own_eff * cluster_lead
    rate = 2.0 / dyn.collective_maturity_months
    m = state.maturity
    state.maturity = np.clip(
        np.where(on, m + rate * (functioning * (1.0 - m) - (1.0 - functioning) * m), m * (1.0 - 1.0 / 12.0)),
        0.0,
        1.0,
    )
    if compiled:
        from . import kernels

        kernels.members_value(view.member, state.cluster, state.maturity, view.maturity)
    else:
        view.maturity = np.where(view.member, state.maturity[np.maximum(state.cluster, 0)], 0.0)
    view.cluster_quality = cluster_quality(state, mech)
    return view


def collective_transitions_numpy(
    state: State, share: FloatArray, exposed: FloatArray | None, support: FloatArray, covered: NDArray[np.bool_],
    imposed: NDArray[np.bool_], u_cluster: FloatArray, dyn: Dynamics, spread: bool,
) -> tuple[NDArray[np.bool_], FloatArray]:
    """The month's transitions of every cluster's collective, in place; NumPy passes.

    The programme ends, collectives fade, form by example or by mandate, the programme's
    clusters get theirs, and ownership moves toward its target. Sets ``collective_on``,
    ``collective_origin`` and ``ownership`` (clipped); returns who meets and the ownership
    before clipping (this month's functioning uses it).
    """
    n_c = state.n_clusters
    on = state.collective_on.copy()
    origin = state.collective_origin.copy()
    half_quorum = 0.5 * dyn.collective_quorum
    was_programme = on & (origin == CollectiveOrigin.PROGRAMME)

    # the programme ends (or never ran) here: carry on as self-organised, or stop
    ended = was_programme & ~covered
    carry = ended & (share >= half_quorum)
    origin[carry] = CollectiveOrigin.SELF
    on[ended & ~carry] = False
    origin[ended & ~carry] = CollectiveOrigin.NONE

    # fading of self-organised and mandated collectives
    fade_p = dyn.collective_fade_rate * (1.0 - support)
    weak_self = on & (origin == CollectiveOrigin.SELF) & (share < half_quorum) & ~ended
    mandated = on & (origin == CollectiveOrigin.MANDATED)
    fades = (weak_self | mandated) & (u_cluster < fade_p) & ~covered
    on[fades] = False
    origin[fades] = CollectiveOrigin.NONE

    # formation by example, and mandates by administrations
    idle = ~on & ~covered & ~state.collective_on
    if spread:
        p_form = (
            dyn.collective_formation_rate * exposed
            * np.minimum(1.0, share / max(dyn.collective_quorum, 1e-9))
        )
    else:
        p_form = np.zeros(n_c)
    p_mandate = dyn.mandate_rate * support
    forms = idle & (u_cluster < p_form)
    mandates = idle & ~forms & (u_cluster < p_form + p_mandate)
    new = forms | mandates
    on[forms] = True
    origin[forms] = CollectiveOrigin.SELF
    on[mandates] = True
    origin[mandates] = CollectiveOrigin.MANDATED

    # the programme's clusters
    on[covered] = True
    started_programme = covered & (origin != CollectiveOrigin.PROGRAMME)
    origin[covered] = CollectiveOrigin.PROGRAMME

    ownership = state.ownership.copy()
    ownership[new | (started_programme & ~state.collective_on)] = share[new | (started_programme & ~state.collective_on)]
    target = np.where(origin == CollectiveOrigin.MANDATED, share, 1.0)
    if imposed.any():
        target = np.where(imposed & (origin == CollectiveOrigin.PROGRAMME), 0.0, target)
    ownership = np.where(on, ownership + dyn.ownership_rate * (target - ownership), ownership)

    state.collective_on = on
    state.collective_origin = origin.astype(np.int8)
    state.ownership = np.clip(ownership, 0.0, 1.0)
    return on, ownership


def _transitions_compiled(
    state: State, share: FloatArray, exposed: FloatArray | None, support: FloatArray, covered: NDArray[np.bool_],
    imposed: NDArray[np.bool_], u_cluster: FloatArray, dyn: Dynamics, spread: bool,
) -> tuple[NDArray[np.bool_], FloatArray]:
    """:func:`collective_transitions_numpy` in one compiled pass over the clusters."""
    from . import kernels_small

    n_c = state.n_clusters
    on, origin = np.empty(n_c, dtype=bool), np.empty(n_c, dtype=np.int8)
    ownership, clipped = np.empty(n_c), np.empty(n_c)
    kernels_small.collective_transitions(
        state.collective_on, state.collective_origin, state.ownership, share,
        exposed if spread else np.zeros(1), bool(spread), support, covered, imposed, u_cluster,
        float(dyn.collective_quorum), float(dyn.collective_fade_rate), float(dyn.collective_formation_rate),
        float(dyn.mandate_rate), float(dyn.ownership_rate), on, origin, ownership, clipped,
    )
    state.collective_on, state.collective_origin, state.ownership = on, origin, clipped
    return on, ownership


def _cluster_leadership(state: State, view: Collectives) -> FloatArray:
    """Each cluster's collective leadership (the value its members carry; 0 where none meets)."""
    members = view.member
    c = state.cluster[members]
    total = np.bincount(c, minlength=state.n_clusters).astype(np.float64)
    lead = np.bincount(c, weights=view.leadership[members], minlength=state.n_clusters)
    return np.where(total > 0, lead / np.where(total > 0, total, 1.0), 0.0)
