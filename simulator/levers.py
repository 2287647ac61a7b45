"""Levers: what the strategies switch on in a given month, as plain numbers.

The processes read a :class:`Levers` value and never the scenario's strategy sections,
so the dynamics stay independent of how a strategy is scheduled. The strategies
package (``simulator.strategies``) computes the levers of a month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

__all__ = ["Levers", "CollectiveMode"]

CollectiveMode = str  # "none" | "teacher_led" | "imposed"


@dataclass(frozen=True)
class Levers:
    """Strategy intensities for one month.

    Attributes:
        fellow_coaching: coaching intensity for active fellows (develop).
        teacher_coaching: development of teachers in schools with fellows (develop).
        principal_development: development of principals in schools with fellows.
        parent_development: development of parents in schools with fellows.
        alumni_leadership: leadership programme for alumni.
        alumni_gatherings: alumni gatherings a month (connect).
        bridging: strength of alumni bridging ties (connect).
        community: strength of fellow/alumni ties to parents (connect).
        collective_mode: "none", "teacher_led" or "imposed" (convene).
        collective_intensity: meetings a month of the programme's collectives.
        collective_with_data: collectives reflect on classroom data.
        collective_facilitation: outside facilitation of the programme's collectives.
        collective_clusters: clusters whose collective the programme runs (bool per cluster).
        convening_intensity: cross-stakeholder convenings a month (convene).
        technical_push: monthly practice push of a technical programme.
        technical_resources: extra learning from resources of a technical programme.
    """

    fellow_coaching: float = 0.0
    teacher_coaching: float = 0.0
    principal_development: float = 0.0
    parent_development: float = 0.0
    alumni_leadership: float = 0.0
    alumni_gatherings: float = 0.0
    bridging: float = 0.0
    community: float = 0.0
    collective_mode: CollectiveMode = "none"
    collective_intensity: float = 0.0
    collective_with_data: bool = False
    collective_facilitation: float = 0.0
    collective_clusters: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    convening_intensity: float = 0.0
    technical_push: float = 0.0
    technical_resources: float = 0.0

    def key(self) -> tuple:
        """Hashable summary, used to know when the network weights must be rebuilt."""
        return (
            self.alumni_gatherings,
            self.bridging,
            self.community,
            self.collective_mode,
            self.collective_intensity,
            self.collective_clusters.tobytes(),
            self.convening_intensity,
        )
