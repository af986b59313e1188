"""The articles suite, run for real by Great Expectations on small DataFrames."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from expectations.batch import validate_batch
from ingest.records import Article
from ingest.seeds import load_seeds
from ingest.staging import read_rows
from parley.settings import SEEDS_DIR

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    return load_seeds(SEEDS_DIR)[:3]


def _validate(tmp_path: Path, articles: list[Article]) -> dict:
    return validate_batch(
        articles,
        project_dir=tmp_path / "gx",
        run_id="r1",
        now=NOW,
        results_path=tmp_path / "dq.jsonl",
        quarantine_path=tmp_path / "q.jsonl",
    )


def test_good_batch_passes_and_renders_data_docs(tmp_path: Path, seeds: list[Article]) -> None:
    verdict = _validate(tmp_path, seeds)
    assert verdict["failed_critical"] == [] and verdict["quarantined"]["articles"] == []
    assert (tmp_path / "gx" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html").exists()
    assert len((tmp_path / "dq.jsonl").read_text().splitlines()) == 10 + 5 + 7  # articles, mentions, positions


def test_bad_rows_are_named_and_quarantined(tmp_path: Path, seeds: list[Article]) -> None:
    future = replace(seeds[1], published_at=datetime(2090, 1, 1, tzinfo=UTC))
    empty = replace(seeds[2], text="", word_count=0)
    verdict = _validate(tmp_path, [seeds[0], future, empty])
    assert set(verdict["failed_critical"]) == {
        "articles.expect_column_values_to_be_between:published_at",
        "articles.expect_column_value_lengths_to_be_between:text",
        "articles.expect_column_values_to_be_between:word_count",
    }
    assert verdict["quarantined"]["articles"] == [future.article_id, empty.article_id]
    from expectations.runner import QuarantinedRow

    reasons = {q.row_key: q.reasons for q in read_rows(tmp_path / "q.jsonl", QuarantinedRow)}
    assert "published_at" in reasons[future.article_id] and "word_count" in reasons[empty.article_id]


def test_missing_title_only_warns(tmp_path: Path, seeds: list[Article]) -> None:
    verdict = _validate(tmp_path, [replace(seeds[0], title=None), *seeds[1:]])
    assert verdict["failed_critical"] == []
    assert verdict["failed_warnings"] == ["articles.expect_column_values_to_not_be_null:title"]


def test_a_page_and_feed_that_disagree_on_the_date_is_a_warning(tmp_path: Path, seeds: list[Article]) -> None:
    late = replace(
        seeds[0],
        published_at=datetime(2025, 5, 10, 9, tzinfo=UTC),
        feed_published_at=datetime(2025, 5, 20, 9, tzinfo=UTC),
        date_source="page",
    )
    verdict = _validate(tmp_path, [late, *seeds[1:]])
    assert verdict["failed_critical"] == []
    assert any("date_gap_days" in name for name in verdict["failed_warnings"]), verdict["failed_warnings"]
