"""Explicit DuckDB connections to the warehouse file."""

from __future__ import annotations

from pathlib import Path

import duckdb


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; writers create the parent folder, readers never create anything."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def connect_sandboxed(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open the warehouse for an analyst's SQL: read-only, no file or network access, settings locked.

    A query can read the warehouse and nothing else (``read_csv('/etc/passwd')``, ``copy … to``,
    ``attach``, ``install``/``load`` and URLs are refused) and can change no setting to undo that.
    """
    return duckdb.connect(
        str(path), read_only=True, config={"enable_external_access": False, "lock_configuration": True}
    )


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Tell whether a table or view of that name exists in the main schema."""
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'main' and table_name = ?",
        [name],
    ).fetchone()
    return bool(row and row[0])
