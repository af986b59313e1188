"""Exact and near-duplicate detection: text hashes and 64-bit SimHash over word shingles."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.textsize import tokens

SHINGLE = 3
# At most this many differing bits of 64 counts as "the same article". Measured on the seeds: a web
# copy differs by 0-1 bits, a syndicated copy with its own header and footer by 1-6, and distinct
# articles about the same talks by 26-30 (random texts: 32 on average).
MAX_DISTANCE = 10


def simhash(text: str) -> int:
    """Return the 64-bit SimHash of the text's lower-cased word 3-shingles, as a signed int64.

    In scripts written without spaces each character is a word, so their shingles are character 3-grams.
    """
    words = tokens(text.lower())
    shingles = [" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))]
    weights = [0] * 64
    for shingle in shingles:
        value = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if value >> bit & 1 else -1
    unsigned = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned


def distance(a: int, b: int) -> int:
    """Count the bits in which two SimHashes differ."""
    return ((a ^ b) & (2**64 - 1)).bit_count()


@dataclass(frozen=True)
class Match:
    """The stored article a text duplicates, and how that was found."""

    article_id: str
    method: str
    distance: int


@dataclass
class DuplicateIndex:
    """Known articles by id, URL, text hash and SimHash; ``add`` as new ones are accepted."""

    keys: set[str] = field(default_factory=set)
    by_hash: dict[str, str] = field(default_factory=dict)
    hashes: list[tuple[int, str]] = field(default_factory=list)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, int | None]]) -> DuplicateIndex:
        """Build from ``(article_id, url, text_hash, simhash)`` rows."""
        index = cls()
        for article_id, url, text_hash, sim in rows:
            index.add(article_id, url, text_hash, sim)
        return index

    def add(self, article_id: str, url: str, text_hash: str, sim: int | None) -> None:
        """Remember an accepted article."""
        self.keys |= {article_id, url}
        self.by_hash.setdefault(text_hash, article_id)
        if sim is not None:
            self.hashes.append((sim, article_id))

    def known(self, article_id: str, url: str) -> bool:
        """Tell whether this very article (same id or URL) is already stored."""
        return article_id in self.keys or url in self.keys

    def duplicate_of(self, text_hash: str, sim: int) -> Match | None:
        """Find the first stored copy of this text, exact or near."""
        if text_hash in self.by_hash:
            return Match(self.by_hash[text_hash], "text_hash", 0)
        best = min(((distance(sim, other), aid) for other, aid in self.hashes), default=None)
        if best is not None and best[0] <= MAX_DISTANCE:
            return Match(best[1], "simhash", best[0])
        return None
