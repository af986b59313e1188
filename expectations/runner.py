"""Validate a batch (a DataFrame taken from staging or DuckDB) and keep results and Data Docs."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core import ExpectationSuite

logger = logging.getLogger(__name__)
MAX_EXAMPLES = 5
KEEP_VALIDATIONS = 5000  # stored validation results (about 1,000 runs of five suites)
# The columns that name a row for whoever reads a failing expectation, in the order shown (those present).
KEY_COLUMNS = ("article_id", "position_id", "start_char", "url", "article_url", "source_id")


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation's verdict on one batch, as stored in ``dq_results``."""

    run_id: str
    suite: str
    expectation_id: str
    expectation_type: str
    column_name: str | None
    severity: str
    success: bool
    observed_value: str | None
    element_count: int | None
    unexpected_count: int | None
    unexpected_examples: str | None
    validated_at: datetime


@dataclass(frozen=True)
class QuarantinedRow:
    """A row held back from its table, with the expectations it failed; stored in ``dq_quarantine``."""

    run_id: str
    table_name: str
    row_key: str
    reasons: str
    row_json: str
    quarantined_at: datetime


@dataclass
class Validation:
    """A suite's verdict on a batch and the rows that failed a critical expectation, with why."""

    suite: str
    outcomes: list[ExpectationOutcome]
    bad_rows: dict[int, list[str]] = field(default_factory=dict)
    identifiers: list[Any] = field(default_factory=list)  # GX's keys of the stored results, for Data Docs

    @property
    def failed_critical(self) -> list[str]:
        """Ids of the critical expectations that failed."""
        return [o.expectation_id for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def failed_warnings(self) -> list[str]:
        """Ids of the warning expectations that failed."""
        return [o.expectation_id for o in self.outcomes if not o.success and o.severity != "critical"]


def validate_frame(
    df: pd.DataFrame, suite: ExpectationSuite, *, project_dir: Path, run_id: str, now: datetime, build_docs: bool = True
) -> Validation:
    """Run the suite on the DataFrame in the data folder's GX project; update Data Docs."""
    import great_expectations as gx

    context = gx.get_context(mode="file", project_root_dir=str(project_dir))
    _quiet(context)
    source = context.data_sources.add_or_update_pandas(name="parley_batches")
    asset = _asset(source, suite.name)
    batch_definition = _batch_definition(asset)
    suite = context.suites.add_or_update(suite)
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=f"{suite.name}_batch", data=batch_definition, suite=suite)
    )
    actions = [gx.checkpoint.UpdateDataDocsAction(name="update_data_docs")] if build_docs else []
    # Failing rows are named by their key and URL in the Data Docs (GX would show `df.filter(items=[0])`);
    # `batch_row` keeps the position each row has in the batch, which the quarantine goes by.
    df = df.assign(batch_row=range(len(df)))
    keys = ["batch_row", *(c for c in KEY_COLUMNS if c in df.columns)]
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=f"{suite.name}_checkpoint",
            validation_definitions=[definition],
            actions=actions,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": keys},
        )
    )
    result = checkpoint.run(batch_parameters={"dataframe": df}, run_id=_gx_run_id(run_id, suite.name))
    validation = Validation(suite=suite.name, outcomes=[], identifiers=list(result.run_results))
    for suite_result in result.run_results.values():
        for item in suite_result.results:
            _collect(item, validation, run_id=run_id, suite_name=suite.name, now=now)
    _keep_first_copies(df, validation)
    return validation


