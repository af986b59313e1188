"""``parley status``: the last runs stage by stage, the sources' health and the latest quality verdict."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from parley.airflow_state import ACTIVE, DagRunState, recent_dag_runs
from parley.locks import holder_of, lock_dir
from parley.sources_cli import COLUMNS, format_table, source_health_rows
from parley.warehouse_cli import quality_report
from warehouse.db import connect, table_exists

RUN_COLUMNS = ("run", "started", "status", "seconds", "stages (items in → out, seconds)")


def recent_runs(warehouse: Path, *, limit: int = 5) -> list[tuple[str, ...]]:
    """Return one display row per recent run (ingest or reprocess), newest first, with its stages."""
    if not warehouse.exists():
        return []
    with connect(warehouse, read_only=True) as con:
        if not table_exists(con, "pipeline_runs"):
            return []
        rows = con.execute(
            """with runs as (
                   select run_id, min(started_at) as started, max(finished_at) as finished,
                          bool_or(status = 'failed') as failed,
                          string_agg(stage || ' ' || items_in || '→' || items_out || ' ' || round(duration_s, 1)
                                     || case when status = 'failed' then ' FAILED' else '' end,
                                     ', ' order by started_at) as stages,
                          string_agg(error, '; ') filter (where error is not null) as errors
                   from pipeline_runs group by run_id)
               select run_id, strftime(started, '%Y-%m-%d %H:%M:%S'),
                      case when failed then 'failed: ' || coalesce(left(errors, 100), '') else 'success' end,
                      round(epoch(finished) - epoch(started), 1)::varchar, stages
               from runs order by started desc limit $limit""",
            {"limit": limit},
        ).fetchall()
    return [tuple(str(v) for v in row) for row in rows]


def freshness_line(warehouse: Path, schedule: str, now: datetime | None = None) -> str:
    """Say how long the last day's articles took from first seen in a feed to queryable, against the target."""
    from warehouse.freshness import freshness, freshness_limit

    now = now or datetime.now(UTC)
    with connect(warehouse, read_only=True) as con:
        found = freshness(con, now)
    limit = freshness_limit(schedule, now).total_seconds() / 60
    if not found.articles or found.p50_minutes is None or found.p95_minutes is None:
        return f"Freshness (first seen in a feed → queryable), last 24 h: no new article (p95 target {limit:.0f} min)"
    late = " — ABOVE TARGET" if found.p95_minutes > limit else ""
    return (
        f"Freshness (first seen in a feed → queryable), last 24 h: p50 {found.p50_minutes:.1f} min, "
        f"p95 {found.p95_minutes:.1f} min over {found.articles} articles (p95 target {limit:.0f} min){late}"
    )


def status_report(home: Path, warehouse: Path, airflow_home: Path, schedule: str = "*/30 * * * *") -> tuple[str, bool]:
    """Render the status text; the flag tells whether the latest run or the latest quality verdict failed."""
    parts = []
    writer = holder_of(lock_dir(home) / "writer.lock")
    run = holder_of(lock_dir(home) / "run.lock")
    dag_runs = recent_dag_runs(airflow_home)
    busy = [f"{h['purpose']} (pid {h['pid']}, since {h['since']})" for h in (run, writer) if h]
    busy += [_active(r) for r in dag_runs if r.state in ACTIVE]
    parts.append("In progress: " + ("; ".join(busy) if busy else "nothing"))
    finished = [r for r in dag_runs if r.state not in ACTIVE]
    latest_failed = bool(finished) and finished[0].state == "failed"
    if dag_runs:
        errors = stage_errors(warehouse)
        parts.append("Airflow runs (newest first):\n" + "\n".join(f"  {_describe(r, errors)}" for r in dag_runs))
    if not warehouse.exists():
        parts.append(f"No warehouse yet at {warehouse}: run `parley run` or start `parley airflow`.")
        return "\n\n".join(parts), latest_failed
    runs = recent_runs(warehouse)
    parts.append("Last runs by stage:\n" + (format_table(RUN_COLUMNS, runs) if runs else "  none yet"))
    sources = source_health_rows(warehouse)
    parts.append("Sources:\n" + (format_table(COLUMNS, sources) if sources else "  none polled yet"))
    parts.append(freshness_line(warehouse, schedule))
    quality, failed = quality_report(warehouse, runs=1)
    parts.append(quality)
    parts.append(dashboard_line(home / "dashboard" / "index.html"))
    return "\n\n".join(parts), failed or latest_failed


def dashboard_line(index: Path) -> str:
    """Say where the dashboard is and when it was built (or how to build it)."""
    if not index.exists():
        return "Dashboard: not built yet (`parley dashboard`)"
    built = datetime.fromtimestamp(index.stat().st_mtime, UTC)
    return f"Dashboard: {index} (built {_when(built)} UTC)"


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "?"


def _active(run: DagRunState) -> str:
    doing = ", ".join(f"{t.task_id} {t.state}" for t in run.running_tasks) or run.state
    return f"{run.dag_id} {run.run_id} since {_when(run.started)} ({doing})"


# The stage each ingest task records in pipeline_runs.
TASK_STAGES = {
    "poll_feeds": "poll",
    "fetch_pages": "fetch",
    "extract_articles": "extract",
    "tag_entities": "tag",
    "validate_batch": "validate",
    "load_warehouse": "load",
    "quality_gate": "quality_gate",
    "reprocess_articles": "reprocess",
}


def stage_errors(warehouse: Path) -> dict[tuple[str, str], str]:
    """Return the errors stages recorded, by (run, stage): the fallback when a task wrote no log file."""
    if not warehouse.exists():
        return {}
    with connect(warehouse, read_only=True) as con:
        if not table_exists(con, "pipeline_runs"):
            return {}
        rows = con.execute("select run_id, stage, error from pipeline_runs where error is not null").fetchall()
    return {(run, stage): error for run, stage, error in rows}


def _describe(run: DagRunState, errors: dict[tuple[str, str], str]) -> str:
    text = f"{run.dag_id} {run.run_id}: {run.state}, started {_when(run.started)}"
    if run.ended:
        text += f", ended {_when(run.ended)}"
    for task in run.failed_tasks:
        why = task.error or errors.get((run.run_id, TASK_STAGES.get(task.task_id, task.task_id))) or "see its log"
        text += f"\n    failed task {task.task_id} (attempt {task.try_number}): {why.splitlines()[-1][:300]}"
    return text
