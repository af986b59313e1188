"""The steps of one ingest run as plain functions; each DAG task calls exactly one of them.

Steps hand data to each other through files in ``staging/<run>/`` and return small summaries.
Only ``load_step`` opens the warehouse for writing.
"""

from __future__ import annotations

import json
import logging
import re
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ingest.records import Article, DuplicateLink, FeedEntry, FetchedPage, Mention, Position
from ingest.sources import Source, load_sources, seed_source, sources_for_feeds
from ingest.staging import read_rows, write_rows
from parley.locks import warehouse_writer
from parley.settings import SEEDS_DIR, Settings

logger = logging.getLogger(__name__)


class QualityGateError(RuntimeError):
    """Critical expectations failed on this run's batch; the message names them."""


@dataclass(frozen=True)
class RunPaths:
    """The staging files of one run."""

    root: Path

    def __getattr__(self, name: str) -> Path:
        return self.root / f"{name}.jsonl"

    @property
    def stages(self) -> Path:
        """Folder of per-stage timing files."""
        return self.root / "stages"

    @property
    def verdict(self) -> Path:
        """The validation verdict the quality gate reads."""
        return self.root / "verdict.json"


def run_paths(settings: Settings, run_id: str) -> RunPaths:
    """Locate (and create) the staging folder of a run."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", run_id)
    root = settings.staging_dir / safe
    root.mkdir(parents=True, exist_ok=True)
    return RunPaths(root)


@contextmanager
def stage(paths: RunPaths, name: str, run_id: str) -> Iterator[dict[str, int]]:
    """Time a step and record its counts (``items_in``/``items_out``) for ``pipeline_runs``."""
    counts = {"items_in": 0, "items_out": 0}
    started, clock = datetime.now().astimezone(), time.monotonic()
    error = None
    try:
        yield counts
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        paths.stages.mkdir(parents=True, exist_ok=True)
        record = {
            "run_id": run_id,
            "stage": name,
            "started_at": started.isoformat(),
            "finished_at": datetime.now().astimezone().isoformat(),
            "status": "failed" if error else "success",
            "duration_s": time.monotonic() - clock,
            "error": error,
            "peak_rss_mb": peak_rss_mb(),
            **counts,
        }
        (paths.stages / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")


def peak_rss_mb() -> float:
    """Peak resident memory of this process or its largest finished child, in MB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def configured_sources(settings: Settings) -> list[Source]:
    """Return the feeds of this run: ``--feed`` URLs when given, else the sources file."""
    return sources_for_feeds(settings.feeds) if settings.feeds else load_sources(settings.sources_file)


def poll_step(settings: Settings, run_id: str, now: datetime) -> dict[str, Any]:
    """Poll every configured feed; stage the unseen entries and one poll record per source."""
    from ingest.feeds import poll_source
    from warehouse.failures import held_signatures, hold_back
    from warehouse.state import feed_states, known_keys

    paths = run_paths(settings, run_id)
    with stage(paths, "poll", run_id) as counts:
        sources = configured_sources(settings)
        write_rows(paths.sources, [seed_source(), *sources])
        known, states = known_keys(settings.working_path), feed_states(settings.working_path)
        held = held_signatures(settings.working_path, now, settings.retry_policy)
        polls, entries, waiting = [], [], []
        with make_fetcher(settings) as fetcher:
            for source in sources:
                poll, new = poll_source(
                    source,
                    fetcher,
                    states.get(source.source_id, _no_state()),
                    run_id=run_id,
                    known=known,
                    max_bytes=settings.max_feed_bytes,
                    max_entries=settings.max_entries_per_feed,
                    now=now,
                )
                polls.append(poll)
                fetch, wait = hold_back(new, held)
                entries.extend(fetch)
                waiting.extend(wait)
        if waiting:
            logger.info(
                "holding back %d entries that failed before and have not changed (`parley quarantine list`)",
                len(waiting),
            )
        write_rows(paths.polls, polls)
        write_rows(paths.entries, entries)
        counts.update(items_in=len(sources), items_out=len(entries))
    failed = {p.source_id: p.error for p in polls if p.status == "failed"}
    return {"sources": len(sources), "failed": failed, "new_entries": len(entries), "held_back": len(waiting)}


