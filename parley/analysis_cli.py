"""``parley tag`` and ``parley eval``: run the tagging code of the DAG on files, and score it on gold."""

from __future__ import annotations

import json
import sys
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

    from parley.checks import read_text_file
    from transforms.actors import load_kb
    from transforms.analysis import analyze

    text = read_text_file(path)
    kb = load_kb()
    entities = []
    ((_, mentions, positions),) = analyze([(path.stem, text, None)])
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
        f"  {p['actor_id']} {p['stance']} {p['topic']} ({p['polarity']}, {p['attribution']}, "
        f"confidence {p['confidence']:.2f}): {p['evidence']}"
        for p in result["positions"]
    ]
    return "\n".join(lines)


def run_eval(kind: str, gold_dirs: list[Path], *, cv: int | None, as_json: bool, model: Path | None = None) -> int:
    """``parley eval``: score entities or positions on gold folders (positions also cross-validated)."""
    from transforms import evaluation
    from transforms.report import format_report, positions_report
    from transforms.scorer import ModelMismatchError

    missing = [d for d in gold_dirs if not d.is_dir()]
    if missing:
        print(f"parley eval: no such folder {missing[0]}", file=sys.stderr)
        return 2
    if cv is not None and (kind != "positions" or cv < 2):
        print("parley eval: --cv K takes K >= 2 and scores positions only", file=sys.stderr)
        return 2
    try:
        if kind == "entities":
            result = (
                evaluation.evaluate_entities(gold_dirs[0]).as_dict() if len(gold_dirs) == 1 else _entities(gold_dirs)
            )
        elif cv is not None:
            from transforms.training import build_dataset, cross_validate

            result = positions_report(cross_validate(build_dataset(gold_dirs), cv).score) | {"cv": cv}
        else:
            result = positions_report(evaluation.evaluate_positions(gold_dirs, model))
    except (FileNotFoundError, ValueError, ModelMismatchError) as exc:
        print(f"parley eval: {exc}", file=sys.stderr)
        return 2
    if as_json:
        print(json.dumps(result, ensure_ascii=False))
    elif kind == "positions":
        title = f"positions, cross-validated over {cv} folds of documents" if cv else "positions"
        print(format_report(result, title))
        print(format_items(result))
    else:
        print(format_score(kind, result))
    return 0


def _entities(gold_dirs: list[Path]) -> dict[str, Any]:
    from transforms import evaluation

    total = evaluation.Score()
    for gold_dir in gold_dirs:
        part = evaluation.evaluate_entities(gold_dir)
        total.documents += part.documents
        total.true_positives += part.true_positives
        total.predicted += part.predicted
        total.gold += part.gold
        total.misses += part.misses
        total.false_positives += part.false_positives
    return total.as_dict()


def run_train(gold_dirs: list[Path], *, folds: int, out: Path | None) -> int:
    """``parley train positions``: cross-validate, train on every document, write the model files."""
    from transforms.scorer import MODEL_DIR
    from transforms.training import train

    missing = [d for d in gold_dirs if not d.is_dir()]
    if missing or folds < 2:
        print(
            f"parley train: {'no such folder ' + str(missing[0]) if missing else '--cv K takes K >= 2'}",
            file=sys.stderr,
        )
        return 2
    try:
        meta = train(gold_dirs, out or MODEL_DIR, folds)
    except (FileNotFoundError, ValueError) as exc:
        print(f"parley train: {exc}", file=sys.stderr)
        return 2
    validation = meta["cross_validation"]
    print(
        f"trained {meta['version']} on {', '.join(meta['trained_on'])}: {meta['candidates']} candidates, "
        f"{meta['positive_candidates']} positions\n"
        f"cross-validated ({folds} folds by document): precision {validation['precision']:.3f}  "
        f"recall {validation['recall']:.3f}  f1 {validation['f1']:.3f}  Brier {validation['brier']}; "
        f"threshold {meta['threshold']:.2f}\nwritten to {out or MODEL_DIR}"
    )
    return 0


def format_items(score: dict[str, Any]) -> str:
    """Return the misses and unexpected items, a line each."""
    lines = [f"  missed     {json.dumps(m, ensure_ascii=False)}" for m in score["misses"]]
    lines += [f"  unexpected {json.dumps(m, ensure_ascii=False)}" for m in score["false_positives"]]
    return "\n".join(lines)


def format_score(kind: str, score: dict[str, Any]) -> str:
    """Render an entities score for people."""
    lines = [
        f"{kind}: precision {score['precision']:.3f}  recall {score['recall']:.3f}  f1 {score['f1']:.3f}  "
        f"({score['true_positives']} matched, {score['predicted']} predicted, {score['gold']} gold, "
        f"{score['documents']} documents)"
    ]
    return "\n".join([*lines, format_items(score)])
