"""The dashboard and the Data Docs of real runs, opened from file:// in headless chromium with the network off.

Two runs of the real DAG against the fixture publisher: a good one, then one with bad rows injected
(so the Data Docs have failures to show). Every request the pages make to http(s) is refused and
recorded: a page that still needs a CDN fails here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import duckdb
import pytest

from tests.conftest import run_parley
from tests.support.fixture_site import FixtureSite

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHARTS = ("timeline", "matrix", "shifts", "coverage", "quality")
playwright = pytest.importorskip("playwright.sync_api")


@dataclass
class Browser:
    """A chromium page that records console errors and every request that tried to leave the machine."""

    page: object
    errors: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("browser") / "data"
    site = FixtureSite().start()
    try:
        assert run_parley("run", "--feed", f"{site.base_url}/feeds/analysis.rss", home=home, site=site).returncode == 0
        faulty = run_parley(
            "run",
            "--feed",
            f"{site.base_url}/feeds/briefings.atom",
            home=home,
            site=site,
            env={"PARLEY_TEST_FAULTS": "empty_text,future_date"},
            module="tests.support.inject_faults",
        )
        assert faulty.returncode == 1, faulty.stderr[-2000:]
        assert f"dashboard: {home / 'dashboard' / 'index.html'}" in faulty.stdout.splitlines()  # and updated
    finally:
        site.stop()
    yield home


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    if CHROMIUM is None:
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        opened = Browser(page=context.new_page())
        context.route("http*://**", lambda route: (opened.remote.append(route.request.url), route.abort()))
        opened.page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
        opened.page.on("pageerror", lambda e: opened.errors.append(str(e)))  # type: ignore[attr-defined]
        yield opened
        chromium.close()


def test_the_dashboard_draws_every_chart_offline_and_a_click_lists_evidence(home: Path, browser: Browser) -> None:
    # A position from a fetched page (not a seed): its sentence must be one click away.
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        actor, topic, day, polarity, attribution, evidence = con.execute(
            """select actor_id, topic, cast(article_date as date)::varchar, polarity, attribution, evidence
               from positions_enriched where not is_seed order by confidence desc, position_id limit 1"""
        ).fetchone()
    page = browser.page
    page.goto((home / "dashboard" / "index.html").as_uri())  # type: ignore[attr-defined]
    for chart in CHARTS:
        page.wait_for_selector(f"#{chart} svg.main-svg", timeout=20_000)  # type: ignore[attr-defined]

    page.select_option("#t-actor", page.evaluate(f"String(PARLEY.actors.findIndex(a => a[0] === {actor!r}))"))  # type: ignore[attr-defined]
    page.select_option("#t-topic", page.evaluate(f"String(PARLEY.topics.indexOf({topic!r}))"))  # type: ignore[attr-defined]
    trace = 2 * (polarity == "contra") + (attribution == "analysis")
    bar = page.evaluate(  # type: ignore[attr-defined]
        """([trace, day]) => {
             const d = (Date.parse(day + 'T00:00:00Z') - Date.parse(PARLEY.day_zero + 'T00:00:00Z')) / 864e5;
             const starts = document.getElementById('timeline').data[trace].customdata;
             let found = -1;
             starts.forEach((start, i) => { if (start <= d) found = i; });
             return found;
           }""",
        [trace, day],
    )
    assert bar >= 0
    page.locator("#timeline g.trace.bars").nth(trace).locator("g.point").nth(bar).click(force=True)  # type: ignore[attr-defined]
    page.wait_for_selector("#evidence .evidence-list li", timeout=10_000)  # type: ignore[attr-defined]
    listed = page.inner_text("#evidence")  # type: ignore[attr-defined]
    assert " ".join(evidence.split())[:80] in " ".join(listed.split())
    assert "positions_enriched" in listed  # the query for every sentence, past what the page carries

    # Each run of the quality trend links to its own Data Docs page (the faulty run to its failing suite).
    runs = page.evaluate("PARLEY_RUNS.runs.map(r => [r[0], r[3], r[6]])")  # type: ignore[attr-defined]
    assert len(runs) == 2 and all(link for _, _, link in runs)
    for run_id, critical, link in runs:
        target = (home / "dashboard" / unquote(link)).resolve()
        assert target.exists() and run_id in unquote(str(target))
        assert ("fault_empty_text" in target.read_text(encoding="utf-8")) == (critical > 0)
    assert browser.errors == []
    assert browser.remote == []


def test_the_dashboard_filters_apply_to_its_charts(home: Path, browser: Browser) -> None:
    page = browser.page
    page.goto((home / "dashboard" / "index.html").as_uri())  # type: ignore[attr-defined]
    page.wait_for_selector("#matrix svg.main-svg", timeout=20_000)  # type: ignore[attr-defined]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        last = con.execute("select max(cast(article_date as date))::varchar from positions_enriched where not is_seed")
        day = last.fetchone()[0]
    page.evaluate(  # type: ignore[attr-defined]
        "day => { const to = document.getElementById('f-to'); to.value = day; to.dispatchEvent(new Event('change')); }",
        day,
    )
    page.select_option("#m-weeks", "52")  # type: ignore[attr-defined]
    # Positions the matrix counts (each square's hover text says "N pro, M contra, K article(s)").
    total = """() => {
        const data = document.getElementById('matrix').data;
        if (!data || !data.length) return 0;
        return data[0].text.reduce((sum, t) => {
            const m = t.match(/(\\d+) pro, (\\d+) contra/);
            return sum + (+m[1]) + (+m[2]);
        }, 0);
    }"""
    everything = page.evaluate(total)  # type: ignore[attr-defined]
    outlets = page.evaluate("PARLEY.sources.map(s => s[0])")  # type: ignore[attr-defined]
    by_outlet = {}
    for i, outlet in enumerate(outlets):
        page.select_option("#f-source", str(i))  # type: ignore[attr-defined]
        by_outlet[outlet] = page.evaluate(total)  # type: ignore[attr-defined]
    assert everything > 0 and by_outlet["seed"] > 0
    assert sum(by_outlet.values()) == everything and max(by_outlet.values()) < everything
    page.select_option("#f-source", "-1")  # type: ignore[attr-defined]
    page.select_option("#f-conf", "9")  # type: ignore[attr-defined]
    assert page.evaluate(total) < everything  # type: ignore[attr-defined]
    assert browser.errors == []
    assert browser.remote == []


def test_data_docs_render_offline_with_icons_filters_and_the_failing_rows_urls(home: Path, browser: Browser) -> None:
    site = home / "quality" / "gx" / "uncommitted" / "data_docs" / "local_site"
    pages = [p for p in (site / "validations" / "articles").glob("*/*/*.html")]
    failed = [p for p in pages if "fault_empty_text" in p.read_text(encoding="utf-8")]
    assert len(failed) == 1, [unquote(p.parts[-3]) for p in pages]
    page = browser.page
    page.goto(failed[0].as_uri())  # type: ignore[attr-defined]
    page.wait_for_load_state("load")  # type: ignore[attr-defined]

    # Bootstrap styles the page and Font Awesome draws the Status icons.
    assert page.evaluate("getComputedStyle(document.querySelector('.card')).borderTopLeftRadius") != "0px"  # type: ignore[attr-defined]
    icons = page.evaluate(  # type: ignore[attr-defined]
        """Array.from(document.querySelectorAll('td i.fas')).map(i =>
             getComputedStyle(i, '::before').fontFamily + '|' + getComputedStyle(i, '::before').content)"""
    )
    assert icons and all("Font Awesome" in i and i.split("|")[1] not in ("none", "normal", '""') for i in icons)
    # The failing row is named by its key and its URL, not by a DataFrame index.
    text = page.inner_text("body")  # type: ignore[attr-defined]
    assert "fault_empty_text" in text and "-empty" in text and "df.filter(items" not in text

    passed = page.locator(".hide-succeeded-validation-target-child").first  # type: ignore[attr-defined]
    assert passed.is_visible()
    page.click("text=Failed Only")  # type: ignore[attr-defined]
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]
    assert not passed.is_visible()
    assert page.locator("text=fault_empty_text").first.is_visible()  # type: ignore[attr-defined]
    page.click("text=Show All")  # type: ignore[attr-defined]
    page.wait_for_timeout(1000)  # type: ignore[attr-defined]
    assert passed.is_visible()

    # The index lists every validation and its Status filter narrows the list to the failed ones.
    page.goto((site / "index.html").as_uri())  # type: ignore[attr-defined]
    rows = page.locator("table.parley-table tbody tr")  # type: ignore[attr-defined]
    page.wait_for_selector("table.parley-table tbody tr")  # type: ignore[attr-defined]
    everything = rows.count()
    status = page.locator("select.parley-table-filter").first  # type: ignore[attr-defined]
    failed_label = next(o for o in status.locator("option").all_inner_texts() if "Fail" in o)
    status.select_option(label=failed_label)
    assert 0 < rows.count() < everything
    assert browser.errors == []
    assert browser.remote == []
