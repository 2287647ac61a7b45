"""The eight patterns emerge at the defaults, and each counter-scenario makes its pattern fail.

Runs the pattern study of ``simulator.studies.patterns`` (the same code behind
``experiments/patterns.py`` and ``clsim robustness``) around ``scenarios/comprehensive.yaml``
with a fixed master seed and three seeds a design point, then each pattern's designs with
its one knock-out (``COUNTERS``). A pattern test fails if the pattern does not hold; a
counter test fails if knocking out the mechanism leaves the pattern standing, which is
what shows that the check can fail. The full-size version (8 seeds) is
``python experiments/patterns.py``.
"""

from __future__ import annotations

import math

import pytest

from simulator.studies.patterns import COUNTERS, run_counters, run_pattern_study
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


#: Hysteresis (2) has no single knock-out that fails it at this size, and the test does
#: not pretend otherwise. Measured (master seed 2026): its counter, reinforcement, fails it
#: at 8 seeds (experiments/patterns.py: below-critical-mass gains persist) but not at 3
#: (the critical mass estimate moves from 8.3 to 7.0, so "half the critical mass" is 3
#: fellows a year, whose gain is too small to count); commitment fails it at 3 seeds
#: (0.73 kept) but not at 8 (0.97); contagion (0.97, 0.90), inertia and collective
#: learning fail it at neither. The tipped state is held by several redundant feedbacks.
#: docs/calibration.md section 2 says so; that the hysteresis rule itself can fail is
#: shown in tests/test_pattern_rules.py.
ROBUST_COUNTERS = [n for n in range(1, 9) if n != 2]


@pytest.mark.slow
@pytest.mark.parametrize("number", ROBUST_COUNTERS)
def test_counter_scenario_makes_the_pattern_fail(study, number) -> None:
    _, counters = study
    c = counters[number]
    assert c.holds is False, (
        f"with {COUNTERS[number]} off, pattern {number} ({c.name}) still holds (master seed {MASTER_SEED}): {c}"
    )
    if number == 5:
        # depth of scale's counter (simple contagion) must not tip a system without fellows
        assert c.details["transformed_without_fellows"] == 0.0
