"""The candidate features, each on a sentence written for it: what the scorer reads of a candidate."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from transforms.actors import load_kb
from transforms.analysis import parse_documents
from transforms.features import FEATURES, VOCABULARIES, View, encode, vector
from transforms.features.registry import PER_SENTENCE


def _views(text: str, day: date | None = None) -> list[View]:
    ((_, _, _, views),) = list(parse_documents([("t", text, day)]))
    return [view for view, _ in views]


def _feature(text: str, actor: str, topic: str, name: str) -> float | str:
    views = [v for v in _views(text) if v.candidate.actor_id == actor and v.candidate.topic == topic]
    assert views, [(v.candidate.actor_id, v.candidate.topic) for v in _views(text)]
    return FEATURES[name](views[0])


@pytest.mark.parametrize(
    ("text", "actor", "topic", "name", "expected"),
    [
        # the holder
        ("Kyiv demanded a ceasefire.", "Q212", "ceasefire", "via", "mention"),
        ("Kyiv demanded a ceasefire.", "Q212", "ceasefire", "holder_type", "state"),
        ("Turkey offered to host the talks.", "Q43", "mediation", "holder_is_party", 0.0),
        ("Kyiv demanded a ceasefire.", "Q212", "ceasefire", "holder_dep", "nsubj"),
        ("Russia's demand for a ceasefire surprised nobody.", "Q159", "ceasefire", "holder_climb", "modifier"),
        ("The leaders of France and Poland demanded a truce.", "Q36", "ceasefire", "holder_climb", "group"),
        ("The terms proposed by the Kremlin include a truce.", "Q159", "ceasefire", "holder_climb", "author"),
        ("The talks were welcomed by the Kremlin.", "Q159", "direct_talks", "holder_prep", "by"),
        ("Russia's demand for a ceasefire surprised nobody.", "Q159", "ceasefire", "holder_head_class", "demands"),
        ("Kyiv demanded a ceasefire.", "Q212", "ceasefire", "holder_is_root_subject", 1.0),
        ("Kyiv demanded a ceasefire.", "Q212", "ceasefire", "holder_subject_of_governing", 1.0),
        # (whom a demand is aimed at is no candidate at all: "Russia demanded that Ukraine accept a truce")
        ("Russia claimed that Ukraine would accept a truce.", "Q212", "ceasefire", "holder_embedded", 1.0),
        ("Russia claimed that Ukraine would accept a truce.", "Q159", "ceasefire", "holder_embedded", 0.0),
        ("Russia and Ukraine agreed on a truce.", "Q212", "ceasefire", "actors_in_sentence", 2.0),
        ("Russia and Ukraine agreed on a truce.", "Q212", "ceasefire", "holder_rank", 1.0),
        ('Peskov spoke. "The talks must go on," he said.', "dmitry_peskov", "direct_talks", "holder_quoted", 0.0),
        # the chain from the topic up, and where the holder hangs on it
        ("Zelensky said Ukraine is ready for talks.", "Q3881739", "direct_talks", "attach_class", "speech"),
        ("Zelensky said Ukraine is ready for talks.", "Q212", "direct_talks", "attach_class", "offers"),
        ("Zelensky said Ukraine is ready for talks.", "Q3881739", "direct_talks", "other_actor_owns_cue", 1.0),
        ("Zelensky said Ukraine is ready for talks.", "Q3881739", "direct_talks", "spoken_for", 0.0),
        ("Zelensky said Ukraine is ready for talks.", "Q212", "direct_talks", "spoken_for", 1.0),
        # a relative pronoun's actor is what its clause qualifies: Brazil, not China, urges the freeze
        (
            "Beijing's call for a peace conference won support from Brazil, which also urged both parties to "
            "freeze the front line.",
            "Q148",
            "ceasefire",
            "other_actor_owns_cue",
            1.0,
        ),
        # a subject's actors are its whole coordination, which spaCy chains conjunct to conjunct
        ("Macron, Starmer and Zelensky said Ukraine is ready for talks.", "Q212", "direct_talks", "spoken_for", 1.0),
        ("Zelensky said Ukraine is ready for talks.", "Q3881739", "direct_talks", "speaks_for_other", 1.0),
        # a stance verb of saying reports too
        (
            "Fidan insisted that the two parties had agreed on a swap.",
            "hakan_fidan",
            "pow_exchange",
            "reported_for_other",
            1.0,
        ),
        ("Peskov insisted that Russia was ready for talks.", "Q159", "direct_talks", "spoken_for", 1.0),
        ("Peskov insisted that Russia was ready for talks.", "dmitry_peskov", "direct_talks", "speaks_for_other", 1.0),
        # what an actor "must" do is another's demand of it (after a speech verb, the subject is no candidate at all)
        ("In Starmer's view, Putin must agree to a ceasefire.", "Q7747", "ceasefire", "attach_deontic", 1.0),
        ("In Starmer's view, Putin must agree to a ceasefire.", "keir_starmer", "ceasefire", "demands_below", 1.0),
        ("Starmer said Putin wants a ceasefire.", "keir_starmer", "ceasefire", "demands_below", 0.0),
        # a leader speaks for the state: annotators give "Zelensky said Ukraine is ready" to Ukraine
        ("Zelensky said Ukraine is ready for talks.", "Q212", "direct_talks", "spoken_for_by_leader", 1.0),
        ("Peskov said Russia is ready for talks.", "Q159", "direct_talks", "spoken_for_by_leader", 0.0),
        ("Zelensky said Ukraine is ready for talks.", "Q3881739", "direct_talks", "holder_is_leader", 1.0),
        ("Peskov said Russia is ready for talks.", "dmitry_peskov", "direct_talks", "holder_is_leader", 0.0),
        ("Russia demanded that Ukraine withdraw its troops.", "Q159", "territory", "other_actor_in_content", 1.0),
        ("Zelensky said Ukraine is ready for talks.", "Q3881739", "direct_talks", "between_offers", 1.0),
        ("Zelensky said Ukraine is ready for talks.", "Q212", "direct_talks", "above_speech", 1.0),
        ("Sybiha underlined that Russia was not ready for talks.", "Q159", "direct_talks", "above_speech", 1.0),
        ("As an outcome of the truce, Kyiv agreed to a swap.", "Q212", "ceasefire", "between_adjunct", 1.0),
        ("Turkey offered to host the talks.", "Q43", "mediation", "mediation_reading", 1.0),
        # the stance word and the polarity read along the holder's path
        ("Russia rejected a plan for a ceasefire.", "Q159", "ceasefire", "holder_cue_class", "rejects"),
        ("Russia rejected a plan for a ceasefire.", "Q159", "ceasefire", "path_polarity", "contra"),
        ("Kyiv demands a ceasefire and refuses any talks.", "Q212", "direct_talks", "path_polarity", "contra"),
        # a conjunct without a stance of its own shares what governs its head, never the head's own stance
        (
            "Moscow voiced concerns that Kyiv could regroup and receive more weapons.",
            "Q159",
            "military_aid",
            "holder_cue_class",
            "opposes",
        ),
        ("Kyiv demanded a truce and received more weapons.", "Q212", "military_aid", "holder_cue_class", "none"),
        ("Moscow has no intention of ending the war.", "Q159", "ceasefire", "path_polarity", "contra"),
        (
            "The idea of sending troops is unacceptable for Russia.",
            "Q159",
            "security_guarantees",
            "holder_cue_class",
            "rejects",
        ),
        ("Moscow demanded a halt to arms supplies.", "Q159", "military_aid", "topic_reversed", 1.0),
        ("Moscow demanded a halt to arms supplies.", "Q159", "military_aid", "path_polarity", "contra"),
        # what a deal's giver would get in return is what it wants, whatever it says of what it gives
        (
            "Kyiv might give up some land in exchange for firm security guarantees.",
            "Q212",
            "security_guarantees",
            "path_polarity",
            "pro",
        ),
        (
            "Moscow would free more prisoners in return for sanctions relief.",
            "Q159",
            "sanctions",
            "path_polarity",
            "contra",
        ),
        # a truce that favours the other side, though the tagger makes "Ukraine rearm" a noun with a name before it
        (
            "A truce would simply let Ukraine rearm, the Kremlin has said.",
            "Q159",
            "ceasefire",
            "path_polarity",
            "contra",
        ),
        # what is said to prolong the war is what the speaker is against; what ends it, what the speaker is for
        ("Moscow says arms deliveries only drag out the war.", "Q159", "military_aid", "path_polarity", "contra"),
        ("Kyiv said more sanctions would help end the war.", "Q212", "sanctions", "path_polarity", "pro"),
        ("Budapest said sanctions would never end the war.", "Q28", "sanctions", "path_polarity", "contra"),
        # losing one's interest in a topic gives the stance up
        ("Washington has lost interest in a truce.", "Q30", "ceasefire", "path_polarity", "contra"),
        # the un- form of an adjective for a topic is against it
        ("Analysts say Moscow remains uninterested in a truce.", "Q159", "ceasefire", "path_polarity", "contra"),
        # a leadership's legitimacy is what regime change denies
        ("Moscow insists Ukraine has no legitimate government.", "Q159", "regime_change", "path_polarity", "pro"),
        ("The Kremlin questioned Zelensky's legitimacy again.", "Q159", "regime_change", "path_polarity", "pro"),
        # "nor" carries the denial on: one negation, not two
        (
            "The Kremlin does not trust Kyiv's negotiators, nor recognise Zelensky's mandate.",
            "Q159",
            "regime_change",
            "path_polarity",
            "pro",
        ),
        ("Moscow does not want a truce, nor accept talks.", "Q159", "direct_talks", "path_polarity", "contra"),
        (
            "Washington recognised the legitimacy of Kyiv's government.",
            "Q30",
            "regime_change",
            "path_polarity",
            "contra",
        ),
        # a passive verb coordinated with the topic's own verb shares it as subject: the sanctions are to be lifted
        (
            "Orban said the sanctions had failed and should be lifted.",
            "viktor_orban",
            "sanctions",
            "topic_reversed",
            1.0,
        ),
        (
            "Orban said the sanctions had failed and should be lifted.",
            "viktor_orban",
            "sanctions",
            "path_polarity",
            "contra",
        ),
        # not a verb with a subject of its own
        ("The sanctions had worked and Moscow was isolated.", "Q159", "sanctions", "topic_reversed", 0.0),
        # a topic that is to stop, or is wanted stopped, as the subject of the stopping verb
        (
            "Russia is willing to discuss a ceasefire but only if Western arms supplies stop.",
            "Q159",
            "military_aid",
            "path_polarity",
            "contra",
        ),
        ("Orban said the sanctions must end.", "viktor_orban", "sanctions", "topic_reversed", 1.0),
        ("Russia wants sanctions eased before any deal.", "Q159", "sanctions", "path_polarity", "contra"),
        ("Moscow demanded sanctions lifted.", "Q159", "sanctions", "path_polarity", "contra"),
        ("Moscow said sanctions eased last year.", "Q159", "sanctions", "topic_reversed", 0.0),
        # not what only happened, nor the end of an event
        ("Kyiv said the arms supplies stopped in March.", "Q212", "military_aid", "topic_reversed", 0.0),
        ("Peskov said the talks would end on Friday.", "dmitry_peskov", "direct_talks", "topic_reversed", 0.0),
        # the members a group subject lists hold what it does ("allies, including Britain and France, demanded")
        (
            "Kyiv's allies, including Britain and France, demanded a truce.",
            "Q142",
            "ceasefire",
            "holder_climb",
            "group",
        ),
        ("Kyiv's allies, including Britain and France, demanded a truce.", "Q142", "ceasefire", "holder_dep", "nsubj"),
        ("Countries such as Poland and Finland oppose any truce.", "Q33", "ceasefire", "holder_dep", "nsubj"),
        # a comparative of less reverses what it qualifies: fewer weapons is less aid, weaker sanctions are less
        ("Moscow wants fewer weapons sent to Kyiv.", "Q159", "military_aid", "topic_reversed", 1.0),
        ("Hungary called for weaker sanctions on Russia.", "Q28", "sanctions", "path_polarity", "contra"),
        # but a smaller army is demilitarization itself, as a reduced one is
        ("Russia wants a smaller Ukrainian army.", "Q159", "demilitarization", "path_polarity", "pro"),
        # while the bare adjective does not ("a few new sanctions" are sanctions)
        ("The EU imposed a few new sanctions.", "Q458", "sanctions", "topic_reversed", 0.0),
        # a stance phrase as the predicate of its topic says the stance ("a ceasefire was out of the question")
        ("Moscow said a ceasefire was out of the question.", "Q159", "ceasefire", "path_polarity", "contra"),
        ("Kyiv said that talks were off the table.", "Q212", "direct_talks", "path_polarity", "contra"),
        ("Kyiv said that talks were on the table.", "Q212", "direct_talks", "path_polarity", "pro"),
        # what is far from so, or yet to happen, is not so; little appetite for a thing is none
        ("Russia is far from ready for a truce.", "Q159", "ceasefire", "rule_polarity", "contra"),
        ("Russia remains far from agreeing to a truce.", "Q159", "ceasefire", "path_polarity", "contra"),
        ("Moscow has yet to accept the truce.", "Q159", "ceasefire", "path_polarity", "contra"),
        ("Russia has shown little appetite for a ceasefire.", "Q159", "ceasefire", "path_polarity", "contra"),
        ("Russia has shown an appetite for a ceasefire.", "Q159", "ceasefire", "path_polarity", "pro"),
        ("Russia demanded the withdrawal of troops from the regions.", "Q159", "territory", "path_polarity", "pro"),
        ("Moscow wants the president removed from office.", "Q159", "regime_change", "path_polarity", "pro"),
        ("Moscow is dragging out the war, the minister said.", "Q159", "ceasefire", "path_polarity", "contra"),
        ("Moscow wants to prolong the conflict.", "Q159", "ceasefire", "path_polarity", "contra"),
        # "continue" reverses only a truce's own words, not what follows it elsewhere.
        ("Moscow will continue the talks on a ceasefire.", "Q159", "ceasefire", "path_polarity", "pro"),
        ("Washington never intended to accept a truce.", "Q30", "ceasefire", "holder_cue_negated", 1.0),
        # a negated word against is the word for: "no objection" supports, "not rule out" offers; the scorer
        # has many of those to learn from and few double negatives. A negated word for keeps its class.
        ("The Kremlin has no objection to a summit.", "Q159", "leaders_meeting", "holder_cue_class", "supports"),
        ("Trump did not rule out joining the talks.", "Q22686", "direct_talks", "holder_cue_class", "offers"),
        ("Washington never intended to accept a truce.", "Q30", "ceasefire", "holder_cue_class", "accepts"),
        ("Moscow will not tolerate foreign troops.", "Q159", "security_guarantees", "holder_cue_class", "accepts"),
        ("Zelensky pleaded for more weapons.", "Q3881739", "military_aid", "holder_cue_class", "demands"),
        (
            "Moscow wants any peace deal to bar Ukraine from joining NATO.",
            "Q159",
            "nato_membership",
            "path_polarity",
            "contra",
        ),
        ("Lavrov said there was no need for a summit.", "Q44215", "leaders_meeting", "holder_cue_class", "demands"),
        (
            "Orban said sending more weapons would be a mistake.",
            "viktor_orban",
            "military_aid",
            "path_polarity",
            "contra",
        ),
        (
            "Peskov said Western arms supplies were an obstacle to peace.",
            "dmitry_peskov",
            "military_aid",
            "holder_cue_class",
            "opposes",
        ),
        # a whole prepositional phrase on a verb is that verb's word of its object; not a condition
        ("Washington took NATO membership off the table.", "Q30", "nato_membership", "holder_cue_class", "refuses"),
        (
            "Kyiv agreed to talks on condition that Russia withdraws.",
            "Q212",
            "direct_talks",
            "holder_cue_class",
            "accepts",
        ),
        ("Kyiv wants a truce rather than talks.", "Q212", "direct_talks", "path_polarity", "contra"),
        (
            "Instead, security guarantees must be backed by European troops, Kyiv said.",
            "Q212",
            "security_guarantees",
            "path_polarity",
            "pro",
        ),
        # an attack on what a topic protects is against it, and halting the attack is for it
        ("Russia has struck a power plant in Kherson.", "Q159", "humanitarian", "path_polarity", "contra"),
        ("Russia agreed to halt strikes on energy facilities.", "Q159", "humanitarian", "path_polarity", "pro"),
        ("Russia has launched strikes against energy facilities.", "Q159", "humanitarian", "path_polarity", "contra"),
        (
            "Russia agreed to a moratorium on strikes against energy infrastructure.",  # "on strikes" hangs on "agreed"
            "Q159",
            "humanitarian",
            "path_polarity",
            "pro",
        ),
        ("Russia suspended the grain deal.", "Q159", "humanitarian", "path_polarity", "contra"),
        (
            "Russia agreed to a ban on strikes against energy facilities.",
            "Q159",
            "humanitarian",
            "path_polarity",
            "pro",
        ),
        # another actor's attack is one the holder only reports
        ("Zelensky said Russia had struck a power plant.", "Q3881739", "humanitarian", "path_polarity", "pro"),
        ("Zelensky said Russian strikes on energy sites went on.", "Q3881739", "humanitarian", "path_polarity", "pro"),
        # a word that is the topic's own substance does the topic: to withdraw troops is to cede land
        ("Putin wants Ukraine to withdraw from Donetsk.", "Q7747", "territory", "path_polarity", "pro"),
        ("Kyiv refuses to withdraw its troops from Donetsk.", "Q212", "territory", "path_polarity", "contra"),
        # a holder that gives up its own stance noun
        ("Trump dropped his demand for an immediate ceasefire.", "Q22686", "ceasefire", "path_polarity", "contra"),
        ("Kyiv abandoned its demand for NATO membership.", "Q212", "nato_membership", "path_polarity", "contra"),
        ("Moscow rejected Kyiv's demand for a ceasefire.", "Q212", "ceasefire", "path_polarity", "pro"),
        ("Trump renewed his demand for a ceasefire.", "Q22686", "ceasefire", "path_polarity", "pro"),
        # a favourable word whose object is a noun against the topic only carries it
        ("Russia agreed to a ban on NATO membership.", "Q159", "nato_membership", "path_polarity", "contra"),
        ("Moscow wants a ban on arms deliveries.", "Q159", "military_aid", "holder_cue_class", "refuses"),
        # a document's terms are not the stance of whom they name
        (
            "The draft stipulates that Ukraine will not join NATO.",
            "Q212",
            "nato_membership",
            "content_of_directive",
            1.0,
        ),
        ("Zelensky said that Ukraine will not join NATO.", "Q212", "nato_membership", "content_of_directive", 0.0),
        # a topic said to favour a side: the holder's adversary makes it contra, the holder's own side pro
        ("Putin said a ceasefire could let Ukraine rearm.", "Q7747", "ceasefire", "path_polarity", "contra"),
        ("Putin said a ceasefire could let Ukraine rearm.", "Q7747", "military_aid", "path_polarity", "contra"),
        ("Moscow said a truce would only benefit Kyiv.", "Q159", "ceasefire", "path_polarity", "contra"),
        ("Zelensky said a ceasefire would help Russia regroup.", "Q3881739", "ceasefire", "path_polarity", "contra"),
        ("Zelensky said a ceasefire would give Ukraine time.", "Q3881739", "ceasefire", "path_polarity", "pro"),
        ("Kallas said a ceasefire would give Russia time.", "kaja_kallas", "ceasefire", "path_polarity", "pro"),
        # a coordinated verb with a tense of its own is out of its head's negation; one joined by "or" is not
        ("Kyiv would not cede any land and called for tougher sanctions.", "Q212", "sanctions", "path_polarity", "pro"),
        (
            "Kyiv would not cede any land and called for tougher sanctions.",
            "Q212",
            "territory",
            "path_polarity",
            "contra",
        ),
        ("Russia will not withdraw its troops or accept a ceasefire.", "Q159", "ceasefire", "path_polarity", "contra"),
        # wanting or being ready to do something passes the stance of what is done
        ("Russia is seeking to delay a ceasefire.", "Q159", "ceasefire", "holder_cue_class", "opposes"),
        ("Russia is seeking to delay a ceasefire.", "Q159", "ceasefire", "path_polarity", "contra"),
        ("Russia is seeking a ceasefire.", "Q159", "ceasefire", "path_polarity", "pro"),
        (
            "Russia demanded that NATO rule out membership for Ukraine.",
            "Q159",
            "nato_membership",
            "path_polarity",
            "contra",
        ),
        # a subject may deny its verb ("neither … nor"), however far from it
        (
            "Neither Europe nor Ukraine will legally recognise occupied land as Russian.",
            "Q212",
            "territory",
            "path_polarity",
            "contra",
        ),
        # a topic that qualifies a reversal noun is not reversed by it ("a humanitarian pause")
        ("Moscow offered a humanitarian pause.", "Q159", "humanitarian", "topic_reversed", 0.0),
        ("The Kremlin ignored the ceasefire proposal.", "Q159", "ceasefire", "path_polarity", "contra"),
        (
            "Washington has been reticent about security guarantees.",
            "Q30",
            "security_guarantees",
            "path_polarity",
            "contra",
        ),
        # what the holder says while doing something else is its stance; what it says as the means of an act is not
        (
            "Starmer condemned the attacks on Kyiv, saying Putin must agree to a ceasefire.",
            "keir_starmer",
            "ceasefire",
            "path_polarity",
            "pro",
        ),
        (
            "Zelensky pushed back by noting that any territorial change must be approved in a referendum.",
            "Q3881739",
            "territory",
            "path_polarity",
            "contra",
        ),
        # a list shares the stance and the reversal of its first member (whatever the parser made of "halt")
        (
            "Putin demanded that Ukraine halt arms supplies, military mobilization and troop training.",
            "Q7747",
            "mobilization",
            "holder_cue_class",
            "demands",
        ),
        (
            "Putin demanded that Ukraine halt arms supplies, military mobilization and troop training.",
            "Q7747",
            "mobilization",
            "path_polarity",
            "contra",
        ),
        # a phrase that says its own negation is not negated again by its parts ("is not prepared to")
        (
            "Kyiv insists on a ceasefire and is not prepared to discuss territorial concessions.",
            "Q212",
            "territory",
            "path_polarity",
            "contra",
        ),
        # a topic's own words may reverse it; an asset freeze or a price cap is a sanction itself
        ("Washington withdrew from the peace process in April.", "Q30", "mediation", "path_polarity", "contra"),
        ("Russia called for the easing of sanctions.", "Q159", "sanctions", "path_polarity", "contra"),
        ("Moscow demanded a NATO ban for Ukraine.", "Q159", "nato_membership", "path_polarity", "contra"),
        ("The EU agreed an asset freeze on Russian banks.", "Q458", "sanctions", "path_polarity", "pro"),
        # a threat to do something takes the stance of what it would do
        ("Hungary threatened to veto the sanctions.", "Q28", "sanctions", "path_polarity", "contra"),
        ("Washington threatened to exit the talks.", "Q30", "direct_talks", "path_polarity", "contra"),
        # one negation is read once, and a phrase without one of its own is negated as a word is
        ('"We are not against a ceasefire as such," Medinsky said.', "Q1370425", "ceasefire", "path_polarity", "pro"),
        (
            "Washington had not given up on a summit between the presidents.",
            "Q30",
            "leaders_meeting",
            "path_polarity",
            "pro",
        ),
        ("The Kremlin said no one could guarantee a ceasefire.", "Q159", "ceasefire", "path_polarity", "contra"),
        ("Putin proposed negotiations without a ceasefire.", "Q7747", "ceasefire", "path_polarity", "contra"),
        # "warn that" reports, "warn against" opposes: what Rubio warned of says his stance, not the warning
        ("Rubio warned against a premature ceasefire.", "Q324546", "ceasefire", "path_polarity", "contra"),
        (
            "Rubio warned that sanctions relief was not on the table.",
            "Q324546",
            "sanctions",
            "holder_cue_class",
            "offers",
        ),
        ("Rubio warned that sanctions relief was not on the table.", "Q324546", "sanctions", "path_polarity", "pro"),
        # ... but not to a topic that is only its adjunct: the truce comes after the withdrawal Putin demands
        (
            "The Russian president demanded that Kyiv withdraw its forces from the four regions before any truce.",
            "Q7747",
            "ceasefire",
            "path_polarity",
            "pro",
        ),
        ("Russia wants to keep Ukraine out of the alliance.", "Q159", "nato_membership", "path_polarity", "contra"),
        ("Kyiv threatened to pull out of the talks.", "Q212", "direct_talks", "path_polarity", "contra"),
        # a threat to leave the talks is against them; a threat of sanctions is for them
        ("Washington is prepared to walk away from mediation.", "Q30", "mediation", "path_polarity", "contra"),
        ("Washington is prepared to walk away from mediation.", "Q30", "mediation", "rule_polarity", "contra"),
        ("Trump threatened to step back from the peace talks.", "Q22686", "direct_talks", "rule_polarity", "contra"),
        # mediation named by leaving it: readiness to leave is against it
        ("Washington is prepared to walk away from the talks.", "Q30", "mediation", "rule_polarity", "contra"),
        # removing troops from a region is its territorial change, not a reversal of it
        ("Moscow wants Ukraine to remove its troops from Donetsk.", "Q159", "territory", "rule_polarity", "pro"),
        ("Washington threatened new sanctions.", "Q30", "sanctions", "path_polarity", "pro"),
        # whoever sets a penalty on a condition wants the condition unmet; a favour's condition reads as any clause
        (
            "Macron said that if Moscow does not accept a truce, Europe will tighten sanctions.",
            "europe",
            "ceasefire",
            "path_polarity",
            "pro",
        ),
        (
            "Should there not be a ceasefire, we will act together on sanctions, Starmer said.",
            "keir_starmer",
            "ceasefire",
            "path_polarity",
            "pro",
        ),
        ("Washington threatened sanctions unless Moscow accepted a truce.", "Q30", "ceasefire", "path_polarity", "pro"),
        ("Britain will impose sanctions if Russia rejects a ceasefire.", "Q145", "ceasefire", "path_polarity", "pro"),
        (
            "Kyiv would accept a truce if Moscow did not demand territory.",
            "Q212",
            "territory",
            "path_polarity",
            "contra",
        ),
        ("Washington will lift sanctions if Russia accepts a ceasefire.", "Q30", "ceasefire", "path_polarity", "pro"),
        (
            "Zelensky urged harsher sanctions should Russia reject a ceasefire.",
            "Q3881739",
            "ceasefire",
            "path_polarity",
            "pro",
        ),
        # "his counterpart's offer" is the counterpart's: the possessive pronoun holds nothing
        ("Putin rejected his counterpart's offer of a summit.", "Q7747", "leaders_meeting", "via", "mention"),
        # a negation denies the verb it hangs on, not the next noun's owner
        ("Moscow cannot accept U.S. proposals for a ceasefire.", "Q30", "ceasefire", "path_polarity", "pro"),
        ("Moscow cannot accept U.S. proposals for a ceasefire.", "Q159", "ceasefire", "path_polarity", "contra"),
        # a reflexive repeats its subject, which holds the stance
        ("Trump did not rule out joining the talks himself.", "Q22686", "direct_talks", "via", "mention"),
        ("Trump did not rule out joining the talks himself.", "Q22686", "direct_talks", "path_polarity", "pro"),
        # a copula's adverb is its predicate ("is too soon"); another verb's is not ("accept only if")
        (
            "Germany believes it is too soon for Ukraine to join NATO.",
            "Q183",
            "nato_membership",
            "path_polarity",
            "contra",
        ),
        ("Kyiv will accept talks only if Russia withdraws.", "Q212", "direct_talks", "holder_cue_class", "accepts"),
        ("Kyiv insisted on a ceasefire.", "Q212", "ceasefire", "gov_class", "demands"),
        # a cue is matched by its lemma: "hoped" is "hope" (spaCy 3.8.8 and later read it as "hop")
        ("Kyiv hoped for a ceasefire.", "Q212", "ceasefire", "gov_class", "supports"),
        ("Kyiv will not accept a truce.", "Q212", "ceasefire", "gov_negated", 1.0),
        # the subject of a condition is no candidate at all ("if Russia rejects the truce"): its cue is read here
        ("Kyiv will sign the deal only if a ceasefire is agreed first.", "Q212", "ceasefire", "gov_hypothetical", 1.0),
        ("Kyiv would accept a truce.", "Q212", "ceasefire", "verb_modal", 1.0),
        ("Kyiv accepted a truce.", "Q212", "ceasefire", "verb_past", 1.0),
        ("Kyiv wants a truce.", "Q212", "ceasefire", "analysis_word", 1.0),
        ("Kyiv demanded a ceasefire.", "Q212", "ceasefire", "rule_polarity", "pro"),
        # the topic and the sentence
        ("Kyiv demanded a ceasefire.", "Q212", "ceasefire", "topic", "ceasefire"),
        ("Ankara welcomed the talks.", "Q43", "mediation", "topic_kind", "derived"),
        # who meets says a meeting is the leaders', wherever the parser hangs "between" in the clause
        (
            "Kyiv proposed a meeting before the end of August between Zelensky and Putin.",
            "Q212",
            "leaders_meeting",
            "topic_kind",
            "strong",
        ),
        ("Kyiv proposed a meeting with Putin and Trump.", "Q212", "leaders_meeting", "topic_kind", "strong"),
        ("Kyiv proposed a meeting of experts in Geneva.", "Q212", "leaders_meeting", "topic_kind", "weak"),
        # one leader's own title makes no meeting of leaders; a leader named by office does
        ("President Putin met the U.S. envoy in the Kremlin.", "Q7747", "leaders_meeting", "topic_kind", "weak"),
        ("Putin proposed a meeting with the Ukrainian president.", "Q7747", "leaders_meeting", "topic_kind", "strong"),
        # talks the leaders hold themselves are their meeting too; talks without them are not
        ("Zelensky is open to direct negotiations with Putin.", "Q3881739", "leaders_meeting", "topic_kind", "strong"),
        ("Kyiv said there would be no ceasefire.", "Q212", "ceasefire", "topic_negated", 1.0),
        ('Zelensky said: "Kyiv wants a ceasefire."', "Q212", "ceasefire", "quoted_share", 0.5),
        ("Kyiv demanded a ceasefire.", "Q212", "ceasefire", "first_sentence", 1.0),
    ],
)
def test_a_feature_reads_what_it_claims(text: str, actor: str, topic: str, name: str, expected: object) -> None:
    assert _feature(text, actor, topic, name) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Members of the Ukrainian (R) and Russian (L) delegations attend the peace talks in Istanbul.",
        "Foreign ministers (from 2nd L) of Turkey and Ukraine meet before the talks on a truce.",
    ],
)
def test_a_photo_caption_gives_no_candidates(text: str) -> None:
    assert _views(text) == []


def test_a_sentence_about_another_war_gives_no_candidates() -> None:
    assert _views("In Doha, Fidan urged Hamas and Israel to keep the truce and return to the talks.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Iranian drones struck Kyiv hours after Zelensky proposed a ceasefire.",
        "Witkoff, who brokered the Gaza truce, said Moscow now wants a ceasefire too.",
    ],
)
def test_a_sentence_naming_another_war_beside_this_one_keeps_its_candidates(text: str) -> None:
    assert {v.candidate.topic for v in _views(text)} >= {"ceasefire"}


@pytest.mark.parametrize(
    "text",
    [
        "In March 2022, Kyiv and Moscow were close to a ceasefire in Istanbul.",
        "Back in 2023, Zelensky demanded a ceasefire.",
        "In the fall of 2022, Zelensky rejected talks with Putin.",
        "In 2022, Russia said it would accept a ceasefire.",
        "The last talks took place in Istanbul on March 29, 2022, where Kyiv proposed a ceasefire.",
    ],
)
def test_a_clause_dated_years_before_the_article_gives_no_candidates(text: str) -> None:
    assert _views(text, date(2025, 6, 1)) == []


@pytest.mark.parametrize(
    "text",
    [
        "Kyiv proposed a ceasefire in 2024.",  # last year's stance may still stand
        "The first talks since 2022 ended with Moscow rejecting a ceasefire.",
        "Putin demanded the borders of 2021 and a return to the 2022 Istanbul draft on a ceasefire.",
        "In 2022 Russia invaded Ukraine, and now Putin rejects a ceasefire.",
    ],
)
def test_a_year_that_does_not_date_the_stance_keeps_its_candidates(text: str) -> None:
    assert {v.candidate.topic for v in _views(text, date(2025, 6, 1))} >= {"ceasefire"}


def test_without_the_article_date_no_clause_is_history() -> None:
    assert _views("In March 2022, Kyiv and Moscow were close to a ceasefire in Istanbul.")


@pytest.mark.parametrize(
    "text",
    [
        "Putin and Trump spoke by phone for two hours. The call ended without a ceasefire deal.",
        "Russian and Ukrainian delegates met in Riyadh. The talks ended with no agreement on a ceasefire.",
        "The summit in Helsinki concluded without progress toward a ceasefire, Macron said.",
    ],
)
def test_talks_that_end_without_a_deal_are_an_outcome_not_a_stance(text: str) -> None:
    assert not {v.candidate.topic for v in _views(text)} & {"ceasefire"}


@pytest.mark.parametrize(
    "text",
    [
        "Putin ended the call without agreeing to a ceasefire.",  # the refusal is under "agreeing"
        "Zelensky said the talks must not end without a ceasefire.",
    ],
)
def test_a_stance_on_how_talks_end_keeps_its_candidates(text: str) -> None:
    assert {v.candidate.topic for v in _views(text)} >= {"ceasefire"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ushakov said Moscow still insisted that Ukrainian forces leave Donbas.", set()),
        ("Russian troops are advancing on all sections of the front, Putin said.", set()),
        ("Putin wants Ukraine to pull its forces out of Donetsk.", set()),  # its: Ukraine's
        ("Britain said it was ready to send its troops to Ukraine after a ceasefire.", {"Q145"}),
        ("Kyiv wants allied troops to stay after a ceasefire.", {"Q212"}),  # a third party's troops
    ],
)
def test_a_warring_sides_own_forces_are_no_security_guarantee(text: str, expected: set[str]) -> None:
    holders = {v.candidate.actor_id for v in _views(text) if v.candidate.topic == "security_guarantees"}
    if expected:
        assert expected <= holders
    else:
        assert not holders


def test_a_parenthesis_that_places_no_one_in_a_photo_keeps_the_sentence() -> None:
    assert _views("Kyiv (the capital) demanded a ceasefire in the talks (round 2).")


def test_the_previous_subject_is_remembered_per_sentence() -> None:
    text = "Erdogan spoke first. He said Turkey would host talks. Kyiv later demanded a truce."
    views = _views(text)
    host = next(v for v in views if v.candidate.actor_id == "Q39259" and v.candidate.topic == "mediation")
    truce = next(v for v in views if v.candidate.actor_id == "Q212" and v.candidate.topic == "ceasefire")
    assert FEATURES["holder_was_previous_subject"](host) == 1.0
    assert FEATURES["holder_was_previous_subject"](truce) == 0.0


def test_a_pair_that_recurs_is_counted_and_ordered_through_the_document() -> None:
    text = (
        "Kyiv demanded a ceasefire on Monday. Moscow said nothing. Kyiv repeated its call for a truce. "
        "Later Kyiv asked again for a ceasefire and offered talks."
    )
    views = [v for v in _views(text) if v.candidate.actor_id == "Q212"]
    truce = [v for v in views if v.candidate.topic == "ceasefire"]
    assert [FEATURES["pair_order"](v) for v in truce] == [0.0, 1.0, 2.0]
    assert {FEATURES["pair_sentences"](v) for v in truce} == {3.0}
    talks = next(v for v in views if v.candidate.topic == "direct_talks")
    assert FEATURES["pair_sentences"](talks) == 1.0
    assert FEATURES["holder_sentences"](talks) == 3.0
    assert FEATURES["topic_sentences"](talks) == 1.0
    # the sentence without a candidate does not count
    assert FEATURES["candidate_sentences"](talks) == 3.0
    assert [FEATURES["sentence_place"](v) for v in truce] == pytest.approx([0.0, 1 / 3, 2 / 3])


def test_every_feature_gives_a_number_or_a_value_of_its_vocabulary() -> None:
    text = (
        "Russia and Ukraine agreed a prisoner swap in Istanbul. The Kremlin rejected an unconditional ceasefire, "
        "while Zelensky said Kyiv was ready for talks at the highest level. Both sides will meet again.\n\n"
        '"We demand security guarantees," the Ukrainian foreign minister said. Washington threatened sanctions.'
    )
    views = _views(text, date(2025, 6, 1))
    assert len(views) > 10
    for view in views:
        for name, function in FEATURES.items():
            value = function(view)
            if name in VOCABULARIES:
                assert value in VOCABULARIES[name], (name, value)
            else:
                assert isinstance(value, float) and math.isfinite(value), (name, value)
        assert vector(view) == [encode(name, function(view)) for name, function in FEATURES.items()]


def test_a_feature_read_once_per_sentence_is_the_same_for_every_candidate_of_it() -> None:
    text = (
        "Russia and Ukraine agreed a prisoner swap, and the Kremlin rejected a ceasefire. "
        '"We demand security guarantees and talks," the Ukrainian foreign minister said, as Turkey offered mediation.'
    )
    views = _views(text)
    sentences = {v.candidate.sentence.index for v in views}
    assert len(views) > 2 * len(sentences)
    assert {"quoted_share", "sentence_has_rejects"} <= PER_SENTENCE
    for index in sentences:
        same = [v for v in views if v.candidate.sentence.index == index]
        for name in PER_SENTENCE:
            assert len({FEATURES[name](v) for v in same}) == 1, name


def test_a_question_makes_no_candidate() -> None:
    assert _views("Does Kyiv want a ceasefire?") == []


@pytest.mark.parametrize(
    "text",
    [
        "The Elysee has not said whether it would back new sanctions.",
        "Asked whether Moscow would agree to a truce, the spokesman smiled.",
        "Washington will decide next week whether to impose sanctions.",
    ],
)
def test_an_indirect_question_makes_no_candidate(text: str) -> None:
    assert _views(text) == []


def test_a_stance_an_indirect_question_only_mentions_keeps_its_candidates() -> None:
    views = _views("Putin gave little detail on whether he would drop his demands for territory.")
    assert ("Q7747", "territory") in {(v.candidate.actor_id, v.candidate.topic) for v in views}
    # and a question beside a statement leaves the statement
    views = _views("Kyiv asked whether the talks would resume, and demanded a ceasefire.")
    assert ("Q212", "ceasefire") in {(v.candidate.actor_id, v.candidate.topic) for v in views}


def test_an_unseen_category_is_encoded_as_other() -> None:
    assert encode("holder_dep", "no such dependency") == len(VOCABULARIES["holder_dep"]) - 1


def test_features_never_see_document_names() -> None:
    a = [FEATURES[n](v) for v in _views("Kyiv demanded a ceasefire.") for n in FEATURES]
    ((_, _, _, views),) = list(parse_documents([("another_name", "Kyiv demanded a ceasefire.", None)]))
    b = [FEATURES[n](v) for v, _ in views for n in FEATURES]
    assert a == b
    assert load_kb().actors["Q212"].name == "Ukraine"


def test_every_cue_list_reads_its_words_as_words(tmp_path: Path) -> None:
    from transforms.cues import CUES_PATH, load_cues

    assert "no" in load_cues().negations
    # YAML reads a bare `no` as false: the loader refuses it rather than read "false" as a negation.
    broken = tmp_path / "cues.yaml"
    broken.write_text(CUES_PATH.read_text(encoding="utf-8").replace('"no", nor', "no, nor"), encoding="utf-8")
    with pytest.raises(ValueError, match="negations"):
        load_cues(broken)


def test_talks_without_leaders_are_no_leaders_meeting() -> None:
    assert "leaders_meeting" not in {v.candidate.topic for v in _views("Russian and Ukrainian delegations held talks.")}


@pytest.mark.parametrize(
    ("text", "topic", "absent", "present"),
    [
        # whose allies, partners or counterpart they are holds nothing by what they do
        ("Ukraine's allies, including Britain and France, demanded a ceasefire.", "ceasefire", "Q212", "Q145"),
        ("The allies of Ukraine demanded a ceasefire.", "ceasefire", "Q212", None),
        (
            "Umerov's Russian counterpart, Vladimir Medinsky, proposed a prisoner swap.",
            "pow_exchange",
            "rustem_umerov",
            "Q1370425",
        ),
        # while a group's members do: "the leaders of France and Poland"
        ("The leaders of France and Poland demanded a ceasefire.", "ceasefire", None, "Q36"),
        # whose neutrality or membership a topic names is what others' demands are about, not a holder
        ("Moscow listed its demands, including Ukraine's neutrality.", "neutrality", "Q212", "Q159"),
        ("Russia opposes Ukraine's NATO membership.", "nato_membership", "Q212", "Q159"),
        # while whose truce it is declared it: "Putin's Easter truce"
        ("Putin's Easter truce ended on Monday.", "ceasefire", None, "Q7747"),
        # the sides a mediator brings together are no mediators, while the mediator named is a holder
        ("With Qatari mediation, both sides agreed to swap prisoners.", "mediation", "Q212", "Q846"),
        ("With Qatari mediation, both sides agreed to swap prisoners.", "mediation", "Q159", None),
    ],
)
def test_whose_allies_neutrality_or_mediation_a_noun_names_holds_no_stance_by_it(
    text: str, topic: str, absent: str | None, present: str | None
) -> None:
    holders = {v.candidate.actor_id for v in _views(text) if v.candidate.topic == topic}
    if absent is not None:
        assert absent not in holders
    if present is not None:
        assert present in holders


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a stance phrase's own word is no topic: what is given "in exchange for" guarantees swaps no prisoners
        ("Ankara suggested a ceasefire in exchange for a pause in strikes.", set()),
        ("Kyiv would drop its bid in return for guarantees.", set()),
        # while a person traded is a swap
        ("Washington freed a hacker in exchange for Marc Fogel.", {"pow_exchange"}),
    ],
)
def test_a_word_of_a_stance_phrase_names_no_topic(text: str, expected: set[str]) -> None:
    assert {v.candidate.topic for v in _views(text)} & {"pow_exchange"} == expected


@pytest.mark.parametrize(
    ("text", "absent", "present"),
    [
        # what a denied report says is no stance of whom it names
        ("Peskov denied reports that Putin would agree to a truce in May.", "Q7747", None),
        ("The Kremlin brushed off rumours that Putin might attend a summit with Zelensky.", "Q7747", None),
        ("Peskov dismissed the claims and the rumours that Putin would agree to a truce.", "Q7747", None),
        # a report confirmed, or one nobody denies, keeps its actor
        ("Peskov confirmed reports that Putin would agree to a truce in May.", None, "Q7747"),
        ("Reports say Putin would agree to a truce in May.", None, "Q7747"),
    ],
)
def test_whom_a_denied_report_names_holds_no_stance_by_it(text: str, absent: str | None, present: str | None) -> None:
    holders = {v.candidate.actor_id for v in _views(text)}
    if absent is not None:
        assert absent not in holders
    if present is not None:
        assert present in holders
