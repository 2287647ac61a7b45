"""Develop: coaching of fellows and of local people beside them; alumni leadership.

Seed 000, strategy 2 (Puebla case): teachers, principals and parents develop alongside
fellows; alumni get leadership programmes.
"""

from __future__ import annotations

from ..scenario.schema import Develop

__all__ = ["develop_levers"]


def develop_levers(develop: Develop, month: int) -> dict[str, float]:
    """Coaching intensities while the schedule is on, zero otherwise."""
    on = float(develop.active(month))
    return {
        "fellow_coaching": on * develop.fellow_coaching,
        "teacher_coaching": on * develop.teacher_coaching,
        "principal_development": on * develop.principal_development,
        "parent_development": on * develop.parent_development,
        "alumni_leadership": on * develop.alumni_leadership,
    }
