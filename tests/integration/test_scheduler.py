"""The real Airflow scheduler, DAG processor and API server, started by ``parley airflow``, run the DAGs."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT, query_warehouse
from tests.support.fixture_site import FixtureSite

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def parley_env(site: FixtureSite, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "AIRFLOW"))}
    env.update(
        {
            "PARLEY_ALLOW_PRIVATE_HOSTS": site.allow_spec,
            "PARLEY_RETRY_DELAY_SECONDS": "1",
            "PARLEY_HOST_DELAY": "0",
            **extra,
        }
    )
    return env


@contextmanager
def airflow_running(home: Path, site: FixtureSite, env: dict[str, str]) -> Iterator[Path]:
    """Start ``parley airflow`` in its own process group; stop every component afterwards."""
    log = home.parent / "airflow-standalone.log"
    home.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "parley", "airflow", "--home", str(home), "--port", str(free_port())),
                *("--feed", f"{site.base_url}/feeds/analysis.rss", "--feed", f"{site.base_url}/feeds/briefings.atom"),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield log
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def dag_runs(home: Path, dag_id: str) -> list[tuple[str, str, str]]:
    db = home / "airflow" / "airflow.db"
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
            return con.execute(
                "select run_id, run_type, state from dag_run where dag_id = ? order by id", [dag_id]
            ).fetchall()
    except sqlite3.OperationalError:  # tables not created yet, or the database is locked for a moment
        return []


def wait_for_run(home: Path, dag_id: str, log: Path, *, timeout: float) -> tuple[str, str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished = [r for r in dag_runs(home, dag_id) if r[2] in {"success", "failed"}]
        if finished:
            return finished[0]
        time.sleep(2)
    pytest.fail(f"no finished {dag_id} run within {timeout} s; Airflow said:\n{log.read_text()[-4000:]}")


def test_the_scheduler_runs_ingest_on_schedule_and_reprocess_on_request(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = parley_env(site, PARLEY_SCHEDULE="* * * * *")
    with airflow_running(home, site, env) as log:
        run_id, run_type, state = wait_for_run(home, "parley_ingest", log, timeout=420)
        assert (run_type, state) == ("scheduled", "success"), log.read_text()[-4000:]

        stages = query_warehouse(home, f"select stage, status from pipeline_runs where run_id = '{run_id}'")
        assert {s for s, _ in stages} >= {"poll", "fetch", "extract", "tag", "validate", "load"}
        assert all(status == "success" for _, status in stages)
        web = query_warehouse(home, "select count(*) from articles where not is_seed")[0][0]
        assert web == len([a for a in site.articles if not a.slug.startswith("seed-")]) > 0

        # The manual DAG, triggered with parameters, rebuilds the seeds in the same warehouse.
        trigger = subprocess.run(
            [
                sys.executable,
                "-m",
                "airflow",
                "dags",
                "trigger",
                "parley_reprocess",
                "--conf",
                json.dumps({"source": "seed"}),
            ],
            env={**env, "AIRFLOW_HOME": str(home / "airflow")},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert trigger.returncode == 0, trigger.stderr[-3000:]
        _, reprocess_type, reprocess_state = wait_for_run(home, "parley_reprocess", log, timeout=300)
        assert (reprocess_type, reprocess_state) == ("manual", "success"), log.read_text()[-4000:]
    reprocessed = query_warehouse(
        home, "select items_in, items_out from pipeline_runs where stage = 'reprocess' and run_id like 'reprocess__%'"
    )
    assert reprocessed == [(5, 5)]
