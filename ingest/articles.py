"""Build warehouse articles from fetched pages: decode, extract, identify, de-duplicate."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from ingest.bounded import CallFailed, run_bounded
from ingest.extract import EXTRACTOR_VERSION, Extracted, extract_raw_page
from ingest.records import Article, DuplicateLink, FetchedPage, IngestError
from ingest.textsize import word_count
from ingest.urls import article_id_for, canonical_url
from transforms.cleaning import clean_text
from transforms.dedup import DuplicateIndex, simhash

logger = logging.getLogger(__name__)


def build_articles(
    pages: Sequence[FetchedPage], *, home: Path, run_id: str, now: datetime, timeout_s: float = 20.0, workers: int = 2
) -> tuple[list[Article], list[IngestError]]:
    """Extract every page (each within a time limit); pages without an article become errors, repeats drop."""
    calls = [(str(home), p.raw.path, p.charset, p.raw.final_url) for p in pages]
    outcomes = run_bounded(extract_raw_page, calls, timeout_s=timeout_s, workers=workers)
    articles: list[Article] = []
    errors: list[IngestError] = []
    for page, outcome in zip(pages, outcomes, strict=True):
        if isinstance(outcome, CallFailed):
            errors.append(_error(page, run_id, now, outcome.kind, f"extraction failed: {outcome.message}"))
        elif isinstance(outcome, str):
            kind = "garbage_text" if outcome.startswith("garbage_text") else "no_article"
            errors.append(_error(page, run_id, now, kind, outcome))
        else:
            articles.append(to_article(page, outcome))
    return articles, errors


def split_duplicates(
    articles: Sequence[Article], index: DuplicateIndex, *, run_id: str, now: datetime
) -> tuple[list[Article], list[DuplicateLink]]:
    """Keep articles seen for the first time; link exact and near copies of stored (or earlier) ones."""
    fresh: list[Article] = []
    links: list[DuplicateLink] = []
    for article in articles:
        if index.known(article.article_id, article.url):
            continue
        match = index.duplicate_of(article.text_hash, article.simhash or simhash(article.text))
        if match is None:
            index.add(article.article_id, article.url, article.text_hash, article.simhash)
            fresh.append(article)
            continue
        logger.info("%s duplicates %s (%s, %d bits)", article.url, match.article_id, match.method, match.distance)
        index.keys.add(article.url)
        links.append(
            DuplicateLink(
                url=article.url,
                source_id=article.source_id,
                duplicate_of=match.article_id,
                method=match.method,
                distance=match.distance,
                title=article.title,
                feed_guid=article.feed_guid,
                raw_id=article.raw_id,
                run_id=run_id,
                detected_at=now,
            )
        )
    return fresh, links


def to_article(page: FetchedPage, extracted: Extracted) -> Article:
    """Combine feed and page metadata: the page's own date wins over the feed's, which is kept beside it."""
    url = _canonical(page.raw.final_url, extracted.canonical_url)
    text = clean_text(extracted.text, title=extracted.title).text
    return Article(
        article_id=article_id_for(url),
        source_id=page.entry.source_id,
        url=url,
        title=extracted.title or page.entry.title,
        authors=page.entry.authors or extracted.authors,
        published_at=extracted.published_at or page.entry.published_at,
        fetched_at=page.raw.fetched_at,
        language=extracted.language,
        site_name=extracted.site_name,
        text=text,
        word_count=word_count(text),
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        extractor=extracted.method,
        extractor_version=EXTRACTOR_VERSION,
        raw_id=page.raw.raw_id,
        is_seed=False,
        feed_guid=page.entry.guid,
        simhash=simhash(text),
        feed_published_at=page.entry.published_at,
        date_source="page" if extracted.published_at else ("feed" if page.entry.published_at else None),
    )


def _canonical(final_url: str, declared: str | None) -> str:
    # A page may only name a canonical URL on its own host: another host could hijack an id.
    same_host = (urlsplit(declared or "").hostname or "").lower() == (urlsplit(final_url).hostname or "").lower()
    if declared and same_host and urlsplit(declared).scheme in {"http", "https"}:
        return canonical_url(declared)
    return canonical_url(final_url)


def _error(page: FetchedPage, run_id: str, now: datetime, kind: str, message: str) -> IngestError:
    return IngestError(
        run_id=run_id,
        stage="extract",
        error_class=kind,
        message=message,
        occurred_at=now,
        source_id=page.entry.source_id,
        url=page.entry.url,
    )
