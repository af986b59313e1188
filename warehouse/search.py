"""Full-text search over article titles and texts with DuckDB's FTS extension, loaded from its package."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import duckdb_extension_fts

from warehouse.db import table_exists


def fts_extension_path() -> Path:
    """Locate the FTS binary shipped by the ``duckdb-extension-fts`` package for this DuckDB version."""
    root = Path(duckdb_extension_fts.__file__).parent / "extensions"
    matches = sorted(root.glob(f"v{duckdb.__version__}/fts.duckdb_extension")) or sorted(root.glob("*/fts.*"))
    if not matches:
        raise FileNotFoundError(f"no FTS extension for DuckDB {duckdb.__version__} under {root}")
    return matches[0]


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the FTS extension from the package folder (nothing is downloaded)."""
    con.execute(f"load '{fts_extension_path()}'")


def rebuild_search_index(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the BM25 index over ``articles(title, text)``; called after every load."""
    if not table_exists(con, "articles"):
        return
    load_fts(con)
    con.execute(
        "pragma create_fts_index('articles', 'article_id', 'title', 'text', stemmer = 'english', "
        "stopwords = 'english', overwrite = 1)"
    )


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    score: float
    article_id: str
    title: str | None
    source_id: str
    published: datetime | None
    url: str
    snippet: str


SEARCH_SQL = """
select fts_main_articles.match_bm25(article_id, $query) as score, article_id, title, source_id,
       coalesce(published_at, fetched_at) as published, url, text
from articles
where score is not null
  and ($since is null or coalesce(published_at, fetched_at) >= $since)
  and ($source is null or source_id = $source)
order by score desc
limit $limit
"""


def search(
    con: duckdb.DuckDBPyConnection,
    query: str,
    *,
    since: date | None = None,
    source: str | None = None,
    limit: int = 10,
) -> list[Hit]:
    """Rank articles by BM25 on title and text; filter by date and source."""
    load_fts(con)
    rows = con.execute(SEARCH_SQL, {"query": query, "since": since, "source": source, "limit": limit}).fetchall()
    terms = [t.lower() for t in query.split() if len(t) > 2]
    return [Hit(r[0], r[1], r[2], r[3], r[4], r[5], snippet(r[6], terms)) for r in rows]


def snippet(text: str, terms: list[str], width: int = 220) -> str:
    """Return the passage around the first query term, on one line."""
    lower = text.lower()
    positions = [lower.find(t) for t in terms if lower.find(t) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    passage = " ".join(text[start : start + width].split())
    return ("…" if start else "") + passage + ("…" if start + width < len(text) else "")
