"""Recruit: cohorts of fellows, selected for purpose and capacity, placed clustered or spread.

Seed 000, strategy 1; seed 002: scale and depth.

Cohort sizes, arrival months, placement and alumni tracks are fixed when the system is
laid out (:func:`simulator.layout.build_layout`), so the arrays never change shape;
:func:`simulator.processes.careers.advance_careers` switches each cohort on when it
arrives. This module re-exports the schedule helper for users of the strategy API.
"""

from __future__ import annotations

from ..layout import cohort_months

__all__ = ["cohort_months"]
