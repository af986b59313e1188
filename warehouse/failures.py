"""Pages that failed, remembered between runs (``failed_items``), so a bad item in a feed settles.

A failure is keyed by its feed entry's canonical URL. The poll holds such an entry back until the feed
says something new about it (its signature changes) or its retry time comes; a page that then loads is
forgotten. Only a page not already remembered is a *new* failure, and only new critical failures fail
a run's quality gate.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ingest.records import Article, FeedEntry, FetchedPage, IngestError
from ingest.retry import RetryPolicy, entry_signature
from ingest.urls import canonical_url
from warehouse.db import connect, table_exists

OPEN = ("failing", "quarantined", "dropped")  # remembered and held back; 'released' is closed
STAGE_STATUS = {"fetch": "failing", "extract": "failing", "quality": "quarantined"}
COLUMNS = (
    "url",
    "source_id",
    "stage",
    "error_class",
    "reason",
    "entry_signature",
    "entry_json",
    "raw_id",
    "article_id",
    "first_failed_at",
    "last_failed_at",
    "attempts",
    "next_attempt_at",
    "status",
    "first_run_id",
    "last_run_id",
)


@dataclass(frozen=True)
class Failure:
    """One page's failure in this run, before it is merged with what was remembered."""

    entry: FeedEntry
    stage: str
    error_class: str
    reason: str
    raw_id: str | None = None
    article_id: str | None = None


def _open_rows(path: Path, columns: str, condition: str = "true") -> list[tuple[Any, ...]]:
    """Read columns of the open (still held) failed pages; none before the first load."""
    if not path.exists():
        return []
    with connect(path, read_only=True) as con:
        if not table_exists(con, "failed_items"):
            return []
        return con.execute(
            f"select {columns} from failed_items where status in (select unnest($open)) and {condition}",
            {"open": list(OPEN)},
        ).fetchall()


def held_signatures(path: Path, now: datetime, policy: RetryPolicy) -> dict[str, str]:
    """Return the entries not to fetch now: canonical URL → the entry signature they failed with.

    The retry time is computed with today's policy, so a changed setting applies to pages already held.
    """
    rows = _open_rows(path, "url, entry_signature, status, attempts, last_failed_at")
    return {
        url: signature
        for url, signature, status, attempts, failed_at in rows
        if status == "dropped" or policy.next_attempt(attempts, failed_at) > now
    }


def remembered_articles(path: Path) -> set[str]:
    """Return the article ids already held in quarantine: failing again is not a new failure."""
    return {r[0] for r in _open_rows(path, "article_id", "article_id is not null")}


def hold_back(entries: Iterable[FeedEntry], held: dict[str, str]) -> tuple[list[FeedEntry], list[FeedEntry]]:
    """Split entries into those to fetch and those held back (failed before, unchanged, not yet due)."""
    fetch: list[FeedEntry] = []
    waiting: list[FeedEntry] = []
    for entry in entries:
        key = canonical_url(entry.url)
        (waiting if held.get(key) == entry_signature(entry) else fetch).append(entry)
    return fetch, waiting


