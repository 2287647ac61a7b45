"""Start the dashboard's web server (Solara over uvicorn), offline and local by default.

:func:`serve` runs ``python -m solara run simulator.dashboard.app --production`` in a
child process with the scenario choice passed through the environment, bound to
127.0.0.1 unless a host is given. Before it starts, :func:`missing_assets` checks that
Solara's front-end files are in its proxy cache (``scripts/setup_dashboard.sh`` puts
them there); without them the page would try to fetch them from a CDN and stay blank
on a machine with no internet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["serve", "server_command", "server_environment", "missing_assets", "APP_MODULE"]

APP_MODULE = "simulator.dashboard.app"
#: Front-end packages Solara's page loads through its CDN proxy (with ipyvue < 2).
REQUIRED_ASSETS = ("@widgetti/solara-vuetify-app", "requirejs", "font-awesome")


def missing_assets() -> list[str]:
    """Front-end packages absent from Solara's proxy cache (empty when all are there)."""
    try:
        import solara.server.settings as settings
    except ImportError:  # pragma: no cover - the dashboard extra is not installed
        return list(REQUIRED_ASSETS)
    cache = Path(settings.assets.proxy_cache_dir)
    missing = []
    for name in REQUIRED_ASSETS:
        parent = cache / name.rsplit("/", 1)[0] if "/" in name else cache
        stem = name.rsplit("/", 1)[-1]
        if not any(parent.glob(f"{stem}@*/package.json")):
            missing.append(name)
    return missing


def server_environment(
    scenario: str | Path | None = None, scenario_dir: str | Path | None = None
) -> dict[str, str]:
    """Environment of the server process: scenario choice, no telemetry."""
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    # the fixed "runs on Solara" banner covers the charts' corner on a projector
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    if scenario is not None:
        env["CLSIM_DASHBOARD_SCENARIO"] = str(Path(scenario).resolve())
    if scenario_dir is not None:
        env["CLSIM_SCENARIO_DIR"] = str(Path(scenario_dir).resolve())
    elif "CLSIM_SCENARIO_DIR" not in env and (Path.cwd() / "scenarios").is_dir():
        env["CLSIM_SCENARIO_DIR"] = str((Path.cwd() / "scenarios").resolve())
    # the child must import this package even when it is not installed (a source tree)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def server_command(host: str = "127.0.0.1", port: int = 8765) -> list[str]:
    """The command line that serves the dashboard."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--production",
        "--no-open",
        "--host",
        host,
        "--port",
        str(port),
    ]


def serve(
    scenario: str | Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8765,
    scenario_dir: str | Path | None = None,
) -> int:
    """Serve the dashboard until interrupted.

    Args:
        scenario: scenario file shown first (default: ``scenarios/workshop.yaml`` when
            present).
        host: interface to bind; 127.0.0.1 keeps the dashboard on this machine.
        port: TCP port (0 picks a free one).
        scenario_dir: folder whose ``*.yaml`` files the picker lists.

    Returns:
        The server's exit code.
    """
    env = server_environment(scenario, scenario_dir)
    command = server_command(host, port)
    if os.name == "posix":
        # become the server, so Ctrl-C and SIGTERM reach it directly and nothing is orphaned
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(command[0], command, env)
    process = subprocess.Popen(command, env=env)  # pragma: no cover - Windows
    try:  # pragma: no cover
        return process.wait()
    except KeyboardInterrupt:  # pragma: no cover
        process.terminate()
        try:
            return process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()
