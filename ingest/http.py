"""Bounded, polite HTTP fetching.

Every fetch has time limits (connect, read, whole download), a size cap applied after decompression
and a redirect limit; it honours robots.txt, waits a minimum delay between requests to one host,
retries 429 and 5xx answers with backoff (honouring Retry-After) and never connects to a non-public
address unless the operator allowed it (``ingest.netguard``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.netguard import AddressForbidden, AddressPolicy, GuardedTransport
from ingest.robots import MAX_ROBOTS_BYTES, MAX_ROBOTS_REDIRECTS, RobotsCache, RobotsRules

logger = logging.getLogger(__name__)
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
RETRY_CODES = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A fetch that gave no usable body; ``kind`` is a short, queryable error class."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class FetchLimits:
    """How long, how much and how often Parley fetches."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    retries: int = 2
    backoff_s: float = 1.0
    max_retry_wait_s: float = 60.0
    host_delay_s: float = 1.0
    max_connections: int = 4


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx or 304) response, body decoded from its transfer encoding."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    elapsed_s: float = 0.0

    @property
    def content_type(self) -> str | None:
        """The media type without parameters, lower-cased."""
        value = self.headers.get("content-type")
        return value.split(";")[0].strip().lower() if value else None

    @property
    def charset(self) -> str | None:
        """The charset the server declared, if any."""
        value = self.headers.get("content-type") or ""
        for part in value.split(";")[1:]:
            key, _, val = part.partition("=")
            if key.strip().lower() == "charset":
                return val.strip().strip("\"'") or None
        return None