def fetch_step(settings: Settings, run_id: str, now: datetime) -> dict[str, Any]:
    """Fetch the staged entries' pages and keep their raw bodies."""
    from ingest.pages import fetch_pages

    paths = run_paths(settings, run_id)
    with stage(paths, "fetch", run_id) as counts:
        entries = read_rows(paths.entries, FeedEntry)
        with make_fetcher(settings) as fetcher:
            pages, errors = fetch_pages(
                entries, fetcher, home=settings.home, run_id=run_id, now=now, workers=settings.fetch_workers
            )
        write_rows(paths.pages, pages)
        write_rows(paths.fetch_errors, errors)
        counts.update(items_in=len(entries), items_out=len(pages))
    return {"pages": len(pages), "errors": len(errors)}


def extract_step(settings: Settings, run_id: str, now: datetime) -> dict[str, Any]:
    """Extract articles from the fetched pages and add the seed documents."""
    from ingest.seeds import load_seeds
    from warehouse.state import duplicate_index, stored_ids

    paths = run_paths(settings, run_id)
    with stage(paths, "extract", run_id) as counts:
        pages = read_rows(paths.pages, FetchedPage)
        articles: list[Article] = []
        errors: list[Any] = []
        if pages:  # a quiet run loads neither trafilatura nor the duplicate index
            from ingest.articles import build_articles

            articles, errors = build_articles(
                pages,
                home=settings.home,
                run_id=run_id,
                now=now,
                timeout_s=settings.extract_timeout,
                workers=settings.workers,
            )
        seeds = load_seeds(SEEDS_DIR)
        stored = stored_ids(settings.working_path, [s.article_id for s in seeds])
        candidates = [*(s for s in seeds if s.article_id not in stored), *articles]
        batch: list[Article] = []
        duplicates: list[DuplicateLink] = []
        if candidates:
            from ingest.articles import split_duplicates

            # Seeds come first, so a web copy of a seed is linked to the seed.
            batch, duplicates = split_duplicates(
                candidates, duplicate_index(settings.working_path, candidates), run_id=run_id, now=now
            )
        write_rows(paths.articles, batch)
        write_rows(paths.duplicates, duplicates)
        write_rows(paths.extract_errors, errors)
        counts.update(items_in=len(pages), items_out=len(batch))
    return {"articles": len(batch), "duplicates": len(duplicates), "errors": len(errors)}


def tag_step(settings: Settings, run_id: str) -> dict[str, Any]:
    """Tag entity mentions and actor positions in the staged articles (one spaCy pass)."""
    from ingest.language import is_taggable

    paths = run_paths(settings, run_id)
    with stage(paths, "tag", run_id) as counts:
        articles = read_rows(paths.articles, Article)
        mentions: list[Mention] = []
        positions: list[Position] = []
        taggable = [a for a in articles if is_taggable(a.language)]
        if taggable:  # loading spaCy costs a second: a quiet run does not pay it
            from transforms.analysis import analyze_parallel, article_item

            texts = [article_item(a) for a in taggable]
            for _, found_mentions, found_positions in analyze_parallel(texts, workers=settings.workers):
                mentions.extend(found_mentions)
                positions.extend(found_positions)
        write_rows(paths.mentions, mentions)
        write_rows(paths.positions, positions)
        counts.update(items_in=len(articles), items_out=len(mentions) + len(positions))
    return {"mentions": len(mentions), "positions": len(positions), "not_tagged": len(articles) - len(taggable)}


