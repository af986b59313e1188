"""What the pipeline reads back from the warehouse before writing: known articles, feed state."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.db import connect, table_exists

if TYPE_CHECKING:
    from ingest.feeds import FeedState


def known_keys(path: Path) -> frozenset[str]:
    """Canonical URLs and feed GUIDs of stored articles (empty before the first load)."""
    return _values(
        path, "select url from articles union all select feed_guid from articles where feed_guid is not null"
    )


def stored_articles(path: Path) -> frozenset[str]:
    """Ids, URLs and text hashes of stored articles."""
    return _values(
        path,
        "select article_id from articles union all select url from articles union all select text_hash from articles",
    )


def feed_states(path: Path) -> dict[str, FeedState]:
    """Return the validators and body hash remembered per source."""
    from ingest.feeds import FeedState

    if not path.exists():
        return {}
    with connect(path, read_only=True) as con:
        if not table_exists(con, "sources"):
            return {}
        rows = con.execute(
            "select source_id, etag, last_modified, feed_hash, case when paused then coalesce(paused_reason, "
            "'paused') end, next_poll_at from sources"
        ).fetchall()
    return {
        r[0]: FeedState(etag=r[1], last_modified=r[2], feed_hash=r[3], paused_reason=r[4], next_poll_at=r[5])
        for r in rows
    }


def _values(path: Path, sql: str) -> frozenset[str]:
    if not path.exists():
        return frozenset()
    with connect(path, read_only=True) as con:
        if not table_exists(con, "articles"):
            return frozenset()
        return frozenset(r[0] for r in con.execute(sql).fetchall())
