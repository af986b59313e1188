"""Bulk, idempotent loading: DataFrames registered in DuckDB, new rows found by anti-join."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from ingest.records import Article, FeedPoll, IngestError, Mention, RawPage
from ingest.sources import Source
from warehouse.aggregates import count_articles
from warehouse.changes import delete_rows, update_rows
from warehouse.search import index_articles


def frame(rows: Sequence[Any], cls: type) -> pd.DataFrame:
    """Turn dataclass rows into a DataFrame with one column per field, even when empty."""
    columns = [f.name for f in dataclasses.fields(cls)]
    # Tuples (authors) are stored '; '-separated: see the articles table in the migrations.
    records = [{k: "; ".join(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(r).items()} for r in rows]
    return pd.DataFrame.from_records(records, columns=columns)


def upsert_sources(con: duckdb.DuckDBPyConnection, sources: Iterable[Source]) -> int:
    """Add new sources and refresh the descriptive columns of known ones; health is kept."""
    df = frame(list(sources), Source)
    if df.empty:
        return 0
    con.register("batch_sources", df)
    try:
        con.execute("""
            update sources set name = b.name, feed_url = b.feed_url, homepage = b.homepage, language = b.language
            from batch_sources b where sources.source_id = b.source_id
              and (sources.name, coalesce(sources.feed_url, ''), coalesce(sources.homepage, ''),
                   coalesce(sources.language, ''))
                  is distinct from (b.name, coalesce(b.feed_url, ''), coalesce(b.homepage, ''),
                   coalesce(b.language, ''))""")
        added = con.execute("""
            insert into sources (source_id, name, kind, feed_url, homepage, language)
            select source_id, name, kind, feed_url, homepage, language from batch_sources b
            where not exists (select 1 from sources s where s.source_id = b.source_id)""").fetchone()
    finally:
        con.unregister("batch_sources")
    return int(added[0]) if added else 0


@dataclass(frozen=True)
class HealthPolicy:
    """How failing sources are treated: exponential backoff from ``base_minutes``, pause after N failures."""

    base_minutes: int = 30
    max_minutes: int = 24 * 60
    pause_after: int = 8


def insert_polls(con: duckdb.DuckDBPyConnection, polls: Sequence[FeedPoll], policy: HealthPolicy | None = None) -> int:
    """Record polls once each and carry their outcome into the sources' health columns."""
    policy = policy or HealthPolicy()
    df = frame(polls, FeedPoll)
    if df.empty:
        return 0
    con.register("batch_polls", df)
    try:
        row = con.execute(
            """
            insert into feed_polls (poll_id, run_id, source_id, polled_at, status, http_status, entries_seen,
                                    entries_new, duration_s, error_class, error)
            select poll_id, run_id, source_id, polled_at, status, http_status, entries_seen, entries_new,
                   duration_s, error_class, error
            from batch_polls b where not exists (select 1 from feed_polls p where p.poll_id = b.poll_id)
            returning poll_id"""
        ).fetchall()
        # Failures back off exponentially (base, 2x, 4x ... up to the max) and pause the source at N.
        con.execute(
            """
            update sources set
                etag = b.etag, last_modified = b.last_modified, feed_hash = b.feed_hash,
                last_polled_at = b.polled_at,
                last_success_at = if(b.status = 'failed', sources.last_success_at, b.polled_at),
                consecutive_failures = if(b.status = 'failed', sources.consecutive_failures + 1, 0),
                last_error = if(b.status = 'failed', b.error, sources.last_error),
                next_poll_at = if(b.status = 'failed', b.polled_at + to_minutes(least(
                    $base * pow(2, sources.consecutive_failures), $max)::bigint), null),
                paused = sources.paused or (b.status = 'failed' and sources.consecutive_failures + 1 >= $pause),
                paused_reason = if(not sources.paused and b.status = 'failed'
                                   and sources.consecutive_failures + 1 >= $pause,
                                   format('{} consecutive failures; last: {}', sources.consecutive_failures + 1,
                                          b.error),
                                   sources.paused_reason)
            from batch_polls b
            where sources.source_id = b.source_id and b.status <> 'skipped'
              and b.poll_id in (select poll_id from feed_polls)
              and (sources.last_polled_at is null or b.polled_at > sources.last_polled_at)""",
            {"base": policy.base_minutes, "max": policy.max_minutes, "pause": policy.pause_after},
        )
    finally:
        con.unregister("batch_polls")
    return len(row)


