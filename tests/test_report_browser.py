"""The tipping report renders in headless Chromium: a screenshot with the headline and figures."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium chromium-driver)")
    pytest.importorskip("playwright")
    return path


def test_tipping_report_screenshot(tmp_path, chromium):
    from matplotlib.image import imread
    from playwright.sync_api import sync_playwright

    from experiments.screenshot_report import ARGS, screenshot
    from simulator.report.html import build_report
    from simulator.studies import tipping_study

    out = tmp_path / "tip"
    tipping_study(
        out,
        values=list(range(0, 90, 10)),
        seeds=6,
        n_boot=200,
        hysteresis_seeds=3,
        stop_year=4.0,
        progress=False,
        function="simulator.sweep.toy:toy_tipping",
    )
    report = build_report(out)
    png = screenshot(report, tmp_path / "shot.png")
    image = imread(png)
    assert image.shape[0] >= 1000 and image.shape[1] >= 1000
    # not a blank page: many distinct colours (text, figure) and some dark pixels
    pixels = (image[..., :3] * 255).astype(int).reshape(-1, 3)
    assert len(np.unique(pixels[::37], axis=0)) > 50
    assert (image[..., :3].mean(axis=2) < 0.3).mean() > 0.005
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page()
        page.goto(report.resolve().as_uri())
        headline = page.locator("p.verdict").inner_text()
        images = page.locator("img").count()
        loaded = page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
        browser.close()
    assert "Critical mass" in headline and "fellows a year" in headline
    assert images >= 2 and loaded
