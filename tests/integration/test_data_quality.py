"""Bad rows injected into a real DAG run are caught, quarantined and reported; good rows still load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parley.settings import PROJECT_ROOT
from tests.conftest import query_warehouse as _rows
from tests.conftest import run_parley
from tests.support.fixture_site import FixtureSite

pytestmark = pytest.mark.integration
FAULTS = "empty_text,duplicate_url,future_date,unknown_stance,bad_offsets"


def test_bad_rows_are_quarantined_reported_and_good_rows_load(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    assert run_parley("run", "--feed", f"{site.base_url}/feeds/analysis.rss", home=home, site=site).returncode == 0
    before = _rows(home, "select article_id, text_hash from articles order by 1")

    proc = run_parley(
        "run",
        "--feed",
        f"{site.base_url}/feeds/briefings.atom",
        home=home,
        site=site,
        env={"PARLEY_TEST_FAULTS": FAULTS},
        module="tests.support.inject_faults",
    )

    assert proc.returncode == 1, proc.stderr[-3000:]
    # The expected failure is told in one line and the log's path, not with Airflow's tracebacks.
    assert "Traceback" not in proc.stdout + proc.stderr
    told = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(told) == 2 and told[0].startswith("run failed: quality_gate: critical expectations failed")
    assert told[1].startswith("full log: ") and "Traceback" in Path(told[1][len("full log: ") :]).read_text()
    for name in (
        "expect_column_value_lengths_to_be_between:text",
        "expect_column_values_to_be_unique:url",
        "expect_column_values_to_be_between:published_at",
        "expect_column_values_to_be_in_set:stance",
        "expect_column_values_to_be_in_set:within_text",
    ):
        assert name in proc.stdout, name
    held = {(t, k): r for t, k, r in _rows(home, "select table_name, row_key, reasons from dq_quarantine")}
    assert {k for t, k in held if t == "articles"} == {"fault_empty_text", "fault_duplicate_url", "fault_future_date"}
    assert ("positions", "fault_stance") in held and "stance" in held[("positions", "fault_stance")]
    assert any(t == "entity_mentions" and "within_text" in r for (t, _), r in held.items())
    # Nothing earlier is lost or changed, and the good rows of the same batch loaded.
    after = dict(_rows(home, "select article_id, text_hash from articles"))
    assert all(after.get(aid) == text_hash for aid, text_hash in before)
    assert not [aid for aid in after if aid.startswith("fault_")]
    own = _rows(home, "select count(*) from articles where url like '%black-sea-corridor' or url like '%sanctions%'")
    assert own == [(2,)]
    assert _rows(
        home,
        "select count(*) from positions where stance not in (select unnest(['demands', 'proposes', "
        "'supports', 'accepts', 'offers', 'conditions', 'rejects', 'opposes', 'refuses', "
        "'threatens']))",
    ) == [(0,)]
    assert _rows(
        home,
        "select count(*) from entity_mentions m join articles a using (article_id) where m.end_char > length(a.text)",
    ) == [(0,)]

    dq = run_parley("dq", home=home)
    assert dq.returncode == 1 and "FAILED" in dq.stdout and "fault_future_date" in dq.stdout
    stages = dict(
        _rows(home, "select stage, status from pipeline_runs where run_id = (select max(run_id) from pipeline_runs)")
    )
    assert stages["quality_gate"] == "failed" and stages["load"] == "success"
    status = run_parley("status", home=home)
    assert status.returncode == 1
    assert "failed task quality_gate" in status.stdout and "critical expectations failed" in status.stdout
    docs = home / "quality" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    run_name = _rows(home, "select run_id from dq_results order by validated_at desc limit 1")[0][0]
    assert run_name.split("+")[0] in docs.read_text(encoding="utf-8")


def test_a_run_that_fails_before_its_load_is_recorded_and_reported(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "AIRFLOW"))}
    env |= {
        "PARLEY_TEST_FAULTS": "client_crash",
        "PARLEY_HOST_DELAY": "0",
        "PARLEY_ALLOW_PRIVATE_HOSTS": site.allow_spec,
        "PARLEY_RETRY_DELAY_SECONDS": "1",
    }
    command = ["-m", "tests.support.inject_faults", "run", "--feed", f"{site.base_url}/feeds/briefings.atom"]
    proc = subprocess.run(
        [sys.executable, *command, "--home", str(home)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "run failed: poll_feeds: simulated outage of the HTTP client" in proc.stderr
    # The stage that ran is recorded, failed, with its error; nothing after it ran, but the seeds' warehouse exists.
    stages = {s: (status, error) for s, status, error in _rows(home, "select stage, status, error from pipeline_runs")}
    assert set(stages) == {"poll"} and stages["poll"][0] == "failed"
    assert "simulated outage of the HTTP client" in (stages["poll"][1] or "")
    status = run_parley("status", home=home)
    assert status.returncode == 1
    assert "failed task poll_feeds (attempt 3)" in status.stdout and "simulated outage" in status.stdout
