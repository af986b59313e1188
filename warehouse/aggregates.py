"""Actor counts maintained per load: how often each actor is mentioned, and which actors share articles.

Counting them from ``entity_mentions`` at query time grows with the warehouse (the guide's "who is
paired with whom" took 4.5 s at 100,000 articles); each load instead adds the contribution of the
articles it stores, and a replacement subtracts that of the articles it replaces, so the cost follows
the rows a load adds. ``actor_mention_counts`` and ``actor_pair_counts`` name them for analysts.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb


def count_articles(con: duckdb.DuckDBPyConnection, article_ids: Iterable[str], *, sign: int = 1) -> None:
    """Add (``sign=1``) or remove (``sign=-1``) these articles' mentions from the actor counts."""
    ids = sorted(set(article_ids))
    if ids:
        count_where(con, "m.article_id in (select unnest($ids))", {"ids": ids}, sign=sign)


def count_where(
    con: duckdb.DuckDBPyConnection, where: str, params: dict[str, object] | None = None, *, sign: int = 1
) -> None:
    """Add or remove the mentions (``m``) matching an SQL condition (``"true"``: all, when building anew)."""
    con.execute(
        f"""create or replace temp table count_batch as
           select m.article_id, m.entity_id, count(*) as mentions
           from entity_mentions m join entities e using (entity_id)
           where {where}
           group by all""",
        params or {},
    )
    try:
        con.execute(
            """insert into actor_totals (actor_id, mentions, articles)
               select entity_id, $sign * sum(mentions), $sign * count(*) from count_batch group by entity_id
               on conflict (actor_id) do update
               set mentions = actor_totals.mentions + excluded.mentions,
                   articles = actor_totals.articles + excluded.articles""",
            {"sign": sign},
        )
        con.execute(
            """insert into actor_pairs (actor_a, actor_b, articles, mentions)
               select x.entity_id, y.entity_id, $sign * count(*), $sign * sum(x.mentions + y.mentions)
               from count_batch x join count_batch y on x.article_id = y.article_id and x.entity_id < y.entity_id
               group by all
               on conflict (actor_a, actor_b) do update
               set articles = actor_pairs.articles + excluded.articles,
                   mentions = actor_pairs.mentions + excluded.mentions""",
            {"sign": sign},
        )
        if sign < 0:
            con.execute("delete from actor_totals where articles <= 0")
            con.execute("delete from actor_pairs where articles <= 0")
    finally:
        con.execute("drop table if exists count_batch")
