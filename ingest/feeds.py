"""Poll RSS/Atom feeds: Parley fetches the bytes, feedparser only parses them."""

from __future__ import annotations

import calendar
import hashlib
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from ingest.http import FetchError, HttpFetcher
from ingest.records import FeedEntry, FeedPoll
from ingest.sources import Source
from ingest.urls import canonical_url

logger = logging.getLogger(__name__)
_DECLARES_ENTITIES = re.compile(rb"<!\s*ENTITY|<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


@dataclass(frozen=True)
class FeedState:
    """What the warehouse remembers of a source between polls."""

    etag: str | None = None
    last_modified: str | None = None
    feed_hash: str | None = None
    paused_reason: str | None = None
    next_poll_at: datetime | None = None

    def skip_reason(self, now: datetime, source_id: str) -> str | None:
        """Say why this source is not polled now, when it will be, and how to poll it now; None if it is polled."""
        resume = f"`parley sources resume {source_id}` polls it on the next run"
        if self.paused_reason:
            return f"paused: {self.paused_reason}; {resume}"
        if self.next_poll_at is not None and self.next_poll_at > now:
            wait = max(1, round((self.next_poll_at - now).total_seconds() / 60))
            when = self.next_poll_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            return f"backing off after failures: next poll at {when} (in {wait} min); {resume}"
        return None


@dataclass(frozen=True)
class ParsedFeed:
    """Entries of a feed, and the parser's complaint if the XML was malformed."""

    entries: list[FeedEntry]
    warning: str | None


def parse_feed(content: bytes, *, source_id: str, feed_url: str, max_entries: int = 500) -> ParsedFeed:
    """Parse feed bytes into entries with a link; never fetches anything itself."""
    if _DECLARES_ENTITIES.search(content):
        # Entity declarations are how XML bombs expand (52 s and 5.75 GB for 160 KB in feedparser 6.0.14);
        # no real feed needs them, so such a document is refused before any parser sees it.
        raise FetchError("xml_entities", f"{feed_url}: the feed declares XML entities (a DTD subset); refused")
    parsed = feedparser.parse(content, sanitize_html=False, resolve_relative_uris=False)
    warning = None
    if parsed.get("bozo"):
        warning = f"{type(parsed.get('bozo_exception')).__name__}: {parsed.get('bozo_exception')}"
    if not parsed.entries and (warning or not parsed.get("version")):
        why = warning or "no RSS or Atom root element"
        raise FetchError("malformed_feed", f"{feed_url}: not a readable feed ({why})")
    entries = [e for e in (_to_entry(raw, source_id) for raw in parsed.entries[:max_entries]) if e]
    return ParsedFeed(entries, warning)


def poll_source(
    source: Source,
    fetcher: HttpFetcher,
    state: FeedState,
    *,
    run_id: str,
    known: frozenset[str],
    max_bytes: int,
    max_entries: int,
    now: datetime,
) -> tuple[FeedPoll, list[FeedEntry]]:
    """Poll one feed conditionally; return the poll record and the entries not in ``known``."""
    started = time.monotonic()
    skip = state.skip_reason(now, source.source_id)

    def record(status: str, **fields: Any) -> FeedPoll:
        return FeedPoll(
            poll_id=f"{run_id}|{source.source_id}",
            run_id=run_id,
            source_id=source.source_id,
            polled_at=now,
            status=status,
            duration_s=time.monotonic() - started,
            **fields,
        )

    if skip:
        return record(
            "skipped", error=skip, etag=state.etag, last_modified=state.last_modified, feed_hash=state.feed_hash
        ), []
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    try:
        result = fetcher.fetch(source.feed_url, headers=headers, max_bytes=max_bytes)
        # A server that stops sending a validator keeps the last one it sent.
        validators = {
            "etag": result.headers.get("etag") or state.etag,
            "last_modified": result.headers.get("last-modified") or state.last_modified,
        }
        if result.status == 304:
            return record("not_modified", http_status=304, feed_hash=state.feed_hash, **validators), []
        body_hash = hashlib.sha256(result.body).hexdigest()
        if body_hash == state.feed_hash:
            return record("unchanged", http_status=result.status, feed_hash=body_hash, **validators), []
        parsed = parse_feed(result.body, source_id=source.source_id, feed_url=source.feed_url, max_entries=max_entries)
    except FetchError as exc:
        logger.warning("poll of %s failed: %s", source.feed_url, exc)
        return record(
            "failed",
            http_status=exc.status,
            error_class=exc.kind,
            error=str(exc),
            etag=state.etag,
            last_modified=state.last_modified,
            feed_hash=state.feed_hash,
        ), []
    new = list(_unseen(parsed.entries, known))
    poll = record(
        "ok",
        http_status=result.status,
        entries_seen=len(parsed.entries),
        entries_new=len(new),
        error_class="malformed_feed" if parsed.warning else None,
        error=parsed.warning,
        feed_hash=body_hash,
        **validators,
    )
    return poll, new


def _unseen(entries: Iterable[FeedEntry], known: frozenset[str]) -> Iterable[FeedEntry]:
    seen: set[str] = set()
    for entry in entries:
        keys = {canonical_url(entry.url)} | ({entry.guid} if entry.guid else set())
        if keys & known or keys & seen:
            continue
        seen |= keys
        yield entry


def _to_entry(raw: Any, source_id: str) -> FeedEntry | None:
    link = raw.get("link") or ""
    if not link.startswith(("http://", "https://")):
        return None
    authors = tuple(a.get("name") for a in raw.get("authors", []) if a.get("name")) or (
        (raw.get("author"),) if raw.get("author") else ()
    )
    return FeedEntry(
        source_id=source_id,
        url=link,
        guid=raw.get("id") or None,
        title=raw.get("title") or None,
        published_at=_struct_to_dt(raw.get("published_parsed") or raw.get("updated_parsed")),
        authors=authors,
    )


def _struct_to_dt(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None
