"""What Airflow knows about Parley's DAG runs, read from its metadata database and task logs.

``pipeline_runs`` in the warehouse holds what the stages recorded; only Airflow knows a run that is
queued or running now, a task that failed before writing anything, or one waiting for its retry.
This module reads Airflow's tables directly with SQLAlchemy (no Airflow import, no API server needed),
from the data folder's SQLite file or the database ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` names.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from parley.console import last_error

DAG_IDS = ("parley_ingest", "parley_reprocess")
ACTIVE = frozenset(["queued", "running"])


@dataclass(frozen=True)
class TaskState:
    """One task instance of a run: its state, attempts and, when it failed, the last line of its error."""

    task_id: str
    state: str | None
    try_number: int
    error: str | None = None


@dataclass(frozen=True)
class DagRunState:
    """One DAG run as Airflow records it."""

    dag_id: str
    run_id: str
    run_type: str
    state: str
    started: datetime | None
    ended: datetime | None
    tasks: list[TaskState] = field(default_factory=list)

    @property
    def failed_tasks(self) -> list[TaskState]:
        """Tasks that failed (not those skipped because an upstream one failed)."""
        return [t for t in self.tasks if t.state == "failed"]

    @property
    def running_tasks(self) -> list[TaskState]:
        """Tasks running, queued or waiting for a retry."""
        return [t for t in self.tasks if t.state in {"running", "queued", "up_for_retry", "scheduled"}]


def metadata_url(airflow_home: Path) -> str | None:
    """Return the metadata database's URL: the configured one, else the data folder's SQLite file if it exists."""
    configured = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN")
    if configured:
        return configured
    path = airflow_home / "airflow.db"
    return f"sqlite:///{path}" if path.exists() else None


def recent_dag_runs(airflow_home: Path, *, limit: int = 5) -> list[DagRunState]:
    """Return Parley's latest DAG runs, newest first, with their task instances (empty without a database)."""
    url = metadata_url(airflow_home)
    if url is None:
        return []
    import sqlalchemy

    engine = sqlalchemy.create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    try:
        with engine.connect() as con:
            runs = con.execute(
                sqlalchemy.text(
                    "select dag_id, run_id, run_type, state, start_date, end_date from dag_run "
                    "where dag_id in ('parley_ingest', 'parley_reprocess') "
                    "order by coalesce(start_date, queued_at) desc limit :limit"
                ),
                {"limit": limit},
            ).fetchall()
            found = []
            for dag_id, run_id, run_type, state, started, ended in runs:
                rows = con.execute(
                    sqlalchemy.text(
                        "select task_id, state, try_number from task_instance where dag_id = :dag and run_id = :run "
                        "order by start_date"
                    ),
                    {"dag": dag_id, "run": run_id},
                ).fetchall()
                tasks = [_task(airflow_home, dag_id, run_id, task_id, state, n) for task_id, state, n in rows]
                found.append(
                    DagRunState(dag_id, run_id, str(run_type), str(state), _moment(started), _moment(ended), tasks)
                )
            return found
    except sqlalchemy.exc.SQLAlchemyError:
        return []  # a database being created or migrated: nothing to say yet
    finally:
        engine.dispose()


def _task(airflow_home: Path, dag_id: str, run_id: str, task_id: str, state: str | None, tries: object) -> TaskState:
    attempt = int(str(tries or 0))
    error = _task_error(airflow_home, dag_id, run_id, task_id, attempt) if state == "failed" else None
    return TaskState(task_id, state, attempt, error)


def _moment(value: object) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _task_error(airflow_home: Path, dag_id: str, run_id: str, task_id: str, attempt: int) -> str | None:
    """Return the last error line of a failed task's log (Airflow writes one file per attempt)."""
    folder = airflow_home / "logs" / f"dag_id={dag_id}" / f"run_id={run_id}" / f"task_id={task_id}"
    candidates = sorted(folder.glob("attempt=*.log"), key=lambda p: p.stat().st_mtime)
    path = folder / f"attempt={attempt}.log" if (folder / f"attempt={attempt}.log").exists() else None
    path = path or (candidates[-1] if candidates else None)
    if path is None:
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    return _structured_error(text) or last_error(text)


def _structured_error(text: str) -> str | None:
    """Airflow 3 writes task logs as JSON lines; a failure carries ``error_detail`` with the exception."""
    found = None
    for line in text.splitlines():
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        for detail in record.get("error_detail") or []:
            if isinstance(detail, dict) and detail.get("exc_value"):
                found = f"{detail.get('exc_type', 'Error')}: {detail['exc_value']}".splitlines()[-1]
    return found
