"""What a hostile or broken server can send, served from 127.0.0.1; every case ends in a readable error."""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler

import pytest

from ingest.http import FetchError, FetchLimits, HttpFetcher
from ingest.netguard import AddressPolicy
from tests.support.fixture_site import FixtureSite


@pytest.fixture
def canary() -> Iterator[FixtureSite]:
    """A server nobody may reach: its hit counter must stay at zero."""
    running = FixtureSite().start()
    yield running
    running.stop()


def _fetcher(site: FixtureSite, **limits: float) -> HttpFetcher:
    policy = AddressPolicy.from_spec(site.allow_spec)
    return HttpFetcher("ParleyTest/1", FetchLimits(**{"host_delay_s": 0.0, **limits}), policy)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "spelling",
    [
        "127.0.0.1",
        "localhost",
        "LocalHost",
        "2130706433",  # decimal
        "0x7f000001",  # hex
        "0177.0.0.1",  # octal
        "127.1",
        "[::ffff:127.0.0.1]",  # IPv6-mapped
        "[::1]",
        "0.0.0.0",
    ],
)
def test_no_spelling_of_loopback_reaches_the_canary(site: FixtureSite, canary: FixtureSite, spelling: str) -> None:
    with _fetcher(site) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(f"http://{spelling}:{canary.port}/articles/seed-000")
    assert err.value.kind in {"forbidden_address", "invalid_url", "network"}
    assert sum(canary.hits.values()) == 0


def test_allowed_host_other_port_and_other_spelling_stay_forbidden(site: FixtureSite, canary: FixtureSite) -> None:
    with _fetcher(site) as fetcher:
        assert fetcher.fetch(f"{site.base_url}/articles/seed-000").status == 200
        for url in (f"http://localhost:{site.port}/articles/seed-000", f"http://127.0.0.1:{canary.port}/"):
            with pytest.raises(FetchError) as err:
                fetcher.fetch(url)
            assert err.value.kind == "forbidden_address"
    assert sum(canary.hits.values()) == 0


def test_redirect_into_a_private_address_is_refused(site: FixtureSite, canary: FixtureSite) -> None:
    site.page("/hop", "", status=302, headers={"Location": f"http://127.0.0.1:{canary.port}/secret"})
    site.page("/meta", "", status=301, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with _fetcher(site) as fetcher:
        for path in ("/hop", "/meta"):
            with pytest.raises(FetchError) as err:
                fetcher.fetch(f"{site.base_url}{path}")
            assert err.value.kind == "forbidden_address"
    assert sum(canary.hits.values()) == 0


def test_private_ranges_and_metadata_need_no_server_to_be_refused(site: FixtureSite) -> None:
    with _fetcher(site, connect_timeout=1.0) as fetcher:
        for url in ("http://10.0.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/", "http://[fd00::1]/"):
            with pytest.raises(FetchError) as err:
                fetcher.fetch(url)
            assert err.value.kind == "forbidden_address", url


def test_robots_txt_is_honoured(site: FixtureSite) -> None:
    site.page("/robots.txt", "User-agent: *\nDisallow: /articles/seed-001\n", content_type="text/plain")
    with _fetcher(site) as fetcher:
        assert fetcher.fetch(f"{site.base_url}/articles/seed-000").status == 200
        with pytest.raises(FetchError) as err:
            fetcher.fetch(f"{site.base_url}/articles/seed-001")
    assert err.value.kind == "robots_disallowed"
    assert site.hits["/articles/seed-001"] == 0 and site.hits["/robots.txt"] == 1


def test_robots_txt_redirects_are_followed_and_wildcards_read(site: FixtureSite) -> None:
    site.page("/robots.txt", "", status=301, headers={"Location": "/policies/robots.txt"})
    site.page("/policies/robots.txt", "User-agent: parleytest\nDisallow: /*-001$\n", content_type="text/plain")
    with _fetcher(site) as fetcher:
        assert fetcher.fetch(f"{site.base_url}/articles/seed-000").status == 200
        with pytest.raises(FetchError) as err:
            fetcher.fetch(f"{site.base_url}/articles/seed-001")
    assert err.value.kind == "robots_disallowed"
    assert site.hits["/articles/seed-001"] == 0 and site.hits["/policies/robots.txt"] == 1


def test_robots_5xx_puts_the_site_off_limits_and_4xx_does_not(site: FixtureSite) -> None:
    site.page("/robots.txt", "oops", status=503, content_type="text/plain")
    with _fetcher(site, retries=0) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(f"{site.base_url}/articles/seed-000")
    assert err.value.kind == "robots_disallowed" and "503" in str(err.value)
    assert site.hits["/articles/seed-000"] == 0
    site.page("/robots.txt", "gone", status=404, content_type="text/plain")
    with _fetcher(site) as fetcher:
        assert fetcher.fetch(f"{site.base_url}/articles/seed-000").status == 200


def test_429_is_retried_after_the_time_the_server_asks(site: FixtureSite) -> None:
    calls: list[float] = []

    def limited(req: BaseHTTPRequestHandler) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            req.send_response(429)
            req.send_header("Retry-After", "1")
            req.send_header("Content-Length", "0")
            req.end_headers()
            return
        req.send_response(200)
        req.send_header("Content-Type", "text/html")
        req.send_header("Content-Length", "2")
        req.end_headers()
        req.wfile.write(b"ok")

    site.routes["/busy"] = limited
    with _fetcher(site) as fetcher:
        assert fetcher.fetch(f"{site.base_url}/busy").body == b"ok"
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.95


def test_retry_after_beyond_the_limit_gives_up_at_once(site: FixtureSite) -> None:
    site.page("/later", "", status=503, headers={"Retry-After": "3600"})
    started = time.monotonic()
    with _fetcher(site) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(f"{site.base_url}/later")
    assert err.value.kind == "rate_limited" and time.monotonic() - started < 2


def test_requests_to_one_host_keep_the_minimum_delay(site: FixtureSite) -> None:
    with _fetcher(site, host_delay_s=0.3) as fetcher:
        started = time.monotonic()
        for slug in ("seed-000", "seed-001", "seed-002"):
            fetcher.fetch(f"{site.base_url}/articles/{slug}")
    # robots.txt, then three pages: three gaps of at least 0.3 s
    assert time.monotonic() - started >= 0.9


def test_a_server_that_never_answers_hits_the_read_timeout(site: FixtureSite) -> None:
    def silent(req: BaseHTTPRequestHandler) -> None:
        time.sleep(3)

    site.routes["/silent"] = silent
    started = time.monotonic()
    with _fetcher(site, read_timeout=0.5, retries=0) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(f"{site.base_url}/silent")
    assert err.value.kind == "timeout" and time.monotonic() - started < 2.5


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
    "<link>https://x.org/a</link></item></channel></rss>"
)


