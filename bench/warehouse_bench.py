"""Warehouse benchmark: publishing and the guide's queries at scale.

    uv run python -m bench.warehouse_bench [--articles 100000] [--mentions 5000000] [--repeat 5]

Builds a working warehouse with the real migrations in a temporary folder (articles of about 700 words
drawn from the seeds' sentences, mentions skewed toward the main actors of the knowledge base, three
positions per article), indexes and counts it with the loader's own functions and publishes it once.
Then it times what one scheduled run costs at that size: loading 500 new articles (25,000 mentions,
1,500 positions) with the loader's functions, their search index and actor counts, and the publish
that follows; and a publish with nothing new. Last, the median of every example query of
``warehouse/README.md`` and of a search, through the sandboxed connection ``parley sql`` uses.

The last lines are machine-readable: ``publish_after_500_new_s`` (search index and actor counts of the
500 articles, plus the publish), ``publish_after_nothing_new_s`` and ``slowest_guide_query_ms``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from ingest.records import Article, Mention, Position
from ingest.seeds import load_seeds
from parley.settings import PROJECT_ROOT, SEEDS_DIR
from transforms.actors import load_kb
from warehouse import load
from warehouse.aggregates import count_where
from warehouse.db import connect, connect_sandboxed
from warehouse.migrate import migrate
from warehouse.publish import publish
from warehouse.search import index_all, search

SENTENCES_PER_ARTICLE = 32  # about 700 words
STANCES = ["demands", "proposes", "supports", "accepts", "offers", "conditions", "rejects", "opposes", "refuses"]
TOPICS = [
    "ceasefire",
    "direct_talks",
    "leaders_meeting",
    "territory",
    "nato_membership",
    "neutrality",
    "security_guarantees",
    "sanctions",
    "military_aid",
    "pow_exchange",
    "mediation",
    "root_causes",
    "humanitarian",
]


def sentences() -> list[str]:
    """The seeds' sentences, the material of every generated article."""
    return [s for a in load_seeds(SEEDS_DIR) for s in re.split(r"(?<=[.!?])\s+", a.text) if len(s) > 40]


def build(path: Path, articles: int, mentions: int) -> None:
    """Fill a fresh working warehouse with generated rows in SQL, then index and count them as a load does."""
    pool = sentences()
    actors = list(load_kb().actors.values())[:60]
    with connect(path) as con:
        migrate(con)
        con.execute(
            "insert into sources (source_id, name, kind, feed_url) select 'src_' || i, 'Source ' || i, "
            "'feed', 'https://example.org/feed/' || i from range(20) t(i)"
        )
        con.execute(
            """insert into articles (article_id, source_id, url, title, published_at, fetched_at, language, text,
                   word_count, text_hash, extractor, extractor_version, is_seed, run_id)
               select printf('%016x', i), 'src_' || (i % 20), 'https://example.org/a/' || i, 'Article ' || i,
                      timestamptz '2025-01-01' + to_minutes(i * 5), timestamptz '2025-01-01' + to_minutes(i * 5),
                      'en', array_to_string(list_transform(range($k), j -> $pool[1 + ((i * 7919 + j * 104729)
                      % len($pool))::int]), ' '), 700, md5(i::varchar), 'bench', '1', false, 'bench'
               from range($n) t(i)""",
            {"n": articles, "k": SENTENCES_PER_ARTICLE, "pool": pool},
        )
        con.execute(
            "insert into entities (entity_id, name, type) select unnest($ids), unnest($names), unnest($types)",
            {"ids": [a.actor_id for a in actors], "names": [a.name for a in actors], "types": [a.type for a in actors]},
        )
        # Skewed toward the first actors, as news is: an article names about a dozen actors.
        con.execute(
            """insert into entity_mentions (article_id, start_char, end_char, surface, label, normalized, entity_id,
                   tagger)
               select printf('%016x', i % $n), (i // $n) * 40, (i // $n) * 40 + 6, 'Actor', 'GPE', 'Actor',
                      $ids[1 + floor(len($ids) * pow((hash(i) % 1000000) / 1000000.0, 3))::int], 'bench'
               from range($m) t(i)""",
            {"n": articles, "m": mentions, "ids": [a.actor_id for a in actors]},
        )
        con.execute(
            """insert into positions (position_id, article_id, actor_id, stance, topic, polarity, evidence,
                   start_char, end_char, attribution, confidence, extractor)
               select printf('%020x', i), printf('%016x', i % $n), $ids[1 + (hash(i) % len($ids))::int],
                      $stances[1 + (hash(i + 1) % len($stances))::int], $topics[1 + (hash(i + 2) % len($topics))::int],
                      if(hash(i + 3) % 4 = 0, 'contra', 'pro'), 'Evidence sentence.', 0, 18, 'stated', 0.7, 'bench'
               from range($p) t(i)""",
            {
                "n": articles,
                "p": articles * 3,
                "ids": [a.actor_id for a in actors],
                "stances": STANCES,
                "topics": TOPICS,
            },
        )
        index_all(con)
        count_where(con, "true")


