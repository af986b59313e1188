"""Cue words for positions: the taxonomy's stances and topics, extended with common forms.

The taxonomy (``transforms/data/taxonomy.yaml``, a copy of the team's vocabulary; ids never change)
gives each stance and topic a few cues; this module expands them into the inflected words and phrases
the extractor matches, without any sentence of any particular article.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

TAXONOMY_PATH = Path(__file__).with_name("data") / "taxonomy.yaml"

# Verb lemmas per stance (inflected automatically); nouns and adjectives are listed as they appear.
STANCE_VERBS: dict[str, list[str]] = {
    "demands": ["demand", "insist", "require", "press", "push"],
    "proposes": ["propose", "suggest", "float", "invite", "put forward", "plan"],
    "supports": [
        "adopt",
        "impose",
        "tighten",
        "encourage",
        "support",
        "back",
        "endorse",
        "favour",
        "favor",
        "welcome",
        "urge",
        "advocate",
        "seek",
        "want",
        "hope",
        "aim",
        "prefer",
        "pursue",
        "favour",
        "resume",
        "revive",
        "return",
        "restore",
        "need",
    ],
    "accepts": ["accept", "agree", "consent", "embrace", "sign", "approve", "attend", "join", "recognise", "recognize"],
    "offers": ["offer", "pledge", "promise", "announce", "declare", "host"],
    "rejects": ["reject", "dismiss", "turn down", "rebuff", "spurn", "deem", "denounce", "derail", "sabotage"],
    "opposes": [
        "oppose",
        "object",
        "resist",
        "warn",
        "criticise",
        "criticize",
        "condemn",
        "avoid",
        "block",
        "prevent",
        "delay",
        "undermine",
        "exclude",
        "fear",
        "stall",
    ],
    "refuses": ["refuse", "rule out", "decline", "withdraw", "abandon", "veto", "boycott", "suspend", "disengage"],
    "threatens": ["threaten", "retaliate", "back away", "walk away"],
}
STANCE_NOUNS: dict[str, list[str]] = {
    "demands": ["demand", "demands", "insistence", "ultimatum", "call", "calls", "requirement"],
    "proposes": [
        "proposal",
        "proposals",
        "plan",
        "initiative",
        "idea",
        "invitation",
        "counteroffer",
        "counterproposal",
        "offer",
        "vision",
        "gambit",
        "overture",
    ],
    "supports": ["support", "goal", "aim", "desire", "interest", "hope", "priority", "push", "bid", "backing"],
    "accepts": ["agreement", "acceptance", "consent"],
    "offers": ["pledge", "promise", "readiness", "willingness", "commitment"],
    "conditions": ["precondition", "preconditions", "condition", "conditions", "entry ticket"],
    "rejects": ["rejection", "dismissal"],
    "opposes": ["opposition", "objection", "objections"],
    "refuses": ["refusal", "ban", "withdrawal"],
    "threatens": ["threat", "threats"],
}
STANCE_ADJECTIVES: dict[str, list[str]] = {
    "offers": ["ready", "willing", "open", "prepared", "eager", "keen"],
    "rejects": ["unacceptable", "meaningless", "pointless", "futile", "worthless"],
    "opposes": ["opposed", "reluctant", "loath", "unwilling", "sceptical", "skeptical", "unwanted", "undesirable"],
}
# Verbs that only carry another verb ("tried to block", "never intended to accept"): not cues themselves,
# they pass their negation on to the cue they govern and mark the position as analysis.
CONTROL_WORDS = frozenset(
    [
        "try",
        "tries",
        "tried",
        "trying",
        "attempt",
        "attempts",
        "attempted",
        "attempting",
        "intend",
        "intends",
        "intended",
        "intending",
        "continue",
        "continues",
        "continued",
        "continuing",
        "begin",
        "begins",
        "began",
        "begun",
        "unlikely",
        "unable",
        "likely",
    ]
)
# Words that make a position the author's reading of an actor's aims rather than its declared stance.
ANALYSIS_WORDS = frozenset(
    [
        "want",
        "wants",
        "wanted",
        "seek",
        "seeks",
        "seeking",
        "sought",
        "hope",
        "hopes",
        "hoping",
        "aim",
        "aims",
        "aiming",
        "try",
        "tries",
        "trying",
        "tried",
        "likely",
        "unlikely",
        "intend",
        "intends",
        "goal",
        "desire",
        "interest",
        "appears",
        "seems",
        "probably",
        "may",
        "might",
        "could",
        "would",
        "calculus",
        "strategy",
        "priority",
        "understands",
        "sees",
        "prefer",
        "prefers",
        "need",
        "needs",
        "attempt",
    ]
)
STATED_WORDS = frozenset(
    [
        "said",
        "says",
        "say",
        "stated",
        "announced",
        "declared",
        "insisted",
        "insists",
        "told",
        "called",
        "proposed",
        "rejected",
        "reportedly",
        "according",
        "statement",
        "officially",
        "publicly",
        "formally",
    ]
)
# Before a topic cue, these make the topic's outcome the thing the actor wants stopped.
REVERSAL_WORDS = frozenset(
    [
        "instead",
        "end",
        "halt",
        "freeze",
        "freezing",
        "lifting",
        "lift",
        "easing",
        "ease",
        "without",
        "withdrawal",
        "stop",
        "stopping",
        "cut",
        "cuts",
        "against",
        "suspension",
        "suspend",
        "no",
        "reduce",
        "reduction",
        "limits",
        "lift",
    ]
)
EXTRA_TOPIC_CUES: dict[str, list[str]] = {
    "ceasefire": [
        "end the war",
        "ending the war",
        "end to the war",
        "stop the war",
        "stop the fighting",
        "ceasefire",
        "ceasefires",
        "cease-fire",
        "truce",
        "truces",
        "armistice",
        "halt to the fighting",
        "halt in the fighting",
        "pause in hostilities",
        "de-escalate",
        "moratorium",
        "calm",
    ],
    "direct_talks": [
        "talks",
        "negotiations",
        "negotiation",
        "negotiate",
        "negotiating",
        "dialogue",
        "delegation",
        "delegations",
        "round of talks",
        "negotiating table",
        "peace talks",
        "peace process",
        "format",
        "diplomacy",
        "meet again",
        "the table",
    ],
    "leaders_meeting": [
        "summit",
        "meet face-to-face",
        "face-to-face meeting",
        "one-on-one",
        "meet personally",
        "highest level",
        "higher level",
        "higher levels",
        "top level",
        "negotiate personally",
        "meet in person",
        "attend in person",
        "personal meeting",
        "bilateral summit",
        "meeting between putin and",
        "meet putin",
        "meet zelensky",
        "meet trump",
        "direct meeting",
    ],
    "territory": [
        "territory",
        "territories",
        "territorial",
        "annexation",
        "annexations",
        "annexed",
        "regions",
        "concessions",
        "recognition",
        "crimea",
        "donbas",
        "donbass",
        "donetsk",
        "luhansk",
        "zaporizhzhia",
        "kherson",
        "occupied",
        "borders",
        "land",
        "sovereignty",
        "territorial consolidation",
    ],
    "nato_membership": [
        "nato membership",
        "join nato",
        "nato ban",
        "membership",
        "accession",
        "nato aspirations",
        "nato enlargement",
        "nato expansion",
        "nato bid",
    ],
    "neutrality": ["neutral status", "neutrality", "non-aligned", "non-bloc", "neutral"],
    "security_guarantees": [
        "security guarantees",
        "guarantees",
        "guarantors",
        "guarantor",
        "peacekeepers",
        "peacekeeping",
        "reassurance force",
        "security assurances",
        "backstop",
    ],
    "sanctions": [
        "sanctions",
        "sanctions package",
        "penalties",
        "embargo",
        "price cap",
        "secondary tariffs",
        "restrictions",
    ],
    "military_aid": [
        "military aid",
        "arms supplies",
        "weapons",
        "arms deliveries",
        "arm kyiv",
        "arms production",
        "military support",
        "support for ukraine",
        "western support",
        "military assistance",
        "weapons deliveries",
        "ammunition",
        "arms",
    ],
    "mobilization": [
        "mobilization",
        "mobilisation",
        "mobilizations",
        "mobilisations",
        "conscription",
        "troop mobilizations",
    ],
    "pow_exchange": [
        "prisoner exchange",
        "prisoners of war",
        "pow",
        "pows",
        "swap",
        "exchange of prisoners",
        "prisoner swap",
        "prisoners",
        "exchange",
        "deported children",
        "return of children",
    ],
    "demilitarization": [
        "demilitarise",
        "demilitarize",
        "demilitarization",
        "demilitarisation",
        "size of armed forces",
        "size of its army",
        "limits on the army",
        "limits on its army",
    ],
    "regime_change": [
        "regime change",
        "change of leadership",
        "legitimate",
        "illegitimate",
        "legitimacy",
        "mandate",
        "elections",
        "denazification",
        "leadership in kyiv",
        "no legitimate leadership",
    ],
    "mediation": [
        "mediation",
        "mediator",
        "mediate",
        "mediating",
        "host talks",
        "withdraw from the process",
        "mediation efforts",
        "broker",
        "the process",
        "initiative",
    ],
    "root_causes": ["root causes", "indivisible security", "stable peace", "historical mistake", "durable peace"],
    "humanitarian": [
        "humanitarian",
        "civilians",
        "grain deal",
        "black sea",
        "energy infrastructure",
        "maritime",
        "shipping",
        "humanitarian corridors",
    ],
    "relations_normalization": [
        "restoring relations",
        "diplomatic ties",
        "business contacts",
        "normalisation",
        "normalization",
        "global issues",
        "global problems",
        "embassies",
        "economic cooperation",
        "rehabilitation",
        "cooperation",
        "restoration",
    ],
}


IRREGULAR = {
    "seek": {"sought"},
    "withdraw": {"withdrew", "withdrawn"},
    "put": {"put"},
    "take": {"took", "taken"},
    "hold": {"held"},
    "lay": {"laid"},
}


@dataclass(frozen=True)
class Taxonomy:
    """Stance polarities and the topic ids, as the team's vocabulary defines them."""

    polarity: dict[str, str]
    topics: tuple[str, ...]


