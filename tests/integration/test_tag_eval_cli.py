"""``parley tag`` and ``parley eval`` through the installed command, on the development gold set."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_parley

pytestmark = pytest.mark.integration
GOLD = Path(__file__).resolve().parents[3] / "shared" / "gold"


def test_tag_json_lists_linked_entities_with_offsets(tmp_path: Path) -> None:
    text = "Kyiv insists on an unconditional ceasefire, while the Kremlin demands recognition of its annexations."
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    result = run_parley("tag", str(path), "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(result.stdout)
    assert {"entities", "positions"} <= set(data)
    linked = {(e["id"], e["name"], e["type"]) for e in data["entities"] if e["id"]}
    assert linked == {("Q212", "Ukraine", "state"), ("Q159", "Russia", "state")}
    assert all(text[e["start"] : e["end"]] == e["text"] for e in data["entities"])


@pytest.mark.skipif(not GOLD.exists(), reason="needs ../shared/gold")
def test_eval_entities_meets_the_floors_on_the_dev_gold(tmp_path: Path) -> None:
    result = run_parley("eval", "entities", "--gold", str(GOLD), "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    score = json.loads(result.stdout)
    assert score["documents"] == 5
    assert score["precision"] >= 0.90 and score["recall"] >= 0.95
    assert {"precision", "recall", "f1", "documents", "misses"} <= set(score)


def test_eval_counts_misses_and_rejects_an_empty_folder(tmp_path: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "d.txt").write_text("Putin met Erdogan in Istanbul.", encoding="utf-8")
    annotation = {
        "doc": "d",
        "actors": [
            {"id": "Q7747", "name": "Vladimir Putin", "type": "person"},
            {"id": "x_1", "name": "Somebody Else", "type": "person"},
        ],
        "positions": [],
    }
    (gold / "d.json").write_text(json.dumps(annotation), encoding="utf-8")
    score = json.loads(run_parley("eval", "entities", "--gold", str(gold), "--json", home=tmp_path).stdout)
    assert score["recall"] == 0.5 and score["precision"] == 0.5
    assert score["misses"] == [{"doc": "d", "id": "x_1", "name": "Somebody Else"}]
    shutil.rmtree(gold)
    gold.mkdir()
    assert run_parley("eval", "entities", "--gold", str(gold), home=tmp_path).returncode == 2
