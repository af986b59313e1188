"""End-to-end benchmark through the real DAG: N generated pages, an empty warehouse, then a run with nothing new.

    uv run python -m bench.dag_bench --pages 500

A local server serves the pages and an RSS feed listing them (with ETag, so the second run gets 304).
``parley run`` runs the real ``parley_ingest`` DAG (Airflow's ``dag.test()``, a fresh process, as a user
runs it) three times into a new data folder. Printed: per stage of the first run, items, seconds, items per
second and peak memory (from ``pipeline_runs``); the run's wall time and articles per minute and per
hour; the no-op run's wall time; and the fixed overhead (Airflow, Great Expectations, DuckDB: what a run
costs with nothing to do) as a share of the full run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from bench.corpus import serve_bench_site
from parley.settings import PROJECT_ROOT


def run_parley(home: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "parley", "run", "--home", str(home)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - started, proc


def stage_rows(home: Path) -> list[tuple[str, str, int, int, float, float]]:
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            """select run_id, stage, items_in, items_out, duration_s, coalesce(peak_rss_mb, 0)
               from pipeline_runs order by started_at"""
        ).fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=500)
    args = parser.parse_args()
    site = serve_bench_site(args.pages)
    home = Path(tempfile.mkdtemp(prefix="parley-dag-bench-")) / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "AIRFLOW"))} | {
        "PARLEY_FEEDS": f"{site.base_url}/feeds/bench.rss",
        "PARLEY_HOST_DELAY": "0",
        "PARLEY_ALLOW_PRIVATE_HOSTS": site.allow_spec,
        "PARLEY_MAX_ENTRIES_PER_FEED": str(args.pages),
    }
    full_wall, full = run_parley(home, env)
    if full.returncode != 0:
        sys.exit(f"the first run failed:\n{full.stderr[-3000:]}")
    rows = stage_rows(home)
    first_run = rows[0][0]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        loaded = con.execute("select count(*) from articles where not is_seed").fetchone()[0]  # type: ignore[index]
    print(f"{args.pages} pages, first run {first_run} (machine: {os.cpu_count()} cores)")
    print(f"{'stage':10} {'items':>7} {'seconds':>8} {'items/s':>8} {'peak MB':>8}")
    staged = 0.0
    for run_id, stage, items_in, _items_out, seconds, peak in rows:
        if run_id != first_run:
            continue
        staged += seconds
        print(f"{stage:10} {items_in:>7} {seconds:>8.2f} {items_in / max(seconds, 1e-9):>8.1f} {peak:>8.0f}")
    print(f"{'stages':10} {'':>7} {staged:>8.2f}")
    print(
        f"end to end: {loaded} articles in {full_wall:.1f} s wall = {loaded / full_wall * 60:,.0f} articles/minute "
        f"({loaded / full_wall * 3600:,.0f}/hour); outside the stages (Airflow start, task hand-offs): "
        f"{full_wall - staged:.1f} s"
    )
    # The first quiet run validates again (its feed's health changed with the load); later quiet runs
    # find the health as it was and skip Great Expectations: that is the steady state of a quiet feed.
    for label in ("first no-op run (feed health changed: validated)", "no-op run"):
        noop_wall, noop = run_parley(home, env)
        status = "feed not modified" if "not_modified" in noop.stdout else "UNEXPECTED: " + noop.stdout[-300:]
        print(f"{label}: {noop_wall:.1f} s wall, exit {noop.returncode}, {status}")
    print(
        f"fixed overhead (a no-op run: Airflow, DuckDB with nothing to do): "
        f"{noop_wall / full_wall:.0%} of the {args.pages}-page run"
    )
    print(f"articles_per_hour={loaded / full_wall * 3600:.0f}")
    print(f"noop_run_s={noop_wall:.1f}")
    site.stop()


if __name__ == "__main__":
    main()
