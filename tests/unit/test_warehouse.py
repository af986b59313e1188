from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.records import FeedPoll
from ingest.seeds import load_seeds
from ingest.sources import Source, seed_source
from parley.settings import SEEDS_DIR
from transforms.entities import extract_entities
from warehouse import load
from warehouse.db import connect
from warehouse.migrate import MIGRATIONS_DIR, migrate, pending_migrations

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture
def con(tmp_path: Path):  # type: ignore[no-untyped-def]
    with connect(tmp_path / "t.duckdb") as connection:
        migrate(connection)
        yield connection


def test_migrations_apply_once_and_are_recorded(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        applied = migrate(con)
        assert applied == [p.stem for p in sorted(MIGRATIONS_DIR.glob("*.sql"))]
        assert migrate(con) == [] and pending_migrations(con) == []
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {
        "sources",
        "feed_polls",
        "articles",
        "raw_pages",
        "entity_mentions",
        "positions",
        "dq_results",
        "pipeline_runs",
        "ingest_errors",
        "schema_migrations",
    } <= tables


def test_keys_are_declared(con) -> None:  # type: ignore[no-untyped-def]
    constraints = con.execute("select table_name, constraint_type from information_schema.table_constraints").fetchall()
    assert ("articles", "PRIMARY KEY") in constraints and ("entity_mentions", "FOREIGN KEY") in constraints
    assert ("articles", "UNIQUE") in constraints and ("feed_polls", "FOREIGN KEY") in constraints


def test_article_load_is_idempotent_and_keeps_the_first_copy(con) -> None:  # type: ignore[no-untyped-def]
    seeds = load_seeds(SEEDS_DIR)
    load.upsert_sources(con, [seed_source()])
    assert load.insert_articles(con, seeds, "run1") == {a.article_id for a in seeds}
    changed = [replace(a, title="changed") for a in seeds]
    assert load.insert_articles(con, changed + seeds, "run2") == set()
    assert con.execute("select count(*), count(*) filter (where title = 'changed') from articles").fetchone() == (5, 0)
    mentions = list(extract_entities([(a.article_id, a.text) for a in seeds[:1]]))
    assert load.insert_mentions(con, mentions) == len(mentions) > 0
    assert load.insert_mentions(con, mentions) == 0


def test_polls_update_source_health(con) -> None:  # type: ignore[no-untyped-def]
    load.upsert_sources(con, [Source("s", "S", "https://x.org/feed")])
    failed = FeedPoll("r1|s", "r1", "s", NOW, "failed", error_class="network", error="boom")
    assert load.insert_polls(con, [failed]) == 1 and load.insert_polls(con, [failed]) == 0
    later = replace(failed, poll_id="r2|s", run_id="r2", polled_at=NOW.replace(hour=1))
    load.insert_polls(con, [later])
    assert con.execute("select consecutive_failures, last_error from sources").fetchone() == (2, "boom")
    ok = FeedPoll("r3|s", "r3", "s", NOW.replace(hour=2), "ok", etag='"v1"', feed_hash="h")
    load.insert_polls(con, [ok])
    assert con.execute(
        "select consecutive_failures, etag, feed_hash, last_success_at is not null from sources"
    ).fetchone() == (0, '"v1"', "h", True)


def test_sources_keep_health_when_the_file_changes(con) -> None:  # type: ignore[no-untyped-def]
    load.upsert_sources(con, [Source("s", "S", "https://x.org/feed")])
    con.execute("update sources set consecutive_failures = 3")
    assert load.upsert_sources(con, [Source("s", "S renamed", "https://x.org/feed2")]) == 0
    assert con.execute("select name, feed_url, consecutive_failures from sources").fetchone() == (
        "S renamed",
        "https://x.org/feed2",
        3,
    )


def test_failing_source_backs_off_exponentially_then_pauses(con) -> None:  # type: ignore[no-untyped-def]
    load.upsert_sources(con, [Source("s", "S", "https://x.org/feed")])
    policy = load.HealthPolicy(base_minutes=30, pause_after=3)
    gaps = []
    for i in range(3):
        polled = NOW.replace(hour=i)
        poll = FeedPoll(f"r{i}|s", f"r{i}", "s", polled, "failed", error_class="network", error=f"boom {i}")
        load.insert_polls(con, [poll], policy)
        next_at, paused = con.execute("select next_poll_at, paused from sources").fetchone()
        gaps.append(((next_at - polled).total_seconds() / 60, paused))
    assert gaps == [(30, False), (60, False), (120, True)]
    reason = con.execute("select paused_reason from sources").fetchone()[0]
    assert reason == "3 consecutive failures; last: boom 2"
    assert load.resume_source(con, "s") and not load.resume_source(con, "nope")
    assert con.execute("select paused, consecutive_failures, next_poll_at from sources").fetchone() == (
        False,
        0,
        None,
    )


def test_skipped_polls_do_not_touch_health(con) -> None:  # type: ignore[no-untyped-def]
    load.upsert_sources(con, [Source("s", "S", "https://x.org/feed")])
    load.insert_polls(con, [FeedPoll("r1|s", "r1", "s", NOW, "failed", error="boom")])
    load.insert_polls(con, [FeedPoll("r2|s", "r2", "s", NOW.replace(hour=1), "skipped", error="backing off")])
    assert con.execute("select consecutive_failures, last_error from sources").fetchone() == (1, "boom")


def test_a_process_killed_right_after_migrating_leaves_a_file_that_opens(tmp_path: Path) -> None:
    import subprocess
    import sys

    import duckdb

    path = tmp_path / "w.duckdb"
    code = (
        "import os, duckdb; from warehouse.migrate import migrate; "
        f"con = duckdb.connect({str(path)!r}); migrate(con); "
        "con.execute('begin transaction'); "
        "con.execute(\"insert into sources (source_id, name, kind) values ('x', 'x', 'feed')\"); "
        "os._exit(9)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 9
    with duckdb.connect(str(path)) as con:
        assert con.execute("select count(*) from sources").fetchone() == (0,)
