"""How long articles take from their first sighting in a feed to being queryable by analysts."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from warehouse.db import table_exists

WINDOW = timedelta(days=1)
SLACK = timedelta(minutes=5)  # a run's own duration, on top of waiting for the next scheduled poll


@dataclass(frozen=True)
class Freshness:
    """Minutes from first seen in a feed to queryable, over the articles published in a window."""

    articles: int
    p50_minutes: float | None
    p95_minutes: float | None


def freshness(con: duckdb.DuckDBPyConnection, now: datetime, window: timedelta = WINDOW) -> Freshness:
    """Measure the articles that became queryable in the ``window`` before ``now``."""
    if not table_exists(con, "article_freshness"):
        return Freshness(0, None, None)
    row = con.execute(
        """select count(*),
                  quantile_cont(epoch(queryable_at) - epoch(first_seen_at), 0.5) / 60,
                  quantile_cont(epoch(queryable_at) - epoch(first_seen_at), 0.95) / 60
           from article_freshness where queryable_at > $since and queryable_at <= $now""",
        {"since": now - window, "now": now},
    ).fetchone()
    if not row or not row[0]:
        return Freshness(0, None, None)
    return Freshness(int(row[0]), float(row[1]), float(row[2]))


def schedule_interval(schedule: str, now: datetime) -> timedelta:
    """Return the gap between two runs of a cron schedule (the largest over the next day, for irregular ones)."""
    from croniter import croniter  # type: ignore[import-untyped]

    times = croniter(schedule, now)
    moments = [times.get_next(datetime)]
    while moments[-1] < now + timedelta(days=1) and len(moments) < 2000:
        moments.append(times.get_next(datetime))
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    return max(gaps) if gaps else timedelta(days=1)


def freshness_limit(schedule: str, now: datetime) -> timedelta:
    """Return the p95 an operator may expect: one schedule interval plus a run's duration."""
    return schedule_interval(schedule, now) + SLACK
