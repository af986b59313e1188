"""The positions extractor end to end (candidates, features, the shipped scorer) on sentences written here.

The sentences are plain statements of a stance, each of a kind the annotation rules settle; a test
names the actor, stance, topic and polarity it expects, so a regression in any of them shows.
"""

from __future__ import annotations

from datetime import date

import pytest

from transforms.analysis import analyze
from transforms.candidates import Candidate, DocumentCandidates
from transforms.cues import load_taxonomy

Found = set[tuple[str, str, str, str]]
DAY = date(2025, 6, 1)


def _positions(text: str, day: date | None = None) -> Found:
    ((_, _, positions),) = list(analyze([("t", text, day)]))
    for p in positions:
        assert text[p.start_char : p.end_char] == p.evidence
        assert 0.0 <= p.confidence <= 1.0
    return {(p.actor_id, p.stance, p.topic, p.polarity) for p in positions}


def _candidates(text: str) -> list[Candidate]:
    """Every candidate the extractor generates for a text dated 1 June 2025, before any scoring."""
    return _generated(text).candidates


def _generated(text: str) -> DocumentCandidates:
    """What the extractor generates for a text dated 1 June 2025: its candidates and their context."""
    from transforms.actors import load_kb
    from transforms.candidates import generate
    from transforms.entities import link_mentions, load_nlp, tagger_name

    kb = load_kb()
    doc = load_nlp()(text)
    return generate(doc, list(link_mentions(doc, "t", kb, tagger_name())), kb, DAY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moscow rejected the truce offered by the Europeans.", ("Q159", "rejects", "ceasefire", "contra")),
        ("Kyiv demands security guarantees from its allies.", ("Q212", "demands", "security_guarantees", "pro")),
        ("Zelensky proposed a prisoner swap to the Kremlin.", ("Q3881739", "proposes", "pow_exchange", "pro")),
        ("Russia demands an end to arms deliveries to Ukraine.", ("Q159", "opposes", "military_aid", "contra")),
        ("Kyiv firmly refuses to discuss territorial concessions.", ("Q212", "refuses", "territory", "contra")),
        ("Turkey is ready to host the next round of talks.", ("Q43", "offers", "mediation", "pro")),
        ("The EU threatened Russia with new sanctions.", ("Q458", "threatens", "sanctions", "pro")),
    ],
)
def test_a_plain_stance_gives_actor_stance_topic_and_polarity(text: str, expected: tuple[str, str, str, str]) -> None:
    assert expected in _positions(text)


@pytest.mark.parametrize(
    ("text", "actor", "topic", "polarity"),
    [
        # A negated stance word turns the polarity.
        ("Kyiv will not accept a ceasefire on these terms.", "Q212", "ceasefire", "contra"),
        # A reversal after the stance word: the holder wants the topic's outcome stopped.
        ("Moscow called for lifting the sanctions on its banks.", "Q159", "sanctions", "contra"),
        # Each member of a coordinated list holds the position.
        ("France and Germany demanded an unconditional ceasefire.", "Q183", "ceasefire", "pro"),
        # A role phrase is the person who held the office on the article's date.
        ("The Russian president rejected a ceasefire in Kherson.", "Q7747", "ceasefire", "contra"),
        # "little reason to" denies as "no reason to" does ("a little" does not)
        ("Moscow sees little reason to accept a ceasefire now.", "Q159", "ceasefire", "contra"),
        ("Kyiv has shown a little flexibility and could accept a ceasefire.", "Q212", "ceasefire", "pro"),
        # giving up land is the territorial change itself: refusing to is against it
        ("Zelensky said Ukraine would never give up Donbas.", "Q3881739", "territory", "contra"),
        ("Kyiv cannot give up the territory it still holds.", "Q212", "territory", "contra"),
        # pulling troops back is the territorial change, not a threat to leave
        ("Moscow demanded that Kyiv pull back its troops from Donbas.", "Q159", "territory", "pro"),
        ("Putin wants Ukraine to pull its forces out of Donetsk.", "Q7747", "territory", "pro"),
        # "against" after a noun says what it is aimed at, no stance: a pause in strikes on energy sites is for the deal
        ("Russia agreed to a moratorium on strikes against energy infrastructure.", "Q159", "humanitarian", "pro"),
        ("Hungary is against new sanctions on Russian oil.", "Q28", "sanctions", "contra"),
        # a measure said to have backfired is one the speaker is against
        ("Orban said the sanctions on Russia had backfired on Europe.", "viktor_orban", "sanctions", "contra"),
        # idioms of dismissal
        ("Peskov poured cold water on the idea of a ceasefire by Christmas.", "dmitry_peskov", "ceasefire", "contra"),
        ("The Kremlin shrugged off the threat of new sanctions.", "Q159", "sanctions", "contra"),
        # calling foreign troops a legitimate target is against them being sent
        (
            "Medvedev said foreign peacekeepers in Ukraine would be a legitimate target.",
            "dmitry_medvedev",
            "security_guarantees",
            "contra",
        ),
        # closing the door to something refuses it, unless the closing is denied
        ("Moscow has closed the door to negotiations with Kyiv.", "Q159", "direct_talks", "contra"),
        ("The Kremlin would not close the door to talks.", "Q159", "direct_talks", "pro"),
        # Calling a measure unlawful is against it.
        ("The Kremlin spokesman called the new sanctions illegal.", "dmitry_peskov", "sanctions", "contra"),
    ],
)
def test_syntax_decides_holder_and_polarity(text: str, actor: str, topic: str, polarity: str) -> None:
    assert any((a, t, p) == (actor, topic, polarity) for a, _, t, p in _positions(text, date(2025, 6, 1)))


@pytest.mark.parametrize(
    "text",
    [
        "The talks in Istanbul lasted two hours on Friday.",
        "What does the Kremlin really want from the talks?",
        "Analysts in Berlin expect the weather to turn cold.",
    ],
)
def test_sentences_without_a_stance_give_no_confident_position(text: str) -> None:
    ((_, _, positions),) = list(analyze([("t", text, None)]))
    assert all(p.confidence < 0.5 for p in positions), positions


def test_every_position_uses_the_taxonomy_and_agrees_with_its_stance() -> None:
    taxonomy = load_taxonomy()
    text = (
        "Putin proposed direct talks in Istanbul. Kyiv insists on a ceasefire first and rejects any "
        "recognition of the annexations. The EU threatens new sanctions."
    )
    found = _positions(text)
    assert found
    for _, stance, topic, polarity in found:
        assert stance in taxonomy.polarity and topic in taxonomy.topics and polarity in {"pro", "contra"}
        assert taxonomy.polarity[stance] in {polarity, "by_topic"}


def test_confidence_orders_a_clear_stance_above_a_vague_one() -> None:
    ((_, _, positions),) = list(
        analyze([("t", "Kyiv demanded an immediate ceasefire. Officials mentioned a ceasefire in passing.", None)])
    )
    clear = [p.confidence for p in positions if p.evidence.startswith("Kyiv")]
    vague = [p.confidence for p in positions if p.evidence.startswith("Officials")]
    assert clear and max(clear) > max(vague, default=0.0)


def test_positions_carry_the_model_version() -> None:
    from transforms.scorer import load_scorer

    ((_, _, positions),) = list(analyze([("t", "Kyiv demanded an immediate ceasefire.", None)]))
    assert positions and {p.extractor for p in positions} == {load_scorer().version}


def test_parallel_analysis_gives_the_serial_result() -> None:
    from bench.corpus import generated_articles
    from transforms.analysis import analyze_parallel

    texts = [(a.slug, "\n\n".join(a.paragraphs), None) for a in generated_articles(36)]
    assert list(analyze_parallel(texts, workers=2, chunk_size=8)) == list(analyze(texts))


def test_a_worker_that_cannot_load_its_models_leaves_the_error_to_its_first_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A raising pool initializer makes multiprocessing start workers forever; the chunk raises instead."""
    from transforms import analysis
    from transforms.scorer import ModelMismatchError

    def broken() -> None:
        raise ModelMismatchError("trained with other features")

    monkeypatch.setattr(analysis, "load_scorer", broken)
    analysis.prepare_worker()  # returns: no exception escapes to the pool


def test_evidence_leaves_out_a_list_bullet() -> None:
    text = "Key points\n\n• Kyiv demands security guarantees before any deal."
    ((_, _, positions),) = list(analyze([("t", text, None)]))
    assert positions and all(p.evidence.startswith("Kyiv demands") for p in positions)


def test_a_condition_clause_is_kept_with_the_position() -> None:
    text = "Kyiv is ready to negotiate once a ceasefire holds for thirty days."
    ((_, _, positions),) = list(analyze([("t", text, None)]))
    talks = [p for p in positions if p.actor_id == "Q212" and p.topic == "direct_talks"]
    assert talks and talks[0].conditions == "once a ceasefire holds for thirty days", positions


def test_analysis_is_marked_where_aims_are_read() -> None:
    # The sentences are plain enough for any model to emit them: the test is about the attribution.
    ((_, _, wants), (_, _, demanded)) = list(
        analyze([("a", "The Kremlin wants a ceasefire.", None), ("b", "The Kremlin demanded a ceasefire.", None)])
    )
    assert {p.attribution for p in wants if p.actor_id == "Q159"} == {"analysis"}
    assert {p.attribution for p in demanded if p.actor_id == "Q159"} == {"stated"}


@pytest.mark.parametrize(
    ("text", "holder", "target"),
    [
        ("Moscow demanded that Kyiv cede the rest of Donetsk before any truce.", "Q159", "Q212"),
        ("Washington urged Kyiv and Moscow to stop fighting along the current front line.", None, "Q212"),
        ("The Kremlin has proposed that Ukraine withdraw from Kherson in exchange for a ceasefire.", "Q159", "Q212"),
        ("Moscow's draft calls for Ukraine to hold new elections and to shrink its army.", None, "Q212"),
        ("Trump called on Kyiv to accept the deal on territory.", "Q22686", "Q212"),
        ("Russia wants Ukraine to give up its bid to join NATO.", "Q159", "Q212"),
        ("Putin wants Ukraine to withdraw from Donetsk before any ceasefire.", "Q7747", "Q212"),  # parsed as ccomp
        # "that Ukraine withdraw" misparsed as a relative clause of the verb, "that" as its object
        ("The memorandum demands that Ukraine withdraw from Donetsk and Luhansk.", None, "Q212"),
        ("Zelensky accepted the plan but insisted that Russia first agree to a truce.", "Q3881739", "Q159"),
        # whom someone forces or pressures to act is acted on
        ("Washington has pressured Kyiv to accept the plan on territory.", "Q30", "Q212"),
        ("Moscow wants a deal that would force Ukraine to cede more territory.", "Q159", "Q212"),
        # who faces a penalty is its target, not its advocate
        ("Macron warned that Russia would face new sanctions.", "Q3052772", "Q159"),
    ],
)
def test_whom_a_demand_is_aimed_at_holds_no_position_by_it(text: str, holder: str | None, target: str) -> None:
    found = _candidates(text)
    named = {c.actor_id for c in found if c.holder.via == "mention"}
    assert target not in named
    assert holder is None or holder in named


@pytest.mark.parametrize(
    ("text", "holder", "target"),
    [
        # what a speaker says another side must or should do is the speaker's demand
        ("Putin said Ukraine must abandon its bid to join NATO.", "Q7747", "Q212"),
        ("Lavrov said Kyiv should accept the loss of Crimea.", "Q44215", "Q212"),
        # a quotation says it in the speaker's own words, of a name or a pronoun
        ('"Russia must stop this war now," Zelensky said.', "Q3881739", "Q159"),
        (
            'Putin rejected the plan again. "He has to stop his attacks and agree to a truce," Starmer said.',
            "keir_starmer",
            "Q7747",
        ),
        ("Moscow said it would join the talks, but Ukraine must first withdraw from Donbas.", "Q159", "Q212"),
        # a participle speaks for its clause's subject
        ("Starmer condemned the strikes, saying Putin must agree to a ceasefire.", "keir_starmer", "Q7747"),
        # and the target's own pronoun holds nothing either
        ("Russia demanded that Ukraine abandon its bid to join NATO.", "Q159", "Q212"),
    ],
)
def test_whom_a_speaker_says_must_act_holds_no_position_by_it(text: str, holder: str, target: str) -> None:
    actors = {a for a, _, _, _ in _positions(text, date(2025, 6, 1))}
    assert holder in actors and target not in actors


def test_the_speakers_own_side_keeps_what_it_says_it_must_do() -> None:
    found = _candidates("Zelensky said Ukraine must get security guarantees.")
    assert "Q212" in {c.actor_id for c in found}  # Ukraine, the speaker's side, is still a candidate


@pytest.mark.parametrize(
    ("text", "holder", "supposed"),
    [
        ("Kyiv said it was prepared to freeze the front line if Russia agreed to a full ceasefire.", "Q212", "Q159"),
        ("Zelensky urged harsher sanctions should Moscow reject the truce.", "Q3881739", "Q159"),
        ("Europe will lift the sanctions once Russia and Belarus accept a ceasefire.", "europe", "Q184"),
        ("Washington will keep sending weapons unless Russia agrees to a truce.", "Q30", "Q159"),
    ],
)
def test_the_subject_of_a_condition_holds_no_position_by_it(text: str, holder: str, supposed: str) -> None:
    found = _candidates(text)
    holders = {c.actor_id for c in found}
    assert holder in holders and supposed not in holders, holders


@pytest.mark.parametrize(
    ("text", "accuser", "topic"),
    [
        (
            "Moscow was ready to continue the swaps but accused Kyiv of delaying the return of civilians.",
            "Q159",
            "humanitarian",
        ),
        ("Starmer accused Putin of blocking a ceasefire.", "keir_starmer", "ceasefire"),
        ("Zelensky blamed Moscow for the collapse of the talks.", "Q3881739", "direct_talks"),
    ],
)
def test_the_accuser_holds_nothing_by_what_it_accuses_another_of(text: str, accuser: str, topic: str) -> None:
    found = _candidates(text)
    assert (accuser, topic) not in {(c.actor_id, c.topic) for c in found}


def test_an_accuser_keeps_what_it_says_beside_the_accusation() -> None:
    found = _candidates("Zelensky accused Moscow of playing games and called for further sanctions.")
    assert ("Q3881739", "sanctions") in {(c.actor_id, c.topic) for c in found}


def test_an_indirect_question_is_no_condition() -> None:
    found = _candidates("Trump was asked if Russia had agreed to the summit.")
    assert "Q159" in {c.actor_id for c in found}


def test_a_name_inside_a_topic_s_words_holds_nothing() -> None:
    for text in (
        "The Kremlin revived its old demands: demilitarization, new elections and a NATO ban.",
        "NATO membership for Ukraine and a truce were the Kremlin's first demands.",  # the name is the first word
    ):
        found = _candidates(text)
        holders = {c.actor_id for c in found}
        assert "Q159" in holders and "Q7184" not in holders, (text, holders)


def test_a_reported_stance_stays_with_the_actor_it_is_reported_of() -> None:
    # A finite clause under a speech or stance verb is the subject's own stance, not a demand aimed at it.
    found = _positions("Peskov insisted that Russia was ready for direct talks with Ukraine.", date(2025, 6, 1))
    assert any(actor == "Q159" and topic == "direct_talks" for actor, _, topic, _ in found), found


def test_an_articles_sentences_on_one_stance_pool_into_its_best_one() -> None:
    from transforms.selection import pooled

    text = "Kyiv demanded an immediate ceasefire. Kyiv again called for a ceasefire on Friday."
    ((_, _, positions),) = list(analyze([("t", text, DAY)]))
    rows = sorted((p for p in positions if (p.actor_id, p.topic) == ("Q212", "ceasefire")), key=lambda p: -p.confidence)
    assert len(rows) == 2 and rows[0].polarity == rows[1].polarity == "pro"
    own = _own_confidences(text)
    assert rows[1].confidence == pytest.approx(min(own), abs=1e-4)
    assert rows[0].confidence == pytest.approx(pooled(own)[0], abs=1e-4) and rows[0].confidence > max(own)


def _own_confidences(text: str) -> list[float]:
    """Each sentence's best confidence for Kyiv's ceasefire, as the scorer gives it before any pooling."""
    from transforms.features import make_view, vector
    from transforms.scorer import load_scorer

    found = _generated(text)
    views = [make_view(c, found) for c in found.candidates]
    best: dict[int, float] = {}
    for view, (_, confidence) in zip(views, load_scorer().score([vector(v) for v in views]), strict=True):
        if (view.candidate.actor_id, view.candidate.topic) == ("Q212", "ceasefire"):
            start = view.candidate.sentence.span.start
            best[start] = max(best.get(start, 0.0), confidence)
    return list(best.values())
