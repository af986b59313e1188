"""Score the pipeline against gold files (``NAME.txt`` + ``NAME.json``, the format of ``shared/gold``).

Entities: per document, the set of canonical actors; a prediction matches a gold actor when the ids
are equal or the canonical names are, after lower-casing and removing accents and punctuation, one
name in two romanisations (``actors.spelling_key``: "Vasily Nebenzya" is "Vassily Nebenzia"), or the
gold's name is one the knowledge base knows the predicted actor by.
Positions: a prediction matches an unmatched gold position of the same document when actor, topic
and polarity agree (each gold position matched once). Precision, recall and F1 are micro-averaged.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transforms.actors import load_kb, spelling_key


@dataclass(frozen=True)
class Predicted:
    """One predicted position as the scoring sees it."""

    actor_id: str
    topic: str
    polarity: str
    stance: str = ""
    confidence: float = 1.0
    evidence: str = ""


@dataclass
class Score:
    """Micro-averaged counts and the items that did not match, per document."""

    documents: int = 0
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    matched: list[tuple[Predicted, dict[str, Any]]] = field(default_factory=list)
    unmatched: list[Predicted] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of predictions that match gold."""
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Share of gold items predicted."""
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def headline(self) -> dict[str, Any]:
        """Return the overall figures."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "documents": self.documents,
            "true_positives": self.true_positives,
            "predicted": self.predicted,
            "gold": self.gold,
        }

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON object ``parley eval --json`` prints."""
        return self.headline() | {"misses": self.misses, "false_positives": self.false_positives}


def gold_documents(gold_dir: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """Read ``(name, text, annotation)`` for every ``NAME.json`` with its ``NAME.txt``."""
    documents = []
    for path in sorted(gold_dir.glob("*.json")):
        text_path = path.with_suffix(".txt")
        if not text_path.exists():
            continue
        text, annotation = _read(text_path, str), _read(path, json.loads)
        _check_annotation(path, annotation)
        documents.append((path.stem, text, annotation))
    if not documents:
        raise FileNotFoundError(f"no NAME.txt + NAME.json pairs in {gold_dir}")
    return documents


def _read(path: Path, parse: Callable[[str], Any]) -> Any:
    """Read a gold file; one that is not UTF-8, or not JSON, is named in the error, as a reader of hundreds needs."""
    try:
        return parse(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def _check_annotation(path: Path, annotation: Any) -> None:
    """Refuse an annotation the scorers cannot read, naming the file and the item (not a KeyError later)."""
    if not isinstance(annotation, dict):
        raise ValueError(f"{path}: the annotation is a {type(annotation).__name__}, not an object")
    for part, needed in (("actors", ("id", "name")), ("positions", ("actor", "topic", "stance", "evidence"))):
        items = annotation.get(part, [])
        if not isinstance(items, list):
            raise ValueError(f"{path}: {part} is not a list")
        for index, item in enumerate(items):
            lacking = [k for k in needed if not isinstance(item, dict) or not isinstance(item.get(k), str)]
            if lacking:
                raise ValueError(f"{path}: {part}[{index}] has no {', '.join(lacking)}")


def same_actor(pred_id: str, pred_name: str, gold_id: str, gold_name: str) -> bool:
    """Tell whether a predicted actor is the gold actor: same id, same name in any romanisation, or a known alias."""
    if pred_id == gold_id:
        return True
    if not gold_name:
        return False
    gold_key = spelling_key(gold_name)
    return (bool(pred_name) and spelling_key(pred_name) == gold_key) or gold_key in load_kb().spellings.get(pred_id, ())


def score_entities(document: str, predicted: dict[str, str], gold: dict[str, str], score: Score) -> None:
    """Add one document's actor sets (``id -> canonical name``) to the score."""
    unmatched = dict(predicted)
    for gold_id, gold_name in gold.items():
        hit = next((pid for pid, pname in unmatched.items() if same_actor(pid, pname, gold_id, gold_name)), None)
        if hit is None:
            score.misses.append({"doc": document, "id": gold_id, "name": gold_name})
        else:
            del unmatched[hit]
            score.true_positives += 1
    score.false_positives += [{"doc": document, "id": pid, "name": pname} for pid, pname in unmatched.items()]
    score.documents += 1
    score.predicted += len(predicted)
    score.gold += len(gold)


