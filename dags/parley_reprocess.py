"""Re-extract and re-tag stored articles from their raw pages, with the current code.

Trigger it by hand with parameters: `source` (a source id, `seed` for the seed documents, empty for
all), `since` and `until` (publication dates, YYYY-MM-DD, inclusive, empty for no bound). It does what
`parley reprocess` does: the selected articles, their entity mentions and positions are replaced in one
transaction; an article whose page no longer extracts keeps its stored version.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import Param, dag, task

from parley.locks import WAREHOUSE_POOL


@dag(
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    is_paused_upon_creation=False,  # a paused DAG would leave the runs an operator triggers queued
    params={
        "source": Param("", type=["null", "string"], description="source id; 'seed' for the seeds; empty: all"),
        "since": Param("", type=["null", "string"], description="published on or after (YYYY-MM-DD); empty: no bound"),
        "until": Param("", type=["null", "string"], description="published on or before (YYYY-MM-DD); empty: no bound"),
    },
    tags=["parley", "reprocess"],
    doc_md=__doc__,
)
def parley_reprocess() -> None:
    """Wire the one reprocess step."""

    @task(pool=WAREHOUSE_POOL, retries=0)
    def reprocess_articles(params: Any = None, dag_run: Any = None) -> dict[str, Any]:
        from parley.reprocess import reprocess, selection_from_params
        from parley.settings import Settings

        settings = Settings.from_env()
        if not settings.working_path.exists():
            raise FileNotFoundError(f"no warehouse at {settings.working_path}: run parley_ingest first")
        return reprocess(
            settings, selection_from_params(params or {}), run_id=f"reprocess__{dag_run.run_id}", now=dag_run.run_after
        )

    reprocess_articles()


parley_reprocess()
