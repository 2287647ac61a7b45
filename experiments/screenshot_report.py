"""Screenshot a study's HTML report in headless Chromium (for the README and CI).

    python experiments/screenshot_report.py RESULTS_DIR docs/img/tipping_report.png

Renders ``RESULTS_DIR/report.html`` (writing it first if missing) and saves the top of
the page as a PNG. Needs Debian's ``chromium`` and the Playwright Python package
(``executable_path=/usr/bin/chromium``; Playwright's own browser download is not used).
The README's image was made from ``clsim tipping scenarios/comprehensive.yaml --out
results/readme-tipping`` (the default design). Over a narrower range, such as ``--values
0:32:9``, the same runs get the verdict "no threshold": the estimator also asks the
S-curve of the outcome itself to rise within half the swept range, and learning keeps
rising past the critical mass (docs/analysis.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def screenshot(report: Path, png: Path, width: int = 1100, height: int = 1500) -> Path:
    """Open ``report`` (an HTML file) in headless Chromium and save the viewport as ``png``."""
    from playwright.sync_api import sync_playwright

    png.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(report.resolve().as_uri())
            page.wait_for_load_state("load")
            page.screenshot(path=str(png), full_page=False)
        finally:
            browser.close()
    return png


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results_dir", type=Path)
    parser.add_argument("png", type=Path)
    args = parser.parse_args()
    report = args.results_dir / "report.html"
    if not report.is_file():
        from simulator.report.html import build_report

        build_report(args.results_dir)
    print(screenshot(report, args.png))


if __name__ == "__main__":
    main()