def evaluate_entities(gold_dir: Path) -> Score:
    """Tag every gold text and score its canonical actors."""
    from transforms.entities import extract_entities

    score = Score()
    documents = gold_documents(gold_dir)
    mentions_by_doc: dict[str, dict[str, str]] = {name: {} for name, _, _ in documents}
    for mention in extract_entities((name, text) for name, text, _ in documents):
        if mention.entity_id:
            mentions_by_doc[mention.article_id].setdefault(mention.entity_id, mention.normalized)
    for name, _, annotation in documents:
        gold = {a["id"]: a["name"] for a in annotation.get("actors", [])}
        score_entities(name, mentions_by_doc[name], gold, score)
    return score


def gold_positions(annotation: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the annotation's positions, each with its polarity (from the stance where the file gives none)."""
    from transforms.cues import stance_polarity

    return [
        dict(g, polarity=g.get("polarity") or stance_polarity(g["stance"])) for g in annotation.get("positions", [])
    ]


def score_positions(
    document: str, predicted: list[Predicted], gold: list[dict[str, Any]], names: dict[str, str], score: Score
) -> None:
    """Add one document's positions: predictions against gold items on (actor, topic, polarity)."""
    unmatched = list(gold)
    for item in sorted(predicted, key=lambda p: -p.confidence):
        hit = next(
            (
                g
                for g in unmatched
                if g["topic"] == item.topic
                and g["polarity"] == item.polarity
                and same_actor(item.actor_id, names.get(item.actor_id, ""), g["actor"], names.get(g["actor"], ""))
            ),
            None,
        )
        if hit is None:
            score.unmatched.append(item)
            score.false_positives.append(
                {"doc": document, "actor": item.actor_id, "topic": item.topic, "polarity": item.polarity}
                | ({"stance": item.stance} if item.stance else {})
                | {"confidence": round(item.confidence, 4)}
                | ({"evidence": item.evidence} if item.evidence else {})
            )
        else:
            unmatched.remove(hit)
            score.matched.append((item, hit))
            score.true_positives += 1
    score.misses += [
        {
            "doc": document,
            "actor": g["actor"],
            "stance": g["stance"],
            "topic": g["topic"],
            "polarity": g["polarity"],
            "evidence": g["evidence"],
        }
        for g in unmatched
    ]
    score.documents += 1
    score.predicted += len(predicted)
    score.gold += len(gold)


def names_of(annotation: dict[str, Any], found: dict[str, str]) -> dict[str, str]:
    """Canonical names for matching: the knowledge base's, the document's own actors', the gold's."""
    names = found | {a.actor_id: a.name for a in load_kb().actors.values()}
    return names | {a["id"]: a["name"] for a in annotation.get("actors", [])}


def evaluate_positions(gold_dirs: list[Path], model_dir: Path | None = None) -> Score:
    """Analyse every gold text with the pipeline's extractor (the shipped model, or ``model_dir``'s) and score it."""
    from transforms.analysis import analyze
    from transforms.scorer import load_scorer
    from transforms.training import document_date

    score = Score()
    documents = [d for gold_dir in gold_dirs for d in gold_documents(gold_dir)]
    items = [(name, text, document_date(annotation)) for name, text, annotation in documents]
    scorer = load_scorer(model_dir) if model_dir is not None else None
    results = {article_id: (mentions, positions) for article_id, mentions, positions in analyze(items, scorer=scorer)}
    for name, _, annotation in documents:
        mentions, positions = results[name]
        found = {m.entity_id: m.normalized for m in mentions if m.entity_id}
        predicted = [Predicted(p.actor_id, p.topic, p.polarity, p.stance, p.confidence, p.evidence) for p in positions]
        score_positions(name, predicted, gold_positions(annotation), names_of(annotation, found), score)
    return score
