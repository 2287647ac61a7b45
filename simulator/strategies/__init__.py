"""The four development strategies of seed 000, plus a technical programme as comparator.

Each module turns its scenario section and the month into lever values; only the
strategies look at schedules. ``levers_for`` combines them.

* :mod:`.recruit` -- cohorts of fellows: sizes, timing and placement are laid out at
  build (``simulator.layout``); arrivals happen in ``simulator.processes.careers``.
* :mod:`.develop` -- coaching and leadership development.
* :mod:`.connect` -- alumni network, bridging ties, community ties.
* :mod:`.convene` -- teacher collectives and cross-stakeholder convenings.
* :mod:`.technical` -- practice and resources, nothing else.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..levers import Levers
from ..scenario import Scenario
from .connect import connect_levers
from .convene import convene_levers
from .develop import develop_levers
from .technical import technical_levers

__all__ = ["levers_for"]


def levers_for(
    scenario: Scenario,
    month: int,
    fellow_clusters: NDArray[np.bool_],
) -> Levers:
    """All levers of a month.

    Args:
        scenario: the scenario.
        month: 0-based month.
        fellow_clusters: per cluster, whether it has received fellows (for collectives
            targeted at clusters with fellows).
    """
    return Levers(
        **develop_levers(scenario.develop, month),
        **connect_levers(scenario.connect, month),
        **convene_levers(scenario.convene, month, fellow_clusters),
        **technical_levers(scenario.technical, month),
    )
