"""Extract actor positions: who demands, proposes, accepts or rejects what, with the evidence sentence.

For every sentence with a topic cue and a stance cue, the holder comes from the syntax (subject of
the cue verb or of the verbs it depends on, possessor or modifier of a cue noun, agent of a passive,
a pronoun's most recent actor), resolved through the entity links. Negation of the cue flips the
stance; a reversal word before the topic ("an end to", "without", "lifting of") makes the actor's
attitude to the topic's outcome contra. One position per (sentence, actor, topic, polarity).

Beyond that: control verbs ("never intended to accept", "is unlikely to recognise") hand their
negation to the verb they govern; a condition clause ("should Russia reject a truce") gives no position
to its own subject but tells that the main clause's holder wants the thing, and is kept as the
position's ``conditions``; "will face sanctions" is the speaker's threat; questions and past events
("talks resumed") state no position; a possessive takes the nearest compatible actor outside quotes.
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
    CONTROL_WORDS,
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
    ("will", "face"): "threatens",
    ("would", "face"): "threatens",
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
# In a multiword cue the word that carries the syntax: "or face" hangs on "face", "only if" on "only".
CUE_ANCHOR: dict[tuple[str, ...], int] = {("or", "face"): 1, ("will", "face"): 1, ("would", "face"): 1}
# Verbs whose past is an event ("talks resumed"), not anyone's declared position.
EVENT_WHEN_PAST = frozenset(["resume", "resumed", "return", "returned", "restore", "restored"])
CONDITION_MARKS = frozenset(["if", "once", "unless", "until", "provided", "providing", "after"])
RELATIVE_PRONOUNS = frozenset(["who", "which", "that"])
PERSON_PRONOUNS = frozenset(["his", "her", "he", "she", "him"])
BULLETS = "•●▪·*-–— \t"


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
    persons = _actor_tokens(doc, [m for m in mentions if m.label == "PERSON"])
    topics = _topics(doc, nlp)
    positions: dict[tuple[int, str, str, str], Position] = {}
    last_actors: list[str] = []
    for sent in doc.sents:
        sent_topics = [t for t in topics if sent.start <= t[0] < sent.end and not _is_actor_span(t, actor_at)]
        # A question ("What does Putin really want?") asks about a position; it states none.
        cues, cue_tokens = _cues(sent) if not sent.text.rstrip(" \"'”’»)").endswith("?") else ([], set())
        for cue, stance in cues if sent_topics else []:
            if _hypothetical(cue):
                # "urged sanctions should Russia reject a ceasefire": whoever sets the penalty wants the thing.
                for actor, (start, _end, topic) in _wanted_by_condition(cue, stance, sent_topics, actor_at, persons):
                    position = _position(doc, sent, article_id, actor, cue, "supports", topic, start, set())
                    positions.setdefault((sent.start, actor, topic, "pro"), position)
                continue
            holders = _holders(cue, actor_at, persons, last_actors)
            chosen = _topics_for(cue, sent_topics, len(cues), cue_tokens)
            for actor in holders:
                for start, end, topic in chosen:
                    if start <= cue.i < end:  # "Western support" names the topic; it is nobody's stance on it
                        continue
                    position = _position(doc, sent, article_id, actor, cue, stance, topic, start, cue_tokens)
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


def _topics(doc: Doc, nlp: Language) -> list[tuple[int, int, str]]:
    found = [(start, end, doc.vocab.strings[key]) for key, start, end in _topic_matcher(nlp)(doc)]
    heads = {doc[start:end].root.i: topic for start, end, topic in found}

    def is_venue(start: int, end: int, topic: str) -> bool:
        # "a one-on-one meeting in Istanbul": a place named as a cue is the venue of the other topic.
        root = doc[start:end].root
        return root.pos_ == "PROPN" and any(heads.get(a.i, topic) != topic for a in root.ancestors)

    return [t for t in found if not is_venue(*t)]


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


def _cues(sent: Span) -> tuple[list[tuple[Token, str]], set[int]]:
    """Return the stance cues of a sentence (anchor token, stance) and every token index they cover."""
    words = stance_words()
    found: list[tuple[Token, str]] = []
    tokens = list(sent)
    skip: set[int] = set()
    for i in range(len(tokens)):
        for phrase, stance in MULTIWORD_CUES.items():
            words_here = tokens[i : i + len(phrase)]
            if tuple(t.lower_ for t in words_here) == phrase:
                found.append((words_here[CUE_ANCHOR.get(phrase, 0)], stance))
                skip.update(t.i for t in words_here)
    for token in tokens:
        single = words.get(token.lower_)
        if not single or token.i in skip or token.pos_ not in {"VERB", "NOUN", "ADJ", "AUX", "PROPN"}:
            continue
        if (token.lemma_.lower() in EVENT_WHEN_PAST or token.lower_ in EVENT_WHEN_PAST) and (
            token.tag_ in {"VBD", "VBN"} or token.pos_ != "VERB"
        ):
            continue
        found.append((token, single))
        skip.add(token.i)
    return found, skip


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


def _holders(cue: Token, actor_at: dict[int, str], persons: dict[int, str], last_actors: list[str]) -> list[str]:
    if cue.dep_ == "amod" and cue.tag_ == "VBN":
        return []  # "the proposed ceasefire": the sentence does not say whose proposal
    if cue.pos_ == "ADJ" and cue.head.lower_ == "as":
        # "framing Russia as ready": the framed object holds the position.
        framed = [a for c in cue.head.head.children if c.dep_ == "dobj" for a in _actors_of(c, actor_at, [])]
        if framed:
            return framed
    if cue.pos_ == "NOUN":
        for child in cue.children:
            if child.dep_ in {"poss", "compound", "amod"}:
                if child.dep_ == "poss" and child.lower_ in PRONOUNS:
                    return _antecedent(child, actor_at, persons, last_actors)
                found = _actors_of(child, actor_at, last_actors)
                if found:
                    return found
        by = next((c for c in cue.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        if by is not None:
            found = [a for c in by.children if c.dep_ == "pobj" for a in _actors_of(c, actor_at, last_actors)]
            if found:
                return found
    if cue.lower_ == "face" and cue.dep_ != "conj":
        # "He noted that Russia will face sanctions": the threat is the speaker's, not its target's.
        speakers = [next((c for c in a.children if c.dep_ in SUBJECT_DEPS), None) for a in cue.ancestors]
        speaker = next((s for s in speakers if s is not None), None)
        return _actors_of(speaker, actor_at, last_actors) if speaker is not None else []
    subject = _subject(cue)
    if subject is None:
        return last_actors if cue.sent.root == cue or cue.dep_ in {"ROOT", "xcomp"} else []
    if subject.lower_ in PRONOUNS:
        # "Washington said it would ...": a pronoun in reported speech is the speaker.
        for ancestor in subject.head.ancestors:
            speaker = next((c for c in ancestor.children if c.dep_ in SUBJECT_DEPS), None)
            if speaker is not None and speaker.lower_ in RELATIVE_PRONOUNS and ancestor.dep_ == "relcl":
                speaker = ancestor.head  # "Trump, who said he'd join": the speaker is the relative's head
            if speaker is not None and speaker.lower_ not in PRONOUNS:
                found = _actors_of(speaker, actor_at, [])
                if found:
                    return found
    if subject.lower_ in PRONOUNS:
        return _subject_antecedent(subject, actor_at, persons) or last_actors
    return _actors_of(subject, actor_at, last_actors)


def _subject_antecedent(pronoun: Token, actor_at: dict[int, str], persons: dict[int, str]) -> list[str]:
    """Find an earlier subject of the same sentence that a subject pronoun can take ("Trump reacted: he urged")."""
    for token in reversed(pronoun.doc[pronoun.sent.start : pronoun.i]):
        if token.dep_ not in SUBJECT_DEPS or token.lower_ in PRONOUNS:
            continue
        found = _actors_of(token, actor_at, [])
        if not found:
            continue
        if pronoun.lower_ in {"they", "them"}:
            return found if len(found) > 1 else []
        if (token.i in persons) == (pronoun.lower_ in PERSON_PRONOUNS):
            return found if len(found) == 1 else []
    return []


def _wanted_by_condition(
    cue: Token, stance: str, topics: list[tuple[int, int, str]], actor_at: dict[int, str], persons: dict[int, str]
) -> list[tuple[str, tuple[int, int, str]]]:
    if load_taxonomy().polarity.get(stance) != "contra" or _directly_negated(cue):
        return []
    clause = cue
    while clause.dep_ in {"xcomp", "conj"} and clause.head is not clause:
        clause = clause.head
    if clause.dep_ not in {"advcl", "ccomp"} or clause.head is clause:
        return []
    main = clause.head
    wanted = [t for t in topics if t[0] in {x.i for x in cue.subtree}]
    holders = _holders(main, actor_at, persons, []) if wanted else []
    return [(actor, topic) for actor in holders for topic in wanted]


def _antecedent(pronoun: Token, actor_at: dict[int, str], persons: dict[int, str], last_actors: list[str]) -> list[str]:
    """Find the nearest earlier actor a possessive can refer to ("Ukraine ... its ban"), else the last actors."""
    if pronoun.lower_ in {"their", "them", "they"}:
        return last_actors
    wants_person = pronoun.lower_ in PERSON_PRONOUNS
    # The narrator's pronoun does not point into a quotation ("he 'will wait for Putin' – his willingness").
    quoted = _quoted_tokens(pronoun.sent)
    for token in reversed(pronoun.doc[pronoun.sent.start : pronoun.i]):
        if token.i in actor_at and token.i not in quoted and (token.i in persons) == wants_person:
            return [actor_at[token.i]]
    return last_actors


def _quoted_tokens(sent: Span) -> set[int]:
    inside, quoted = False, set()
    for token in sent:
        if token.text in {"“", "”", '"', "«", "»"}:
            inside = token.text not in {"”", "»"} and not (token.text == '"' and inside)
        elif inside:
            quoted.add(token.i)
    return quoted


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


def _negated(cue: Token, cue_tokens: set[int]) -> bool:
    if _directly_negated(cue):
        return True
    head = cue.head
    if cue.dep_ == "xcomp" and head.lower_ in {"unlikely", "unable"}:
        return True  # "Kyiv is unlikely to recognise": the analyst expects the opposite
    # A negated head that is itself a stance cue ("did not rule out joining") carries the negation alone;
    # a control verb ("never intended to accept", "did not try to block") hands it down.
    if head.i in cue_tokens or cue.dep_ not in {"xcomp", "acomp", "dobj", "attr", "pobj"}:
        return False
    if _directly_negated(head):
        return True
    return head.lower_ in CONTROL_WORDS and head.dep_ == "xcomp" and _negated(head, cue_tokens)


def _directly_negated(token: Token) -> bool:
    if any(c.dep_ == "neg" for c in token.children):
        return True
    before = token.doc[max(token.sent.start, token.i - 2) : token.i]
    return any(t.lower_ in NEGATIONS - {"without"} for t in before)


def _reversed(doc: Doc, sent: Span, topic_start: int, cue_tokens: set[int]) -> bool:
    window = doc[max(sent.start, topic_start - 3) : topic_start]
    for t in window:
        if t.i in cue_tokens:
            continue  # the stance word itself ("a withdrawal from talks") is read by the stance, not twice
        if t.lower_ in {"instead", "rather"}:  # "instead of X", "rather than X" reverse X; "instead offering" not
            if t.i + 1 < len(doc) and doc[t.i + 1].lower_ in {"of", "than"}:
                return True
        elif t.lower_ in REVERSAL_WORDS:
            return True
    return False


def _position(
    doc: Doc,
    sent: Span,
    article_id: str,
    actor: str,
    cue: Token,
    stance: str,
    topic: str,
    topic_start: int,
    cue_tokens: set[int],
) -> Position:
    taxonomy = load_taxonomy()
    if _negated(cue, cue_tokens):
        stance = NEGATED_STANCE[stance]
    polarity = taxonomy.polarity[stance]
    if polarity == "by_topic":
        polarity = "pro"
    if _reversed(doc, sent, topic_start, cue_tokens):
        # The actor wants the topic's outcome stopped: "demands an end to arms supplies" opposes military aid.
        if stance == "threatens":
            polarity = "contra" if polarity == "pro" else "pro"
        else:
            stance = NEGATED_STANCE[stance]
            polarity = taxonomy.polarity[stance]
    context = {t.lower_ for t in sent[: max(0, cue.i - sent.start + 1)]} | {cue.lower_, cue.head.lower_}
    attribution = "analysis" if context & ANALYSIS_WORDS else "stated"
    # Evidence is the sentence without a list bullet in front; offsets still slice the text exactly.
    lead = len(sent.text) - len(sent.text.lstrip(BULLETS))
    evidence = sent.text[lead:].rstrip()
    start_char = sent.start_char + lead
    return Position(
        position_id=_position_id(article_id, sent.start_char, actor, topic, polarity),
        article_id=article_id,
        actor_id=actor,
        stance=stance,
        topic=topic,
        polarity=polarity,
        evidence=evidence,
        start_char=start_char,
        end_char=start_char + len(evidence),
        attribution=attribution,
        conditions=_conditions(cue),
        confidence=0.7 if cue.i in {t.i for t in sent} else 0.5,
    )


def _conditions(cue: Token) -> str | None:
    """Return the condition attached to the cue's clause ("ready to talk once a truce holds"), if any."""
    clause = cue
    for _ in range(3):
        for child in clause.children:
            marks = {m.lower_ for m in child.children if m.dep_ in {"mark", "advmod"}}
            if child.dep_ == "advcl" and marks & CONDITION_MARKS:
                return child.doc[child.left_edge.i : child.right_edge.i + 1].text
            if (
                child.dep_ == "prep"
                and child.lower_ in {"after", "until", "unless"}
                and any(c.dep_ == "advmod" and c.lower_ == "only" for c in child.children)
            ):
                return child.doc[child.i : child.right_edge.i + 1].text
        if clause.dep_ not in {"xcomp", "acomp", "amod", "conj"} or clause.head is clause:
            break
        clause = clause.head
    return None


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
