"""Writers of one data folder exclude each other, a busy lock names its holder, a session waits for a locked file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.locks import LockBusyError, holder_of, lock_dir, single_run, warehouse_writer
from warehouse.db import WarehouseBusyError, connect


def test_a_second_writer_waits_then_fails_naming_the_first(tmp_path: Path) -> None:
    with warehouse_writer(tmp_path, "load run scheduled__1", wait_seconds=0):
        assert holder_of(lock_dir(tmp_path) / "writer.lock")["purpose"] == "load run scheduled__1"
        started = time.monotonic()
        with pytest.raises(LockBusyError) as busy, warehouse_writer(tmp_path, "reprocess", wait_seconds=1.0):
            pass
        assert time.monotonic() - started >= 1.0
    message = str(busy.value)
    assert "cannot reprocess" in message and "load run scheduled__1" in message and f"pid {os.getpid()}" in message
    with warehouse_writer(tmp_path, "reprocess", wait_seconds=0):  # free again once the first one is done
        pass


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from parley.locks import single_run\n"
            "with single_run(Path(sys.argv[1]), 'parley run'):\n    print('held', flush=True); time.sleep(600)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    with pytest.raises(LockBusyError, match=f"pid {holder.pid}"), single_run(tmp_path, "parley run"):
        pass
    holder.kill()
    holder.wait()
    with single_run(tmp_path, "parley run"):
        pass


def hold_duckdb_file(path: Path, seconds: float) -> subprocess.Popen[str]:
    """Open ``path`` for writing in another process (DuckDB's lock is per process) for ``seconds``."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, duckdb\n"
            "con = duckdb.connect(sys.argv[1]); con.execute('create table if not exists t (x int)')\n"
            "print('held', flush=True); time.sleep(float(sys.argv[2])); con.close()",
            str(path),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


# The poll of a scheduled run reads the loader's file while a reprocess writes it: each waits its turn.
@pytest.mark.parametrize("read_only", [True, False])
def test_a_session_waits_for_another_process_holding_the_warehouse_file(tmp_path: Path, read_only: bool) -> None:
    path = tmp_path / "warehouse.duckdb"
    holder = hold_duckdb_file(path, 2.0)
    started = time.monotonic()
    with connect(path, read_only=read_only, wait_seconds=60) as con:
        assert con.execute("select count(*) from t").fetchone() == (0,)
    assert time.monotonic() - started >= 0.5
    holder.wait()


def test_a_warehouse_file_held_too_long_fails_naming_the_holder(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    holder = hold_duckdb_file(path, 600)
    try:
        with pytest.raises(WarehouseBusyError, match=f"stayed locked .*PID {holder.pid}"):
            connect(path, read_only=True, wait_seconds=0.5)
    finally:
        holder.kill()
        holder.wait()
