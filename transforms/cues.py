"""The positions extractor's vocabulary, read from data files: stance and topic cues by lemma.

``transforms/data/cues.yaml`` holds the stance words (verbs, nouns, adjectives, phrases), speech,
control, analysis, reversal, negation and modal words, document and collective nouns;
``transforms/data/topic_cues.yaml`` the topic cues beyond the taxonomy's own, strong and weak;
``transforms/data/taxonomy.yaml`` (the team's vocabulary; ids never change) the stances' polarity.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data")
TAXONOMY_PATH = DATA / "taxonomy.yaml"
CUES_PATH = DATA / "cues.yaml"
TOPIC_CUES_PATH = DATA / "topic_cues.yaml"
STANCES = (
    "demands",
    "proposes",
    "supports",
    "accepts",
    "offers",
    "conditions",
    "rejects",
    "opposes",
    "refuses",
    "threatens",
)
# Cue classes beyond the stances: "hosts" (host, broker, facilitate) is a third party's offer to mediate.
CUE_CLASSES = (*STANCES, "hosts")
STANCE_OF_CLASS = {"hosts": "offers"}
# The stance that says the opposite: a negated "accepts" rejects, a negated "refuses" offers.
NEGATED_STANCE = {
    "offers": "refuses",
    "accepts": "rejects",
    "demands": "opposes",
    "proposes": "opposes",
    "supports": "opposes",
    "conditions": "opposes",
    "rejects": "accepts",
    "refuses": "offers",
    "opposes": "supports",
    "threatens": "threatens",
    "hosts": "refuses",
}

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """Stance polarities and the topic ids, as the team's vocabulary defines them."""

    polarity: dict[str, str]
    topics: tuple[str, ...]
    definitions: dict[str, str]


@dataclass(frozen=True)
class Cues:
    """Every word list of ``cues.yaml``, by lemma; stance lookups by part of speech."""

    verbs: dict[str, str]
    nouns: dict[str, str]
    adjectives: dict[str, str]
    phrases: tuple[tuple[Phrase, str], ...]
    speech: frozenset[str]
    control: frozenset[str]
    analysis: frozenset[str]
    reversal: frozenset[str]
    decrease: frozenset[str]
    negations: frozenset[str]
    modals: frozenset[str]
    documents: frozenset[str]
    author_verbs: frozenset[str]
    collective_nouns: frozenset[str]
    group_nouns: frozenset[str]
    relation_nouns: frozenset[str]
    possessed_topics: frozenset[str]
    reversal_exempt: dict[str, frozenset[str]]
    topic_reversal: dict[str, frozenset[str]]
    leaving_threats: frozenset[Phrase]
    exchange_phrases: frozenset[Phrase]
    other_conflicts: frozenset[str]
    benefit: frozenset[str]
    coercion: frozenset[str]
    accusation: frozenset[str]
    report_nouns: frozenset[str]
    denial_verbs: frozenset[str]
    harm: dict[str, frozenset[str]]
    generic_documents: frozenset[str]
    outcome_verbs: frozenset[str]
    event_nouns: frozenset[str]


@dataclass(frozen=True)
class TopicCue:
    """One topic cue phrase (lemmas) and whether it names the topic everywhere (strong) or only in context."""

    words: Phrase
    topic: str
    strong: bool


@functools.cache
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Read the taxonomy once per process."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    polarity = {name: str(spec["polarity"]) for name, spec in data["stances"].items()}
    definitions = {name: f"{spec['definition']}; {spec['pro']}" for name, spec in data["topics"].items()}
    return Taxonomy(polarity, tuple(data["topics"]), definitions)


def stance_polarity(stance: str) -> str:
    """Return a stance's polarity, ``pro`` for the topic-dependent ``threatens``."""
    value = load_taxonomy().polarity.get(stance, "pro")
    return "pro" if value == "by_topic" else value


def words(phrase: str) -> Phrase:
    """Split a cue phrase into lower-case words, hyphens and apostrophes as words of their own."""
    spaced = phrase.lower().replace("-", " - ").replace("’", "'").replace("'", " '")
    return tuple(spaced.split())


