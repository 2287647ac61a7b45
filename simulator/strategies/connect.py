"""Connect: alumni gatherings, bridging ties and community ties.

Bridging ties run from alumni to principals and officials, community ties to parents
(seed 000, strategy 3; seed 002: "the strength of the network between them and others").
"""

from __future__ import annotations

from ..scenario.schema import Connect

__all__ = ["connect_levers"]


def connect_levers(connect: Connect, month: int) -> dict[str, float]:
    """Gate strengths of the alumni, bridging and community layers."""
    on = float(connect.active(month))
    return {
        "alumni_gatherings": on * connect.alumni_gatherings_per_year / 12.0,
        "bridging": on * connect.bridging,
        "community": on * connect.community,
    }
