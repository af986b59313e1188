"""The real Airflow scheduler, DAG processor and API server, started by ``parley airflow``, run the DAGs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import pytest
import sqlalchemy

from tests.conftest import ROOT, query_warehouse
from tests.support.fixture_site import FixtureSite
from tests.support.postgres import postgres_bin, postgres_server

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
def held_ports(*ports: int) -> Iterator[list[int]]:
    """Listen on these ports (the ones that are free) for the duration, as another program would."""
    held, sockets = [], []
    for port in ports:
        sock = socket.socket()
        try:
            sock.bind(("0.0.0.0", port))
            sock.listen()
        except OSError:
            sock.close()
            continue
        sockets.append(sock)
        held.append(port)
    try:
        yield held
    finally:
        for sock in sockets:
            sock.close()


def airflow_processes(airflow_home: Path) -> list[psutil.Process]:
    """Every live process started for this Airflow home (they all carry AIRFLOW_HOME in their environment)."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("AIRFLOW_HOME") == str(airflow_home) and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except psutil.Error:
            continue
    return found


@contextmanager
def airflow_running(home: Path, site: FixtureSite, env: dict[str, str]) -> Iterator[Path]:
    """Start ``parley airflow`` as a service manager would; stop it with SIGTERM and check nothing is left."""
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
            proc.send_signal(signal.SIGTERM)  # to the service alone, as systemd, Docker and `timeout` do
            try:
                code = proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                pytest.fail(f"parley airflow did not stop within 90 s of SIGTERM:\n{log.read_text()[-3000:]}")
            left = airflow_processes(home / "airflow")
            for survivor in left:
                survivor.kill()
            assert code == 0, log.read_text()[-3000:]
            assert left == [], [p.cmdline() for p in left]


def dag_runs(metadata_url: str, dag_id: str) -> list[tuple[str, str, str]]:
    """Read the DAG's runs from Airflow's metadata database (SQLite file or PostgreSQL)."""
    engine = sqlalchemy.create_engine(metadata_url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as con:
            rows = con.execute(
                sqlalchemy.text("select run_id, run_type, state from dag_run where dag_id = :dag order by id"),
                {"dag": dag_id},
            )
            return [(str(a), str(b), str(c)) for a, b, c in rows]
    except sqlalchemy.exc.DBAPIError:  # tables not created yet, or the database is busy for a moment
        return []
    finally:
        engine.dispose()


def wait_for_run(metadata_url: str, dag_id: str, log: Path, *, timeout: float) -> tuple[str, str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        finished = [r for r in dag_runs(metadata_url, dag_id) if r[2] in {"success", "failed"}]
        if finished:
            return finished[0]
        time.sleep(2)
    pytest.fail(f"no finished {dag_id} run within {timeout} s; Airflow said:\n{log.read_text()[-4000:]}")


def test_the_scheduler_runs_ingest_on_schedule_and_reprocess_on_request(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = parley_env(site, PARLEY_SCHEDULE="* * * * *")
    # Airflow's default log-server ports taken by another program: the service picks free ones.
    with held_ports(8793, 8794), airflow_running(home, site, env) as log:
        sqlite = f"sqlite:///{home / 'airflow' / 'airflow.db'}"
        run_id, run_type, state = wait_for_run(sqlite, "parley_ingest", log, timeout=420)
        assert (run_type, state) == ("scheduled", "success"), log.read_text()[-4000:]
        assert "Airflow is ready" in log.read_text()

        second = subprocess.run(
            [sys.executable, "-m", "parley", "airflow", "--home", str(home), "--port", str(free_port())],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 3 and "already running" in second.stderr, second.stderr

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
        _, reprocess_type, reprocess_state = wait_for_run(sqlite, "parley_reprocess", log, timeout=300)
        assert (reprocess_type, reprocess_state) == ("manual", "success"), log.read_text()[-4000:]
    reprocessed = query_warehouse(
        home, "select items_in, items_out from pipeline_runs where stage = 'reprocess' and run_id like 'reprocess__%'"
    )
    assert reprocessed == [(5, 5)]


def test_a_taken_port_stops_the_service_in_seconds_naming_it(site: FixtureSite, tmp_path: Path) -> None:
    env = parley_env(site)
    with held_ports(free_port()) as (taken,):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "parley", "airflow", "--home", str(tmp_path / "data"), "--port", str(taken)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2 and f"port {taken}" in result.stderr, result.stderr
        assert time.monotonic() - started < 30
        pinned = {**env, "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(taken)}
        result = subprocess.run(
            [sys.executable, "-m", "parley", "airflow", "--home", str(tmp_path / "data"), "--port", str(free_port())],
            cwd=ROOT,
            env=pinned,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, result.stderr
        assert f"port {taken}" in result.stderr and "WORKER_LOG_SERVER_PORT" in result.stderr, result.stderr
    assert airflow_processes(tmp_path / "data" / "airflow") == []


@pytest.mark.skipif(postgres_bin() is None, reason="needs Debian's postgresql (apt-get install postgresql)")
def test_local_executor_on_a_postgresql_metadata_database(site: FixtureSite, tmp_path: Path) -> None:
    """The scale-out configuration: Airflow's metadata in PostgreSQL, tasks in LocalExecutor processes."""
    home = tmp_path / "data"
    with postgres_server() as url:
        env = parley_env(
            site,
            PARLEY_SCHEDULE="* * * * *",
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=url,
            AIRFLOW__CORE__EXECUTOR="LocalExecutor",
        )
        with airflow_running(home, site, env) as log:
            run_id, run_type, state = wait_for_run(url, "parley_ingest", log, timeout=420)
            assert (run_type, state) == ("scheduled", "success"), log.read_text()[-4000:]
        assert not (home / "airflow" / "airflow.db").exists()  # the metadata really went to PostgreSQL
    loaded = query_warehouse(
        home, f"select count(*) from pipeline_runs where run_id = '{run_id}' and status = 'success'"
    )
    assert loaded[0][0] >= 6
    assert query_warehouse(home, "select count(*) from articles where not is_seed")[0][0] > 0