@functools.cache
def load_cues(path: Path = CUES_PATH) -> Cues:
    """Read the cue lexicon once per process."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    single: dict[str, dict[str, str]] = {"stance_verbs": {}, "stance_nouns": {}, "stance_adjectives": {}}
    phrases: list[tuple[Phrase, str]] = []
    for section, table in single.items():
        for stance, entries in data[section].items():
            for entry in entries:
                if len(words(entry)) == 1:
                    table.setdefault(entry.lower(), stance)
                else:
                    phrases.append((words(entry), stance))
    phrases += [(words(p), stance) for stance, entries in data["stance_phrases"].items() for p in entries]

    def listed(name: str) -> frozenset[str]:
        # YAML reads a bare no, yes, on or off as a boolean: a cue list must say "no" in quotes.
        odd = [w for w in data[name] if not isinstance(w, str)]
        if odd:
            raise ValueError(f"{path}: {name} has entries that are not words: {odd} (quote them)")
        return frozenset(w.lower() for w in data[name])

    return Cues(
        verbs=single["stance_verbs"],
        nouns=single["stance_nouns"],
        adjectives=single["stance_adjectives"],
        phrases=tuple(sorted(phrases, key=lambda p: -len(p[0]))),
        speech=listed("speech_verbs"),
        control=listed("control_words"),
        analysis=listed("analysis_words"),
        reversal=listed("reversal_words"),
        decrease=listed("decrease_comparatives"),
        negations=listed("negations"),
        modals=listed("modals"),
        documents=listed("documents"),
        author_verbs=listed("author_verbs"),
        collective_nouns=listed("collective_nouns"),
        group_nouns=listed("group_nouns"),
        relation_nouns=listed("relation_nouns"),
        possessed_topics=listed("possessed_topics"),
        reversal_exempt={t: frozenset(w.lower() for w in ws) for t, ws in data["reversal_exempt"].items()},
        topic_reversal={t: frozenset(w.lower() for w in ws) for t, ws in data["topic_reversal"].items()},
        leaving_threats=frozenset(words(p) for p in data["leaving_threats"]),
        exchange_phrases=frozenset(words(p) for p in data["exchange_phrases"]),
        other_conflicts=listed("other_conflicts"),
        benefit=listed("benefit_verbs"),
        coercion=listed("coercion_verbs"),
        accusation=listed("accusation_verbs"),
        report_nouns=listed("report_nouns"),
        denial_verbs=listed("denial_verbs"),
        harm={t: frozenset(w.lower() for w in ws) for t, ws in data["harm_words"].items()},
        generic_documents=listed("generic_documents"),
        outcome_verbs=listed("outcome_verbs"),
        event_nouns=listed("event_nouns"),
    )


@functools.cache
def topic_pairs(path: Path = TOPIC_CUES_PATH) -> dict[tuple[str, str], str]:
    """Verb and noun lemmas that name a topic together ("end" + "war"), in either order."""
    extra = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        (str(verb), str(noun)): topic for topic, pairs in (extra.get("pairs") or {}).items() for verb, noun in pairs
    }


@functools.cache
def pair_destinations(path: Path = TOPIC_CUES_PATH) -> dict[str, frozenset[str]]:
    """Topics whose pairs name them only with one of these destinations ("send troops to Ukraine")."""
    extra = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        topic: frozenset(str(w).lower() for w in words)
        for topic, words in (extra.get("pair_destinations") or {}).items()
    }


@functools.cache
def noun_cues(path: Path = TOPIC_CUES_PATH) -> frozenset[str]:
    """Weak one-word cues that name their topic only as nouns ("the root cause", not "cause a blackout")."""
    extra = yaml.safe_load(path.read_text(encoding="utf-8"))
    return frozenset(str(w).lower() for w in extra.get("nouns_only") or [])


@functools.cache
def fighting_words(path: Path = TOPIC_CUES_PATH) -> frozenset[str]:
    """Return what a pause or halt must be of to be a truce ("a pause in the fighting", not "in deliveries")."""
    extra = yaml.safe_load(path.read_text(encoding="utf-8"))
    return frozenset(str(w).lower() for w in extra.get("fighting_words") or [])


@functools.cache
def topic_cues(path: Path = TOPIC_CUES_PATH) -> tuple[TopicCue, ...]:
    """Every topic cue: the taxonomy's own (strong unless the data file lists it as weak) and the data file's."""
    taxonomy = yaml.safe_load(TAXONOMY_PATH.read_text(encoding="utf-8"))
    extra = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: dict[tuple[Phrase, str], bool] = {}
    for topic, spec in taxonomy["topics"].items():
        if topic not in extra:
            raise ValueError(f"{path}: no cues for topic {topic}")
        weak = {words(p) for p in (extra.get(topic) or {}).get("weak") or []}
        for phrase in spec.get("cues", []):
            found[(words(phrase), topic)] = words(phrase) not in weak
        for strength in ("strong", "weak"):
            for phrase in (extra.get(topic) or {}).get(strength) or []:
                found.setdefault((words(phrase), topic), strength == "strong")
    return tuple(TopicCue(w, topic, strong) for (w, topic), strong in found.items())
