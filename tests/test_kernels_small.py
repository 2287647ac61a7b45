"""The compiled small processes equal their NumPy forms to the last bit.

``simulator/processes/kernels_small.py``: careers, turnover's leavers, learning, inertia,
each agent's support, the schools that host fellows, the districts' support and the
collectives' monthly transitions (the last through ``tests/test_kernels.py``'s
collectives test, which runs the whole process both ways). Random states and rates (one
value, or one an agent as in an ensemble), compared as bytes, so a signed zero that
differs fails.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.levers import Levers
from simulator.processes.careers import advance_careers, advance_careers_numpy
from simulator.processes.development import host_mask, host_mask_numpy
from simulator.processes.inertia import apply_inertia, apply_inertia_numpy
from simulator.processes.learning import update_learning, update_learning_numpy
from simulator.processes.support import (
    support_of,
    support_of_numpy,
    update_support,
    update_support_numpy,
)
from simulator.processes.turnover import leavers, leavers_numpy
from simulator.scenario.schema import Dynamics, Mechanisms, Population, Recruit
from simulator.state import State
from tests.test_processes import make_state

FIELDS = [name for name in State.__dataclass_fields__]


def _random_state(rng: np.random.Generator, n: int, n_schools: int = 3, n_districts: int = 2) -> State:
    return make_state(
        n, n_districts=n_districts,
        role=rng.integers(0, 6, n), track=rng.integers(-1, 3, n), school=rng.integers(-1, n_schools, n),
        district=rng.integers(-1, n_districts, n), level=rng.integers(0, 4, n),
        recruit_month=rng.integers(-1, 4, n), tenure=rng.integers(0, 30, n),
        active=rng.random(n) < 0.8, engaged=rng.random(n) < 0.5, has_classroom=rng.random(n) < 0.7,
        purpose=rng.random(n), trust=rng.random(n), capacity=rng.random(n), reach=rng.random(n),
        practice=rng.random(n), learning=rng.random(n), potential=rng.uniform(0.2, 1.4, n),
        support=rng.random(n_districts), state_support=rng.random(1),
    )


def _twins(seed: int, n: int, **kw) -> tuple[State, State]:
    return _random_state(np.random.default_rng(seed), n, **kw), _random_state(np.random.default_rng(seed), n, **kw)


def _differences(a: State, b: State) -> list[str]:
    return [name for name in FIELDS if np.asarray(getattr(a, name)).tobytes() != np.asarray(getattr(b, name)).tobytes()]


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), month=st.integers(0, 3),
       fellowship_months=st.integers(1, 30), retention=st.floats(0.0, 1.0))
def test_careers_kernel_equals_numpy(seed, n, month, fellowship_months, retention) -> None:
    a, b = _twins(seed, n)
    u = np.random.default_rng(seed + 1).random(n)
    recruit = Recruit(fellowship_months=fellowship_months, retention=retention)
    pop = Population()
    changed_a, graduated_a = advance_careers(a, month, recruit, pop, u)
    changed_b, graduated_b = advance_careers_numpy(b, month, recruit, pop, u)
    assert changed_a.dtype == changed_b.dtype and changed_a.tobytes() == changed_b.tobytes()
    assert graduated_a == graduated_b
    assert _differences(a, b) == []


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), turnover=st.floats(0.0, 1.0))
def test_leavers_kernel_equals_numpy(seed, n, turnover) -> None:
    state, _ = _twins(seed, n)
    u = np.random.default_rng(seed + 1).random(n)
    dyn = Dynamics(teacher_turnover=turnover, principal_turnover=turnover / 2, official_turnover=0.2,
                   parent_turnover=0.9)
    fast, slow = leavers(state, dyn, u), leavers_numpy(state, dyn, u)
    assert fast.dtype == slow.dtype and fast.tobytes() == slow.tobytes()


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), per_agent=st.booleans(),
       resources=st.floats(0.0, 0.5), baseline_practice=st.floats(0.0, 1.0))
def test_learning_kernel_equals_numpy(seed, n, per_agent, resources, baseline_practice) -> None:
    a, b = _twins(seed, n)
    rng = np.random.default_rng(seed + 1)
    pop = Population(baseline_practice=baseline_practice)
    if per_agent:  # an ensemble whose runs differ in the lag and the resources
        dyn = SimpleNamespace(learning_lag_months=rng.uniform(1.0, 24.0, n))
        levers = Levers(technical_resources=rng.uniform(0.0, 0.5, n))
    else:
        dyn, levers = Dynamics(), Levers(technical_resources=resources)
    update_learning(a, levers, pop, dyn)
    update_learning_numpy(b, levers, pop, dyn)
    assert _differences(a, b) == []


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), per_agent=st.booleans(), inertia=st.booleans(),
       institutional_support=st.booleans(), known_support=st.booleans())
def test_inertia_kernel_equals_numpy(seed, n, per_agent, inertia, institutional_support, known_support) -> None:
    a, b = _twins(seed, n)
    rng = np.random.default_rng(seed + 1)
    dyn = SimpleNamespace(inertia=rng.uniform(0.0, 0.2, n)) if per_agent else Dynamics()
    mech = Mechanisms(inertia=inertia, institutional_support=institutional_support)
    support = support_of_numpy(a) if known_support else None
    apply_inertia(a, dyn, mech, Population(), support)
    apply_inertia_numpy(b, dyn, mech, Population(), support)
    assert _differences(a, b) == []


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), n_runs=st.integers(0, 3))
def test_support_of_kernel_equals_numpy(seed, n, n_runs) -> None:
    """One run, or an ensemble of runs each with its own state level (``state.runs``)."""
    state, _ = _twins(seed, n)
    if n_runs:
        rng = np.random.default_rng(seed + 1)
        state.state_support = rng.random(n_runs)
        state.runs = SimpleNamespace(agent=np.sort(rng.integers(0, n_runs, n)), n=n_runs)
    assert support_of(state).tobytes() == support_of_numpy(state).tobytes()


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), n_schools=st.integers(1, 5))
def test_host_mask_kernel_equals_numpy(seed, n, n_schools) -> None:
    state, _ = _twins(seed, n, n_schools=n_schools)
    assert host_mask(state, n_schools).tobytes() == host_mask_numpy(state, n_schools).tobytes()


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), n_districts=st.integers(1, 3),
       has_state_level=st.booleans(), rate=st.floats(0.0, 1.0))
def test_update_support_kernel_equals_numpy(seed, n, n_districts, has_state_level, rate) -> None:
    a, b = _twins(seed, n, n_districts=n_districts)
    dyn = Dynamics(support_rate=rate)
    update_support(a, dyn, Mechanisms(), has_state_level)
    update_support_numpy(b, dyn, Mechanisms(), has_state_level)
    assert _differences(a, b) == []
