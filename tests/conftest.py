"""Shared fixtures: a tiny scenario that runs in milliseconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenario import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def tiny(base: str = "comprehensive.yaml", **overrides) -> Scenario:
    """A small version of a scenario file: 1 district, 2 clusters of 4 schools."""
    sc = load_scenario(ROOT / "scenarios" / base)
    small = {
        "system.districts": 1,
        "system.clusters_per_district": 2,
        "system.schools_per_cluster": 4,
        "system.teachers_per_school": 4,
        "system.parents_per_school": 3,
        "recruit.placement_clusters": 1,
        "meta.steps": 36,
    }
    if sc.recruit.cohort_size:
        small["recruit.cohort_size"] = 6
    small.update(overrides)
    return sc.with_overrides(small)


@pytest.fixture
def tiny_scenario() -> Scenario:
    return tiny()
