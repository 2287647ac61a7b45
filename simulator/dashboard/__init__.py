"""The workshop dashboard: a browser page for demonstrating tipping points live.

``clsim dashboard`` serves :mod:`simulator.dashboard.app` with Solara. The layers, each
importable without a browser:

* :mod:`.controls` -- what each slider means and which scenario keys it sets;
* :mod:`.session` -- one tab's model, history and earlier runs (plain Python);
* :mod:`.positions` -- where agents are drawn (schools as groups, no spring layout);
* :mod:`.views` -- the pictures and their cheap per-step updates;
* :mod:`.app` -- the Solara components and the page;
* :mod:`.server` -- starting the server, offline, on 127.0.0.1 by default;
* :mod:`.widgets` -- the canvas widgets (anywidget; their JavaScript is in ``static/``);
* :mod:`.browser` -- serving it and driving it from headless Chromium (tests, benchmark).

The dashboard depends on the optional ``dashboard`` extra (``solara``, ``anywidget``,
``ipyvue<2``, ``ipyvuetify<2``); the model never imports it.
"""

from .controls import Controls, ScenarioCatalogue
from .session import DashboardSession

__all__ = ["Controls", "DashboardSession", "ScenarioCatalogue"]
