"""Canvas widgets of the dashboard: the network, line charts, the meter, the room's S-curve.

Each is an `anywidget <https://anywidget.dev>`_ whose JavaScript (in ``static/``) is
shipped inside the package and sent over the widget connection, so nothing is fetched
from a CDN. Arrays travel as binary buffers (``Bytes`` traits), and a month's update is
a few small buffers and one redraw of a ``<canvas>``; a general plotting widget
re-sent and redrew whole figures and took half a second a step at 2,000 agents.

With ``height`` 0 (the default) a widget fills the height of its nearest ``.clsim-fig``
box, so the page's grid decides how big each view is (the presenter layout fits the
screen without scrolling). Every widget has a *PNG* button that saves its canvas in the
browser (``filename``).
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__ = ["NetworkCanvas", "LineChart", "Meter", "CurveChart", "HtmlText", "DownloadButton", "STATIC"]

#: Folder of the widgets' JavaScript modules.
STATIC = Path(__file__).resolve().parent / "static"


def _module(name: str, *, charts: bool = False) -> str:
    """A widget's ES module; a canvas chart's gets the shared helpers (``common.js``) first."""
    text = (STATIC / name).read_text(encoding="utf-8")
    return ((STATIC / "common.js").read_text(encoding="utf-8") + "\n" + text) if charts else text


class NetworkCanvas(anywidget.AnyWidget):
    """Agents and ties at fixed positions; per-month colours, sizes and tie states.

    Binary traits (little-endian): ``xy`` float32 (n, 2) in layout units; ``symbols``,
    ``roles`` uint8 (n,); ``schools`` int32 (n,); ``edges`` uint32 (m, 2) indices into
    the drawn agents; ``colors`` uint8 (n, 3); ``sizes`` float32 (n,) radii in layout
    units (0 hides an agent); ``edge_state`` uint8 (m,): 0 hidden, 1 tie, 2 tie between
    two engaged agents.
    """

    _esm = _module("network.js", charts=True)
    title = traitlets.Unicode("").tag(sync=True)
    legend = traitlets.List([]).tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)
    font_size = traitlets.Int(13).tag(sync=True)
    filename = traitlets.Unicode("network.png").tag(sync=True)
    bounds = traitlets.List([0.0, 1.0, 0.0, 1.0]).tag(sync=True)
    groups = traitlets.List([]).tag(sync=True)
    labels = traitlets.List([]).tag(sync=True)
    role_names = traitlets.List([]).tag(sync=True)
    xy = traitlets.Bytes(b"").tag(sync=True)
    symbols = traitlets.Bytes(b"").tag(sync=True)
    roles = traitlets.Bytes(b"").tag(sync=True)
    schools = traitlets.Bytes(b"").tag(sync=True)
    edges = traitlets.Bytes(b"").tag(sync=True)
    colors = traitlets.Bytes(b"").tag(sync=True)
    sizes = traitlets.Bytes(b"").tag(sync=True)
    edge_state = traitlets.Bytes(b"").tag(sync=True)


class LineChart(anywidget.AnyWidget):
    """Runs over time: one hue per run, one dash per series, short labels at line ends.

    ``kept`` and ``current`` are lists of runs ``{"id", "label", "short", "colour",
    "pinned", "current", "lines": [{"key", "x", "y"}]}``; ``series`` describes the
    lines of a run, ``[{"key", "name", "dash"}]`` (dash: ``solid``, ``dashed``,
    ``dotted``); ``band`` is ``[x0, x1, label]`` (a shaded window) or empty.
    """

    _esm = _module("lines.js", charts=True)
    title = traitlets.Unicode("").tag(sync=True)
    x_label = traitlets.Unicode("years").tag(sync=True)
    y_label = traitlets.Unicode("").tag(sync=True)
    x_max = traitlets.Float(1.0).tag(sync=True)
    y_range = traitlets.List([0.0, 1.0]).tag(sync=True)
    band = traitlets.List([]).tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)
    font_size = traitlets.Int(13).tag(sync=True)
    line_width = traitlets.Float(3.0).tag(sync=True)
    kept_width = traitlets.Float(2.0).tag(sync=True)
    filename = traitlets.Unicode("chart.png").tag(sync=True)
    series = traitlets.List([]).tag(sync=True)
    kept = traitlets.List([]).tag(sync=True)
    current = traitlets.List([]).tag(sync=True)


class Meter(anywidget.AnyWidget):
    """P(transformed) of the run on a half-circle, and its position against the critical mass.

    ``p`` is in [0, 1], or negative when there is no estimate. ``bands`` are
    ``[from, to, colour, label]``. ``strip`` is ``{"max", "value", "value_text", "cm",
    "lo", "hi", "cm_text"}`` (missing numbers as None) or empty, in which case
    ``status`` says why.
    """

    _esm = _module("meter.js", charts=True)
    title = traitlets.Unicode("").tag(sync=True)
    p = traitlets.Float(-1.0).tag(sync=True)
    reading_month = traitlets.Int(-1).tag(sync=True)
    pending = traitlets.Bool(False).tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)
    settings_p = traitlets.Float(-1.0).tag(sync=True)
    settings_text = traitlets.Unicode("").tag(sync=True)
    strip = traitlets.Dict({}).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    threshold = traitlets.Float(0.5).tag(sync=True)
    bands = traitlets.List([]).tag(sync=True)
    colour = traitlets.Unicode("#e4671b").tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)
    font_size = traitlets.Int(13).tag(sync=True)
    filename = traitlets.Unicode("meter.png").tag(sync=True)


class CurveChart(anywidget.AnyWidget):
    """Dots ``[[x, y, transformed], ...]`` with a fitted ``curve`` ``{"x", "y"}``.

    ``critical`` is ``{"cm", "lo", "hi", "text"}`` or empty; ``cut`` is the regime's cut
    (None when unknown).
    """

    _esm = _module("curve.js", charts=True)
    title = traitlets.Unicode("").tag(sync=True)
    x_label = traitlets.Unicode("").tag(sync=True)
    y_label = traitlets.Unicode("").tag(sync=True)
    x_max = traitlets.Float(1.0).tag(sync=True)
    y_range = traitlets.List([0.0, 1.0]).tag(sync=True)
    points = traitlets.List([]).tag(sync=True)
    curve = traitlets.Dict({}).tag(sync=True)
    critical = traitlets.Dict({}).tag(sync=True)
    cut = traitlets.Float(None, allow_none=True).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)
    font_size = traitlets.Int(13).tag(sync=True)
    line_width = traitlets.Float(3.0).tag(sync=True)
    filename = traitlets.Unicode("room-experiment.png").tag(sync=True)


class HtmlText(anywidget.AnyWidget):
    """Server-built HTML that changes every month (the month readout, headline numbers).

    Only the dashboard's own formatted text goes here, never user input.
    """

    _esm = _module("text.js")
    html = traitlets.Unicode("").tag(sync=True)
    class_name = traitlets.Unicode("").tag(sync=True)


class DownloadButton(anywidget.AnyWidget):
    """A button that saves server-made text as a browser download.

    Args:
        make: called on each click; returns the file's text.
        filename: the download's name.
        mime: its media type.
        **kwargs: traits (``label``, ``hint``).
    """

    _esm = _module("download.js")
    label = traitlets.Unicode("Download").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)

    def __init__(self, make, filename: str, mime: str = "text/plain", **kwargs):
        super().__init__(**kwargs)
        self._make = make
        self._filename = filename
        self._mime = mime
        self.on_msg(self._answer)

    def _answer(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("request") == "download":
            self.send({"filename": self._filename, "mime": self._mime, "text": self._make()})
