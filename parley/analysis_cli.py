"""``parley tag`` and ``parley eval``: run the tagging code of the DAG on files, and score it on gold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

UNLINKED_TYPES = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "organisation",
    "NORP": "group",
    "EVENT": "event",
    "LAW": "law",
}


def tag_file(path: Path) -> dict[str, Any]:
    """Return the entities (and positions) found in a text file, as ``parley tag --json`` prints them."""
    from dataclasses import asdict

    from transforms.actors import load_kb
    from transforms.analysis import analyze

    text = path.read_text(encoding="utf-8")
    kb = load_kb()
    entities = []
    ((_, mentions, positions),) = analyze([(path.stem, text)])
    for m in mentions:
        actor = kb.actors.get(m.entity_id or "")
        kind = actor.type if actor else ("person" if m.entity_id else UNLINKED_TYPES.get(m.label, "other"))
        entities.append(
            {
                "id": m.entity_id,
                "name": actor.name if actor else m.normalized,
                "type": kind,
                "label": m.label,
                "text": m.surface,
                "start": m.start_char,
                "end": m.end_char,
            }
        )
    found = [
        {k: v for k, v in asdict(p).items() if k not in {"position_id", "article_id"}}
        | {"actor_name": kb.actors[p.actor_id].name if p.actor_id in kb.actors else p.actor_id}
        for p in positions
    ]
    return {"file": str(path), "entities": entities, "positions": found}


def format_tagged(result: dict[str, Any]) -> str:
    """Render tagging results for people: actors with their mentions, then other entities."""
    actors: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    others = []
    for e in result["entities"]:
        if e["id"]:
            actors.setdefault(e["id"], []).append(e["text"])
            names[e["id"]] = f"{e['name']} ({e['type']}, {e['id']})"
        else:
            others.append(f"{e['text']} [{e['label']}]")
    lines = [f"actors ({len(actors)}):"]
    lines += [f"  {names[i]}: {', '.join(sorted(set(forms)))}" for i, forms in actors.items()]
    lines.append(f"other entities ({len(others)}): {', '.join(sorted(set(others)))}")
    lines.append(f"positions ({len(result['positions'])}):")
    lines += [
        f"  {p['actor_id']} {p['stance']} {p['topic']} ({p['polarity']}, {p['attribution']}): {p['evidence']}"
        for p in result["positions"]
    ]
    return "\n".join(lines)


def evaluate(kind: str, gold_dir: Path) -> dict[str, Any]:
    """Score entities or positions on a gold folder."""
    from transforms import evaluation

    score = evaluation.evaluate_entities(gold_dir) if kind == "entities" else evaluation.evaluate_positions(gold_dir)
    return score.as_dict()


def format_score(kind: str, score: dict[str, Any]) -> str:
    """Render a score for people."""
    lines = [
        f"{kind}: precision {score['precision']:.3f}  recall {score['recall']:.3f}  f1 {score['f1']:.3f}  "
        f"({score['true_positives']} matched, {score['predicted']} predicted, {score['gold']} gold, "
        f"{score['documents']} documents)"
    ]
    lines += [f"  missed     {json.dumps(m, ensure_ascii=False)}" for m in score["misses"]]
    lines += [f"  unexpected {json.dumps(m, ensure_ascii=False)}" for m in score["false_positives"]]
    return "\n".join(lines)