@dataclass
class HttpFetcher:
    """Fetch URLs with one shared, guarded connection pool; safe to share between threads."""

    user_agent: str
    limits: FetchLimits = field(default_factory=FetchLimits)
    policy: AddressPolicy = field(default_factory=AddressPolicy)
    obey_robots: bool = True
    _client: httpx.Client | None = None
    _robots: RobotsCache = field(default_factory=RobotsCache)
    _next_slot: dict[str, float] = field(default_factory=dict)
    _slot_lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> HttpFetcher:
        limits = httpx.Limits(max_connections=self.limits.max_connections, max_keepalive_connections=4)
        self._client = httpx.Client(
            transport=GuardedTransport(self.policy, limits=limits),
            timeout=httpx.Timeout(self.limits.read_timeout, connect=self.limits.connect_timeout),
            follow_redirects=False,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None, max_bytes: int | None = None) -> FetchResult:
        """GET a URL politely, following redirects up to the limit; raise FetchError on any failure."""
        cap = max_bytes or self.limits.max_bytes
        started = time.monotonic()
        current = url
        for _ in range(self.limits.max_redirects + 1):
            status, resp_headers, body = self._get_with_retries(current, headers or {}, cap, started)
            if status in REDIRECT_CODES:
                location = resp_headers.get("location")
                if not location:
                    raise FetchError("bad_redirect", f"{status} without Location from {current}", status=status)
                current = urljoin(current, location)
                continue
            if status == 304 or 200 <= status < 300:
                return FetchResult(url, current, status, resp_headers, body, time.monotonic() - started)
            raise FetchError("http_status", f"HTTP {status} from {current}", status=status)
        raise FetchError("too_many_redirects", f"more than {self.limits.max_redirects} redirects from {url}")

    def _get_with_retries(
        self, url: str, headers: Mapping[str, str], cap: int, started: float
    ) -> tuple[int, dict[str, str], bytes]:
        _check_scheme(url)
        rules = self._rules_for(url)
        if not rules.allows(url, self.user_agent):
            raise FetchError("robots_disallowed", f"robots.txt of {_origin(url)} disallows {url} ({rules.reason})")
        for attempt in range(self.limits.retries + 1):
            self._wait_for_host(url, rules.crawl_delay)
            status, resp_headers, body = self._get_once(url, headers, cap, started)
            if status not in RETRY_CODES or attempt == self.limits.retries:
                return status, resp_headers, body
            wait = _retry_after(resp_headers.get("retry-after")) or self.limits.backoff_s * 2**attempt
            if wait > self.limits.max_retry_wait_s or time.monotonic() + wait - started > self.limits.total_timeout:
                raise FetchError("rate_limited", f"HTTP {status} from {url}, asked to wait {wait:.0f} s", status=status)
            logger.info("HTTP %s from %s; retrying in %.1f s", status, url, wait)
            time.sleep(wait)
        raise AssertionError("unreachable")

    def _rules_for(self, url: str) -> RobotsRules:
        if not self.obey_robots:
            return RobotsRules.allow_all("robots.txt not consulted")
        origin = _origin(url)

        def load() -> RobotsRules:
            robots_url = f"{origin}/robots.txt"
            for hop in range(MAX_ROBOTS_REDIRECTS + 1):
                self._wait_for_host(robots_url, None)
                try:
                    status, headers, body = self._get_once(
                        robots_url, {}, MAX_ROBOTS_BYTES, time.monotonic(), truncate=True
                    )
                except FetchError as exc:
                    if hop == 0 and exc.kind != "decoding":
                        raise  # the site itself is unreachable or forbidden: its pages would fail the same way
                    return RobotsRules.disallow_all(f"robots.txt unreadable: {exc}")
                if status not in REDIRECT_CODES:
                    return RobotsRules.from_response(status, body, self.user_agent)
                location = headers.get("location")
                if not location:
                    return RobotsRules.allow_all(f"robots.txt answered {status} without Location: no restriction")
                robots_url = urljoin(robots_url, location)
            return RobotsRules.allow_all(f"robots.txt redirects more than {MAX_ROBOTS_REDIRECTS} times: no restriction")

        return self._robots.get(origin, load)

    def _wait_for_host(self, url: str, crawl_delay: float | None) -> None:
        host = _origin(url)
        delay = max(self.limits.host_delay_s, min(crawl_delay or 0.0, 60.0))
        with self._slot_lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + delay
        if slot > now:
            time.sleep(slot - now)

    def _get_once(
        self, url: str, headers: Mapping[str, str], cap: int, started: float, *, truncate: bool = False
    ) -> tuple[int, dict[str, str], bytes]:
        if self._client is None:
            raise RuntimeError("use HttpFetcher as a context manager")
        try:
            with self._client.stream("GET", url, headers=dict(headers)) as resp:
                resp_headers = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status_code >= 300:
                    return resp.status_code, resp_headers, b""
                declared = resp_headers.get("content-length", "")
                if declared.isdigit() and int(declared) > cap and not truncate:
                    raise FetchError("too_large", f"{url} declares {declared} bytes, cap is {cap}")
                chunks, size = [], 0
                # iter_bytes decompresses, so the cap also stops a gzip bomb at the cap.
                for chunk in resp.iter_bytes(chunk_size=65536):
                    size += len(chunk)
                    if size > cap and truncate:
                        chunks.append(chunk[: len(chunk) - (size - cap)])
                        break
                    if size > cap:
                        raise FetchError("too_large", f"{url} body exceeds the {cap}-byte cap")
                    if time.monotonic() - started > self.limits.total_timeout:
                        raise FetchError("timeout", f"{url} took longer than {self.limits.total_timeout:g} s")
                    chunks.append(chunk)
                return resp.status_code, resp_headers, b"".join(chunks)
        except AddressForbidden as exc:
            raise FetchError("forbidden_address", str(exc)) from exc
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"{url}: {type(exc).__name__}: {exc or 'timed out'}") from exc
        except httpx.DecodingError as exc:
            raise FetchError("decoding", f"{url}: undecodable content encoding: {exc}") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError("invalid_url", f"{url}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchError("network", f"{url}: {type(exc).__name__}: {exc}") from exc


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchError("forbidden_scheme", f"only http and https are fetched, not {scheme or 'no scheme'!r}: {url}")
