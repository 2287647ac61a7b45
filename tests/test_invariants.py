"""Invariants under hypothesis: any valid small scenario keeps every attribute in [0, 1],
never produces NaN, and survives isolated agents and roles with zero members."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.model import EducationModel
from simulator.scenario import Scenario

unit = st.floats(0.0, 1.0)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31 - 1),
    teachers=st.integers(1, 4),
    parents=st.integers(0, 3),
    officials_cluster=st.integers(0, 1),
    officials_district=st.integers(0, 2),
    cohort=st.integers(0, 6),
    cluster_ties=st.integers(0, 2),
    mode=st.sampled_from(["none", "teacher_led", "imposed"]),
    inertia=unit, influence=unit, engage=unit, trust_gain=unit, push=unit, retention=unit,
    placement=st.sampled_from(["clustered", "spread"]),
)
def test_state_stays_valid(seed, teachers, parents, officials_cluster, officials_district, cohort, cluster_ties,
                           mode, inertia, influence, engage, trust_gain, push, retention, placement) -> None:
    sc = Scenario().with_overrides({
        "meta.steps": 30, "system.districts": 1, "system.clusters_per_district": 2, "system.schools_per_cluster": 2,
        "system.teachers_per_school": teachers, "system.parents_per_school": parents,
        "system.officials_per_cluster": officials_cluster, "system.officials_per_district": officials_district,
        "recruit.cohort_size": cohort, "recruit.placement": placement, "recruit.retention": retention,
        "network.cluster_ties_per_teacher": cluster_ties, "convene.collectives.mode": mode,
        "dynamics.inertia": inertia, "dynamics.influence_rate": influence, "dynamics.engage_probability": engage,
        "dynamics.trust_gain": trust_gain, "technical.practice_push": push,
    })
    m = EducationModel(sc, seed=seed)
    for _ in range(30):
        m.step()
        m.state.check()  # shapes, dtypes, [0, 1], finite
    ind = m.indicators()
    assert all(v == v for v in ind.values())  # no NaN among indicators
