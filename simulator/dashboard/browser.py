"""Drive the served dashboard from headless Chromium (end-to-end tests and benchmarks).

:class:`DashboardServer` starts ``clsim dashboard`` (or ``python -m simulator.dashboard``
in a source tree) on a free port of 127.0.0.1 and stops it; :func:`launch_chromium`
opens Debian's Chromium through Playwright's Python package (Playwright's own browser
download is not available offline); :data:`STEP_LATENCY_JS` measures, in the page, the
time from a click on *Step* until the page shows the new month with every view
redrawn.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = [
    "CHROMIUM_ARGS",
    "DashboardServer",
    "STEP_LATENCY_JS",
    "chromium_path",
    "free_port",
    "launch_chromium",
    "wait_ready",
]

#: Flags for headless Chromium in a sandboxed, offline machine.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]

#: In-page timer: click a button (selector as argument), wait until the month readout
#: changes and two animation frames have passed (the canvases redraw on the first).
STEP_LATENCY_JS = """async (selector) => {
  const month = () => document.querySelector('.clsim-month').textContent;
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const before = month();
  const t0 = performance.now();
  document.querySelector(selector).click();
  while (month() === before) {
    await new Promise((r) => setTimeout(r, 2));
    if (performance.now() - t0 > 20000) return -1;
  }
  await frame();
  await frame();
  return performance.now() - t0;
}"""


def wait_ready(page: Any, timeout: float = 90.0) -> None:
    """Wait until an opened dashboard page has drawn its network (Playwright page)."""
    page.wait_for_selector("[data-testid=step-button]", timeout=timeout * 1000)
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=network-view] canvas.clsim-plot')"
        "?.dataset.drawn) > 0",
        timeout=timeout * 1000,
    )


def chromium_path() -> str | None:
    """Debian's Chromium, or None when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch_chromium(playwright: Any) -> Any:
    """Launch headless Chromium through a started ``sync_playwright()`` object."""
    path = chromium_path()
    if path is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)


class DashboardServer:
    """``clsim dashboard`` on a free port of 127.0.0.1, for the length of a ``with``.

    Args:
        scenario: scenario file to show first.
        port: port (default: a free one).
        timeout: seconds to wait for the first answer.
        log: file that receives the server's output (default: discarded).
    """

    def __init__(
        self,
        scenario: str | Path | None = None,
        port: int | None = None,
        timeout: float = 90.0,
        log: str | Path | None = None,
    ):
        self.scenario = scenario
        self.port = port or free_port()
        self.timeout = timeout
        self.log = Path(log) if log else None
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen | None = None
        self.started_in: float = float("nan")

    def command(self) -> list[str]:
        """``clsim dashboard ...`` when the script is installed, else ``python -m``."""
        clsim = Path(sys.executable).with_name("clsim")
        head = [str(clsim)] if clsim.exists() else [sys.executable, "-m", "simulator.dashboard"]
        head += ["dashboard"] if clsim.exists() else []
        cmd = [*head, "--host", "127.0.0.1", "--port", str(self.port)]
        if self.scenario is not None:
            cmd += ["--scenario", str(self.scenario)]
        return cmd

    def __enter__(self) -> DashboardServer:
        env = dict(os.environ)
        env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        out = open(self.log, "wb") if self.log else subprocess.DEVNULL  # noqa: SIM115
        started = time.perf_counter()
        self.process = subprocess.Popen(
            self.command(), env=env, stdout=out, stderr=subprocess.STDOUT, cwd=root
        )
        deadline = started + self.timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the dashboard server exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        self.started_in = time.perf_counter() - started
                        return self
            except OSError:
                time.sleep(0.25)
        self.stop()
        raise TimeoutError(f"the dashboard did not answer at {self.url} in {self.timeout} s")

    def stop(self) -> None:
        """Stop the server process (the one this object started, by its id)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
