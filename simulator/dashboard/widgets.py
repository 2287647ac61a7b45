"""Canvas widgets of the dashboard: the network, line charts and a gauge.

Each is an `anywidget <https://anywidget.dev>`_ whose JavaScript (in ``static/``) is
shipped inside the package and sent over the widget connection, so nothing is fetched
from a CDN. Arrays travel as binary buffers (``Bytes`` traits), and a month's update is
a few small buffers and one redraw of a ``<canvas>``; a general plotting widget
re-sent and redrew whole figures and took half a second a step at 2,000 agents.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__ = ["NetworkCanvas", "LineChart", "Gauge", "STATIC"]

#: Folder of the widgets' JavaScript modules.
STATIC = Path(__file__).resolve().parent / "static"


def _module(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


class NetworkCanvas(anywidget.AnyWidget):
    """Agents and ties at fixed positions; per-month colours, sizes and tie states.

    Binary traits (little-endian): ``xy`` float32 (n, 2) in layout units; ``symbols``,
    ``roles`` uint8 (n,); ``schools`` int32 (n,); ``edges`` uint32 (m, 2) indices into
    the drawn agents; ``colors`` uint8 (n, 3); ``sizes`` float32 (n,) radii in layout
    units (0 hides an agent); ``edge_state`` uint8 (m,): 0 hidden, 1 tie, 2 tie between
    two engaged agents.
    """

    _esm = _module("network.js")
    title = traitlets.Unicode("").tag(sync=True)
    legend = traitlets.List([]).tag(sync=True)
    height = traitlets.Int(520).tag(sync=True)
    font_size = traitlets.Int(13).tag(sync=True)
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
    """Lines over time: ``current`` bold, ``earlier`` faint.

    ``current`` and ``earlier`` are lists of ``{"name", "colour", "x", "y"}``; ``band``
    is ``[x0, x1, label]`` (a shaded window) or empty.
    """

    _esm = _module("lines.js")
    title = traitlets.Unicode("").tag(sync=True)
    x_label = traitlets.Unicode("years").tag(sync=True)
    y_label = traitlets.Unicode("").tag(sync=True)
    x_max = traitlets.Float(1.0).tag(sync=True)
    y_range = traitlets.List([0.0, 1.0]).tag(sync=True)
    band = traitlets.List([]).tag(sync=True)
    height = traitlets.Int(300).tag(sync=True)
    font_size = traitlets.Int(13).tag(sync=True)
    line_width = traitlets.Float(2.5).tag(sync=True)
    earlier = traitlets.List([]).tag(sync=True)
    current = traitlets.List([]).tag(sync=True)


class Gauge(anywidget.AnyWidget):
    """A half-circle meter of a value in [0, 1] with its change against ``reference``."""

    _esm = _module("gauge.js")
    title = traitlets.Unicode("").tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)
    value = traitlets.Float(0.0).tag(sync=True)
    reference = traitlets.Float(0.0).tag(sync=True)
    bands = traitlets.List([]).tag(sync=True)
    colour = traitlets.Unicode("#e4671b").tag(sync=True)
    height = traitlets.Int(200).tag(sync=True)
    font_size = traitlets.Int(13).tag(sync=True)
