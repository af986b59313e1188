"""The published warehouse: Parquet files and a head file that always show exactly the working file."""

from __future__ import annotations

import hashlib
import math
import os
import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingest.records import Article, Mention, Position
from ingest.sources import Source, seed_source
from tests.support.records import web_article
from warehouse import load
from warehouse.changes import GROWING_TABLES, SMALL_TABLES
from warehouse.db import connect
from warehouse.migrate import migrate
from warehouse.publish import MAX_TIER, TIER_FANIN, data_dir, publish
from warehouse.search import load_fts, search

NOW = datetime(2026, 11, 1, tzinfo=UTC)
ACTORS = ["Q159", "Q212", "Q30", "Q43", "Q458"]  # Russia, Ukraine, United States, Turkey, European Union
WORDS = ["ceasefire", "talks", "Istanbul", "sanctions", "territory", "prisoners", "exchange", "guarantees"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    with connect(tmp_path / ".loader" / "warehouse.duckdb") as con:
        migrate(con)
        load.upsert_sources(con, [seed_source(), Source("review", "Review", "https://review.example/feed")])
        con.execute(
            "insert into entities (entity_id, name, type) select unnest($ids), unnest($ids), 'state'", {"ids": ACTORS}
        )
    return tmp_path


def _working(folder: Path) -> Path:
    return folder / ".loader" / "warehouse.duckdb"


def _head(folder: Path) -> Path:
    return folder / "warehouse.duckdb"


def _article(i: int, rng: random.Random, *, words: list[str] | None = None) -> Article:
    return web_article(
        hashlib.sha256(f"a{i}".encode()).hexdigest()[:16],
        " ".join(words or rng.choices(WORDS, k=40)) + f". Article number {i}.",
        url=f"https://review.example/a/{i}",
        published_at=NOW + timedelta(hours=i),
        title=f"Article {i}",
        authors=("A. Writer",),
        site_name="Review",
    )


def _mentions(article: Article, rng: random.Random) -> list[Mention]:
    return [
        Mention(article.article_id, k * 3, k * 3 + 2, "xx", "GPE", "xx", rng.choice(ACTORS), "test")
        for k in range(rng.randint(0, 6))
    ]


def _positions(article: Article, rng: random.Random) -> list[Position]:
    return [
        Position(
            f"{article.article_id}{k:04d}",
            article.article_id,
            rng.choice(ACTORS),
            "demands",
            rng.choice(["ceasefire", "territory"]),
            "pro",
            "Evidence.",
            0,
            9,
            "stated",
            None,
            0.7,
            "test",
        )
        for k in range(rng.randint(0, 2))
    ]


def _load(con: duckdb.DuckDBPyConnection, articles: list[Article], run_id: str, rng: random.Random) -> None:
    con.execute("begin transaction")
    new = load.insert_articles(con, articles, run_id)
    load.insert_mentions(con, [m for a in articles if a.article_id in new for m in _mentions(a, rng)])
    load.insert_positions(con, [p for a in articles if a.article_id in new for p in _positions(a, rng)])
    load.index_and_count(con, new)
    runs = pd.DataFrame(
        [
            {
                "run_id": run_id,
                "stage": "load",
                "started_at": NOW,
                "finished_at": NOW,
                "status": "success",
                "items_in": len(articles),
                "items_out": len(new),
                "duration_s": 0.1,
            }
        ]
    )
    load.replace_run_rows(con, "pipeline_runs", runs, run_id)
    con.execute("commit")


def _replace(con: duckdb.DuckDBPyConnection, articles: list[Article], run_id: str, rng: random.Random) -> None:
    con.execute("begin transaction")
    load.replace_articles(con, articles, run_id)
    load.insert_mentions(con, [m for a in articles for m in _mentions(a, rng)])
    load.insert_positions(con, [p for a in articles for p in _positions(a, rng)])
    load.index_and_count(con, [a.article_id for a in articles])
    con.execute("commit")


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    return sorted(con.execute(sql).fetchall(), key=repr)


def _assert_head_equals_working(folder: Path) -> None:
    with connect(_working(folder), read_only=True) as working:
        expected = {table: _rows(working, f"select * exclude (load_seq) from {table}") for table in GROWING_TABLES} | {
            table: _rows(working, f"select * from {table}") for table in SMALL_TABLES
        }
        views = {
            name: _rows(working, f"select * from {name}")
            for name in ("article_actors", "actor_mention_counts", "actor_pair_counts", "positions_enriched")
        }
    with duckdb.connect(str(_head(folder)), read_only=True) as head:
        for table, rows in expected.items():
            assert _rows(head, f"select * from {table}") == rows, table
        for name, rows in views.items():
            assert _rows(head, f"select * from {name}") == rows, name


def _recounted(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple], list[tuple]]:  # type: ignore[type-arg]
    totals = _rows(con, "select entity_id, sum(mentions), count(*) from article_actors group by entity_id")
    pairs = _rows(
        con, "select actor_a, actor_b, count(*), sum(mentions) from actor_cooccurrence group by actor_a, actor_b"
    )
    return totals, pairs


