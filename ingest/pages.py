"""Fetch article pages and keep their raw bodies, compressed and content-addressed."""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from ingest.http import FetchError, HttpFetcher
from ingest.records import FeedEntry, FetchedPage, IngestError, RawPage

logger = logging.getLogger(__name__)
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def store_raw(body: bytes, home: Path) -> tuple[str, str]:
    """Write a body as ``raw/ab/<sha256>.html.gz`` (once per content); return (hash, relative path)."""
    digest = hashlib.sha256(body).hexdigest()
    relative = Path("raw") / digest[:2] / f"{digest}.html.gz"
    target = home / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        # mtime=0 keeps the file byte-identical across re-fetches of the same body.
        with gzip.GzipFile(partial, "wb", mtime=0) as out:
            out.write(body)
        partial.replace(target)
    return digest, str(relative)


def read_raw(home: Path, relative: str) -> bytes:
    """Read a stored raw body back."""
    with gzip.open(home / relative, "rb") as src:
        return src.read()


def fetch_pages(
    entries: Iterable[FeedEntry], fetcher: HttpFetcher, *, home: Path, run_id: str, now: datetime
) -> tuple[list[FetchedPage], list[IngestError]]:
    """Fetch each entry's page; a failing page becomes an IngestError, never an exception."""
    pages, errors = [], []
    for entry in entries:
        try:
            result = fetcher.fetch(entry.url)
            if result.content_type and result.content_type not in HTML_TYPES:
                raise FetchError("not_html", f"{result.final_url} is {result.content_type}, not HTML")
            if not result.body.strip():
                raise FetchError("empty_page", f"{result.final_url} returned an empty body")
        except FetchError as exc:
            logger.warning("fetch of %s failed: %s", entry.url, exc)
            errors.append(
                IngestError(
                    run_id=run_id,
                    stage="fetch",
                    error_class=exc.kind,
                    message=str(exc),
                    occurred_at=now,
                    source_id=entry.source_id,
                    url=entry.url,
                )
            )
            continue
        raw_id, path = store_raw(result.body, home)
        raw = RawPage(
            raw_id=raw_id,
            url=entry.url,
            final_url=result.final_url,
            http_status=result.status,
            content_type=result.content_type,
            byte_count=len(result.body),
            path=path,
            fetched_at=now,
        )
        pages.append(FetchedPage(entry=entry, raw=raw, charset=result.charset))
    return pages, errors
