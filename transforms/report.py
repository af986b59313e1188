"""The detailed positions report of ``parley eval positions``: by topic, by stance, confusions, calibration."""

from __future__ import annotations

from collections import Counter
from typing import Any

from transforms.evaluation import Predicted, Score

RELIABILITY_BINS = 10


def positions_report(score: Score) -> dict[str, Any]:
    """Every figure of a positions score, as ``parley eval positions --json`` prints it."""
    return (
        score.headline()
        | {
            "by_topic": by_key(score, "topic"),
            "by_stance": by_stance(score),
            "polarity_confusion": polarity_confusion(score),
            "reliability": reliability(score),
            "brier": brier(score),
        }
        | {"misses": score.misses, "false_positives": score.false_positives}
    )


def _prf(matched: int, predicted: int, gold: int) -> dict[str, Any]:
    precision = matched / predicted if predicted else 0.0
    recall = matched / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "gold": gold,
        "predicted": predicted,
        "matched": matched,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def by_key(score: Score, key: str) -> dict[str, dict[str, Any]]:
    """Precision, recall and F1 per value of a gold field (topic)."""
    gold = Counter(m[key] for m in score.misses) + Counter(g[key] for _, g in score.matched)
    predicted = Counter(getattr(p, key) for p in score.unmatched) + Counter(getattr(p, key) for p, _ in score.matched)
    matched = Counter(g[key] for _, g in score.matched)
    return {k: _prf(matched[k], predicted[k], gold[k]) for k in sorted(set(gold) | set(predicted))}


def by_stance(score: Score) -> dict[str, dict[str, Any]]:
    """Recall per gold stance, precision per predicted stance, and how often a matched stance agrees."""
    gold = Counter(m["stance"] for m in score.misses) + Counter(g["stance"] for _, g in score.matched)
    predicted = Counter(p.stance for p in score.unmatched) + Counter(p.stance for p, _ in score.matched)
    found = Counter(g["stance"] for _, g in score.matched)
    right = Counter(p.stance for p, g in score.matched if p.stance == g["stance"])
    rows = {}
    for stance in sorted(set(gold) | set(predicted)):
        kept = sum(1 for p, _ in score.matched if p.stance == stance)
        rows[stance] = {
            "gold": gold[stance],
            "recall": round(found[stance] / gold[stance], 4) if gold[stance] else 0.0,
            "predicted": predicted[stance],
            "precision": round(kept / predicted[stance], 4) if predicted[stance] else 0.0,
            "stance_agrees": right[stance],
        }
    return rows


def polarity_confusion(score: Score) -> dict[str, int]:
    """Gold polarity against predicted polarity, where the prediction names the gold's actor and topic.

    Matched items are on the diagonal; a gold item missed while the same actor and topic were predicted
    with the other polarity is a confusion.
    """
    counts = Counter(f"{g['polarity']}->{p.polarity}" for p, g in score.matched)
    wrong = Counter((p.actor_id, p.topic, p.polarity) for p in score.unmatched)
    for miss in score.misses:
        other = "contra" if miss["polarity"] == "pro" else "pro"
        key = (miss["actor"], miss["topic"], other)
        if wrong[key]:
            wrong[key] -= 1
            counts[f"{miss['polarity']}->{other}"] += 1
    return {k: counts[k] for k in ("pro->pro", "pro->contra", "contra->contra", "contra->pro")}


def reliability(score: Score) -> list[dict[str, Any]]:
    """For predictions by confidence band: how many, their mean confidence, and the share that matched gold."""
    items: list[tuple[Predicted, bool]] = [(p, True) for p, _ in score.matched] + [(p, False) for p in score.unmatched]
    rows = []
    for band in range(RELIABILITY_BINS):
        low, high = band / RELIABILITY_BINS, (band + 1) / RELIABILITY_BINS
        inside = [(p, ok) for p, ok in items if low <= p.confidence < high or (high == 1.0 and p.confidence == 1.0)]
        if inside:
            rows.append(
                {
                    "confidence": f"{low:.1f}-{high:.1f}",
                    "predictions": len(inside),
                    "mean_confidence": round(sum(p.confidence for p, _ in inside) / len(inside), 4),
                    "matched_share": round(sum(ok for _, ok in inside) / len(inside), 4),
                }
            )
    return rows


def brier(score: Score) -> float | None:
    """Mean squared gap between each prediction's confidence and whether it matched gold (0 is perfect)."""
    items = [(p.confidence, 1.0) for p, _ in score.matched] + [(p.confidence, 0.0) for p in score.unmatched]
    return round(sum((c - ok) ** 2 for c, ok in items) / len(items), 4) if items else None


def format_report(report: dict[str, Any], title: str) -> str:
    """Render the report for people."""
    lines = [
        f"{title}: precision {report['precision']:.3f}  recall {report['recall']:.3f}  f1 {report['f1']:.3f}  "
        f"({report['true_positives']} matched, {report['predicted']} predicted, {report['gold']} gold, "
        f"{report['documents']} documents)"
    ]
    lines.append("by topic:      gold  pred match    P     R     F1")
    for topic, row in report["by_topic"].items():
        lines.append(
            f"  {topic:24s}{row['gold']:5d}{row['predicted']:6d}{row['matched']:6d} "
            f"{row['precision']:5.2f} {row['recall']:5.2f} {row['f1']:5.2f}"
        )
    lines.append("by stance:     gold recall  pred precision  stance agrees")
    for stance, row in report["by_stance"].items():
        lines.append(
            f"  {stance:12s}{row['gold']:5d} {row['recall']:6.2f}{row['predicted']:6d} {row['precision']:9.2f}"
            f"{row['stance_agrees']:10d}"
        )
    confusion = report["polarity_confusion"]
    lines.append("polarity (gold->predicted): " + "  ".join(f"{k} {v}" for k, v in confusion.items()))
    lines.append(f"calibration: Brier {report['brier']}")
    lines += [
        f"  {row['confidence']}: {row['predictions']:4d} predictions, mean confidence {row['mean_confidence']:.2f}, "
        f"matched {row['matched_share']:.2f}"
        for row in report["reliability"]
    ]
    return "\n".join(lines)
