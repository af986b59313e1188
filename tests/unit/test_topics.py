"""Topic cues by lemma, with words between, by verb and object, and the more specific phrase winning."""

from __future__ import annotations

import pytest

from transforms.entities import load_nlp
from transforms.parse import Parse
from transforms.topics import find_topics


def _topics(text: str) -> set[tuple[str, bool]]:
    parse = Parse(load_nlp()(text))
    return {(h.topic, h.strong) for sent in parse.sents for h in find_topics(sent)}


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Ankara offered to host the next round of talks.", "direct_talks"),  # inflection and words between
        ("The envoy said Turkey hosted the talks twice.", "mediation"),  # "host talks" with a word between
        ("The security guarantees were discussed at length.", "security_guarantees"),  # plural of the cue
        ("This brutal war must end, the spokeswoman said.", "ceasefire"),  # verb and subject, either order
        ("Both sides exchanged prisoners on Friday.", "pow_exchange"),  # verb and object
        ("Kyiv wants to end Russia's war this year.", "ceasefire"),  # a name between the words of a cue
        ("Moscow must come to table, the minister said.", "direct_talks"),  # the phrase's article left out
        ("The two sides agreed to meet again in June.", "direct_talks"),  # parties meeting again resume their talks
        ("Moscow hinted the president should be removed from office.", "regime_change"),  # replacing the leadership
        ("The Kremlin floated a temporary administration for the country.", "regime_change"),
        ("Hardliners want the president to step down before any deal.", "regime_change"),
        ("We will not trade our land for a piece of paper, the minister said.", "territory"),  # land given up
        ("Zelensky said Ukraine would never give up its land.", "territory"),
        ("Trump is now open to sending Tomahawks to Kyiv.", "military_aid"),  # a plural name the tagger keeps
        ("Berlin will provide two more IRIS-T systems this winter.", "military_aid"),  # a weapon system's name
        ("The chancellor again refused to send Taurus cruise missiles.", "military_aid"),
        ("Washington briefly stopped sharing intelligence with Kyiv in March.", "military_aid"),  # verb and object
        ("The second round was chaired by the Turkish foreign minister.", "mediation"),  # chairing talks, passive
        ("Fidan, who presided over the negotiations, spoke first.", "mediation"),  # the object behind "over"
        ("Qatar has a long record of mediating.", "mediation"),  # a gerund the tagger takes for a noun
    ],
)
def test_a_topic_is_found_by_lemma_and_syntax(text: str, topic: str) -> None:
    assert topic in {t for t, _ in _topics(text)}


def test_a_longer_phrase_of_another_topic_wins() -> None:
    found = {t for t, _ in _topics("Kyiv proposed an energy ceasefire for thirty days.")}
    assert "humanitarian" in found and "ceasefire" not in found


def test_a_place_named_as_a_cue_is_the_venue_of_another_topic() -> None:
    found = {t for t, _ in _topics("A one-on-one meeting in Istanbul is planned.")}
    assert "leaders_meeting" in found and "direct_talks" not in found


def test_a_city_that_stands_for_talks_is_the_place_of_a_meeting_named_elsewhere_in_its_sentence() -> None:
    # "Istanbul" hangs on the chair, not on the meeting, yet it says where the meeting was.
    found = {t for t, _ in _topics("The meeting was chaired by the Turkish foreign minister in Istanbul.")}
    assert "leaders_meeting" in found and "direct_talks" not in found
    # With no gathering beside it, the city still stands for the talks.
    assert ("direct_talks", False) in _topics("In Istanbul, Russia said it wants a ceasefire.")


def test_what_is_organised_is_still_itself() -> None:
    found = {t for t, _ in _topics("Kyiv proposed organising a presidential-level meeting by August.")}
    assert {"leaders_meeting", "mediation"} <= found


def test_a_place_that_a_clause_is_about_is_no_venue() -> None:
    # The venue rule drops a place that says where: not one that is the subject of what is said.
    found = {t for t, _ in _topics("Trump suggested that Ukraine won't join NATO and that Crimea will stay Russian.")}
    assert "territory" in found and "nato_membership" in found


@pytest.mark.parametrize(
    ("text", "strong"),
    [
        ("France is ready to send troops to Ukraine.", True),
        ("Britain would deploy soldiers in Ukraine after a ceasefire.", True),
        ("Russia sent more troops to the Kursk region.", False),  # troops that fight: only the weak word
    ],
)
def test_troops_sent_to_ukraine_are_a_security_guarantee(text: str, strong: bool) -> None:
    assert ("security_guarantees", strong) in _topics(text)
    assert ("security_guarantees", not strong) not in _topics(text)


def test_a_line_that_a_truce_runs_along_is_no_territory() -> None:
    found = {t for t, _ in _topics("Kyiv would insist on a ceasefire along the current line of contact.")}
    assert "ceasefire" in found and "territory" not in found
    assert "territory" in {t for t, _ in _topics("Moscow wants the line of contact recognised as a border.")}


def test_an_army_to_be_shrunk_or_capped_is_demilitarization_itself() -> None:
    assert ("demilitarization", True) in _topics("Moscow wants Kyiv to shrink its army after the war.")
    assert ("demilitarization", True) not in _topics("The army fought well near Kupiansk.")


def test_land_alone_is_no_territory() -> None:
    assert "territory" not in {t for t, _ in _topics("The senator bought land in Florida last year.")}


