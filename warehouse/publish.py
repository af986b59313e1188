"""Publish the loader's working file for analysts, at a cost that follows what changed, not what is stored.

DuckDB's file lock works both ways (a read-only session stops a writer, a writer stops new sessions),
so analysts never open the loader's working file. The published warehouse is

- ``warehouse.duckdb``, a small *head* file: the small tables (sources, entities, actor counts) copied
  whole, and every other table as a view over Parquet files listed by name;
- ``warehouse/<table>/*.parquet``: the rows of the growing tables. A publish writes one file per table
  with the rows written since the previous publish (``load_seq``, see ``warehouse.changes``); eight
  files of one tier are merged into one file of the next tier (up to tier 3), so a table is a few dozen
  files at most. A merged file is re-read from the working file, so it holds exactly the live rows.
  Rows deleted or replaced since a file was written are hidden by tombstones until a merge drops them.

The head file is written aside and renamed over the old one: a session keeps the head it opened (and
the files it lists: replaced files are deleted only after ``grace``), a new session sees the new one,
and nobody waits for anybody. A publish with nothing new writes nothing.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from warehouse.changes import GROWING_TABLES, SMALL_TABLES, Growing, next_seq
from warehouse.db import connect
from warehouse.search import SEARCH_MACRO_SQL, load_fts

logger = logging.getLogger(__name__)
TIER_FANIN = 8
MAX_TIER = 3
# Past this many tombstones of one table, the files they hide rows of are rewritten (and the tombstones
# dropped), so a view's anti-join stays small whatever was reprocessed.
TOMBSTONE_LIMIT = 5_000
DEFAULT_GRACE = timedelta(hours=24)
HEAD_ALIAS = "parley_head"


@dataclass
class PublishReport:
    """What a publish did."""

    generation: int
    written: dict[str, int] = field(default_factory=dict)  # table -> rows in its new file
    merged: list[str] = field(default_factory=list)  # new merged files
    deleted_files: int = 0
    seconds: float = 0.0
    published: bool = True


def data_dir(head: Path) -> Path:
    """Return the folder of a head file's Parquet files: ``warehouse.duckdb`` → ``warehouse/``."""
    return head.with_suffix("")


def publish(working: Path, head: Path, *, grace: timedelta = DEFAULT_GRACE) -> PublishReport:
    """Export what changed since the last publish, merge files where a tier is full, replace the head file."""
    started = time.monotonic()
    folder = data_dir(head)
    with connect(working) as con:
        # The manifest changes in one transaction: a crash leaves either the old manifest (and unlisted
        # files, collected later) or the new one (and a head file rebuilt by the next publish).
        con.execute("begin transaction")
        try:
            generation, published_seq, fingerprint = _state(con)
            _record_freshness(con, published_seq)
            seq_now = next_seq(con)  # one writer at a time: every row below it is committed
            written = {t: _export(con, folder, t, spec, published_seq, seq_now) for t, spec in _growing()}
            written = {table: rows for table, rows in written.items() if rows}
            merged = _compact(con, folder, seq_now) + _rewrite_tombstoned(con, folder, seq_now)
            new_fingerprint = _fingerprint(con)
            unchanged = not written and not merged and new_fingerprint == fingerprint
            if not unchanged:
                generation += 1
                con.execute(
                    "insert into publish_state (generation, published_seq, published_at, fingerprint) "
                    "values (?, ?, ?, ?)",
                    [generation, seq_now, datetime.now(UTC), new_fingerprint],
                )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        if unchanged and _head_is_current(head, generation, folder):
            deleted = _collect_garbage(con, folder, grace)
            return PublishReport(generation, deleted_files=deleted, seconds=time.monotonic() - started, published=False)
        _build_head(con, head, folder, generation, seq_now)
        deleted = _collect_garbage(con, folder, grace)
    report = PublishReport(generation, written, merged, deleted, time.monotonic() - started)
    logger.info(
        "published generation %d: %s new rows, %d merged files, %d old files deleted, %.2f s",
        generation,
        sum(written.values()),
        len(merged),
        deleted,
        report.seconds,
    )
    return report


