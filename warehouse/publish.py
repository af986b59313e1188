"""Publish the loader's working file as the analysts' read-only warehouse, atomically.

DuckDB's file lock works both ways: an analyst's read-only session stops the loader from opening the
file read-write, and a loader holding it stops new read-only sessions. So the loader owns a working
file; after each load it checkpoints it, rebuilds the full-text index, copies it beside the published
file and renames the copy over it. A session already open keeps reading the old file (its inode stays
alive until closed); new sessions see the new one; the loader is never blocked by a reader.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from warehouse.db import connect
from warehouse.search import rebuild_search_index


def publish(working: Path, published: Path) -> Path:
    """Checkpoint the working file, refresh its search index and atomically replace the published copy."""
    with connect(working) as con:
        rebuild_search_index(con)
        con.execute("checkpoint")
    published.parent.mkdir(parents=True, exist_ok=True)
    partial = published.with_name(f".{published.name}.partial")
    shutil.copyfile(working, partial)
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, published)
    return published
