"""The served dashboard in headless Chromium: load, step, move a slider, see the charts move.

Starts ``clsim dashboard`` on a free port of 127.0.0.1, drives it with Playwright's
Python package against Debian's Chromium, checks that every front-end file came from
the local cache (the machine is offline), and saves ``docs/img/dashboard.png`` for the
README. Skipped only when Chromium or Playwright is missing *and* ``CI`` is unset; under
CI a missing browser is a failure.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "docs" / "img" / "dashboard.png"
WORKSHOP = ROOT / "scenarios" / "workshop.yaml"


def _requirements() -> str | None:
    """Why the browser test cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Playwright Python package is not installed (pip install playwright)"
    try:
        import solara  # noqa: F401
    except ImportError:
        return "the dashboard extra (solara) is not installed"
    from simulator.dashboard.browser import chromium_path

    if chromium_path() is None:
        return "chromium is not installed (apt-get install chromium, or scripts/setup_dashboard.sh)"
    return None


_missing = _requirements()
if _missing and not os.environ.get("CI"):
    pytest.skip(f"browser test skipped: {_missing}", allow_module_level=True)


def _chart(page, cls: str, key: str) -> int:
    value = page.eval_on_selector(f".{cls} canvas", f"c => c.dataset.{key} || '0'")
    return int(float(value))


def _month(page) -> int:
    return int(page.inner_text(".clsim-month-count"))


def _wait_month(page, month: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while _month(page) != month:
        if time.monotonic() > deadline:
            raise AssertionError(f"the page never showed month {month}; shows {_month(page)}")
        time.sleep(0.05)


def test_dashboard_in_chromium(tmp_path):
    assert _missing is None, f"under CI the browser test must run: {_missing}"
    from playwright.sync_api import sync_playwright

    from simulator.dashboard.browser import STEP_LATENCY_JS, DashboardServer, launch_chromium

    scenario = WORKSHOP if WORKSHOP.exists() else None
    failed: list[str] = []
    errors: list[str] = []
    with DashboardServer(scenario=scenario, log=tmp_path / "server.log") as server:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server.url)
            page.wait_for_selector(".clsim-step", timeout=60_000)
            page.wait_for_selector(".clsim-network canvas", timeout=30_000)
            page.wait_for_function(
                "() => Number(document.querySelector('.clsim-network canvas').dataset.drawn) > 0"
            )
            _wait_month(page, 0)
            assert _chart(page, "clsim-timeseries", "points") == 3  # month 0 of three lines

            # step: the month moves and every line grows by one point
            latency = page.evaluate(STEP_LATENCY_JS, ".clsim-step")
            assert latency > 0
            _wait_month(page, 1)
            page.wait_for_function(
                "() => document.querySelector('.clsim-timeseries canvas').dataset.points === '6'"
            )

            # play runs on by itself until paused
            page.click(".clsim-play")
            page.wait_for_function(
                "() => Number(document.querySelector('.clsim-month-count').textContent) >= 4",
                timeout=30_000,
            )
            page.click(".clsim-pause")
            time.sleep(0.8)
            paused_at = _month(page)
            time.sleep(1.0)
            assert _month(page) == paused_at, "still stepping after Pause"
            page.click(".clsim-reset")
            _wait_month(page, 0)
            page.click(".clsim-step")
            _wait_month(page, 1)

            # six years with the scenario's cohort size, then move the cohort-size slider:
            # a new run starts at month 0 and the one before stays on the charts, faint
            for year in range(1, 7):
                page.click(".clsim-step-year")
                _wait_month(page, 1 + 12 * year)
            before = page.inner_text(".clsim-control-cohort_size .v-slider__thumb-label")
            track = page.locator(".clsim-control-cohort_size .v-slider").bounding_box()
            page.mouse.click(track["x"] + track["width"] * 0.3, track["y"] + track["height"] / 2)
            _wait_month(page, 0)
            after = page.inner_text(".clsim-control-cohort_size .v-slider__thumb-label")
            assert after != before, "the slider did not move"
            page.wait_for_function(
                "() => document.querySelector('.clsim-timeseries canvas').dataset.earlier === '3'"
            )
            assert not page.locator(".clsim-message").count(), page.inner_text("body")[:500]

            # step on with the new setting: the charts change again
            drawn = _chart(page, "clsim-network", "drawn")
            gauge = page.eval_on_selector(".clsim-critical-mass canvas", "c => c.dataset.value")
            for year in range(1, 7):
                page.click(".clsim-step-year")
                _wait_month(page, 12 * year)
            page.wait_for_function(
                "() => document.querySelector('.clsim-timeseries canvas').dataset.points === '219'"
            )
            assert _chart(page, "clsim-network", "drawn") > drawn
            assert (
                page.eval_on_selector(".clsim-critical-mass canvas", "c => c.dataset.value")
                != gauge
            )
            latencies = [page.evaluate(STEP_LATENCY_JS, ".clsim-step") for _ in range(5)]
            # the whole page, charts included, for the README
            page.set_viewport_size({"width": 1440, "height": 1180})
            time.sleep(1.0)
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
            browser.close()
    print(
        f"server answered in {server.started_in:.1f} s; "
        f"step-to-redraw latency in Chromium: first {latency:.0f} ms, "
        f"then {sorted(latencies)[len(latencies) // 2]:.0f} ms (median of 5)"
    )
    assert not [u for u in failed if "/_solara/cdn/" in u], f"front-end files missing: {failed}"
    assert not failed, f"failed requests: {failed}"
    assert not errors, f"errors in the page: {errors}"
    assert SCREENSHOT.stat().st_size > 20_000
