"""The position rules on sentences written for the rules (no seed sentence appears here)."""

from __future__ import annotations

import pytest

from transforms.analysis import analyze
from transforms.lexicon import load_taxonomy


def _positions(text: str) -> set[tuple[str, str, str, str]]:
    ((_, _, positions),) = list(analyze([("t", text)]))
    for p in positions:
        assert text[p.start_char : p.end_char] == p.evidence
    return {(p.actor_id, p.stance, p.topic, p.polarity) for p in positions}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moscow rejected the truce offered by the Europeans.", ("Q159", "rejects", "ceasefire", "contra")),
        ("Kyiv demands security guarantees from its allies.", ("Q212", "demands", "security_guarantees", "pro")),
        (
            "The Kremlin’s proposal of a prisoner swap surprised the mediators.",
            ("Q159", "proposes", "pow_exchange", "pro"),
        ),
        (
            "Zelensky is not prepared to discuss territorial concessions.",
            ("Q3881739", "refuses", "territory", "contra"),
        ),
        ("Russia demands an end to arms deliveries to Ukraine.", ("Q159", "opposes", "military_aid", "contra")),
        ("Washington said it would not rule out new sanctions.", ("Q30", "offers", "sanctions", "pro")),
    ],
)
def test_stance_actor_topic_and_polarity(text: str, expected: tuple[str, str, str, str]) -> None:
    found = _positions(text)
    assert any((a, t, p) == (expected[0], expected[2], expected[3]) for a, _, t, p in found), found


def test_a_pronoun_takes_the_previous_actor() -> None:
    found = _positions("Erdogan spoke to reporters in Ankara. He offered to host talks between the two sides.")
    assert any(a == "Q39259" and t in {"direct_talks", "mediation"} for a, _, t, _ in found), found


def test_sentences_without_a_stance_give_nothing() -> None:
    assert _positions("The talks in Istanbul lasted two hours on Friday.") == set()


def test_every_position_uses_the_taxonomy() -> None:
    taxonomy = load_taxonomy()
    text = (
        "Putin proposed direct talks in Istanbul. Kyiv insists on a ceasefire first and rejects any "
        "recognition of the annexations. The EU threatens new sanctions."
    )
    found = _positions(text)
    assert found
    for _, stance, topic, polarity in found:
        assert stance in taxonomy.polarity and topic in taxonomy.topics and polarity in {"pro", "contra"}


def test_parallel_analysis_gives_the_serial_result() -> None:
    from bench.corpus import generated_articles
    from transforms.analysis import analyze_parallel

    texts = [(a.slug, "\n\n".join(a.paragraphs)) for a in generated_articles(36)]
    assert list(analyze_parallel(texts, workers=2, chunk_size=8)) == list(analyze(texts))
