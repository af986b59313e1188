"""A few simulated days of scheduled runs of the real DAG against a publisher that changes under it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration


def test_three_simulated_days_settle_without_duplicates_or_losses(tmp_path: Path) -> None:
    # bench.soak checks itself (no duplicate, nothing lost, the published copy complete, only the run that
    # first met the bad item red) and exits 1 naming what failed.
    proc = subprocess.run(
        [sys.executable, "-m", "bench.soak", "--days", "3", "--runs-per-day", "2", "--home", str(tmp_path / "data")],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "AIRFLOW"))},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "checks=ok" in proc.stdout
    runs = [line for line in proc.stderr.splitlines() if line.startswith("day ")]
    assert len(runs) == 6
    assert [line for line in runs if "FAILED" in line] == [next(r for r in runs if r.startswith("day  2"))]
    assert "Traceback" not in proc.stderr
