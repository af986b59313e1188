"""Ingest feeds into the Parley warehouse.

Poll the configured feeds, fetch and extract new articles, tag their entities, validate the batch
with Great Expectations and load everything (plus the seed documents) into the DuckDB warehouse.

Each task calls one function of `parley.pipeline`; data moves through `PARLEY_HOME/staging/<run>/`.
`load_warehouse` writes the run's rows; `quality_gate` fails the run when a critical expectation
failed (the failing rows are then in `dq_quarantine`, the good rows are loaded); `record_run` runs
however the run went: it records every stage that ran in `pipeline_runs` and publishes the warehouse.
Both writers share the one-slot `parley_warehouse` pool.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pendulum
from airflow.sdk import dag, task, teardown

from parley.locks import WAREHOUSE_POOL

SCHEDULE = os.environ.get("PARLEY_SCHEDULE", "*/30 * * * *")
RETRY_DELAY = timedelta(seconds=int(os.environ.get("PARLEY_RETRY_DELAY_SECONDS", "60")))


@dag(
    schedule=SCHEDULE,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=False,  # `parley airflow` is started to ingest on schedule
    default_args={"retries": 2, "retry_delay": RETRY_DELAY, "retry_exponential_backoff": True},
    tags=["parley", "ingest"],
    doc_md=__doc__,
)
def parley_ingest() -> None:
    """Wire the ingest steps; every body only calls a plain function."""

    @task
    def poll_feeds(dag_run: Any = None) -> dict[str, Any]:
        from parley.pipeline import poll_step
        from parley.settings import Settings

        return poll_step(Settings.from_env(), dag_run.run_id, dag_run.run_after)

    @task
    def fetch_pages(dag_run: Any = None) -> dict[str, Any]:
        from parley.pipeline import fetch_step
        from parley.settings import Settings

        return fetch_step(Settings.from_env(), dag_run.run_id, dag_run.run_after)

    @task
    def extract_articles(dag_run: Any = None) -> dict[str, Any]:
        from parley.pipeline import extract_step
        from parley.settings import Settings

        return extract_step(Settings.from_env(), dag_run.run_id, dag_run.run_after)

    @task
    def tag_entities(dag_run: Any = None) -> dict[str, Any]:
        from parley.pipeline import tag_step
        from parley.settings import Settings

        return tag_step(Settings.from_env(), dag_run.run_id)

    @task
    def validate_batch(dag_run: Any = None) -> dict[str, Any]:
        from parley.pipeline import validate_step
        from parley.settings import Settings

        return validate_step(Settings.from_env(), dag_run.run_id, dag_run.run_after)

    @task(pool=WAREHOUSE_POOL)
    def load_warehouse(dag_run: Any = None) -> dict[str, Any]:
        from parley.pipeline import load_step
        from parley.settings import Settings

        return load_step(Settings.from_env(), dag_run.run_id, dag_run.run_after)

    @task(retries=0)
    def quality_gate(dag_run: Any = None) -> dict[str, Any]:
        from airflow.sdk.exceptions import AirflowFailException

        from parley.pipeline import QualityGateError, quality_gate_step
        from parley.settings import Settings

        try:
            return quality_gate_step(Settings.from_env(), dag_run.run_id)
        except QualityGateError as exc:
            raise AirflowFailException(str(exc)) from exc

    # A teardown: it runs however the run went, and the run's outcome stays the gate's (or the failed
    # task's). A failure to record shows as its own failed task and in the task log.
    @teardown
    @task(pool=WAREHOUSE_POOL)
    def record_run(dag_run: Any = None) -> dict[str, Any]:
        from parley.pipeline import record_step
        from parley.settings import Settings

        return record_step(Settings.from_env(), dag_run.run_id)

    (
        poll_feeds()
        >> fetch_pages()
        >> extract_articles()
        >> tag_entities()
        >> validate_batch()
        >> load_warehouse()
        >> quality_gate()
        >> record_run()
    )


parley_ingest()
