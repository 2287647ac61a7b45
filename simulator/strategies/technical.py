"""Technical programme: raises practice or resources for a period, nothing else.

No purpose, trust or agency. The brief's comparator: systems "adapt to
superficial changes", so its gains should fade unless purpose, power and learning
shift (seed 000, after Meadows).
"""

from __future__ import annotations

from ..scenario.schema import Technical

__all__ = ["technical_levers"]


def technical_levers(technical: Technical, month: int) -> dict[str, float]:
    """Practice push and resources while the programme runs."""
    on = float(technical.active(month))
    return {"technical_push": on * technical.practice_push, "technical_resources": on * technical.resources}
