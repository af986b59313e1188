"""Bounded HTTP fetching: time limits, a size cap after decompression, a redirect limit."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """A fetch that gave no usable body; ``kind`` is a short, queryable error class."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


@dataclass(frozen=True)
class FetchLimits:
    """How long and how much one fetch may take."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5


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
    """Fetch URLs with one shared connection pool and Parley's limits."""

    user_agent: str
    limits: FetchLimits = field(default_factory=FetchLimits)
    _client: httpx.Client | None = None

    def __enter__(self) -> HttpFetcher:
        timeout = httpx.Timeout(self.limits.read_timeout, connect=self.limits.connect_timeout)
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=4),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None, max_bytes: int | None = None) -> FetchResult:
        """GET a URL, following redirects up to the limit; raise FetchError on any failure."""
        if self._client is None:
            raise RuntimeError("use HttpFetcher as a context manager")
        cap = max_bytes or self.limits.max_bytes
        started = time.monotonic()
        current = url
        for _ in range(self.limits.max_redirects + 1):
            _check_scheme(current)
            status, resp_headers, body = self._get_once(current, headers or {}, cap, started)
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

    def _get_once(
        self, url: str, headers: Mapping[str, str], cap: int, started: float
    ) -> tuple[int, dict[str, str], bytes]:
        assert self._client is not None
        try:
            with self._client.stream("GET", url, headers=dict(headers)) as resp:
                resp_headers = {k.lower(): v for k, v in resp.headers.items()}
                if resp.status_code in REDIRECT_CODES or resp.status_code >= 300:
                    return resp.status_code, resp_headers, b""
                declared = resp_headers.get("content-length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise FetchError("too_large", f"{url} declares {declared} bytes, cap is {cap}")
                chunks, size = [], 0
                # iter_bytes decompresses, so the cap also stops a gzip bomb at the cap.
                for chunk in resp.iter_bytes(chunk_size=65536):
                    size += len(chunk)
                    if size > cap:
                        raise FetchError("too_large", f"{url} body exceeds the {cap}-byte cap")
                    if time.monotonic() - started > self.limits.total_timeout:
                        raise FetchError("timeout", f"{url} took longer than {self.limits.total_timeout:g} s")
                    chunks.append(chunk)
                return resp.status_code, resp_headers, b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"{url}: {type(exc).__name__}: {exc or 'timed out'}") from exc
        except httpx.DecodingError as exc:
            raise FetchError("decoding", f"{url}: undecodable content encoding: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchError("network", f"{url}: {type(exc).__name__}: {exc}") from exc


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchError("forbidden_scheme", f"only http and https are fetched, not {scheme or 'no scheme'!r}: {url}")
