"""``clsim dashboard``: serve the workshop dashboard in a browser.

Solara is imported only when the command runs, so the rest of the CLI works without
the optional ``dashboard`` extra. Bad input exits with code 2 and a one-line message
(``SystemExit``, which passes through Click in standalone mode or not).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register", "dashboard"]


def dashboard(
    scenario: Annotated[
        Path | None,
        typer.Option(
            "--scenario",
            "-s",
            help="Scenario file shown first (default: scenarios/workshop.yaml when present).",
            dir_okay=False,
        ),
    ] = None,
    port: Annotated[
        int, typer.Option("--port", "-p", min=0, max=65535, help="TCP port (0: any free port).")
    ] = 8765,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Interface to listen on. The default keeps the dashboard on this machine; "
            "use 0.0.0.0 to let others in the room connect.",
        ),
    ] = "127.0.0.1",
    scenario_dir: Annotated[
        Path | None,
        typer.Option(
            "--scenario-dir",
            help="Folder whose *.yaml files the scenario picker lists (default: ./scenarios).",
            file_okay=False,
        ),
    ] = None,
    precompute: Annotated[
        list[str] | None,
        typer.Option(
            "--precompute",
            help="Instead of serving: compute the critical-mass meter's S-curves for this "
            "scenario (a name in the picker or a file; repeat for several) and cache them "
            "in scenarios/.meter/. Takes minutes.",
        ),
    ] = None,
    seeds: Annotated[
        int, typer.Option("--seeds", min=2, help="With --precompute: seeds per cohort value.")
    ] = 12,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="With --precompute: worker processes.")
    ] = 1,
) -> None:
    """Serve the workshop dashboard (Solara) until Ctrl-C."""
    from rich.console import Console

    from ..scenario import ScenarioError, load_scenario

    err = Console(stderr=True)
    if precompute:
        from ..dashboard.meter_cache import main as precompute_main

        args = [*precompute, "--seeds", str(seeds), "--workers", str(workers)]
        if scenario_dir is not None:
            args += ["--scenario-dir", str(scenario_dir)]
        code = precompute_main(args)
        if code:
            raise SystemExit(code)
        return
    try:
        from ..dashboard.server import missing_assets, serve
    except ImportError as exc:
        err.print(
            f"[bold red]error:[/] the dashboard needs the 'dashboard' extra ({exc.name} is "
            "missing): pip install 'clsim[dashboard]'",
            highlight=False,
        )
        raise SystemExit(2) from None
    if scenario is not None:
        # a bad file is reported here, plainly, before any server starts
        try:
            load_scenario(scenario)
        except ScenarioError as exc:
            err.print(f"[bold red]error:[/] {exc.render()}", highlight=False)
            raise SystemExit(2) from None
    if scenario_dir is not None and not scenario_dir.is_dir():
        err.print(f"[bold red]error:[/] --scenario-dir {scenario_dir}: no such folder")
        raise SystemExit(2)
    missing = missing_assets()
    if missing:
        err.print(
            "[yellow]warning:[/] Solara's front-end files are not cached "
            f"({', '.join(missing)}); without internet the page will stay blank. "
            "Run scripts/setup_dashboard.sh <venv> once.",
            highlight=False,
        )
    shown = "localhost" if host in ("127.0.0.1", "localhost") else host
    if port:
        err.print(f"clsim dashboard on http://{shown}:{port}/  (Ctrl-C to stop)", highlight=False)
    code = serve(scenario=scenario, host=host, port=port, scenario_dir=scenario_dir)
    if code not in (0, None):
        raise SystemExit(code)


def register(app: typer.Typer) -> None:
    """Add the ``dashboard`` command to the ``clsim`` app."""
    app.command("dashboard")(dashboard)
