"""Which of seed 002's six critical-mass dimensions a parameter belongs to.

Seed 002: a critical mass "depends on the **roles** or reach of alumni, the **strength**
of their leadership, their **orientation** to shared purpose, the extent to which they
**represent** communities being served, and the strength of the **network** between them
and others. And it depends **scale**". The posterior sensitivity of the critical mass is
reported per parameter and rolled up to these dimensions with the rules below (first
match wins); a parameter no rule covers is ``system`` (a property of the school system,
not of its leaders, such as the learning lag). Each rule says why.
"""

from __future__ import annotations

import re

__all__ = ["DIMENSIONS", "RULES", "dimension_of"]

DIMENSIONS = ("reach", "strength", "orientation", "representation", "network", "scale", "system")

#: (pattern on the dotted key, dimension, reason). First match wins.
RULES: tuple[tuple[str, str, str], ...] = (
    (r"^recruit\.cohort_size$|^recruit\.placement", "scale", "how many leaders, and how concentrated"),
    (r"^recruit\.local_share$|rootedness", "representation", "leaders rooted in the communities served"),
    (r"reach_|^dynamics\.rules_|officials_", "reach", "roles and the reach of a role, up to the rules officials shift"),
    (r"purpose|commitment_level", "orientation", "orientation to the shared purpose"),
    (r"^network\.|trust|influence_rate|min_support|engage_probability|disengage_probability|hysteresis|peer_learning",
     "network", "ties, trust and engagement that spreads along ties"),
    (r"capacity|agency|coaching|practice_gain|data_reflection|threshold_sensitivity",
     "strength", "strength of leadership: capacity, agency and the practice it builds"),
)


def dimension_of(key: str) -> str:
    """The dimension of a dotted parameter key (``system`` when no rule matches).

    A nuisance input (``scenario/key``) is classified by its key.
    """
    bare = key.split("/", 1)[-1]
    for pattern, dimension, _ in RULES:
        if re.search(pattern, bare):
            return dimension
    return "system"
