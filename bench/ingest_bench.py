"""Ingest benchmark: N generated pages from a local server, each stage timed in process, then a no-op run.

    uv run python -m bench.ingest_bench --pages 300

Prints per stage: items, seconds, items per second and the process's peak memory so far; then the wall
time of a real ``parley run`` (the Airflow DAG) in which the only feed answers 304 Not Modified.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import serve_bench_site
from parley import pipeline
from parley.settings import PROJECT_ROOT, Settings


def peak_mb() -> float:
    """Peak resident memory of this process and its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    site = serve_bench_site(args.pages)
    home = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    sources = home / "sources.toml"
    sources.write_text(f'[[source]]\nname = "Bench"\nfeed_url = "{site.base_url}/feeds/bench.rss"\n', encoding="utf-8")
    env = {
        "PARLEY_HOME": str(home / "data"),
        "PARLEY_SOURCES": str(sources),
        "PARLEY_HOST_DELAY": "0",
        "PARLEY_ALLOW_PRIVATE_HOSTS": site.allow_spec,
        "PARLEY_MAX_ENTRIES_PER_FEED": str(args.pages),
    }
    settings = Settings.from_env(env)
    run_id, now = "bench_run_1", datetime.now(UTC)
    print(f"{'stage':10} {'items':>7} {'seconds':>8} {'items/s':>8} {'peak MB':>8}")
    steps = [
        ("poll", lambda: pipeline.poll_step(settings, run_id, now), lambda r: r["new_entries"]),
        ("fetch", lambda: pipeline.fetch_step(settings, run_id, now), lambda r: r["pages"]),
        ("extract", lambda: pipeline.extract_step(settings, run_id, now), lambda r: r["articles"]),
        ("tag", lambda: pipeline.tag_step(settings, run_id), lambda r: r["mentions"]),
        ("validate", lambda: pipeline.validate_step(settings, run_id, now), lambda r: r["checked"]),
        ("load", lambda: pipeline.load_step(settings, run_id), lambda r: r["new_articles"]),
    ]
    total = 0.0
    for name, step, items in steps:
        started = time.perf_counter()
        result = step()
        seconds = time.perf_counter() - started
        total += seconds
        count = items(result)
        print(f"{name:10} {count:>7} {seconds:>8.2f} {count / seconds:>8.1f} {peak_mb():>8.0f}")
    rate = args.pages / total
    print(f"{'all':10} {args.pages:>7} {total:>8.2f} {rate:>8.1f}   ({rate * 3600:,.0f} pages/hour)")

    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "AIRFLOW"))} | env
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "parley", "run"],
        cwd=PROJECT_ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    status = "not_modified" if "not_modified" in proc.stdout else "UNEXPECTED: " + proc.stdout[-500:]
    print(f"no-op run (feed answers 304) through the real DAG: {wall:.1f} s wall, exit {proc.returncode}, {status}")
    page_hits = sum(n for path, n in site.hits.items() if path.startswith("/articles/"))
    print(f"article pages fetched over both runs: {page_hits} (one per page: the no-op run fetched none)")
    site.stop()


if __name__ == "__main__":
    main()
