"""Writers of one data folder exclude each other, and a busy lock names its holder."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from parley.locks import LockBusyError, holder_of, lock_dir, single_run, warehouse_writer


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
