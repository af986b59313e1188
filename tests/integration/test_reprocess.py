"""``parley reprocess`` rebuilds stored articles from their raw pages, in place, without duplicates."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.conftest import query_warehouse as _rows
from tests.conftest import run_parley
from tests.support.fixture_site import FixtureSite

pytestmark = pytest.mark.integration


def test_reprocess_replaces_derived_rows_without_duplicates(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    assert run_parley("run", "--feed", f"{site.base_url}/feeds/briefings.atom", home=home, site=site).returncode == 0
    before = _rows(home, "select article_id, url, text_hash from articles order by 1")
    mentions_before = _rows(home, "select count(*) from entity_mentions")[0][0]
    # Simulate an older extractor's output: damage the stored text and mentions of every article.
    with duckdb.connect(str(home / "warehouse.duckdb")) as con:
        con.execute("delete from entity_mentions")
        con.execute("update articles set text = 'stale', text_hash = 'stale', extractor_version = 'old'")

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