def test_a_verbs_object_behind_a_preposition_pairs_with_it_only_close_by() -> None:
    # "met … with the delegation" far apart: the words between are no part of a direct-talks phrase
    text = "The envoys met on Sunday with officials from Ukraine and Europe, and then with the delegation."
    assert ("direct_talks", True) not in _topics(text)
    assert ("direct_talks", True) in _topics("The envoys met with the delegation on Sunday.")


def test_a_weak_cue_as_the_bare_object_of_in_is_an_idiom() -> None:
    assert "security_guarantees" not in {t for t, _ in _topics("No vote is held while martial law is in force.")}
    assert "security_guarantees" in {t for t, _ in _topics("Paris wants a force in Ukraine.")}


def test_martial_law_is_no_regime_change() -> None:
    # Extending martial law keeps a government in place; the elections it delays are the cue, not the law.
    assert "regime_change" not in {t for t, _ in _topics("The parliament voted to extend martial law until May.")}


def test_a_weak_cue_is_marked_weak() -> None:
    assert ("pow_exchange", False) in _topics("The release was delayed again.")


def test_a_taxonomy_cue_the_data_file_lists_as_weak_is_weak() -> None:
    # The taxonomy names NATO as a cue of membership; alone, the word is as often the alliance's people.
    assert ("nato_membership", False) in _topics("NATO representatives were not invited.")
    assert ("nato_membership", True) in _topics("Kyiv still seeks NATO membership.")


def test_no_cue_is_listed_both_strong_and_weak() -> None:
    import yaml

    from transforms.cues import TOPIC_CUES_PATH, words

    data = yaml.safe_load(TOPIC_CUES_PATH.read_text(encoding="utf-8"))
    for topic, spec in data.items():
        if topic == "pairs" or not isinstance(spec, dict):
            continue
        strong = {words(p) for p in spec.get("strong") or []}
        weak = {words(p) for p in spec.get("weak") or []}
        assert not strong & weak, (topic, strong & weak)


@pytest.mark.parametrize(
    "text",
    [
        "Both leaders are ready to begin negotiations to end the war.",
        "The envoy called the talks aimed at ending the war productive.",
        "She will lead the delegation for negotiations on ending the war.",
    ],
)
def test_the_aim_of_talks_is_no_topic_of_its_own(text: str) -> None:
    found = {topic for topic, _ in _topics(text)}
    assert "direct_talks" in found and "ceasefire" not in found


def test_what_talks_aim_at_is_read_only_under_talks_and_never_drops_their_host() -> None:
    assert ("ceasefire", True) in _topics("Both leaders are ready to do everything to end the war.")
    assert "mediation" in {topic for topic, _ in _topics("The negotiations hosted by Turkey went on for hours.")}


@pytest.mark.parametrize(
    "text",
    [
        "The spokesman said after the talks that nothing had changed.",
        "During the summit in Alaska, new strikes hit Kharkiv.",
        "Ahead of the talks, the army shelled the city.",
    ],
)
def test_talks_named_only_as_a_time_are_no_topic(text: str) -> None:
    assert not {topic for topic, _ in _topics(text)} & {"direct_talks", "leaders_meeting"}


def test_a_truce_named_as_a_time_is_still_a_topic() -> None:
    # "talks after a ceasefire" states when the holder would talk: a condition on the truce, kept
    assert ("ceasefire", True) in _topics("Kyiv is ready for talks after a ceasefire.")


@pytest.mark.parametrize("when", ["the month", "August", "2025", "Sept"])
def test_the_end_of_a_stretch_of_time_is_no_truce(when: str) -> None:
    assert not any(
        topic == "ceasefire" for topic, _ in _topics(f"Both sides will hand over prisoners by the end of {when}.")
    )
    assert ("ceasefire", False) in _topics("Kyiv wants a halt by the end of the year.")


def test_a_cue_meant_as_a_noun_names_nothing_as_a_verb() -> None:
    assert "security_guarantees" not in {t for t, _ in _topics("Washington would not force Ukraine to give up land.")}
    assert "security_guarantees" in {t for t, _ in _topics("Britain is ready to lead a force of 10,000 soldiers.")}
    assert "root_causes" not in {t for t, _ in _topics("Moscow tried to cause a blackout in Kyiv.")}
    assert "root_causes" in {t for t, _ in _topics("Moscow wants a deal that removes the cause of the war.")}


def test_a_pause_in_something_else_than_the_fighting_is_no_truce() -> None:
    assert "ceasefire" not in {t for t, _ in _topics("Kyiv warned that any pause in deliveries would cost lives.")}
    assert "ceasefire" not in {t for t, _ in _topics("Moscow wants a halt to the exports of grain.")}
    assert ("ceasefire", True) in _topics("Kyiv proposed a pause in the fighting.")
    assert "ceasefire" in {t for t, _ in _topics("Russia proposed a moratorium on strikes for thirty days.")}
    assert "ceasefire" in {t for t, _ in _topics("Kyiv proposed a thirty-day pause.")}
    # and a verb of halting is no truce when what it halts is something else
    assert "ceasefire" not in {t for t, _ in _topics("The Pentagon paused some shipments of shells to Kyiv.")}
    assert "ceasefire" in {t for t, _ in _topics("Moscow named its conditions for halting its aggression.")}


def test_restrictive_measures_are_sanctions() -> None:
    assert ("sanctions", True) in _topics("The EU adopted new restrictive measures against Russia.")
