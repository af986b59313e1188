"""``parley status``: the last runs stage by stage, the sources' health and the latest quality verdict."""

from __future__ import annotations

from pathlib import Path

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


def status_report(home: Path, warehouse: Path) -> tuple[str, bool]:
    """Render the status text; the flag tells whether the latest quality verdict failed."""
    parts = []
    writer = holder_of(lock_dir(home) / "writer.lock")
    run = holder_of(lock_dir(home) / "run.lock")
    busy = [f"{h['purpose']} (pid {h['pid']}, since {h['since']})" for h in (run, writer) if h]
    parts.append("In progress: " + ("; ".join(busy) if busy else "nothing"))
    if not warehouse.exists():
        parts.append(f"No warehouse yet at {warehouse}: run `parley run` or start `parley airflow`.")
        return "\n\n".join(parts), False
    runs = recent_runs(warehouse)
    parts.append("Last runs:\n" + (format_table(RUN_COLUMNS, runs) if runs else "  none yet"))
    sources = source_health_rows(warehouse)
    parts.append("Sources:\n" + (format_table(COLUMNS, sources) if sources else "  none polled yet"))
    quality, failed = quality_report(warehouse, runs=1)
    parts.append(quality)
    return "\n\n".join(parts), failed
