"""Which scored candidates become positions: one per sentence, and an article's sentences pooled."""

from __future__ import annotations

import pytest

from transforms.selection import pooled, select


def test_a_lone_sentence_keeps_its_own_confidence() -> None:
    assert pooled([0.4]) == [0.4]
    assert pooled([]) == []


def test_the_best_sentence_carries_the_pooled_confidence_and_the_others_their_own() -> None:
    result = pooled([0.3, 0.5, 0.2], pooling=0.5)
    assert result[0] == pytest.approx(1 - 0.5 * (1 - 0.5 * 0.3) * (1 - 0.5 * 0.2))
    assert result[1:] == [0.3, 0.2]


def test_no_pooling_leaves_every_confidence_as_it_was() -> None:
    assert pooled([0.3, 0.5], pooling=0.0) == [0.5, 0.3]


def test_sentences_that_each_fall_short_together_make_a_position() -> None:
    scored = [("russia-ceasefire-contra", sentence, 0.3, f"s{sentence}") for sentence in (1, 2, 3)]
    assert select(scored, threshold=0.35, pooling=0.0) == []
    kept = select(scored, threshold=0.35, pooling=0.5)
    assert [item for item, _ in kept] == ["s1"]
    assert kept[0][1] == pytest.approx(1 - 0.7 * 0.85 * 0.85)


def test_other_groups_and_the_same_sentence_add_nothing() -> None:
    scored = [
        ("russia-ceasefire-contra", 1, 0.3, "best"),
        ("russia-ceasefire-contra", 1, 0.25, "same sentence"),
        ("ukraine-ceasefire-pro", 2, 0.3, "other group"),
    ]
    kept = select(scored, threshold=0.3, pooling=1.0)
    assert sorted(kept) == [("best", 0.3), ("other group", 0.3)]
