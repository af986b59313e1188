"""Load the seed documents in ``warehouse/seeds`` as articles of the ``seed`` source."""

from __future__ import annotations

import hashlib
import re
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.language import detect_language
from ingest.records import Article
from ingest.sources import SEED_SOURCE_ID
from ingest.textsize import word_count
from ingest.urls import article_id_for, seed_url
from transforms.cleaning import clean_text
from transforms.dedup import simhash

SEED_EXTRACTOR = "seed-manifest"
SEED_EXTRACTOR_VERSION = "2"  # 2: residue cleaning
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def load_seeds(seed_dir: Path) -> list[Article]:
    """Read the manifest and texts; every call gives identical articles."""
    manifest = tomllib.loads((seed_dir / "manifest.toml").read_text(encoding="utf-8"))
    return [_seed_article(seed_dir, entry) for entry in manifest.get("seed", [])]


def _seed_article(seed_dir: Path, entry: dict[str, Any]) -> Article:
    raw = (seed_dir / f"{entry['name']}.txt").read_text(encoding="utf-8")
    text = clean_text(raw, title=entry.get("title")).text
    url = seed_url(entry["name"])
    title = entry.get("title") or (_first_sentence(text) if entry.get("title_from") else None)
    return Article(
        article_id=article_id_for(url),
        source_id=SEED_SOURCE_ID,
        url=url,
        title=title,
        authors=tuple(entry.get("authors", ())),
        published_at=_day(entry.get("published")),
        fetched_at=_day(entry["received"]) or datetime(1970, 1, 1, tzinfo=UTC),
        language=detect_language(text, entry.get("language", "en")),
        site_name=entry.get("publisher"),
        text=text,
        word_count=word_count(text),
        text_hash=hashlib.sha256(text.encode()).hexdigest(),
        extractor=SEED_EXTRACTOR,
        extractor_version=SEED_EXTRACTOR_VERSION,
        raw_id=None,
        is_seed=True,
        simhash=simhash(text),
    )


def _first_sentence(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        # A dateline ("Brussels, 11 May 2025") is not a sentence worth a title.
        if len(line.split()) >= 5:
            return _SENTENCE_END.split(line, maxsplit=1)[0][:200]
    return text[:200]


def _day(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=UTC)