def _record_freshness(con: duckdb.DuckDBPyConnection, published_seq: int) -> None:
    """Note when the articles this publish carries for the first time become queryable (once each)."""
    con.execute(
        """insert into article_freshness (article_id, first_seen_at, queryable_at)
           select a.article_id, a.first_seen_at, $now from articles a
           where a.load_seq >= $seq and a.first_seen_at is not null
             and not exists (select 1 from article_freshness f where f.article_id = a.article_id)""",
        {"seq": published_seq, "now": datetime.now(UTC)},
    )


def _growing() -> list[tuple[str, Growing]]:
    return list(GROWING_TABLES.items())


def _state(con: duckdb.DuckDBPyConnection) -> tuple[int, int, str | None]:
    row = con.execute(
        "select generation, published_seq, fingerprint from publish_state order by generation desc limit 1"
    ).fetchone()
    return (int(row[0]), int(row[1]), row[2]) if row else (0, 0, None)


def _export(con: duckdb.DuckDBPyConnection, folder: Path, table: str, spec: Growing, seq_from: int, seq_to: int) -> int:
    """Write the table's rows with ``seq_from <= load_seq < seq_to`` to a tier-0 file; return how many."""
    where = f"load_seq >= {seq_from} and load_seq < {seq_to}"
    row = con.execute(f"select count(*) from {table} where {where}").fetchone()
    rows = int(row[0]) if row else 0
    if rows:
        _write_file(con, folder, table, spec, tier=0, seq_from=seq_from, seq_to=seq_to, written_seq=seq_to, rows=rows)
    return rows


def _write_file(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    table: str,
    spec: Growing,
    *,
    tier: int,
    seq_from: int,
    seq_to: int,
    written_seq: int,
    rows: int,
) -> str:
    relative = f"{table}/{seq_from:012d}-{seq_to:012d}.t{tier}.w{written_seq:012d}.parquet"
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    order = f" order by {spec.order}" if spec.order else ""
    con.execute(
        f"copy (select * from {table} where load_seq >= {seq_from} and load_seq < {seq_to}{order}) "
        f"to '{_sql_path(partial)}' (format parquet, compression zstd)"
    )
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, target)
    con.execute(
        "insert or replace into published_files (table_name, path, tier, seq_from, seq_to, written_seq, row_count, "
        "written_at, retired_at) values (?, ?, ?, ?, ?, ?, ?, ?, null)",
        [table, relative, tier, seq_from, seq_to, written_seq, rows, datetime.now(UTC)],
    )
    return relative


def _compact(con: duckdb.DuckDBPyConnection, folder: Path, seq_now: int) -> list[str]:
    """Merge the newest files of each table while the newest ``TIER_FANIN`` share a tier below the top."""
    merged = []
    for table, spec in _growing():
        while True:
            files = con.execute(
                "select path, tier, seq_from, seq_to from published_files "
                "where table_name = ? and retired_at is null order by seq_from",
                [table],
            ).fetchall()
            newest = files[-TIER_FANIN:]
            tiers = {f[1] for f in newest}
            if len(newest) < TIER_FANIN or len(tiers) != 1 or next(iter(tiers)) >= MAX_TIER:
                break
            seq_from, seq_to = newest[0][2], newest[-1][3]
            row = con.execute(
                f"select count(*) from {table} where load_seq >= {seq_from} and load_seq < {seq_to}"
            ).fetchone()
            path = _write_file(
                con,
                folder,
                table,
                spec,
                tier=newest[0][1] + 1,
                seq_from=seq_from,
                seq_to=seq_to,
                written_seq=seq_now,
                rows=int(row[0]) if row else 0,
            )
            con.execute(
                "update published_files set retired_at = $now where path in (select unnest($paths))",
                {"now": datetime.now(UTC), "paths": [f[0] for f in newest]},
            )
            merged.append(path)
    return merged


