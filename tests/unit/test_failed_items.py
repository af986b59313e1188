"""Failed pages are remembered: held back while unchanged and not due, tried again when due or changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.records import FeedEntry, IngestError
from ingest.retry import RetryPolicy, entry_signature
from warehouse.db import connect
from warehouse.failures import Failure, held_signatures, hold_back, record, remembered_articles
from warehouse.migrate import migrate

T0 = datetime(2026, 11, 1, 8, tzinfo=UTC)
POLICY = RetryPolicy(base=timedelta(minutes=30), cap=timedelta(hours=24))
BAD = FeedEntry("review", "https://review.example/a/bad?utm_source=rss", "g-bad", "Bad", T0)
GOOD = FeedEntry("review", "https://review.example/a/good", "g-good", "Good", T0)


@pytest.fixture
def working(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        migrate(con)
    return path


def _fail(path: Path, entries: list[FeedEntry], failures: list[Failure], now: datetime) -> int:
    with connect(path) as con:
        return record(con, failures, entries, run_id=f"run@{now:%H%M}", now=now, policy=POLICY)


def test_the_backoff_doubles_and_stops_at_its_cap() -> None:
    delays = [POLICY.next_attempt(n, T0) - T0 for n in (1, 2, 3, 4, 6, 100)]
    assert delays == [timedelta(minutes=m) for m in (30, 60, 120, 240, 960, 1440)]


def test_the_signature_changes_with_what_the_feed_says() -> None:
    assert entry_signature(BAD) == entry_signature(replace(BAD, authors=("someone",)))
    assert entry_signature(BAD) != entry_signature(replace(BAD, published_at=T0 + timedelta(days=1)))
    assert entry_signature(BAD) != entry_signature(replace(BAD, title="Bad (corrected)"))


def test_a_failed_page_is_held_until_due_or_changed(working: Path) -> None:
    failure = Failure(BAD, "quality", "critical_expectation", "published_at in 2090", "raw1", "art-bad")
    assert _fail(working, [BAD, GOOD], [failure], T0) == 1

    held = held_signatures(working, T0 + timedelta(minutes=29), POLICY)
    assert hold_back([BAD, GOOD], held) == ([GOOD], [BAD])  # the tracking parameter does not hide it
    corrected = replace(BAD, published_at=datetime(2025, 11, 1, tzinfo=UTC))
    assert hold_back([corrected], held) == ([corrected], [])
    assert held_signatures(working, T0 + timedelta(minutes=31), POLICY) == {}
    assert remembered_articles(working) == {"art-bad"}

    # Failing again is not new, and the wait doubles.
    assert _fail(working, [BAD], [failure], T0 + timedelta(minutes=31)) == 0
    assert held_signatures(working, T0 + timedelta(minutes=31 + 59), POLICY)
    assert not held_signatures(working, T0 + timedelta(minutes=31 + 61), POLICY)
    with connect(working, read_only=True) as con:
        assert con.execute("select attempts, status, first_run_id from failed_items").fetchall() == [
            (2, "quarantined", "run@0800")
        ]


def test_a_page_that_loads_is_forgotten_and_a_dropped_one_waits_for_a_change(working: Path) -> None:
    fetch_failure = Failure(GOOD, "fetch", "timeout", "read timed out")
    _fail(working, [GOOD, BAD], [fetch_failure, Failure(BAD, "extract", "no_article", "no text")], T0)
    _fail(working, [GOOD], [], T0 + timedelta(hours=1))
    with connect(working) as con:
        assert con.execute("select url, status from failed_items").fetchall() == [
            ("https://review.example/a/bad", "failing")
        ]
        con.execute("update failed_items set status = 'dropped', next_attempt_at = null")
    assert hold_back([BAD], held_signatures(working, T0 + timedelta(days=400), POLICY)) == ([], [BAD])


def test_run_failures_keep_the_feed_entry_of_each_page() -> None:
    from warehouse.failures import run_failures

    error = IngestError("r", "fetch", "timeout", "timed out", T0, "review", BAD.url)
    poll_error = IngestError("r", "poll", "timeout", "feed timed out", T0, "review", None)
    assert run_failures([], [BAD, GOOD], [error, poll_error], [], {}) == [Failure(BAD, "fetch", "timeout", "timed out")]


def test_a_quiet_run_revalidates_only_when_feed_health_changes() -> None:
    from expectations.batch import RunBatch, health_signature, is_quiet

    feeds = [{"source_id": "review", "consecutive_failures": 0, "hours_since_new_article": 5.0, "paused": False}]
    quiet = RunBatch(articles=[], sources=feeds, freshness=(3, 2.0, 4.0))
    assert is_quiet(quiet) and not is_quiet(RunBatch(articles=[], sources=feeds, recent_volumes=[3, 4]))
    later = RunBatch(articles=[], sources=[feeds[0] | {"hours_since_new_article": 9.0}], freshness=(5, 2.0, 6.0))
    assert health_signature(later) == health_signature(quiet)  # same warnings: nothing to run again
    stale = RunBatch(articles=[], sources=[feeds[0] | {"hours_since_new_article": 100.0}])
    failing = RunBatch(articles=[], sources=[feeds[0] | {"consecutive_failures": 3}])
    late = RunBatch(articles=[], sources=feeds, freshness=(5, 20.0, 60.0))
    signatures = {health_signature(b) for b in (quiet, stale, failing, late)}
    assert len(signatures) == 4


def test_the_very_body_that_failed_is_not_extracted_again(working: Path) -> None:
    from ingest.records import FetchedPage, RawPage
    from warehouse.failures import failed_bodies, split_repeats

    def page(entry: FeedEntry, raw_id: str) -> FetchedPage:
        return FetchedPage(entry, RawPage(raw_id, entry.url, entry.url, 200, "text/html", 10, "raw/x", T0), None)

    quarantined = Failure(BAD, "quality", "critical_expectation", "published_at in 2090", "body-1", "art-bad")
    _fail(working, [BAD], [quarantined, Failure(GOOD, "fetch", "timeout", "timed out")], T0)
    bodies = failed_bodies(working)
    assert set(bodies) == {"https://review.example/a/bad"}  # a fetch failure has no body to compare

    seen_again = replace(BAD, title="Bad (same page)")
    fresh, repeats = split_repeats([page(seen_again, "body-1"), page(GOOD, "body-9")], bodies)
    assert [p.entry for p in fresh] == [GOOD]
    assert repeats == [replace(quarantined, entry=seen_again)]
    fresh, repeats = split_repeats([page(BAD, "body-2")], bodies)  # the page changed: extracted again
    assert len(fresh) == 1 and repeats == []


def test_a_held_article_is_remembered_by_its_body_whatever_its_url() -> None:
    from ingest.records import Article, FetchedPage, RawPage
    from warehouse.failures import run_failures

    def article(article_id: str, url: str, raw_id: str) -> Article:
        return Article(article_id, "review", url, None, (), T0, T0, "en", None, "t", 1, "h", "x", "1", raw_id, False)

    pages = [
        FetchedPage(BAD, RawPage("body-bad", BAD.url, BAD.url, 200, "text/html", 1, "raw/b", T0), None),
        FetchedPage(GOOD, RawPage("body-good", GOOD.url, GOOD.url, 200, "text/html", 1, "raw/g", T0), None),
    ]
    redirected = article("held", "https://review.example/2026/11/bad-story", "body-bad")  # another URL
    derived = article("derived", "https://review.example/a/good-copy", "body-good")  # its page's article loaded
    loaded = [article("good", GOOD.url, "body-good")]
    failures = run_failures(pages, [BAD, GOOD], [], [redirected, derived], {"held": "late"}, loaded=loaded)
    assert failures == [Failure(BAD, "quality", "critical_expectation", "late", "body-bad", "held")]
