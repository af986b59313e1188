"""The dashboard's data files, built from a real published warehouse; the Data Docs pages made offline."""

from __future__ import annotations

import json
import os
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from expectations.docs import VENDOR, localise_page, make_offline, remote_assets
from ingest.records import Article, Position
from ingest.sources import Source, seed_source
from tests.support.records import web_article
from warehouse import load
from warehouse.dashboard import build_dashboard, refresh_runs
from warehouse.db import connect
from warehouse.migrate import migrate
from warehouse.publish import publish

START = datetime(2026, 9, 7, 9, tzinfo=UTC)  # a Monday
ACTORS = ["Q159", "Q212", "Q30"]


def _article(i: int) -> Article:
    return web_article(
        f"a{i:04d}",
        f"Article {i} says the sides met again. The ceasefire was discussed at length on day {i}.",
        source_id="review" if i % 2 else "digest",
        url=f"https://review.example/a/{i}",
        published_at=START + timedelta(days=i),
        title=f"Article {i}",
        site_name="Review",
    )


def _position(article: Article, k: int, actor: str, polarity: str, confidence: float) -> Position:
    return Position(
        f"{article.article_id}-{k}",
        article.article_id,
        actor,
        "supports" if polarity == "pro" else "rejects",
        "ceasefire",
        polarity,
        f"Sentence {k} of {article.article_id}.",
        0,
        10,
        "stated" if k % 2 == 0 else "analysis",
        None,
        confidence,
        "test",
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """Forty days of articles (one a day, two outlets), four positions each, and a later one; published."""
    working = tmp_path / ".loader" / "warehouse.duckdb"
    articles = [_article(i) for i in range(40)]
    positions = [
        _position(
            a, k, ACTORS[k % 3], "contra" if (i > 20 and k % 2) else "pro", round(0.05 + 0.9 * ((i + k) % 10) / 9, 2)
        )
        for i, a in enumerate(articles)
        for k in range(4)
    ]
    with connect(working) as con:
        migrate(con)
        load.upsert_sources(
            con,
            [seed_source(), Source("review", "Review", "https://review.example/feed"), Source("digest", "Digest", "x")],
        )
        con.execute("insert into entities (entity_id, name, type) values ('Q159', 'Russia', 'state')")
        # One more article, ten days after the last, with no position: the time axis reaches it.
        new = load.insert_articles(con, [*articles, _article(50)], "run-1")
        load.insert_positions(con, positions)
        load.index_and_count(con, new)
    publish(working, tmp_path / "warehouse.duckdb")
    return tmp_path / "warehouse.duckdb"


def _script(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index("=") + 1 :].rstrip().rstrip(";"))


def test_the_data_files_carry_every_position_once(warehouse: Path, tmp_path: Path) -> None:
    report = build_dashboard(warehouse, tmp_path / "dashboard")
    data = tmp_path / "dashboard" / "data"
    meta, positions = _script(data / "meta.js"), _script(data / "positions.js")
    assert report.index.exists() and (tmp_path / "dashboard" / "plotly.min.js").exists()
    assert sum(positions["n"]) == 160
    assert meta["day_zero"] == "2026-09-07" and meta["days"] == 51 and max(positions["day"]) == 39
    # Actors carry their names where the warehouse knows them, their id where it does not.
    assert ["Q159", "Russia"] in meta["actors"] and ["Q30", "Q30"] in meta["actors"]
    # Confidence bands: 0.05 → 0, 0.95 → 9.
    assert set(positions["band"]) == set(range(10))
    coverage = _script(data / "coverage.js")
    assert sum(row[2] for row in coverage["weeks"]) == 41


def test_evidence_keeps_the_strongest_sentences_per_week_and_side_within_the_budget(
    warehouse: Path, tmp_path: Path
) -> None:
    report = build_dashboard(warehouse, tmp_path / "dashboard", evidence_bytes=40 * 100)
    files = sorted((tmp_path / "dashboard" / "evidence").glob("*.js"))
    rows = [row for f in files for row in json.loads(f.read_text(encoding="utf-8").split(",", 1)[1][:-3])]
    assert len(files) == len(_script(tmp_path / "dashboard" / "data" / "meta.js")["pairs"]) == 3
    assert 0 < len(rows) <= 40 and report.evidence_per_group == 1  # one per actor, week and side: 39 rows
    # The one sentence kept per actor, week and side is the most confident of them.
    with connect(warehouse, read_only=True) as con:
        best = con.execute(
            """select max(confidence) from positions_enriched
               group by actor_id, date_trunc('week', article_date), polarity"""
        ).fetchall()
    assert sorted(r[3] for r in rows) == sorted(b for (b,) in best)

    everything = build_dashboard(warehouse, tmp_path / "dashboard")
    assert everything.evidence_per_group == 10  # a small warehouse ships every sentence


