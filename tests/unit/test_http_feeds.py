import gzip
import time
from http.server import BaseHTTPRequestHandler

import pytest

from ingest.feeds import FeedState, parse_feed, poll_source
from ingest.http import FetchError, FetchLimits, HttpFetcher
from ingest.netguard import AddressPolicy
from ingest.sources import Source
from tests.support.fixture_site import FixtureSite, atom, rss

NOW = __import__("datetime").datetime(2025, 6, 10, tzinfo=__import__("datetime").UTC)


def _fetcher(site: FixtureSite | None = None, **limits: float) -> HttpFetcher:
    policy = AddressPolicy.from_spec(site.allow_spec if site else "")
    return HttpFetcher("ParleyTest/1", FetchLimits(**{"host_delay_s": 0.0, **limits}), policy)  # type: ignore[arg-type]


def test_rss_and_atom_parse_into_entries(site: FixtureSite) -> None:
    rss_feed = parse_feed(rss(site.base_url, site.articles[:3]).encode(), source_id="s", feed_url="x")
    atom_feed = parse_feed(atom(site.base_url, site.articles[3:]).encode(), source_id="s", feed_url="x")
    assert [e.title for e in rss_feed.entries] == [a.title for a in site.articles[:3]]
    assert len(atom_feed.entries) == len(site.articles) - 3
    first = rss_feed.entries[0]
    assert first.guid == "test-review-seed-000" and first.published_at is not None
    assert first.authors == (site.articles[0].author,)


def test_unreadable_feed_is_an_error() -> None:
    with pytest.raises(FetchError, match="not a readable feed"):
        parse_feed(b"<html><body>not a feed", source_id="s", feed_url="x")


def test_poll_skips_known_entries_and_unchanged_bodies(site: FixtureSite) -> None:
    source = Source("s", "S", f"{site.base_url}/feeds/analysis.rss")
    with _fetcher(site) as fetcher:
        poll, entries = poll_source(
            source, fetcher, FeedState(), run_id="r", known=frozenset(), max_bytes=10**6, max_entries=100, now=NOW
        )
        assert poll.status == "ok" and poll.entries_new == len(entries) > 0
        known = frozenset({"test-review-seed-000"})
        _, fewer = poll_source(
            source, fetcher, FeedState(), run_id="r", known=known, max_bytes=10**6, max_entries=100, now=NOW
        )
        assert len(fewer) == len(entries) - 1
        again, none = poll_source(
            source,
            fetcher,
            FeedState(feed_hash=poll.feed_hash),
            run_id="r2",
            known=frozenset(),
            max_bytes=10**6,
            max_entries=100,
            now=NOW,
        )
    assert again.status == "unchanged" and none == []


def test_fetch_follows_redirects_and_limits_them(site: FixtureSite) -> None:
    site.page("/old", "", status=301, headers={"Location": "/articles/seed-000"})
    site.page("/loop", "", status=302, headers={"Location": "/loop"})
    with _fetcher(site, max_redirects=3) as fetcher:
        result = fetcher.fetch(f"{site.base_url}/old")
        assert result.final_url.endswith("/articles/seed-000") and result.content_type == "text/html"
        with pytest.raises(FetchError) as err:
            fetcher.fetch(f"{site.base_url}/loop")
    assert err.value.kind == "too_many_redirects"


def test_fetch_caps_size_after_decompression(site: FixtureSite) -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 20_000_000)
    site.page("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with _fetcher(site, max_bytes=1_000_000) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(f"{site.base_url}/bomb")
    assert err.value.kind == "too_large"


def test_slow_drip_is_cut_by_the_total_limit(site: FixtureSite) -> None:
    def drip(req: BaseHTTPRequestHandler) -> None:
        req.send_response(200)
        req.send_header("Content-Type", "text/html")
        req.end_headers()
        for _ in range(40):
            req.wfile.write(b"<p>x</p>" * 2000)
            req.wfile.flush()
            time.sleep(0.1)

    site.routes["/drip"] = drip
    started = time.monotonic()
    with _fetcher(site, total_timeout=1.0, read_timeout=5.0) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(f"{site.base_url}/drip")
    assert err.value.kind == "timeout" and time.monotonic() - started < 3


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x"])
def test_only_http_is_fetched(url: str) -> None:
    with _fetcher() as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(url)
    assert err.value.kind == "forbidden_scheme"


def test_http_errors_carry_the_status(site: FixtureSite) -> None:
    with _fetcher(site, retries=1, backoff_s=0.05) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(f"{site.base_url}/feeds/broken.rss")
    assert err.value.status == 500 and "HTTP 500" in str(err.value)


def test_paused_or_backing_off_sources_are_not_fetched(site: FixtureSite) -> None:
    source = Source("s", "S", f"{site.base_url}/feeds/analysis.rss")
    later = NOW.replace(hour=5)
    with _fetcher(site) as fetcher:
        for state in (FeedState(paused_reason="8 consecutive failures"), FeedState(next_poll_at=later)):
            poll, entries = poll_source(
                source, fetcher, state, run_id="r", known=frozenset(), max_bytes=10**6, max_entries=10, now=NOW
            )
            assert poll.status == "skipped" and entries == [] and poll.error
    assert site.hits["/feeds/analysis.rss"] == 0


def test_conditional_get_sends_validators_and_accepts_304(site: FixtureSite) -> None:
    seen: list[str | None] = []

    def feed(req: BaseHTTPRequestHandler) -> None:
        seen.append(req.headers.get("If-None-Match"))
        if req.headers.get("If-None-Match") == '"v1"':
            req.send_response(304)
            req.end_headers()
            return
        body = rss(site.base_url, site.articles[:2]).encode()
        req.send_response(200)
        req.send_header("ETag", '"v1"')
        req.send_header("Content-Type", "application/rss+xml")
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    site.routes["/etag.rss"] = feed
    source = Source("s", "S", f"{site.base_url}/etag.rss")
    with _fetcher(site) as fetcher:
        first, _ = poll_source(
            source, fetcher, FeedState(), run_id="r", known=frozenset(), max_bytes=10**6, max_entries=10, now=NOW
        )
        state = FeedState(etag=first.etag, feed_hash=first.feed_hash)
        second, entries = poll_source(
            source, fetcher, state, run_id="r2", known=frozenset(), max_bytes=10**6, max_entries=10, now=NOW
        )
    assert first.etag == '"v1"' and second.status == "not_modified" and entries == []
    assert seen == [None, '"v1"'] and second.etag == '"v1"' and second.feed_hash == first.feed_hash
