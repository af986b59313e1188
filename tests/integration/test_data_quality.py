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

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARLEY_", "AIRFLOW"))}
    env |= {
        "PARLEY_TEST_FAULTS": FAULTS,
        "PARLEY_HOST_DELAY": "0",
        "PARLEY_ALLOW_PRIVATE_HOSTS": site.allow_spec,
        "PARLEY_RETRY_DELAY_SECONDS": "1",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.support.inject_faults",
            "run",
            "--feed",
            f"{site.base_url}/feeds/briefings.atom",
            "--home",
            str(home),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "quality_gate" in proc.stderr
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
    docs = home / "quality" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    run_name = _rows(home, "select run_id from dq_results order by validated_at desc limit 1")[0][0]
    assert run_name.split("+")[0] in docs.read_text(encoding="utf-8")
