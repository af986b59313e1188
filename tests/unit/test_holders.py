"""The holder-resolution layer on sentences written for it: who can hold a sentence's positions, and how."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.actors import load_kb
from transforms.entities import link_mentions, load_nlp, tagger_name
from transforms.holders import Holder, document_context, sentence_holders


def _holders(text: str, day: date | None = None) -> list[list[Holder]]:
    nlp, kb = load_nlp(), load_kb()
    doc = nlp(text)
    mentions = list(link_mentions(doc, "t", kb, tagger_name()))
    return sentence_holders(document_context(doc, mentions, kb, day))


def _last(text: str, day: date | None = None) -> set[tuple[str, str]]:
    return {(h.actor_id, h.via) for h in _holders(text, day)[-1]}


def test_a_coordinated_list_gives_every_member() -> None:
    found = _last("The leaders of France, Germany and Poland demanded a ceasefire.")
    assert {("Q142", "mention"), ("Q183", "mention"), ("Q36", "mention")} <= found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The context names the sides of these talks.
        ("Talks between Washington and Moscow resumed in Riyadh. Both sides agreed to meet again.", {"Q30", "Q159"}),
        # Nothing names them: the warring parties.
        ("The mediators were hopeful. Each side pledged to hand over 500 prisoners.", {"Q159", "Q212"}),
        # A list of allies is no pair of sides: the warring parties, not its first two members.
        (
            "Britain, France, Italy and Spain pledged more air defence. "
            "In Geneva each side agreed to swap 500 soldiers.",
            {"Q159", "Q212"},
        ),
    ],
)
def test_both_sides_are_the_parties_the_context_names(text: str, expected: set[str]) -> None:
    assert {a for a, via in _last(text) if via == "collective"} == expected


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("The two presidents agreed to halt strikes on power plants.", {"Q22686", "Q7747"}),
        ("The leaders agreed to halt strikes on power plants.", {"Q22686", "Q7747"}),
        # Whose leaders the phrase says itself: no pair from the context.
        ("The leaders of Poland and Finland agreed to halt strikes on power plants.", set()),
        ("The European leaders agreed to halt strikes on power plants.", set()),
    ],
)
def test_the_leaders_are_the_last_two_leaders_the_text_named(last: str, expected: set[str]) -> None:
    text = f"Trump spoke with Putin for two hours on Tuesday. {last}"
    assert {a for a, via in _last(text, date(2025, 3, 20)) if via == "collective"} == expected


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ("The US president rejected the plan.", date(2023, 6, 1), "Q6279"),
        ("The US president rejected the plan.", date(2025, 6, 1), "Q22686"),
        ("Ukraine's foreign minister called for a truce.", date(2023, 6, 1), "dmytro_kuleba"),
        ("Ukraine's foreign minister called for a truce.", date(2025, 6, 1), "andrii_sybiha"),
        ("Russia's foreign ministry spokeswoman dismissed the idea.", date(2025, 6, 1), "maria_zakharova"),
        ("The German chancellor backed new sanctions.", date(2025, 8, 1), "friedrich_merz"),
        ("The British prime minister backed new sanctions.", date(2022, 5, 1), "boris_johnson"),
        ("The British prime minister backed new sanctions.", date(2023, 5, 1), "rishi_sunak"),
        ("The German foreign minister rejected talks with Moscow.", date(2023, 5, 1), "annalena_baerbock"),
        ("The US defense secretary pledged more aid.", date(2023, 5, 1), "lloyd_austin"),
        ("Britain's defence secretary pledged more aid.", date(2025, 6, 1), "john_healey"),
    ],
)
def test_a_role_phrase_is_the_person_in_office_on_the_articles_date(text: str, day: date, expected: str) -> None:
    assert (expected, "role") in _last(text, day)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An office of several words is read by its head word ("secretary", not "state").
        ("The US secretary of state pledged more aid.", "Q324546"),
        ("The Ukrainian chief of staff rejected the plan.", "andriy_yermak"),
        # A leader's staff are the staff of the state the leader leads.
        ("Putin's spokesman dismissed the plan.", "dmitry_peskov"),
        ("Zelensky's chief of staff rejected the plan.", "andriy_yermak"),
        # A name inside the office's words qualifies it: the delegation's head, not Ukraine's "head".
        ("The head of the Ukrainian delegation rejected the plan.", "rustem_umerov"),
        ("Russia's UN ambassador rejected the plan.", "vasily_nebenzya"),
        ("The UN ambassador of Russia rejected the plan.", "vasily_nebenzya"),
        # One of several in that office: the one the text last named.
        ("Medinsky, an aide to President Putin, met the press. Putin's aide rejected the plan.", "Q1370425"),
        # A former holder is the earlier holder the text named (a former leader too).
        ("Dmytro Kuleba spoke in Kyiv on Monday. The former foreign minister rejected the plan.", "dmytro_kuleba"),
        (
            "Petro Poroshenko spoke in Kyiv on Monday. The former Ukrainian leader rejected the plan.",
            "petro_poroshenko",
        ),
        # A time word before the noun phrase leaves the office as it is.
        ("Kyiv said no, and then the Russian president rejected the plan.", "Q7747"),
    ],
)
def test_a_role_phrase_is_read_by_its_head_and_its_qualifiers(text: str, expected: str) -> None:
    assert (expected, "role") in _last(text, date(2025, 8, 1))


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("The head of the Ukrainian delegation rejected the plan.", "Q3881739"),
        # Whose envoy among several the text does not say: nobody, rather than a guess.
        ("Trump's special envoy rejected the plan.", "steve_witkoff"),
        # A minister's spokeswoman is no spokeswoman of the state's leader.
        ("Lavrov's spokeswoman dismissed the plan.", "dmitry_peskov"),
    ],
)
def test_a_role_phrase_takes_no_office_it_does_not_name(text: str, wrong: str) -> None:
    assert wrong not in {actor for actor, via in _last(text, date(2025, 8, 1)) if via == "role"}


@pytest.mark.parametrize(
    "text",
    [
        "Russia's deputy foreign minister rejected the plan.",
        "Ukraine's deputy prime minister rejected the plan.",
        "The acting US president rejected the plan.",
        "Ukraine's former foreign minister rejected the plan.",
        "The ex-president of Ukraine rejected the plan.",
    ],
)
def test_a_deputy_or_a_former_holder_is_not_the_holder_of_the_office(text: str) -> None:
    assert not {actor for actor, via in _last(text, date(2025, 8, 1)) if via == "role"}


def test_a_role_without_a_country_is_the_last_person_met_in_that_office() -> None:
    text = "Sergei Lavrov met reporters in Moscow on Monday. The foreign minister said talks could resume."
    assert ("Q44215", "role") in _last(text, date(2025, 6, 1))


def test_the_state_in_a_persons_title_is_no_holder_of_its_own() -> None:
    found = _last("Ukrainian President Volodymyr Zelensky proposed a meeting.")
    assert ("Q3881739", "mention") in found
    assert not any(actor == "Q212" for actor, _ in found)


def test_a_document_without_its_author_takes_the_author_met_before() -> None:
    text = (
        "Moscow handed over Russia's memorandum on Monday. The memorandum demands recognition of the annexed regions."
    )
    assert ("Q159", "document") in _last(text)


@pytest.mark.parametrize(
    "first",
    ["Washington submitted a draft framework to both delegations.", "A draft framework was submitted by Washington."],
)
def test_a_document_is_held_by_whoever_sent_it(first: str) -> None:
    assert ("Q30", "document") in _last(f"{first} The draft calls for a freeze of the front line.")


def test_a_document_sent_by_a_list_is_held_by_every_member() -> None:
    found = _last("Britain, France and Germany sent a memo to Moscow. The memo asks for a freeze of the front line.")
    assert {("Q145", "document"), ("Q142", "document"), ("Q183", "document")} <= set(found)


def test_a_document_named_by_another_word_takes_the_author_of_the_latest_document() -> None:
    text = "Russia handed Ukraine a memorandum in Istanbul. The document demands a withdrawal from four regions."
    assert ("Q159", "document") in _last(text)
    # Only nearby: four sentences on, "the text" may be any text.
    text = (
        "Russia handed Ukraine a memorandum in Istanbul. The talks lasted an hour. Kyiv said little. "
        "Ankara was pleased. The delegations left. The text demands a withdrawal from four regions."
    )
    assert not any(via == "document" for _, via in _last(text))
    # Only a generic word: "the position" may be anyone's.
    text = "Russia handed Ukraine a memorandum in Istanbul. The position demands a withdrawal from four regions."
    assert not any(via == "document" for _, via in _last(text))


def test_a_document_judged_by_an_actor_is_not_its_own() -> None:
    found = _last("Kyiv rejected a draft framework on Monday. The draft calls for a freeze of the front line.")
    assert not any(via == "document" for _, via in found)


def test_a_pronoun_takes_the_previous_subject() -> None:
    assert ("Q39259", "pronoun") in _last("Erdogan spoke to reporters in Ankara. He offered to host the talks.")


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        ("Sweden thanked Norway for its role in the prisoner exchange.", "Q20", "Q34"),
        ("Macron criticised Orban for his refusal to back new sanctions.", "viktor_orban", "Q3052772"),
        ("Trump said he was losing patience with Putin over his refusal to agree to a truce.", "Q7747", "Q22686"),
    ],
)
def test_a_possessive_in_the_verbs_phrase_is_its_objects(text: str, expected: str, not_expected: str) -> None:
    possessive = next(i for i, word in enumerate(text.split()) if word in {"its", "his"})
    pronouns = {h.actor_id for h in _holders(text)[-1] if h.via == "pronoun" and h.token == possessive}
    assert expected in pronouns and not_expected not in pronouns


def test_a_possessive_in_the_subjects_own_phrase_stays_the_subjects() -> None:
    # no object between: "his" is still the subject's
    assert ("Q3881739", "pronoun") in _last("Zelensky spoke at length about his plan for a truce.")


def test_a_pronoun_takes_no_antecedent_of_the_other_gender() -> None:
    found = _last("Meloni met Trump in Rome. Later Trump spoke to reporters. He offered to host the talks.")
    assert ("Q22686", "pronoun") in found and not any(actor == "giorgia_meloni" for actor, _ in found)
    found = _last("Trump met Meloni in Rome. Later Meloni spoke to reporters. He offered to host the talks.")
    assert ("Q22686", "pronoun") in found and not any(actor == "giorgia_meloni" for actor, _ in found)
    # No subject agrees: nobody, not even as the previous sentence's holder.
    found = _last("Kallas flew to Kyiv on Sunday. He offered to host the talks.")
    assert not any(actor == "kaja_kallas" for actor, _ in found)


def test_a_quoted_pronoun_takes_the_subject_quoted_before_it() -> None:
    text = 'Sybiha met Rubio on Monday. "Putin believes he can win, so he will not stop," a diplomat said.'
    pronouns = {actor for actor, via in _last(text) if via == "pronoun"}
    assert pronouns == {"Q7747"}
    # Outside the quotation a quoted subject is no antecedent: the quote is someone else's words.
    text = 'Sybiha met Rubio on Monday. "Putin will not stop," he said.'
    assert ("Q7747", "pronoun") not in _last(text)


def test_she_takes_the_latest_woman_named_when_no_subject_is_one() -> None:
    found = _last("Putin met Meloni in Rome. She offered to host the talks.")
    assert ("giorgia_meloni", "pronoun") in found and not any(actor == "Q7747" for actor, _ in found)
    # Only among the last few people named: further back, "she" is as likely a woman the base lacks.
    text = (
        "Meloni spoke first. Trump met Putin. Macron met Merz. Zelensky met Erdogan. Starmer met Tusk. "
        "She offered to host the talks."
    )
    assert not any(actor == "giorgia_meloni" for actor, _ in _last(text))


def test_we_inside_a_quotation_is_its_speaker() -> None:
    found = _last('"We are ready for talks at any level," Zelensky said on Tuesday.')
    assert ("Q3881739", "pronoun") in found


def test_a_quotation_without_its_speaker_takes_the_speaker_of_its_paragraph() -> None:
    text = 'Macron spoke at length. "There is no other way. Sanctions must stay," Macron said.'
    holders = _holders(text)
    assert ("Q3052772", "speaker") in {(h.actor_id, h.via) for h in holders[1]}


def test_a_sentence_without_an_actor_subject_continues_the_previous_holder() -> None:
    text = "Starmer flew to Washington on Sunday. The aim was to secure a backstop for the force."
    assert ("keir_starmer", "context") in _last(text)


def test_they_as_subject_does_not_continue_one_person() -> None:
    text = 'Zelensky accused Moscow of stalling. "They are not ready to end the war. They want war," he said.'
    assert ("Q3881739", "context") not in {(h.actor_id, h.via) for h in _holders(text)[1]}
    # a plural subject still stands for a plural holder
    text = "France and Britain met in London. They are ready to send troops after a ceasefire."
    assert {"Q142", "Q145"} <= {actor for actor, _ in _last(text)}


def test_they_after_a_coordinated_subject_is_every_member() -> None:
    found = _last("Britain and France have said they are ready to send troops to Ukraine.")
    assert {("Q145", "pronoun"), ("Q142", "pronoun")} <= found
    # a singular pronoun takes neither of a pair: which of the two is "he" the sentence does not say
    found = _last("Trump and Putin spoke for two hours, and he said he wanted a truce.")
    assert not {actor for actor, via in found if via == "pronoun"}


def test_a_headline_speakers_words_are_a_quotation() -> None:
    holders = _holders("Zelensky: we will never recognise the occupation of Crimea")
    assert ("Q3881739", "pronoun") in {(h.actor_id, h.via) for h in holders[0]}
    assert ("Q3881739", "speaker") in {(h.actor_id, h.via) for h in holders[0]}


@pytest.mark.parametrize(
    "text",
    [
        # what stands before the colon is not a name, or nothing is said after it
        "Ukraine negotiations: how Europeans can keep their seat at the table",
        "Source: Zelensky",
        "Updated by Reuters: 2 May 2025",
    ],
)
def test_a_line_with_a_colon_but_no_speaker_is_no_quotation(text: str) -> None:
    assert not any(h.via == "speaker" for h in _holders(text)[0])


@pytest.mark.parametrize(
    "text",
    [
        # the head of something else than a state is no leader, whoever's that thing is
        "The head of the Kremlin's negotiating team rejected the European truce.",
        "Olga Petrova, head of a Moscow think tank, said the talks were stalling.",
    ],
)
def test_the_head_of_another_body_is_no_leader_of_a_state(text: str) -> None:
    assert not any(via == "role" and actor in {"Q7747", "Q3881739"} for actor, via in _last(text))


def test_the_head_of_a_state_is_its_leader() -> None:
    assert ("Q7747", "role") in _last("The head of the Russian state said Moscow wanted peace.", date(2025, 6, 1))


def test_they_after_whose_allies_is_not_that_actor() -> None:
    assert ("Q212", "pronoun") not in _last("Ukraine's partners met in London. They pledged more air defence.")


def test_a_country_that_only_places_a_city_is_no_holder() -> None:
    assert ("Q43", "mention") not in _last("The round was chaired by Hakan Fidan in Istanbul, Turkey")
    assert ("Q851", "mention") not in _last("Talks were held in Riyadh, Saudi Arabia, on Monday.")
    # while a country that is the subject after a place is one
    assert ("Q43", "mention") in _last("In Istanbul, Turkey offered to host the next round.")
    assert ("Q212", "mention") in _last("During the talks in Jeddah, Ukraine agreed to a truce.")
