"""Telangana's magnitude (pattern 8) needs two of the collectives' mechanisms, not one term.

Pattern 8 (``simulator.analysis.patterns.check_telangana``): teacher-led collectives in
half the clusters, no fellows, learning in collective clusters over comparison clusters at
month 36 between 1.3 and 1.9. Learning together (``dynamics.collective_practice_gain``)
changes a member's practice only through the trust gate (seeds 000 and 003: trust comes
before collaboration on practice), and at the start most teachers are below it; the trust
a collective builds (``dynamics.collective_trust_gain``) is what opens it. So removing
either mechanism must make the pattern fail. The design is the pattern study's own
(``stage_a_designs()["telangana"]``: 16 clusters of 20 schools, 48 months), 3 seeds.
"""

from __future__ import annotations

import pandas as pd
import pytest

from simulator.analysis.patterns import TELANGANA_BAND, check_telangana
from simulator.runner import run_scenario
from simulator.scenario import load_scenario
from simulator.studies.patterns import stage_a_designs

from .conftest import ROOT

SEEDS = range(3)


def _telangana(overrides: dict) -> object:
    base = load_scenario(ROOT / "scenarios" / "comprehensive.yaml")
    point = {**stage_a_designs()["telangana"][0], **overrides}
    runs = [run_scenario(base.with_overrides(point), seed=seed).summary for seed in SEEDS]
    return check_telangana(pd.DataFrame(runs))


def test_telangana_holds_at_the_defaults() -> None:
    result = _telangana({})
    assert result.holds, result


@pytest.mark.parametrize("removed", [
    {"mechanisms.collective_learning": False},  # no learning together
    {"dynamics.collective_trust_gain": 0.0},  # collectives build no trust: the gate stays shut
])
def test_telangana_fails_without_either_mechanism(removed) -> None:
    result = _telangana(removed)
    assert not result.holds and result.effect < TELANGANA_BAND[0], (removed, result)  # below the band, not above


def test_the_trust_collectives_build_matters_through_the_gate() -> None:
    """With the trust gate off, learning together works without the collective's trust."""
    result = _telangana({"mechanisms.trust_gate": False, "dynamics.collective_trust_gain": 0.0})
    assert result.holds, result
