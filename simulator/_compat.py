"""Small compatibility layer over the Mesa 3.3 and 3.5 lines.

Mesa 3.5 has ``model.time`` and deprecates ``seed=``; 3.3 has neither ``time`` nor the
deprecation. Both accept ``rng=`` and keep ``model.steps``. The model counts its own
months, so only construction and the version string need care.
"""

from __future__ import annotations

import mesa

__all__ = ["MESA_VERSION", "mesa_model_kwargs"]

MESA_VERSION: str = mesa.__version__


def mesa_model_kwargs(seed: int) -> dict[str, int]:
    """Keyword arguments for ``mesa.Model.__init__`` that seed both of Mesa's generators."""
    return {"rng": int(seed)}
