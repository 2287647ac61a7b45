"""The vectorised core against the idiomatic-Mesa reference (same seed, same rules)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.model import EducationModel
from simulator.reference import ReferenceModel

from .conftest import tiny

FIELDS = ("purpose", "trust", "agency", "capacity", "practice", "learning", "reach", "threshold")
CLUSTER_FIELDS = ("maturity", "ownership")


@pytest.mark.parametrize(
    "base,overrides",
    [
        ("comprehensive.yaml", {}),
        ("recruit.yaml", {"recruit.retention": 0.5}),
        ("technical_only.yaml", {}),
        ("convene.yaml", {"convene.collectives.mode": "imposed"}),
        ("comprehensive.yaml", {"dynamics.support_rate": 0.3, "dynamics.mandate_rate": 0.3, "dynamics.teacher_turnover": 0.5}),
        ("telangana_collectives.yaml", {"system.districts": 1, "system.clusters_per_district": 3, "convene.collectives.clusters": 2}),
        ("comprehensive.yaml", {"mechanisms.reinforcement": False, "mechanisms.ownership": False, "mechanisms.inertia": False}),
    ],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_core_matches_reference(base, overrides, seed) -> None:
    sc = tiny(base, **{"recruit.cohort_size": 10, **overrides} if "recruit" in base or "compre" in base or "convene" in base else overrides)
    core = EducationModel(sc, seed=seed, collect=False, agents=False)
    ref = ReferenceModel(sc, seed=seed)
    happened = {"engaged": False, "collective": False}
    for month in range(36):
        core.step()
        ref.step()
        view = ref.state_view()
        for name in FIELDS:
            np.testing.assert_allclose(
                getattr(core.state, name), getattr(view, name), atol=1e-10,
                err_msg=f"{name} differs at month {month} (seed {seed}, {base} {overrides})",
            )
        assert np.array_equal(core.state.engaged, view.engaged), f"engaged differs at month {month}"
        assert np.array_equal(core.state.active, view.active), f"active differs at month {month}"
        assert np.array_equal(core.state.role, view.role)
        assert np.array_equal(core.state.collective_on, view.collective_on), f"collectives differ at month {month}"
        for name in CLUSTER_FIELDS:
            np.testing.assert_allclose(getattr(core.state, name), getattr(view, name), atol=1e-10,
                                       err_msg=f"{name} differs at month {month}")
        np.testing.assert_allclose(core.state.support, view.support, atol=1e-10)
        happened["engaged"] |= bool(core.state.engaged.any())
        happened["collective"] |= bool(core.state.collective_on.any())
    # the comparison is not vacuous: something happened
    if base == "technical_only.yaml":
        assert not np.allclose(core.state.practice, ref.state_view().practice * 0 + sc.population.baseline_practice)
    elif base == "telangana_collectives.yaml":
        assert happened["collective"] and core.state.ownership.max() > 0.5
    else:
        assert happened["engaged"]
        assert happened["collective"] or base == "recruit.yaml"
