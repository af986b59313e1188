"""The trained scorer of candidate positions: two bags of LightGBM models and a calibration, read from data files.

``transforms/models/`` holds ``positions-N.txt`` (is this candidate a position?) and ``polarity-N.txt``
(is it contra? read from the polarity features only), one file per seed of a bag, in LightGBM's text
format, and ``positions.json``: the version, the bag's size, the features' names and vocabularies the
models were trained with, the polarity model's features, the calibration of the confidence, the
decision threshold, the weight that pools an article's sentences (``selection``), the hash of the
training data and the cross-validated figures. ``parley train positions`` rebuilds them all;
nothing here runs code from a file.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import lightgbm
    import numpy as np

MODEL_DIR = Path(__file__).with_name("models")
META = "positions.json"
POSITION_MODEL = "positions-{}.txt"
POLARITY_MODEL = "polarity-{}.txt"


class ModelMismatchError(RuntimeError):
    """The model files do not match this code's features: rebuild them with ``parley train positions``."""


@dataclass(frozen=True)
class Calibration:
    """A monotone map from raw scores to probabilities (isotonic regression, as points to interpolate)."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated probabilities of raw scores."""
        import numpy as np

        if not self.xs:
            return scores
        return np.asarray(np.interp(scores, self.xs, self.ys), dtype=np.float64)


@dataclass(frozen=True)
class Bag:
    """Models trained alike but for their seed: their mean probability.

    On a few thousand candidates one LightGBM model's cross-validated F1 moves by ±0.01 with its seed alone;
    the mean of five is steadier, and scored a little higher on every held-out measure (see the README).
    """

    boosters: tuple[lightgbm.Booster, ...]

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """Return the mean of the models' probabilities for every row.

        One thread: a document's few dozen rows gain nothing from more, and the OpenMP threads LightGBM
        would start spin on after each call, taking the CPU from the spaCy parse of the other tag worker
        (measured: 11.7 articles/s with them, against 13.8 before the bag).
        """
        import numpy as np

        scores = [booster.predict(rows, num_threads=1) for booster in self.boosters]
        return np.asarray(np.mean(scores, axis=0), dtype=np.float64)

    def num_feature(self) -> int:
        """Return how many features the models read."""
        return int(self.boosters[0].num_feature())


@dataclass(frozen=True)
class Scorer:
    """Scores candidate feature vectors: the polarity each one would have and its calibrated confidence."""

    version: str
    features: tuple[str, ...]
    position_model: Bag
    polarity_model: Bag
    polarity_columns: tuple[int, ...]
    calibration: Calibration
    threshold: float
    # How much an article's other sentences add to its best one (``selection``); 0 for models that predate it.
    pooling: float = 0.0

    def score(self, matrix: Sequence[Sequence[float]]) -> list[tuple[str, float]]:
        """Return ``(polarity, confidence)`` for every candidate row."""
        import numpy as np

        if not matrix:
            return []
        rows = np.asarray(matrix, dtype=np.float64)
        raw = raw_scores(self.position_model, self.polarity_model, rows, self.polarity_columns)
        confidence = self.calibration(raw[:, 0])
        return [
            ("contra" if contra >= 0.5 else "pro", float(c)) for c, contra in zip(confidence, raw[:, 1], strict=True)
        ]


def raw_scores(
    position_model: Bag,
    polarity_model: Bag,
    rows: np.ndarray,
    polarity_columns: Sequence[int],
) -> np.ndarray:
    """Per row: the probability of a position with its likelier polarity, and the probability that it is contra."""
    import numpy as np

    exists = np.asarray(position_model.predict(rows), dtype=np.float64)
    contra = np.asarray(polarity_model.predict(rows[:, list(polarity_columns)]), dtype=np.float64)
    return np.column_stack([exists * np.maximum(contra, 1 - contra), contra])


def vocabulary_hash(features: dict[str, tuple[str, ...]]) -> str:
    """Fingerprint of the categorical vocabularies, so a model never reads codes it was not trained with."""
    return hashlib.sha256(json.dumps(features, sort_keys=True).encode()).hexdigest()[:16]


def read_meta(model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    """Return the model's metadata file."""
    data: dict[str, Any] = json.loads((model_dir / META).read_text(encoding="utf-8"))
    return data


def import_lightgbm() -> ModuleType:
    """Import LightGBM without its scikit-learn wrappers: scoring needs only ``Booster``.

    LightGBM imports scikit-learn whenever it is installed: 0.9 of the 3.4 s a tag worker took to start,
    paid by every worker of every run. Training imports scikit-learn itself, for the calibration.
    """
    if "lightgbm" in sys.modules or "sklearn" in sys.modules:
        import lightgbm

        return lightgbm
    sys.modules["sklearn"] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        import lightgbm
    finally:
        del sys.modules["sklearn"]
    return lightgbm


@functools.cache
def load_scorer(model_dir: Path = MODEL_DIR) -> Scorer:
    """Load the models once per process, checking that they were trained with this code's features."""
    lightgbm = import_lightgbm()

    from transforms.features import FEATURES, VOCABULARIES

    meta = read_meta(model_dir)
    names = list(FEATURES)
    polarity = meta.get("polarity_features", [])
    if (
        list(meta["features"]) != names
        or meta["vocabularies"] != vocabulary_hash(VOCABULARIES)
        or not polarity
        or not set(polarity) <= set(names)
    ):
        raise ModelMismatchError(
            f"{model_dir / META} was trained with other features than this code computes; "
            "rebuild it with `parley train positions --gold DIR ...`"
        )
    calibration = Calibration(tuple(meta["calibration"]["x"]), tuple(meta["calibration"]["y"]))

    def bag(pattern: str) -> list[str]:
        return [pattern.format(i) for i in range(1, int(meta.get("bag", 0)) + 1)]

    if not bag(POSITION_MODEL):
        raise ModelMismatchError(
            f"{model_dir / META} names no bag of models (it predates them); "
            "rebuild it with `parley train positions --gold DIR ...`"
        )
    missing = [name for name in bag(POSITION_MODEL) + bag(POLARITY_MODEL) if not (model_dir / name).is_file()]
    if missing:
        raise ModelMismatchError(
            f"{model_dir} lacks model files that {META} names ({', '.join(missing)}); "
            "rebuild it with `parley train positions --gold DIR ...`"
        )
    return Scorer(
        version=str(meta["version"]),
        features=tuple(meta["features"]),
        position_model=Bag(tuple(lightgbm.Booster(model_file=str(model_dir / name)) for name in bag(POSITION_MODEL))),
        polarity_model=Bag(tuple(lightgbm.Booster(model_file=str(model_dir / name)) for name in bag(POLARITY_MODEL))),
        polarity_columns=tuple(names.index(name) for name in polarity),
        calibration=calibration,
        threshold=float(meta["threshold"]),
        pooling=float(meta.get("pooling", 0.0)),
    )
