"""Build the dashboard's files from the published warehouse (read-only; any number of analysts beside it)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import duckdb

from warehouse.db import connect

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

# Evidence shipped with the dashboard: the strongest sentences per actor, topic, week and side, as
# many per group as keep the evidence files under this size (the full list is one query away, which
# the page shows). With Plotly (4.6 MB) and the counts, the whole stays under 20 MB at 100,000 articles.
EVIDENCE_BYTES = 8 * 2**20
ROW_OVERHEAD = 40  # bytes a row takes in its file besides sentence, title and URL (numbers, quotes, commas)
MAX_PER_GROUP = 10
STATIC = ("index.html", "dashboard.js", "dashboard.css")


@dataclass(frozen=True)
class DashboardReport:
    """What a build wrote: the page, its total size and how long it took."""

    index: Path
    bytes: int
    seconds: float
    evidence_per_group: int


def build_dashboard(
    warehouse: Path, target: Path, *, docs_site: Path | None = None, evidence_bytes: int = EVIDENCE_BYTES
) -> DashboardReport:
    """Write the whole dashboard into ``target`` (replaced at the end, so a reader never sees half of it)."""
    started = time.perf_counter()
    _remove_abandoned(target)
    fresh = target.with_name(f".{target.name}.new-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    (fresh / "data").mkdir(parents=True)
    (fresh / "evidence").mkdir()
    try:
        with connect(warehouse, read_only=True) as con:
            meta, positions = _positions(con)
            per_group = _evidence(con, meta, fresh / "evidence", evidence_bytes)
            meta["evidence_per_group"] = per_group
            _write_script(fresh / "data" / "positions.js", "PARLEY_POSITIONS", positions)
            _write_script(fresh / "data" / "coverage.js", "PARLEY_COVERAGE", _coverage(con, meta))
            _write_script(fresh / "data" / "runs.js", "PARLEY_RUNS", _runs(con, target, docs_site))
        _write_script(fresh / "data" / "meta.js", "PARLEY", meta)
        _copy_static(fresh)
        _swap(fresh, target)
    finally:  # a failed build leaves the last good dashboard as it was, and no half-built folder
        shutil.rmtree(fresh, ignore_errors=True)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    report = DashboardReport(target / "index.html", size, time.perf_counter() - started, per_group)
    logger.info("dashboard built in %.1f s (%.1f MB): %s", report.seconds, size / 2**20, report.index)
    return report


def refresh_runs(warehouse: Path, target: Path, *, docs_site: Path | None = None) -> Path | None:
    """Rewrite only the runs' quality and the sources' health (a run that loaded nothing new changes no more)."""
    if not (target / "index.html").exists():
        return None
    with connect(warehouse, read_only=True) as con:
        _write_script(target / "data" / "runs.js", "PARLEY_RUNS", _runs(con, target, docs_site))
    return target / "index.html"


def _positions(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the dimensions (actors, topics, outlets, first day) and the position counts as columns."""
    df = con.execute(
        """select day, actor_id, actor_name, topic, polarity, attribution, source_id, confidence_band, positions,
                  articles
           from position_daily order by day"""
    ).df()
    sources = con.execute("select source_id, name from sources order by source_id").fetchall()
    source_ids = [s for s, _ in sources]
    # The time axis spans every article (coverage counts articles without positions too).
    first, last = con.execute(
        "select min(article_date)::date, max(article_date)::date from articles_with_source"
    ).fetchone() or (None, None)
    meta: dict[str, Any] = {
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sources": [[s, n] for s, n in sources],
        "actors": [],
        "topics": [],
        "day_zero": first.isoformat() if first else None,
        "days": (last - first).days + 1 if first and last else 0,
    }
    if df.empty:
        return meta, {k: [] for k in ("day", "actor", "topic", "pol", "attr", "src", "band", "n", "art")}
    actors = df.groupby("actor_id")["actor_name"].first().sort_index()
    topics = sorted(df["topic"].unique())
    days = _day_numbers(df["day"], meta["day_zero"])
    meta |= {"actors": [[a, actors[a] or a] for a in actors.index], "topics": topics}
    actor_index = {a: i for i, a in enumerate(actors.index)}
    topic_index = {t: i for i, t in enumerate(topics)}
    source_index = {s: i for i, s in enumerate(source_ids)}
    columns = {
        "day": days.tolist(),
        "actor": df["actor_id"].map(actor_index).tolist(),
        "topic": df["topic"].map(topic_index).tolist(),
        "pol": (df["polarity"] == "contra").astype(int).tolist(),
        "attr": (df["attribution"] == "analysis").astype(int).tolist(),
        "src": df["source_id"].map(source_index).tolist(),
        "band": (df["confidence_band"] * 10).round().astype(int).tolist(),
        "n": df["positions"].astype(int).tolist(),
        "art": df["articles"].astype(int).tolist(),
    }
    return meta, columns


