"""The eight patterns emerge at the defaults, and each counter-scenario makes its pattern fail.

Runs the pattern study of ``simulator.studies.patterns`` (the same code behind
``experiments/patterns.py`` and ``clsim robustness``) around ``scenarios/comprehensive.yaml``
with a fixed master seed and three seeds a design point, then each pattern's designs with
its one knock-out (``COUNTERS``). A pattern test fails if the pattern does not hold; a
counter test fails if knocking out the mechanism leaves the pattern standing, which is
what shows that the check can fail. Hysteresis and its counter run at the full size
(8 seeds, the runs of ``python experiments/patterns.py``); the rest at 3.
"""

from __future__ import annotations

import math

import pytest

from simulator.studies.patterns import (
    COUNTERS,
    run_counters,
    run_hysteresis_check,
    run_pattern_study,
)
from simulator.sweep.executors import make_executor

from .conftest import ROOT

MASTER_SEED = 2026
SEEDS = 3
SCENARIO = ROOT / "scenarios" / "comprehensive.yaml"


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    out = tmp_path_factory.mktemp("patterns")
    ex = make_executor("local", workers=2)
    try:
        result = run_pattern_study(out / "defaults", SCENARIO, [{}], SEEDS, MASTER_SEED, ex, progress=False)
        res = result.results[0]
        cm = res[1].effect if res[1].details.get("verdict") == "threshold" else math.nan
        counters = run_counters(out / "counters", SCENARIO, cm, res[1].details.get("high_cohort", math.nan),
                                SEEDS, MASTER_SEED, ex, progress=False)
    finally:
        ex.close()
    return res, counters


@pytest.mark.slow
@pytest.mark.parametrize("number", range(1, 9))
def test_pattern_holds_at_the_defaults(study, number) -> None:
    res, _ = study
    r = res[number]
    assert r.holds, f"pattern {number} ({r.name}) does not hold (master seed {MASTER_SEED}): {r}"


#: Hysteresis (2) is checked at 8 seeds a point (test_hysteresis_fails_without_reinforcement):
#: at 3 its counter is decided by how the 3-seed critical mass rounds. Half of it is then
#: 3 fellows a year, about where the system without reinforcement itself turns (about
#: half of such runs transform), so the median of 3 runs there can go either way.
THREE_SEED_COUNTERS = [n for n in range(1, 9) if n != 2]


@pytest.mark.slow
@pytest.mark.parametrize("number", THREE_SEED_COUNTERS)
def test_counter_scenario_makes_the_pattern_fail(study, number) -> None:
    _, counters = study
    c = counters[number]
    assert c.holds is False, (
        f"with {COUNTERS[number]} off, pattern {number} ({c.name}) still holds (master seed {MASTER_SEED}): {c}"
    )
    if number == 5:
        # depth of scale's counter (simple contagion) must not tip a system without fellows
        assert c.details["transformed_without_fellows"] == 0.0


#: Seeds a design point of the hysteresis test: those of ``experiments/patterns.py``.
HYSTERESIS_SEEDS = 8


@pytest.fixture(scope="module")
def hysteresis(tmp_path_factory):
    """Pattern 2 and its counter as ``experiments/patterns.py --seeds 8`` runs them (the same runs)."""
    ex = make_executor("local", workers=2)
    try:
        return run_hysteresis_check(tmp_path_factory.mktemp("hysteresis"), SCENARIO, HYSTERESIS_SEEDS, MASTER_SEED, ex)
    finally:
        ex.close()


@pytest.mark.slow
def test_hysteresis_fails_without_reinforcement(hysteresis) -> None:
    """Above the critical mass the gains outlast the programme, below they do not; without
    reinforcement (simple contagion) the runs at half the critical mass keep theirs too."""
    cm, defaults, counter = hysteresis.critical_mass, hysteresis.defaults, hysteresis.counter
    assert math.isfinite(cm), f"no critical mass to place the stop design: {hysteresis.tipping}"
    assert defaults.holds, f"pattern 2 does not hold at 8 seeds (critical mass {cm:.2f}): {defaults}"
    assert counter.holds is False, (
        f"with {COUNTERS[2]} off, pattern 2 still holds at 8 seeds (critical mass {cm:.2f}): {counter}"
    )
    # it fails for the reason the mechanism gives: the runs below the critical mass gain
    # and keep their gain, not because the runs above it lose theirs
    assert counter.details["gain7_below"] >= 0.02 and counter.details["kept_below"] > 0.5, counter.details
