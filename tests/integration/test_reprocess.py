"""``parley reprocess`` rebuilds stored articles from their raw pages, in place, without duplicates."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, run_parley
from tests.conftest import query_warehouse as _rows
from tests.support.fixture_site import FixtureSite
from warehouse import changes
from warehouse.publish import publish

pytestmark = pytest.mark.integration


def test_reprocess_replaces_derived_rows_without_duplicates(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    assert run_parley("run", "--feed", f"{site.base_url}/feeds/briefings.atom", home=home, site=site).returncode == 0
    before = _rows(home, "select article_id, url, text_hash from articles order by 1")
    mentions_before = _rows(home, "select count(*) from entity_mentions")[0][0]
    # Simulate an older extractor's output in the loader's copy, as a writer would leave it (tombstones
    # included), then publish it, so analysts see the damage before the reprocess.
    with duckdb.connect(str(home / ".loader" / "warehouse.duckdb")) as con:
        changes.delete_rows(con, "entity_mentions", "true")
        changes.update_rows(con, "articles", "text = 'stale', text_hash = 'stale', extractor_version = 'old'", "true")
    publish(home / ".loader" / "warehouse.duckdb", home / "warehouse.duckdb")
    assert _rows(home, "select count(*) from entity_mentions") == [(0,)]
    assert _rows(home, "select count(*) from articles where extractor_version = 'old'") == [(len(before),)]

    result = run_parley("reprocess", home=home)

    assert result.returncode == 0, result.stderr[-2000:]
    assert f"reprocessed {len(before)} of {len(before)}" in result.stdout
    assert _rows(home, "select article_id, url, text_hash from articles order by 1") == before
    assert _rows(home, "select count(*) from entity_mentions")[0][0] == mentions_before
    assert _rows(home, "select count(*) from articles where extractor_version = 'old'") == [(0,)]

    again = run_parley("reprocess", "--source", "seed", "--since", "2025-05-01", "--until", "2025-05-31", home=home)
    assert again.returncode == 0 and "reprocessed 3 of 3" in again.stdout  # the seeds dated May 2025
    assert _rows(home, "select count(*) from entity_mentions")[0][0] == mentions_before
    assert _rows(home, "select article_id, url, text_hash from articles order by 1") == before


def test_reprocess_on_a_terminal_shows_progress_and_ends_with_a_summary(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    assert run_parley("run", "--feed", f"{site.base_url}/feeds/briefings.atom", home=home, site=site).returncode == 0
    primary, secondary = pty.openpty()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "AIRFLOW"))} | {"TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "parley", "reprocess", "--home", str(home)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=secondary,
        text=True,
    )
    os.close(secondary)
    screen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    stdout, _ = proc.communicate(timeout=300)
    os.close(primary)
    assert proc.returncode == 0
    drawn = screen.decode(errors="replace")
    assert "tagging articles" in drawn and "/" in drawn  # the bar with done/total
    assert stdout.startswith("reprocessed ")  # the summary, on stdout, after the bar
