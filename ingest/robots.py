"""robots.txt rules per origin, fetched once per run and read as RFC 9309 says (with protego)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from protego import Protego

# RFC 9309 2.5: crawlers parse at least the first 500 KiB; what lies beyond is ignored, not an error.
MAX_ROBOTS_BYTES = 500 * 1024
# RFC 9309 2.3.1.2: follow at least five consecutive redirects for robots.txt.
MAX_ROBOTS_REDIRECTS = 5
_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")


def product_token(user_agent: str) -> str:
    """Return the product token of a User-Agent ("ParleyBot/0.1 (+url)" → "ParleyBot"), as RFC 9309 2.2.1 uses it."""
    match = _PRODUCT_TOKEN.match(user_agent.strip())
    if match is None:
        raise ValueError(f"user agent {user_agent!r} does not start with a product token (letters, '_' or '-')")
    return match.group(0)


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt allows; ``reason`` says where the rules came from."""

    parser: Protego | None
    default_allow: bool
    reason: str
    crawl_delay: float | None = None

    @classmethod
    def allow_all(cls, reason: str) -> RobotsRules:
        """Rules that allow everything."""
        return cls(None, True, reason)

    @classmethod
    def disallow_all(cls, reason: str) -> RobotsRules:
        """Rules that forbid everything."""
        return cls(None, False, reason)

    @classmethod
    def from_response(cls, status: int, body: bytes, user_agent: str) -> RobotsRules:
        """Read a robots.txt answer: 2xx gives rules, 4xx no restriction, 5xx the site off limits."""
        if 400 <= status < 500:
            return cls.allow_all(f"robots.txt answered {status}: no restriction (RFC 9309 2.3.1.3)")
        if not 200 <= status < 300:
            return cls.disallow_all(f"robots.txt answered {status}: the site is off limits (RFC 9309 2.3.1.4)")
        return cls.parse(body, user_agent)

    @classmethod
    def parse(cls, body: bytes, user_agent: str) -> RobotsRules:
        """Rules from a robots.txt body; only its first 500 KiB count, cut at a line end."""
        if len(body) > MAX_ROBOTS_BYTES:
            body = body[:MAX_ROBOTS_BYTES].rsplit(b"\n", 1)[0]
        parser = Protego.parse(body.decode("utf-8", errors="replace"))
        delay = parser.crawl_delay(product_token(user_agent))
        return cls(parser, True, "robots.txt rules", float(delay) if delay is not None else None)

    def allows(self, url: str, user_agent: str) -> bool:
        """Tell whether a crawler with this User-Agent may fetch the URL (its product token picks the group)."""
        if self.parser is None:
            return self.default_allow
        return self.parser.can_fetch(url, product_token(user_agent))


@dataclass
class RobotsCache:
    """One ``RobotsRules`` per origin, loaded once even when several threads ask at the same time."""

    _rules: dict[str, RobotsRules] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, origin: str, load: Callable[[], RobotsRules]) -> RobotsRules:
        """Return the cached rules of an origin, loading them on first use."""
        with self._lock:
            if origin not in self._rules:
                self._rules[origin] = load()
            return self._rules[origin]
