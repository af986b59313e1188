"""``parley quarantine``: the pages held back by failures, and an operator's release or drop of one.

``release`` loads a quarantined page anyway (rebuilt from its stored raw body, tagged, loaded without
the quality gate); ``drop`` stops trying it until its feed entry changes. Each decision is recorded in
``quarantine_decisions`` with who made it and why.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from parley.locks import warehouse_writer
from parley.settings import Settings
from parley.sources_cli import format_table
from warehouse.db import connect, table_exists

logger = logging.getLogger(__name__)
LIST_COLUMNS = ("status", "stage", "attempts", "first failed", "next attempt", "url", "reason")


class QuarantineError(ValueError):
    """The operator's request cannot be carried out; the message says why and what to do."""


def list_rows(warehouse: Path, *, include_closed: bool = False) -> list[tuple[str, ...]]:
    """Return one display row per remembered failed page, quarantined first, newest first."""
    if not warehouse.exists():
        return []
    with connect(warehouse, read_only=True) as con:
        if not table_exists(con, "failed_items"):
            return []
        rows = con.execute(
            f"""select status, stage, attempts::varchar, strftime(first_failed_at, '%Y-%m-%d %H:%M'),
                       coalesce(strftime(next_attempt_at, '%Y-%m-%d %H:%M'),
                                case when status = 'dropped' then 'when its entry changes' else '-' end),
                       url, left(replace(reason, chr(10), ' '), 100)
                from failed_items {"" if include_closed else "where status <> 'released'"}
                order by status = 'quarantined' desc, last_failed_at desc"""
        ).fetchall()
    return [tuple(str(v) for v in row) for row in rows]


def format_list(rows: list[tuple[str, ...]]) -> str:
    """Render the failed pages, or say there are none."""
    return format_table(LIST_COLUMNS, rows) if rows else "no page is held in quarantine or failing"


def decide(settings: Settings, key: str, action: str, *, by: str, reason: str) -> str:
    """Release or drop a held page (by URL or article id); record the decision; publish. Return a summary line."""
    if not reason.strip():
        raise QuarantineError("say why with --reason: the decision is recorded for whoever looks later")
    if not settings.working_path.exists():
        raise QuarantineError(f"no warehouse at {settings.working_path}")
    from parley.pipeline import update_dashboard
    from warehouse.publish import publish

    with warehouse_writer(settings.home, f"quarantine {action} {key}", wait_seconds=settings.lock_wait_seconds):
        with connect(settings.working_path) as con:
            item = _find(con, key)
            con.execute("begin transaction")
            try:
                summary = _release(con, settings, item) if action == "release" else _drop(con, item)
                con.execute(
                    "insert into quarantine_decisions values (?, ?, ?, ?, ?, ?)",
                    [datetime.now(UTC), item["url"], item["article_id"], action, by, reason.strip()],
                )
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
        publish(settings.working_path, settings.warehouse_path)
    update_dashboard(settings)
    return summary


def _find(con: Any, key: str) -> dict[str, Any]:
    if not table_exists(con, "failed_items"):
        raise QuarantineError("nothing has failed yet")
    from ingest.urls import canonical_url

    cursor = con.execute(
        "select * from failed_items where url = $key or url = $canonical or article_id = $key",
        {"key": key, "canonical": canonical_url(key) if key.startswith(("http://", "https://")) else key},
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if not rows:
        raise QuarantineError(f"no held page matches {key!r}: see `parley quarantine list`")
    return rows[0]


def _drop(con: Any, item: dict[str, Any]) -> str:
    if item["status"] == "released":
        raise QuarantineError(f"{item['url']} was released and is loaded; nothing to drop")
    con.execute("update failed_items set status = 'dropped', next_attempt_at = null where url = ?", [item["url"]])
    return f"dropped {item['url']}: not fetched again until its feed entry changes"


def _release(con: Any, settings: Settings, item: dict[str, Any]) -> str:
    """Rebuild the article from its stored body, tag it and load it, bypassing the quality gate."""
    from ingest.articles import build_articles
    from ingest.language import is_taggable
    from ingest.records import FetchedPage, RawPage
    from transforms.analysis import analyze, article_item
    from warehouse.failures import entry_of
    from warehouse.load import index_and_count, insert_articles, insert_mentions, insert_positions

    if item["status"] == "released":
        raise QuarantineError(f"{item['url']} is already released")
    if item["stage"] != "quality" or not item["raw_id"]:
        raise QuarantineError(
            f"{item['url']} failed at {item['stage']} ({item['error_class']}): there is no article to load; "
            "it is tried again when its feed entry changes or its retry comes, or drop it"
        )
    raw = con.execute(
        "select raw_id, url, final_url, http_status, content_type, byte_count, path, fetched_at, charset "
        "from raw_pages where raw_id = ?",
        [item["raw_id"]],
    ).fetchone()
    if raw is None:
        raise QuarantineError(f"the stored body of {item['url']} ({item['raw_id']}) is gone; drop it instead")
    page = FetchedPage(entry_of(item["entry_json"]), RawPage(*raw), raw[8])
    run_id = f"release__{datetime.now(UTC).isoformat(timespec='seconds')}"
    articles, errors = build_articles(
        [page], home=settings.home, run_id=run_id, now=datetime.now(UTC), timeout_s=settings.extract_timeout, workers=1
    )
    if not articles:
        raise QuarantineError(f"{item['url']} no longer yields an article: {errors[0].message if errors else '?'}")
    article = articles[0]
    mentions, positions = [], []
    if is_taggable(article.language):
        for _, found_mentions, found_positions in analyze([article_item(article)]):
            mentions, positions = found_mentions, found_positions
    loaded = insert_articles(con, [article], run_id)
    insert_mentions(con, [m for m in mentions if m.article_id in loaded])
    insert_positions(con, [p for p in positions if p.article_id in loaded])
    index_and_count(con, loaded)
    con.execute("update failed_items set status = 'released', next_attempt_at = null where url = ?", [item["url"]])
    if not loaded:
        return f"released {item['url']}: its article {article.article_id} was already stored"
    return f"released {item['url']}: loaded as article {article.article_id} ({len(mentions)} mentions)"
