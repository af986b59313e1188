"""Validate a run's staged rows with every suite and decide which rows load and which are quarantined."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from expectations.docs import make_offline
from expectations.runner import ExpectationOutcome, QuarantinedRow, Validation, build_docs, validate_frame
from ingest.records import Article, Mention, Position
from ingest.staging import write_rows


@dataclass
class RunBatch:
    """Everything one run is about to load, and the warehouse facts the feed-health suites need."""

    articles: Sequence[Article]
    mentions: Sequence[Mention] = ()
    positions: Sequence[Position] = ()
    sources: Sequence[dict[str, Any]] | None = None
    recent_volumes: Sequence[int] | None = None
    extra_known_ids: set[str] = field(default_factory=set)
    # Articles an earlier run already quarantined: failing again is not a new failure.
    remembered: set[str] = field(default_factory=set)
    # The last day's freshness (articles, p50, p95 minutes) and the p95 it should stay under.
    freshness: tuple[int, float | None, float | None] | None = None
    freshness_limit_minutes: float = 35.0


def is_quiet(batch: RunBatch) -> bool:
    """Tell whether the run brought nothing to validate: no rows, no volume to compare."""
    return not batch.articles and not batch.mentions and not batch.positions and batch.recent_volumes is None


def health_signature(batch: RunBatch) -> str:
    """Summarise what the health suites would conclude: stale, failing or paused feeds; late articles.

    Equal signatures mean equal warnings, so a quiet run whose signature matches the last validation's
    need not start Great Expectations again.
    """
    from expectations.suites import FAILURE_STREAK, STALE_HOURS

    feeds = sorted(
        (
            str(s["source_id"]),
            (s.get("hours_since_new_article") or 0) > STALE_HOURS,
            (s.get("consecutive_failures") or 0) >= FAILURE_STREAK,
            bool(s.get("paused")),
        )
        for s in batch.sources or []
    )
    articles, _, p95 = batch.freshness or (0, None, None)
    late = bool(articles) and p95 is not None and p95 > batch.freshness_limit_minutes
    return json.dumps({"feeds": feeds, "late": late})


def quiet_verdict(since_run: str) -> dict[str, Any]:
    """Return the verdict of a quiet run whose feed health is as it was at ``since_run``'s validation."""
    return {
        "failed_critical": [],
        "failed_warnings": [],
        "quarantined": {"articles": [], "entity_mentions": [], "positions": []},
        "new_critical": [],
        "checked": 0,
        "unchanged_since": since_run,
    }


def articles_frame(articles: Sequence[Article]) -> Any:
    """Articles as the DataFrame the suite sees (the same columns as the warehouse table)."""
    import pandas as pd

    from warehouse.load import frame

    df = frame(articles, Article)
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    df["feed_published_at"] = pd.to_datetime(df["feed_published_at"], utc=True)
    # How far the page's own date and its feed's disagree (null when one is missing).
    df["date_gap_days"] = (df["published_at"] - df["feed_published_at"]).abs().dt.total_seconds() / 86400
    return df


def mention_key(m: Mention) -> str:
    """Return the quarantine key of a mention."""
    return f"{m.article_id}:{m.start_char}:{m.end_char}"


def validate_batch(
    articles: Sequence[Article],
    *,
    project_dir: Path,
    run_id: str,
    now: datetime,
    results_path: Path,
    quarantine_path: Path,
    batch: RunBatch | None = None,
) -> dict[str, Any]:
    """Run every suite; stage the outcomes and the failing rows; return the verdict the gate reads."""
    # GX phones home unless told not to; Parley runs where only package registries are reachable.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from expectations import derived, suites
    from expectations.articles import articles_suite
    from transforms.actors import load_kb

    batch = batch or RunBatch(articles)
    known = (
        set(load_kb().actors)
        | batch.extra_known_ids
        | {m.entity_id for m in batch.mentions if m.entity_id and m.label == "PERSON"}
    )
    checks: list[tuple[Any, Any, Sequence[Any], str, Any]] = [
        (articles_frame(articles), articles_suite(now), articles, "articles", lambda a: a.article_id),
        (
            derived.mentions_frame(batch.mentions, articles, known),
            suites.mentions_suite(),
            batch.mentions,
            "entity_mentions",
            mention_key,
        ),
        (
            derived.positions_frame(batch.positions, articles, known),
            suites.positions_suite(),
            batch.positions,
            "positions",
            lambda p: p.position_id,
        ),
    ]
    if batch.sources is not None:
        checks.append((derived.sources_frame(batch.sources), suites.sources_suite(), [], "sources", None))
    if batch.recent_volumes is not None:
        fresh = sum(1 for a in articles if not a.is_seed)
        checks.append((derived.volume_frame(fresh, batch.recent_volumes), suites.volume_suite(), [], "batch", None))
    if batch.freshness is not None and batch.freshness[0]:
        checks.append(
            (
                derived.freshness_frame(*batch.freshness),
                suites.freshness_suite(batch.freshness_limit_minutes),
                [],
                "freshness",
                None,
            )
        )
    outcomes: list[ExpectationOutcome] = []
    quarantined: list[QuarantinedRow] = []
    new_critical: list[str] = []
    validations: list[Validation] = []
    for df, suite, rows, table, key in checks:
        validation = validate_frame(df, suite, project_dir=project_dir, run_id=run_id, now=now, build_docs=False)
        validations.append(validation)
        outcomes += validation.outcomes
        quarantined += _quarantine(validation, df, rows, table, key, run_id, now)
        new_critical += _new_failures(validation, rows, table, key, batch.remembered)
    started = time.time() - 1  # file times may be coarser than the clock
    make_offline(build_docs(project_dir, [i for v in validations for i in v.identifiers]), built_since=started)
    write_rows(results_path, outcomes)
    write_rows(quarantine_path, quarantined)
    failed = [o for o in outcomes if not o.success]
    return {
        "failed_critical": [f"{o.suite}.{o.expectation_id}" for o in failed if o.severity == "critical"],
        "failed_warnings": [f"{o.suite}.{o.expectation_id}" for o in failed if o.severity != "critical"],
        "quarantined": {
            t: [q.row_key for q in quarantined if q.table_name == t]
            for t in ("articles", "entity_mentions", "positions")
        },
        "new_critical": new_critical,
        "checked": len(articles),
    }


def _new_failures(validation: Validation, rows: Sequence[Any], table: str, key: Any, remembered: set[str]) -> list[str]:
    """Name the failed critical expectations with a failing row not already quarantined by an earlier run."""
    new = []
    for expectation in validation.failed_critical:
        failing = [i for i, reasons in validation.bad_rows.items() if expectation in reasons]
        # Only a whole article is remembered; a failure with no row to hold back is always new.
        old = table == "articles" and failing and all(key(rows[i]) in remembered for i in failing)
        if not old:
            new.append(f"{validation.suite}.{expectation}")
    return new


def _quarantine(
    validation: Validation, df: Any, rows: Sequence[Any], table: str, key: Any, run_id: str, now: datetime
) -> list[QuarantinedRow]:
    if key is None:
        return []
    return [
        QuarantinedRow(
            run_id=run_id,
            table_name=table,
            row_key=key(rows[i]),
            reasons="; ".join(sorted(set(reasons))),
            row_json=json.dumps(df.iloc[i].to_dict(), default=str, ensure_ascii=False)[:20_000],
            quarantined_at=now,
        )
        for i, reasons in sorted(validation.bad_rows.items())
    ]
