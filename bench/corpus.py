"""Generated article pages for benchmarks: distinct texts drawn from the seeds' sentences."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

from ingest.seeds import load_seeds
from parley.settings import SEEDS_DIR
from tests.support.fixture_site import FixtureArticle, FixtureSite, rss

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")


def generated_articles(count: int, *, seed: int = 7) -> list[FixtureArticle]:
    """Return ``count`` articles of about 700 words, each a different draw of seed sentences."""
    pool = [s.strip() for a in load_seeds(SEEDS_DIR) for s in _SENTENCE.split(a.text.replace("\n", " ")) if len(s) > 40]
    rng = random.Random(seed)
    start = datetime(2025, 5, 1, 8, tzinfo=UTC)
    articles = []
    for i in range(count):
        sentences = rng.sample(pool, 32)
        paragraphs = tuple(" ".join(sentences[j : j + 4]) for j in range(0, 32, 4))
        articles.append(
            FixtureArticle(
                f"bench-{i:05d}",
                f"Bench article {i}: the talks, day {i % 90}",
                "Bench Writer",
                start + timedelta(minutes=17 * i),
                paragraphs,
            )
        )
    return articles


def serve_bench_site(count: int) -> FixtureSite:
    """Serve ``count`` generated pages and ``/feeds/bench.rss`` listing them, with ETag and 304 support."""
    site = FixtureSite(articles=generated_articles(count)).start()
    body = rss(site.base_url, site.articles, title="Parley bench").encode()
    etag = f'"bench-{count}"'

    def feed(req: BaseHTTPRequestHandler) -> None:
        if req.headers.get("If-None-Match") == etag:
            req.send_response(304)
            req.send_header("ETag", etag)
            req.end_headers()
            return
        req.send_response(200)
        req.send_header("Content-Type", "application/rss+xml")
        req.send_header("ETag", etag)
        req.send_header("Content-Length", str(len(body)))
        req.end_headers()
        req.wfile.write(body)

    site.routes["/feeds/bench.rss"] = feed
    return site
