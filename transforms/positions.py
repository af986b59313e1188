"""Extract actor positions: who demands, proposes, accepts or rejects what, with the evidence sentence.

For every sentence with a topic cue and a stance cue, the holder comes from the syntax (subject of
the cue verb or of the verbs it depends on, possessor or modifier of a cue noun, agent of a passive,
a pronoun's most recent actor), resolved through the entity links. Negation of the cue flips the
stance; a reversal word before the topic ("an end to", "without", "lifting of") makes the actor's
attitude to the topic's outcome contra. One position per (sentence, actor, topic, polarity).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ingest.records import Mention
from transforms.lexicon import (
    ANALYSIS_WORDS,
    REVERSAL_WORDS,
    load_taxonomy,
    stance_words,
    topic_cues,
)

EXTRACTOR = "rules-v1"
NEGATIONS = frozenset(["not", "n't", "never", "no", "nor", "neither", "without"])
PRONOUNS = frozenset(["he", "she", "it", "they", "his", "her", "its", "their", "him", "them"])
MULTIWORD_CUES = {
    ("rule", "out"): "refuses",
    ("ruled", "out"): "refuses",
    ("rules", "out"): "refuses",
    ("turn", "down"): "rejects",
    ("turned", "down"): "rejects",
    ("put", "forward"): "proposes",
    ("call", "for"): "demands",
    ("calls", "for"): "demands",
    ("called", "for"): "demands",
    ("calling", "for"): "demands",
    ("walk", "away"): "threatens",
    ("back", "away"): "threatens",
    ("only", "if"): "conditions",
    ("only", "after"): "conditions",
    ("provided", "that"): "conditions",
    ("on", "condition"): "conditions",
    ("or", "face"): "threatens",
    ("entry", "ticket"): "conditions",
    ("as", "long", "as"): "conditions",
    ("in", "exchange", "for"): "conditions",
}
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
}
SUBJECT_DEPS = frozenset(["nsubj", "nsubjpass", "csubj"])
# "Both sides", "the two delegations": in talks between Russia and Ukraine, the warring parties.
COLLECTIVE_NOUNS = frozenset(["sides", "parties", "capitals", "delegations", "countries", "governments"])
WARRING_PARTIES = ("Q159", "Q212")
BACKING = (
    ("backed", "by"),
    ("supported", "by"),
    ("endorsed", "by"),
    ("in", "coordination", "with"),
    ("with", "the", "backing", "of"),
    ("with", "the", "support", "of"),
)
CLIMB_DEPS = frozenset(
    [
        "xcomp",
        "ccomp",
        "conj",
        "advcl",
        "acomp",
        "pcomp",
        "prep",
        "pobj",
        "dobj",
        "attr",
        "acl",
        "oprd",
        "advmod",
        "npadvmod",
        "dep",
        "appos",
        "amod",
        "compound",
    ]
)
MODIFIER_DEPS = frozenset(["poss", "compound", "amod", "nmod", "appos", "conj"])


@dataclass(frozen=True)
class Position:
    """One actor's position on one topic, with its evidence sentence and offsets into the text."""

    position_id: str
    article_id: str
    actor_id: str
    stance: str
    topic: str
    polarity: str
    evidence: str
    start_char: int
    end_char: int
    attribution: str
    conditions: str | None
    confidence: float
    extractor: str = EXTRACTOR


@functools.cache
def _topic_matcher(nlp: Language) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for topic, phrases in topic_cues().items():
        matcher.add(topic, [nlp.make_doc(p) for p in phrases])
    return matcher


def extract_positions(doc: Doc, article_id: str, mentions: Sequence[Mention], nlp: Language) -> list[Position]:
    """Return the positions stated or analysed in a parsed document."""
    actor_at = _actor_tokens(doc, mentions)
    topics = [(start, end, doc.vocab.strings[key]) for key, start, end in _topic_matcher(nlp)(doc)]
    positions: dict[tuple[int, str, str, str], Position] = {}
    last_actors: list[str] = []
    for sent in doc.sents:
        sent_topics = [t for t in topics if sent.start <= t[0] < sent.end and not _is_actor_span(t, actor_at)]
        cues = _cues(sent)
        cue_tokens = {cue.i for cue, _ in cues}
        for cue, stance in cues if sent_topics else []:
            if _hypothetical(cue):
                continue
            holders = _holders(cue, actor_at, last_actors)
            chosen = _topics_for(cue, sent_topics, len(cues), cue_tokens)
            for actor in holders:
                for start, _end, topic in chosen:
                    position = _position(doc, sent, article_id, actor, cue, stance, topic, start)
                    key = (sent.start, actor, topic, position.polarity)
                    positions.setdefault(key, position)
        for backer in _backers(sent, actor_at):
            for key, position in list(positions.items()):
                if key[0] == sent.start and position.polarity == "pro" and position.actor_id != backer:
                    backed = dataclasses.replace(
                        position,
                        actor_id=backer,
                        stance="supports",
                        position_id=_position_id(article_id, sent.start_char, backer, position.topic, "pro"),
                    )
                    positions.setdefault((sent.start, backer, position.topic, "pro"), backed)
        sentence_actors = _sentence_subject_actors(sent, actor_at)
        if sentence_actors:
            last_actors = sentence_actors
    return list(positions.values())


