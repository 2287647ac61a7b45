"""Figures: matplotlib figures of single runs and comparisons (runs) and of studies (studies)."""
