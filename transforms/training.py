"""Train the positions scorer on annotated articles, and cross-validate it by document.

Every gold folder (``NAME.txt`` + ``NAME.json``, the format of ``shared/gold``) is parsed with the
pipeline's own code; each candidate the extractor generates is labelled with the gold position it
matches (same sentence, holder and topic: ``pro`` or ``contra``) or ``none``. Folds never split a
document. Two LightGBM models are trained (is it a position; is it contra), each a bag of ``BAG``
seeds, their product calibrated by isotonic regression on out-of-fold scores, and the decision
threshold set where the out-of-fold F1 is highest. ``parley train positions`` writes them to
``transforms/models/`` (see ``scorer``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transforms.evaluation import (
    Predicted,
    Score,
    gold_documents,
    gold_positions,
    names_of,
    same_actor,
    score_positions,
)
from transforms.selection import POOLING, select

if TYPE_CHECKING:
    import numpy as np

    from transforms.scorer import Bag, Calibration

EXTRACTOR = "positions-v2"
LABELS = ("none", "pro", "contra")
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 10,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbose": -1,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "seed": 7,
}
ROUNDS = 300
# Polarity is learnt from the positions alone: fewer rows, so a smaller model.
POLARITY_PARAMS = PARAMS | {"num_leaves": 8, "min_data_in_leaf": 10}
POLARITY_ROUNDS = 100
# Models per bag, seeds PARAMS["seed"] and up (see ``scorer.Bag``): five fits cost 2 s on the corpus.
BAG = 5


@dataclass
class Row:
    """One candidate of one document, with what scoring its prediction needs."""

    document: str
    sentence_start: int
    evidence: str
    actor_id: str
    topic: str
    label: int
    stances: tuple[str, str] = ("supports", "opposes")


@dataclass
class Dataset:
    """Feature matrix, labels and the gold each document is scored against."""

    rows: list[Row]
    matrix: list[list[float]]
    gold: dict[str, list[dict[str, Any]]]
    names: dict[str, dict[str, str]]
    sources: list[str] = field(default_factory=list)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the feature matrix and the labels as arrays."""
        import numpy as np

        return np.asarray(self.matrix, dtype=np.float64), np.array([r.label for r in self.rows], dtype=np.int32)


def document_date(annotation: dict[str, Any]) -> date | None:
    """Return the article's date from its annotation's ``meta`` (a month-only date is read as the 1st)."""
    value = str((annotation.get("meta") or {}).get("date") or "")
    try:
        return date.fromisoformat((value + "-01")[:10]) if len(value) >= 7 else None
    except ValueError:
        return None


def build_dataset(gold_dirs: Sequence[Path]) -> Dataset:
    """Parse every gold document, generate its candidates and label them against its gold."""
    from transforms.analysis import parse_documents
    from transforms.features import rule_stance

    documents = [d for gold_dir in gold_dirs for d in gold_documents(gold_dir)]
    names = [name for name, _, _ in documents]
    if len(set(names)) != len(names):
        raise ValueError("two gold documents share a name; every NAME must be unique across the folders")
    dataset = Dataset([], [], {}, {}, [f"{d.name} ({len(gold_documents(d))} documents)" for d in gold_dirs])
    items = [(name, text, document_date(annotation)) for name, text, annotation in documents]
    annotations = {name: annotation for name, _, annotation in documents}
    for name, text, found, views in parse_documents(items):
        annotation = annotations[name]
        gold = gold_positions(annotation)
        dataset.gold[name] = gold
        dataset.names[name] = names_of(annotation, found.context.names)
        spans = gold_spans(text, gold)
        for view, features in views:
            candidate = view.candidate
            sent = candidate.sentence.span
            label = _label(sent.start_char, sent.end_char, candidate, spans, dataset.names[name])
            stances = (rule_stance(view, "pro"), rule_stance(view, "contra"))
            row = Row(name, sent.start_char, sent.text, candidate.actor_id, candidate.topic, label, stances)
            dataset.rows.append(row)
            dataset.matrix.append(features)
    return dataset


