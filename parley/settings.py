"""Where Parley keeps its data and how it talks to the outside, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from ingest.retry import RetryPolicy
from ingest.robots import product_token

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES_FILE = PROJECT_ROOT / "ingest" / "sources.toml"
DEFAULT_DAGS_FOLDER = PROJECT_ROOT / "dags"
SEEDS_DIR = PROJECT_ROOT / "warehouse" / "seeds"
USER_AGENT = "ParleyBot/0.1 (+https://github.com/parley-talks/parley; peace-talks research crawler)"


class SettingsError(ValueError):
    """A ``PARLEY_*`` variable holds a value Parley cannot use; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Every knob of a Parley run; ``from_env`` documents the variables."""

    home: Path
    sources_file: Path = DEFAULT_SOURCES_FILE
    feeds: tuple[str, ...] = ()
    schedule: str = "*/30 * * * *"
    user_agent: str = USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_page_bytes: int = 5_000_000
    max_feed_bytes: int = 10_000_000
    max_entries_per_feed: int = 500
    host_delay: float = 1.0
    fetch_workers: int = 4
    allow_private_hosts: str = ""
    obey_robots: bool = True
    backoff_minutes: int = 30
    extract_timeout: float = 20.0
    workers: int = max(1, min(os.cpu_count() or 1, 4))
    # How long a writer waits for another writer of the same warehouse before failing with its name.
    lock_wait_seconds: float = 900.0
    pause_after_failures: int = 8
    # A page that failed waits base, 2×base, 4×base… (at most the cap) before it is fetched again.
    retry_base_minutes: float = 30.0
    retry_max_hours: float = 24.0
    warehouse_override: Path | None = field(default=None)

    @property
    def warehouse_path(self) -> Path:
        """The published, read-only DuckDB file analysts open (replaced atomically after each load)."""
        return self.warehouse_override or self.home / "warehouse.duckdb"

    @property
    def working_path(self) -> Path:
        """The DuckDB file only the loader opens; published as ``warehouse_path`` after each load."""
        return self.warehouse_path.parent / ".loader" / self.warehouse_path.name

    @property
    def retry_policy(self) -> RetryPolicy:
        """How long a page that failed waits before it is fetched again."""
        return RetryPolicy(timedelta(minutes=self.retry_base_minutes), timedelta(hours=self.retry_max_hours))

    @property
    def raw_dir(self) -> Path:
        """Compressed raw pages, one file per body hash."""
        return self.home / "raw"

    @property
    def staging_dir(self) -> Path:
        """Per-run files handed from task to task (never XCom)."""
        return self.home / "staging"

    @property
    def quality_dir(self) -> Path:
        """Great Expectations project and its Data Docs."""
        return self.home / "quality"

    @property
    def data_docs_index(self) -> Path:
        """The Data Docs page to open in a browser."""
        return self.quality_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"

    @property
    def dashboard_index(self) -> Path:
        """The positions dashboard, rebuilt after each load (opens from file://)."""
        return self.home / "dashboard" / "index.html"

    @property
    def airflow_home(self) -> Path:
        """Airflow's home: its SQLite metadata DB and logs."""
        return self.home / "airflow"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from ``PARLEY_*`` variables, falling back to defaults; a bad value raises ``SettingsError``."""
        env = os.environ if env is None else env
        defaults = cls(home=Path())
        warehouse = env.get("PARLEY_DUCKDB_PATH")
        return cls(
            home=Path(env.get("PARLEY_HOME", "data")).resolve(),
            sources_file=Path(env.get("PARLEY_SOURCES", str(DEFAULT_SOURCES_FILE))).resolve(),
            feeds=tuple(u for u in env.get("PARLEY_FEEDS", "").split() if u),
            schedule=env.get("PARLEY_SCHEDULE", defaults.schedule),
            user_agent=_user_agent(env, defaults.user_agent),
            connect_timeout=_number(env, "PARLEY_CONNECT_TIMEOUT", defaults.connect_timeout, float),
            read_timeout=_number(env, "PARLEY_READ_TIMEOUT", defaults.read_timeout, float),
            total_timeout=_number(env, "PARLEY_TOTAL_TIMEOUT", defaults.total_timeout, float),
            max_page_bytes=_number(env, "PARLEY_MAX_PAGE_BYTES", defaults.max_page_bytes, int),
            max_feed_bytes=_number(env, "PARLEY_MAX_FEED_BYTES", defaults.max_feed_bytes, int),
            max_entries_per_feed=_number(env, "PARLEY_MAX_ENTRIES_PER_FEED", defaults.max_entries_per_feed, int),
            host_delay=_number(env, "PARLEY_HOST_DELAY", defaults.host_delay, float),
            fetch_workers=_number(env, "PARLEY_FETCH_WORKERS", defaults.fetch_workers, int),
            allow_private_hosts=env.get("PARLEY_ALLOW_PRIVATE_HOSTS", ""),
            obey_robots=env.get("PARLEY_OBEY_ROBOTS", "true").lower() not in {"0", "false", "no"},
            backoff_minutes=_number(env, "PARLEY_BACKOFF_MINUTES", defaults.backoff_minutes, int),
            extract_timeout=_number(env, "PARLEY_EXTRACT_TIMEOUT", defaults.extract_timeout, float),
            workers=_number(env, "PARLEY_WORKERS", defaults.workers, int),
            lock_wait_seconds=_number(env, "PARLEY_LOCK_WAIT_SECONDS", defaults.lock_wait_seconds, float),
            pause_after_failures=_number(env, "PARLEY_PAUSE_AFTER_FAILURES", defaults.pause_after_failures, int),
            retry_base_minutes=_number(env, "PARLEY_RETRY_BASE_MINUTES", defaults.retry_base_minutes, float),
            retry_max_hours=_number(env, "PARLEY_RETRY_MAX_HOURS", defaults.retry_max_hours, float),
            warehouse_override=Path(warehouse).resolve() if warehouse else None,
        )

    def with_overrides(self, **changes: object) -> Settings:
        """Return a copy with some fields replaced (command-line flags)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """Render these settings as ``PARLEY_*`` variables for a child process or DAG run."""
        env = {
            "PARLEY_HOME": str(self.home),
            "PARLEY_SOURCES": str(self.sources_file),
            "PARLEY_FEEDS": " ".join(self.feeds),
            "PARLEY_SCHEDULE": self.schedule,
            "PARLEY_USER_AGENT": self.user_agent,
            "PARLEY_CONNECT_TIMEOUT": str(self.connect_timeout),
            "PARLEY_READ_TIMEOUT": str(self.read_timeout),
            "PARLEY_TOTAL_TIMEOUT": str(self.total_timeout),
            "PARLEY_MAX_PAGE_BYTES": str(self.max_page_bytes),
            "PARLEY_MAX_FEED_BYTES": str(self.max_feed_bytes),
            "PARLEY_MAX_ENTRIES_PER_FEED": str(self.max_entries_per_feed),
            "PARLEY_HOST_DELAY": str(self.host_delay),
            "PARLEY_FETCH_WORKERS": str(self.fetch_workers),
            "PARLEY_ALLOW_PRIVATE_HOSTS": self.allow_private_hosts,
            "PARLEY_OBEY_ROBOTS": str(self.obey_robots).lower(),
            "PARLEY_BACKOFF_MINUTES": str(self.backoff_minutes),
            "PARLEY_EXTRACT_TIMEOUT": str(self.extract_timeout),
            "PARLEY_WORKERS": str(self.workers),
            "PARLEY_LOCK_WAIT_SECONDS": str(self.lock_wait_seconds),
            "PARLEY_PAUSE_AFTER_FAILURES": str(self.pause_after_failures),
            "PARLEY_RETRY_BASE_MINUTES": str(self.retry_base_minutes),
            "PARLEY_RETRY_MAX_HOURS": str(self.retry_max_hours),
        }
        if self.warehouse_override:
            env["PARLEY_DUCKDB_PATH"] = str(self.warehouse_override)
        return env


def _number(env: Mapping[str, str], key: str, default: float, kind: type[int] | type[float]) -> Any:
    """Read a numeric setting; a value that is not a number raises ``SettingsError`` naming the variable."""
    value = env.get(key)
    if value is None or value == "":
        return default
    try:
        number = kind(value)
    except ValueError:
        raise SettingsError(f"{key}={value!r} is not a {'whole ' if kind is int else ''}number") from None
    if number < 0:
        raise SettingsError(f"{key}={value!r} cannot be negative")
    return number


def _user_agent(env: Mapping[str, str], default: str) -> str:
    # robots.txt groups are chosen by the User-Agent's product token (RFC 9309), so it must have one.
    value = env.get("PARLEY_USER_AGENT", default).strip()
    try:
        product_token(value)
    except ValueError as exc:
        raise SettingsError(f"PARLEY_USER_AGENT: {exc}") from exc
    return value
