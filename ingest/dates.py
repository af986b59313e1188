"""The publication date a page declares about itself: JSON-LD, Open Graph/article meta tags, microdata.

Publishers state it precisely (date and time, with an offset) for search engines; a feed's date is
often the time an item entered the feed, or the poll time. So the page's own date is preferred.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

_JSON_LD = re.compile(
    r"<script[^>]+type\s*=\s*[\"']application/ld\+json[\"'][^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL
)
_META_DATE = re.compile(
    r"<meta\s[^>]*(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|og:published_time|"
    r"datePublished|publish-date|pubdate|date)[\"'][^>]*>",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"content\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_TIME_TAG = re.compile(r"<time\s[^>]*itemprop\s*=\s*[\"']datePublished[\"'][^>]*>", re.IGNORECASE)
_DATETIME = re.compile(r"datetime\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
ARTICLE_TYPES = frozenset(["article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting"])
# Only the head and the start of the body carry the page's own metadata; comments further down may not.
SCAN_CHARS = 300_000


def declared_published(html: str) -> datetime | None:
    """Return the publication time the page declares (JSON-LD first, then meta tags, then microdata)."""
    head = html[:SCAN_CHARS]
    for value in (*_json_ld_dates(head), *_meta_dates(head)):
        parsed = parse_timestamp(value)
        if parsed is not None:
            return parsed
    return None


def parse_timestamp(value: str) -> datetime | None:
    """Parse an ISO 8601 date or timestamp (``Z`` or an offset; a date alone is midnight UTC)."""
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _json_ld_dates(html: str) -> Iterator[str]:
    for block in _JSON_LD.findall(html):
        try:
            data = json.loads(block.strip())
        except ValueError:
            continue
        articles: list[str] = []
        others: list[str] = []
        for item in _objects(data):
            kinds = item.get("@type", "")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            target = articles if any(str(k).lower() in ARTICLE_TYPES for k in kinds) else others
            if isinstance(item.get("datePublished"), str):
                target.append(item["datePublished"])
        yield from articles
        yield from others


def _objects(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object of a JSON-LD document (top level, ``@graph`` and lists)."""
    if isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            yield from _objects(data.get(key))
    elif isinstance(data, list):
        for item in data:
            yield from _objects(item)


def _meta_dates(html: str) -> Iterator[str]:
    for tag in _META_DATE.findall(html):
        content = _CONTENT.search(tag)
        if content:
            yield content.group(1)
    for tag in _TIME_TAG.findall(html):
        moment = _DATETIME.search(tag)
        if moment:
            yield moment.group(1)
