"""The duplicate index reads only the stored articles a batch could duplicate, and finds them all."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from ingest.records import Article
from ingest.sources import seed_source
from tests.support.records import web_article
from transforms.dedup import MAX_DISTANCE
from warehouse import load
from warehouse.db import connect
from warehouse.migrate import migrate
from warehouse.state import duplicate_index

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _article(i: int, sim: int) -> Article:
    return web_article(
        hashlib.sha256(f"a{i}".encode()).hexdigest()[:16],
        f"Article {i} about the talks.",
        source_id="seed",
        url=f"https://review.example/a/{i}",
        published_at=NOW,
        simhash=sim,
    )


def test_only_candidates_matches_are_read_and_every_kind_is_found(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    stored = [_article(i, sim) for i, sim in enumerate([0, -1, 0x0F0F_0F0F_0F0F_0F0F, 0x1234_5678_9ABC_DEF0])]
    with connect(path) as con:
        migrate(con)
        load.upsert_sources(con, [seed_source()])
        load.insert_articles(con, stored, "r1")
    near = (1 << MAX_DISTANCE) - 1  # MAX_DISTANCE bits flipped: still the same article
    candidates = [
        replace(_article(10, 0x7777), text_hash=stored[0].text_hash),  # exact copy under another URL
        _article(11, 0x1234_5678_9ABC_DEF0 ^ near),  # near copy of the fourth
        replace(_article(12, 0x5555_5555_5555_5555), url=stored[1].url),  # the same URL again
    ]

    index = duplicate_index(path, candidates)

    assert index.duplicate_of(candidates[0].text_hash, 0x7777).article_id == stored[0].article_id  # type: ignore[union-attr]
    match = index.duplicate_of("other", 0x1234_5678_9ABC_DEF0 ^ near)
    assert match is not None and match.article_id == stored[3].article_id and match.distance == MAX_DISTANCE
    assert index.known("unknown", stored[1].url)
    # The third stored article matches nothing: it is not read.
    assert stored[2].article_id not in index.keys and len(index.hashes) == 3
    assert duplicate_index(path, [_article(13, 0x0F0F_0F0F_0F0F_0F0F ^ (near << 1 | 1))]).hashes == []


def test_indexing_in_chunks_equals_indexing_at_once(tmp_path: Path) -> None:
    from warehouse.search import index_all, index_where

    postings = []
    ways = (("chunks", lambda con: index_all(con, chunk=2)), ("once", lambda con: index_where(con, "true")))
    for name, index in ways:
        with connect(tmp_path / f"{name}.duckdb") as con:
            migrate(con)
            load.upsert_sources(con, [seed_source()])
            load.insert_articles(con, [_article(i, i) for i in range(5)], "r1")
            assert index(con) == 5
            postings.append(con.execute("select article_id, term, tf from search_postings order by all").fetchall())
    assert postings[0] == postings[1] and postings[0]