def failed_bodies(path: Path) -> dict[str, Failure]:
    """Return the remembered failures that have a body (extraction, quality), by canonical URL."""
    rows = _open_rows(path, "url, entry_json, stage, error_class, reason, raw_id, article_id", "raw_id is not null")
    return {r[0]: Failure(entry_of(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in rows}


def split_repeats(pages: Sequence[FetchedPage], bodies: dict[str, Failure]) -> tuple[list[FetchedPage], list[Failure]]:
    """Split fetched pages into those to extract and those whose body is the very one that failed before.

    A body that failed extraction or validation fails them again: it is not processed, its failure is
    recorded once more (with the feed entry as seen now), and only a changed page is extracted again.
    """
    fresh: list[FetchedPage] = []
    repeats: list[Failure] = []
    for page in pages:
        before = bodies.get(canonical_url(page.entry.url))
        if before is not None and before.raw_id == page.raw.raw_id:
            repeats.append(dataclasses.replace(before, entry=page.entry))
        else:
            fresh.append(page)
    return fresh, repeats


def run_failures(
    pages: Sequence[FetchedPage],
    entries: Sequence[FeedEntry],
    errors: Sequence[IngestError],
    quarantined: Sequence[Article],
    reasons: dict[str, str],
    loaded: Sequence[Article] = (),
) -> list[Failure]:
    """Collect this run's failed pages: fetch and extraction errors, and articles held by the quality gate.

    A held article whose body also gave an article that loaded is a row derived from a good page (an
    injected fault, a second copy): the page itself did not fail.
    """
    by_url = {e.url: e for e in entries}
    by_raw = {p.raw.raw_id: p for p in pages}
    bodies = {p.entry.url: p.raw.raw_id for p in pages}
    failures = [
        Failure(by_url[e.url], e.stage, e.error_class, e.message, bodies.get(e.url) if e.stage == "extract" else None)
        for e in errors
        if e.url in by_url and e.stage in ("fetch", "extract")
    ]
    good_bodies = {a.raw_id for a in loaded if a.raw_id}
    for article in quarantined:
        page = by_raw.get(article.raw_id or "")
        # The entry's URL may differ from the article's (a redirect, a canonical link): the body links them.
        if page is not None and page.raw.raw_id not in good_bodies:
            why = reasons.get(article.article_id, "failed a critical expectation")
            failures.append(
                Failure(page.entry, "quality", "critical_expectation", why, page.raw.raw_id, article.article_id)
            )
    return failures


def record(
    con: duckdb.DuckDBPyConnection,
    failures: Sequence[Failure],
    tried: Iterable[FeedEntry],
    *,
    run_id: str,
    now: datetime,
    policy: RetryPolicy,
) -> int:
    """Remember this run's failures and forget the tried pages that now loaded; return the new failures."""
    failed = {canonical_url(f.entry.url): f for f in failures}
    succeeded = sorted({canonical_url(e.url) for e in tried} - failed.keys())
    if succeeded:
        con.execute(
            "delete from failed_items where url in (select unnest($urls)) and status <> 'released'", {"urls": succeeded}
        )
    if not failed:
        return 0
    known = {
        r[0]: r
        for r in con.execute(
            "select url, first_failed_at, attempts, first_run_id from failed_items where url in (select unnest($u))",
            {"u": sorted(failed)},
        ).fetchall()
    }
    rows = []
    for url, failure in failed.items():
        before = known.get(url)
        attempts = (before[2] if before else 0) + 1
        rows.append(
            (
                url,
                failure.entry.source_id,
                failure.stage,
                failure.error_class,
                failure.reason[:2000],
                entry_signature(failure.entry),
                json.dumps(dataclasses.asdict(failure.entry), default=str, ensure_ascii=False),
                failure.raw_id,
                failure.article_id,
                before[1] if before else now,
                now,
                attempts,
                policy.next_attempt(attempts, now),
                STAGE_STATUS[failure.stage],
                before[3] if before else run_id,
                run_id,
            )
        )
    con.execute("delete from failed_items where url in (select unnest($u))", {"u": sorted(failed)})
    df = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    for column in ("first_failed_at", "last_failed_at", "next_attempt_at"):
        df[column] = pd.to_datetime(df[column], utc=True)
    con.register("failed_batch", df)
    try:
        con.execute(f"insert into failed_items ({', '.join(COLUMNS)}) select {', '.join(COLUMNS)} from failed_batch")
    finally:
        con.unregister("failed_batch")
    return len(failed) - len(known)


def entry_of(entry_json: str) -> FeedEntry:
    """Rebuild the feed entry a failed item was stored with."""
    data = json.loads(entry_json)
    published = data.get("published_at")
    return FeedEntry(
        source_id=data["source_id"],
        url=data["url"],
        guid=data.get("guid"),
        title=data.get("title"),
        published_at=datetime.fromisoformat(published) if published else None,
        authors=tuple(data.get("authors") or ()),
    )
