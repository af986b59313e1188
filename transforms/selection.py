"""Which scored candidates become positions, and the confidence each one carries.

A position is matched to an article's gold on (actor, topic, polarity), not on its sentence, and an
analyst asks the same question: does this article give Moscow a stance against a ceasefire? Several
sentences that each hint at it make it likelier than any one of them does. So the best sentence of
each (actor, topic, polarity) carries the pooled confidence of all of them,
``1 - (1 - p1) * prod(1 - POOLING * p)`` over the others, and every other sentence keeps its own.
The weight stays well below 1 because one article's sentences are not independent evidence (the
lead's echo in the last paragraph repeats it rather than confirms it); see the README for the
cross-validated figures that chose it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

Item = TypeVar("Item")

POOLING = 0.3


def pooled(confidences: list[float], pooling: float = POOLING) -> list[float]:
    """Return the confidences of one (actor, topic, polarity)'s sentences, best first, the first pooled."""
    ordered = sorted(confidences, reverse=True)
    if not ordered:
        return []
    rest = 1.0
    for p in ordered[1:]:
        rest *= 1.0 - pooling * p
    # Written so that a lone sentence keeps its confidence exactly, not to within a rounding error.
    return [ordered[0] + (1.0 - ordered[0]) * (1.0 - rest), *ordered[1:]]


def select(
    scored: Iterable[tuple[Hashable, Hashable, float, Item]], threshold: float, pooling: float = POOLING
) -> list[tuple[Item, float]]:
    """Keep the items whose confidence, pooled per group, reaches ``threshold``: one per (group, sentence).

    ``scored`` holds (group, sentence, confidence, item); a group is one (actor, topic, polarity) of one
    article. Among items of the same group and sentence only the most confident counts.
    """
    best: dict[Hashable, dict[Hashable, tuple[float, Item]]] = {}
    for group, sentence, confidence, item in scored:
        sentences = best.setdefault(group, {})
        if sentence not in sentences or sentences[sentence][0] < confidence:
            sentences[sentence] = (confidence, item)
    kept: list[tuple[Item, float]] = []
    for sentences in best.values():
        ranked = sorted(sentences.values(), key=lambda pair: -pair[0])
        for (_, item), confidence in zip(ranked, pooled([c for c, _ in ranked], pooling), strict=True):
            if confidence >= threshold:
                kept.append((item, confidence))
    return kept
