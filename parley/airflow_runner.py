"""Run the real ``parley_ingest`` DAG once, in this process, through ``dag.test()``."""

from __future__ import annotations

import logging
import os
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from parley.locks import WAREHOUSE_POOL
from parley.settings import DEFAULT_DAGS_FOLDER, Settings

DAG_ID = "parley_ingest"


@dataclass(frozen=True)
class DagRunOutcome:
    """How a DAG run ended and, per failed task, why."""

    run_id: str
    state: str
    failed_tasks: dict[str, str]


def airflow_environment(settings: Settings, dags_folder: Path = DEFAULT_DAGS_FOLDER) -> dict[str, str]:
    """Return the variables that point Airflow at Parley's DAGs and at a home inside the data folder."""
    home = settings.airflow_home
    return {
        **settings.to_env(),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags_folder),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": os.environ.get(
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{home / 'airflow.db'}"
        ),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": os.environ.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING"),
        "GX_ANALYTICS_ENABLED": "false",
    }


def prepare_airflow(settings: Settings) -> None:
    """Point this process at the data folder's Airflow, create or upgrade its database and the writer pool.

    Airflow must not be imported before this call: it reads its configuration once, at import.
    """
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    os.environ.update(airflow_environment(settings))
    fresh = not (settings.airflow_home / "airflow.db").exists()

    from airflow.models.pool import Pool
    from airflow.utils import db

    # Airflow's dependencies warn about their own dependencies; an operator cannot act on that.
    # (Set after importing Airflow, which installs its own warning filters.)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*httpx.*")

    if fresh or not os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("sqlite"):
        db.initdb()
    Pool.create_or_update_pool(
        name=WAREHOUSE_POOL,
        slots=1,
        description="Writers of the Parley warehouse: one at a time (parley.locks guards writers outside Airflow)",
        include_deferred=False,
    )


def standalone_environment(settings: Settings, *, port: int, host: str = "127.0.0.1") -> dict[str, str]:
    """Prepare Airflow's database and pool, then return the environment ``airflow standalone`` runs with.

    Tasks then run in processes of Airflow's LocalExecutor, which reach the API server's execution API:
    the port must be the same for both.
    """
    prepare_airflow(settings)
    local = "127.0.0.1" if host in {"0.0.0.0", "::", "127.0.0.1", "localhost"} else host
    return {
        **os.environ,
        "AIRFLOW__API__HOST": host,
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": f"http://{local}:{port}",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://{local}:{port}/execution/",
        "AIRFLOW__CORE__EXECUTOR": os.environ.get("AIRFLOW__CORE__EXECUTOR", "LocalExecutor"),
        "AIRFLOW__LOGGING__LOGGING_LEVEL": os.environ.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "INFO"),
    }


def run_ingest_once(settings: Settings, *, run_after: datetime | None = None) -> DagRunOutcome:
    """Set up Airflow for this data folder, then run the DAG once; Airflow must not be imported yet.

    ``run_after`` sets the run's clock (a simulation replays scheduled runs with it); default now.
    """
    prepare_airflow(settings)
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])
    if bag.import_errors:
        raise RuntimeError(f"DAG files failed to import: {bag.import_errors}")
    dag = bag.get_dag(DAG_ID)
    if dag is None:
        raise RuntimeError(f"no DAG {DAG_ID!r} in {os.environ['AIRFLOW__CORE__DAGS_FOLDER']}")
    logging.getLogger("airflow").setLevel(logging.WARNING)
    # While a failed task waits for its retry, dag.test() says "No tasks to run" every second: once is enough.
    logging.getLogger("airflow.sdk.definitions.dag").addFilter(OnceFilter())
    run = dag.test(run_after=run_after, logical_date=run_after) if run_after else dag.test()
    failed = {
        ti.task_id: _failure_reason(ti)
        for ti in run.get_task_instances()
        if str(ti.state).endswith(("failed", "upstream_failed"))
    }
    return DagRunOutcome(run_id=run.run_id, state=str(run.state).split(".")[-1].lower(), failed_tasks=failed)


class OnceFilter(logging.Filter):
    """Let a message through once until a different one comes (a retry's wait repeats itself)."""

    def __init__(self) -> None:
        super().__init__()
        self.last: str | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        """Pass a record unless it repeats the previous one."""
        message = record.getMessage()
        repeated = message == self.last
        self.last = message
        return not repeated


def _failure_reason(ti: object) -> str:
    state = str(getattr(ti, "state", ""))
    return "upstream task failed" if state.endswith("upstream_failed") else "failed (see the task log)"
