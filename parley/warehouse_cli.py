"""``parley sql``, ``parley search``, ``parley export`` and ``parley dq``: read the published warehouse."""

from __future__ import annotations

import csv
import sys
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from parley.sources_cli import format_table
from warehouse.changes import GROWING_TABLES
from warehouse.db import check_statements, connect, connect_sandboxed, table_exists

MAX_ROWS_SHOWN = 1000


def run_sql(warehouse: Path, query: str, *, as_csv: bool = False, parquet: Path | None = None) -> int:
    """Run a query in the sandbox and print it as a table or CSV, or write it as Parquet; return the row count.

    The query itself can touch no file: the Parquet file is written here, from the result.
    """
    with connect_sandboxed(warehouse) as con:
        check_statements(con, query)
        relation = con.sql(query)
        if relation is None:
            return 0
        if parquet is not None:
            import pyarrow.parquet as pq

            table = relation.fetch_arrow_table()
            pq.write_table(table, str(parquet))
            return int(table.num_rows)
        header = tuple(relation.columns)
        rows = relation.fetchall()
    if as_csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(header)
        writer.writerows(rows)
    else:
        shown = [tuple(_cell(v) for v in row) for row in rows[:MAX_ROWS_SHOWN]]
        print(format_table(header, shown))
        more = f" (first {MAX_ROWS_SHOWN} shown; use --csv or --parquet for all)" if len(rows) > MAX_ROWS_SHOWN else ""
        print(f"({len(rows)} rows){more}")
    return len(rows)


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:79] + "…"


def run_search(warehouse: Path, query: str, *, since: date | None, source: str | None, limit: int) -> int:
    """Print ranked articles with a snippet; return how many."""
    from warehouse.search import search

    with connect(warehouse, read_only=True) as con:
        if source:
            row = con.execute("select source_id from sources where source_id = $s or name = $s", {"s": source})
            found = row.fetchone()
            source = found[0] if found else source
        hits = search(con, query, since=since, source=source, limit=limit)
    for rank, hit in enumerate(hits, start=1):
        day = hit.published.date().isoformat() if hit.published else "undated"
        print(f"{rank:>2}. [{hit.score:.2f}] {hit.title or '(untitled)'}")
        print(f"    {day} · {hit.source_id} · {hit.url}")
        print(f"    {hit.snippet}")
    if not hits:
        print("no matching articles")
    return len(hits)


def export_tables(warehouse: Path, target: Path) -> list[Path]:
    """Write every table of the warehouse as ``TARGET/<table>.parquet``."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(warehouse, read_only=True) as con:
        # The stored tables: base tables, and the growing ones the head file reads from Parquet.
        tables = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main' "
                "and (table_type = 'BASE TABLE' or table_name in (select unnest($growing))) "
                "and table_name not like 'publish%' order by 1",
                {"growing": list(GROWING_TABLES)},
            ).fetchall()
        ]
        for table in tables:
            path = target / f"{table}.parquet"
            con.sql(f'select * from "{table}"').write_parquet(str(path))
            written.append(path)
    return written


def open_failures(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    """Count the remembered failed pages by status (quarantined, failing, dropped), released ones aside."""
    if not table_exists(con, "failed_items"):
        return []
    rows = con.execute(
        "select status, count(*) from failed_items where status <> 'released' group by status order by status"
    ).fetchall()
    return [(str(status), int(n)) for status, n in rows]


def quality_report(warehouse: Path, *, runs: int = 10) -> tuple[str, bool]:
    """Render the latest quality verdict, failing expectations, quarantined rows and the trend; say if it failed."""
    with connect(warehouse, read_only=True) as con:
        if not table_exists(con, "dq_results"):
            return "no validation has run yet", False
        trend = con.execute(
            """select run_id, max(validated_at) as validated, max(element_count) as checked,
                      count(*) filter (where not success and severity = 'critical') as critical,
                      count(*) filter (where not success and severity <> 'critical') as warnings,
                      (select count(*) from dq_quarantine q where q.run_id = r.run_id) as quarantined
               from dq_results r group by run_id order by validated desc limit $runs""",
            {"runs": runs},
        ).fetchall()
        if not trend:
            return "no validation has run yet", False
        latest = trend[0][0]
        failing = con.execute(
            "select severity, expectation_id, unexpected_count, coalesce(unexpected_examples, observed_value, '') "
            "from dq_results where run_id = ? and not success order by severity, expectation_id",
            [latest],
        ).fetchall()
        held = con.execute(
            "select table_name, row_key, reasons from dq_quarantine where run_id = ? order by row_key", [latest]
        ).fetchall()
        gate = con.execute(
            "select status from pipeline_runs where run_id = ? and stage = 'quality_gate'", [latest]
        ).fetchone()
        remembered = open_failures(con)
    # The gate's own verdict when it ran: critical failures only on pages quarantined before do not fail it.
    failed = gate[0] == "failed" if gate else trend[0][3] > 0
    if failed:
        verdict = "FAILED"
    elif trend[0][3]:
        verdict = "passed: critical failures only on pages already in quarantine"
    else:
        verdict = "passed with warnings" if trend[0][4] else "passed"
    lines = [f"latest validation: {latest} at {trend[0][1]:%Y-%m-%d %H:%M} — {verdict}"]
    lines += [f"  {sev:8} {exp}: {count} unexpected {_cell(examples)}" for sev, exp, count, examples in failing]
    if held:
        lines.append(f"quarantined rows ({len(held)}):")
        lines += [f"  {table}/{key}: {reasons}" for table, key, reasons in held]
    if remembered:
        counts = ", ".join(f"{n} {status}" for status, n in remembered)
        lines.append(f"open quarantine and failing pages: {counts} (`parley quarantine list`)")
    lines.append("")
    lines.append(f"last {len(trend)} runs:")
    lines.append(
        format_table(
            ("run", "validated", "rows", "critical", "warnings", "quarantined"),
            [(r[0], f"{r[1]:%Y-%m-%d %H:%M}", str(r[2] or 0), str(r[3]), str(r[4]), str(r[5])) for r in trend],
        )
    )
    return "\n".join(lines), failed
