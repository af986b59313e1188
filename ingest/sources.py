"""The list of feeds to poll, kept as data in a TOML file."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

SEED_SOURCE_ID = "seed"


@dataclass(frozen=True)
class Source:
    """A publisher's feed that Parley polls."""

    source_id: str
    name: str
    feed_url: str
    homepage: str | None = None
    language: str | None = "en"
    kind: str = "feed"


class SourcesFileError(ValueError):
    """The sources file cannot be used; the message says which entry and why."""


def feed_url_problem(url: str) -> str | None:
    """Say why a feed URL cannot be polled (only http and https URLs with a host can), or None."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in {"http", "https"}:
        return f"{url!r} is not an http(s) URL"
    if not parts.hostname or any(c.isspace() for c in url.strip()):
        return f"{url!r} has no valid host"
    return None


def slugify(text: str) -> str:
    """Make a lowercase_underscore id from a name."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "source"


def load_sources(path: Path) -> list[Source]:
    """Read ``[[source]]`` tables (name, feed_url, homepage, language) from a TOML file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SourcesFileError(f"cannot read sources file {path}: {exc}") from exc
    sources = []
    for i, item in enumerate(data.get("source", []), start=1):
        if not isinstance(item, dict) or not item.get("name") or not item.get("feed_url"):
            raise SourcesFileError(f"{path}: source #{i} needs a name and a feed_url")
        problem = feed_url_problem(str(item["feed_url"]))
        if problem:
            raise SourcesFileError(f"{path}: source #{i} ({item['name']}): feed_url {problem}")
        sources.append(
            Source(
                source_id=item.get("id") or slugify(item["name"]),
                name=item["name"],
                feed_url=item["feed_url"],
                homepage=item.get("homepage"),
                language=item.get("language", "en"),
            )
        )
    ids = [s.source_id for s in sources]
    if len(ids) != len(set(ids)):
        raise SourcesFileError(f"{path}: source ids must be unique, got {sorted(ids)}")
    return sources


def sources_for_feeds(urls: list[str] | tuple[str, ...]) -> list[Source]:
    """Make ad-hoc sources for ``parley run --feed URL``, named after host and path."""
    sources = []
    for url in urls:
        problem = feed_url_problem(url)
        if problem:
            raise SourcesFileError(f"--feed {problem}")
        parts = urlsplit(url)
        name = f"{parts.hostname or 'feed'}{parts.path}"
        sources.append(Source(source_id=slugify(name), name=name, feed_url=url))
    return sources


def seed_source() -> Source:
    """Return the pseudo-source under which the seed documents are stored."""
    return Source(source_id=SEED_SOURCE_ID, name="Seed documents", feed_url="", kind="seed")
