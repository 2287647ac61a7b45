"""Declare a plausible range on a schema field (read back by :mod:`.ranges`)."""

from __future__ import annotations

from typing import Any

__all__ = ["plausible_field"]


def plausible_field(low: float, high: float, why: str) -> dict[str, Any]:
    """The ``json_schema_extra`` that declares a plausible range on a schema field."""
    if not low <= high:
        raise ValueError(f"plausible range must have low <= high; found ({low}, {high})")
    return {"plausible": [float(low), float(high)], "plausible_why": why}
