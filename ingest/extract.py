"""Turn a fetched HTML page into clean article text and metadata with trafilatura."""

from __future__ import annotations

import codecs
import dataclasses
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import charset_normalizer
import trafilatura
from trafilatura.utils import decode_file

from ingest.dates import declared_published
from ingest.language import detect_language
from ingest.textsize import size_in_words, spaced_words

logger = logging.getLogger(__name__)

EXTRACTOR = "trafilatura"
EXTRACTOR_VERSION = version("trafilatura")
# Below this many words (about 250 characters of English) the precise pass probably missed the body:
# try the recall pass.
MIN_FIRST_PASS_WORDS = 40
# Below this many words what is left is a teaser, a paywall or navigation, not an article
# (``ingest.textsize``: in scripts without spaces, two characters make a word).
MIN_ARTICLE_WORDS = 50
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_PROSE_PUNCTUATION = frozenset(".,;:!?'\"()[]-–—‘’“”«»…/%&$€£#*+=@§°")


@dataclass(frozen=True)
class Extracted:
    """What trafilatura found in a page; ``method`` says which pass produced the text."""

    text: str
    title: str | None
    authors: tuple[str, ...]
    published_at: datetime | None
    language: str | None
    site_name: str | None
    canonical_url: str | None
    method: str


def decode_html(body: bytes, declared_charset: str | None) -> str:
    """Decode a page: the server's charset, then the page's own ``<meta charset>``, UTF-8, then detection."""
    for candidate in (declared_charset, _meta_charset(body), "utf-8"):
        if candidate:
            try:
                codecs.lookup(candidate)
                return body.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                logger.info("charset %s does not decode the page; trying the next", candidate)
    best = charset_normalizer.from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace")
    return decode_file(body)


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return match.group(1).decode("ascii", errors="ignore") if match else None


def looks_like_text(text: str) -> bool:
    """Tell prose from garbage (binary or compressed bytes decoded as text, mojibake, symbol soup)."""
    sample = text[:20_000]
    if not sample:
        return False
    odd = sum(1 for c in sample if not (c.isalnum() or c.isspace() or c in _PROSE_PUNCTUATION or _is_prose_mark(c)))
    replacement = sample.count("\ufffd")
    # Scripts without spaces are left out of the mean word length (a whole sentence is one "word" there).
    words = spaced_words(sample)
    mean_word = sum(len(w) for w in words) / max(1, len(words))
    return odd / len(sample) < 0.08 and replacement / len(sample) < 0.005 and mean_word < 15


def _is_prose_mark(char: str) -> bool:
    # Every script's punctuation ("。", "、", "「", "¿") and combining marks (Thai vowels, Devanagari
    # signs, Arabic vowel points) are prose; symbols and control characters are not.
    return unicodedata.category(char)[0] in "PM"


def extract_raw_page(home: str, relative_path: str, charset: str | None, url: str) -> Extracted | str:
    """Read a stored page, decode and extract it; return the article or why there is none (worker entry)."""
    from ingest.pages import read_raw

    html = decode_html(read_raw(Path(home), relative_path), charset)
    extracted = extract_article(html, url=url)
    if extracted is None:
        return f"no article text ({MIN_ARTICLE_WORDS}+ words) found in {url}"
    if not looks_like_text(extracted.text):
        return f"garbage_text: the extracted text of {url} is not prose"
    return extracted


def extract_article(html: str, *, url: str) -> Extracted | None:
    """Extract the main text and metadata: the precise pass first, the recall pass when it finds too little.

    The precise pass (``favor_precision``, no comments) leaves out comment threads and boilerplate the
    default pass keeps; ``method`` records which pass produced the text.
    """
    first = _run(html, url, mode="precision")
    best: Extracted | None = first
    if first is None or size_in_words(first.text) < MIN_FIRST_PASS_WORDS:
        second = _run(html, url, mode="recall")
        candidates = [c for c in (first, second) if c is not None]
        best = max(candidates, key=lambda c: size_in_words(c.text), default=None)
    if best is None or size_in_words(best.text) < MIN_ARTICLE_WORDS:
        return None
    # The page's own precise timestamp (JSON-LD, article meta tags) beats trafilatura's day.
    declared = declared_published(html)
    return dataclasses.replace(best, published_at=declared) if declared is not None else best


def _run(html: str, url: str, *, mode: str) -> Extracted | None:
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=mode == "precision",
        favor_recall=mode == "recall",
        as_dict=True,
    )
    if not isinstance(doc, dict) or not (doc.get("text") or "").strip():
        return None
    return Extracted(
        text=doc["text"].strip(),
        title=(doc.get("title") or None),
        authors=_split_authors(doc.get("author")),
        published_at=_parse_date(doc.get("date")),
        language=detect_language(doc["text"], doc.get("language")),
        site_name=(doc.get("sitename") or None),
        canonical_url=(doc.get("url") or None),
        method=f"{EXTRACTOR}:{mode}",
    )


def _split_authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(a.strip() for a in value.replace(" and ", ";").split(";") if a.strip())


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
