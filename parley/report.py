"""Read a run's outcome back from the warehouse for people: the summary ``parley run`` prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from warehouse.db import connect


@dataclass
class RunReport:
    """What one run did, as an operator wants to read it."""

    run_id: str
    polls: list[tuple[str, str, int, str | None]] = field(default_factory=list)
    new_articles: int = 0
    seed_articles: int = 0
    mentions: int = 0
    duplicates: int = 0
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    failed_critical: list[str] = field(default_factory=list)
    failed_warnings: list[str] = field(default_factory=list)
    quarantined: int = 0
    total_articles: int = 0
    gate_failed: bool | None = None  # the quality gate's own outcome, when it ran
    validated: bool = True  # False: a quiet run whose feed health was as at the last validation

    @property
    def verdict(self) -> str:
        """``passed``, ``passed with warnings``, ``FAILED``, or passed with only old pages failing again."""
        if self.failed_critical and self.gate_failed is False:
            return "passed: critical failures only on pages already in quarantine (`parley quarantine list`)"
        if self.failed_critical:
            return "FAILED"
        if not self.validated and self.gate_failed is False:
            return "nothing new to validate (feed health as at the last validation: `parley dq`)"
        return "passed with warnings" if self.failed_warnings else "passed"


def read_run_report(warehouse: Path, run_id: str) -> RunReport:
    """Collect polls, new articles, mentions, errors and the quality verdict of one run."""
    report = RunReport(run_id)
    if not warehouse.exists():
        return report
    with connect(warehouse, read_only=True) as con:
        report.polls = con.execute(
            "select source_id, status, entries_new, error from feed_polls where run_id = ? order by source_id", [run_id]
        ).fetchall()
        report.new_articles, report.seed_articles = con.execute(
            "select count(*) filter (where not is_seed), count(*) filter (where is_seed) "
            "from articles where run_id = ?",
            [run_id],
        ).fetchone() or (0, 0)
        report.mentions = (
            con.execute(
                "select count(*) from entity_mentions m join articles a using (article_id) where a.run_id = ?", [run_id]
            ).fetchone()
            or (0,)
        )[0]
        report.duplicates = (
            con.execute("select count(*) from article_duplicates where run_id = ?", [run_id]).fetchone() or (0,)
        )[0]
        report.errors = con.execute(
            "select stage, coalesce(url, source_id, ''), message from ingest_errors where run_id = ? "
            "order by stage, url",
            [run_id],
        ).fetchall()
        for expectation_id, severity in con.execute(
            "select expectation_id, severity from dq_results where run_id = ? and not success order by expectation_id",
            [run_id],
        ).fetchall():
            (report.failed_critical if severity == "critical" else report.failed_warnings).append(expectation_id)
        report.quarantined = (
            con.execute("select count(*) from dq_quarantine where run_id = ?", [run_id]).fetchone() or (0,)
        )[0]
        report.total_articles = (con.execute("select count(*) from articles").fetchone() or (0,))[0]
        gate = con.execute(
            "select status from pipeline_runs where run_id = ? and stage = 'quality_gate'", [run_id]
        ).fetchone()
        report.gate_failed = None if gate is None else gate[0] == "failed"
        checked = con.execute("select count(*) from dq_results where run_id = ?", [run_id]).fetchone()
        report.validated = bool(checked and checked[0])
    return report


def format_run_report(
    report: RunReport,
    *,
    warehouse: Path,
    data_docs: Path,
    dashboard: Path | None = None,
    dashboard_updated: bool = True,
) -> str:
    """Render the report as the short text ``parley run`` prints."""
    ok = [p for p in report.polls if p[1] not in {"failed", "skipped"}]
    failed = [p for p in report.polls if p[1] == "failed"]
    skipped = [p for p in report.polls if p[1] == "skipped"]
    counts = f"{len(ok)} ok, {len(failed)} failed" + (f", {len(skipped)} skipped" if skipped else "")
    lines = [f"run {report.run_id}", f"sources polled: {len(report.polls)} ({counts})"]
    lines += [f"  ok      {s}: {status}, {new} new" for s, status, new, _ in ok]
    lines += [f"  FAILED  {s}: {err}" for s, _, _, err in failed]
    lines += [f"  skipped {s}: {err}" for s, _, _, err in skipped]
    lines.append(
        f"new articles: {report.new_articles} from feeds, {report.seed_articles} seeds "
        f"({report.total_articles} in the warehouse)"
    )
    if report.duplicates:
        lines.append(f"duplicates linked to a stored article: {report.duplicates} (table article_duplicates)")
    lines.append(f"entity mentions: {report.mentions}")
    if report.errors:
        lines.append(f"page errors: {len(report.errors)}")
        lines += [f"  {stage:8} {where}: {message}" for stage, where, message in report.errors[:10]]
    lines.append(f"quality: {report.verdict}")
    lines += [f"  critical failed: {e}" for e in report.failed_critical]
    lines += [f"  warning: {e}" for e in report.failed_warnings]
    if report.quarantined:
        lines.append(f"  quarantined rows: {report.quarantined} (table dq_quarantine)")
    lines.append(f"warehouse: {warehouse}")
    lines.append(f"quality report: {data_docs}")
    if dashboard is not None and dashboard.exists():
        stale = "" if dashboard_updated else " (not updated by this run: see the log; `parley dashboard` retries)"
        lines.append(f"dashboard: {dashboard}{stale}")
    return "\n".join(lines)
