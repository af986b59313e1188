"""Make the README's screenshots from a real run against the fixture publisher.

    uv run python -m tests.support.screenshots [--out tests/support/screenshots]

Runs `parley run` on a fixture feed (plus the seeds) into a temporary data folder, then one run on
the other feed with a bad article injected (so the Data Docs have a failure to show), and photographs the dashboard
(the timeline with a week's sentences open, the matrix) and the failing validation page in headless
chromium, with every request off the machine refused.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from tests.conftest import ROOT, run_parley
from tests.support.fixture_site import FixtureSite

OUT = ROOT / "tests" / "support" / "screenshots"


def make_runs(home: Path) -> None:
    """One good run on one feed, then one on the other with an article whose text is empty."""
    site = FixtureSite().start()
    try:
        feeds = [f"{site.base_url}/feeds/analysis.rss", f"{site.base_url}/feeds/briefings.atom"]
        run = run_parley("run", "--feed", feeds[0], home=home, site=site)
        if run.returncode != 0:
            raise SystemExit(f"the run failed: {run.stderr[-2000:]}")
        faults = {"PARLEY_TEST_FAULTS": "empty_text"}
        run_parley("run", "--feed", feeds[1], home=home, site=site, env=faults, module="tests.support.inject_faults")
    finally:
        site.stop()


def photograph(home: Path, out: Path) -> list[Path]:
    """Take the three pictures; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox", "--disable-gpu"])
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        context.route("http*://**", lambda route: route.abort())
        page = context.new_page()
        page.goto((home / "dashboard" / "index.html").as_uri())
        page.wait_for_selector("#timeline svg.main-svg")
        _open_busiest_week(page)
        shots.append(_clip(page, "#s-timeline", out / "dashboard-timeline.png"))
        shots.append(_clip(page, "#s-matrix", out / "dashboard-matrix.png"))
        site = home / "quality" / "gx" / "uncommitted" / "data_docs" / "local_site"
        failing = [p for p in (site / "validations" / "articles").glob("*/*/*.html") if "fault_" in p.read_text()]
        if failing:
            page.goto(failing[0].as_uri())
            page.click("text=Failed Only")
            page.wait_for_timeout(800)
            page.locator("text=fault_empty_text").first.scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -250)")
            page.screenshot(path=out / "data-docs-failure.png")
            shots.append(out / "data-docs-failure.png")
        chromium.close()
    return shots


def _open_busiest_week(page: Page) -> None:
    bar = page.evaluate(
        """() => {
             const data = document.getElementById('timeline').data;
             let best = [0, 0, -1];
             data.forEach((trace, t) => trace.y.forEach((y, i) => {
               if (Math.abs(y) > best[2]) best = [t, i, Math.abs(y)];
             }));
             return best;
           }"""
    )
    page.locator("#timeline g.trace.bars").nth(bar[0]).locator("g.point").nth(bar[1]).click(force=True)
    page.wait_for_selector("#evidence li")


def _clip(page: Page, selector: str, path: Path) -> Path:
    page.locator(selector).screenshot(path=path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="parley-shots-")) / "data"
    make_runs(home)
    for shot in photograph(home, args.out):
        print(shot)


if __name__ == "__main__":
    main()