@functools.cache
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Read the taxonomy once per process."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    polarity = {name: str(spec["polarity"]) for name, spec in data["stances"].items()}
    return Taxonomy(polarity, tuple(data["topics"]))


def inflections(lemma: str) -> set[str]:
    """Return the regular inflected forms of a verb (or the last word of a phrasal verb)."""
    *head, last = lemma.split()
    forms = {last, last + "s", last + "es", last + "ed", last + "d", last + "ing"}
    if last.endswith("e"):
        forms |= {last[:-1] + "ing", last + "d"}
    if last.endswith("y"):
        forms |= {last[:-1] + "ies", last[:-1] + "ied"}
    if len(last) > 2 and last[-1] not in "aeiouwyx" and last[-2] in "aeiou" and last[-3] not in "aeiou":
        forms |= {last + last[-1] + "ed", last + last[-1] + "ing"}
    forms |= IRREGULAR.get(last, set())
    return {" ".join([*head, f]) for f in forms}


@functools.cache
def topic_cues() -> dict[str, tuple[str, ...]]:
    """Every topic's cue phrases, lower-cased: the taxonomy's own plus the extensions above."""
    data = yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))
    cues = {}
    for topic, spec in data["topics"].items():
        phrases = {c.lower() for c in spec.get("cues", [])} | set(EXTRA_TOPIC_CUES.get(topic, []))
        cues[topic] = tuple(sorted(phrases))
    return cues


@functools.cache
def stance_words() -> dict[str, str]:
    """Map every single-word stance cue (inflected verbs, nouns, adjectives) to its stance."""
    table: dict[str, str] = {}
    for stance, lemmas in STANCE_VERBS.items():
        for lemma in lemmas:
            if " " not in lemma:
                for form in inflections(lemma):
                    table.setdefault(form, stance)
    for source in (STANCE_NOUNS, STANCE_ADJECTIVES):
        for stance, words in source.items():
            for word in words:
                if " " not in word:
                    table.setdefault(word, stance)
    return table