def resume_source(con: duckdb.DuckDBPyConnection, source_id: str) -> bool:
    """Un-pause a source and forget its failure streak; return whether it exists."""
    if not con.execute("select 1 from sources where source_id = ?", [source_id]).fetchall():
        return False
    # No RETURNING here: DuckDB 1.5 then treats the update of a referenced row as an FK violation.
    con.execute(
        "update sources set paused = false, paused_reason = null, consecutive_failures = 0, next_poll_at = null "
        "where source_id = ?",
        [source_id],
    )
    return True


def insert_new(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame, keys: Sequence[str]) -> int:
    """Insert the rows of ``df`` whose key columns are all absent from ``table``; return how many."""
    if df.empty:
        return 0
    name = f"batch_{table}"
    con.register(name, df)
    try:
        # Each key is checked on its own, so a row that repeats any unique key is skipped.
        conditions = " and ".join(f"not exists (select 1 from {table} t where t.{k} = b.{k})" for k in keys)
        cols = ", ".join(df.columns)
        result = con.execute(f"insert into {table} ({cols}) select {cols} from {name} b where {conditions}")
        row = result.fetchone()
    finally:
        con.unregister(name)
    return int(row[0]) if row else 0


def insert_raw_pages(con: duckdb.DuckDBPyConnection, pages: Sequence[RawPage]) -> int:
    """Record stored raw bodies once per hash."""
    df = frame(pages, RawPage).drop_duplicates("raw_id")
    return insert_new(con, "raw_pages", df, ["raw_id"])


def insert_articles(
    con: duckdb.DuckDBPyConnection, articles: Sequence[Article], run_id: str, *, first_seen: datetime | None = None
) -> set[str]:
    """Insert articles not stored yet (neither id nor URL known); return the ids inserted.

    ``first_seen`` is when the run's poll found their feed entries (the seeds have none).
    """
    df = frame(articles, Article).drop_duplicates("article_id").drop_duplicates("url")
    if df.empty:
        return set()
    df["run_id"] = run_id
    df["first_seen_at"] = pd.Series([first_seen] * len(df), index=df.index, dtype="datetime64[us, UTC]")
    df.loc[df["is_seed"], "first_seen_at"] = pd.NaT
    stored = con.execute(
        "select article_id, url from articles where article_id in (select unnest($ids)) "
        "or url in (select unnest($urls))",
        {"ids": df["article_id"].tolist(), "urls": df["url"].tolist()},
    ).fetchall()
    known = {value for row in stored for value in row}
    new = df[~df["article_id"].isin(known) & ~df["url"].isin(known)]
    insert_new(con, "articles", new, ["article_id", "url"])
    return set(new["article_id"])


DERIVED_TABLES = ("entity_mentions", "positions", "search_postings", "search_documents")
REPLACED_COLUMNS = (
    "title",
    "authors",
    "published_at",
    "language",
    "site_name",
    "text",
    "word_count",
    "text_hash",
    "simhash",
    "extractor",
    "extractor_version",
    "feed_published_at",
    "date_source",
    "run_id",
)


def replace_articles(con: duckdb.DuckDBPyConnection, articles: Sequence[Article], run_id: str) -> int:
    """Replace stored articles' text and metadata (same ids) and drop their derived rows; return how many.

    The caller then inserts their new mentions and positions and calls ``index_and_count`` for them.
    """
    df = frame(articles, Article)
    if df.empty:
        return 0
    df["run_id"] = run_id
    ids = sorted(existing_article_ids(con, df["article_id"]))
    count_articles(con, ids, sign=-1)
    params = {"ids": ids}
    for table in DERIVED_TABLES:
        delete_rows(con, table, "article_id in (select unnest($ids))", params)
    con.register("batch_replaced", df)
    try:
        assignments = ", ".join(f"{c} = b.{c}" for c in REPLACED_COLUMNS)
        # No RETURNING: DuckDB 1.5 then treats the update of a referenced row as an FK violation.
        update_rows(con, "articles", assignments, "articles.article_id = b.article_id", joined="batch_replaced b")
    finally:
        con.unregister("batch_replaced")
    return len(ids)


def index_and_count(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str]) -> None:
    """Add these articles (their mentions stored) to the search index and the actor counts."""
    ids = sorted(set(article_ids))
    index_articles(con, ids)
    count_articles(con, ids)


