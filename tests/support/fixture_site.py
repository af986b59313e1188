"""A local publisher: realistic article pages and RSS/Atom feeds on 127.0.0.1, for tests and demos.

Pages wrap the seed texts (``warehouse/seeds``) and the texts in ``tests/fixtures/texts`` in a
template with navigation, a cookie banner, ads, a sidebar, comments, scripts and JSON-LD.
"""

from __future__ import annotations

import html
import json
import re
import threading
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SEEDS = ROOT / "warehouse" / "seeds"
TEMPLATE = Template((FIXTURES / "html" / "article.html").read_text(encoding="utf-8"))
# Headlines for the seed pages whose text has none (the fixture site's own choice).
SEED_HEADLINES = {
    "002_5564ba0d54155330": "Istanbul Talks: Resumed in Form, Empty in Substance",
    "004_32b4ecdb3c23cbcb": "Russia and Ukraine Inch Toward Direct Talks",
}
BOILERPLATE_MARKERS = (
    "We use cookies",
    "Accept all",
    "Subscribe to our newsletter",
    "Premium VPN",
    "Most read",
    "Timeline of every ceasefire proposal",
    "Great analysis, but",
    "mark my words",
    "Sign up for our newsletter",
    "All rights reserved",
    "Learn Ukrainian in 30 days",
    "Share on Facebook",
    "Search the archive",
)


@dataclass(frozen=True)
class FixtureArticle:
    """One article page of the fixture site."""

    slug: str
    title: str
    author: str
    published: datetime
    paragraphs: tuple[str, ...]
    site_name: str = "Parley Test Review"

    def render(self, base_url: str) -> str:
        """Render the full HTML page."""
        body = "\n".join(f"        <p>{html.escape(p)}</p>" for p in self.paragraphs)
        return TEMPLATE.substitute(
            title=html.escape(self.title),
            title_json=json.dumps(self.title)[1:-1],
            site_name=self.site_name,
            description=html.escape(self.paragraphs[0][:150]),
            author=html.escape(self.author),
            author_json=json.dumps(self.author)[1:-1],
            author_slug=re.sub(r"\W+", "-", self.author.lower()),
            canonical=f"{base_url}/articles/{self.slug}",
            published=self.published.isoformat(),
            published_human=self.published.strftime("%d %B %Y"),
            body=body,
        )


def _paragraphs(text: str, title: str) -> tuple[str, ...]:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return tuple(line for line in lines if line and line != title)


def default_articles() -> list[FixtureArticle]:
    """The seed texts and the project's own texts as pages."""
    manifest = tomllib.loads((SEEDS / "manifest.toml").read_text(encoding="utf-8"))["seed"]
    articles = []
    for i, entry in enumerate(manifest):
        text = (SEEDS / f"{entry['name']}.txt").read_text(encoding="utf-8")
        title = entry.get("title") or SEED_HEADLINES[entry["name"]]
        published = datetime.fromisoformat(entry.get("published", "2025-05-20")).replace(hour=9, tzinfo=UTC)
        author = (entry.get("authors") or ["Marta Kovalenko", "Daniel Brooks"][i % 2 : i % 2 + 1])[0]
        articles.append(FixtureArticle(f"seed-{entry['name'][:3]}", title, author, published, _paragraphs(text, title)))
    for i, path in enumerate(sorted((FIXTURES / "texts").glob("*.txt"))):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        articles.append(
            FixtureArticle(
                path.stem.replace("_", "-"),
                title.strip(),
                "Daniel Brooks",
                datetime(2025, 6, 2 + i, 14, 30, tzinfo=UTC),
                _paragraphs(body, title),
            )
        )
    return articles


