"""Score the pipeline against gold files (``NAME.txt`` + ``NAME.json``, the format of ``shared/gold``).

Entities: per document, the set of canonical actors; a prediction matches a gold actor when the ids
are equal or the canonical names are equal after lower-casing and removing accents and punctuation.
Positions: a prediction matches an unmatched gold position of the same document when actor, topic
and polarity agree (each gold position matched once). Precision, recall and F1 are micro-averaged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transforms.actors import name_key


@dataclass
class Score:
    """Micro-averaged counts and the items that did not match, per document."""

    documents: int = 0
    true_positives: int = 0
    predicted: int = 0
    gold: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)

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

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON object ``parley eval --json`` prints."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "documents": self.documents,
            "true_positives": self.true_positives,
            "predicted": self.predicted,
            "gold": self.gold,
            "misses": self.misses,
            "false_positives": self.false_positives,
        }


def gold_documents(gold_dir: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """Read ``(name, text, annotation)`` for every ``NAME.json`` with its ``NAME.txt``."""
    documents = []
    for path in sorted(gold_dir.glob("*.json")):
        text_path = path.with_suffix(".txt")
        if not text_path.exists():
            continue
        documents.append((path.stem, text_path.read_text(encoding="utf-8"), json.loads(path.read_text("utf-8"))))
    if not documents:
        raise FileNotFoundError(f"no NAME.txt + NAME.json pairs in {gold_dir}")
    return documents


def same_actor(pred_id: str, pred_name: str, gold_id: str, gold_name: str) -> bool:
    """Tell whether a predicted actor is the gold actor (same id, or same normalised name)."""
    return pred_id == gold_id or (bool(pred_name) and name_key(pred_name) == name_key(gold_name))


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


def score_positions(
    document: str,
    predicted: list[tuple[str, str, str]],
    gold: list[dict[str, Any]],
    names: dict[str, str],
    score: Score,
) -> None:
    """Add one document's positions: ``(actor, topic, polarity)`` predictions against gold items."""
    unmatched = list(gold)
    for actor, topic, polarity in predicted:
        hit = next(
            (
                g
                for g in unmatched
                if g["topic"] == topic
                and g["polarity"] == polarity
                and same_actor(actor, names.get(actor, ""), g["actor"], names.get(g["actor"], ""))
            ),
            None,
        )
        if hit is None:
            score.false_positives.append({"doc": document, "actor": actor, "topic": topic, "polarity": polarity})
        else:
            unmatched.remove(hit)
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


def evaluate_positions(gold_dir: Path) -> Score:
    """Analyse every gold text and score its positions on (actor, topic, polarity)."""
    from transforms.actors import load_kb
    from transforms.analysis import analyze

    kb = load_kb()
    score = Score()
    documents = gold_documents(gold_dir)
    results = {aid: positions for aid, _, positions in analyze((name, text) for name, text, _ in documents)}
    for name, _, annotation in documents:
        names = {a.actor_id: a.name for a in kb.actors.values()}
        names |= {a["id"]: a["name"] for a in annotation.get("actors", [])}
        predicted = [(p.actor_id, p.topic, p.polarity) for p in results[name]]
        gold = [dict(g, polarity=g.get("polarity") or _polarity(g["stance"])) for g in annotation.get("positions", [])]
        score_positions(name, predicted, gold, names, score)
    return score


def _polarity(stance: str) -> str:
    from transforms.lexicon import load_taxonomy

    value = load_taxonomy().polarity.get(stance, "pro")
    return "pro" if value == "by_topic" else value
