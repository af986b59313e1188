"""Full-text search: a BM25 index over article titles and texts, kept in step with each load.

The index is two plain tables, ``search_documents`` (indexed words per article) and ``search_postings``
(how often each Snowball-stemmed word occurs in an article), written for the articles a load adds and
removed with the articles it replaces. So indexing costs time in proportion to the new articles, and
the published warehouse carries the index as Parquet like any other table. The DuckDB FTS extension
(loaded from its PyPI package: nothing is downloaded) provides the stemmer.

Ranking is Okapi BM25 (k1 = 1.2, b = 0.75, the FTS extension's defaults), in the table macro
``search_articles(query)`` that analysts and ``parley search`` share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import duckdb_extension_fts

# Words too common to rank anything: English function words, contraction pieces and single letters.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves also said says say s t d ll m re ve don doesn didn isn wasn weren won
    b c e f g h j k l n o p q r u v w x y z""".split()  # noqa: SIM905 (a word list reads better as prose)
)
# Letters and digits of any script make words; everything else separates them.
_WORDS_SQL = r"regexp_split_to_array(lower(strip_accents({text})), '[^\p{{L}}\p{{N}}]+')"
MAX_WORD_CHARS = 40


def fts_extension_path() -> Path:
    """Locate the FTS binary shipped by the ``duckdb-extension-fts`` package for this DuckDB version."""
    root = Path(duckdb_extension_fts.__file__).parent / "extensions"
    matches = sorted(root.glob(f"v{duckdb.__version__}/fts.duckdb_extension")) or sorted(root.glob("*/fts.*"))
    if not matches:
        raise FileNotFoundError(f"no FTS extension for DuckDB {duckdb.__version__} under {root}")
    return matches[0]


def load_fts(con: duckdb.DuckDBPyConnection) -> None:
    """Load the FTS extension (its ``stem`` function) from the package folder; nothing is downloaded."""
    con.execute(f"load '{fts_extension_path()}'")


def index_articles(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str]) -> int:
    """Index these stored articles (inside the caller's transaction); return how many were indexed."""
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    return index_where(con, "article_id in (select unnest($ids))", {"ids": ids})


def index_all(con: duckdb.DuckDBPyConnection, chunk: int = 50_000) -> int:
    """Index every stored article, ``chunk`` articles at a time so memory stays bounded; return how many."""
    row = con.execute("select min(rowid), max(rowid) from articles").fetchone()
    if not row or row[0] is None:
        return 0
    first, last = int(row[0]), int(row[1])
    return sum(
        index_where(con, "rowid >= $lo and rowid < $hi", {"lo": lo, "hi": lo + chunk})
        for lo in range(first, last + 1, chunk)
    )


def index_where(con: duckdb.DuckDBPyConnection, where: str, params: dict[str, object] | None = None) -> int:
    """Index the stored articles matching an SQL condition (``"true"``: all of them, when building anew)."""
    load_fts(con)
    con.execute(
        f"""create or replace temp table search_batch_words as
            select article_id, word, count(*)::integer as tf
            from (select article_id, unnest({_WORDS_SQL.format(text="coalesce(title, '') || ' ' || text")}) as word
                  from articles where {where})
            where word <> '' and length(word) <= $max_chars and word not in (select unnest($stop))
            group by all""",
        {**(params or {}), "stop": sorted(STOPWORDS), "max_chars": MAX_WORD_CHARS},
    )
    try:
        # Stem each distinct word once, not each of its occurrences.
        con.execute(
            """create or replace temp table search_batch_stems as
               select word, stem(word, 'english') as term from (select distinct word from search_batch_words)"""
        )
        con.execute(
            """insert into search_postings (article_id, term, tf)
               select w.article_id, s.term, sum(w.tf)::integer
               from search_batch_words w join search_batch_stems s using (word) group by all order by s.term"""
        )
        row = con.execute(
            """insert into search_documents (article_id, length)
               select article_id, sum(tf)::integer from search_batch_words group by all"""
        ).fetchone()
    finally:
        con.execute("drop table if exists search_batch_words")
        con.execute("drop table if exists search_batch_stems")
    return int(row[0]) if row else 0


# BM25 over the index; the query is split, filtered and stemmed exactly as the articles were. Each
# term's idf is computed once, and every per-row operand is a double: with DuckDB's decimal literals
# the per-posting arithmetic ran in DECIMAL and cost as much as the join (1 M articles: 1.08 -> 0.92 s).
SEARCH_MACRO_SQL = f"""
create or replace macro search_articles(query_text) as table
with query_terms as (
    select distinct stem(word, 'english') as term
    from (select unnest({_WORDS_SQL.format(text="query_text")}) as word)
    where word <> '' and length(word) <= {MAX_WORD_CHARS}
      and word not in ({", ".join(f"'{w}'" for w in sorted(STOPWORDS))})
),
collection as (select count(*)::double as documents, avg(length)::double as mean_length from search_documents),
matched as (
    select p.article_id, p.term, p.tf::double as tf
    from search_postings p where p.term in (select term from query_terms)
),
weights as (
    select f.term, ln(1 + (c.documents - f.df + 0.5) / (f.df + 0.5)) as idf
    from (select term, count(*)::double as df from matched group by term) f cross join collection c
)
select m.article_id,
       sum(w.idf * m.tf * 2.2 / (m.tf + 1.2 * (0.25 + 0.75 * d.length::double / c.mean_length))) as score
from matched m
join weights w using (term)
join search_documents d using (article_id)
cross join collection c
group by m.article_id
"""


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


# The best few first; their metadata and texts (for snippets) then by a constant list of ids. Joining
# the matches with articles would read the title, URL and text columns of every match.
BEST_SQL = """
select s.article_id, s.score from search_articles($query) s
{filter}
order by s.score desc, s.article_id
limit $limit
"""
FILTER_SQL = """
join articles a using (article_id)
where ($since is null or coalesce(a.published_at, a.fetched_at) >= $since)
  and ($source is null or a.source_id = $source)
"""
DETAILS_SQL = """
select article_id, title, source_id, coalesce(published_at, fetched_at) as published, url, text
from articles where article_id in ({ids})
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
    filtered = since is not None or source is not None
    params: dict[str, object] = {"query": query, "limit": limit}
    if filtered:
        params |= {"since": since, "source": source}
    best = con.execute(BEST_SQL.format(filter=FILTER_SQL if filtered else ""), params).fetchall()
    if not best:
        return []
    ids = [article_id for article_id, _ in best]
    details = {r[0]: r for r in con.execute(DETAILS_SQL.format(ids=", ".join("?" * len(ids))), ids).fetchall()}
    terms = [t.lower() for t in query.split() if len(t) > 2]
    hits = []
    for article_id, score in best:
        if article_id in details:
            _, title, source_id, published, url, text = details[article_id]
            hits.append(Hit(score, article_id, title, source_id, published, url, snippet(text, terms)))
    return hits


def snippet(text: str, terms: list[str], width: int = 220) -> str:
    """Return the passage around the first query term, on one line."""
    lower = text.lower()
    positions = [lower.find(t) for t in terms if lower.find(t) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    passage = " ".join(text[start : start + width].split())
    return ("…" if start else "") + passage + ("…" if start + width < len(text) else "")
