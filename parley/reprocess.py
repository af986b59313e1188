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
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ingest.records import FeedEntry, FetchedPage, RawPage
from parley.locks import warehouse_writer
from parley.settings import SEEDS_DIR, Settings
from warehouse.db import connect

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Selection:
    """Which stored articles to reprocess: one source and/or a publication date range (inclusive)."""

    source: str | None = None
    since: date | None = None
    until: date | None = None


def selection_from_params(params: Mapping[str, Any]) -> Selection:
    """Read a reprocess selection from DAG-run parameters (``source``, ``since``, ``until``; empty = all)."""

    def day(name: str) -> date | None:
        value = params.get(name)
        if value in (None, ""):
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(f"parameter {name!r} must be a date YYYY-MM-DD, got {value!r}") from None

    source = params.get("source") or None
    selection = Selection(str(source) if source else None, day("since"), day("until"))
    if selection.since and selection.until and selection.since > selection.until:
        raise ValueError(f"parameter 'since' ({selection.since}) is after 'until' ({selection.until})")
    return selection


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


def reprocess(
    settings: Settings,
    selection: Selection,
    *,
    run_id: str,
    now: datetime,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Rebuild the selected articles and their mentions from raw pages and seed files; replace them."""
    from expectations.batch import validate_batch
    from ingest.articles import build_articles
    from ingest.language import is_taggable
    from ingest.seeds import load_seeds
    from transforms.analysis import analyze, article_item
    from warehouse.batch import load_quality_rows
    from warehouse.load import (
        index_and_count,
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
    tagged = [a for a in good if is_taggable(a.language)]
    mentions, positions = [], []
    for done, (_, found_mentions, found_positions) in enumerate(analyze(article_item(a) for a in tagged), 1):
        mentions.extend(found_mentions)
        positions.extend(found_positions)
        if on_progress is not None:
            on_progress(done, len(tagged))
    from parley.pipeline import update_dashboard
    from warehouse.publish import publish

    with warehouse_writer(settings.home, f"reprocess {run_id}", wait_seconds=settings.lock_wait_seconds):
        with connect(settings.working_path) as con:
            con.execute("begin transaction")
            try:
                replaced = replace_articles(con, good, run_id)
                mention_count = insert_mentions(con, mentions)
                insert_positions(con, positions)
                index_and_count(con, [a.article_id for a in good])
                insert_errors(con, errors)
                load_quality_rows(con, staging, run_id)
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
        _record_stage(settings, staging, run_id, started, selected=len(pages) + len(seed_ids), replaced=replaced)
        publish(settings.working_path, settings.warehouse_path)
    update_dashboard(settings)
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


def _record_stage(
    settings: Settings, staging: Path, run_id: str, started: float, *, selected: int, replaced: int
) -> None:
    """Add the reprocess run to ``pipeline_runs`` (stage ``reprocess``), beside the ingest runs."""
    from parley.pipeline import peak_rss_mb
    from warehouse.batch import load_stage_stats

    finished = datetime.now(UTC)
    seconds = time.monotonic() - started
    record = {
        "run_id": run_id,
        "stage": "reprocess",
        "started_at": (finished - timedelta(seconds=seconds)).isoformat(),
        "finished_at": finished.isoformat(),
        "status": "success",
        "duration_s": seconds,
        "error": None,
        "peak_rss_mb": peak_rss_mb(),
        "items_in": selected,
        "items_out": replaced,
    }
    stages = staging / "stages"
    stages.mkdir(parents=True, exist_ok=True)
    (stages / "reprocess.json").write_text(json.dumps(record), encoding="utf-8")
    load_stage_stats(settings.working_path, stages, run_id)
