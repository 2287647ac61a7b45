"""The workshop dashboard: a browser page for demonstrating tipping points live.

``clsim dashboard`` serves :mod:`simulator.dashboard.app` with Solara. The layers, each
importable without a browser:

* :mod:`.controls` -- what each slider means, its range and which scenario keys it sets;
* :mod:`.session` -- one tab's model, history and kept runs (plain Python);
* :mod:`.scheduler` -- per-tab work queues (coalescing, limits) and a compute slot in
  which the projected tab goes first;
* :mod:`.meter_cache` -- the precomputed S-curves behind the meter, next to each scenario;
* :mod:`.forecasts` -- the meter's forecasts of a run, in a background process;
* :mod:`.positions` -- where agents are drawn (schools as groups, no spring layout);
* :mod:`.views` -- the pictures and their cheap per-step updates;
* :mod:`.app` -- the Solara components and the page;
* :mod:`.server` -- starting the server, offline, on 127.0.0.1 by default;
* :mod:`.widgets` -- the canvas widgets (anywidget; their JavaScript is in ``static/``);
* :mod:`.browser` -- serving it and driving it from headless Chromium (tests, benchmark).

The dashboard depends on the optional ``dashboard`` extra (``solara``, ``anywidget``,
``ipyvue<2``, ``ipyvuetify<2``); the model never imports it.
"""

from typing import Any

__all__ = ["Controls", "DashboardSession", "ScenarioCatalogue"]


def __getattr__(name: str) -> Any:
    # imported on first use, so `python -m simulator.dashboard.meter_cache` runs cleanly
    if name in ("Controls", "ScenarioCatalogue"):
        from . import controls

        return getattr(controls, name)
    if name == "DashboardSession":
        from .session import DashboardSession

        return DashboardSession
    raise AttributeError(name)