def test_entity_bomb_feed_is_refused_before_parsing() -> None:
    import resource

    from ingest.feeds import parse_feed

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(FetchError) as err:
        parse_feed(BILLION_LAUGHS.encode(), source_id="s", feed_url="http://x/feed")
    assert err.value.kind == "xml_entities" and "refused" in str(err.value)
    assert time.monotonic() - started < 1.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024


def test_huge_feed_gives_a_bounded_partial_result() -> None:
    from ingest.feeds import parse_feed

    items = "".join(f"<item><title>T{i}</title><link>https://x.org/a/{i}</link></item>" for i in range(10_000))
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
    parsed = parse_feed(feed.encode(), source_id="s", feed_url="x", max_entries=500)
    assert len(parsed.entries) == 500 and parsed.entries[0].url == "https://x.org/a/0"


def test_malformed_feed_with_entries_is_a_partial_result_with_a_warning() -> None:
    from ingest.feeds import parse_feed

    broken = b'<rss version="2.0"><channel><item><title>A & B</title><link>https://x.org/a</link></item>'
    parsed = parse_feed(broken, source_id="s", feed_url="x")
    assert [e.url for e in parsed.entries] == ["https://x.org/a"] and parsed.warning


@pytest.mark.parametrize("body", [b"", b"\x00\x01\x02\xff" * 100, b"<html><body>Not a feed</body></html>"])
def test_things_that_are_not_feeds_are_errors(body: bytes) -> None:
    from ingest.feeds import parse_feed

    with pytest.raises(FetchError) as err:
        parse_feed(body, source_id="s", feed_url="x")
    assert err.value.kind == "malformed_feed"


def test_feed_over_the_size_cap_is_cut_off(site: FixtureSite) -> None:
    site.page("/huge.rss", b"<rss>" + b" " * 3_000_000, content_type="application/rss+xml")
    with _fetcher(site) as fetcher, pytest.raises(FetchError) as err:
        fetcher.fetch(f"{site.base_url}/huge.rss", max_bytes=1_000_000)
    assert err.value.kind == "too_large"


def test_non_html_empty_and_mislabelled_pages_are_recorded_errors(site: FixtureSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from ingest.pages import fetch_pages
    from ingest.records import FeedEntry

    site.page("/doc.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    site.page("/empty", b"   ", content_type="text/html")
    russian = "Переговоры в Стамбуле возобновились, но остаются пустыми. Россия требует признания аннексий. " * 3
    site.page(
        "/cp1251",
        f"<html><body><p>{russian}</p></body></html>".encode("cp1251"),
        content_type="text/html; charset=utf-8",
    )
    entries = [FeedEntry("s", f"{site.base_url}{p}", None, None, None) for p in ("/doc.pdf", "/empty", "/cp1251")]
    with _fetcher(site) as fetcher:
        pages, errors = fetch_pages(entries, fetcher, home=tmp_path, run_id="r", now=datetime.now(UTC))
    assert sorted(e.error_class for e in errors) == ["empty_page", "not_html"]
    assert all(e.source_id == "s" and e.url and e.message for e in errors)
    from ingest.extract import decode_html
    from ingest.pages import read_raw

    assert "Переговоры" in decode_html(read_raw(tmp_path, pages[0].raw.path), pages[0].charset)
