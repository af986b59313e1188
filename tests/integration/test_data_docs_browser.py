"""The Data Docs in the data folder, opened in a real headless browser (Debian's chromium)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_parley
from tests.support.fixture_site import FixtureSite

pytestmark = pytest.mark.integration
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Offline flags: without them Chromium keeps trying Google's services on a machine with no network.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_data_docs_index_lists_the_latest_validation(site: FixtureSite, tmp_path: Path) -> None:
    home = tmp_path / "data"
    assert run_parley("run", "--feed", f"{site.base_url}/feeds/briefings.atom", home=home, site=site).returncode == 0
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        run_id = con.execute("select run_id from dq_results order by validated_at desc limit 1").fetchone()[0]
    index = home / "quality" / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    dom = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom", index.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    listed = dom.split('id="parley-validations"', 1)[1].split("</section>", 1)[0]
    assert run_id in listed and "suite articles" in listed and "passed" in listed
    shot = tmp_path / "data_docs.png"
    subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={tmp_path / 'chromium2'}",
            "--window-size=1280,900",
            f"--screenshot={shot}",
            index.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10_000
