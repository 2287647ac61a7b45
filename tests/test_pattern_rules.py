"""The hysteresis rule can fail either way: gains that fade above, or persist below, the critical mass.

The model's own counter-scenario (reinforcement off) is run in tests/test_patterns.py; these
tables show, without the model, that the rule fails on either kind of failure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator.analysis.patterns import check_hysteresis


def _runs(gain7: float, gain15: float, n: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    jitter = rng.normal(0.0, 0.002, n)
    return pd.DataFrame(
        {"initial_learning": 0.40, "learning_year_7": 0.40 + gain7 + jitter, "learning_gain": gain15 + jitter}
    )


def test_persistence_above_and_decay_below_holds() -> None:
    assert check_hysteresis(_runs(0.10, 0.11), _runs(0.05, 0.01)).holds


def test_gains_fading_above_the_critical_mass_fail_it() -> None:
    result = check_hysteresis(_runs(0.10, 0.05), _runs(0.05, 0.01))
    assert not result.holds and result.effect < 0.8


def test_gains_persisting_below_the_critical_mass_fail_it() -> None:
    result = check_hysteresis(_runs(0.10, 0.11), _runs(0.05, 0.05))
    assert not result.holds and result.details["kept_below"] > 0.5


def test_a_below_gain_too_small_to_measure_counts_as_no_persistence() -> None:
    assert check_hysteresis(_runs(0.10, 0.11), _runs(0.01, 0.012)).holds
