"""The command line starts without the heavy libraries only some commands need.

Every ``clsim`` command, ``--help`` and a scenario file's error message included, paid
for importing matplotlib and pandas (about 0.6 s of 1.3 s) because ``validate-classics``
imported the validations when the app was built. The libraries below are imported by the
commands that use them, when they run.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("matplotlib", "pandas", "mesa", "numba", "scipy", "pyabc", "SALib", "dask", "solara")


def test_building_the_cli_imports_no_heavy_library():
    code = (
        "import sys, simulator.cli\n"
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [], f"imported with the CLI: {out.stdout.strip()}"
