"""Load one run's staging folder into the warehouse in a single transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from expectations.runner import ExpectationOutcome, QuarantinedRow
from ingest.records import Article, DuplicateLink, FeedEntry, FeedPoll, FetchedPage, IngestError, Mention, Position
from ingest.retry import RetryPolicy
from ingest.sources import Source
from ingest.staging import read_rows
from warehouse import load
from warehouse.db import connect
from warehouse.failures import Failure, run_failures
from warehouse.failures import record as record_failures
from warehouse.migrate import migrate


def load_run(
    warehouse: Path,
    staging: Path,
    run_id: str,
    health: load.HealthPolicy | None = None,
    *,
    retry: RetryPolicy | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Migrate, then load sources, polls, raw pages, good articles, mentions, errors and DQ results.

    Pages that failed (fetch, extraction, quarantine) are remembered in ``failed_items``; pages that
    loaded are forgotten there.
    """
    held = read_rows(staging / "quarantine.jsonl", QuarantinedRow)
    quarantined = {q.row_key: q.reasons for q in held if q.table_name == "articles"}
    held_mentions = {q.row_key for q in held if q.table_name == "entity_mentions"}
    held_positions = {q.row_key for q in held if q.table_name == "positions"}
    staged = read_rows(staging / "articles.jsonl", Article)
    articles = [a for a in staged if a.article_id not in quarantined]
    pages = read_rows(staging / "pages.jsonl", FetchedPage)
    entries = read_rows(staging / "entries.jsonl", FeedEntry)
    with connect(warehouse) as con:
        migrate(con)
        con.execute("begin transaction")
        try:
            load.upsert_sources(con, read_rows(staging / "sources.jsonl", Source))
            poll_rows = read_rows(staging / "polls.jsonl", FeedPoll)
            polls = load.insert_polls(con, poll_rows, health)
            load.insert_raw_pages(con, [p.raw for p in pages])
            first_seen = min((p.polled_at for p in poll_rows), default=None)
            new_ids = load.insert_articles(con, articles, run_id, first_seen=first_seen)
            # A link needs its first copy stored: one held in quarantine keeps its copies out too.
            staged_links = read_rows(staging / "duplicates.jsonl", DuplicateLink)
            originals = load.existing_article_ids(con, {x.duplicate_of for x in staged_links})
            links = [x for x in staged_links if x.duplicate_of in originals]
            load.insert_new(con, "article_duplicates", load.frame(links, DuplicateLink), ["url"])
            mentions = [
                m
                for m in read_rows(staging / "mentions.jsonl", Mention)
                if m.article_id in new_ids and f"{m.article_id}:{m.start_char}:{m.end_char}" not in held_mentions
            ]
            mention_count = load.insert_mentions(con, mentions)
            positions = [
                p
                for p in read_rows(staging / "positions.jsonl", Position)
                if p.article_id in new_ids and p.position_id not in held_positions
            ]
            position_count = load.insert_positions(con, positions)
            load.index_and_count(con, new_ids)
            errors = [
                *(_poll_error(p) for p in poll_rows if p.status == "failed"),
                *read_rows(staging / "fetch_errors.jsonl", IngestError),
                *read_rows(staging / "extract_errors.jsonl", IngestError),
            ]
            load.insert_errors(con, errors)
            held_articles = [a for a in staged if a.article_id in quarantined]
            failures = run_failures(pages, entries, errors, held_articles, quarantined, loaded=articles)
            failures += read_rows(staging / "repeats.jsonl", Failure)
            new_failures = record_failures(
                con, failures, entries, run_id=run_id, now=now or datetime.now(UTC), policy=retry or RetryPolicy()
            )
            quarantined_count = load_quality_rows(con, staging, run_id)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    return {
        "duplicates": len(links),
        "staged_articles": len(articles),
        "new_articles": len(new_ids),
        "mentions": mention_count,
        "positions": position_count,
        "polls": polls,
        "errors": len(errors),
        "quarantined": quarantined_count,
        "failed_pages": len(failures),
        "new_failed_pages": new_failures,
    }


def load_quality_rows(con: duckdb.DuckDBPyConnection, staging: Path, run_id: str) -> int:
    """Replace the run's ``dq_results`` and ``dq_quarantine`` rows with the staged ones; return rows held."""
    outcomes = read_rows(staging / "dq_results.jsonl", ExpectationOutcome)
    load.replace_run_rows(con, "dq_results", load.frame(outcomes, ExpectationOutcome), run_id)
    quarantine = read_rows(staging / "quarantine.jsonl", QuarantinedRow)
    held_rows = load.frame(quarantine, QuarantinedRow).drop_duplicates(["table_name", "row_key"])
    return load.replace_run_rows(con, "dq_quarantine", held_rows, run_id)


def load_stage_stats(warehouse: Path, stages_dir: Path, run_id: str) -> int:
    """Replace the run's ``pipeline_runs`` rows with the stage timings found in staging."""
    records = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(stages_dir.glob("*.json"))]
    df = pd.DataFrame.from_records(records)
    if not df.empty:
        for column in ("started_at", "finished_at"):
            df[column] = pd.to_datetime(df[column], utc=True)
    with connect(warehouse) as con:
        migrate(con)  # a run that failed before its load may be the first to touch the file
        return load.replace_run_rows(con, "pipeline_runs", df, run_id)


def _poll_error(poll: FeedPoll) -> IngestError:
    return IngestError(
        run_id=poll.run_id,
        stage="poll",
        error_class=poll.error_class or "unknown",
        message=poll.error or "poll failed",
        occurred_at=poll.polled_at,
        source_id=poll.source_id,
    )