def _actor_tokens(doc: Doc, mentions: Iterable[Mention]) -> dict[int, str]:
    actor_at: dict[int, str] = {}
    for m in mentions:
        if not m.entity_id:
            continue
        span = doc.char_span(m.start_char, m.end_char, alignment_mode="expand")
        for token in span or ():
            actor_at[token.i] = m.entity_id
    return actor_at


def _is_actor_span(topic: tuple[int, int, str], actor_at: dict[int, str]) -> bool:
    # "NATO" the alliance acting is an actor, not the membership topic.
    return topic[1] - topic[0] == 1 and topic[0] in actor_at and topic[2] == "nato_membership"


def _cues(sent: Span) -> list[tuple[Token, str]]:
    words = stance_words()
    found: list[tuple[Token, str]] = []
    tokens = list(sent)
    skip: set[int] = set()
    for i, token in enumerate(tokens):
        for phrase, stance in MULTIWORD_CUES.items():
            if tuple(t.lower_ for t in tokens[i : i + len(phrase)]) == phrase:
                found.append((token, stance))
                skip.update(t.i for t in tokens[i : i + len(phrase)])
    for token in tokens:
        single = words.get(token.lower_)
        if single and token.i not in skip and token.pos_ in {"VERB", "NOUN", "ADJ", "AUX", "PROPN"}:
            found.append((token, single))
    return found