def validate_step(settings: Settings, run_id: str, now: datetime) -> dict[str, Any]:
    """Validate the batch with Great Expectations; stage results and the rows to quarantine."""
    from expectations.batch import RunBatch, health_signature, is_quiet, quiet_verdict, validate_batch
    from warehouse.failures import remembered_articles
    from warehouse.freshness import freshness_limit
    from warehouse.state import feed_health, last_day_freshness, recent_volumes

    paths = run_paths(settings, run_id)
    with stage(paths, "validate", run_id) as counts:
        articles = read_rows(paths.articles, Article)
        # Like with like: a run whose feeds had nothing new is not compared with runs that had news.
        new_entries = len(read_rows(paths.entries, FeedEntry))
        batch = RunBatch(
            articles=articles,
            mentions=read_rows(paths.mentions, Mention),
            positions=read_rows(paths.positions, Position),
            sources=feed_health(settings.working_path),
            recent_volumes=recent_volumes(settings.working_path) if new_entries else None,
            remembered=remembered_articles(settings.working_path),
            freshness=last_day_freshness(settings.working_path, now),
            freshness_limit_minutes=freshness_limit(settings.schedule, now).total_seconds() / 60,
        )
        signature, last = health_signature(batch), _last_health(settings)
        if is_quiet(batch) and last.get("signature") == signature:
            # Nothing new and every feed's health as at the last validation: its warnings still stand.
            verdict = quiet_verdict(str(last["run_id"]))
            write_rows(paths.dq_results, [])
            write_rows(paths.quarantine, [])
            logger.info("nothing new to validate; feed health unchanged since %s", last["run_id"])
        else:
            verdict = validate_batch(
                articles,
                project_dir=settings.quality_dir,
                run_id=run_id,
                now=now,
                results_path=paths.dq_results,
                quarantine_path=paths.quarantine,
                batch=batch,
            )
            _last_health_file(settings).write_text(
                json.dumps({"signature": signature, "run_id": run_id}), encoding="utf-8"
            )
        paths.verdict.write_text(json.dumps(verdict), encoding="utf-8")
        counts.update(items_in=len(articles), items_out=len(articles) - len(verdict["quarantined"]["articles"]))
    return verdict


def _last_health_file(settings: Settings) -> Path:
    settings.quality_dir.mkdir(parents=True, exist_ok=True)
    return settings.quality_dir / "last_health.json"