def build_docs(project_dir: Path, identifiers: list[Any] | None = None, *, keep: int = KEEP_VALIDATIONS) -> Path:
    """Render Data Docs (only the pages of ``identifiers`` when given, and the index); return the site folder.

    Rendering every stored validation on each run grew with the history (4.8 s after 170 runs); the pages of
    one run and the index take a fraction of a second. Validations beyond the newest ``keep`` are deleted
    with their pages (``dq_results`` keeps every outcome), so the index stays small too.
    """
    import great_expectations as gx

    context = gx.get_context(mode="file", project_root_dir=str(project_dir))
    gx_dir = project_dir / "gx" / "uncommitted"
    _prune_validations(gx_dir, keep)
    if identifiers is None:
        context.build_data_docs()
    else:
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        names = sorted({i.expectation_suite_identifier.name for i in identifiers})
        context.build_data_docs(resource_identifiers=[*identifiers, *map(ExpectationSuiteIdentifier, names)])
    return gx_dir / "data_docs" / "local_site"


def _prune_validations(gx_dir: Path, keep: int) -> None:
    """Delete the stored validation results (and their pages) older than the newest ``keep``."""
    results = sorted((gx_dir / "validations").glob("*/*/*/*.json"), key=lambda p: p.parent.name, reverse=True)
    for old in results[keep:]:
        relative = old.relative_to(gx_dir / "validations")
        for path in (old, gx_dir / "data_docs" / "local_site" / "validations" / relative.with_suffix(".html")):
            path.unlink(missing_ok=True)
            for folder in (path.parent, path.parent.parent):
                if folder.is_dir() and not any(folder.iterdir()):
                    folder.rmdir()


def _keep_first_copies(df: pd.DataFrame, validation: Validation) -> None:
    """Hold back only the later copies on a uniqueness failure: the first copy is a good row."""
    for outcome in validation.outcomes:
        if outcome.expectation_type != "expect_column_values_to_be_unique" or outcome.success:
            continue
        firsts = set(df.index[~df[outcome.column_name].duplicated(keep="first")])
        for index in firsts:
            reasons = validation.bad_rows.get(index, [])
            if outcome.expectation_id in reasons:
                reasons.remove(outcome.expectation_id)
                if not reasons:
                    del validation.bad_rows[index]


def _quiet(context: Any) -> None:
    # Progress bars flood task logs with carriage returns; the results table says everything.
    from great_expectations.data_context.types.base import ProgressBarsConfig

    if context.variables.progress_bars is None:
        context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        context.variables.save()


def _asset(source: Any, name: str) -> Any:
    try:
        return source.get_asset(name)
    except LookupError:
        return source.add_dataframe_asset(name=name)


def _batch_definition(asset: Any) -> Any:
    try:
        return asset.get_batch_definition("whole_batch")
    except (KeyError, LookupError):
        return asset.add_batch_definition_whole_dataframe("whole_batch")


def _gx_run_id(run_id: str, suite: str) -> Any:
    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=f"{run_id}:{suite}")


def _collect(item: Any, validation: Validation, *, run_id: str, suite_name: str, now: datetime) -> None:
    config = item.expectation_config
    kwargs = config.kwargs
    column = kwargs.get("column")
    severity = str(getattr(config, "severity", "critical")).split(".")[-1].lower()
    res = item.result or {}
    unexpected = res.get("partial_unexpected_list") or []
    observed = res.get("observed_value")
    expectation_id = f"{config.type}:{column}" if column else config.type
    if item.exception_info and item.exception_info.get("raised_exception"):
        observed = f"error: {item.exception_info.get('exception_message')}"
    validation.outcomes.append(
        ExpectationOutcome(
            run_id=run_id,
            suite=suite_name,
            expectation_id=expectation_id,
            expectation_type=config.type,
            column_name=column,
            severity=severity,
            success=bool(item.success),
            observed_value=None if observed is None else json.dumps(observed, default=str)[:1000],
            element_count=res.get("element_count"),
            unexpected_count=res.get("unexpected_count"),
            unexpected_examples=json.dumps(unexpected[:MAX_EXAMPLES], default=str) if unexpected else None,
            validated_at=now,
        )
    )
    if not item.success and severity == "critical":
        for index in res.get("unexpected_index_list") or []:
            row = index["batch_row"] if isinstance(index, dict) else index
            validation.bad_rows.setdefault(int(row), []).append(expectation_id)
