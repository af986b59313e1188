"""The articles suite: what every loaded article must satisfy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuite

from ingest.extract import MIN_ARTICLE_WORDS

# A book-length page is an extraction accident; below the extractor's floor nothing is an article.
MIN_WORDS = MIN_ARTICLE_WORDS
MAX_WORDS = 30_000
MAX_DATE_GAP_DAYS = 2
LANGUAGES = ["en", "uk", "ru", "de", "fr", "es", "it", "pl", "tr", "zh", "ja"]


def articles_suite(now: datetime | None = None) -> ExpectationSuite:
    """Build the suite; ``severity`` says which failures block rows (critical) and which only warn."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    latest = (now or datetime.now(UTC)) + timedelta(days=1)  # publishers' clocks and time zones drift
    return gx.ExpectationSuite(
        name="articles",
        expectations=[
            gxe.ExpectColumnValuesToBeUnique(column="article_id", severity="critical"),
            gxe.ExpectColumnValuesToBeUnique(column="url", severity="critical"),
            gxe.ExpectColumnValuesToNotBeNull(column="url", severity="critical"),
            gxe.ExpectColumnValuesToNotBeNull(column="text", severity="critical"),
            gxe.ExpectColumnValueLengthsToBeBetween(column="text", min_value=1, severity="critical"),
            gxe.ExpectColumnValuesToBeBetween(column="published_at", max_value=latest, severity="critical"),
            gxe.ExpectColumnValuesToBeBetween(
                column="word_count", min_value=MIN_WORDS, max_value=MAX_WORDS, severity="critical"
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="title", severity="warning"),
            # The page and its feed name different days: one of them (usually the feed) is wrong.
            gxe.ExpectColumnValuesToBeBetween(column="date_gap_days", max_value=MAX_DATE_GAP_DAYS, severity="warning"),
            gxe.ExpectColumnValuesToBeInSet(column="language", value_set=LANGUAGES, severity="warning"),
        ],
    )
