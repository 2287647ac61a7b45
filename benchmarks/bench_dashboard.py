"""Dashboard latency: one month stepped with every view redrawn, at 2,000 and 10,000 agents.

Two measurements, printed as tables (a benchmark prints numbers; it asserts nothing):

* **server** (default): the page rendered in-process with ``solara.render``; one click
  on *Step* = model step + indicators + every view's update + the page's re-render +
  widget serialisation. Also the model step and the views' update on their own.
* **browser** (``--browser``): ``clsim dashboard`` served on 127.0.0.1 and driven by
  headless Chromium; from the click on *Step* until the page shows the new month and the
  canvases have redrawn (two animation frames), which adds the websocket round trip and
  the browser's drawing.

Sizes: ``scenarios/workshop.yaml`` as it is (about 2,000 agent slots), and the same with
eleven districts (about 10,000). The budget in the brief is 150 ms a step at 2,000 agents.

Usage::

    python benchmarks/bench_dashboard.py [--browser] [--steps 30] [--warmup 24]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")

WORKSHOP = ROOT / "scenarios" / "workshop.yaml"
SIZES = {"~2,000 agents": {}, "~10,000 agents": {"system.districts": 11}}


def _summary(values_ms: list[float]) -> str:
    values = sorted(values_ms)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return f"median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms"


def _scenario(overrides: dict):
    from simulator.scenario import Scenario, load_scenario

    base = load_scenario(WORKSHOP) if WORKSHOP.exists() else Scenario()
    return base.with_overrides(overrides) if overrides else base


def bench_server(steps: int, warmup: int, sizes: dict | None = None) -> dict[str, dict[str, float]]:
    """Step-plus-redraw latency measured in-process; returns medians (ms) by size label."""
    import ipyvuetify as v
    import solara

    from simulator.dashboard.app import Dashboard
    from simulator.dashboard.controls import ScenarioCatalogue
    from simulator.dashboard.session import DashboardSession
    from simulator.dashboard.views import DashboardViews

    print("server side (solara.render, no browser): one click on Step")
    measured: dict[str, dict[str, float]] = {}
    for label, overrides in (SIZES if sizes is None else sizes).items():
        scenario = _scenario(overrides)
        started = time.perf_counter()
        session = DashboardSession(ScenarioCatalogue(preloaded={label: scenario}))
        views = DashboardViews(session)
        build_ms = (time.perf_counter() - started) * 1000
        _, rc = solara.render(Dashboard(session, views), handle_error=False)
        step_button = next(
            w for w in rc.find(v.Btn).widgets if "clsim-step" in (w.class_ or "").split()
        )
        session.step(warmup)
        views.sync()
        clicks, model_only, views_only = [], [], []
        for _ in range(steps):
            t0 = time.perf_counter()
            step_button.click()
            clicks.append((time.perf_counter() - t0) * 1000)
        for _ in range(steps):
            t0 = time.perf_counter()
            session.step(1)
            t1 = time.perf_counter()
            views.sync()
            t2 = time.perf_counter()
            model_only.append((t1 - t0) * 1000)
            views_only.append((t2 - t1) * 1000)
        drawn = len(views.network.widget.sizes) // 4
        print(
            f"  {label}: {session.n_agents:,} slots, {drawn:,} drawn; "
            f"first build + views {build_ms:.0f} ms"
        )
        print(f"    step + redraw (click)  {_summary(clicks)}")
        print(f"    model step only        {_summary(model_only)}")
        print(f"    views update only      {_summary(views_only)}")
        measured[label] = {
            "slots": float(session.n_agents),
            "click_ms": statistics.median(clicks),
            "model_step_ms": statistics.median(model_only),
            "views_ms": statistics.median(views_only),
        }
    return measured


def bench_browser(steps: int, warmup: int) -> None:
    """Step-plus-redraw latency measured in headless Chromium against the served page."""
    from playwright.sync_api import sync_playwright

    from simulator.dashboard.browser import STEP_LATENCY_JS, DashboardServer, launch_chromium

    print("browser (clsim dashboard + headless Chromium): click on Step -> canvases redrawn")
    with tempfile.TemporaryDirectory() as tmp:
        for label, overrides in SIZES.items():
            path = Path(tmp) / f"bench_{len(overrides)}.yaml"
            lines = [f"extends: {WORKSHOP}"] if WORKSHOP.exists() else []
            sections: dict[str, dict[str, object]] = {}
            for dotted, value in overrides.items():
                section, key = dotted.split(".")
                sections.setdefault(section, {})[key] = value
            for section, values in sections.items():
                lines.append(f"{section}:")
                lines += [f"  {key}: {value}" for key, value in values.items()]
            path.write_text("\n".join(lines) + "\n")
            with DashboardServer(scenario=path) as server, sync_playwright() as pw:
                browser = launch_chromium(pw)
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                t0 = time.perf_counter()
                page.goto(server.url)
                page.wait_for_function(
                    "() => Number(document.querySelector('.clsim-network canvas')"
                    "?.dataset.drawn) > 0",
                    timeout=120_000,
                )
                ready = time.perf_counter() - t0
                for _ in range(max(0, warmup // 12)):
                    page.evaluate(STEP_LATENCY_JS, ".clsim-step-year")
                latencies = [page.evaluate(STEP_LATENCY_JS, ".clsim-step") for _ in range(steps)]
                slots = page.inner_text(".clsim-note")
                browser.close()
            print(
                f"  {label} ({slots.split(' agent')[0]} slots): server up in "
                f"{server.started_in:.1f} s, page drawn {ready:.1f} s after opening"
            )
            print(f"    step + redraw          {_summary(latencies)}")


def main() -> None:
    """Parse arguments and run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="also measure in Chromium")
    parser.add_argument("--steps", type=int, default=30, help="timed steps per size")
    parser.add_argument("--warmup", type=int, default=24, help="months run before timing")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    bench_server(args.steps, args.warmup)
    if args.browser:
        bench_browser(args.steps, args.warmup)


if __name__ == "__main__":
    main()
