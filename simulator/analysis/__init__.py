"""Analyses of sweep tables: tipping points, bimodality, hysteresis, phase diagrams, sensitivity."""
