"""When a page that failed is tried again: a changed feed entry at once, otherwise after a capped backoff."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from ingest.records import FeedEntry


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff between attempts at a failed page: base, 2×base, 4×base… up to ``cap``."""

    base: timedelta = timedelta(minutes=30)
    cap: timedelta = timedelta(hours=24)

    def next_attempt(self, attempts: int, failed_at: datetime) -> datetime:
        """Return when to try again after the ``attempts``-th failure in a row (1 for the first)."""
        # 2**k overflows timedelta long before the cap matters, so the exponent stops at 30.
        delay: timedelta = min(self.base * 2 ** min(max(attempts - 1, 0), 30), self.cap)
        return failed_at + delay


def entry_signature(entry: FeedEntry) -> str:
    """Hash what the feed says about an item: a publisher's correction (title, date, link) changes it."""
    fields = [entry.url, entry.guid, entry.title, entry.published_at.isoformat() if entry.published_at else None]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()[:32]
