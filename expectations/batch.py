"""Validate a run's staged articles and decide which rows load and which are quarantined."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from expectations.runner import QuarantinedRow, validate_frame
from ingest.records import Article
from ingest.staging import write_rows


def articles_frame(articles: list[Article]) -> Any:
    """Articles as the DataFrame the suite sees (the same columns as the warehouse table)."""
    import pandas as pd

    from warehouse.load import frame

    df = frame(articles, Article)
    df["published_at"] = pd.to_datetime(df["published_at"], utc=True)
    return df


def validate_batch(
    articles: list[Article], *, project_dir: Path, run_id: str, now: datetime, results_path: Path, quarantine_path: Path
) -> dict[str, Any]:
    """Run the articles suite; stage its outcomes and the failing rows; return the verdict."""
    # GX phones home unless told not to; Parley runs where only package registries are reachable.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    from expectations.articles import articles_suite

    df = articles_frame(articles)
    validation = validate_frame(df, articles_suite(now), project_dir=project_dir, run_id=run_id, now=now)
    write_rows(results_path, validation.outcomes)
    quarantined = [
        QuarantinedRow(
            run_id=run_id,
            table_name="articles",
            row_key=articles[i].article_id,
            reasons="; ".join(sorted(set(reasons))),
            row_json=json.dumps(df.iloc[i].to_dict(), default=str, ensure_ascii=False),
            quarantined_at=now,
        )
        for i, reasons in sorted(validation.bad_rows.items())
    ]
    write_rows(quarantine_path, quarantined)
    return {
        "suite": validation.suite,
        "failed_critical": validation.failed_critical,
        "failed_warnings": validation.failed_warnings,
        "quarantined": [q.row_key for q in quarantined],
        "checked": len(articles),
    }