def gold_spans(text: str, gold: list[dict[str, Any]]) -> list[tuple[int, int, dict[str, Any]]]:
    """Where each gold evidence sentence is in the text (a repeated sentence: its next occurrence)."""
    spans: list[tuple[int, int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for item in gold:
        evidence = item["evidence"]
        start = text.find(evidence, seen.get(evidence, -1) + 1)
        if start < 0:
            start = text.find(evidence)
        seen[evidence] = start
        spans.append((start, start + len(evidence), item))
    return spans


def _label(
    start: int, end: int, candidate: Any, spans: list[tuple[int, int, dict[str, Any]]], names: dict[str, str]
) -> int:
    actor = candidate.actor_id
    for gold_start, gold_end, item in spans:
        overlap = min(end, gold_end) - max(start, gold_start)
        if overlap <= 0 or overlap < 0.5 * min(end - start, gold_end - gold_start) or item["topic"] != candidate.topic:
            continue
        if same_actor(actor, names.get(actor, actor), item["actor"], names.get(item["actor"], "")):
            return LABELS.index(item["polarity"])
    return 0


def folds_of(documents: Sequence[str], k: int) -> dict[str, int]:
    """Assign documents to ``k`` folds round-robin over their sorted names (mixing the corpus's groups)."""
    return {name: i % k for i, name in enumerate(sorted(set(documents)))}


def categorical_columns(names: Sequence[str]) -> list[int]:
    """Return the indices of the categorical features among ``names``, for LightGBM."""
    from transforms.features import VOCABULARIES

    return [i for i, name in enumerate(names) if name in VOCABULARIES]


def polarity_columns() -> list[int]:
    """Return the columns of the polarity features."""
    from transforms.features import FEATURES, POLARITY_FEATURES

    names = list(FEATURES)
    return [names.index(name) for name in POLARITY_FEATURES]


def fit(matrix: np.ndarray, labels: np.ndarray) -> tuple[Bag, Bag]:
    """Train the position models on every row and the polarity models on the positions, a bag of each."""
    import lightgbm

    from transforms.features import FEATURES, POLARITY_FEATURES
    from transforms.scorer import Bag

    exists = lightgbm.Dataset(matrix, (labels > 0).astype(int), categorical_feature=categorical_columns(list(FEATURES)))
    positions = labels > 0
    contra = lightgbm.Dataset(
        matrix[positions][:, polarity_columns()],
        (labels[positions] == 2).astype(int),
        categorical_feature=categorical_columns(POLARITY_FEATURES),
    )
    seeds = [PARAMS["seed"] + i for i in range(BAG)]
    return (
        Bag(tuple(lightgbm.train(PARAMS | {"seed": s}, exists, num_boost_round=ROUNDS) for s in seeds)),
        Bag(
            tuple(lightgbm.train(POLARITY_PARAMS | {"seed": s}, contra, num_boost_round=POLARITY_ROUNDS) for s in seeds)
        ),
    )


def out_of_fold(dataset: Dataset, k: int) -> np.ndarray:
    """Raw scores of every row from models trained on the other folds' documents."""
    import numpy as np

    from transforms.scorer import raw_scores

    matrix, labels = dataset.arrays()
    fold = folds_of([r.document for r in dataset.rows], k)
    which = np.array([fold[r.document] for r in dataset.rows])
    scores = np.zeros((len(dataset.rows), 2))
    for f in range(k):
        train, test = which != f, which == f
        if test.any() and train.any():
            position_model, polarity_model = fit(matrix[train], labels[train])
            scores[test] = raw_scores(position_model, polarity_model, matrix[test], polarity_columns())
    return scores


def calibrate(dataset: Dataset, scores: np.ndarray) -> Calibration:
    """Fit the map from raw scores to the probability that the emitted position is right."""
    from sklearn.isotonic import IsotonicRegression

    from transforms.scorer import Calibration

    right = [
        float(r.label == (2 if contra >= 0.5 else 1)) for r, contra in zip(dataset.rows, scores[:, 1], strict=True)
    ]
    isotonic = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(scores[:, 0], right)
    return Calibration(
        tuple(round(float(x), 6) for x in isotonic.X_thresholds_),
        tuple(round(float(y), 6) for y in isotonic.y_thresholds_),
    )


def predictions(
    dataset: Dataset, confidence: np.ndarray, contra: np.ndarray, threshold: float
) -> dict[str, list[Predicted]]:
    """Return the positions each document would get, selected and pooled as ``extract_positions`` does."""
    scored = []
    for index, (row, c, q) in enumerate(zip(dataset.rows, confidence, contra, strict=True)):
        polarity = "contra" if q >= 0.5 else "pro"
        scored.append(((row.document, row.actor_id, row.topic, polarity), row.sentence_start, float(c), index))
    found: dict[str, list[Predicted]] = {name: [] for name in dataset.gold}
    for index, pooled in select(scored, threshold):
        row = dataset.rows[index]
        polarity = "contra" if contra[index] >= 0.5 else "pro"
        stance = row.stances[1] if polarity == "contra" else row.stances[0]
        found[row.document].append(Predicted(row.actor_id, row.topic, polarity, stance, pooled, row.evidence))
    return found


def score(dataset: Dataset, found: dict[str, list[Predicted]]) -> Score:
    """Score the documents' predicted positions as ``parley eval`` does."""
    result = Score()
    for name, gold in dataset.gold.items():
        score_positions(name, found[name], gold, dataset.names[name], result)
    return result


# F1 differences smaller than this are noise (its standard error on a few hundred positions is ~0.015).
F1_TIE = 0.005


def best_threshold(dataset: Dataset, confidence: np.ndarray, contra: np.ndarray) -> float:
    """Return the confidence threshold for out-of-fold predictions: the best F1, and the most precise of its ties.

    F1 is flat over a wide band of thresholds (more positions found, as many more wrong); where two
    thresholds score the same, an analyst is better served by the one that shows fewer wrong positions.
    Equal predictions (calibrated confidence moves in steps) keep the lowest threshold.
    """
    thresholds = [t / 100 for t in range(5, 95)]
    scores = {t: score(dataset, predictions(dataset, confidence, contra, t)) for t in thresholds}
    best = max(s.f1 for s in scores.values())
    return max((t for t in thresholds if scores[t].f1 >= best - F1_TIE), key=lambda t: (scores[t].precision, -t))


@dataclass
class CrossValidation:
    """Out-of-fold predictions and their score, with the calibration and threshold they imply."""

    score: Score
    calibration: Calibration
    threshold: float


def cross_validate(dataset: Dataset, k: int) -> CrossValidation:
    """Cross-validate by document: calibrate on out-of-fold scores, pick the threshold, score the predictions."""
    raw = out_of_fold(dataset, k)
    calibration = calibrate(dataset, raw)
    confidence = calibration(raw[:, 0])
    threshold = best_threshold(dataset, confidence, raw[:, 1])
    return CrossValidation(
        score(dataset, predictions(dataset, confidence, raw[:, 1], threshold)), calibration, threshold
    )


def data_hash(gold_dirs: Sequence[Path]) -> str:
    """Hash of every gold file the model is trained on (names and contents)."""
    digest = hashlib.sha256()
    for gold_dir in gold_dirs:
        for path in sorted([*gold_dir.glob("*.json"), *gold_dir.glob("*.txt")]):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train(gold_dirs: Sequence[Path], model_dir: Path, k: int = 5) -> dict[str, Any]:
    """Cross-validate, then train on every document and write the model files; return the metadata."""
    import numpy as np

    from transforms.features import FEATURES, POLARITY_FEATURES, VOCABULARIES
    from transforms.report import positions_report
    from transforms.scorer import META, POLARITY_MODEL, POSITION_MODEL, vocabulary_hash

    dataset = build_dataset(gold_dirs)
    validation = cross_validate(dataset, k)
    matrix, labels = dataset.arrays()
    position_model, polarity_model = fit(matrix, labels)
    texts = {
        pattern.format(i): booster.model_to_string()
        for pattern, model in ((POSITION_MODEL, position_model), (POLARITY_MODEL, polarity_model))
        for i, booster in enumerate(model.boosters, start=1)
    }
    gains = np.sum([booster.feature_importance("gain") for booster in position_model.boosters], axis=0)
    report = positions_report(validation.score)
    # Which rows a model emits turns on its threshold, calibration and pooling too, not only on its trees.
    decision = json.dumps(
        [validation.threshold, list(validation.calibration.xs), list(validation.calibration.ys), POOLING]
    )
    fingerprint = hashlib.sha256(("".join(texts.values()) + decision).encode()).hexdigest()[:10]
    meta = {
        "extractor": EXTRACTOR,
        "version": f"{EXTRACTOR}+{fingerprint}",
        "trained_on": dataset.sources,
        "data_hash": data_hash(gold_dirs),
        "candidates": len(dataset.rows),
        "positive_candidates": int((labels > 0).sum()),
        "features": list(FEATURES),
        "polarity_features": list(POLARITY_FEATURES),
        "vocabularies": vocabulary_hash(VOCABULARIES),
        "bag": BAG,
        "params": {"position": PARAMS | {"rounds": ROUNDS}, "polarity": POLARITY_PARAMS | {"rounds": POLARITY_ROUNDS}},
        "threshold": validation.threshold,
        "pooling": POOLING,
        "calibration": {"x": list(validation.calibration.xs), "y": list(validation.calibration.ys)},
        "cross_validation": {"folds": k, "by": "document"}
        | {key: report[key] for key in ("precision", "recall", "f1", "true_positives", "predicted", "gold", "brier")},
        "importance": dict(
            sorted(
                ((name, round(float(gain), 1)) for name, gain in zip(FEATURES, gains, strict=True)),
                key=lambda item: -item[1],
            )[:25]
        ),
    }
    model_dir.mkdir(parents=True, exist_ok=True)
    # A bigger bag trained before, or the one-model files of old, would sit beside the new ones unread.
    for stale in [*model_dir.glob(POSITION_MODEL.format("*")), *model_dir.glob(POLARITY_MODEL.format("*"))]:
        stale.unlink()
    for legacy in ("positions.txt", "polarity.txt"):
        (model_dir / legacy).unlink(missing_ok=True)
    for name, text in texts.items():
        (model_dir / name).write_text(text, encoding="utf-8")
    (model_dir / META).write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta
