"""Dashboard benchmark: build time and size on the warehouse benchmark's warehouse.

    uv run python -m bench.dashboard_bench [--articles 100000] [--mentions 5000000] [--repeat 3]

Builds the same warehouse as ``bench.warehouse_bench`` (three positions per article over a year, 60
actors, 13 topics, 20 outlets), publishes it, then builds the dashboard from the published file as a
run does. The last lines are machine-readable: ``dashboard_build_s`` (median) and ``dashboard_mb``
(HTML, scripts and data together; targets: 30 s and 20 MB at 100,000 articles).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench.warehouse_bench import build
from warehouse.dashboard import build_dashboard
from warehouse.publish import publish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--mentions", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="parley-dashbench-"))
    working, head = folder / ".loader" / "warehouse.duckdb", folder / "warehouse.duckdb"
    build(working, args.articles, args.mentions)
    publish(working, head)
    reports = [build_dashboard(head, folder / "dashboard") for _ in range(args.repeat)]
    last = reports[-1]
    files = sorted((folder / "dashboard").rglob("*"))
    by_kind = {
        "plotly.min.js": sum(p.stat().st_size for p in files if p.name == "plotly.min.js"),
        "data/": sum(p.stat().st_size for p in files if p.is_file() and p.parent.name == "data"),
        "evidence/": sum(p.stat().st_size for p in files if p.is_file() and p.parent.name == "evidence"),
    }
    print(
        f"{args.articles:,} articles: dashboard built in "
        + ", ".join(f"{r.seconds:.1f}" for r in reports)
        + f" s; {last.bytes / 2**20:.1f} MB ("
        + ", ".join(f"{k} {v / 2**20:.1f} MB" for k, v in by_kind.items())
        + f"); {last.evidence_per_group} sentence(s) per actor, topic, week and side"
    )
    print(f"dashboard_build_s={statistics.median(r.seconds for r in reports):.2f}")
    print(f"dashboard_mb={last.bytes / 2**20:.2f}")


if __name__ == "__main__":
    main()
