"""Re-extract and re-tag stored articles from their raw pages with the current code, in place.

Identity never changes (same ``article_id`` and URL); text, metadata and every derived row
(mentions, positions) are replaced. A page that no longer yields an article, or a new version that
fails a critical expectation, keeps its stored version, and the reason is recorded.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ingest.records import FeedEntry, FetchedPage, RawPage
from parley.settings import SEEDS_DIR, Settings
from warehouse.db import connect

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Selection:
    """Which stored articles to reprocess: one source and/or a publication date range (inclusive)."""

    source: str | None = None
    since: date | None = None
    until: date | None = None


def select_pages(warehouse: Path, selection: Selection) -> tuple[list[FetchedPage], dict[str, str], set[str]]:
    """Return the stored web articles' pages, their article ids by raw page, and the selected seed ids."""
    where: list[str] = ["true"]
    params: dict[str, object] = {}
    if selection.source:
        where.append("a.source_id = $source")
        params["source"] = selection.source
    if selection.since:
        where.append("coalesce(a.published_at, a.fetched_at)::date >= $since")
        params["since"] = selection.since
    if selection.until:
        where.append("coalesce(a.published_at, a.fetched_at)::date <= $until")
        params["until"] = selection.until
    with connect(warehouse, read_only=True) as con:
        rows = con.execute(
            f"""select a.article_id, a.source_id, a.url, a.feed_guid, a.title, a.published_at, a.authors, a.is_seed,
                       r.raw_id, r.url, r.final_url, r.http_status, r.content_type, r.byte_count, r.path,
                       r.fetched_at, r.charset
                from articles a left join raw_pages r using (raw_id)
                where {" and ".join(where)} order by a.article_id""",
            params,
        ).fetchall()
    pages, ids, seeds = [], {}, set()
    for row in rows:
        if row[7]:
            seeds.add(row[0])
        elif row[8] is not None:
            entry = FeedEntry(row[1], row[2], row[3], row[4], row[5], tuple(filter(None, (row[6] or "").split("; "))))
            pages.append(FetchedPage(entry, RawPage(*row[8:17]), row[16]))
            ids[row[8]] = row[0]
    return pages, ids, seeds


def reprocess(settings: Settings, selection: Selection, *, run_id: str, now: datetime) -> dict[str, Any]:
    """Rebuild the selected articles and their mentions from raw pages and seed files; replace them."""
    from expectations.batch import validate_batch
    from ingest.articles import build_articles
    from ingest.seeds import load_seeds
    from transforms.analysis import analyze
    from warehouse.batch import load_quality_rows
    from warehouse.load import (
        insert_errors,
        insert_mentions,
        insert_positions,
        replace_articles,
    )

    started = time.monotonic()
    pages, ids, seed_ids = select_pages(settings.working_path, selection)
    built, errors = build_articles(
        pages, home=settings.home, run_id=run_id, now=now, timeout_s=settings.extract_timeout, workers=settings.workers
    )
    # The extraction may now see another canonical URL; the stored id and URL stay the article's identity.
    entries = {p.raw.raw_id: p.entry for p in pages}
    articles = [
        dataclasses.replace(a, article_id=ids[a.raw_id], url=entries[a.raw_id].url, feed_guid=entries[a.raw_id].guid)
        for a in built
        if a.raw_id in ids
    ]
    articles += [a for a in load_seeds(SEEDS_DIR) if a.article_id in seed_ids]
    staging = settings.staging_dir / f"reprocess_{run_id.replace(':', '_')}"
    verdict = validate_batch(
        articles,
        project_dir=settings.quality_dir,
        run_id=run_id,
        now=now,
        results_path=staging / "dq_results.jsonl",
        quarantine_path=staging / "quarantine.jsonl",
    )
    held = set(verdict["quarantined"]["articles"])
    good = [a for a in articles if a.article_id not in held]
    mentions, positions = [], []
    for _, found_mentions, found_positions in analyze((a.article_id, a.text) for a in good):
        mentions.extend(found_mentions)
        positions.extend(found_positions)
    with connect(settings.working_path) as con:
        con.execute("begin transaction")
        try:
            replaced = replace_articles(con, good, run_id)
            mention_count = insert_mentions(con, mentions)
            insert_positions(con, positions)
            insert_errors(con, errors)
            load_quality_rows(con, staging, run_id)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    from warehouse.publish import publish

    publish(settings.working_path, settings.warehouse_path)
    summary = {
        "selected": len(pages) + len(seed_ids),
        "replaced": replaced,
        "mentions": mention_count,
        "positions": len(positions),
        "kept_old_version": len(errors) + len(held),
        "errors": [f"{e.url}: {e.message}" for e in errors],
        "quarantined": sorted(held),
        "seconds": round(time.monotonic() - started, 2),
    }
    (staging / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return summary
