"""Suites for the other tables the pipeline writes: mentions, positions, feed health and batch volume."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from great_expectations.core import ExpectationSuite

# A feed without a new article for three days, or failing three times in a row, needs a look.
STALE_HOURS = 72
FAILURE_STREAK = 3
# A run bringing less than a tenth or more than ten times the usual number of articles is suspicious.
VOLUME_RANGE = (0.1, 10.0)


def mentions_suite() -> ExpectationSuite:
    """Offsets inside the text that slice to the surface form, known labels, ids that exist."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from transforms.entities import KEPT_LABELS

    return gx.ExpectationSuite(
        name="entity_mentions",
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column="label", value_set=sorted(KEPT_LABELS), severity="critical"),
            gxe.ExpectColumnValuesToBeInSet(column="within_text", value_set=[True], severity="critical"),
            gxe.ExpectColumnValuesToBeInSet(column="slices_surface", value_set=[True], severity="critical"),
            gxe.ExpectColumnValuesToBeInSet(column="entity_known", value_set=[True], severity="critical"),
            gxe.ExpectColumnValuesToNotBeNull(column="surface", severity="critical"),
        ],
    )


def positions_suite() -> ExpectationSuite:
    """Stance and topic from the taxonomy, evidence found in the article, actor known."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    from transforms.cues import load_taxonomy

    taxonomy = load_taxonomy()
    return gx.ExpectationSuite(
        name="positions",
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column="stance", value_set=sorted(taxonomy.polarity), severity="critical"),
            gxe.ExpectColumnValuesToBeInSet(column="topic", value_set=list(taxonomy.topics), severity="critical"),
            gxe.ExpectColumnValuesToBeInSet(column="polarity", value_set=["pro", "contra"], severity="critical"),
            gxe.ExpectColumnValuesToBeInSet(
                column="attribution", value_set=["stated", "analysis"], severity="critical"
            ),
            gxe.ExpectColumnValuesToBeInSet(column="evidence_in_article", value_set=[True], severity="critical"),
            gxe.ExpectColumnValuesToBeInSet(column="actor_known", value_set=[True], severity="critical"),
            gxe.ExpectColumnValuesToBeBetween(column="confidence", min_value=0, max_value=1, severity="critical"),
        ],
    )


def sources_suite() -> ExpectationSuite:
    """Feed freshness and failure streaks: warnings for whoever watches the pipeline."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="sources",
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="hours_since_new_article", max_value=STALE_HOURS, severity="warning"
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="consecutive_failures", max_value=FAILURE_STREAK - 1, severity="warning"
            ),
            gxe.ExpectColumnValuesToBeInSet(column="paused", value_set=[False], severity="warning"),
        ],
    )


def volume_suite() -> ExpectationSuite:
    """Compare this run's new articles with the median of recent runs."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    low, high = VOLUME_RANGE
    return gx.ExpectationSuite(
        name="batch_volume",
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(column="ratio", min_value=low, max_value=high, severity="warning"),
        ],
    )


def freshness_suite(limit_minutes: float) -> ExpectationSuite:
    """Articles queryable soon after their feed showed them: p95 within one schedule interval plus 5 min."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx.ExpectationSuite(
        name="freshness",
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="p95_minutes", max_value=round(limit_minutes, 1), severity="warning"
            ),
        ],
    )