def rss(base_url: str, articles: list[FixtureArticle], *, title: str = "Parley Test Review: Analysis") -> str:
    """An RSS 2.0 feed whose links carry tracking parameters, as real feeds do."""
    items = "".join(
        f"<item><title>{html.escape(a.title)}</title>"
        f"<link>{base_url}/articles/{a.slug}?utm_source=rss&amp;utm_medium=feed</link>"
        f'<guid isPermaLink="false">test-review-{a.slug}</guid>'
        f"<pubDate>{format_datetime(a.published)}</pubDate><dc:creator>{html.escape(a.author)}</dc:creator>"
        f"<description>{html.escape(a.paragraphs[0][:200])}</description></item>"
        for a in articles
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>{title}</title>'
        f"<link>{base_url}/</link><description>Analysis</description>{items}</channel></rss>"
    )


def atom(base_url: str, articles: list[FixtureArticle]) -> str:
    """An Atom 1.0 feed."""
    entries = "".join(
        f'<entry><title>{html.escape(a.title)}</title><link href="{base_url}/articles/{a.slug}#top"/>'
        f"<id>tag:test-review,2025:{a.slug}</id><updated>{a.published.isoformat()}</updated>"
        f"<author><name>{html.escape(a.author)}</name></author>"
        f"<summary>{html.escape(a.paragraphs[0][:200])}</summary></entry>"
        for a in articles
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Parley Test Review: Briefings</title><id>{base_url}/feeds/briefings.atom</id>"
        f"<updated>2025-06-05T00:00:00Z</updated>{entries}</feed>"
    )


Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class FixtureSite:
    """A threaded HTTP server on 127.0.0.1 with a random port; ``hits`` counts requests per path."""

    articles: list[FixtureArticle] = field(default_factory=default_articles)
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def port(self) -> int:
        """The port the site listens on."""
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def allow_spec(self) -> str:
        """The ``PARLEY_ALLOW_PRIVATE_HOSTS`` entry that lets Parley fetch this site (and nothing else local)."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> FixtureSite:
        """Start serving in a daemon thread."""
        site = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0].split("#")[0]
                site.hits[path] += 1
                handler = site.routes.get(path) or site._default_route(path)
                if handler is None:
                    self.send_error(404)
                else:
                    handler(self)

            def log_message(self, *args: object) -> None:
                pass

        self._server = _QuietServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def page(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve a fixed body at ``path``."""
        data = body.encode() if isinstance(body, str) else body

        def handler(req: BaseHTTPRequestHandler) -> None:
            req.send_response(status)
            req.send_header("Content-Type", content_type)
            req.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                req.send_header(key, value)
            req.end_headers()
            req.wfile.write(data)

        self.routes[path] = handler

    def article(self, slug: str) -> FixtureArticle:
        """Find a fixture article by slug."""
        return next(a for a in self.articles if a.slug == slug)

    def _default_route(self, path: str) -> Handler | None:
        by_slug = {f"/articles/{a.slug}": a for a in self.articles}
        if path in by_slug:
            return _fixed(by_slug[path].render(self.base_url), "text/html; charset=utf-8")
        half = len(self.articles) // 2 + 1
        if path == "/feeds/analysis.rss":
            return _fixed(rss(self.base_url, self.articles[:half]), "application/rss+xml; charset=utf-8")
        if path == "/feeds/briefings.atom":
            return _fixed(atom(self.base_url, self.articles[half:]), "application/atom+xml")
        if path == "/feeds/broken.rss":
            return _fixed("<h1>Internal Server Error</h1>", "text/html", status=500)
        return None


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (timeouts under test) are expected here


def _fixed(body: str, content_type: str, *, status: int = 200) -> Handler:
    data = body.encode()

    def handler(req: BaseHTTPRequestHandler) -> None:
        req.send_response(status)
        req.send_header("Content-Type", content_type)
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    return handler


if __name__ == "__main__":  # a demo publisher: python -m tests.support.fixture_site
    import time

    running = FixtureSite().start()
    print(f"serving {running.base_url}/feeds/analysis.rss and {running.base_url}/feeds/briefings.atom")
    while True:
        time.sleep(3600)
