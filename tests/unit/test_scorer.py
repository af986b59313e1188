"""The shipped scorer: its files load, match this code's features, and are current with the gold they came from."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from transforms.features import FEATURES
from transforms.scorer import MODEL_DIR, Calibration, ModelMismatchError, load_scorer, read_meta

SHARED = Path(__file__).resolve().parents[3] / "shared"


def test_the_model_files_load_and_name_their_version() -> None:
    scorer = load_scorer()
    meta = read_meta()
    assert scorer.version == meta["version"] and scorer.version.startswith("positions-v2+")
    assert list(scorer.features) == list(FEATURES)
    assert 0.0 < scorer.threshold < 1.0
    assert {"data_hash", "trained_on", "cross_validation", "calibration", "params"} <= set(meta)


def test_scores_are_a_polarity_and_a_probability() -> None:
    scorer = load_scorer()
    rows = [[0.0] * len(FEATURES), [1.0] * len(FEATURES)]
    for polarity, confidence in scorer.score(rows):
        assert polarity in {"pro", "contra"} and 0.0 <= confidence <= 1.0


def test_the_calibration_is_monotone() -> None:
    import numpy as np

    meta = read_meta()
    calibration = Calibration(tuple(meta["calibration"]["x"]), tuple(meta["calibration"]["y"]))
    values = calibration(np.linspace(0, 1, 101))
    assert all(b >= a for a, b in itertools.pairwise(values))


def test_a_model_trained_with_other_features_is_refused(tmp_path: Path) -> None:
    shutil.copytree(MODEL_DIR, tmp_path / "models")
    meta_path = tmp_path / "models" / "positions.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["features"] = meta["features"][:-1]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelMismatchError, match="parley train positions"):
        load_scorer(tmp_path / "models")


def test_a_model_missing_one_of_its_bag_s_files_is_refused(tmp_path: Path) -> None:
    shutil.copytree(MODEL_DIR, tmp_path / "models")
    (tmp_path / "models" / "polarity-2.txt").unlink()
    with pytest.raises(ModelMismatchError, match=r"polarity-2\.txt.*parley train positions"):
        load_scorer(tmp_path / "models")


def test_a_model_from_before_the_bags_is_refused(tmp_path: Path) -> None:
    shutil.copytree(MODEL_DIR, tmp_path / "models")
    meta_path = tmp_path / "models" / "positions.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    del meta["bag"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelMismatchError, match=r"no bag of models.*parley train positions"):
        load_scorer(tmp_path / "models")


def test_a_bag_scores_the_mean_of_its_models() -> None:
    import numpy as np

    scorer = load_scorer()
    rows = np.zeros((3, len(scorer.features)))
    models = scorer.position_model.boosters
    assert len(models) == read_meta()["bag"] > 1
    expected = np.mean([m.predict(rows) for m in models], axis=0)
    assert np.allclose(scorer.position_model.predict(rows), expected)
    assert not np.allclose(models[0].predict(rows), models[1].predict(rows))  # the seeds make them differ


def test_a_model_whose_polarity_reads_unknown_features_is_refused(tmp_path: Path) -> None:
    shutil.copytree(MODEL_DIR, tmp_path / "models")
    meta_path = tmp_path / "models" / "positions.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["polarity_features"] = [*meta["polarity_features"], "no_such_feature"]
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelMismatchError, match="parley train positions"):
        load_scorer(tmp_path / "models")


def test_the_polarity_model_reads_the_polarity_features_only() -> None:
    from transforms.features import FEATURES, POLARITY_FEATURES

    scorer = load_scorer()
    assert [list(FEATURES)[i] for i in scorer.polarity_columns] == list(POLARITY_FEATURES)
    assert scorer.polarity_model.num_feature() == len(POLARITY_FEATURES)


@pytest.mark.skipif(not (SHARED / "corpus").exists(), reason="needs ../shared/corpus and ../shared/gold")
def test_the_shipped_model_was_trained_on_the_current_gold() -> None:
    from transforms.training import data_hash

    assert read_meta()["data_hash"] == data_hash([SHARED / "corpus", SHARED / "gold"])


def test_records_and_quality_checks_load_without_the_nlp_stack() -> None:
    code = (
        "import sys; import ingest.records, warehouse.batch, warehouse.load, expectations.batch, expectations.derived; "
        "loaded = [m for m in ('spacy', 'lightgbm', 'thinc') if m in sys.modules]; "
        "print(loaded); sys.exit(bool(loaded))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_scorer_loads_without_scikit_learn_and_training_still_can_use_it() -> None:
    """A tag worker does not pay for importing scikit-learn; the same process can still train."""
    code = (
        "import sys; from transforms.scorer import load_scorer; from transforms.features import FEATURES; "
        "scored = load_scorer().score([[0.0] * len(FEATURES)]); "
        "assert 'sklearn' not in sys.modules, 'scikit-learn was imported'; "
        "import numpy, lightgbm; from sklearn.isotonic import IsotonicRegression; "
        "IsotonicRegression().fit([0.0, 1.0], [0.0, 1.0]); "
        "data = lightgbm.Dataset(numpy.arange(40.0).reshape(20, 2), numpy.arange(20) % 2); "
        "lightgbm.train({'objective': 'binary', 'verbose': -1, 'min_data_in_leaf': 2}, data, num_boost_round=2); "
        "print(scored)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_threshold_takes_the_most_precise_of_equal_f1s() -> None:
    import numpy as np

    from transforms.training import Dataset, Row, best_threshold

    # One document, two gold positions. Below 0.5 two right and two wrong rows come in (P 0.5, R 1.0:
    # F1 0.667); from 0.5 one right row alone (P 1.0, R 0.5: F1 0.667); from 0.9 nothing.
    gold = [
        {"actor": f"a{i}", "stance": "supports", "topic": "ceasefire", "polarity": "pro", "evidence": ""}
        for i in range(2)
    ]
    actors = ["a0", "a1", "x0", "x1"]
    rows = [Row("d", i, "", actor, "ceasefire", 1 if actor in {"a0", "a1"} else 0) for i, actor in enumerate(actors)]
    dataset = Dataset(rows, [[0.0]] * 4, {"d": gold}, {"d": {}})
    confidence, contra = np.array([0.8, 0.3, 0.3, 0.3]), np.zeros(4)
    assert best_threshold(dataset, confidence, contra) == 0.31
