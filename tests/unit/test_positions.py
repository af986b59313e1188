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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A control verb hands its negation to the cue it governs.
        ("Erdogan never intended to accept a summit with both leaders.", ("Q39259", "contra", "leaders_meeting")),
        # "did not rule out joining": the negated cue carries the negation alone.
        ("Macron did not rule out joining the talks himself.", ("Q3052772", "pro", "direct_talks")),
        # An analyst expecting the opposite negates the verb.
        ("Moscow is unlikely to accept an unconditional ceasefire.", ("Q159", "contra", "ceasefire")),
        # The framed object holds the position.
        ("The chancellor is framing Ukraine as ready to negotiate.", ("Q212", "pro", "direct_talks")),
        # Whoever sets a penalty for rejecting something wants it.
        ("Macron urged new sanctions should Moscow reject the truce.", ("Q3052772", "pro", "ceasefire")),
        # The threat of "will face" belongs to the speaker, not its target.
        ("Starmer warned that Russia will face new sanctions.", ("keir_starmer", "pro", "sanctions")),
        # A subject pronoun takes an earlier subject of the same sentence.
        ("Erdogan spoke first: he said he would be willing to host the talks.", ("Q39259", "pro", "direct_talks")),
        # A possessive takes the nearest compatible actor before it.
        ("Western leaders urged Kyiv to lift its ban on negotiations.", ("Q212", "contra", "direct_talks")),
    ],
)
def test_syntax_decides_holder_and_polarity(text: str, expected: tuple[str, str, str]) -> None:
    found = _positions(text)
    assert any((a, p, t) == expected for a, _, t, p in found), found


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("What does the Kremlin really want from the talks?", "Q159"),
        ("Russia and Ukraine resumed direct talks in Geneva on Monday.", "Q159"),
        ("The Kremlin ignored the proposed ceasefire.", None),
        ("Zelensky thanked the allies for their Western support.", "the_west"),
    ],
)
def test_questions_events_and_agentless_cues_hold_no_position(text: str, absent: str | None) -> None:
    found = _positions(text)
    if absent is None:
        assert not any(s == "proposes" for _, s, _, _ in found), found
    else:
        assert not any(a == absent and s != "rejects" for a, s, _, _ in found), found


def test_evidence_leaves_out_a_list_bullet() -> None:
    text = "Key points\n\n• Kyiv demands security guarantees before any deal."
    ((_, _, positions),) = list(analyze([("t", text)]))
    assert positions and all(p.evidence.startswith("Kyiv demands") for p in positions)


def test_a_condition_clause_is_kept_with_the_position() -> None:
    text = "Kyiv is ready to negotiate once a ceasefire holds for thirty days."
    ((_, _, positions),) = list(analyze([("t", text)]))
    talks = [p for p in positions if p.actor_id == "Q212" and p.topic == "direct_talks"]
    assert talks and talks[0].conditions == "once a ceasefire holds for thirty days", positions
