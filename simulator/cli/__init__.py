"""The ``clsim`` command line (typer + rich).

Commands live in small modules that each expose ``register(app)``; this module builds
the app and turns every :class:`~simulator.scenario.ScenarioError` into one clear message
and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.markup import escape

from ..scenario import ScenarioError
from . import run_cmds

__all__ = ["app", "main"]

app = typer.Typer(
    name="clsim",
    help="Simulate how collective leadership changes education systems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

run_cmds.register(app)
for _name in ("analysis_cmds", "calibrate_cmd", "classics_cmd", "dashboard_cmd", "docs_cmd"):
    try:
        _module = __import__(f"{__name__}.{_name}", fromlist=["register"])
    except ModuleNotFoundError as _exc:  # optional command groups not yet present
        if _exc.name != f"{__name__}.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    """Entry point: run the app, print scenario errors plainly, exit 2 on bad input."""
    try:
        rc = app(standalone_mode=False)
    except ScenarioError as exc:
        Console(stderr=True, soft_wrap=True).print(f"[bold red]error:[/] {escape(exc.render())}", highlight=False, markup=True)
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        Console(stderr=True).print("aborted")
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(rc if isinstance(rc, int) else 0)
