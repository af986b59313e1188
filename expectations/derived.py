"""Batch DataFrames for validation, with the cross-table facts each suite checks as plain columns.

Great Expectations checks one table at a time; whether a mention's offsets slice its article's text,
or a position's evidence is in its article, needs the article. So the facts are computed here, as
boolean columns, and the suites expect them to be true.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ingest.records import Article, Mention, Position


def mentions_frame(mentions: Sequence[Mention], articles: Sequence[Article], known_ids: set[str]) -> pd.DataFrame:
    """Mentions with ``within_text``, ``slices_surface``, ``entity_known`` and their ``article_url``."""
    from ingest.records import Mention
    from warehouse.load import frame

    texts = {a.article_id: a.text for a in articles}
    urls = {a.article_id: a.url for a in articles}
    df = frame(mentions, Mention)
    df["article_url"] = [urls.get(m.article_id) for m in mentions]
    df["within_text"] = [
        m.article_id in texts and 0 <= m.start_char < m.end_char <= len(texts[m.article_id]) for m in mentions
    ]
    df["slices_surface"] = [texts.get(m.article_id, "")[m.start_char : m.end_char] == m.surface for m in mentions]
    df["entity_known"] = [m.entity_id is None or m.entity_id in known_ids for m in mentions]
    return df


def positions_frame(positions: Sequence[Position], articles: Sequence[Article], known_ids: set[str]) -> pd.DataFrame:
    """Positions with ``evidence_in_article``, ``actor_known`` and their ``article_url``."""
    from ingest.records import Position
    from warehouse.load import frame

    texts = {a.article_id: a.text for a in articles}
    urls = {a.article_id: a.url for a in articles}
    df = frame(positions, Position)
    df["article_url"] = [urls.get(p.article_id) for p in positions]
    df["evidence_in_article"] = [
        texts.get(p.article_id, "")[p.start_char : p.end_char] == p.evidence and bool(p.evidence) for p in positions
    ]
    df["actor_known"] = [p.actor_id in known_ids for p in positions]
    return df


def volume_frame(batch_articles: int, recent: Sequence[int]) -> pd.DataFrame:
    """One row: this run's new articles against the median of recent runs (``ratio``; 1.0 with no history)."""
    import pandas as pd

    usual = sorted(recent)[len(recent) // 2] if recent else None
    ratio = batch_articles / usual if usual else 1.0
    return pd.DataFrame([{"batch_articles": batch_articles, "usual_articles": usual, "ratio": ratio}])


def sources_frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Feed sources with ``consecutive_failures`` and ``hours_since_new_article`` (from the warehouse)."""
    import pandas as pd

    columns = ["source_id", "consecutive_failures", "hours_since_new_article", "paused"]
    return pd.DataFrame.from_records(list(rows), columns=columns)


def freshness_frame(articles: int, p50_minutes: float | None, p95_minutes: float | None) -> pd.DataFrame:
    """One row: the last day's minutes from first seen in a feed to queryable (median and 95th percentile)."""
    import pandas as pd

    return pd.DataFrame([{"articles": articles, "p50_minutes": p50_minutes, "p95_minutes": p95_minutes}])