def test_a_build_killed_halfway_leaves_nothing_behind_the_next_build(warehouse: Path, tmp_path: Path) -> None:
    abandoned = tmp_path / ".dashboard.new-999999"
    (abandoned / "data").mkdir(parents=True)
    os.utime(abandoned, (time.time() - 7200, time.time() - 7200))
    build_dashboard(warehouse, tmp_path / "dashboard")
    assert not abandoned.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dashboard")] == []


def test_an_empty_warehouse_builds_a_dashboard_that_says_so(tmp_path: Path) -> None:
    working = tmp_path / ".loader" / "warehouse.duckdb"
    with connect(working) as con:
        migrate(con)
    publish(working, tmp_path / "warehouse.duckdb")
    build_dashboard(tmp_path / "warehouse.duckdb", tmp_path / "dashboard")
    assert _script(tmp_path / "dashboard" / "data" / "positions.js")["n"] == []
    assert _script(tmp_path / "dashboard" / "data" / "meta.js")["actors"] == []


def test_a_quiet_run_refreshes_only_the_runs_file(warehouse: Path, tmp_path: Path) -> None:
    target = tmp_path / "dashboard"
    assert refresh_runs(warehouse, target) is None  # nothing to refresh before a first build
    build_dashboard(warehouse, target)
    before = (target / "data" / "positions.js").stat().st_mtime_ns
    assert refresh_runs(warehouse, target) == target / "index.html"
    assert (target / "data" / "positions.js").stat().st_mtime_ns == before
    assert set(_script(target / "data" / "runs.js")) == {"runs", "health", "docs_index"}


GX_PAGE = """<html><head>
<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>
<link rel="stylesheet" href="https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css">
<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>
<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
<script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js" integrity="sha384-x" crossorigin="anonymous"></script>
</head><body><a href="https://docs.greatexpectations.io/">docs</a>
<img src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png?d=20261202" alt="GX"/>
</body></html>"""  # noqa: E501 (GX's own lines)


def test_a_data_docs_page_loads_its_assets_from_the_site_at_its_own_depth(tmp_path: Path) -> None:
    site = tmp_path / "local_site"
    page = site / "validations" / "articles" / "run" / "stamp" / "batch.html"
    page.parent.mkdir(parents=True)
    page.write_text(GX_PAGE, encoding="utf-8")
    (site / "index.html").write_text(GX_PAGE, encoding="utf-8")

    changed = make_offline(site)

    assert set(changed) == {page, site / "index.html"}
    assert remote_assets(page) == [] and remote_assets(site / "index.html") == []
    text = page.read_text(encoding="utf-8")
    up = "../../../../"
    assert f'href="{up}{VENDOR}/bootstrap.min.css"' in text
    assert f'src="{up}{VENDOR}/bootstrap.bundle.min.js">' in text  # integrity of the CDN file dropped
    assert f'src="{up}static/images/logo-long.png"' in text
    assert "vega" not in text and 'href="https://docs.greatexpectations.io/"' in text  # links stay links
    for asset in re.findall(r'(?:src|href)="([^"]+)"', text):
        if VENDOR in asset:  # GX itself copies its images into static/images
            assert (page.parent / asset).resolve().exists(), asset
    assert not localise_page(site, page)  # a second pass changes nothing


def test_the_run_report_says_when_the_dashboard_was_not_updated(warehouse: Path, tmp_path: Path) -> None:
    from parley.report import RunReport, format_run_report

    index = build_dashboard(warehouse, tmp_path / "dashboard").index
    paths = {"warehouse": warehouse, "data_docs": tmp_path / "docs.html", "dashboard": index}
    fresh = format_run_report(RunReport("run-1"), **paths).splitlines()
    stale = format_run_report(RunReport("run-1"), **paths, dashboard_updated=False).splitlines()
    assert f"dashboard: {index}" in fresh
    assert any(line.startswith(f"dashboard: {index} (not updated by this run") for line in stale)
    never_built = format_run_report(RunReport("run-1"), **paths | {"dashboard": tmp_path / "none" / "index.html"})
    assert not any(line.startswith("dashboard:") for line in never_built.splitlines())
