"""The real DAG, run by ``parley run`` against the local fixture publisher, into a real DuckDB file."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import query_warehouse as _query
from tests.conftest import run_parley, write_sources
from tests.support.fixture_site import BOILERPLATE_MARKERS, FixtureSite, rss

pytestmark = pytest.mark.integration


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_run_loads_feeds_next_to_seeds_and_is_idempotent(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    closed = _closed_port()
    sources = write_sources(
        tmp_path / "sources.toml",
        {
            "Test Review Analysis": f"{site.base_url}/feeds/analysis.rss",
            "Test Review Briefings": f"{site.base_url}/feeds/briefings.atom",
            "Broken Outlet": f"{site.base_url}/feeds/broken.rss",
            "Unreachable Outlet": f"http://127.0.0.1:{closed}/feed.xml",
        },
    )

    allow = {"PARLEY_ALLOW_PRIVATE_HOSTS": f"{site.allow_spec},127.0.0.1:{closed}"}
    first = run_parley("run", "--sources", str(sources), home=home, env=allow)

    assert first.returncode == 0, first.stderr[-3000:]
    assert "sources polled: 4 (2 ok, 2 failed)" in first.stdout
    assert "quality: passed" in first.stdout
    articles = _query(
        home,
        "select url, title, text, authors, published_at, language, word_count, is_seed, raw_id, source_id "
        "from articles order by url",
    )
    seeds = {a[0]: a for a in articles if a[7]}
    web = {a[0]: a for a in articles if not a[7]}
    assert len(seeds) == 5
    # The site's copies of the seeds are linked to the seeds, not stored twice; its own texts are articles.
    links = dict(
        _query(home, "select d.url, a.url from article_duplicates d join articles a on a.article_id = d.duplicate_of")
    )
    own = [f for f in site.articles if not f.slug.startswith("seed-")]
    assert sorted(web) == sorted(f"{site.base_url}/articles/{f.slug}" for f in own)
    assert links == {f"{site.base_url}/articles/seed-{url[5:8]}": url for url in seeds}
    for fixture in own:
        url, title, text, authors, published, language, words, _, raw_id, _ = web[
            f"{site.base_url}/articles/{fixture.slug}"
        ]
        assert title == fixture.title
        assert authors == fixture.author
        assert published.date() == fixture.published.date()
        assert language == "en" and words == len(text.split()) and raw_id
        assert all(p in text for p in fixture.paragraphs), f"body lost in {url}"
        assert not [m for m in BOILERPLATE_MARKERS if m in text], f"boilerplate left in {url}"

    polls = dict(_query(home, "select source_id, status from feed_polls"))
    assert polls == {
        "test_review_analysis": "ok",
        "test_review_briefings": "ok",
        "broken_outlet": "failed",
        "unreachable_outlet": "failed",
    }
    errors = dict(_query(home, "select source_id, error from feed_polls where status = 'failed'"))
    assert "HTTP 500" in errors["broken_outlet"] and "ConnectError" in errors["unreachable_outlet"]
    bad_slices = _query(
        home,
        "select count(*) from entity_mentions m join articles a using (article_id) "
        "where substring(a.text, m.start_char + 1, m.end_char - m.start_char) <> m.surface",
    )
    assert bad_slices == [(0,)]
    labels = dict(_query(home, "select label, count(*) from entity_mentions group by label"))
    assert labels["GPE"] > 50 and labels["PERSON"] > 20
    assert _query(home, "select count(*) from raw_pages") == [(len(site.articles),)]
    suites = {r[0] for r in _query(home, "select distinct suite from dq_results")}
    assert suites == {"articles", "entity_mentions", "positions", "sources", "batch_volume"}
    assert _query(home, "select count(*) from dq_results where severity = 'critical' and not success") == [(0,)]
    assert (home / "quality" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()
    positions = _query(
        home,
        "select p.stance, p.topic, p.polarity, position(p.evidence in a.text) > 0, "
        "substring(a.text, p.start_char + 1, p.end_char - p.start_char) = p.evidence "
        "from positions p join articles a using (article_id)",
    )
    assert len(positions) > 20 and all(row[3] and row[4] for row in positions)
    assert {row[2] for row in positions} == {"pro", "contra"}
    assert _query(home, "select count(*) from positions_enriched where actor_name is null or source_name is null") == [
        (0,)
    ]
    assert _query(home, "select count(*) > 0 from weekly_actor_positions") == [(True,)]
    stages = {r[0] for r in _query(home, "select stage from pipeline_runs")}
    assert stages == {"poll", "fetch", "extract", "tag", "validate", "load", "quality_gate"}

    counts_before = _counts(home)
    page_hits = sum(n for path, n in site.hits.items() if path.startswith("/articles/"))
    second = run_parley("run", "--sources", str(sources), home=home, env=allow)

    assert second.returncode == 0, second.stderr[-3000:]
    # A quiet run is no warning; a feed backing off says when it is polled next and how to poll it now.
    assert "quality: passed\n" in second.stdout, second.stdout
    skipped = [line for line in second.stdout.splitlines() if line.strip().startswith("skipped broken_outlet")]
    assert skipped and "next poll at" in skipped[0] and "`parley sources resume broken_outlet`" in skipped[0]
    assert _counts(home) | {"feed_polls": 0, "pipeline_runs": 0} == counts_before | {
        "feed_polls": 0,
        "pipeline_runs": 0,
    }
    assert _query(home, "select count(*) from feed_polls") == [(8,)]
    assert sum(n for path, n in site.hits.items() if path.startswith("/articles/")) == page_hits

    status = run_parley("status", home=home)
    assert status.returncode == 0, status.stderr
    assert "In progress: nothing" in status.stdout
    runs = [line for line in status.stdout.splitlines() if line.startswith("manual__") and " poll " in line]
    assert len(runs) == 2 and all(" success " in line for line in runs)
    assert "poll 4→0" in runs[0] and "poll 4→7" in runs[1] and "load 7→7" in runs[1]  # newest first, with counts
    assert "broken_outlet" in status.stdout and "HTTP 500" in status.stdout
    assert "latest validation: manual__" in status.stdout and "passed" in status.stdout

    # Another quiet run finds every feed's health as the last validation saw it: its warnings still
    # stand, so Great Expectations is not started again, and the report says so.
    third = run_parley("run", "--sources", str(sources), home=home, env=allow)
    assert third.returncode == 0, third.stderr[-3000:]
    assert "quality: nothing new to validate" in third.stdout, third.stdout
    validated = _query(home, "select count(distinct run_id) from dq_results")
    assert validated == [(2,)]
    # Every web article's first sighting in a feed and first publish are recorded, once.
    lags = _query(home, "select epoch(queryable_at) - epoch(first_seen_at) from article_freshness")
    web = _query(home, "select count(*) from articles where not is_seed")[0][0]
    assert web > 0 and len(lags) == web and all(0 < lag < 600 for (lag,) in lags)
    assert f"over {web} articles (p95 target 35 min)" in status.stdout


def _counts(home: Path) -> dict[str, int]:
    tables = ["articles", "article_duplicates", "entity_mentions", "positions", "raw_pages", "sources", "feed_polls"]
    tables.append("pipeline_runs")
    return {t: _query(home, f"select count(*) from {t}")[0][0] for t in tables}


def test_run_feed_flag_and_critical_failure_quarantines_only_bad_rows(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    bad = replace(site.article("sanctions-debate"), slug="from-the-future", published=datetime(2090, 1, 1, tzinfo=UTC))
    empty = replace(site.article("sanctions-debate"), slug="empty-page")
    site.articles += [bad, empty]
    site.page("/articles/empty-page", b"")
    site.page(
        "/feeds/mixed.rss",
        rss(site.base_url, [site.article("black-sea-corridor"), bad, empty]),
        content_type="application/rss+xml",
    )

    result = run_parley("run", "--feed", f"{site.base_url}/feeds/mixed.rss", home=home, site=site)

    assert result.returncode == 1
    assert "expect_column_values_to_be_between:published_at" in result.stdout
    assert "quality_gate" in result.stderr
    urls = {r[0] for r in _query(home, "select url from articles where not is_seed")}
    assert urls == {f"{site.base_url}/articles/black-sea-corridor"}
    quarantined = _query(home, "select row_key, reasons from dq_quarantine")
    assert len(quarantined) == 1 and "published_at" in quarantined[0][1]
    assert _query(home, "select count(*) from articles where is_seed") == [(5,)]
    dq = run_parley("dq", home=home)
    assert dq.returncode == 1 and "FAILED" in dq.stdout and "published_at" in dq.stdout

    # Both bad items stay in the feed while a new one arrives: they are not fetched again, the run is green.
    site.page(
        "/feeds/mixed.rss",
        rss(site.base_url, [site.article("black-sea-corridor"), bad, empty, site.article("seed-001")]),
        content_type="application/rss+xml",
    )
    second = run_parley("run", "--feed", f"{site.base_url}/feeds/mixed.rss", home=home, site=site)
    assert second.returncode == 0, second.stderr[-2000:]
    assert site.hits["/articles/from-the-future"] == 1 and site.hits["/articles/empty-page"] == 1
    assert site.hits["/articles/seed-001"] == 1
    held = run_parley("quarantine", "list", home=home)
    assert held.returncode == 0
    assert "quarantined  quality" in held.stdout and "from-the-future" in held.stdout
    assert "failing      fetch" in held.stdout and "empty-page" in held.stdout
    dq = run_parley("dq", home=home)
    assert dq.returncode == 0 and "open quarantine and failing pages: 1 failing, 1 quarantined" in dq.stdout

    # When its retry comes the page is fetched again; the same body would not be validated again, but this
    # one changed (still dated 2090) and is: failing as before is not a new failure.
    site.articles[site.articles.index(bad)] = replace(bad, paragraphs=(*bad.paragraphs, "An update."))
    site.page(
        "/feeds/mixed.rss",
        rss(site.base_url, [bad, empty, site.article("seed-001")]),
        content_type="application/rss+xml",
    )
    due_now = {"PARLEY_RETRY_BASE_MINUTES": "0"}
    third = run_parley("run", "--feed", f"{site.base_url}/feeds/mixed.rss", home=home, site=site, env=due_now)
    assert third.returncode == 0, third.stderr[-2000:]
    assert "quality: passed: critical failures only on pages already in quarantine" in third.stdout
    assert site.hits["/articles/from-the-future"] == 2 and site.hits["/articles/empty-page"] == 2
    remembered = _query(home, "select attempts, status from failed_items order by url")
    assert remembered == [(2, "failing"), (2, "quarantined")]

    # The operator decides: load the quarantined page anyway, stop trying the empty one; both are recorded.
    future_url = f"{site.base_url}/articles/from-the-future"
    why = "the publisher's date is a typo"
    released = run_parley("quarantine", "release", future_url, "--by", "ana", "--reason", why, home=home)
    assert released.returncode == 0, released.stderr
    assert _query(home, f"select count(*) from articles where url = '{future_url}'") == [(1,)]
    dropped = run_parley("quarantine", "drop", f"{site.base_url}/articles/empty-page", "--reason", "gone", home=home)
    assert dropped.returncode == 0, dropped.stderr
    assert _query(home, "select action, decided_by, reason from quarantine_decisions order by decided_at")[0] == (
        "release",
        "ana",
        why,
    )
    assert _query(home, "select status from failed_items order by url") == [("dropped",), ("released",)]
    again = run_parley("quarantine", "release", f"{site.base_url}/articles/empty-page", "--reason", "x", home=home)
    assert again.returncode == 2 and "no article to load" in again.stderr