def _evidence(con: duckdb.DuckDBPyConnection, meta: dict[str, Any], folder: Path, budget: int) -> int:
    """Write one file per actor and topic with its strongest sentences per week and side; return how many each."""
    if not meta["actors"]:
        meta["pairs"] = []
        return 0
    ranked = """
        select *, row_number() over (
            partition by actor_id, topic, date_trunc('week', article_date), polarity
            order by confidence desc, article_date desc, position_id) as rank
        from positions_enriched"""
    sizes = con.execute(
        f"""select rank, sum(strlen(evidence) + strlen(coalesce(title, '')) + strlen(url) + {ROW_OVERHEAD})
            from ({ranked}) where rank <= ? group by rank""",
        [MAX_PER_GROUP],
    )
    per_rank = dict(sizes.fetchall())
    per_group, total = 0, 0
    while per_group < MAX_PER_GROUP and total + per_rank.get(per_group + 1, 0) <= budget:
        per_group += 1
        total += per_rank.get(per_group, 0)
    per_group = max(per_group, 1)
    df = con.execute(
        f"""select actor_id, topic, cast(article_date as date) as day, polarity, attribution, confidence, evidence,
                   title, url, source_id
            from ({ranked}) where rank <= ? order by actor_id, topic, day""",
        [per_group],
    ).df()
    actor_index = {a: i for i, (a, _) in enumerate(meta["actors"])}
    topic_index = {t: i for i, t in enumerate(meta["topics"])}
    source_index = {s: i for i, (s, _) in enumerate(meta["sources"])}
    df["day_number"] = _day_numbers(df["day"], meta["day_zero"])
    pairs: list[list[int]] = []
    for (actor, topic), group in df.groupby(["actor_id", "topic"], sort=True):
        number = len(pairs)
        pairs.append([actor_index[actor], topic_index[topic]])
        rows = [
            [
                int(row.day_number),
                int(row.polarity == "contra"),
                int(row.attribution == "analysis"),
                round(float(row.confidence), 3),
                source_index.get(row.source_id, -1),
                row.evidence,
                row.title or "",
                "" if str(row.url).startswith("seed:") else row.url,
            ]
            for row in group.itertuples(index=False)
        ]
        text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        (folder / f"{number}.js").write_text(f"PARLEY_EVIDENCE_LOADED({number},{text});\n", encoding="utf-8")
    meta["pairs"] = pairs
    return per_group


def _day_numbers(days: pd.Series, zero: str | None = None) -> pd.Series:
    """Days since ``zero`` (the first day when None): the compact time axis of the data files."""
    import pandas as pd

    stamps = pd.to_datetime(days)
    first = pd.Timestamp(zero) if zero else stamps.min()
    return (stamps - first).dt.days


def _coverage(con: duckdb.DuckDBPyConnection, meta: dict[str, Any]) -> dict[str, Any]:
    """Articles per outlet and week, with how many carry a position."""
    source_index = {s: i for i, (s, _) in enumerate(meta["sources"])}
    rows = con.execute(
        "select week, source_id, articles, with_positions from coverage_weekly where week is not null order by week"
    ).fetchall()
    return {"weeks": [[w.isoformat(), source_index.get(s, -1), a, p] for w, s, a, p in rows]}


def _runs(con: duckdb.DuckDBPyConnection, target: Path, docs_site: Path | None) -> dict[str, Any]:
    """Return the quality of the last runs (with the Data Docs page of each) and the feeds' health."""
    pages = _validation_pages(docs_site) if docs_site else {}
    failing = {
        run: suite
        for run, suite in con.execute(
            "select run_id, min(suite) from dq_results where not success group by run_id"
        ).fetchall()
    }
    runs = []
    for run_id, validated_at, expectations, critical, warnings, quarantined in con.execute(
        """select run_id, validated_at, expectations, critical_failed, warnings_failed, quarantined
           from quality_runs order by validated_at desc limit 200"""
    ).fetchall()[::-1]:
        suites = pages.get(run_id, {})
        page = suites.get(failing.get(run_id, "")) or next(iter(sorted(suites.items())), (None, None))[1]
        link = quote(os.path.relpath(page, target)) if page else None
        runs.append(
            [run_id, validated_at.isoformat(timespec="seconds"), expectations, critical, warnings, quarantined, link]
        )
    health = [
        [
            name,
            kind,
            last_success.isoformat(timespec="seconds") if last_success else None,
            failures,
            hours,
            articles,
            bool(paused),
            last_error,
        ]
        for name, kind, last_success, failures, hours, articles, paused, last_error in con.execute(
            """select name, kind, last_success_at, consecutive_failures, hours_since_new_article, articles, paused,
                      last_error
               from source_health order by kind, name"""
        ).fetchall()
    ]
    return {"runs": runs, "health": health, "docs_index": _docs_index(docs_site, target)}


def _validation_pages(site: Path) -> dict[str, dict[str, Path]]:
    """Map each Parley run to its Data Docs validation page per suite (GX names them "<run>:<suite>")."""
    found: dict[str, dict[str, Path]] = {}
    for page in (site / "validations").glob("*/*/*/*.html"):
        run, _, suite = unquote(page.parts[-3]).rpartition(":")
        found.setdefault(run, {})[suite] = page
    return found


def _docs_index(site: Path | None, target: Path) -> str | None:
    index = site / "index.html" if site else None
    return quote(os.path.relpath(index, target)) if index and index.exists() else None


def _write_script(path: Path, name: str, value: Any) -> None:
    """Write data as a script that sets a global: pages opened from ``file://`` may not fetch JSON."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(f"window.{name} = {text};\n", encoding="utf-8")
    os.replace(partial, path)


def _copy_static(folder: Path) -> None:
    own = resources.files("warehouse.dashboard") / "static"
    for name in STATIC:
        (folder / name).write_bytes(own.joinpath(name).read_bytes())
    plotly_js = resources.files("plotly") / "package_data" / "plotly.min.js"
    (folder / "plotly.min.js").write_bytes(plotly_js.read_bytes())


def _remove_abandoned(target: Path, *, older_than_s: float = 3600) -> None:
    """Delete half-built folders of builds that were killed (a build takes seconds, not an hour)."""
    for folder in target.parent.glob(f".{target.name}.*-*"):
        if folder.is_dir() and time.time() - folder.stat().st_mtime > older_than_s:
            shutil.rmtree(folder, ignore_errors=True)


def _swap(fresh: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
