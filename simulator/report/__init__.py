"""Reports: render what a study or sweep wrote (HTML, figures); nothing here runs a model."""

from .html import build_report, render_report

__all__ = ["build_report", "render_report"]