def _last_health(settings: Settings) -> dict[str, Any]:
    """Return the feed-health signature and run of the last validation (empty before the first)."""
    try:
        found: dict[str, Any] = json.loads(_last_health_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found


def load_step(settings: Settings, run_id: str, now: datetime | None = None) -> dict[str, Any]:
    """Write the run's staged rows into the warehouse's working file in one transaction (the only writer)."""
    from warehouse.batch import load_run
    from warehouse.load import HealthPolicy

    paths = run_paths(settings, run_id)
    with (
        warehouse_writer(settings.home, f"load run {run_id}", wait_seconds=settings.lock_wait_seconds),
        stage(paths, "load", run_id) as counts,
    ):
        health = HealthPolicy(base_minutes=settings.backoff_minutes, pause_after=settings.pause_after_failures)
        summary = load_run(settings.working_path, paths.root, run_id, health, retry=settings.retry_policy, now=now)
        counts.update(items_in=summary["staged_articles"], items_out=summary["new_articles"])
    return summary


def quality_gate_step(settings: Settings, run_id: str) -> dict[str, Any]:
    """Fail the run, naming the expectations, when a critical one failed on rows not already in quarantine.

    A page held in quarantine by an earlier run that fails again (its retry came, or its feed entry
    changed) is still shown by `parley dq` and `parley quarantine list`, but does not fail every run.
    """
    paths = run_paths(settings, run_id)
    with stage(paths, "quality_gate", run_id) as counts:
        verdict: dict[str, Any] = json.loads(paths.verdict.read_text(encoding="utf-8"))
        counts.update(items_in=len(verdict["failed_critical"]) + len(verdict["failed_warnings"]))
        new = verdict.get("new_critical", verdict["failed_critical"])
        if new:
            held = ", ".join(f"{len(keys)} {table}" for table, keys in verdict["quarantined"].items() if keys)
            raise QualityGateError(
                f"critical expectations failed: {', '.join(new)}; "
                f"quarantined: {held or 'none'} (the other rows loaded; see `parley dq` and `parley quarantine list`)"
            )
        if verdict["failed_critical"]:
            logger.info(
                "critical expectations failed only on pages already in quarantine (%s): not a new failure; "
                "see `parley quarantine list`",
                ", ".join(verdict["failed_critical"]),
            )
    return verdict


def record_step(settings: Settings, run_id: str) -> dict[str, Any]:
    """Record every stage that ran (a failed one and the gate included) in ``pipeline_runs``; publish.

    Runs however the run went, so `parley status` and the warehouse tell a failed run as it was.
    """
    from warehouse.batch import load_stage_stats
    from warehouse.publish import publish

    paths = run_paths(settings, run_id)
    _record_silent_failure(paths, run_id)
    with warehouse_writer(settings.home, f"record run {run_id}", wait_seconds=settings.lock_wait_seconds):
        recorded = load_stage_stats(settings.working_path, paths.stages, run_id)
        report = publish(settings.working_path, settings.warehouse_path)
    changed = bool(set(report.written) & DASHBOARD_TABLES) or report.deleted_files > 0
    dashboard = update_dashboard(settings, full=changed)
    return {"stages": recorded, "dashboard": str(dashboard) if dashboard else None}


# A publish that wrote rows of these tables changes the dashboard's positions and coverage; any other
# run changes only its quality trend and the sources' health, which are refreshed alone.
DASHBOARD_TABLES = frozenset({"articles", "positions"})


def update_dashboard(settings: Settings, *, full: bool = True) -> Path | None:
    """Rebuild the dashboard from the published warehouse; a failure is logged, never fails the run.

    The data are already stored and published when this runs: a dashboard that cannot be drawn is an
    error for the log (and `parley dashboard` to retry), not a reason to call the run failed.
    """
    from warehouse.dashboard import build_dashboard, refresh_runs

    target, docs = settings.dashboard_index.parent, settings.data_docs_index.parent
    try:
        if not full and refresh_runs(settings.warehouse_path, target, docs_site=docs):
            return settings.dashboard_index
        return build_dashboard(settings.warehouse_path, target, docs_site=docs).index
    except Exception:
        logger.exception("dashboard not rebuilt (the run's data are stored and published; retry: parley dashboard)")
        return None


INGEST_STAGES = ("poll", "fetch", "extract", "tag", "validate", "load", "quality_gate")


def _record_silent_failure(paths: RunPaths, run_id: str) -> None:
    """Give a stage that failed before it could record itself (an import error, say) its failed row.

    The gate records itself whenever it runs; without its record the run stopped earlier, at the first
    stage without one.
    """
    records = [json.loads(p.read_text(encoding="utf-8")) for p in paths.stages.glob("*.json")]
    done = {r["stage"] for r in records}
    if "quality_gate" in done or any(r["status"] == "failed" for r in records):
        return
    missing = next((name for name in INGEST_STAGES if name not in done), None)
    if missing is None:
        return
    moment = datetime.now().astimezone().isoformat()
    paths.stages.mkdir(parents=True, exist_ok=True)
    record = {
        "run_id": run_id,
        "stage": missing,
        "started_at": moment,
        "finished_at": moment,
        "status": "failed",
        "duration_s": 0.0,
        "error": "failed before it could record itself: see the task's log in Airflow",
        "peak_rss_mb": peak_rss_mb(),
        "items_in": 0,
        "items_out": 0,
    }
    (paths.stages / f"{missing}.json").write_text(json.dumps(record), encoding="utf-8")


def make_fetcher(settings: Settings) -> Any:
    """Build the HTTP fetcher with the settings' limits, politeness and address policy."""
    from ingest.http import FetchLimits, HttpFetcher
    from ingest.netguard import AddressPolicy

    limits = FetchLimits(
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        total_timeout=settings.total_timeout,
        max_bytes=settings.max_page_bytes,
        host_delay_s=settings.host_delay,
        max_connections=settings.fetch_workers,
    )
    return HttpFetcher(
        settings.user_agent, limits, AddressPolicy.from_spec(settings.allow_private_hosts), settings.obey_robots
    )


def _no_state() -> Any:
    from ingest.feeds import FeedState

    return FeedState()
