"""Dashboard latency and the room's experiment, at 2,000 and 10,000 agents.

Prints tables (a benchmark prints numbers; it asserts nothing):

* **server** (default): the page rendered in-process with ``solara.render``; one click
  on *Step* = model step + indicators + every view's update + the re-render of what
  depends on the month + widget serialisation. Also the model step and the views'
  update on their own.
* **browser** (``--browser``): ``clsim dashboard`` served on 127.0.0.1 and driven by
  headless Chromium; from the click on *Step* until the page shows the new month and the
  canvases have redrawn (two animation frames), which adds the websocket round trip and
  the browser's drawing. Measured alone, then with ``--others`` (default 4) other tabs
  playing at once (at *Fast* speed, the worst case) while the projected tab (presenter
  mode, opened on this machine) steps.
* **room** (``--room``): the room's experiment at the workshop scenario in the browser:
  seconds from the click until the first fitted S-curve is drawn, and until it is done.

Sizes: ``scenarios/workshop.yaml`` (2,014 agent slots) and
``scenarios/workshop_10k.yaml`` (10,177). The issue's budgets: median under 100 ms at
2,000 agents alone, under 150 ms for the projected tab with four other tabs playing.

Usage::

    python benchmarks/bench_dashboard.py [--browser] [--room] [--steps 30] [--others 4]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")

SIZES = {
    "workshop (~2,000 agents)": ROOT / "scenarios" / "workshop.yaml",
    "workshop_10k (~10,000 agents)": ROOT / "scenarios" / "workshop_10k.yaml",
}


def _summary(values_ms: list[float]) -> str:
    values = sorted(values_ms)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return f"median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms   (n={len(values)})"


def bench_server(steps: int, warmup: int, sizes: dict | None = None) -> dict[str, dict[str, float]]:
    """Step-plus-redraw latency measured in-process; returns medians (ms) by size label."""
    import ipyvuetify as v
    import solara

    from simulator.dashboard.app import Dashboard
    from simulator.dashboard.controls import ScenarioCatalogue
    from simulator.dashboard.session import DashboardSession
    from simulator.dashboard.views import DashboardViews
    from simulator.scenario import load_scenario

    os.environ.setdefault("CLSIM_FORECAST_PROCESSES", "0")
    print("server side (solara.render, no browser): one click on Step")
    measured: dict[str, dict[str, float]] = {}
    for label, path in (SIZES if sizes is None else sizes).items():
        scenario = load_scenario(path)
        started = time.perf_counter()
        session = DashboardSession(ScenarioCatalogue(preloaded={label: scenario}))
        views = DashboardViews(session)
        build_ms = (time.perf_counter() - started) * 1000
        # solara.display() prints the widgets it shows when there is no server
        with contextlib.redirect_stdout(io.StringIO()):
            _, rc = solara.render(Dashboard(session, views, inline=True), handle_error=False)
            step_button = next(
                w for w in rc.find(v.Btn).widgets if "clsim-step" in (w.class_ or "").split()
            )
            session.step(warmup)
            views.sync()
            clicks, model_only, views_only = [], [], []
            for _ in range(steps):
                if session.month % 12 == 11:  # keep forecasts (a background job) out of the timing
                    session.step(1)
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


def _open(browser, url: str, presenter: bool):
    from simulator.dashboard.browser import wait_ready

    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.goto(url)
    wait_ready(page)
    if presenter:
        page.click("[data-testid=presenter-toggle]")
        page.wait_for_selector("[data-testid=controls-drawer]")
    return page


def _measure(page, steps: int) -> list[float]:
    from simulator.dashboard.browser import STEP_LATENCY_JS

    out = []
    while len(out) < steps:
        month = int(page.inner_text(".clsim-month-count"))
        if month >= 140:
            page.click("[data-testid=reset-button]")
            page.wait_for_function("() => document.querySelector('.clsim-month-count').textContent === '0'")
            page.evaluate(STEP_LATENCY_JS, ".clsim-step-year")
            continue
        latency = page.evaluate(STEP_LATENCY_JS, "[data-testid=step-button]")
        if latency > 0:
            out.append(latency)
    return out


def _burst(page, clicks: int) -> tuple[float, int]:
    """Click Step ``clicks`` times at once; seconds until the month stops moving, months run."""
    page.click("[data-testid=reset-button]")
    page.wait_for_function("() => document.querySelector('.clsim-month-count').textContent === '0'")
    t0 = time.perf_counter()
    page.evaluate(
        "(n) => { const b = document.querySelector('[data-testid=step-button]');"
        " for (let k = 0; k < n; k++) b.click(); }",
        clicks,
    )
    last, changed = -1, time.perf_counter()
    while time.perf_counter() - changed < 1.5:
        month = int(page.inner_text(".clsim-month-count"))
        if month != last:
            last, changed = month, time.perf_counter()
        time.sleep(0.02)
    return changed - t0, last


def bench_browser(steps: int, warmup: int, others: int) -> None:
    """Step-plus-redraw latency in headless Chromium, alone and with other tabs playing."""
    from playwright.sync_api import sync_playwright

    from simulator.dashboard.browser import STEP_LATENCY_JS, DashboardServer, launch_chromium

    print("browser (clsim dashboard + headless Chromium): click on Step -> canvases redrawn")
    for label, path in SIZES.items():
        with DashboardServer(scenario=path) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            t0 = time.perf_counter()
            page = _open(browser, server.url, presenter=True)
            ready = time.perf_counter() - t0
            for _ in range(max(0, warmup // 12)):
                page.evaluate(STEP_LATENCY_JS, ".clsim-step-year")
            alone = _measure(page, steps)
            burst = _burst(page, 100)
            slots = page.inner_text(".clsim-note") if page.locator(".clsim-note").count() else ""
            print(
                f"  {label}: server up in {server.started_in:.1f} s, "
                f"page drawn {ready:.1f} s after opening {slots[:60]}"
            )
            print(f"    projected tab alone                       {_summary(alone)}")
            print(
                f"    100 Step clicks at once: {burst[1]} months stepped, idle "
                f"{burst[0]:.1f} s after the burst"
            )
            if others:
                tabs = [_open(browser, server.url, presenter=False) for _ in range(others)]
                for tab in tabs:
                    tab.click(".clsim-speed .v-btn:has-text('Fast')")
                    tab.click("[data-testid=play-button]")
                time.sleep(2.0)
                playing = [int(t.inner_text(".clsim-month-count")) for t in tabs]
                loaded = _measure(page, steps)
                moved = [int(t.inner_text(".clsim-month-count")) - m for t, m in zip(tabs, playing, strict=True)]
                print(
                    f"    projected tab, {others} other tabs playing Fast {_summary(loaded)}"
                )
                print(f"      (the other tabs moved {moved} months meanwhile)")
                for tab in tabs:
                    tab.context.close()
            browser.close()


def bench_room() -> None:
    """The room's experiment at the workshop scenario: time to the first fitted S-curve."""
    from playwright.sync_api import sync_playwright

    from simulator.dashboard.browser import DashboardServer, launch_chromium

    print("room's experiment (workshop scenario, browser): click -> fitted S-curve drawn")
    with DashboardServer(scenario=SIZES["workshop (~2,000 agents)"]) as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = _open(browser, server.url, presenter=True)
        t0 = time.perf_counter()
        page.click("[data-testid=room-experiment]")
        page.wait_for_function(
            "() => Number(document.querySelector('[data-testid=room-experiment-chart] canvas.clsim-plot')"
            ".dataset.curve) > 0",
            timeout=300_000,
        )
        first = time.perf_counter() - t0
        page.wait_for_function(
            "() => document.querySelector('.clsim-room-button').textContent.includes('Run')",
            timeout=300_000,
        )
        total = time.perf_counter() - t0
        points = page.eval_on_selector(
            "[data-testid=room-experiment-chart] canvas.clsim-plot", "c => c.dataset.points"
        )
        critical = page.eval_on_selector(
            "[data-testid=room-experiment-chart] canvas.clsim-plot", "c => c.dataset.critical"
        )
        browser.close()
    print(f"  first fitted S-curve after {first:5.1f} s; all {points} runs after {total:5.1f} s")
    print(f"  critical mass of the fit: {float(critical):.1f} fellows a year")


def main() -> None:
    """Parse arguments and run the benchmarks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--browser", action="store_true", help="also measure in Chromium")
    parser.add_argument("--room", action="store_true", help="time the room's experiment")
    parser.add_argument("--server", action="store_true", help="only the in-process part")
    parser.add_argument("--steps", type=int, default=30, help="timed steps per size")
    parser.add_argument("--warmup", type=int, default=24, help="months run before timing")
    parser.add_argument("--others", type=int, default=4, help="other tabs playing at once")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    if args.server or not (args.browser or args.room):
        bench_server(args.steps, args.warmup)
    if args.browser:
        bench_browser(args.steps, args.warmup, args.others)
    if args.room:
        bench_room()


if __name__ == "__main__":
    main()
