"""Overlapping and killed runs: refused with a clear message, or recovered with nothing lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from bench.corpus import serve_bench_site
from parley.locks import holder_of, lock_dir, single_run
from tests.conftest import ROOT, query_warehouse, run_parley
from tests.support.fixture_site import FixtureSite

pytestmark = pytest.mark.integration

PAGES = 150
SNAPSHOT = """select a.url, a.title, a.word_count,
                     (select count(*) from entity_mentions m where m.article_id = a.article_id),
                     (select count(*) from positions p where p.article_id = a.article_id)
              from articles a order by a.url"""


@pytest.fixture(scope="module")
def bench_site() -> Iterator[FixtureSite]:
    site = serve_bench_site(PAGES)
    yield site
    site.stop()


def _env(site: FixtureSite) -> dict[str, str]:
    return {"PARLEY_FEEDS": f"{site.base_url}/feeds/bench.rss", "PARLEY_MAX_ENTRIES_PER_FEED": str(PAGES)}


def test_a_parley_run_beside_another_is_refused_naming_it(tmp_path: Path, site: FixtureSite) -> None:
    home = tmp_path / "data"
    with single_run(home, "parley run"):
        second = run_parley("run", "--feed", f"{site.base_url}/feeds/analysis.rss", home=home, site=site)
    assert second.returncode == 3
    assert "another process holds" not in second.stderr
    assert "cannot parley run: parley run (pid" in second.stderr and "wait for it to finish" in second.stderr
    assert not site.hits, "the refused run must not poll anything"


def test_killing_a_run_mid_load_then_running_again_loses_and_doubles_nothing(
    tmp_path: Path, bench_site: FixtureSite
) -> None:
    reference = tmp_path / "reference"
    assert run_parley("run", home=reference, env=_env(bench_site), site=bench_site).returncode == 0
    expected = query_warehouse(reference, SNAPSHOT)
    assert len(expected) == PAGES + 5  # the generated pages and the seeds

    home = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "AIRFLOW"))}
    env |= {"PARLEY_HOST_DELAY": "0", "PARLEY_ALLOW_PRIVATE_HOSTS": bench_site.allow_spec, **_env(bench_site)}
    victim = subprocess.Popen(
        [sys.executable, "-m", "parley", "run", "--home", str(home)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    writer = lock_dir(home) / "writer.lock"
    deadline = time.monotonic() + 600
    while not holder_of(writer).get("purpose", "").startswith("load run") and victim.poll() is None:
        assert time.monotonic() < deadline, "the run never reached its load"
        time.sleep(0.05)
    time.sleep(0.5)  # inside the load transaction: the staged rows are being written
    os.killpg(victim.pid, signal.SIGKILL)
    assert victim.wait() == -signal.SIGKILL

    # What the killed load left: the loader's file opens, and holds no partial batch.
    with duckdb.connect(str(home / ".loader" / "warehouse.duckdb")) as con:
        web = con.execute("select count(*) from articles where not is_seed").fetchone()
    assert web is not None and web[0] in {0, PAGES}

    again = run_parley("run", home=home, env=_env(bench_site), site=bench_site)
    assert again.returncode == 0, again.stderr[-3000:]
    assert query_warehouse(home, SNAPSHOT) == expected
    assert query_warehouse(home, "select count(*) - count(distinct url) from articles") == [(0,)]
