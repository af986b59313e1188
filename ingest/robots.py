"""robots.txt rules per origin, fetched once per run and read as RFC 9309 says."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

USER_AGENT_TOKEN = "ParleyBot"


@dataclass(frozen=True)
class RobotsRules:
    """What one origin's robots.txt allows; ``reason`` says where the rules came from."""

    parser: RobotFileParser | None
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
    def from_response(cls, status: int, body: bytes) -> RobotsRules:
        """Read a robots.txt answer: 2xx gives rules, 4xx no restriction, 5xx the site off limits."""
        if 300 <= status < 500:
            return cls.allow_all(f"robots.txt answered {status}: no restriction")
        if not 200 <= status < 300:
            return cls.disallow_all(f"robots.txt answered {status}: the site is off limits (RFC 9309)")
        parser = RobotFileParser()
        parser.parse(body.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(USER_AGENT_TOKEN)
        return cls(parser, True, "robots.txt rules", float(delay) if delay is not None else None)

    def allows(self, url: str, user_agent: str) -> bool:
        """Tell whether Parley may fetch this URL."""
        if self.parser is None:
            return self.default_allow
        return self.parser.can_fetch(USER_AGENT_TOKEN, url)


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
