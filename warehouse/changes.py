"""Which tables grow, how their rows are keyed, and how a writer deletes or replaces rows of them.

A growing table's rows carry ``load_seq`` (from the ``change_seq`` sequence, taken when the row was
written), so a publish exports only what was written since the last one. A writer that deletes or
replaces rows of a growing table goes through this module: it leaves a tombstone (the rows' key and a
fresh sequence number) that hides their older published copies, and replaced rows get a fresh
``load_seq`` so their new version is exported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import duckdb


@dataclass(frozen=True)
class Growing:
    """A table published as Parquet files: its tombstone key and the order rows are written in."""

    key: tuple[str, ...]  # the columns a tombstone names (their values joined with '|')
    order: str | None = None  # within a file: lets Parquet row-group statistics skip what a filter excludes

    def key_sql(self, alias: str) -> str:
        """Return the tombstone key as an SQL expression over ``alias``'s columns."""
        return " || '|' || ".join(f"{alias}.{column}" for column in self.key)


GROWING_TABLES: Mapping[str, Growing] = {
    "articles": Growing(("article_id",), "article_id"),
    "article_duplicates": Growing(("url",)),
    "raw_pages": Growing(("raw_id",)),
    # Derived rows are always deleted and written again per article, so the article is their key.
    "entity_mentions": Growing(("article_id",), "entity_id, article_id"),
    "positions": Growing(("article_id",), "actor_id, topic"),
    "search_documents": Growing(("article_id",)),
    "search_postings": Growing(("article_id",), "term"),
    "article_freshness": Growing(("article_id",)),
    "feed_polls": Growing(("poll_id",)),
    "ingest_errors": Growing(("error_id",)),
    # Per-run rows are replaced per run.
    "dq_results": Growing(("run_id",)),
    "dq_quarantine": Growing(("run_id", "table_name", "row_key")),
    "pipeline_runs": Growing(("run_id",)),
}
# Copied whole into the published head file at each publish: small, and updated in place.
SMALL_TABLES = (
    "sources",
    "entities",
    "schema_migrations",
    "actor_totals",
    "actor_pairs",
    "failed_items",
    "quarantine_decisions",
)


def next_seq(con: duckdb.DuckDBPyConnection) -> int:
    """Take the next number of the change sequence."""
    row = con.execute("select nextval('change_seq')").fetchone()
    assert row is not None
    return int(row[0])


def delete_rows(con: duckdb.DuckDBPyConnection, table: str, where: str, params: Mapping[str, Any] | None = None) -> int:
    """Delete the rows of a growing table matching ``where``, leaving tombstones; return how many."""
    _tombstone(con, table, where, params)
    row = con.execute(f"delete from {table} where {where}", dict(params or {})).fetchone()
    return int(row[0]) if row else 0


def update_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    assignments: str,
    where: str,
    params: Mapping[str, Any] | None = None,
    *,
    joined: str = "",
) -> None:
    """Update rows of a growing table in place: tombstone their published copies, give them a fresh load_seq.

    ``joined`` names another relation the assignments and condition read (``"batch b"``).
    """
    _tombstone(con, table, where, params, joined=joined)
    source = f" from {joined}" if joined else ""
    con.execute(
        f"update {table} set {assignments}, load_seq = nextval('change_seq'){source} where {where}",
        dict(params or {}),
    )


def _tombstone(
    con: duckdb.DuckDBPyConnection,
    table: str,
    where: str,
    params: Mapping[str, Any] | None,
    *,
    joined: str = "",
) -> None:
    key = GROWING_TABLES[table].key_sql(table)
    # One number for all: every copy written before it is hidden, the rows written after it are not.
    seq = next_seq(con)
    con.execute(
        f"insert into publish_tombstones (table_name, row_key, seq) "
        f"select distinct '{table}', {key}, {seq} from {table}{', ' + joined if joined else ''} where {where}",
        dict(params or {}),
    )
