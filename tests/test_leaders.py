"""The critical mass in people: leaders per school and share of educators, from series."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from simulator.analysis.leaders import critical_mass_in_leaders, leaders_by_level


def _tables():
    rows, series = [], []
    run = 0
    for value in (0, 10, 20):
        for _ in range(2):
            rows.append({"run_id": run, "recruit.cohort_size": value})
            for month in (0, 12, 24, 36):
                cohorts = min(month // 12 + 1, 3)
                series.append(
                    {
                        "run_id": run,
                        "month": month,
                        "fellows_active": float(value * min(cohorts, 2)),
                        "alumni_active": float(value * max(cohorts - 2, 0)),
                    }
                )
            run += 1
    return pd.DataFrame(rows), pd.DataFrame(series)


def test_leaders_by_level_reads_the_month_asked():
    table, series = _tables()
    levels = leaders_by_level(series, table, "recruit.cohort_size", month=30)  # month 24 is the last <= 30
    assert levels["value"].tolist() == [0.0, 10.0, 20.0]
    assert levels["leaders"].tolist() == [0.0, 30.0, 60.0]
    assert levels["n"].tolist() == [2, 2, 2]


def test_interpolated_at_the_critical_mass_and_per_school():
    table, series = _tables()
    levels = leaders_by_level(series, table, "recruit.cohort_size", month=24)
    counts = critical_mass_in_leaders(levels, 15.0, (12.0, 18.0), schools=45, educators=405, month=24)
    assert counts.leaders == pytest.approx(45.0)
    assert (counts.leaders_low, counts.leaders_high) == pytest.approx((36.0, 54.0))
    assert counts.per_school == pytest.approx(1.0)
    assert counts.share_of_educators == pytest.approx(45 / 450)
    assert "a school of the placement area" in counts.summary("critical mass 15 fellows a year")
    open_side = critical_mass_in_leaders(levels, 15.0, (12.0, math.nan), 45, 405, 24)
    assert math.isnan(open_side.leaders_high) and np.isfinite(open_side.leaders_low)
