"""Apply the versioned schema files in ``warehouse/migrations`` in order, once each."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

import duckdb

logger = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def pending_migrations(con: duckdb.DuckDBPyConnection) -> list[Path]:
    """List the migration files not yet recorded in ``schema_migrations``."""
    _ensure_version_table(con)
    applied = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    return [p for p in sorted(MIGRATIONS_DIR.glob("*.sql")) if p.stem not in applied]


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending migrations, each in its own transaction; return the versions applied."""
    done = []
    for path in pending_migrations(con):
        sql = path.read_text(encoding="utf-8")
        con.execute("begin transaction")
        try:
            con.execute(sql)
            if path.stem in BACKFILLS:
                BACKFILLS[path.stem](con)
            con.execute(
                "insert into schema_migrations (version, checksum) values (?, ?)",
                [path.stem, hashlib.sha256(sql.encode()).hexdigest()],
            )
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        # Schema changes go to the database file now, not only to its write-ahead log: DuckDB 1.5 fails to
        # replay an ALTER TABLE of a table that views use from the log after a crash ("GetDefaultDatabase
        # with no default database set"), and the loader's file would not open again.
        con.execute("checkpoint")
        logger.info("applied migration %s", path.stem)
        done.append(path.stem)
    return done


def _index_and_count_stored_articles(con: duckdb.DuckDBPyConnection) -> None:
    from warehouse.aggregates import count_where
    from warehouse.search import index_all

    index_all(con)
    count_where(con, "true")


# Data a schema change needs computed, run in the migration's transaction.
BACKFILLS: dict[str, Callable[[duckdb.DuckDBPyConnection], None]] = {
    "20261202_0100_incremental_publish": _index_and_count_stored_articles,
}


def _ensure_version_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """create table if not exists schema_migrations (
            version varchar primary key,
            checksum varchar not null,
            applied_at timestamptz not null default current_timestamp)"""
    )
