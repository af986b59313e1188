"""Bad input ends with one clear line and a meaningful exit code: no traceback, nothing created, nothing polled."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_parley, write_sources
from warehouse.db import connect
from warehouse.migrate import migrate
from warehouse.publish import publish

pytestmark = pytest.mark.integration


def _one_clear_line(stderr: str, *needles: str) -> None:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed.xml", "notaurl", "http:///nohost"])
def test_a_feed_that_is_not_http_is_refused_before_anything_runs(tmp_path: Path, url: str) -> None:
    home = tmp_path / "home"
    result = run_parley("run", "--feed", url, home=home)
    assert result.returncode == 2
    _one_clear_line(result.stderr, "parley run:", url)
    assert not home.exists()


def test_a_sources_file_with_a_bad_feed_names_the_entry(tmp_path: Path) -> None:
    sources = write_sources(tmp_path / "sources.toml", {"Good": "https://example.org/rss", "Local": "file:///etc"})
    result = run_parley("run", "--sources", str(sources), home=tmp_path / "home")
    assert result.returncode == 2
    _one_clear_line(result.stderr, "source #2 (Local)", "not an http(s) URL")


def test_a_data_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "afile"
    home.write_text("not a folder", encoding="utf-8")
    for command in (["run", "--feed", "https://example.org/rss"], ["status"], ["sql", "select 1"], ["dq"]):
        result = run_parley(*command, home=home)
        assert result.returncode == 2, command
        _one_clear_line(result.stderr, "is a file, not a folder")


def test_a_read_command_never_creates_the_data_folder(tmp_path: Path) -> None:
    home = tmp_path / "typo"
    for command in (["status"], ["sql", "select 1"], ["search", "ceasefire"], ["dq"], ["sources"], ["export", "x"]):
        result = run_parley(*command, home=home)
        assert result.returncode == 2, (command, result.stderr)
        _one_clear_line(result.stderr, "no data folder at")
    assert not home.exists()


def test_a_read_only_data_folder_is_refused_by_a_writer(tmp_path: Path) -> None:
    source, mount = tmp_path / "src", tmp_path / "ro"
    source.mkdir()
    mount.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(source), str(mount)], capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("needs to bind-mount a folder read-only (root)")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(mount)], check=True)
        result = run_parley("run", "--feed", "https://example.org/rss", home=mount / "home")
        assert result.returncode == 2
        _one_clear_line(result.stderr, "cannot write to", "Read-only file system")
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_tagging_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Kyiv demanded a ceasefire, caf\xe9 talk.".encode("latin-1"))
    result = run_parley("tag", str(path), home=tmp_path)
    assert result.returncode == 2
    _one_clear_line(result.stderr, "is not UTF-8 text", "0xe9")


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    result = run_parley("status", home=tmp_path, env={"PARLEY_WORKERS": "many"})
    assert result.returncode == 2
    _one_clear_line(result.stderr, "PARLEY_WORKERS")


@pytest.fixture
def empty_warehouse(tmp_path: Path) -> Iterator[Path]:
    home = tmp_path / "home"
    working = home / ".loader" / "warehouse.duckdb"
    with connect(working) as con:
        migrate(con)
    publish(working, home / "warehouse.duckdb")
    yield home


@pytest.mark.parametrize(
    "command", [["sql", "select range, 'a row of text' from range(200000)"], ["sql", "select 1", "--csv"]]
)
def test_a_reader_that_goes_away_ends_the_output_quietly(empty_warehouse: Path, command: list[str]) -> None:
    shell = (
        f"{sys.executable} -m parley {' '.join(repr(c) for c in command)} --home {empty_warehouse}"
        " | head -1 >/dev/null; echo ${PIPESTATUS[0]}"
    )
    result = subprocess.run(["bash", "-c", shell], cwd=ROOT, capture_output=True, text=True, check=False)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.stdout.strip() in {"0", "141"}


# A statement other than a query is refused before DuckDB sees it (a usage error, exit 2); a query
# that reaches outside the warehouse is stopped by the sandbox (a DuckDB error, exit 1).
@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("copy (select 1) to '{home}/stolen.csv'", 2),
        ("select * from read_csv('/etc/passwd')", 1),
        ("select * from read_text('/etc/hostname')", 1),
        ("copy (select 1) to '{home}/.loader/warehouse.duckdb'", 2),
        ("attach '{home}/other.duckdb' as other", 2),
        ("set enable_external_access = true", 2),
        ("install fts", 2),
        ("create table evil as select 1", 2),
        ("select 1; copy (select 1) to '{home}/stolen.csv'", 2),
    ],
)
def test_sql_reads_the_warehouse_and_nothing_else(empty_warehouse: Path, query: str, code: int) -> None:
    working = empty_warehouse / ".loader" / "warehouse.duckdb"
    before = working.read_bytes()
    result = run_parley("sql", query.format(home=empty_warehouse), home=empty_warehouse)
    assert result.returncode == code, result.stderr
    _one_clear_line(result.stderr, "parley sql:")
    assert not (empty_warehouse / "stolen.csv").exists() and not (empty_warehouse / "other.duckdb").exists()
    assert working.read_bytes() == before


def test_sql_still_writes_parquet_and_reads_every_table(empty_warehouse: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.parquet"
    result = run_parley("sql", "select * from sources", "--parquet", str(target), home=empty_warehouse)
    assert result.returncode == 0, result.stderr
    assert target.exists()
    assert run_parley("sql", "select count(*) from positions_enriched", home=empty_warehouse).returncode == 0
