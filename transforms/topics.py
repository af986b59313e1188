"""Find topic cues in parsed sentences, by lemma, with room for the words between a phrase's words.

"host talks" also finds "hosted the next talks"; "security guarantee" finds "security guarantees"; a
phrase's article may be missing ("come to the table" finds "come to table").
A place named as a cue right after another topic's cue ("a summit in Alaska") is that topic's venue.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from transforms.cues import Phrase, fighting_words, noun_cues, pair_destinations, topic_cues, topic_pairs
from transforms.parse import Sent, Word

# Words that may stand between a phrase's words: "host (the next) talks", "end (this) war".
FILLER_POS = frozenset(["DET", "ADJ", "NUM", "PRON", "PART", "PROPN"])
MAX_FILLERS = 2
ARTICLES = frozenset(["the", "a", "an"])


@dataclass(frozen=True)
class TopicHit:
    """A topic cue found in a sentence: token span, topic id, strength."""

    start: int
    end: int
    topic: str
    strong: bool


def token_keys(token: Word) -> tuple[str, str]:
    """Return the two forms a cue word may match: the lower-case text and the lemma."""
    return token.keys


@functools.cache
def _topic_index() -> PhraseIndex:
    cues = topic_cues()
    return PhraseIndex.of((cue.words, str(n)) for n, cue in enumerate(cues))


@dataclass(frozen=True)
class PhraseIndex:
    """Phrases (lemma sequences) by their first word, each with a payload: what the phrase names."""

    by_first: dict[str, tuple[tuple[Phrase, str], ...]]

    @classmethod
    def of(cls, phrases: Iterable[tuple[Phrase, str]]) -> PhraseIndex:
        """Index phrases, longest first for each first word."""
        grouped: dict[str, list[tuple[Phrase, str]]] = defaultdict(list)
        for phrase, payload in phrases:
            grouped[phrase[0]].append((phrase, payload))
        return cls({w: tuple(sorted(g, key=lambda p: -len(p[0]))) for w, g in grouped.items()})

    def find(self, tokens: Sequence[Word]) -> list[tuple[int, int, str]]:
        """Every match in ``tokens``: (start, end) indices into ``tokens`` and the payload, longest first per start."""
        found = []
        for i, token in enumerate(tokens):
            lower, lemma = token.keys
            for key in (lower,) if lower == lemma else (lower, lemma):
                for phrase, payload in self.by_first.get(key, ()):
                    end = match_phrase(tokens, i, phrase)
                    if end is not None:
                        found.append((i, end, payload))
        return found


def match_phrase(tokens: Sequence[Word], at: int, phrase: Phrase) -> int | None:
    """Return the end (exclusive, index into ``tokens``) of ``phrase`` matched from ``at``, or None."""
    if phrase[0] not in tokens[at].keys:
        return None
    position = at + 1
    for word in phrase[1:]:
        if word in ARTICLES and (position >= len(tokens) or word not in tokens[position].keys):
            continue  # "come to table", "an end to war": the phrase's article is not required
        skipped = 0
        while (
            position < len(tokens)
            and word not in tokens[position].keys
            and tokens[position].pos_ in FILLER_POS
            and skipped < MAX_FILLERS
        ):
            position += 1
            skipped += 1
        if position >= len(tokens) or word not in tokens[position].keys:
            return None
        position += 1
    return position


def find_topics(sent: Sent) -> list[TopicHit]:
    """Return every topic cue of a sentence; of overlapping hits of one topic, the longest."""
    cues = topic_cues()
    tokens = list(sent)
    hits = [
        TopicHit(sent.start + start, sent.start + end, cues[int(n)].topic, cues[int(n)].strong)
        for start, end, n in _topic_index().find(tokens)
    ]
    hits += _gerunds(sent)
    found = _without_times(sent, _without_venues(sent, _outermost(_longest(hits + _pairs(sent)))))
    found = _without_lines(sent, _without_frames(sent, _without_aims(sent, found)))
    return _without_idioms(sent, _without_other_pauses(sent, _without_verbs(sent, found)))


# Prepositions by which a verb of a topic pair takes its object ("presided over the talks", "met with the delegation").
PAIR_PREPOSITIONS = frozenset(["over", "with"])
MAX_PAIR_REACH = 4


@functools.cache
def _one_word_cues() -> dict[str, tuple[str, bool]]:
    found: dict[str, tuple[str, bool]] = {}
    for cue in topic_cues():
        if len(cue.words) == 1:
            found.setdefault(cue.words[0], (cue.topic, cue.strong))
    return found


def _gerunds(sent: Sent) -> list[TopicHit]:
    """Find a gerund the tagger took for a noun of its own lemma: "lost interest in mediating" is mediation.

    Its verb is tried as the word itself less "-ing", with an "e" back, or with a doubled consonant undone.
    """
    one_word, hits = _one_word_cues(), []
    for word in sent:
        lower = word.lower_
        if word.pos_ != "NOUN" or not lower.endswith("ing") or word.lemma_.lower() != lower or len(lower) < 6:
            continue
        # Used as a verb: bare, as an object ("interest in mediating"), not "the first meeting" nor "a negotiating
        # partner", and not a cue word of its own.
        if lower in one_word or word.dep_ not in {"pobj", "dobj"}:
            continue
        if any(c.dep_ in {"det", "amod", "poss", "compound", "nummod"} for c in word.children):
            continue
        stem = lower[:-3]
        for verb in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else ""):
            if verb in one_word:
                topic, strong = one_word[verb]
                hits.append(TopicHit(word.i, word.i + 1, topic, strong))
                break
    return hits


def _pairs(sent: Sent) -> list[TopicHit]:
    """Find a verb and its subject or object that name a topic together: "end the war", "the war must end"."""
    pairs, destinations = topic_pairs(), pair_destinations()
    hits = []
    for token in sent:
        # "presided over the talks", "met with the delegation": the verb's object behind its preposition
        behind = token.dep_ == "pobj" and token.head.dep_ == "prep" and token.head.lower_ in PAIR_PREPOSITIONS
        # only right behind its verb: a phrase further off hangs there by the parser's guess, and would take in
        # the words between ("met on Sunday with officials from Ukraine and Europe, and then with the delegation")
        behind = behind and 0 < token.i - token.head.head.i <= MAX_PAIR_REACH
        if token.dep_ not in {"nsubj", "nsubjpass", "dobj", "attr"} and not behind:
            continue
        verb = token.head.head if behind else token.head
        topic = pairs.get((verb.keys[1], token.keys[1]))
        if topic in destinations and not _bound_for(verb, destinations[topic]):
            continue  # troops sent to Ukraine guard it; troops sent to Kursk fight
        if topic is not None:
            start, end = min(token.i, verb.i), max(token.i, verb.i) + 1
            hits.append(TopicHit(start, end, topic, True))
    return hits


def _bound_for(verb: Word, places: frozenset[str]) -> bool:
    """Tell whether a verb of sending names one of these places as where it sends ("to Ukraine", "into Kyiv")."""
    return any(
        prep.dep_ == "prep" and prep.lower_ in {"to", "into", "in"} and any(g.keys[1] in places for g in prep.children)
        for prep in verb.children
    )


def _longest(hits: Iterable[TopicHit]) -> list[TopicHit]:
    kept: list[TopicHit] = []
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), not h.strong, h.start)):
        if not any(k.topic == hit.topic and k.start < hit.end and hit.start < k.end for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: (h.start, h.topic))


def _outermost(hits: list[TopicHit]) -> list[TopicHit]:
    """Drop a hit inside a longer hit of another topic: an "energy ceasefire" is no ceasefire.

    Mediation is the exception: what is hosted or organised is still itself ("organising a presidential-level
    meeting" is a leaders' meeting, which only a third party's hosting makes mediation too).
    """
    return [
        h
        for h in hits
        if not any(
            o.topic not in {h.topic, "mediation"}
            and o.start <= h.start
            and h.end <= o.end
            and o.end - o.start > h.end - h.start
            for o in hits
        )
    ]


# Prepositions that say where another topic happens ("a meeting in Istanbul", "talks at the Black Sea").
PLACE_PREPOSITIONS = frozenset(["in", "at", "near", "outside", "inside", "from", "on"])


def _without_venues(sent: Sent, hits: list[TopicHit]) -> list[TopicHit]:
    """Drop a proper-noun cue that names where another topic happens ("a meeting in Istanbul")."""
    doc = sent.doc
    roots = {doc.span_root(h.start, h.end).i: h.topic for h in hits}

    def venue(hit: TopicHit) -> bool:
        root = doc.span_root(hit.start, hit.end)
        # A place says where only as an adjunct or a modifier; as a clause's subject it is what is said of it
        # ("… won't join NATO and that Crimea will stay part of Russia" is about Crimea).
        where = (root.dep_ == "pobj" and root.head.lower_ in PLACE_PREPOSITIONS) or root.dep_ in {"compound", "nmod"}
        if root.pos_ != "PROPN" or not where:
            return False
        if any(roots.get(a.i, hit.topic) != hit.topic for a in root.ancestors):
            return True
        # "The meeting was chaired by Fidan in Istanbul": a city that stands for talks ("the Istanbul talks") is,
        # where the sentence names a gathering elsewhere, that gathering's place.
        return (
            root.dep_ == "pobj"
            and hit.topic in GATHERINGS
            and any(h.topic in GATHERINGS and doc.span_root(h.start, h.end).i != root.i for h in hits)
        )

    return [h for h in hits if not venue(h)]


# What "the end of …" or "a halt of …" may be of without being a truce: a stretch of time, or a meeting.
SPANS_OF_TIME = frozenset(
    [
        "day",
        "week",
        "month",
        "year",
        "decade",
        "summer",
        "winter",
        "spring",
        "autumn",
        "season",
        "term",
        "session",
        "meeting",
        "talks",
        "call",
        "visit",
        "round",
        "summit",
        "conversation",
    ]
)

MONTHS = frozenset(
    [
        *("january", "february", "march", "april", "may", "june", "july", "august", "september", "october"),
        *("november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
    ]
)


# Topics whose words name talks; links by which a clause says what talks are for ("talks to end the war",
# "negotiations on ending the war", "talks aimed at ending the war").
TALKS = frozenset(["direct_talks", "leaders_meeting"])
# Gatherings: talks and their mediation; a place named as an adjunct in their sentence is where they meet.
GATHERINGS = TALKS | {"mediation"}
AIM_DEPS = frozenset(["acl", "advcl", "xcomp", "pcomp", "prep", "pobj"])


def _without_aims(sent: Sent, hits: list[TopicHit]) -> list[TopicHit]:
    """Drop a topic said as the aim of talks ("negotiations to end the war"): the position is on the talks."""
    doc = sent.doc
    talks = [h for h in hits if h.topic in TALKS]

    def aim_of_talks(hit: TopicHit) -> bool:
        word = doc.span_root(hit.start, hit.end)
        if word.pos_ != "VERB" or hit.topic == "mediation":  # "talks hosted by Turkey" are mediated
            return False
        for _ in range(4):
            if word.dep_ not in AIM_DEPS or word.head is word:
                return False
            word = word.head
            if word.pos_ in {"NOUN", "PROPN"}:
                return any(t.topic != hit.topic and t.start <= word.i < t.end for t in talks)
        return False

    return [h for h in hits if not aim_of_talks(h)]


# Prepositions that make talks the time of something else: "said after the talks", "during the summit"; and
# nouns whose "of" makes them the setting ("ahead of", "on the eve of", "on the sidelines of", "the outcome of").
TIME_PREPOSITIONS = frozenset(["after", "following", "during", "before", "since", "amid", "throughout"])


def _without_frames(sent: Sent, hits: list[TopicHit]) -> list[TopicHit]:
    """Drop talks named only as a time or setting ("after the talks", "ahead of the summit"): no stance is on them."""
    doc = sent.doc

    def time_of(hit: TopicHit) -> bool:
        root = doc.span_root(hit.start, hit.end)
        if hit.topic not in TALKS or root.dep_ != "pobj":
            return False
        preposition = root.head
        ahead = preposition.lower_ == "of" and preposition.head.lower_ in {"ahead", "eve", "sidelines", "outcome"}
        return preposition.lower_ in TIME_PREPOSITIONS or ahead

    return [h for h in hits if not time_of(h)]


def _without_times(sent: Sent, hits: list[TopicHit]) -> list[TopicHit]:
    """Drop a one-word weak cue that ends a stretch of time ("by the end of the month", "of August": no truce)."""
    doc = sent.doc

    def of_time(hit: TopicHit) -> bool:
        if hit.strong or hit.end - hit.start != 1:
            return False
        word = doc[hit.start]
        return any(
            c.dep_ == "prep"
            and c.lower_ == "of"
            and any(
                g.keys[1] in SPANS_OF_TIME or g.lower_.rstrip(".") in MONTHS or g.lower_.isdigit() for g in c.children
            )
            for c in word.children
        )

    return [h for h in hits if not of_time(h)]


def _without_verbs(sent: Sent, hits: list[TopicHit]) -> list[TopicHit]:
    """Drop a weak cue meant as a noun that is a verb here: "would not force Ukraine to…", "cause a blackout"."""
    doc, nouns = sent.doc, noun_cues()

    def verb(hit: TopicHit) -> bool:
        word = doc[hit.start]
        return not hit.strong and hit.end - hit.start == 1 and word.pos_ == "VERB" and word.keys[1] in nouns

    return [h for h in hits if not verb(h)]


def _without_other_pauses(sent: Sent, hits: list[TopicHit]) -> list[TopicHit]:
    """Drop a weak truce word said of something else than the fighting: "a pause in deliveries", "halted exports"."""
    doc, fighting = sent.doc, fighting_words()

    def of_other(hit: TopicHit) -> bool:
        word = doc[hit.start]
        if hit.topic != "ceasefire" or hit.strong or hit.end - hit.start != 1 or word.pos_ not in {"NOUN", "VERB"}:
            return False
        objects = [c for c in word.children if c.dep_ == "dobj"] + [
            g for c in word.children if c.dep_ == "prep" and c.lower_ in {"in", "of", "on", "to"} for g in c.children
        ]
        return bool(objects) and all(g.pos_ in {"NOUN", "PROPN"} and g.keys[1] not in fighting for g in objects)

    return [h for h in hits if not of_other(h)]


def _without_lines(sent: Sent, hits: list[TopicHit]) -> list[TopicHit]:
    """Drop a line that another topic runs along ("a ceasefire along the line of contact"): it says where, no more."""
    doc = sent.doc

    def along(hit: TopicHit) -> bool:
        root = doc.span_root(hit.start, hit.end)
        return root.dep_ == "pobj" and root.head.lower_ == "along"

    return [h for h in hits if not along(h)]


def _without_idioms(sent: Sent, hits: list[TopicHit]) -> list[TopicHit]:
    """Drop a weak one-word cue that is the bare object of "in": "while martial law is in force", "in principle".

    "in exchange for …" is no bare object (its "for" hangs on it): the candidates read it as a stance phrase.
    """
    doc = sent.doc

    def idiom(hit: TopicHit) -> bool:
        word = doc[hit.start]
        bare = not word.children and word.tag_ == "NN"
        return not hit.strong and hit.end - hit.start == 1 and word.dep_ == "pobj" and word.head.lower_ == "in" and bare

    return [h for h in hits if not idiom(h)]
