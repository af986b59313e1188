"""The typed rows that cross module boundaries and staging files."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed that the warehouse has not seen yet."""

    source_id: str
    url: str
    guid: str | None
    title: str | None
    published_at: datetime | None
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedPoll:
    """The outcome of polling one source once."""

    poll_id: str
    run_id: str
    source_id: str
    polled_at: datetime
    status: str
    http_status: int | None = None
    entries_seen: int = 0
    entries_new: int = 0
    duration_s: float = 0.0
    error_class: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    feed_hash: str | None = None


@dataclass(frozen=True)
class RawPage:
    """A fetched page body, stored gzip-compressed under PARLEY_HOME."""

    raw_id: str
    url: str
    final_url: str
    http_status: int
    content_type: str | None
    byte_count: int
    path: str
    fetched_at: datetime
    charset: str | None = None


@dataclass(frozen=True)
class Article:
    """An article ready for the warehouse: clean text plus metadata."""

    article_id: str
    source_id: str
    url: str
    title: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    fetched_at: datetime
    language: str | None
    site_name: str | None
    text: str
    word_count: int
    text_hash: str
    extractor: str
    extractor_version: str
    raw_id: str | None
    is_seed: bool
    feed_guid: str | None = None
    simhash: int | None = None
    feed_published_at: datetime | None = None
    date_source: str | None = None  # which date published_at is: the page's own ("page") or the feed's ("feed")


@dataclass(frozen=True)
class Mention:
    """One entity mention; ``text[start_char:end_char] == surface``."""

    article_id: str
    start_char: int
    end_char: int
    surface: str
    label: str
    normalized: str
    entity_id: str | None
    tagger: str


@dataclass(frozen=True)
class Position:
    """One actor's position on one topic, with its evidence sentence and offsets into the text.

    ``confidence`` is the scorer's calibrated probability that the position is right; ``extractor``
    names the extractor and the model version that found it.
    """

    position_id: str
    article_id: str
    actor_id: str
    stance: str
    topic: str
    polarity: str
    evidence: str
    start_char: int
    end_char: int
    attribution: str
    conditions: str | None
    confidence: float
    extractor: str


@dataclass(frozen=True)
class IngestError:
    """A failure an operator can query: what, where, at which stage, why."""

    run_id: str
    stage: str
    error_class: str
    message: str
    occurred_at: datetime
    source_id: str | None = None
    url: str | None = None

    @property
    def error_id(self) -> str:
        """Identify the failure so a retried task records it once."""
        return f"{self.run_id}|{self.stage}|{self.source_id or ''}|{self.url or ''}"


@dataclass(frozen=True)
class FetchedPage:
    """A feed entry whose page was fetched and stored; the extract step reads it back."""

    entry: FeedEntry
    raw: RawPage
    charset: str | None


@dataclass(frozen=True)
class DuplicateLink:
    """An article found again under another URL, linked to its first stored copy."""

    url: str
    source_id: str
    duplicate_of: str
    method: str
    distance: int
    title: str | None
    feed_guid: str | None
    raw_id: str | None
    run_id: str
    detected_at: datetime
