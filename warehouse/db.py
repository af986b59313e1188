"""Explicit DuckDB connections to the warehouse file."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import duckdb

logger = logging.getLogger(__name__)
# DuckDB's file lock works both ways: the poll of a scheduled run reading the loader's working file
# stops a reprocess from writing it, and a load stops that poll. Each holds it for seconds at most
# (a write holds it for one transaction), so a session waits its turn instead of failing the task.
LOCK_WAIT_SECONDS = 900.0
LOCK_POLL_SECONDS = 0.2


class WarehouseBusyError(RuntimeError):
    """Another process kept the warehouse file locked for longer than this session would wait."""


def connect(
    path: Path | str, *, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; writers create the parent folder, readers never create anything.

    While another process holds the file's lock, wait up to ``wait_seconds`` for it (saying so once in
    the log), then raise ``WarehouseBusyError`` with DuckDB's word on who holds it.
    """
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    waiting = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not is_lock_conflict(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"{path} stayed locked by another process for {wait_seconds:.0f} s: {exc}"
                ) from exc
            if not waiting:
                logger.warning("%s is locked by another process; waiting up to %.0f s for it", path, wait_seconds)
                waiting = True
            time.sleep(LOCK_POLL_SECONDS)


def is_lock_conflict(exc: duckdb.Error) -> bool:
    """Tell whether DuckDB refused a file because another process holds its lock."""
    return "Could not set lock on file" in str(exc)


READ_STATEMENTS = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})


class ForbiddenStatement(ValueError):
    """An analyst's query that would do more than read."""


def connect_sandboxed(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open the published warehouse for an analyst's SQL: read-only, reading nothing but the warehouse.

    The head file is opened read-only; file access is limited to its own Parquet folder (``allowed_
    directories``), with no network, no ``install``/``load`` and settings locked, so no query reads
    ``/etc/passwd`` or a URL and none can undo that. Statements other than queries (``copy … to``,
    ``export``, ``attach``) are refused before they run: ``check_statements``.
    """
    from warehouse.publish import data_dir
    from warehouse.search import load_fts

    path = Path(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        load_fts(con)  # the search macro's stemmer, loaded before loading is switched off
        con.execute("set allowed_directories = $dirs", {"dirs": [str(data_dir(path).resolve()) + "/"]})
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def check_statements(con: duckdb.DuckDBPyConnection, query: str) -> None:
    """Refuse a query text holding anything but ``select`` (``with``, ``from``, ``describe``…) or ``explain``."""
    for statement in con.extract_statements(query):
        if statement.type not in READ_STATEMENTS:
            name = str(statement.type).rsplit(".", 1)[-1].lower()
            raise ForbiddenStatement(f"parley sql only reads: a {name} statement is not allowed here")


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Tell whether a table or view of that name exists in the main schema."""
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?",
        [name],
    ).fetchone()
    return bool(row and row[0])
