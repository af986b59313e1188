"""Shared fixtures: the local publisher and a way to run the real ``parley`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.support.fixture_site import FixtureSite

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    """A fresh fixture publisher on 127.0.0.1 (random port), stopped after the test."""
    running = FixtureSite().start()
    yield running
    running.stop()


@dataclass(frozen=True)
class CommandResult:
    """Exit code and output of one ``parley`` invocation."""

    returncode: int
    stdout: str
    stderr: str


def run_parley(
    *args: str,
    home: Path,
    env: dict[str, str] | None = None,
    site: FixtureSite | None = None,
    timeout: float = 600,
    module: str = "parley",
) -> CommandResult:
    """Run ``parley ARGS --home HOME`` in a child process, as a user would (Airflow needs a fresh process).

    ``module``: another entry point taking the same arguments (``tests.support.inject_faults``).
    """
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "AIRFLOW"))}
    child_env.update({"PARLEY_RETRY_DELAY_SECONDS": "1", "PARLEY_HOST_DELAY": "0", **(env or {})})
    if site is not None:
        child_env.setdefault("PARLEY_ALLOW_PRIVATE_HOSTS", site.allow_spec)
    proc = subprocess.run(
        [sys.executable, "-m", module, *args, "--home", str(home)],
        cwd=ROOT,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return CommandResult(proc.returncode, proc.stdout, proc.stderr)


def write_sources(path: Path, feeds: dict[str, str]) -> Path:
    """Write a sources TOML file naming the given feeds."""
    blocks = [
        f'[[source]]\nname = "{name}"\nfeed_url = "{url}"\nhomepage = "{url}"\nlanguage = "en"\n'
        for name, url in feeds.items()
    ]
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def query_warehouse(home: Path, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    """Run a query on the published warehouse of a data folder, read-only, as an analyst would."""
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()
