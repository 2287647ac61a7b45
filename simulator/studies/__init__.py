"""Studies: sweeps (or ABC generations) plus analyses plus figures, into one results directory.

The layer above ``simulator.sweep`` and ``simulator.analysis`` and below the CLI and the
report: a study builds sweep specs, runs them resumably, reads the tables back, analyses
them and writes ``analysis.json`` with its figures. ``simulator.report`` only renders
what a study wrote. Studies: tipping, phase, sensitivity, discover (PRIM/CART over a
Latin hypercube or an existing sweep) and compare (scenarios over the same seeds).
"""

from .common import ANALYSIS_FILE, DEFAULT_MASTER_SEED, parse_values, read_analysis, write_analysis
from .compare import compare_scenarios
from .discover import discover_study
from .phase import phase_study
from .sensitivity import sensitivity_study
from .tipping import tipping_study

__all__ = [
    "ANALYSIS_FILE",
    "DEFAULT_MASTER_SEED",
    "compare_scenarios",
    "discover_study",
    "parse_values",
    "phase_study",
    "read_analysis",
    "sensitivity_study",
    "tipping_study",
    "write_analysis",
]
