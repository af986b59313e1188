"""Small checks an operator meets first: feed URLs, data folders, settings, ports, log lines."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from ingest.sources import SourcesFileError, feed_url_problem, sources_for_feeds
from parley.airflow_runner import OnceFilter
from parley.checks import home_problem
from parley.console import last_error
from parley.service import PortTakenError, choose_ports, free_port
from parley.settings import Settings, SettingsError


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://kyivindependent.com/news-archive/rss/", True),
        ("http://127.0.0.1:8000/feeds/a.rss", True),
        ("file:///etc/passwd", False),
        ("ftp://example.org/feed", False),
        ("notaurl", False),
        ("https:///nohost", False),
        ("https://exa mple.org/rss", False),
    ],
)
def test_only_http_feeds_with_a_host_are_accepted(url: str, ok: bool) -> None:
    assert (feed_url_problem(url) is None) == ok
    if not ok:
        with pytest.raises(SourcesFileError, match="--feed"):
            sources_for_feeds([url])


def test_a_reader_needs_an_existing_folder_and_a_writer_a_writable_place(tmp_path: Path) -> None:
    assert home_problem(tmp_path / "missing", write=False) is not None
    assert home_problem(tmp_path / "missing", write=True) is None
    assert not (tmp_path / "missing").exists()
    (tmp_path / "file").write_text("x")
    assert "is a file" in (home_problem(tmp_path / "file", write=True) or "")


def test_a_bad_number_names_its_variable() -> None:
    with pytest.raises(SettingsError, match="PARLEY_FETCH_WORKERS='lots'"):
        Settings.from_env({"PARLEY_FETCH_WORKERS": "lots"})
    with pytest.raises(SettingsError, match="negative"):
        Settings.from_env({"PARLEY_HOST_DELAY": "-1"})
    assert Settings.from_env({"PARLEY_WORKERS": "3"}).workers == 3


def test_a_repeated_log_message_passes_once_until_another_comes() -> None:
    once = OnceFilter()

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("x", logging.WARNING, __file__, 1, message, None, None)

    passed = [once.filter(record(m)) for m in ("waiting", "waiting", "waiting", "retrying", "waiting")]
    assert passed == [True, False, False, True, True]


def test_the_last_error_of_a_log_is_its_last_exception_line() -> None:
    log = (
        "info line\nTraceback (most recent call last):\n  File x\nValueError: first\nmore\n"
        "airflow.sdk.X.AirflowFailException: gate failed: a, b\n"
    )
    assert last_error(log) == "gate failed: a, b"
    assert last_error("nothing wrong here") is None


def test_ports_a_taken_api_port_is_refused_and_log_ports_are_chosen_free() -> None:
    with socket.socket() as held:
        held.bind(("0.0.0.0", 0))
        held.listen()
        taken = held.getsockname()[1]
        with pytest.raises(PortTakenError, match=f"port {taken}"):
            choose_ports(taken, "127.0.0.1", {})
        ports = choose_ports(free_port(), "127.0.0.1", {"AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": ""})
        assert len({ports.api, ports.worker_log, ports.trigger_log}) == 3
        with pytest.raises(PortTakenError, match="WORKER_LOG_SERVER_PORT"):
            choose_ports(free_port(), "127.0.0.1", {"AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(taken)})


def test_a_stage_that_failed_before_recording_itself_gets_its_failed_row(tmp_path: Path) -> None:
    import json

    from parley.pipeline import RunPaths, _record_silent_failure

    paths = RunPaths(tmp_path)
    paths.stages.mkdir()
    (paths.stages / "poll.json").write_text(json.dumps({"stage": "poll", "status": "success"}))
    _record_silent_failure(paths, "r1")
    fetch = json.loads((paths.stages / "fetch.json").read_text())
    assert (fetch["status"], fetch["run_id"]) == ("failed", "r1") and "before it could record" in fetch["error"]
    (paths.stages / "quality_gate.json").write_text(json.dumps({"stage": "quality_gate", "status": "success"}))
    (paths.stages / "fetch.json").unlink()
    _record_silent_failure(paths, "r1")
    assert not (paths.stages / "fetch.json").exists()  # the gate ran: nothing failed silently
