"""Thirty simulated days of scheduled runs of the real DAG against a local publisher that changes under it.

    uv run python -m bench.soak --days 30 --runs-per-day 4

One process runs the real ``parley_ingest`` DAG (``dag.test()``) once per scheduled slot, its clock set
to the slot (``run_after``), against a publisher on 127.0.0.1 with two feeds that, day after day:
publishes new articles; edits one already published; goes down for two days (one feed); changes its
robots.txt to refuse a members' section; keeps a bad item (dated 2090) in a feed for a week; and
syndicates one article under another URL. Then it checks what an operator relies on:

- no duplicate: every URL and every text stored once, the syndicated copy linked, not stored;
- nothing lost: every good item the publisher listed is stored, the refused and the bad ones are held
  in ``failed_items``, and the published copy has every row of the loader's;
- every run green except the one that first met the bad item.

It prints one line per run (simulated time, wall seconds, stored articles) and, last, machine-readable
figures (on stdout; the per-run lines go to stderr, Airflow's output to ``<home>/logs/soak.log``):
``day1_run_s=``, ``last_day_run_s=`` (median wall seconds of a run on each), their ratio, and
``checks=ok`` or the failed checks (then it exits 1). Freshness lags are not meaningful here: the run
clock is simulated, the publish time is real.
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import duckdb

from bench.corpus import generated_articles
from parley.settings import Settings
from tests.support.fixture_site import FixtureArticle, FixtureSite, Handler

NEW_PER_FEED_PER_DAY = 3
FEED_WINDOW = 15  # items a feed lists: the newest ones, as real feeds do


@dataclass
class Item:
    """One item a feed lists: the page it links to and when it appeared."""

    feed: str
    path: str
    article: FixtureArticle
    day: int
    kind: str = "good"  # good | bad | refused | syndicated


@dataclass
class Events:
    """The days things happen, scaled to the simulated span."""

    edit: int
    syndicate: int
    down: tuple[int, int]
    robots: int
    bad: tuple[int, int]

    @classmethod
    def for_days(cls, days: int) -> Events:
        def at(fraction: float) -> int:
            return min(days - 1, max(1, round(days * fraction)))

        down = at(1 / 3)
        bad = at(2 / 3)
        return cls(
            edit=at(1 / 6),
            syndicate=at(4 / 15),
            down=(down, min(days - 1, down + max(1, round(days / 15)) - 1)),
            robots=at(1 / 2),
            bad=(bad, min(days - 1, bad + max(1, round(days * 7 / 30)) - 1)),
        )


@dataclass
class Publisher:
    """A local site whose feeds and pages change with ``day``."""

    days: int
    events: Events
    start: datetime
    site: FixtureSite = field(default_factory=lambda: FixtureSite(articles=[]))
    items: list[Item] = field(default_factory=list)
    day: int = 0

    def __post_init__(self) -> None:
        pool = iter(generated_articles(self.days * NEW_PER_FEED_PER_DAY * 2 + 8, seed=30))
        for day in range(self.days):
            moment = self.start + timedelta(days=day, hours=7)
            for feed in ("alpha", "beta"):
                for n in range(NEW_PER_FEED_PER_DAY):
                    article = replace(next(pool), published=moment + timedelta(minutes=n))
                    section = "members" if feed == "beta" and n == 0 and day >= self.events.robots else "articles"
                    kind = "refused" if section == "members" else "good"
                    self.items.append(Item(feed, f"/{section}/{article.slug}", article, day, kind))
        original = next(i for i in self.items if i.feed == "alpha" and i.day == self.events.syndicate - 1)
        copy = replace(original.article, slug=f"syndicated-{original.article.slug}", site_name="Another Outlet")
        self.items.append(Item("beta", f"/articles/{copy.slug}", copy, self.events.syndicate, "syndicated"))
        bad = replace(next(pool), slug="from-the-future", published=datetime(2090, 1, 1, tzinfo=UTC))
        self.items.append(Item("alpha", "/articles/from-the-future", bad, self.events.bad[0], "bad"))
        self.edited = self.items[0]

    def serve(self) -> Publisher:
        """Start the site: feeds, pages and robots.txt follow ``self.day``."""
        self.site.start()
        for name in ("alpha", "beta"):
            self.site.routes[f"/feeds/{name}.rss"] = self._feed_handler(name)
        self.site.routes["/robots.txt"] = self._robots
        for item in self.items:
            self.site.routes[item.path] = self._page_handler(item)
        return self

    def listed(self, feed: str) -> list[Item]:
        """The items a feed shows today, newest first."""
        shown = [i for i in self.items if i.feed == feed and i.day <= self.day and self._still_listed(i)]
        return sorted(shown, key=lambda i: (i.day, i.article.published), reverse=True)[:FEED_WINDOW]

    def _still_listed(self, item: Item) -> bool:
        return item.kind != "bad" or self.day <= self.events.bad[1]

    def _feed_handler(self, feed: str) -> Handler:
        def handler(req: BaseHTTPRequestHandler) -> None:
            down = feed == "beta" and self.events.down[0] <= self.day <= self.events.down[1]
            body = b"<h1>503 Service Unavailable</h1>" if down else self._rss(feed).encode()
            req.send_response(503 if down else 200)
            req.send_header("Content-Type", "text/html" if down else "application/rss+xml; charset=utf-8")
            req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            req.wfile.write(body)

        return handler

    def _rss(self, feed: str) -> str:
        base = self.site.base_url
        items = "".join(
            f"<item><title>{html.escape(i.article.title)}</title><link>{base}{i.path}?utm_source=rss</link>"
            f'<guid isPermaLink="false">{feed}-{i.article.slug}</guid>'
            f"<pubDate>{format_datetime(i.article.published)}</pubDate></item>"
            for i in self.listed(feed)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Soak {feed}</title>'
            f"<link>{base}/</link><description>{feed}</description>{items}</channel></rss>"
        )

    def _robots(self, req: BaseHTTPRequestHandler) -> None:
        rules = "Disallow: /members/" if self.day >= self.events.robots else "Allow: /"
        body = f"User-agent: *\n{rules}\n".encode()
        req.send_response(200)
        req.send_header("Content-Type", "text/plain")
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    def _page_handler(self, item: Item) -> Handler:
        def handler(req: BaseHTTPRequestHandler) -> None:
            article = item.article
            if item is self.edited and self.day >= self.events.edit:  # a correction appended to the text
                article = replace(
                    article, paragraphs=(*article.paragraphs, "Correction: an earlier version misdated the talks.")
                )
            body = article.render(self.site.base_url).encode()
            req.send_response(200)
            req.send_header("Content-Type", "text/html; charset=utf-8")
            req.send_header("Content-Length", str(len(body)))
            req.end_headers()
            req.wfile.write(body)

        return handler


@dataclass(frozen=True)
class RunRecord:
    """One simulated run: its slot, outcome, wall seconds and the articles stored after it."""

    day: int
    at: datetime
    state: str
    seconds: float
    stored: int
    failed_tasks: dict[str, str]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--runs-per-day", type=int, default=4)
    parser.add_argument("--home", type=Path, help="data folder (default: a new temporary one)")
    args = parser.parse_args(argv)
    if args.days < 3:
        parser.error("--days must be at least 3 (the events need room)")
    home = (args.home or Path(tempfile.mkdtemp(prefix="parley-soak-")) / "data").resolve()
    # Simulated time ends before the real now, so no run is in the future.
    start = (datetime.now(UTC) - timedelta(days=args.days + 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    publisher = Publisher(args.days, Events.for_days(args.days), start).serve()
    sources = home.parent / "soak-sources.toml"
    home.mkdir(parents=True, exist_ok=True)
    sources.write_text(
        "".join(
            f'[[source]]\nname = "{n}"\nfeed_url = "{publisher.site.base_url}/feeds/{n}.rss"\nlanguage = "en"\n\n'
            for n in ("alpha", "beta")
        ),
        encoding="utf-8",
    )
    os.environ.update(
        {
            "PARLEY_HOME": str(home),
            "PARLEY_SOURCES": str(sources),
            "PARLEY_HOST_DELAY": "0",
            "PARLEY_ALLOW_PRIVATE_HOSTS": publisher.site.allow_spec,
            "PARLEY_RETRY_DELAY_SECONDS": "1",
            "PARLEY_SCHEDULE": f"0 */{24 // args.runs_per_day} * * *",
        }
    )
    from parley.airflow_runner import run_ingest_once
    from parley.console import captured_output

    settings = Settings.from_env()
    print(f"soak: {args.days} days x {args.runs_per_day} runs into {home}; events {publisher.events}", flush=True)
    records: list[RunRecord] = []
    log = home / "logs" / "soak.log"
    print(f"Airflow's own output goes to {log}", flush=True)
    # Airflow's task logs (a failing gate's traceback included) go to the log; one line per run is shown.
    with captured_output(log) as terminal:
        for day in range(args.days):
            publisher.day = day
            for slot in range(args.runs_per_day):
                at = start + timedelta(days=day, hours=slot * 24 / args.runs_per_day + 8)
                began = time.perf_counter()
                outcome = run_ingest_once(settings, run_after=at)
                seconds = time.perf_counter() - began
                stored = _count(settings.warehouse_path, "select count(*) from articles")
                records.append(RunRecord(day, at, outcome.state, seconds, stored, outcome.failed_tasks))
                failed = f" FAILED: {sorted(outcome.failed_tasks)}" if outcome.state != "success" else ""
                print(f"day {day:2} {at:%Y-%m-%d %H:%M}  {seconds:6.1f} s  {stored:5} articles{failed}", file=terminal)
    problems = check(settings, publisher, records)
    first, last = _median_day(records, 0), _median_day(records, args.days - 1)
    print(f"day1_run_s={first:.2f}")
    print(f"last_day_run_s={last:.2f}")
    print(f"last_to_first_ratio={last / first:.2f}")
    print("checks=" + ("ok" if not problems else "FAILED"))
    for problem in problems:
        print(f"  {problem}")
    publisher.site.stop()
    return 1 if problems else 0


def check(settings: Settings, publisher: Publisher, records: list[RunRecord]) -> list[str]:
    """Return what went wrong: duplicates, lost items, runs red without a new bad item, copies that differ."""
    from ingest.urls import canonical_url

    working, head = settings.working_path, settings.warehouse_path
    base = publisher.site.base_url
    problems = []
    with duckdb.connect(str(working), read_only=True) as con:
        urls = {r[0] for r in con.execute("select url from articles").fetchall()}
        links = {r[0] for r in con.execute("select url from article_duplicates").fetchall()}
        held = dict(con.execute("select url, stage from failed_items where status <> 'released'").fetchall())
        twice = con.execute(
            "select count(*) from (select text_hash from articles group by 1 having count(*) > 1)"
        ).fetchone()
        counts = {t: _scalar(con, f"select count(*) from {t}") for t in ("articles", "entity_mentions", "positions")}
    if twice and twice[0]:
        problems.append(f"{twice[0]} texts stored twice")
    if urls & links:
        problems.append(f"stored and linked as duplicates: {sorted(urls & links)[:3]}")
    for item in publisher.items:
        url = canonical_url(base + item.path)
        if item.kind == "good" and url not in urls:
            problems.append(f"lost: {url} (day {item.day})")
        elif item.kind == "syndicated" and url not in links:
            problems.append(f"syndicated copy not linked: {url}")
        elif item.kind in ("refused", "bad") and (url in urls or url not in held):
            problems.append(f"{item.kind} item not held back: {url}")
    red = [r for r in records if r.state != "success"]
    first_bad = next((r for r in records if r.day == publisher.events.bad[0]), None)
    if [r.at for r in red] != ([first_bad.at] if first_bad else []):
        problems.append(
            "red runs: "
            + ", ".join(f"{r.at:%Y-%m-%d %H:%M} {sorted(r.failed_tasks)}" for r in red)
            + f"; expected only the first run of day {publisher.events.bad[0]}"
        )
    with duckdb.connect(str(head), read_only=True) as con:
        published = {t: _scalar(con, f"select count(*) from {t}") for t in counts}
    if published != counts:
        problems.append(f"published copy differs: {published} != {counts}")
    return problems


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _count(path: Path, sql: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return _scalar(con, sql)


def _median_day(records: list[RunRecord], day: int) -> float:
    return statistics.median(r.seconds for r in records if r.day == day)


if __name__ == "__main__":
    sys.exit(main())
