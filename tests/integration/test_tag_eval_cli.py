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


SMALL_GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "gold"
SHARED = GOLD.parent


def test_training_is_reproducible_and_its_model_can_be_evaluated(tmp_path: Path) -> None:
    for name in ("a", "b"):
        result = run_parley(
            "train", "positions", "--gold", str(SMALL_GOLD), "--cv", "3", "--out", str(tmp_path / name), home=tmp_path
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "cross-validated (3 folds by document)" in result.stdout
    files = sorted(path.name for path in (tmp_path / "a").iterdir())
    assert files == sorted(
        ["positions.json", *(f"{m}-{i}.txt" for m in ("positions", "polarity") for i in range(1, 6))]
    )
    for file in files:
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file
    meta = json.loads((tmp_path / "a" / "positions.json").read_text(encoding="utf-8"))
    assert meta["trained_on"] == ["gold (6 documents)"] and meta["positive_candidates"] > 0
    report = run_parley(
        "eval", "positions", "--gold", str(SMALL_GOLD), "--model", str(tmp_path / "a"), "--json", home=tmp_path
    )
    assert report.returncode == 0, report.stderr[-2000:]
    assert json.loads(report.stdout)["gold"] == 21


def test_eval_positions_reports_topics_stances_confusions_and_calibration(tmp_path: Path) -> None:
    result = run_parley("eval", "positions", "--gold", str(SMALL_GOLD), "--json", home=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert {"by_topic", "by_stance", "polarity_confusion", "reliability", "brier"} <= set(report)
    assert report["by_topic"]["ceasefire"]["gold"] == 2
    assert set(report["polarity_confusion"]) == {"pro->pro", "pro->contra", "contra->contra", "contra->pro"}
    assert all(0 <= row["matched_share"] <= 1 for row in report["reliability"])
    # a wrong prediction says how sure the model was, so the worst ones can be read first
    assert all(0 <= item["confidence"] <= 1 and item["stance"] for item in report["false_positives"])
    text = run_parley("eval", "positions", "--gold", str(SMALL_GOLD), home=tmp_path).stdout
    assert "by topic:" in text and "by stance:" in text and "calibration: Brier" in text


def test_eval_refuses_a_bad_cross_validation(tmp_path: Path) -> None:
    assert run_parley("eval", "entities", "--gold", str(SMALL_GOLD), "--cv", "3", home=tmp_path).returncode == 2
    assert run_parley("eval", "positions", "--gold", str(tmp_path / "nowhere"), home=tmp_path).returncode == 2


@pytest.mark.skipif(not (SHARED / "corpus").exists(), reason="needs ../shared/corpus and ../shared/gold")
def test_cross_validated_positions_stay_above_the_pinned_floor(tmp_path: Path) -> None:
    # A quality gate, not the target: it catches a change that makes the extractor worse.
    result = run_parley(
        "eval", "positions", "--gold", str(SHARED / "corpus"), "--gold", str(GOLD), "--cv", "5", "--json", home=tmp_path
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["cv"] == 5 and report["documents"] == 47
    assert report["f1"] >= 0.55 and report["precision"] >= 0.52 and report["brier"] < 0.3
