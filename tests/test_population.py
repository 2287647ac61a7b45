"""Initial and newcomer draws (simulator.population)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.population import _beta, draw_people
from simulator.roles import Role
from simulator.scenario import load_scenario

from .conftest import ROOT


@settings(max_examples=60, deadline=None)
@given(
    mean=st.floats(-0.5, 1.5, allow_nan=False),
    n=st.integers(0, 40),
    concentration=st.floats(0.5, 50),
    seed=st.integers(0, 2**32 - 1),
)
def test_scalar_mean_draws_as_repeated_array(mean, n, concentration, seed):
    """A scalar mean takes the scalar path; it must give the array path's values and stream."""
    a, b = np.random.default_rng(seed), np.random.default_rng(seed)
    scalar = _beta(mean, n, concentration, a)
    array = _beta(np.full(n, mean), n, concentration, b)
    assert scalar.tobytes() == array.tobytes()
    assert a.random() == b.random()  # both consumed the same draws


def test_newcomers_draw_as_when_fellow_groups_were_arrays():
    """Locals only (turnover's newcomers): the scalar path equals the per-person arrays it replaces."""
    pop = load_scenario(ROOT / "scenarios" / "comprehensive.yaml").population
    role = np.array([Role.TEACHER] * 9 + [Role.PRINCIPAL, Role.PARENT, Role.OFFICIAL], dtype=np.int8)
    none = np.zeros(role.size, dtype=bool)
    got = draw_people(role, none, pop, 0.8, 0.7, np.random.default_rng(3))
    rng = np.random.default_rng(3)
    conc = pop.attribute_concentration

    def beta(mean, n):
        m = np.clip(np.broadcast_to(np.asarray(mean, dtype=np.float64), (n,)), 1e-3, 1 - 1e-3)
        return rng.beta(m * conc, (1.0 - m) * conc)

    n = role.size
    purpose = beta(np.full(n, pop.purpose_local), n)
    staff = (role == Role.TEACHER) | (role == Role.PRINCIPAL)
    driven = staff & (rng.random(n) < pop.purpose_driven_share)
    purpose[driven] = beta(0.85, int(driven.sum()))
    want = {
        "purpose": purpose,
        "trust": beta(np.full(n, pop.trust_local), n),
        "agency": beta(np.full(n, pop.agency_local), n),
        "capacity": beta(np.full(n, pop.capacity_local), n),
        "threshold": np.clip(rng.normal(pop.threshold_mean, pop.threshold_sd, n), 0.02, 1.0),
    }
    for name, values in want.items():
        assert got[name].tobytes() == values.tobytes(), name
