"""Each process on hand-checkable tiny cases."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from simulator.levers import Levers
from simulator.processes.aggregate import neighbour_aggregates
from simulator.processes.collectives import Collectives, cluster_engaged_share, update_collectives
from simulator.processes.engagement import effective_threshold, threshold_rule, update_engagement
from simulator.processes.inertia import apply_inertia
from simulator.processes.influence import update_beliefs
from simulator.processes.learning import learning_target, update_learning
from simulator.processes.practice import practice_reach, trust_gate, update_practice
from simulator.processes.support import official_engagement, update_support
from simulator.processes.turnover import apply_turnover, monthly_leave_probability
from simulator.roles import AlumniTrack, OfficialLevel, Role
from simulator.scenario.schema import Dynamics, Mechanisms, Population, Recruit
from simulator.state import CollectiveOrigin, State

L0 = 0.4  # baseline learning of the tests


def make_state(n: int, n_clusters: int = 1, n_districts: int = 1, **values) -> State:
    base = dict(
        role=np.full(n, Role.TEACHER, np.int8), track=np.full(n, -1, np.int8),
        school=np.zeros(n, np.int32), cluster=np.zeros(n, np.int32), district=np.zeros(n, np.int32),
        recruit_month=np.full(n, -1, np.int32), tenure=np.zeros(n, np.int32),
        active=np.ones(n, bool), engaged=np.zeros(n, bool), has_classroom=np.ones(n, bool), coached=np.zeros(n, bool),
        level=np.zeros(n, np.int8), potential=np.ones(n),
        collective_on=np.zeros(n_clusters, bool), collective_origin=np.zeros(n_clusters, np.int8),
        maturity=np.zeros(n_clusters), ownership=np.zeros(n_clusters),
        support=np.zeros(n_districts), state_support=np.zeros(1),
    )
    for name in ("purpose", "trust", "agency", "capacity", "rootedness", "reach", "threshold", "practice", "learning"):
        base[name] = np.full(n, 0.5)
    base.update({k: np.asarray(v, dtype=base[k].dtype if k in base else None) for k, v in values.items()})
    for name in ("purpose", "trust", "agency"):
        base[f"{name}0"] = base[name].copy()
    st = State(**base)
    st.check()
    return st


def no_collectives(n: int, n_clusters: int = 1) -> Collectives:
    z = np.zeros(n, bool)
    f = np.zeros(n)
    return Collectives(z, f, f, f, f, z, z, np.zeros(n_clusters, bool), np.zeros(n_clusters))


def in_collective(n: int, ownership: float, leadership: float = 1.0, maturity: float = 0.0) -> Collectives:
    one = np.ones(n, bool)
    return Collectives(one, np.ones(n), np.full(n, ownership), np.full(n, maturity), np.full(n, leadership),
                       one, np.zeros(n, bool), np.ones(1, bool), np.array([maturity * ownership]))


def path3() -> sp.csr_matrix:
    return sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))


# -- aggregates -----------------------------------------------------------------------

def test_aggregates_by_hand() -> None:
    st = make_state(3, purpose=[0.2, 0.4, 0.8], engaged=[True, False, True], reach=[1.0, 1.0, 0.5],
                    rootedness=[1.0, 1.0, 1.0], capacity=[1.0, 0.0, 0.0], learning=[0.6, 0.4, 0.5])
    agg = neighbour_aggregates(path3(), st, L0)
    # agent 1 hears agent 0 (omega 1) and agent 2 (omega 0.5)
    assert agg.degree[1] == pytest.approx(1.5)
    assert agg.mean_purpose[1] == pytest.approx((0.2 * 1 + 0.8 * 0.5) / 1.5)
    # engaged support: agent 0 counts 1 * (0.5+0.5*1) = 1, agent 2 counts 0.5 * 0.5
    assert agg.engaged_count[1] == pytest.approx(1.0 + 0.25)
    assert agg.engaged_share[1] == pytest.approx(1.25 / 1.5)
    # peers' gains over their own baselines (potential 1: gain = learning - 0.4)
    assert agg.peer_gain[1] == pytest.approx((0.2 * 1 + 0.1 * 0.5) / 1.5)
    # an absent neighbour is not heard
    st.active[2] = False
    agg = neighbour_aggregates(path3(), st, L0)
    assert agg.degree[1] == pytest.approx(1.0)


def test_gains_not_levels_count_as_success() -> None:
    # a richer classroom (potential 1.25) at its own baseline shows no success
    st = make_state(2, potential=[1.25, 1.0], learning=[0.5, 0.4])
    agg = neighbour_aggregates(sp.csr_matrix(np.array([[0, 1], [1, 0]], float)), st, L0)
    assert agg.peer_gain.tolist() == pytest.approx([0.0, 0.0])


def test_collective_ties_count_only_between_members() -> None:
    st = make_state(3, engaged=[True, False, True])
    ties = sp.csr_matrix(np.ones((3, 3)) - np.eye(3))
    member = np.array([True, True, False])
    agg = neighbour_aggregates(sp.csr_matrix((3, 3)), st, L0, collective_ties=ties, collective_member=member)
    omega = 0.5 * 0.75
    assert agg.degree.tolist() == pytest.approx([omega, omega, 0.0])
    assert agg.engaged_count[1] == pytest.approx(omega * 0.75)


def test_example_counts_only_ties_into_other_clusters() -> None:
    st = make_state(3, n_clusters=2, cluster=[0, 0, 1], engaged=[True, True, True])
    W = sp.csr_matrix(np.ones((3, 3)) - np.eye(3))
    cross = sp.csr_matrix(np.array([[0, 0, 1], [0, 0, 1], [1, 1, 0]], float))
    agg = neighbour_aggregates(W, st, L0, cluster_quality=np.array([0.0, 1.0]), cross_cluster=cross)
    s = 0.5 * 0.75 * 0.75  # omega * lead
    assert agg.example.tolist() == pytest.approx([s, s, 0.0])


# -- engagement -----------------------------------------------------------------------

def test_threshold_rule_cases() -> None:
    engaged = np.array([False, False, True, True, False])
    share = np.array([0.5, 0.2, 0.25, 0.1, 0.5])
    count = np.array([2.0, 2.0, 2.0, 2.0, 0.5])
    theta = np.full(5, 0.3)
    new = threshold_rule(engaged, share, count, theta, min_support=1.0, hysteresis=0.1, disengage_probability=1.0)
    # 0: share >= theta and count ok -> engages; 1: below -> stays out; 2: within hysteresis -> stays;
    # 3: below threshold - hysteresis -> drops; 4: share ok but too few engaged ties -> stays out
    assert new.tolist() == [True, False, True, False, False]


def test_threshold_rule_is_ge_and_needs_draws() -> None:
    new = threshold_rule(np.array([False]), np.array([0.3]), np.array([1.0]), np.array([0.3]))
    assert new.tolist() == [True]
    with pytest.raises(ValueError):
        threshold_rule(np.array([False]), np.array([0.3]), np.array([1.0]), np.array([0.3]), engage_probability=0.5)


def test_self_supported_join_stay_and_burn_out() -> None:
    engaged = np.array([False, True, True])
    zero = np.zeros(3)
    u = np.array([0.1, 0.9, 0.01])
    new = threshold_rule(engaged, zero, zero, np.full(3, 0.3), self_supported=np.ones(3, bool),
                         engage_probability=0.3, disengage_probability=0.1, burnout=0.02, uniform=u)
    # joins with its draw 0.1 < 0.3; stays (0.9 > burnout); steps back (0.01 < burnout)
    assert new.tolist() == [True, True, False]


def test_effective_threshold_falls_with_readiness_and_support() -> None:
    base = np.array([0.5, 0.5, 0.5])
    readiness = np.array([0.0, 1.0, 1.0])
    support = np.array([0.0, 0.0, 1.0])
    theta = effective_threshold(base, readiness, 0.5, support, 0.4)
    assert theta.tolist() == pytest.approx([0.5, 0.25, 0.15])


def _engage(st: State, mech: Mechanisms, dyn: Dynamics | None = None) -> np.ndarray:
    dyn = dyn or Dynamics(engage_probability=1.0, disengage_probability=1.0, burnout=0.0)
    agg = neighbour_aggregates(sp.csr_matrix((st.n_agents, st.n_agents)), st, L0)
    update_engagement(st, agg, no_collectives(st.n_agents), dyn, mech, np.zeros(st.n_agents))
    return st.engaged


def test_commitment_and_fellows_engage_alone_and_knockouts() -> None:
    st = make_state(3, purpose=[0.9, 0.5, 0.5], role=[Role.TEACHER, Role.FELLOW, Role.TEACHER])
    assert _engage(st, Mechanisms()).tolist() == [True, True, False]
    st = make_state(3, purpose=[0.9, 0.5, 0.5], role=[Role.TEACHER, Role.FELLOW, Role.TEACHER])
    # without commitment, the purpose-driven teacher needs support like anyone; fellows still serve
    assert _engage(st, Mechanisms(commitment=False)).tolist() == [False, True, False]


def test_purpose_is_not_absorbing_it_erodes_without_support() -> None:
    st = make_state(1, purpose=[0.3])
    st.purpose = np.array([0.9])  # gained purpose, initial 0.3
    st.engaged = np.array([True])
    dyn = Dynamics(influence_rate=0.0, engaged_purpose_gain=0.0, purpose_erosion=0.05)
    agg = neighbour_aggregates(sp.csr_matrix((1, 1)), st, L0)
    for _ in range(60):
        update_beliefs(st, agg, no_collectives(1), dyn, Mechanisms(), L0)
    assert st.purpose[0] < 0.8 < 0.9  # below any commitment level after five isolated years


# -- beliefs, practice, learning ---------------------------------------------------------

def test_imposed_collective_costs_agency_owned_one_builds_trust() -> None:
    dyn = Dynamics(agency_decay=0.0, trust_decay=0.0)
    led, imposed = make_state(1, agency=[0.5], trust=[0.4]), make_state(1, agency=[0.5], trust=[0.4])
    agg = neighbour_aggregates(sp.csr_matrix((1, 1)), led, L0)
    update_beliefs(led, agg, in_collective(1, ownership=1.0), dyn, Mechanisms(), L0)
    update_beliefs(imposed, agg, in_collective(1, ownership=0.0), dyn, Mechanisms(), L0)
    assert led.trust[0] > 0.4 and led.agency[0] > 0.5
    assert imposed.trust[0] == pytest.approx(0.4) and imposed.agency[0] < 0.5


def test_a_leaderless_collective_does_nothing() -> None:
    dyn = Dynamics(agency_decay=0.0, trust_decay=0.0)
    st = make_state(1, agency=[0.5], trust=[0.4])
    agg = neighbour_aggregates(sp.csr_matrix((1, 1)), st, L0)
    update_beliefs(st, agg, in_collective(1, ownership=1.0, leadership=0.0), dyn, Mechanisms(), L0)
    assert st.trust[0] == pytest.approx(0.4) and st.agency[0] == pytest.approx(0.5)


def test_trust_gate_and_practice_reach() -> None:
    assert trust_gate(np.array([0.3, 0.45, 0.6]), 0.45).tolist() == pytest.approx([0.0, 0.5, 1.0])
    assert practice_reach(np.array([0.0, 1.0]), 0.3).tolist() == pytest.approx([0.65, 1.0])


def test_practice_needs_trust_unless_the_gate_is_knocked_out() -> None:
    dyn = Dynamics(practice_gain=0.1)
    def run(trust: float, mech: Mechanisms) -> float:
        st = make_state(1, engaged=[True], trust=[trust], practice=[0.3], capacity=[0.0])
        agg = neighbour_aggregates(sp.csr_matrix((1, 1)), st, L0)
        update_practice(st, agg, no_collectives(1), Levers(), dyn, mech, 0.3, L0)
        return float(st.practice[0])
    assert run(0.2, Mechanisms()) == pytest.approx(0.3)  # no trust, no change
    assert run(0.2, Mechanisms(trust_gate=False)) == pytest.approx(0.3 + 0.1 * (0.65 - 0.3))
    assert run(0.9, Mechanisms()) == pytest.approx(0.3 + 0.1 * (0.65 - 0.3))


def test_learning_target_scales_with_potential() -> None:
    pop = Population(baseline_learning=0.4, learning_ceiling=0.8, baseline_practice=0.3)
    t = learning_target(np.array([0.3, 1.0, 0.3]), np.array([1.0, 1.0, 0.5]), 0.0, pop)
    assert t.tolist() == pytest.approx([0.4, 0.8, 0.2])
    st = make_state(1, practice=[1.0], learning=[0.4])
    update_learning(st, Levers(), pop, Dynamics(learning_lag_months=4.0))
    assert st.learning[0] == pytest.approx(0.4 + (0.8 - 0.4) / 4)


def test_inertia_spares_engaged_and_supported() -> None:
    pop = Population(baseline_practice=0.3)
    st = make_state(3, n_districts=2, practice=[0.7, 0.7, 0.7], engaged=[False, True, False], district=[0, 0, 1])
    st.support = np.array([0.0, 1.0])
    apply_inertia(st, Dynamics(inertia=0.5), Mechanisms(), pop)
    assert st.practice.tolist() == pytest.approx([0.5, 0.7, 0.7])
    st = make_state(1, practice=[0.7])
    apply_inertia(st, Dynamics(inertia=0.5), Mechanisms(inertia=False), pop)
    assert st.practice[0] == pytest.approx(0.7)


# -- support, turnover, collectives -------------------------------------------------------

def test_support_follows_officials_level_by_level() -> None:
    role = [Role.OFFICIAL] * 4
    st = make_state(4, role=role, level=[OfficialLevel.BLOCK, OfficialLevel.BLOCK, OfficialLevel.DISTRICT,
                                         OfficialLevel.STATE], district=[0, 0, 0, -1], engaged=[True, False, True, True])
    eng = official_engagement(st)
    assert eng["block"][0] == pytest.approx(0.5) and eng["district"][0] == pytest.approx(1.0)
    update_support(st, Dynamics(support_rate=0.5), Mechanisms(), has_state_level=True)
    # target = mean(block 0.5, district 1.0, state support 0.0) = 0.5
    assert st.support[0] == pytest.approx(0.25)
    assert st.state_support[0] == pytest.approx(0.5)
    update_support(st, Dynamics(support_rate=0.5), Mechanisms(institutional_support=False), True)
    assert st.support[0] == pytest.approx(0.25)  # knocked out: unchanged


def test_turnover_replaces_people_not_slots() -> None:
    dyn = Dynamics(teacher_turnover=1.0, principal_turnover=0.0)
    st = make_state(3, role=[Role.TEACHER, Role.PRINCIPAL, Role.FELLOW], engaged=[True, True, True],
                    practice=[0.9, 0.0, 0.5], learning=[0.7, 0.0, 0.5])
    p = monthly_leave_probability(st, dyn)
    assert p.tolist() == pytest.approx([1.0, 0.0, 0.0])
    left = apply_turnover(st, dyn, Population(), Recruit(), np.zeros(3), np.random.default_rng(0))
    assert left.tolist() == [0]
    assert not st.engaged[0] and st.practice[0] == pytest.approx(0.3)
    assert st.learning[0] == pytest.approx(0.7)  # the students stay
    assert st.engaged[1] and st.engaged[2]


def test_leave_probability_by_role_equals_the_power_slot_by_slot() -> None:
    """The per-role table gives the bits of ``1 - (1 - annual) ** (1/12)`` taken on every slot."""
    rng = np.random.default_rng(7)
    for _ in range(50):
        rates = rng.uniform(0.0, 0.6, 4)
        dyn = Dynamics(teacher_turnover=rates[0], principal_turnover=rates[1], official_turnover=rates[2],
                       parent_turnover=rates[3])
        n = int(rng.integers(1, 5000))
        st = make_state(n, role=rng.integers(0, 6, n))
        annual = np.zeros(n)
        for role, rate in ((Role.TEACHER, rates[0]), (Role.PRINCIPAL, rates[1]), (Role.OFFICIAL, rates[2]),
                           (Role.PARENT, rates[3])):
            annual[st.role == role] = rate
        assert monthly_leave_probability(st, dyn).tobytes() == (1.0 - (1.0 - annual) ** (1.0 / 12.0)).tobytes()


def _cluster_state(engaged_share: float, n: int = 20) -> State:
    k = int(round(engaged_share * n))
    return make_state(n, engaged=[True] * k + [False] * (n - k))


def test_mandated_collectives_are_imposed_unless_teachers_already_lead() -> None:
    dyn = Dynamics(mandate_rate=1.0, collective_formation_rate=0.0, ownership_rate=1.0)
    for share in (0.0, 0.8):
        st = _cluster_state(share)
        st.support = np.array([1.0])
        agg = neighbour_aggregates(sp.csr_matrix((20, 20)), st, L0)
        update_collectives(st, agg, Levers(collective_clusters=np.zeros(1, bool)), dyn, Mechanisms(),
                           np.zeros(1, np.int64), np.zeros(1))
        assert st.collective_on[0] and st.collective_origin[0] == CollectiveOrigin.MANDATED
        assert st.ownership[0] == pytest.approx(cluster_engaged_share(st)[0])


def test_programme_collective_carries_on_only_with_engaged_teachers() -> None:
    dyn = Dynamics(collective_quorum=0.2)
    for share, carries in ((0.05, False), (0.5, True)):
        st = _cluster_state(share)
        st.collective_on = np.array([True])
        st.collective_origin = np.array([CollectiveOrigin.PROGRAMME], np.int8)
        agg = neighbour_aggregates(sp.csr_matrix((20, 20)), st, L0)
        update_collectives(st, agg, Levers(collective_clusters=np.zeros(1, bool)), dyn, Mechanisms(),
                           np.zeros(1, np.int64), np.ones(1))
        assert bool(st.collective_on[0]) is carries


def test_maturity_grows_only_where_the_collective_is_owned_and_led() -> None:
    dyn = Dynamics(collective_quorum=0.2, collective_core=0.0, collective_maturity_months=36.0)
    for share, grows in ((0.0, False), (0.5, True)):
        st = _cluster_state(share)
        agg = neighbour_aggregates(sp.csr_matrix((20, 20)), st, L0)
        lev = Levers(collective_mode="teacher_led", collective_intensity=1.0, collective_clusters=np.ones(1, bool))
        for _ in range(24):
            update_collectives(st, agg, lev, dyn, Mechanisms(), np.zeros(1, np.int64), np.ones(1))
        assert bool(st.maturity[0] > 0.3) is grows


def test_alumni_roles_in_official_engagement() -> None:
    st = make_state(2, role=[Role.ALUMNUS, Role.OFFICIAL], track=[AlumniTrack.POLICY, -1],
                    level=[0, OfficialLevel.DISTRICT], engaged=[True, False])
    assert official_engagement(st)["district"][0] == pytest.approx(0.5)
