"""Develop: coaching of fellows and of local teachers, principals and parents beside
them, and leadership programmes for alumni (seed 000, strategy 2; Puebla case)."""

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
