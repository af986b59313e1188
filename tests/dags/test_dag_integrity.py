"""The DAG folder imports cleanly and wires the expected tasks (Airflow's recommended DAG tests)."""

from __future__ import annotations

import itertools
import os
import tempfile
from typing import Any

import pytest

from parley.settings import DEFAULT_DAGS_FOLDER

EXPECTED_ORDER = [
    "poll_feeds",
    "fetch_pages",
    "extract_articles",
    "tag_entities",
    "validate_batch",
    "load_warehouse",
    "quality_gate",
    "record_run",
]


@pytest.fixture(scope="module")
def dagbag() -> Any:
    # Airflow reads its home on first import; give this process a throw-away one.
    os.environ.setdefault("AIRFLOW_HOME", tempfile.mkdtemp(prefix="parley-airflow-"))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DEFAULT_DAGS_FOLDER))


def test_dags_import_without_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"parley_ingest", "parley_reprocess"}


def test_ingest_dag_settings(dagbag: Any) -> None:
    dag = dagbag.dags["parley_ingest"]
    assert dag.tags and "parley" in dag.tags
    assert dag.catchup is False and dag.max_active_runs == 1
    assert dag.timetable.expression == "*/30 * * * *"
    retries = {t.task_id: t.retries for t in dag.tasks}
    assert all(n >= 2 for task, n in retries.items() if task != "quality_gate")
    assert retries["quality_gate"] == 0  # a failed expectation is a verdict, not a flaky error


def test_tasks_run_in_order(dagbag: Any) -> None:
    dag = dagbag.dags["parley_ingest"]
    assert sorted(t.task_id for t in dag.tasks) == sorted(EXPECTED_ORDER)
    for upstream, downstream in itertools.pairwise(EXPECTED_ORDER):
        assert dag.get_task(upstream).downstream_task_ids == {downstream}


def test_warehouse_writers_share_a_one_slot_pool(dagbag: Any) -> None:
    writers = {
        (dag_id, t.task_id)
        for dag_id in ("parley_ingest", "parley_reprocess")
        for t in dagbag.dags[dag_id].tasks
        if t.pool == "parley_warehouse"
    }
    assert writers == {
        ("parley_ingest", "load_warehouse"),
        ("parley_ingest", "record_run"),
        ("parley_reprocess", "reprocess_articles"),
    }


def test_the_run_is_recorded_however_it_went(dagbag: Any) -> None:
    record = dagbag.dags["parley_ingest"].get_task("record_run")
    assert record.is_teardown and not record.on_failure_fail_dagrun  # the run's outcome stays the gate's


def test_reprocess_dag_is_manual_with_selection_params(dagbag: Any) -> None:
    dag = dagbag.dags["parley_reprocess"]
    assert type(dag.timetable).__name__ == "NullTimetable"  # triggered by hand only
    assert set(dag.params.keys()) == {"source", "since", "until"}