def _rewrite_tombstoned(con: duckdb.DuckDBPyConnection, folder: Path, seq_now: int) -> list[str]:
    """Rewrite, from the working file, the files holding rows hidden by tombstones of a table that has too many."""
    _drop_unneeded_tombstones(con)
    crowded = con.execute(
        "select table_name from publish_tombstones group by table_name having count(*) > ?", [TOMBSTONE_LIMIT]
    ).fetchall()
    rewritten = []
    for (table,) in crowded:
        spec = GROWING_TABLES[table]
        files = con.execute(
            "select path, tier, seq_from, seq_to from published_files where table_name = ? and retired_at is null "
            "and written_seq <= (select max(seq) from publish_tombstones where table_name = ?)",
            [table, table],
        ).fetchall()
        for path, tier, seq_from, seq_to in files:
            hit = con.execute(
                f"select count(*) from read_parquet('{_sql_path(folder / path)}') f join publish_tombstones t "
                f"on t.table_name = '{table}' and t.row_key = {spec.key_sql('f')} and t.seq > f.load_seq"
            ).fetchone()
            if not hit or not hit[0]:
                continue
            row = con.execute(
                f"select count(*) from {table} where load_seq >= {seq_from} and load_seq < {seq_to}"
            ).fetchone()
            rewritten.append(
                _write_file(
                    con,
                    folder,
                    table,
                    spec,
                    tier=tier,
                    seq_from=seq_from,
                    seq_to=seq_to,
                    written_seq=seq_now,
                    rows=int(row[0]) if row else 0,
                )
            )
            con.execute("update published_files set retired_at = ? where path = ?", [datetime.now(UTC), path])
    return rewritten


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    parts = []
    for table in SMALL_TABLES:
        row = con.execute(
            f"select md5(coalesce(string_agg(to_json(t)::varchar, chr(10) order by to_json(t)::varchar), '')) "
            f"from {table} t"
        ).fetchone()
        parts.append(str(row[0]) if row else "")
    row = con.execute("select coalesce(max(seq), 0) from publish_tombstones").fetchone()
    parts.append(str(row[0]) if row else "0")
    return "|".join(parts)


def _head_is_current(head: Path, generation: int, folder: Path) -> bool:
    """Tell whether the head file is this generation's and names the files where they are now."""
    if not head.exists():
        return False
    try:
        with duckdb.connect(str(head), read_only=True) as con:
            row = con.execute("select generation, data_dir from publish_info").fetchone()
    except duckdb.Error:
        return False
    return row is not None and int(row[0]) == generation and row[1] == str(folder.resolve())


def _build_head(con: duckdb.DuckDBPyConnection, head: Path, folder: Path, generation: int, seq_now: int) -> None:
    partial = head.with_name(f".{head.name}.partial")
    for leftover in (partial, partial.with_name(partial.name + ".wal")):
        leftover.unlink(missing_ok=True)
    working_db = con.execute("select current_database()").fetchone()[0]  # type: ignore[index]
    con.execute(f"attach '{_sql_path(partial)}' as {HEAD_ALIAS}")
    try:
        for table in SMALL_TABLES:
            con.execute(f"create table {HEAD_ALIAS}.main.{table} as select * from {working_db}.main.{table}")
        live = _live_tombstones(con)
        con.execute(
            f"create table {HEAD_ALIAS}.main.publish_tombstones as "
            f"select * from {working_db}.main.publish_tombstones where table_name in (select unnest($tables))",
            {"tables": sorted(live)},
        )
        for table, spec in _growing():
            con.execute(_table_view_sql(con, folder, table, spec, tombstones=table in live))
        con.execute(f"use {HEAD_ALIAS}")
        try:
            views = con.execute(
                f"select sql from duckdb_views() where database_name = '{working_db}' and not internal "
                "and schema_name = 'main' order by view_oid"
            ).fetchall()
            _create_views(con, [sql for (sql,) in views])
            load_fts(con)
            con.execute(SEARCH_MACRO_SQL)
            con.execute(
                "create table publish_info as select ?::bigint as generation, ?::bigint as published_seq, "
                "?::timestamptz as published_at, ?::varchar as data_dir",
                [generation, seq_now, datetime.now(UTC), str(folder.resolve())],
            )
        finally:
            con.execute(f"use {working_db}")
    finally:
        con.execute(f"detach {HEAD_ALIAS}")
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, head)


