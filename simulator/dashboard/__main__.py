"""``python -m simulator.dashboard [--scenario FILE] [--port N] [--host H]``.

The same as ``clsim dashboard``, for a source tree where the ``clsim`` script is not
installed.
"""

from __future__ import annotations

import typer

from ..cli.dashboard_cmd import register

app = typer.Typer(add_completion=False)
register(app)

if __name__ == "__main__":
    app()
