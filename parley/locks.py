"""File locks that keep writers of one data folder apart, across processes, schedulers and `parley` commands.

Airflow's ``max_active_runs`` and pools hold only for runs its scheduler starts; a ``parley run`` or a
``parley reprocess`` beside a scheduled run is another process it knows nothing about. Every write to
the warehouse therefore takes ``writer.lock`` (waiting a bounded time for the current writer), and a
``parley run`` takes ``run.lock`` for its whole duration (refusing at once when another one holds it).
The kernel drops a lock when its process dies, so a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

POLL_SECONDS = 0.5
# The Airflow pool of the tasks that write the warehouse: one slot, so the scheduler runs one at a time.
WAREHOUSE_POOL = "parley_warehouse"


class LockBusyError(RuntimeError):
    """Another process holds the lock; the message says who, since when and what to do."""


def lock_dir(home: Path) -> Path:
    """Return the folder of the data folder's lock files (beside the loader's working warehouse)."""
    return home / ".loader"


def holder_of(path: Path) -> dict[str, str]:
    """Return who holds a lock now, as written by the holder (pid, purpose, since); {} when it is free."""
    if not is_held(path):
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_held(path: Path) -> bool:
    """Tell whether some process holds the lock (a killed holder's file may still name it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@contextmanager
def file_lock(path: Path, purpose: str, *, wait_seconds: float) -> Iterator[None]:
    """Hold an exclusive lock on ``path``, waiting up to ``wait_seconds``; raise ``LockBusyError`` after."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockBusyError(_busy_message(path, purpose, wait_seconds)) from None
                time.sleep(POLL_SECONDS)
        info = {"pid": str(os.getpid()), "purpose": purpose, "since": datetime.now(UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _busy_message(path: Path, purpose: str, waited: float) -> str:
    holder = holder_of(path)
    who = (
        f"{holder.get('purpose', 'another process')} (pid {holder.get('pid', '?')}, since {holder.get('since', '?')})"
        if holder
        else "another process"
    )
    return (
        f"cannot {purpose}: {who} holds {path}" + (f" (waited {waited:.0f} s)" if waited else "") + "; "
        "wait for it to finish, or stop it; a killed holder releases the lock by itself"
    )


@contextmanager
def warehouse_writer(home: Path, purpose: str, *, wait_seconds: float) -> Iterator[None]:
    """Serialise writes to the data folder's warehouse (load, reprocess, resume a source)."""
    with file_lock(lock_dir(home) / "writer.lock", purpose, wait_seconds=wait_seconds):
        yield


@contextmanager
def single_run(home: Path, purpose: str) -> Iterator[None]:
    """Allow one ``parley run`` per data folder at a time; a second one fails at once with the holder's name."""
    with file_lock(lock_dir(home) / "run.lock", purpose, wait_seconds=0):
        yield
