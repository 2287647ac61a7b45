"""The ``clsim`` command line (typer + rich).

Commands live in small modules that each expose ``register(app)``; this module builds
the app, attaches the shared option checks of :mod:`simulator.cli.options`, and is the
one place where errors become messages:

* a usage error (unknown command or option, a bad or missing value) is shown the way
  click intends: the usage line, ``Try 'clsim CMD -h' for help.``, the error naming the
  option or argument, exit code 2. Typer up to 0.28 raises ``click`` exceptions, 0.29
  raises those of its bundled ``typer._click`` (which are not ``click.ClickException``):
  both are recognised (:func:`_usage_error_types`);
* bad input (:class:`~simulator.scenario.ScenarioError`, sweep errors, a refused size)
  prints one ``error:`` message and exits 2;
* Ctrl-C exits 130 and says what was kept (for sweeps and studies: the finished runs,
  and how to resume);
* an operating-system error (disk full, a folder removed meanwhile) and running out of
  memory print one line and exit 1, never a traceback (``CLSIM_DEBUG=1`` shows it).

Messages are printed with rich markup and emoji codes off, so a file name or value such
as ``:x:`` or ``[red]`` is shown as written.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import typer

from ..scenario import ScenarioError
from . import run_cmds

__all__ = ["app", "main", "build_command", "print_error"]

app = typer.Typer(
    name="clsim",
    help="Simulate how collective leadership changes education systems.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        import platform

        from .. import __version__
        from .._compat import MESA_VERSION

        typer.echo(f"clsim {__version__} (Python {platform.python_version()}, Mesa {MESA_VERSION})")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", "-V", callback=_version_callback, is_eager=True,
        help="Show the version of clsim, Python and Mesa, and exit.",
    ),
) -> None:
    """Simulate how collective leadership changes education systems."""


run_cmds.register(app)
for _name in ("analysis_cmds", "calibrate_cmd", "classics_cmd", "dashboard_cmd", "docs_cmd", "discover_cmd", "robustness_cmd"):
    try:
        _module = __import__(f"{__name__}.{_name}", fromlist=["register"])
    except ModuleNotFoundError as _exc:  # optional command groups not yet present
        if _exc.name != f"{__name__}.{_name}":
            raise
        continue
    _module.register(app)

#: Commands whose runs go into a resumable results folder.
RESUMABLE = ("sweep", "tipping", "phase", "sensitivity")


def print_error(message: str, hint: str = "") -> None:
    """Print ``error: MESSAGE`` on stderr, verbatim (no markup, no emoji codes)."""
    from rich.console import Console

    console = Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False)
    console.print(f"error: {message}" + (f" ({hint})" if hint else ""))


def build_command() -> Any:
    """The click command tree of :data:`app` with the shared option checks attached."""
    from .options import apply_checks

    command = typer.main.get_command(app)
    apply_checks(command)
    return command


def _usage_error_types() -> tuple[type[BaseException], ...]:
    """The exception classes a usage error can have under the installed typer."""
    types: list[type[BaseException]] = []
    base = getattr(typer, "TyperException", None)  # typer >= 0.29: bundled click
    if isinstance(base, type):
        types.append(base)
    try:
        import click

        types.append(click.ClickException)
    except ImportError:  # pragma: no cover - typer >= 0.29 does not need click
        pass
    return tuple(types)


def _abort_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [typer.Abort]
    try:
        import click

        types.append(click.exceptions.Abort)
    except ImportError:  # pragma: no cover
        pass
    return tuple(types)


def _subcommand(argv: list[str]) -> str | None:
    return next((a for a in argv if not a.startswith("-")), None)


def _option_value(argv: list[str], *names: str) -> str | None:
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def _interrupted(argv: list[str]) -> int:
    from rich.console import Console

    command = _subcommand(argv)
    if command in RESUMABLE:
        out = _option_value(argv, "--out", "-o")
        where = f"in {out}" if out else "in the results folder"
        message = (
            f"interrupted (Ctrl-C). The runs that finished are saved {where}; run the same "
            "command again to resume: finished runs are not repeated (--overwrite starts over)."
        )
    else:
        message = "interrupted (Ctrl-C); the unfinished run wrote nothing."
    Console(stderr=True, soft_wrap=True, markup=False, emoji=False, highlight=False).print(message)
    return 130


def _error_types() -> tuple[type[BaseException], ...]:
    from ..scenario.size import LimitSettingError, SizeError
    from ..sweep.errors import SweepError

    return (ScenarioError, SweepError, SizeError, LimitSettingError)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; usage errors and bad input exit 2, never a traceback."""
    args = list(sys.argv[1:] if argv is None else argv)
    usage_errors = _usage_error_types()
    debug = bool(os.environ.get("CLSIM_DEBUG"))
    try:
        rc = build_command().main(args=args, prog_name="clsim", standalone_mode=False)
    except usage_errors as exc:
        exc.show()  # type: ignore[attr-defined]
        sys.exit(int(getattr(exc, "exit_code", 2)))
    except _error_types() as exc:
        print_error(exc.render())  # type: ignore[attr-defined]
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(_interrupted(args))
    except _abort_types() as exc:
        if isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt):
            sys.exit(_interrupted(args))
        print_error("aborted")
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except MemoryError:
        if debug:
            raise
        print_error(
            "out of memory",
            "the run is larger than this machine can hold: see the estimate of "
            "'clsim validate SCENARIO' and docs/install_and_errors.md",
        )
        sys.exit(1)
    except OSError as exc:
        if debug:
            raise
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print_error(f"{where}{exc.strerror or exc}", "CLSIM_DEBUG=1 for a traceback")
        sys.exit(1)
    if rc == 130:  # typer >= 0.29 turns Ctrl-C into Exit(130) without a word
        sys.exit(_interrupted(args))
    sys.exit(rc if isinstance(rc, int) else 0)