def _create_views(con: duckdb.DuckDBPyConnection, pending: list[str]) -> None:
    # A view may use one created after it (catalog order is not dependency order): retry until none is left.
    while pending:
        failed: list[str] = []
        error: duckdb.Error | None = None
        for sql in pending:
            try:
                con.execute(sql)
            except duckdb.CatalogException as exc:
                failed.append(sql)
                error = exc
        if len(failed) == len(pending):
            raise RuntimeError(f"views of the warehouse cannot be created in the head file: {error}")
        pending = failed


def _table_view_sql(
    con: duckdb.DuckDBPyConnection, folder: Path, table: str, spec: Growing, *, tombstones: bool
) -> str:
    columns = [
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = 'main' and table_name = ? order by column_index",
            [table],
        ).fetchall()
    ]
    visible = ", ".join(f'"{c}"' for c in columns if c != "load_seq")
    files = [
        r[0]
        for r in con.execute(
            "select path from published_files where table_name = ? and retired_at is null order by seq_from", [table]
        ).fetchall()
    ]
    if not files:
        return f"create table {HEAD_ALIAS}.main.{table} as select {visible} from main.{table} limit 0"
    listed = ", ".join(f"'{_sql_path(folder / f)}'" for f in files)
    hidden = (
        f" where not exists (select 1 from publish_tombstones t where t.table_name = '{table}' "
        f"and t.row_key = {spec.key_sql('f')} and t.seq > f.load_seq)"
        if tombstones
        else ""
    )
    return (
        f"create view {HEAD_ALIAS}.main.{table} as select {visible} "
        f"from read_parquet([{listed}], union_by_name = true) f{hidden}"
    )


def _live_tombstones(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Return the tables with tombstones some published file still needs."""
    _drop_unneeded_tombstones(con)
    return {r[0] for r in con.execute("select distinct table_name from publish_tombstones").fetchall()}


def _drop_unneeded_tombstones(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the tombstones no published file needs any more.

    A tombstone matters only to files written before it: a file written later was read from the
    working file after the delete, so it holds the new version or nothing.
    """
    con.execute(
        """delete from publish_tombstones t
           where not exists (select 1 from published_files f where f.table_name = t.table_name
                             and f.retired_at is null and f.written_seq <= t.seq)"""
    )


def _collect_garbage(con: duckdb.DuckDBPyConnection, folder: Path, grace: timedelta) -> int:
    """Delete files retired longer than ``grace`` ago, and leftovers of interrupted publishes as old."""
    cutoff = datetime.now(UTC) - grace
    retired = con.execute(
        "select path from published_files where retired_at is not null and retired_at < ?", [cutoff]
    ).fetchall()
    deleted = 0
    for (relative,) in retired:
        (folder / relative).unlink(missing_ok=True)
        deleted += 1
    if retired:
        con.execute("delete from published_files where retired_at is not null and retired_at < ?", [cutoff])
    known = {r[0] for r in con.execute("select path from published_files").fetchall()}
    if folder.exists():
        for path in folder.rglob("*.parquet*"):
            relative = path.relative_to(folder).as_posix()
            if relative not in known and path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted


def _sql_path(path: Path) -> str:
    return str(path.resolve()).replace("'", "''")
