"""The page's own publication date: read from JSON-LD, meta tags and microdata, and preferred to the feed's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.articles import to_article
from ingest.dates import declared_published, parse_timestamp
from ingest.extract import Extracted
from ingest.records import FeedEntry, FetchedPage, RawPage

WHEN = datetime(2025, 5, 16, 14, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "head",
    [
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
        '"headline": "Talks", "datePublished": "2025-05-16T16:30:00+02:00"}</script>',
        '<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "datePublished": "2020-01-01"}, '
        '{"@type": ["NewsArticle"], "datePublished": "2025-05-16T14:30:00Z"}]}</script>',
        '<meta property="article:published_time" content="2025-05-16T14:30:00Z">',
        '<meta content="2025-05-16T14:30:00+00:00" itemprop="datePublished">',
        '<time itemprop="datePublished" datetime="2025-05-16T14:30:00Z">16 May</time>',
    ],
)
def test_the_declared_date_is_read_from_every_usual_place(head: str) -> None:
    html = f"<html><head><title>t</title>{head}</head><body><p>text</p></body></html>"
    assert declared_published(html) == WHEN


def test_a_page_without_a_date_or_with_a_broken_one_declares_none() -> None:
    assert declared_published("<html><head><script type='application/ld+json'>{bad json</script></head></html>") is None
    assert declared_published('<meta property="article:published_time" content="yesterday">') is None
    assert parse_timestamp("2025-05-16") == datetime(2025, 5, 16, tzinfo=UTC)


def _page(feed_date: datetime | None) -> FetchedPage:
    entry = FeedEntry("src", "https://example.org/a", "g1", "Title", feed_date)
    raw = RawPage("r", "https://example.org/a", "https://example.org/a", 200, "text/html", 10, "p", WHEN)
    return FetchedPage(entry, raw, "utf-8")


def _extracted(published: datetime | None) -> Extracted:
    return Extracted("word " * 80, "Title", (), published, "en", None, None, "trafilatura:precision")


def test_the_pages_date_wins_and_the_feeds_is_kept() -> None:
    poll_time = datetime(2025, 8, 1, tzinfo=UTC)
    article = to_article(_page(poll_time), _extracted(WHEN))
    assert (article.published_at, article.feed_published_at, article.date_source) == (WHEN, poll_time, "page")


def test_the_feeds_date_serves_when_the_page_has_none() -> None:
    article = to_article(_page(WHEN), _extracted(None))
    assert (article.published_at, article.feed_published_at, article.date_source) == (WHEN, WHEN, "feed")
    assert to_article(_page(None), _extracted(None)).date_source is None
