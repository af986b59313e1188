"""The analysts' side: the guide's queries, sql/search/export/dq, and reading while a load runs."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from parley.settings import PROJECT_ROOT
from tests.conftest import run_parley
from tests.support.fixture_site import FixtureSite
from warehouse.search import load_fts

pytestmark = pytest.mark.integration
GUIDE = PROJECT_ROOT / "warehouse" / "README.md"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, FixtureSite]:
    site = FixtureSite().start()
    home = tmp_path_factory.mktemp("analysts") / "data"
    result = run_parley("run", "--feed", f"{site.base_url}/feeds/analysis.rss", home=home, site=site)
    assert result.returncode == 0, result.stderr[-2000:]
    yield home, site
    site.stop()


def test_every_example_query_of_the_guide_runs(demo: tuple[Path, FixtureSite]) -> None:
    home, _ = demo
    queries = re.findall(r"```sql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert len(queries) >= 12
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        load_fts(con)
        results = [con.execute(q).fetchall() for q in queries]
    assert sum(1 for r in results if r) >= 10  # the demo data answers most of them


def test_sql_search_export_and_dq(demo: tuple[Path, FixtureSite], tmp_path: Path) -> None:
    home, _ = demo
    table = run_parley("sql", "select source_id, count(*) as n from articles group by 1 order by 1", home=home)
    assert table.returncode == 0 and "seed" in table.stdout and "rows)" in table.stdout
    csv_out = run_parley("sql", "select count(*) as n from articles where is_seed", "--csv", home=home)
    assert csv_out.stdout.splitlines() == ["n", "5"]
    parquet = tmp_path / "q.parquet"
    assert run_parley("sql", "select * from positions", "--parquet", str(parquet), home=home).returncode == 0
    assert duckdb.sql(f"select count(*) from '{parquet}'").fetchone()[0] > 0  # type: ignore[index]
    refused = run_parley("sql", "delete from articles", home=home)
    assert refused.returncode == 2 and "only reads: a delete statement" in refused.stderr
    guarded = run_parley("sql", "select 1; copy articles to 'stolen.csv'", home=home)
    assert guarded.returncode == 2 and "copy statement is not allowed" in guarded.stderr
    assert not (home / "warehouse" / "stolen.csv").exists() and not (PROJECT_ROOT / "stolen.csv").exists()
    ranked = run_parley(
        "sql",
        "select a.title from search_articles('ceasefire Istanbul') s join articles a using (article_id) "
        "order by s.score desc limit 3",
        home=home,
    )
    assert ranked.returncode == 0 and "(3 rows)" in ranked.stdout
    found = run_parley("search", "ceasefire Istanbul", "--source", "seed", home=home)
    assert found.returncode == 0 and found.stdout.startswith(" 1. [") and "seed:" in found.stdout
    assert "no matching articles" in run_parley("search", "zzzqqq", home=home).stdout
    exported = run_parley("export", str(tmp_path / "out"), home=home)
    assert exported.returncode == 0 and (tmp_path / "out" / "articles.parquet").exists()
    dq = run_parley("dq", home=home)
    assert dq.returncode == 0 and "passed" in dq.stdout and "Data Docs" in dq.stdout


def test_an_open_analyst_session_neither_blocks_a_load_nor_sees_half_of_it(
    demo: tuple[Path, FixtureSite],
) -> None:
    home, site = demo
    published = home / "warehouse.duckdb"
    with duckdb.connect(str(published), read_only=True) as analyst:
        before = analyst.execute("select count(*) from articles").fetchone()
        result = run_parley("run", "--feed", f"{site.base_url}/feeds/briefings.atom", home=home, site=site)
        assert result.returncode == 0, result.stderr[-2000:]
        assert analyst.execute("select count(*) from articles").fetchone() == before
    with duckdb.connect(str(published), read_only=True) as fresh:
        after = fresh.execute("select count(*) from articles").fetchone()
    assert after is not None and before is not None and after[0] > before[0]
