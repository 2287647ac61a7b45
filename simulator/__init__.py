"""clsim: an agent-based simulator of how collective leadership changes education systems.

Public entry points:

* :func:`simulator.scenario.load_scenario` -- read and validate a scenario file;
* :class:`simulator.model.EducationModel` -- the Mesa model;
* :func:`simulator.runner.run_scenario` -- run a scenario to tables and a summary.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("clsim")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+src"

__all__ = ["__version__"]