def test_the_head_shows_exactly_the_working_file_through_loads_replacements_and_merges(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("warehouse.publish.TOMBSTONE_LIMIT", 10)
    rng = random.Random(3)
    articles = [_article(i, rng) for i in range(400)]
    reports = []
    with connect(_working(folder)) as con:
        _load(con, articles[:40], "run_000", rng)
    reports.append(publish(_working(folder), _head(folder)))
    _assert_head_equals_working(folder)
    for run in range(1, 3 * TIER_FANIN + 3):
        with connect(_working(folder)) as con:
            _load(con, articles[40 + run * 12 : 52 + run * 12], f"run_{run:03d}", rng)
            if run % 5 == 0:  # an operator reprocesses a few older articles: new texts, new mentions
                changed = [replace(a, text=a.text + " Revised after the summit.") for a in rng.sample(articles[:40], 3)]
                _replace(con, changed, f"reprocess_{run:03d}", rng)
            if run % 7 == 0:  # a run recorded again (Airflow cleared it): its rows are replaced
                _load(con, [], f"run_{run - 1:03d}", rng)
        reports.append(publish(_working(folder), _head(folder)))
        _assert_head_equals_working(folder)
    merged = [path for report in reports for path in report.merged]
    assert any(".t1." in path for path in merged) and any(".t2." not in path for path in merged)
    with connect(_working(folder), read_only=True) as con:
        tiers = con.execute(
            "select table_name, tier, count(*) from published_files where retired_at is null group by all"
        ).fetchall()
        assert all(count < TIER_FANIN or tier == MAX_TIER for _, tier, count in tiers)
        # The maintained counts are what counting everything again gives.
        totals, pairs = _recounted(con)
        assert _rows(con, "select * from actor_totals") == totals
        assert _rows(con, "select * from actor_pairs") == pairs
        # Tombstones that no file needs any more are gone; past the limit, the files they hide rows of are
        # rewritten so they are not needed either.
        per_table = con.execute("select count(*) from publish_tombstones group by table_name").fetchall()
        assert all(count <= 10 for (count,) in per_table)


def test_a_publish_with_nothing_new_writes_nothing(folder: Path) -> None:
    rng = random.Random(4)
    with connect(_working(folder)) as con:
        _load(con, [_article(i, rng) for i in range(10)], "run_1", rng)
    first = publish(_working(folder), _head(folder))
    files = sorted(p for p in data_dir(_head(folder)).rglob("*") if p.is_file())
    stamp = _head(folder).stat().st_mtime_ns
    again = publish(_working(folder), _head(folder))
    assert first.published and not again.published and again.generation == first.generation
    assert sorted(p for p in data_dir(_head(folder)).rglob("*") if p.is_file()) == files
    assert _head(folder).stat().st_mtime_ns == stamp
    # A lost head file (a crash before its rename) is rebuilt even with nothing new.
    _head(folder).unlink()
    rebuilt = publish(_working(folder), _head(folder))
    assert rebuilt.published and rebuilt.generation == first.generation
    _assert_head_equals_working(folder)


def test_a_moved_data_folder_is_published_again(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    rng = random.Random(8)
    with connect(_working(folder)) as con:
        _load(con, [_article(i, rng) for i in range(5)], "run_1", rng)
    publish(_working(folder), _head(folder))
    moved = tmp_path_factory.mktemp("moved") / "data"
    folder.rename(moved)
    assert publish(_working(moved), _head(moved)).published
    _assert_head_equals_working(moved)


def test_a_publish_writes_in_proportion_to_the_new_rows(folder: Path) -> None:
    rng = random.Random(5)
    with connect(_working(folder)) as con:
        _load(con, [_article(i, rng) for i in range(300)], "run_1", rng)
    publish(_working(folder), _head(folder))
    with connect(_working(folder)) as con:
        _load(con, [_article(i, rng) for i in range(300, 305)], "run_2", rng)
    report = publish(_working(folder), _head(folder))
    assert report.written["articles"] == 5 and report.written["search_documents"] == 5
    assert report.written["pipeline_runs"] == 1 and "sources" not in report.written


def test_an_open_session_keeps_its_view_and_its_files(folder: Path) -> None:
    rng = random.Random(6)
    with connect(_working(folder)) as con:
        _load(con, [_article(i, rng) for i in range(8)], "run_0", rng)
    publish(_working(folder), _head(folder))
    session = duckdb.connect(str(_head(folder)), read_only=True)
    try:
        before = session.execute("select count(*) from articles").fetchone()
        for run in range(1, TIER_FANIN + 2):  # enough publishes to merge the session's files away
            with connect(_working(folder)) as con:
                _load(con, [_article(100 + run, rng)], f"run_{run}", rng)
            publish(_working(folder), _head(folder))
        assert session.execute("select count(*) from articles").fetchone() == before
    finally:
        session.close()
    with duckdb.connect(str(_head(folder)), read_only=True) as fresh:
        assert fresh.execute("select count(*) from articles").fetchone() == (8 + TIER_FANIN + 1,)
    # Once no session can use them (grace over), retired files and leftovers of a crashed publish go.
    stray = data_dir(_head(folder)) / "articles" / "000000000001-000000000002.t0.parquet"
    stray.write_bytes(b"PAR1")
    os.utime(stray, (time.time() - 7200, time.time() - 7200))
    with connect(_working(folder)) as con:
        _load(con, [_article(999, rng)], "run_last", rng)
    report = publish(_working(folder), _head(folder), grace=timedelta(0))
    assert report.deleted_files > TIER_FANIN and not stray.exists()
    with connect(_working(folder), read_only=True) as con:
        listed = {r[0] for r in con.execute("select path from published_files").fetchall()}
    on_disk = {p.relative_to(data_dir(_head(folder))).as_posix() for p in data_dir(_head(folder)).rglob("*.parquet")}
    assert listed == on_disk
    _assert_head_equals_working(folder)


def test_search_ranks_stems_and_forgets_replaced_text(folder: Path) -> None:
    rng = random.Random(7)
    texts = {
        0: "Kyiv proposed a thirty-day ceasefire; Moscow rejected the ceasefire and demanded territory.",
        1: "Sanctions on Russian oil were discussed in Brussels.",
        2: "Prisoner exchanges continued while ceasefires were debated.",
    }
    articles = [_article(i, rng, words=text.split()) for i, text in texts.items()]
    with connect(_working(folder)) as con:
        _load(con, articles, "run_1", rng)
    publish(_working(folder), _head(folder))
    with duckdb.connect(str(_head(folder)), read_only=True) as con:
        hits = search(con, "ceasefire")
        assert [h.article_id for h in hits] == [articles[0].article_id, articles[2].article_id]
        assert [h.article_id for h in search(con, "the sanctions")] == [articles[1].article_id]
        assert search(con, "the of and") == []
    with connect(_working(folder)) as con:
        _replace(con, [replace(articles[1], text="Grain shipments from Odesa resumed.")], "reprocess_1", rng)
    publish(_working(folder), _head(folder))
    with duckdb.connect(str(_head(folder)), read_only=True) as con:
        assert search(con, "sanctions") == []
        assert [h.article_id for h in search(con, "grain Odesa")] == [articles[1].article_id]


def test_search_scores_are_okapi_bm25(folder: Path) -> None:
    rng = random.Random(11)
    texts = [
        "ceasefire ceasefire talks in Geneva",
        "a long report on sanctions, grain, shipping, energy and one ceasefire among many other things",
        "talks resumed",
        "nothing relevant here at all",
    ]
    articles = [_article(i, rng, words=text.split()) for i, text in enumerate(texts)]
    with connect(_working(folder)) as con:
        _load(con, articles, "run_1", rng)
    publish(_working(folder), _head(folder))
    with duckdb.connect(str(_head(folder)), read_only=True) as con:
        load_fts(con)
        got = dict(con.execute("select article_id, score from search_articles('ceasefire talks')").fetchall())
        lengths = dict(con.execute("select article_id, length from search_documents").fetchall())
        postings = con.execute(
            "select article_id, term, tf from search_postings where term in ('ceasefir', 'talk')"
        ).fetchall()
    mean = sum(lengths.values()) / len(lengths)
    df = {t: sum(1 for _, term, _ in postings if term == t) for t in ("ceasefir", "talk")}
    expected: dict[str, float] = {}
    for article_id, term, tf in postings:
        idf = math.log(1 + (len(lengths) - df[term] + 0.5) / (df[term] + 0.5))
        norm = tf + 1.2 * (0.25 + 0.75 * lengths[article_id] / mean)
        expected[article_id] = expected.get(article_id, 0.0) + idf * tf * 2.2 / norm
    assert got.keys() == expected.keys() == {a.article_id for a in articles[:3]}
    assert all(got[a] == pytest.approx(expected[a], rel=1e-12) for a in got)


def test_freshness_is_recorded_once_per_article_when_first_published(folder: Path) -> None:
    from warehouse.freshness import freshness, freshness_limit

    rng = random.Random(7)
    seen = datetime.now(UTC) - timedelta(minutes=10)
    with connect(_working(folder)) as con:
        load.insert_articles(con, [_article(i, rng) for i in range(4)], "r1", first_seen=seen)
        load.insert_articles(con, [replace(_article(9, rng), is_seed=True)], "r1", first_seen=seen)
    publish(_working(folder), _head(folder))
    with connect(_working(folder)) as con:
        load.insert_articles(con, [_article(i, rng) for i in range(4, 6)], "r2", first_seen=seen)
    publish(_working(folder), _head(folder))
    publish(_working(folder), _head(folder))

    with connect(_head(folder), read_only=True) as con:
        rows = con.execute("select article_id, epoch(queryable_at) - epoch(first_seen_at) from article_freshness")
        lags = dict(rows.fetchall())
        found = freshness(con, datetime.now(UTC))
    assert len(lags) == 6 and all(9 * 60 < lag < 11 * 60 for lag in lags.values())  # the seed has none
    assert found.articles == 6 and 9 < found.p50_minutes < 11 and 9 < found.p95_minutes < 11
    assert freshness_limit("*/30 * * * *", NOW) == timedelta(minutes=35)
    assert freshness_limit("0 6 * * *", NOW) == timedelta(hours=24, minutes=5)