def existing_article_ids(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> set[str]:
    """Return which of these article ids are stored."""
    rows = con.execute("select article_id from articles where article_id in (select unnest($ids))", {"ids": list(ids)})
    return {r[0] for r in rows.fetchall()}


def upsert_entities(con: duckdb.DuckDBPyConnection, mentions: Sequence[Mention]) -> int:
    """Keep ``entities`` equal to the knowledge base plus the inferred persons these mentions name."""
    from transforms.actors import load_kb

    kb = load_kb()
    rows = [
        {
            "entity_id": a.actor_id,
            "name": a.name,
            "type": a.type,
            "wikidata": a.wikidata,
            "country": a.country,
            "role": a.role,
            "origin": "kb",
        }
        for a in kb.actors.values()
    ]
    inferred: dict[str, str] = {}
    for m in mentions:  # the fullest form names an inferred person ("Mihai Popsoi", not "Popsoi")
        if m.entity_id and m.entity_id not in kb.actors and len(m.normalized) > len(inferred.get(m.entity_id, "")):
            inferred[m.entity_id] = m.normalized
    rows += [
        {
            "entity_id": i,
            "name": n,
            "type": "person",
            "wikidata": None,
            "country": None,
            "role": None,
            "origin": "inferred",
        }
        for i, n in inferred.items()
    ]
    df = pd.DataFrame.from_records(rows)
    con.register("batch_entities", df)
    try:
        con.execute(
            """update entities set name = b.name, type = b.type, wikidata = b.wikidata, country = b.country,
                      role = b.role, origin = b.origin
               from batch_entities b
               where entities.entity_id = b.entity_id and b.origin = 'kb'
                 and (entities.name, entities.type, coalesce(entities.role, ''), entities.origin)
                     is distinct from (b.name, b.type, coalesce(b.role, ''), b.origin)"""
        )
    finally:
        con.unregister("batch_entities")
    return insert_new(con, "entities", df, ["entity_id"])


def insert_mentions(con: duckdb.DuckDBPyConnection, mentions: Sequence[Mention]) -> int:
    """Insert mentions of stored articles, once per span, first adding the entities they link to."""
    df = frame(mentions, Mention)
    if df.empty:
        return 0
    upsert_entities(con, mentions)
    df = df.drop_duplicates(["article_id", "start_char", "end_char"])
    name = "batch_mentions"
    con.register(name, df)
    try:
        cols = ", ".join(df.columns)
        row = con.execute(f"""
            insert into entity_mentions ({cols}) select {cols} from {name} b
            where exists (select 1 from articles a where a.article_id = b.article_id)
              and not exists (select 1 from entity_mentions m where m.article_id = b.article_id
                              and m.start_char = b.start_char and m.end_char = b.end_char)""").fetchone()
    finally:
        con.unregister(name)
    return int(row[0]) if row else 0


def insert_positions(con: duckdb.DuckDBPyConnection, positions: Sequence[Any]) -> int:
    """Insert positions of stored articles, once per id."""
    if not positions:
        return 0
    df = frame(positions, type(positions[0])).drop_duplicates("position_id")
    df = df[df["article_id"].isin(existing_article_ids(con, set(df["article_id"])))]
    return insert_new(con, "positions", df, ["position_id"])


def insert_errors(con: duckdb.DuckDBPyConnection, errors: Sequence[IngestError]) -> int:
    """Record ingest failures once each."""
    df = frame(errors, IngestError)
    if df.empty:
        return 0
    df["error_id"] = [e.error_id for e in errors]
    df = df.drop_duplicates("error_id")
    return insert_new(con, "ingest_errors", df, ["error_id"])


def replace_run_rows(con: duckdb.DuckDBPyConnection, table: str, df: pd.DataFrame, run_id: str) -> int:
    """Replace a run's rows of a per-run table (dq results, stage stats): re-running gives the same rows."""
    if con.execute(f"select 1 from {table} where run_id = ? limit 1", [run_id]).fetchall():
        delete_rows(con, table, "run_id = $run_id", {"run_id": run_id})
    if df.empty:
        return 0
    name = f"batch_{table}"
    con.register(name, df)
    try:
        cols = ", ".join(df.columns)
        row = con.execute(f"insert into {table} ({cols}) select {cols} from {name}").fetchone()
    finally:
        con.unregister(name)
    return int(row[0]) if row else 0
