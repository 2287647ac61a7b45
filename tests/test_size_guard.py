"""The size guard counts what the layout builds, and refuses what does not fit."""

from __future__ import annotations

import numpy as np
import pytest

from simulator.layout import build_layout
from simulator.network import build_network
from simulator.scenario import load_scenario
from simulator.scenario.size import (
    MEMORY_LIMIT_ENV,
    LimitSettingError,
    SizeError,
    check_fits,
    estimate,
    largest,
    memory_limit,
)

from .conftest import ROOT, SCENARIOS, tiny


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_agent_count_equals_the_layout(path):
    sc = load_scenario(path)
    lay = build_layout(sc, np.random.default_rng(0))
    assert estimate(sc).agents == lay.n_agents


@pytest.mark.parametrize(
    "overrides",
    [{}, {"recruit.start_year": 0.5, "recruit.end_year": 3.2}, {"meta.steps": 13, "recruit.cohort_size": 5}],
)
def test_agent_count_with_odd_schedules(overrides):
    sc = tiny(**overrides)
    assert estimate(sc).agents == build_layout(sc, np.random.default_rng(1)).n_agents


def test_tie_estimate_is_an_upper_bound_within_a_factor_of_two():
    for path in SCENARIOS:
        sc = load_scenario(path)
        rng = np.random.default_rng(0)
        net = build_network(sc, build_layout(sc, rng), rng)
        est = estimate(sc).ties
        assert net.n_ties <= 2 * est and est <= 4 * max(net.n_ties, 1), (path.name, est, net.n_ties)


def test_memory_cap_and_refusal(monkeypatch):
    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "1.5G")
    assert memory_limit() == 1.5 * 2**30
    assert check_fits(sc).agents > 0
    with pytest.raises(SizeError, match="x 64 parallel runs"):
        check_fits(sc, parallel=64)
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "10M")
    with pytest.raises(SizeError) as info:
        check_fits(sc, source="baseline.yaml")
    message = info.value.render()
    assert "baseline.yaml" in message and "2,267 agents" in message and "To proceed" in message
    monkeypatch.setenv(MEMORY_LIMIT_ENV, "lots")
    with pytest.raises(LimitSettingError):
        memory_limit()


def test_largest_point_takes_the_biggest_size_values():
    sc = tiny()
    big = largest(sc, {"system.districts": [1, 3, 2], "develop.fellow_coaching": [0.0, 1.0]})
    assert big.system.districts == 3 and big.develop.fellow_coaching == sc.develop.fellow_coaching
    assert estimate(big).agents > estimate(sc).agents
