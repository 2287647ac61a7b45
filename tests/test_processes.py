"""Each process on hand-checkable tiny cases."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from simulator.levers import Levers
from simulator.processes.aggregate import neighbour_aggregates
from simulator.processes.engagement import effective_threshold, threshold_rule
from simulator.processes.inertia import apply_inertia
from simulator.processes.influence import update_beliefs
from simulator.processes.learning import learning_target, update_learning
from simulator.processes.officials import official_engagement, update_rules
from simulator.processes.practice import update_practice
from simulator.processes.ties import Collectives
from simulator.roles import AlumniTrack, Role
from simulator.scenario.schema import Dynamics, Population
from simulator.state import State


def make_state(n: int, **values) -> State:
    base = dict(
        role=np.full(n, Role.TEACHER, np.int8), track=np.full(n, -1, np.int8),
        school=np.zeros(n, np.int32), cluster=np.zeros(n, np.int32), district=np.zeros(n, np.int32),
        recruit_month=np.full(n, -1, np.int32), tenure=np.zeros(n, np.int32),
        active=np.ones(n, bool), engaged=np.zeros(n, bool), has_classroom=np.ones(n, bool), coached=np.zeros(n, bool),
        rules=np.zeros(1),
    )
    for name in ("purpose", "trust", "agency", "capacity", "rootedness", "reach", "threshold", "practice", "learning"):
        base[name] = np.full(n, 0.5)
    base.update({k: np.asarray(v, dtype=base[k].dtype if k in base else None) for k, v in values.items()})
    for name in ("purpose", "trust", "agency"):
        base[f"{name}0"] = base[name].copy()
    st = State(**base)
    st.check()
    return st


def no_collectives(n: int) -> Collectives:
    z = np.zeros(n, bool)
    return Collectives(z, z, z, z, np.zeros(n), np.zeros(1, bool))


def path3() -> sp.csr_matrix:
    return sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=float))


def test_aggregates_by_hand() -> None:
    st = make_state(3, purpose=[0.2, 0.4, 0.8], engaged=[True, False, True], reach=[1.0, 1.0, 0.5],
                    rootedness=[1.0, 1.0, 1.0], capacity=[1.0, 0.0, 0.0])
    agg = neighbour_aggregates(path3(), st)
    # agent 1 hears agent 0 (omega 1) and agent 2 (omega 0.5)
    assert agg.degree[1] == pytest.approx(1.5)
    assert agg.mean_purpose[1] == pytest.approx((0.2 * 1 + 0.8 * 0.5) / 1.5)
    # engaged support: agent 0 counts 1 * (0.5+0.5*1) = 1, agent 2 counts 0.5 * 0.5
    assert agg.engaged_count[1] == pytest.approx(1.0 + 0.25)
    assert agg.engaged_share[1] == pytest.approx(1.25 / 1.5)
    # an absent neighbour is not heard
    st.active[2] = False
    agg = neighbour_aggregates(path3(), st)
    assert agg.degree[1] == pytest.approx(1.0)


def test_isolated_agent_keeps_its_values() -> None:
    st = make_state(2, purpose=[0.3, 0.9])
    agg = neighbour_aggregates(sp.csr_matrix((2, 2)), st)
    assert agg.mean_purpose.tolist() == [0.3, 0.9]
    assert agg.engaged_share.tolist() == [0.0, 0.0]


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


def test_effective_threshold_falls_with_readiness_and_rules() -> None:
    theta = effective_threshold(np.array([0.4, 0.4]), np.array([0.0, 1.0]), 0.5, np.array([0.0, 1.0]), 0.5)
    assert theta.tolist() == pytest.approx([0.4, 0.4 * 0.5 * 0.5])


def test_beliefs_by_hand() -> None:
    st = make_state(3, purpose=[0.2, 0.4, 0.8], trust=[0.5, 0.5, 0.5], engaged=[False, True, False])
    dyn = Dynamics(influence_rate=0.1, engaged_purpose_gain=0.1, trust_gain=0.2, trust_decay=0.0,
                   agency_gain=0.1, agency_decay=0.0)
    agg = neighbour_aggregates(path3(), st)
    update_beliefs(st, agg, no_collectives(3), dyn)
    # agent 0 hears only agent 1: purpose 0.2 + 0.1*0.5*(0.4-0.2)
    assert st.purpose[0] == pytest.approx(0.21)
    # agent 1 is engaged: + 0.1*(1-0.4) besides averaging toward 0.5
    assert st.purpose[1] == pytest.approx(0.4 + 0.1 * 0.5 * (0.5 - 0.4) + 0.1 * 0.6)
    # agent 0's only tie is engaged with strength 0.5 + 0.5 * capacity = 0.75:
    # trust + 0.2 * 0.75 * (1 - 0.5)
    assert st.trust[0] == pytest.approx(0.575)
    assert st.agency[1] == pytest.approx(0.55) and st.agency[0] == pytest.approx(0.5)


def test_imposed_collective_costs_agency_teacher_led_builds_trust() -> None:
    st = make_state(2, trust=[0.4, 0.4], agency=[0.4, 0.4])
    col = Collectives(np.array([True, True]), np.array([True, False]), np.array([False, True]),
                      np.array([False, False]), np.ones(2), np.ones(1, bool))
    dyn = Dynamics(trust_decay=0.0, agency_decay=0.0, trust_gain=0.0)
    update_beliefs(st, neighbour_aggregates(sp.csr_matrix((2, 2)), st), col, dyn)
    assert st.trust[0] > 0.4 and st.trust[1] == pytest.approx(0.4)
    assert st.agency[0] > 0.4 and st.agency[1] < 0.4


def test_learning_target_and_lag() -> None:
    pop = Population(baseline_practice=0.3, baseline_learning=0.4, learning_ceiling=0.8)
    assert learning_target(np.array([0.3, 1.0]), 0.0, pop).tolist() == pytest.approx([0.4, 0.8])
    st = make_state(1, practice=[1.0], learning=[0.4])
    update_learning(st, Levers(), pop, Dynamics(learning_lag_months=4))
    assert st.learning[0] == pytest.approx(0.4 + (0.8 - 0.4) / 4)


def test_practice_peer_learning_follows_visible_success() -> None:
    st = make_state(3, learning=[0.8, 0.4, 0.4], practice=[0.3, 0.3, 0.3], trust=[0.5, 1.0, 1.0])
    dyn = Dynamics(practice_gain=0.0, peer_learning_rate=0.5, collective_practice_gain=0.0)
    agg = neighbour_aggregates(path3(), st)
    update_practice(st, agg, no_collectives(3), Levers(), dyn)
    # agent 1 sees peers at (0.8 + 0.4)/2 = 0.6 vs its 0.4 -> +0.5*1*0.2; agent 0 sees worse -> no change
    assert st.practice[1] == pytest.approx(0.3 + 0.1)
    assert st.practice[0] == pytest.approx(0.3)


def test_inertia_spares_engaged_and_shifted_districts() -> None:
    st = make_state(3, practice=[0.8, 0.8, 0.8], engaged=[False, True, False], district=[0, 0, 1])
    st.rules = np.array([0.0, 1.0])
    apply_inertia(st, Dynamics(inertia=0.5), Population(baseline_practice=0.3))
    assert st.practice.tolist() == pytest.approx([0.55, 0.8, 0.8])


def test_rules_follow_official_quorum() -> None:
    st = make_state(4, engaged=[True, True, False, False], district=[0, 0, 1, 1])
    st.role[:] = Role.OFFICIAL
    st.rules = np.array([0.0, 0.5])
    assert official_engagement(st).tolist() == [1.0, 0.0]
    update_rules(st, Dynamics(rules_rate=0.5, rules_decay=0.5, rules_quorum=0.5))
    assert st.rules.tolist() == pytest.approx([0.5, 0.25])
    # policy alumni count as officials
    st.role[2] = Role.ALUMNUS
    st.track[2] = AlumniTrack.POLICY
    st.engaged[2] = True
    assert official_engagement(st)[1] == pytest.approx(0.5)
