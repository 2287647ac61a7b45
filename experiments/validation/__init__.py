"""Thin scripts over :mod:`simulator.validation`, one per paper, plus ``run_all.py`` and
``watts_edge_ndlib.py`` (the NDlib reference at the upper edge of Watts' window).
"""
