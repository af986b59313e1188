"""Fetch article pages and keep their raw bodies, compressed and content-addressed."""

from __future__ import annotations

import gzip
import hashlib
import logging
import zlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
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
    entries: Iterable[FeedEntry], fetcher: HttpFetcher, *, home: Path, run_id: str, now: datetime, workers: int = 4
) -> tuple[list[FetchedPage], list[IngestError]]:
    """Fetch each entry's page (in parallel; the fetcher keeps each host's delay); failures become errors."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        outcomes = list(pool.map(lambda e: _fetch_one(e, fetcher, home, run_id, now), entries))
    pages = [o for o in outcomes if isinstance(o, FetchedPage)]
    errors = [o for o in outcomes if isinstance(o, IngestError)]
    return pages, errors


def _fetch_one(
    entry: FeedEntry, fetcher: HttpFetcher, home: Path, run_id: str, now: datetime
) -> FetchedPage | IngestError:
    try:
        result = fetcher.fetch(entry.url)
        fetched_at = datetime.now(UTC)  # the moment the page arrived, not the run's logical time
        if result.content_type and result.content_type not in HTML_TYPES:
            raise FetchError("not_html", f"{result.final_url} is {result.content_type}, not HTML")
        body = _undo_stray_compression(result.body, fetcher.limits.max_bytes, result.final_url)
        if not body.strip():
            raise FetchError("empty_page", f"{result.final_url} returned an empty body")
    except FetchError as exc:
        logger.warning("fetch of %s failed: %s", entry.url, exc)
        return IngestError(
            run_id=run_id,
            stage="fetch",
            error_class=exc.kind,
            message=str(exc),
            occurred_at=now,
            source_id=entry.source_id,
            url=entry.url,
        )
    raw_id, path = store_raw(body, home)
    raw = RawPage(
        raw_id=raw_id,
        url=entry.url,
        final_url=result.final_url,
        http_status=result.status,
        content_type=result.content_type,
        byte_count=len(body),
        path=path,
        fetched_at=fetched_at,
        charset=result.charset,
    )
    return FetchedPage(entry=entry, raw=raw, charset=result.charset)


def _undo_stray_compression(body: bytes, cap: int, url: str) -> bytes:
    """Decompress a gzip/zlib body sent without Content-Encoding, stopping at the size cap."""
    if body[:2] == b"\x1f\x8b":
        decompressor = zlib.decompressobj(wbits=31)
    elif body[:1] == b"\x78" and len(body) > 1 and (body[0] * 256 + body[1]) % 31 == 0:
        decompressor = zlib.decompressobj()
    else:
        return body
    try:
        out = decompressor.decompress(body, cap + 1)
    except zlib.error as exc:
        raise FetchError("decoding", f"{url}: body looks compressed but does not decompress: {exc}") from exc
    if len(out) > cap or decompressor.unconsumed_tail:
        raise FetchError("too_large", f"{url}: compressed body exceeds the {cap}-byte cap once decompressed")
    return out
