"""Records for tests that load the warehouse directly (no extraction): a web article with its hashes."""

from __future__ import annotations

import hashlib
from datetime import datetime

from ingest.records import Article


def web_article(
    article_id: str,
    text: str,
    *,
    url: str,
    published_at: datetime,
    source_id: str = "review",
    title: str | None = None,
    authors: tuple[str, ...] = (),
    site_name: str | None = None,
    simhash: int | None = None,
) -> Article:
    """Return a fetched (non-seed) English article whose word count and text hash match its text."""
    return Article(
        article_id=article_id,
        source_id=source_id,
        url=url,
        title=title,
        authors=authors,
        published_at=published_at,
        fetched_at=published_at,
        language="en",
        site_name=site_name,
        text=text,
        word_count=len(text.split()),
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        extractor="test",
        extractor_version="1",
        raw_id=None,
        is_seed=False,
        simhash=simhash,
    )
