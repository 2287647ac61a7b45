"""Studies (sweeps + analyses + figures) and self-contained HTML reports of their results."""

from .html import build_report, render_report

__all__ = ["build_report", "render_report"]