def _subject(token: Token) -> Token | None:
    current = token
    for _ in range(6):
        agent = next((c for c in current.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        subject = next((c for c in current.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None:
            return subject
        if current.dep_ == "relcl":
            return current.head
        if current.dep_ in CLIMB_DEPS and current.head is not current:
            current = current.head
            continue
        return None
    return None


def _actors_of(token: Token, actor_at: dict[int, str], last_actors: list[str], depth: int = 0) -> list[str]:
    if token.i in actor_at:
        found = [actor_at[token.i]]
        found += [a for c in token.children if c.dep_ == "conj" for a in _actors_of(c, actor_at, [], depth + 1)]
        return list(dict.fromkeys(found))
    if token.lower_ in PRONOUNS:
        return last_actors
    if token.lower_ == "both" or (
        token.lower_ in COLLECTIVE_NOUNS and any(c.lower_ in {"both", "two"} for c in token.children)
    ):
        return list(WARRING_PARTIES)
    if depth < 2:
        for child in token.children:
            if child.dep_ in MODIFIER_DEPS:
                found = _actors_of(child, actor_at, [], depth + 1)
                if found:
                    return found
    return []


def _holders(cue: Token, actor_at: dict[int, str], last_actors: list[str]) -> list[str]:
    if cue.pos_ == "NOUN":
        for child in cue.children:
            if child.dep_ in {"poss", "compound", "amod"}:
                found = _actors_of(child, actor_at, last_actors)
                if found:
                    return found
        by = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        if by is not None:
            found = [a for c in by.children if c.dep_ == "pobj" for a in _actors_of(c, actor_at, last_actors)]
            if found:
                return found
    subject = _subject(cue)
    if subject is None:
        return last_actors if cue.sent.root == cue or cue.dep_ in {"ROOT", "xcomp"} else []
    if subject.lower_ in PRONOUNS:
        # "Washington said it would ...": a pronoun in reported speech is the speaker.
        for ancestor in subject.head.ancestors:
            speaker = next((c for c in ancestor.children if c.dep_ in SUBJECT_DEPS), None)
            if speaker is not None and speaker.lower_ not in PRONOUNS:
                found = _actors_of(speaker, actor_at, [])
                if found:
                    return found
    return _actors_of(subject, actor_at, last_actors)


def _topics_for(
    cue: Token, topics: list[tuple[int, int, str]], cue_count: int, cue_tokens: set[int]
) -> list[tuple[int, int, str]]:
    scope = _own_branch(cue, cue_tokens)
    head = cue.head if cue.dep_ in {"amod", "acomp", "xcomp", "aux"} else cue
    if head is not cue and head.pos_ != "VERB":
        scope |= _own_branch(head, cue_tokens)
    inside = [t for t in topics if t[0] in scope]
    if inside:
        return inside
    return topics if cue_count == 1 else []


def _own_branch(token: Token, cue_tokens: set[int]) -> set[int]:
    """Token indices governed by this cue, leaving out coordinated clauses and other cues' branches."""
    scope = {token.i}
    for child in token.children:
        if child.dep_ in {"conj", "cc"} and child.pos_ in {"VERB", "AUX"}:
            continue
        if child.i in cue_tokens and child.pos_ in {"VERB", "AUX"}:
            continue
        scope |= {t.i for t in child.subtree}
    return scope


def _hypothetical(cue: Token) -> bool:
    """Tell whether the cue sits in a condition ("if Russia rejects", "should Moscow refuse"): no position."""
    current = cue
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in current.children):
            return True
        inverted = [c for c in current.children if c.dep_ == "aux" and c.lower_ in {"should", "were", "had"}]
        subjects = [c for c in current.children if c.dep_ in SUBJECT_DEPS]
        if inverted and subjects and inverted[0].i < subjects[0].i:
            return True
        if current.dep_ not in {"xcomp", "conj", "acomp"} or current.head is current:
            return False
        current = current.head
    return False


def _negated(cue: Token) -> bool:
    if any(c.dep_ == "neg" for c in cue.children):
        return True
    head = cue.head
    # A negated head that is itself a stance cue ("did not rule out joining") carries the negation alone.
    head_is_cue = head.lower_ in stance_words() or head.lower_ in {"out", "down", "away"}
    if (
        not head_is_cue
        and cue.dep_ in {"xcomp", "acomp", "dobj", "attr", "pobj"}
        and any(c.dep_ == "neg" for c in head.children)
    ):
        return True
    before = cue.doc[max(cue.sent.start, cue.i - 2) : cue.i]
    return any(t.lower_ in NEGATIONS - {"without"} for t in before)


def _reversed(doc: Doc, sent: Span, topic_start: int) -> bool:
    window = doc[max(sent.start, topic_start - 3) : topic_start]
    for t in window:
        if t.lower_ in {"instead", "rather"}:  # "instead of X", "rather than X" reverse X; "instead offering" not
            if t.i + 1 < len(doc) and doc[t.i + 1].lower_ in {"of", "than"}:
                return True
        elif t.lower_ in REVERSAL_WORDS:
            return True
    return False


def _position(
    doc: Doc, sent: Span, article_id: str, actor: str, cue: Token, stance: str, topic: str, topic_start: int
) -> Position:
    taxonomy = load_taxonomy()
    if _negated(cue):
        stance = NEGATED_STANCE[stance]
    polarity = taxonomy.polarity[stance]
    if polarity == "by_topic":
        polarity = "pro"
    if _reversed(doc, sent, topic_start):
        # The actor wants the topic's outcome stopped: "demands an end to arms supplies" opposes military aid.
        if stance == "threatens":
            polarity = "contra" if polarity == "pro" else "pro"
        else:
            stance = NEGATED_STANCE[stance]
            polarity = taxonomy.polarity[stance]
    context = {t.lower_ for t in sent[: max(0, cue.i - sent.start + 1)]} | {cue.lower_, cue.head.lower_}
    attribution = "analysis" if context & ANALYSIS_WORDS else "stated"
    evidence = sent.text.rstrip()
    return Position(
        position_id=_position_id(article_id, sent.start_char, actor, topic, polarity),
        article_id=article_id,
        actor_id=actor,
        stance=stance,
        topic=topic,
        polarity=polarity,
        evidence=evidence,
        start_char=sent.start_char,
        end_char=sent.start_char + len(evidence),
        attribution=attribution,
        conditions=None,
        confidence=0.7 if cue.i in {t.i for t in sent} else 0.5,
    )


def _backers(sent: Span, actor_at: dict[int, str]) -> list[str]:
    """Actors named as backing the holder ("backed by EU partners", "in coordination with Washington")."""
    tokens = list(sent)
    found: list[str] = []
    for i in range(len(tokens)):
        for phrase in BACKING:
            if tuple(t.lower_ for t in tokens[i : i + len(phrase)]) == phrase:
                # "in coordination with Ukraine's Western partners": every actor of the phrase; the holder
                # itself is skipped where backers are applied.
                following = tokens[i + len(phrase) : i + len(phrase) + 5]
                found += [actor_at[t.i] for t in following if t.i in actor_at]
        if tokens[i].lower_ == "blessing" and i >= 2 and tokens[i - 1].lower_ in {"’s", "'s"}:
            owner = tokens[i - 2]
            found += [actor_at[owner.i]] if owner.i in actor_at else []
    return list(dict.fromkeys(found))


def _position_id(article_id: str, start_char: int, actor: str, topic: str, polarity: str) -> str:
    return hashlib.sha256(f"{article_id}|{start_char}|{actor}|{topic}|{polarity}".encode()).hexdigest()[:20]


def _sentence_subject_actors(sent: Span, actor_at: dict[int, str]) -> list[str]:
    subject = next((t for t in sent if t.dep_ in SUBJECT_DEPS and t.head == sent.root), None)
    if subject is not None:
        found = _actors_of(subject, actor_at, [])
        if found:
            return found
    actors = [actor_at[t.i] for t in sent if t.i in actor_at]
    return actors[-1:] if actors else []
