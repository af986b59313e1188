"""Warehouse benchmark: 100,000 generated articles and 5 million mentions; median time of each guide query.

    uv run python -m bench.warehouse_bench [--articles 100000] [--mentions 5000000] [--repeat 5]

Builds the warehouse with the real migrations in a temporary folder (articles made of seed sentences,
mentions and positions spread over the knowledge base's actors), publishes it as the loader does,
then times every example query of ``warehouse/README.md`` and a full-text search, read-only.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from ingest.seeds import load_seeds
from parley.settings import PROJECT_ROOT, SEEDS_DIR
from transforms.actors import load_kb
from warehouse.db import connect
from warehouse.migrate import migrate
from warehouse.publish import publish
from warehouse.search import load_fts


def build(path: Path, articles: int, mentions: int) -> None:
    """Fill a fresh warehouse with generated rows, in SQL (seconds, not minutes)."""
    sentences = [s for a in load_seeds(SEEDS_DIR) for s in re.split(r"(?<=[.!?])\s+", a.text) if len(s) > 40]
    actors = list(load_kb().actors.values())
    with connect(path) as con:
        migrate(con)
        con.execute(
            "create temp table s as select unnest($s) as sentence, generate_subscripts($s, 1) as i", {"s": sentences}
        )
        con.execute(
            "insert into sources (source_id, name, kind, feed_url) select 'src_' || i, 'Source ' || i, "
            "'feed', 'https://example.org/feed/' || i from range(20) t(i)"
        )
        con.execute(
            """insert into articles (article_id, source_id, url, title, published_at, fetched_at, language, text,
                   word_count, text_hash, extractor, extractor_version, is_seed, run_id)
               select printf('%016x', i), 'src_' || (i % 20), 'https://example.org/a/' || i, 'Article ' || i,
                      timestamptz '2025-01-01' + to_minutes(i * 5), timestamptz '2025-01-01' + to_minutes(i * 5),
                      'en', (select string_agg(sentence, ' ') from s where (s.i * 7 + i) % 23 < 3),
                      700, md5(i::varchar), 'bench', '1', false, 'bench'
               from range($n) t(i)""",
            {"n": articles},
        )
        con.execute(
            "insert into entities (entity_id, name, type) select unnest($ids), unnest($names), unnest($types)",
            {"ids": [a.actor_id for a in actors], "names": [a.name for a in actors], "types": [a.type for a in actors]},
        )
        con.execute(
            """insert into entity_mentions (article_id, start_char, end_char, surface, label, normalized, entity_id,
                   tagger)
               select printf('%016x', i % $n), (i // $n) * 40, (i // $n) * 40 + 6, 'Actor', 'GPE', 'Actor',
                      $ids[1 + (hash(i) % len($ids))::int], 'bench'
               from range($m) t(i)""",
            {"n": articles, "m": mentions, "ids": [a.actor_id for a in actors[:60]]},
        )
        con.execute(
            """insert into positions (position_id, article_id, actor_id, stance, topic, polarity, evidence,
                   start_char, end_char, attribution, confidence, extractor)
               select printf('%020x', i), printf('%016x', i % $n), $ids[1 + (hash(i) % len($ids))::int],
                      $stances[1 + (hash(i + 1) % 9)::int], $topics[1 + (hash(i + 2) % 17)::int],
                      if(hash(i + 3) % 4 = 0, 'contra', 'pro'), 'Evidence sentence.', 0, 18, 'stated', 0.7, 'bench'
               from range($p) t(i)""",
            {
                "n": articles,
                "p": articles * 3,
                "ids": [a.actor_id for a in actors[:60]],
                "stances": [
                    "demands",
                    "proposes",
                    "supports",
                    "accepts",
                    "offers",
                    "conditions",
                    "rejects",
                    "opposes",
                    "refuses",
                ],
                "topics": [
                    "ceasefire",
                    "direct_talks",
                    "leaders_meeting",
                    "territory",
                    "nato_membership",
                    "neutrality",
                    "security_guarantees",
                    "sanctions",
                    "military_aid",
                    "mobilization",
                    "pow_exchange",
                    "demilitarization",
                    "regime_change",
                    "mediation",
                    "root_causes",
                    "humanitarian",
                    "relations_normalization",
                ],
            },
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--mentions", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="parley-whbench-"))
    working, published = folder / ".loader" / "warehouse.duckdb", folder / "warehouse.duckdb"
    started = time.perf_counter()
    build(working, args.articles, args.mentions)
    built = time.perf_counter() - started
    started = time.perf_counter()
    publish(working, published)
    print(
        f"built {args.articles:,} articles, {args.mentions:,} mentions, {args.articles * 3:,} positions in "
        f"{built:.1f} s; indexed and published in {time.perf_counter() - started:.1f} s "
        f"({published.stat().st_size / 2**20:.0f} MB)"
    )
    guide = (PROJECT_ROOT / "warehouse" / "README.md").read_text(encoding="utf-8")
    queries = re.findall(r"(?:^|\n)([^\n]+):\n\n```sql\n(.*?)```", guide, re.S)
    with connect(published, read_only=True) as con:
        load_fts(con)
        for title, sql in queries:
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                con.execute(sql).fetchall()
                times.append(time.perf_counter() - t0)
            print(f"{statistics.median(times) * 1000:9.1f} ms  {title.strip()[:90]}")


if __name__ == "__main__":
    main()