def one_run(path: Path, start: int, pool: list[str], actor_ids: list[str]) -> tuple[float, float]:
    """Load 500 new articles as a run's load does; return (seconds of plain inserts, of index and counts)."""
    now = datetime.now(UTC)
    articles, mentions, positions = [], [], []
    for i in range(start, start + 500):
        text = " ".join(pool[(i * 7919 + j * 104729) % len(pool)] for j in range(SENTENCES_PER_ARTICLE))
        article_id = hashlib.sha256(f"new{i}".encode()).hexdigest()[:16]
        articles.append(
            Article(
                article_id,
                "src_1",
                f"https://example.org/new/{i}",
                f"New article {i}",
                (),
                now,
                now,
                "en",
                None,
                text,
                len(text.split()),
                hashlib.sha256(text.encode()).hexdigest(),
                "bench",
                "1",
                None,
                False,
            )
        )
        mentions += [
            Mention(article_id, k * 20, k * 20 + 6, "Actor", "GPE", "Actor", actor_ids[(i + k * k) % 12], "bench")
            for k in range(50)
        ]
        positions += [
            Position(
                f"n{i:09d}{k}",
                article_id,
                actor_ids[(i + k) % 12],
                "demands",
                TOPICS[(i + k) % len(TOPICS)],
                "pro",
                "Evidence sentence.",
                0,
                18,
                "stated",
                None,
                0.7,
                "bench",
            )
            for k in range(3)
        ]
    with connect(path) as con:
        con.execute("begin transaction")
        started = time.perf_counter()
        new = load.insert_articles(con, articles, "bench_run")
        load.insert_mentions(con, mentions)
        load.insert_positions(con, positions)
        inserted = time.perf_counter() - started
        load.index_and_count(con, new)
        indexed = time.perf_counter() - started - inserted
        con.execute("commit")
    return inserted, indexed


def guide_queries() -> list[tuple[str, str]]:
    """The guide's example queries: (title, SQL)."""
    guide = (PROJECT_ROOT / "warehouse" / "README.md").read_text(encoding="utf-8")
    return [(t.strip(), sql) for t, sql in re.findall(r"(?:^|\n)([^\n]+):\n\n```sql\n(.*?)```", guide, re.S)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--mentions", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="parley-whbench-"))
    working, head = folder / ".loader" / "warehouse.duckdb", folder / "warehouse.duckdb"
    started = time.perf_counter()
    build(working, args.articles, args.mentions)
    built = time.perf_counter() - started
    started = time.perf_counter()
    publish(working, head)
    first = time.perf_counter() - started
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and ".loader" not in p.parts)
    print(
        f"built {args.articles:,} articles, {args.mentions:,} mentions, {args.articles * 3:,} positions, indexed and "
        f"counted in {built:.1f} s; first publish {first:.1f} s ({size / 2**20:.0f} MB published, working file "
        f"{working.stat().st_size / 2**20:.0f} MB)"
    )
    pool = sentences()
    actor_ids = [a.actor_id for a in list(load_kb().actors.values())[:60]]
    inserted, indexed = one_run(working, 0, pool, actor_ids)
    started = time.perf_counter()
    report = publish(working, head)
    published = time.perf_counter() - started
    started = time.perf_counter()
    idle = publish(working, head)
    nothing = time.perf_counter() - started
    print(
        f"a run adding 500 articles: inserts {inserted:.2f} s, search index and actor counts {indexed:.2f} s, "
        f"publish {published:.2f} s ({sum(report.written.values()):,} rows, {len(report.merged)} merged files); "
        f"a publish with nothing new: {nothing:.3f} s (wrote {'something' if idle.published else 'nothing'})"
    )
    slowest = 0.0
    with connect_sandboxed(head) as con:
        for title, sql in guide_queries():
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                con.execute(sql).fetchall()
                times.append(time.perf_counter() - t0)
            median = statistics.median(times) * 1000
            slowest = max(slowest, median)
            print(f"{median:9.1f} ms  {title[:90]}")
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            search(con, "ceasefire Istanbul talks", limit=10)
            times.append(time.perf_counter() - t0)
        median = statistics.median(times) * 1000
        slowest = max(slowest, median)
        print(f"{median:9.1f} ms  parley search 'ceasefire Istanbul talks'")
    print(f"publish_after_500_new_s={indexed + published:.2f}")
    print(f"publish_after_nothing_new_s={nothing:.3f}")
    print(f"slowest_guide_query_ms={slowest:.1f}")


if __name__ == "__main__":
    main()
