"""Linking mentions to canonical actors: spellings, surnames, possessives, demonyms, metonyms, titles."""

from __future__ import annotations

import pytest

from transforms.actors import load_kb, name_key, spelling_key
from transforms.entities import extract_entities
from transforms.evaluation import same_actor


def _actors(text: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for m in extract_entities([("a", text)]):
        assert text[m.start_char : m.end_char] == m.surface
        if m.entity_id:
            found.setdefault(m.entity_id, set()).add(m.surface)
    return found


@pytest.mark.parametrize("spelling", ["Zelensky", "Zelenskyy", "Zelenskiy", "Volodymyr Zelensky", "Zelensky’s"])
def test_transliterations_and_possessives_link_to_one_person(spelling: str) -> None:
    assert "Q3881739" in _actors(f"{spelling} said the talks would continue.")


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Deputy foreign minister Serhii Kyslytsia joined the delegation.", "sergiy_kyslytsya"),
        ("Ambassador Vasili Nebenzia addressed the Security Council.", "vasily_nebenzya"),
    ],
)
def test_a_known_person_in_another_romanisation_links_to_the_knowledge_base(text: str, actor: str) -> None:
    assert actor in _actors(text)


def test_romanisations_of_one_name_share_a_spelling_key_and_other_names_do_not() -> None:
    assert spelling_key("Heorhii Tykhii") == spelling_key("Heorhiy Tykhyi") == spelling_key("HEORHII TYKHYI")
    assert spelling_key("Vassily Nebenzia") == spelling_key("Vasily Nebenzya")
    assert spelling_key("Sergei Lavrov") != spelling_key("Sergei Ryabkov")
    assert spelling_key("Andriy Yermak") != spelling_key("Andrii Sybiha")


def test_scoring_matches_an_actor_by_id_by_romanisation_or_by_a_known_alias() -> None:
    assert same_actor("vasily_nebenzya", "Vasily Nebenzya", "vassily_nebenzia", "Vassily Nebenzia")
    # Known to the knowledge base as an alias, though the canonical spelling differs (g for h).
    assert same_actor("sergiy_kyslytsya", "Sergiy Kyslytsya", "serhiy_kyslytsya", "Serhiy Kyslytsya")
    assert same_actor("Q7747", "", "Q7747", "")
    assert not same_actor("Q7747", "Vladimir Putin", "Q159", "Russia")
    assert not same_actor("sergey_lavrov", "Sergey Lavrov", "sergei_ryabkov", "Sergei Ryabkov")


def test_metonyms_and_demonyms_link_to_states() -> None:
    found = _actors(
        "The Kremlin rejected the plan, Kyiv welcomed it, Washington hesitated and Brussels prepared sanctions. "
        "Russian officials and Ukrainian negotiators met."
    )
    assert {"Q159", "Q212", "Q30", "Q458"} <= set(found)
    assert "Kyiv" in found["Q212"] and "Ukrainian" in found["Q212"] and "Russian" in found["Q159"]


@pytest.mark.parametrize(
    "phrase", ["European officials", "European diplomats", "European foreign ministers", "European states"]
)
def test_europeans_named_by_their_office_are_the_european_group(phrase: str) -> None:
    assert phrase in _actors(f"In Berlin, {phrase} insisted on guarantees for Kyiv.").get("europe", set())


def test_a_capital_used_as_a_venue_is_a_place() -> None:
    found = _actors("The delegations met in Paris and later in Moscow.")
    assert "Q142" not in found and "Q159" not in found


def test_kyiv_is_never_a_person() -> None:
    mentions = list(extract_entities([("a", "Kyiv insists on an unconditional ceasefire.")]))
    assert [(m.surface, m.label, m.entity_id) for m in mentions] == [("Kyiv", "GPE", "Q212")]


def test_surname_alone_links_to_the_person() -> None:
    found = _actors("Putin and Erdogan spoke by phone; Lavrov later briefed reporters.")
    assert {"Q7747", "Q39259", "Q44215"} <= set(found)


def test_a_shared_surname_names_the_person_the_text_named_in_full() -> None:
    # "Johnson" alone is two people in the knowledge base, so it names neither until the text says which.
    assert _actors("Johnson said sanctions must stay.") == {}
    found = _actors("Boris Johnson arrived in Kyiv. Johnson said sanctions must stay.")
    assert found.get("boris_johnson") == {"Boris Johnson", "Johnson"}
    found = _actors("Speaker Mike Johnson met the delegation. Johnson later rejected the aid bill.")
    assert found.get("mike_johnson") == {"Mike Johnson", "Johnson"}


def test_a_surname_that_is_another_actors_name_keeps_that_sense() -> None:
    found = _actors("Kim Jong Un met Putin. The UN criticised the meeting.")
    assert "Q1065" in found and found.get("kim_jong_un") == {"Kim Jong Un"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Details of the Anglo-French plan were not revealed.", {"Q145": {"Anglo"}, "Q142": {"French"}}),
        ("A Franco-German initiative demands a truce.", {"Q142": {"Franco"}, "Q183": {"German"}}),
        ("Sino-Russian ties deepened.", {"Q148": {"Sino"}, "Q159": {"Russian"}}),
        ("Putin rejected a joint U.S.-Ukrainian plan.", {"Q7747": {"Putin"}, "Q30": {"U.S."}, "Q212": {"Ukrainian"}}),
    ],
)
def test_each_half_of_a_hyphenated_pair_names_its_state(text: str, expected: dict[str, set[str]]) -> None:
    assert _actors(text) == expected


def test_a_combining_form_without_its_hyphen_names_no_state() -> None:
    assert "Q142" not in _actors("General Franco ruled Spain for decades.")


def test_titled_politicians_missing_from_the_knowledge_base_get_a_stable_id() -> None:
    text = (
        "Moldovan Foreign Minister Mihai Popsoi said his country backed the plan. "
        "Popsoi later repeated it. Analyst Jane Roberts disagreed."
    )
    found = _actors(text)
    assert found.get("mihai_popsoi") == {"Mihai Popsoi", "Popsoi"}
    assert not any("roberts" in actor for actor in found)


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Sen. Roger Wicker said the aid must continue.", "roger_wicker"),
        ("Rep. Brian Fitzpatrick urged new sanctions.", "brian_fitzpatrick"),
        ("Gen. Christopher Cavoli warned of a long war.", "christopher_cavoli"),
        ("The Ukrainian delegate Olena Marchenko spoke first.", "olena_marchenko"),
    ],
)
def test_abbreviated_titles_and_words_for_delegates_mark_a_politician(text: str, actor: str) -> None:
    assert actor in _actors(text)


def test_knowledge_base_is_well_formed() -> None:
    kb = load_kb()
    assert len(kb.actors) > 150
    for actor in kb.actors.values():
        assert actor.type in {"person", "state", "organisation", "alliance", "group"}
        assert actor.actor_id.startswith("Q") or actor.actor_id == name_key(actor.actor_id).replace(" ", "_")
    assert kb.lookup("the Kremlin").actor_id == "Q159"  # type: ignore[union-attr]
