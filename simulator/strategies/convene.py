"""Convene: teacher collectives per cluster and cross-stakeholder convenings.

Teacher collectives (seed 003) meet monthly in a cluster to share classroom experience,
plan and learn; teacher-led ones build trust and agency, imposed ones bring people
together without those gains. Which clusters convene: all, those with fellows, or the
first N clusters (a comparison design like Telangana's).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..scenario.schema import Convene

__all__ = ["convene_levers", "collective_clusters"]


def collective_clusters(convene: Convene, fellow_clusters: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Which clusters the collectives programme covers."""
    n_clusters = fellow_clusters.size
    which = convene.collectives.clusters
    if which == "all":
        return np.ones(n_clusters, dtype=bool)
    if which == "with_fellows":
        return fellow_clusters.copy()
    mask = np.zeros(n_clusters, dtype=bool)
    mask[: min(int(which), n_clusters)] = True
    return mask


def convene_levers(convene: Convene, month: int, fellow_clusters: NDArray[np.bool_]) -> dict[str, Any]:
    """Mode, intensity and coverage of collectives; intensity of convenings."""
    col = convene.collectives
    on = col.mode != "none" and col.active(month) and col.meetings_per_year > 0
    conv = convene.convenings
    return {
        "collective_mode": col.mode if on else "none",
        "collective_intensity": col.meetings_per_year / 12.0 if on else 0.0,
        "collective_with_data": bool(on and col.with_data),
        "collective_facilitation": col.facilitation if on else 0.0,
        "collective_clusters": collective_clusters(convene, fellow_clusters)
        if on
        else np.zeros(fellow_clusters.size, dtype=bool),
        "convening_intensity": conv.per_year / 12.0 if conv.active(month) else 0.0,
    }
