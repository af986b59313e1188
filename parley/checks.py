"""Checks of what an operator passes in, before anything is created or started: one clear line each."""

from __future__ import annotations

import tempfile
from pathlib import Path

# Commands that write the data folder (creating it when missing) and commands that only read it.
WRITERS = frozenset(["run", "reprocess", "airflow", "resume", "release", "drop"])
READERS = frozenset(["status", "sql", "search", "export", "dq", "sources", "quarantine"])


def home_problem(home: Path, *, write: bool) -> str | None:
    """Say why a data folder cannot be used by a command that writes it (or only reads it), or None.

    A reader never creates the folder: a typo in ``--home`` must not leave an empty data folder behind.
    """
    if home.exists() and not home.is_dir():
        return f"the data folder {home} is a file, not a folder"
    if not write:
        if not home.exists():
            return f"no data folder at {home} (check --home or PARLEY_HOME; `parley run` creates one)"
        return None
    existing = home if home.exists() else next((p for p in home.parents if p.exists()), None)
    if existing is None or not existing.is_dir():
        return f"cannot create the data folder {home}: {existing} is not a folder"
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as exc:
        return f"cannot write to {existing} ({exc.strerror or exc}): the data folder needs a writable place"
    return None


def read_text_file(path: Path) -> str:
    """Read a UTF-8 text file; raise ``ValueError`` naming the file and the first bad byte otherwise."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); convert it first, "
            "e.g. `iconv -f latin1 -t utf-8`"
        ) from None
