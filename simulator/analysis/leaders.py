"""The critical mass in people: programme leaders per school and as a share of educators.

A tipping study finds the critical mass in lever units (fellows recruited a year). A
strategy team also asks what that means on the ground: how many programme leaders
(fellows and alumni) a school has when the system tips, and what share of the
educators they are. This module converts, reading tables only:

* the sweep's monthly series (``fellows_active``, ``alumni_active``; kept by the tipping
  study's sweep) give, per run, the fellows and alumni in the system at a chosen month
  (default: the last recruitment month, when the programme's presence peaks);
* their mean at each lever value is interpolated linearly at the critical mass and at
  the ends of its interval;
* divided by the schools of the placement area, that is *leaders per school*; divided
  by the educators there (teachers and principals of those schools plus the leaders),
  the *share of educators*;
* where the series also keep ``educators_engaged``, the engaged share of the local
  teachers and principals at the same month, interpolated the same way: how much of the
  profession is engaged when the system tips.

Alumni in policy and enabler roles leave schools but stay in the system; they are
counted, because the critical mass of seed 002 is about leaders in the system, not in
classrooms. The counts are measured from runs, so they follow whatever retention and
careers the model has.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["LeaderCounts", "leaders_by_level", "critical_mass_in_leaders"]


@dataclass(frozen=True)
class LeaderCounts:
    """The critical mass (and its interval) in programme leaders."""

    month: int
    leaders: float
    leaders_low: float
    leaders_high: float
    per_school: float
    per_school_low: float
    per_school_high: float
    share_of_educators: float
    share_low: float
    share_high: float
    schools: float
    educators: float
    engaged: float = float("nan")
    engaged_low: float = float("nan")
    engaged_high: float = float("nan")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        return asdict(self)

    def summary(self, lever_text: str) -> str:
        """One line in words."""

        def rng(lo: float, hi: float, fmt: str) -> str:
            if math.isfinite(lo) and math.isfinite(hi):
                return f" ({format(lo, fmt)} to {format(hi, fmt)})"
            return ""

        return (
            f"In people ({lever_text}, at month {self.month}): about {self.leaders:.0f} fellows "
            f"and alumni in the system{rng(self.leaders_low, self.leaders_high, '.0f')}, "
            f"{self.per_school:.2f} a school of the placement area"
            f"{rng(self.per_school_low, self.per_school_high, '.2f')}, "
            f"{self.share_of_educators:.1%} of its educators"
            f"{rng(self.share_low, self.share_high, '.1%')}"
            + (
                f"; {self.engaged:.0%} of local teachers and principals engaged"
                f"{rng(self.engaged_low, self.engaged_high, '.0%')}."
                if math.isfinite(self.engaged)
                else "."
            )
        )


def leaders_by_level(
    series: pd.DataFrame, table: pd.DataFrame, lever: str, month: int
) -> pd.DataFrame:
    """Mean fellows + alumni in the system at ``month`` (or the last month before it), per lever value.

    Args:
        series: monthly series with ``run_id``, ``month``, ``fellows_active``, ``alumni_active``.
        table: the sweep table (``run_id`` and the lever).
        lever: the lever column.
        month: the month to read.

    Returns:
        Columns ``value``, ``leaders`` (mean over runs), ``n``.
    """
    at = series[series["month"] <= month]
    if at.empty:
        raise ValueError(f"no series rows at or before month {month}")
    last = at.sort_values("month").groupby("run_id").tail(1)
    last = last.assign(leaders=last["fellows_active"] + last["alumni_active"])
    merged = last.merge(table[["run_id", lever]], on="run_id", how="inner")
    grouped = merged.groupby(lever)
    out = pd.DataFrame(
        {
            "value": grouped["leaders"].mean().index.to_numpy(float),
            "leaders": grouped["leaders"].mean().to_numpy(),
            "n": grouped["leaders"].size().to_numpy(),
        }
    )
    if "educators_engaged" in merged:
        out["engaged"] = grouped["educators_engaged"].mean().to_numpy()
    return out


def critical_mass_in_leaders(
    levels: pd.DataFrame,
    critical_mass: float,
    interval: tuple[float, float],
    schools: float,
    educators: float,
    month: int,
) -> LeaderCounts:
    """Interpolate the leaders at the critical mass and its interval; per school and share.

    Args:
        levels: :func:`leaders_by_level` output.
        critical_mass: the critical mass in lever units.
        interval: its interval (NaN ends stay NaN).
        schools: schools in the placement area.
        educators: teachers and principals of those schools (before adding leaders).
        month: the month the counts are read at (for the record).
    """
    xs = levels["value"].to_numpy(float)
    ys = levels["leaders"].to_numpy(float)

    def at(v: float) -> float:
        if not math.isfinite(v):
            return float("nan")
        return float(np.interp(v, xs, ys, left=np.nan, right=np.nan))

    lead, lo, hi = at(critical_mass), at(interval[0]), at(interval[1])
    if "engaged" in levels:
        e = levels["engaged"].to_numpy(float)
        eng = [float(np.interp(v, xs, e, left=np.nan, right=np.nan)) if math.isfinite(v) else float("nan")
               for v in (critical_mass, interval[0], interval[1])]
    else:
        eng = [float("nan")] * 3

    def per(v: float) -> float:
        return v / schools if schools > 0 and math.isfinite(v) else float("nan")

    def share(v: float) -> float:
        return v / (educators + v) if math.isfinite(v) and educators + v > 0 else float("nan")

    return LeaderCounts(
        month=int(month),
        leaders=lead,
        leaders_low=lo,
        leaders_high=hi,
        per_school=per(lead),
        per_school_low=per(lo),
        per_school_high=per(hi),
        share_of_educators=share(lead),
        share_low=share(lo),
        share_high=share(hi),
        schools=float(schools),
        engaged=eng[0],
        engaged_low=eng[1],
        engaged_high=eng[2],
        educators=float(educators),
    )
