"""What the pipeline reads back from the warehouse before writing: known articles, feed state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from warehouse.db import connect, table_exists

if TYPE_CHECKING:
    from ingest.feeds import FeedState
    from ingest.records import Article
    from transforms.dedup import DuplicateIndex


def known_keys(path: Path) -> frozenset[str]:
    """Canonical URLs and feed GUIDs of stored articles and linked duplicates (empty before the first load)."""
    return _values(
        path,
        "select url from articles union all select feed_guid from articles where feed_guid is not null "
        "union all select url from article_duplicates "
        "union all select feed_guid from article_duplicates where feed_guid is not null",
    )


def duplicate_index(path: Path, candidates: Sequence[Article]) -> DuplicateIndex:
    """Index the stored articles (and duplicate URLs) that these candidates could duplicate.

    Only rows sharing an id, URL or text hash with a candidate, or within ``MAX_DISTANCE`` bits of a
    candidate's SimHash, are read. The SimHash comparison runs in numpy over the stored hashes (about
    3 ms per candidate per million articles), not in a Python loop over every stored article.
    """
    import numpy as np
    import pandas as pd

    from transforms.dedup import MAX_DISTANCE, DuplicateIndex

    if not path.exists() or not candidates:
        return DuplicateIndex()
    batch = pd.DataFrame(
        {
            "article_id": [a.article_id for a in candidates],
            "url": [a.url for a in candidates],
            "text_hash": [a.text_hash for a in candidates],
        }
    )
    sims = np.array([a.simhash for a in candidates if a.simhash is not None], dtype=np.int64)
    with connect(path, read_only=True) as con:
        if not table_exists(con, "articles"):
            return DuplicateIndex()
        stored = con.execute("select rowid, simhash from articles where simhash is not null").fetchnumpy()
        near: set[int] = set()
        for sim in sims:
            close = np.bitwise_count(np.bitwise_xor(stored["simhash"], sim)) <= MAX_DISTANCE
            near.update(int(r) for r in stored["rowid"][close])
        con.register("candidates", batch)
        rows = con.execute(
            """select article_id, url, text_hash, simhash from articles
               where article_id in (select article_id from candidates)
                  or url in (select url from candidates)
                  or text_hash in (select text_hash from candidates)
                  or rowid in (select unnest($near))
               order by loaded_at""",
            {"near": sorted(near)},
        ).fetchall()
        index = DuplicateIndex.from_rows(rows)
        index.keys |= {
            r[0]
            for r in con.execute(
                "select url from article_duplicates where url in (select url from candidates)"
            ).fetchall()
        }
    return index


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


def feed_health(path: Path) -> list[dict[str, object]]:
    """Feed sources with their failure streak and hours since their last new article (for the DQ suite)."""
    if not path.exists():
        return []
    with connect(path, read_only=True) as con:
        if not table_exists(con, "source_health"):
            return []
        rows = con.execute(
            "select source_id, consecutive_failures, hours_since_new_article, paused from source_health "
            "where kind = 'feed'"
        ).fetchall()
    keys = ("source_id", "consecutive_failures", "hours_since_new_article", "paused")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def recent_volumes(path: Path, runs: int = 10) -> list[int]:
    """Return the new articles loaded by each of the last runs whose feeds had new entries (``pipeline_runs``)."""
    if not path.exists():
        return []
    with connect(path, read_only=True) as con:
        if not table_exists(con, "pipeline_runs"):
            return []
        rows = con.execute(
            """select l.items_out from pipeline_runs l
               join pipeline_runs p on p.run_id = l.run_id and p.stage = 'poll' and p.items_out > 0
               where l.stage = 'load' order by l.finished_at desc limit ?""",
            [runs],
        ).fetchall()
    return [int(r[0]) for r in rows]


def last_day_freshness(path: Path, now: datetime) -> tuple[int, float | None, float | None]:
    """Return the last day's articles and their p50 and p95 minutes from first seen to queryable."""
    from warehouse.freshness import freshness

    if not path.exists():
        return (0, None, None)
    with connect(path, read_only=True) as con:
        found = freshness(con, now)
    return (found.articles, found.p50_minutes, found.p95_minutes)


def stored_ids(path: Path, article_ids: list[str]) -> set[str]:
    """Return which of these article ids are stored (none before the first load)."""
    if not path.exists():
        return set()
    with connect(path, read_only=True) as con:
        if not table_exists(con, "articles"):
            return set()
        rows = con.execute(
            "select article_id from articles where article_id in (select unnest($ids))", {"ids": article_ids}
        ).fetchall()
    return {r[0] for r in rows}
