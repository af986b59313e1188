"""``parley sources``: the configured feeds and their health, and resuming paused ones."""

from __future__ import annotations

from pathlib import Path

from warehouse.db import connect, table_exists

COLUMNS = ("source_id", "status", "failures", "last success", "last error", "next poll")


def source_health_rows(warehouse: Path) -> list[tuple[str, ...]]:
    """Return one display row per feed source, paused ones first."""
    if not warehouse.exists():
        return []
    with connect(warehouse, read_only=True) as con:
        if not table_exists(con, "sources"):
            return []
        rows = con.execute(
            """select source_id,
                      case when paused then 'PAUSED: ' || coalesce(paused_reason, '')
                           when consecutive_failures > 0 then 'failing' else 'ok' end,
                      consecutive_failures::varchar,
                      coalesce(strftime(last_success_at, '%Y-%m-%d %H:%M'), 'never'),
                      coalesce(left(last_error, 80), ''),
                      coalesce(strftime(next_poll_at, '%Y-%m-%d %H:%M'), 'next run')
               from sources where kind = 'feed' order by not paused, consecutive_failures desc, source_id"""
        ).fetchall()
    return [tuple(str(v) for v in row) for row in rows]


def format_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Render rows as a plain aligned text table."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=False)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)).rstrip() for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
