"""Who can hold a position stated in a sentence: the holder-resolution layer of the positions extractor.

Every sentence gets its holder candidates, each with how it was found (``via``):
- ``mention``: an actor named in the sentence (a coordinated list gives each member);
- ``role``: a role phrase ("the Russian president", "Ukraine's top diplomat", "the Kremlin
  spokesman") read as the person who held that office on the article's date (the knowledge base's
  dated offices), or, without a country, as the last person met who held it;
- ``collective``: "both sides", "each side", "the two parties": the parties the context names
  ("talks between Washington and Moscow"), else the warring parties;
- ``document``: a memorandum, plan, draft or letter, whose author holds what it says;
- ``pronoun``: he/she/it/they the last matching holder; we/our inside a quotation its speaker;
- ``speaker``: the speaker of the quotation the sentence belongs to (a headline's "Zelensky: …" is one);
- ``context``: a sentence whose subject is no actor continues the previous sentence's holder.
The trained scorer decides which candidate really holds the position; this layer only proposes.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc

from ingest.records import Mention
from transforms.actors import KnowledgeBase, name_key
from transforms.cues import load_cues, words
from transforms.parse import Parse, Sent, Word
from transforms.syntax import conjuncts
from transforms.topics import PhraseIndex

SUBJECT_DEPS = frozenset(["nsubj", "nsubjpass", "csubj", "expl"])
PERSON_PRONOUNS = frozenset(["he", "she", "him", "his", "her", "himself", "herself"])
THING_PRONOUNS = frozenset(["it", "its", "itself"])
PLURAL_PRONOUNS = frozenset(["they", "them", "their", "themselves"])
# A reflexive repeats its clause's subject ("Trump did not rule out joining the talks himself"): the subject holds.
REFLEXIVE_PRONOUNS = frozenset(["himself", "herself", "itself", "themselves"])
# "she" never takes a man the knowledge base knows as one for its antecedent, nor "he" a woman.
PRONOUN_GENDERS = {"he": "male", "him": "male", "his": "male", "himself": "male"} | {
    "she": "female",
    "her": "female",
    "herself": "female",
}
# How many of the last people named a "she" without an agreeing subject may go back to.
RECENT_PEOPLE = 6
SPEAKER_PRONOUNS = frozenset(["we", "our", "us", "i", "my", "me", "ours", "ourselves"])
QUOTES = frozenset(['"', "“", "”", "«", "»", "‘", "’"])
OPENING_QUOTES = frozenset(["“", "«"])
CLOSING_QUOTES = frozenset(["”", "»"])
COLLECTIVE_MARKS = frozenset(["both", "two", "each", "all"])
LEADER_NOUNS = frozenset(["president", "leader", "head"])
PLACE_PREPOSITIONS = frozenset(["in", "at", "from", "near", "outside"])
# What an office may be "of" and still be a state's: "the head of the Russian state", "leader of the country".
STATE_NOUNS = frozenset(["state", "country", "nation", "government", "administration", "republic", "federation"])
# How many words a headline's speaker may take before its colon ("Ukrainian President Volodymyr Zelensky:").
HEADLINE_NAME_WORDS = 5
VIA = ("mention", "role", "collective", "document", "pronoun", "speaker", "context")


@dataclass(frozen=True)
class Holder:
    """A possible holder of a sentence's positions: the actor, the token that names it here, how it was found."""

    actor_id: str
    token: int | None
    via: str


@dataclass
class DocumentContext:
    """What the resolution of one document knows: actors by token, names, and what earlier sentences said."""

    doc: Parse
    kb: KnowledgeBase
    day: date | None
    actor_at: dict[int, str]
    persons: set[int]
    names: dict[str, str]
    recent: list[tuple[str, ...]] = field(default_factory=list)
    seen_persons: list[str] = field(default_factory=list)
    authors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The authors of the latest document named with them, and the index of the sentence that named it.
    last_authored: tuple[tuple[str, ...], int] | None = None
    resolved_at: dict[int, tuple[tuple[str, ...], str]] = field(default_factory=dict)
    quoted: set[int] = field(default_factory=set)
    # Headlines in the "Zelensky: Ukraine will never…" form, by their first word's index: the speaker and the colon.
    headline_speakers: dict[int, tuple[str, int]] = field(default_factory=dict)
    previous_subjects: list[tuple[str, ...]] = field(default_factory=list)

    @functools.cached_property
    def mention_counts(self) -> Counter[str]:
        """How many tokens of the document name each actor."""
        return Counter(self.actor_at.values())

    @functools.cached_property
    def leaders(self) -> frozenset[str]:
        """Who led a state or government on the article's date."""
        return frozenset(self.kb.office_holders("leader", None, self.day))

    def is_person(self, actor_id: str) -> bool:
        """Tell whether an actor is a person (in the knowledge base, or a titled person given a slug)."""
        actor = self.kb.actors.get(actor_id)
        return actor.type == "person" if actor is not None else True


def document_context(doc: Doc, mentions: Sequence[Mention], kb: KnowledgeBase, day: date | None) -> DocumentContext:
    """Copy the parse, map the document's linked mentions to its words and find its quoted words."""
    parse = Parse(doc)
    actor_at: dict[int, str] = {}
    persons: set[int] = set()
    names: dict[str, str] = {}
    for m in mentions:
        if not m.entity_id:
            continue
        for token in parse.char_span(m.start_char, m.end_char):
            actor_at[token.i] = m.entity_id
            if m.label == "PERSON":
                persons.add(token.i)
        names.setdefault(m.entity_id, kb.actors[m.entity_id].name if m.entity_id in kb.actors else m.normalized)
    context = DocumentContext(parse, kb, day, actor_at, persons, names, quoted=quoted_tokens(parse))
    for sent in parse.sents:
        found = headline_speaker(sent, actor_at)
        if found is not None:
            context.headline_speakers[sent.start] = found
            context.quoted |= {t.i for t in sent if t.i > found[1]}
    return context


def headline_speaker(sent: Sent, actor_at: dict[int, str]) -> tuple[str, int] | None:
    """Return the speaker of a "Zelensky: Ukraine will never recognise Crimea" line and the index of its colon.

    News sites headline a statement by its speaker's name and a colon; what follows is the speaker's words, as in
    a quotation. The name must end right at the colon ("Ukraine negotiations: How Europeans…" names no speaker)
    and the words after it must say something (a verb: not "Source: Reuters" or "Last updated: May 2").
    """
    tokens = list(sent)
    colon = next((k for k, t in enumerate(tokens[: HEADLINE_NAME_WORDS + 1]) if t.text == ":"), None)
    if colon is None or colon == 0 or tokens[colon - 1].i not in actor_at:
        return None
    name = tokens[:colon]
    actors = {actor_at[t.i] for t in name if t.i in actor_at}
    if len(actors) != 1 or any(t.pos_ not in {"PROPN", "NOUN", "DET", "ADJ"} for t in name):
        return None
    words = tokens[colon + 1 :]
    if len(words) < 3 or not any(t.pos_ in {"VERB", "AUX"} for t in words):
        return None
    return actors.pop(), tokens[colon].i


def quoted_tokens(doc: Parse) -> set[int]:
    """Return the tokens inside quotation marks; a quotation ends at the paragraph's end at the latest."""
    inside, quoted = False, set()
    for token in doc.words:
        text = token.text
        if "\n" in text:
            inside = False
        elif text in OPENING_QUOTES or (text == '"' and not inside):
            inside = True
        elif text in CLOSING_QUOTES or text == '"':
            inside = False
        elif inside:
            quoted.add(token.i)
    return quoted


def sentence_holders(context: DocumentContext) -> list[list[Holder]]:
    """Return the holder candidates of every sentence of the document, in order."""
    sentences = context.doc.sents
    paragraphs = _paragraph_ids(sentences)
    found: list[list[Holder]] = []
    speakers: list[tuple[str, ...]] = []
    for sent in sentences:
        context.previous_subjects.append(context.recent[-1] if context.recent else ())
        roles = _roles(context, sent)  # first: a state in a role's title ("the Russian president") is no holder
        holders = _named(context, sent) + roles + _collectives(context, sentences, len(found))
        holders += _documents(context, sent) + _pronouns(context, sent)
        speakers.append(_speaker(context, sent))
        subjects = _root_subject_actors(context, sent)
        if not subjects and context.recent:
            holders += [Holder(a, None, "context") for a in context.recent[-1] if _may_be_subject(context, sent, a)]
        found.append(holders)
        if subjects or speakers[-1]:
            context.recent.append(subjects or speakers[-1])
        context.seen_persons += [context.actor_at[t.i] for t in sent if t.i in context.persons]
    # Quotations are read once every sentence's speaker is known: the speaker often comes after the quote.
    for index, sent in enumerate(sentences):
        speaker = _quote_speaker(context, sent, speakers, paragraphs, index)
        found[index] += [Holder(a, None, "speaker") for a in speaker]
        first_person = [t for t in sent if t.lower_ in SPEAKER_PRONOUNS and t.i in context.quoted]
        found[index] += [Holder(a, t.i, "pronoun") for t in first_person for a in speaker]
    return [_unique(holders) for holders in found]


def _unique(holders: list[Holder]) -> list[Holder]:
    return list(dict.fromkeys(holders))


def _named(context: DocumentContext, sent: Sent) -> list[Holder]:
    holders, previous = [], None
    for token in sent:
        actor = context.actor_at.get(token.i)
        if actor is not None and (actor, token.i - 1) != previous:
            root = _mention_root(context, token)
            if not _titles_a_person(context, root) and not _country_of_a_place(token, root):
                holders.append(Holder(actor, root.i, "mention"))
        previous = (actor, token.i) if actor is not None else None
    return holders


def _titles_a_person(context: DocumentContext, token: Word) -> bool:
    """Tell whether a state or body is named in a person's title ("Ukrainian President Zelensky")."""
    current = token
    for _ in range(3):
        if current.dep_ not in {"compound", "amod", "nmod", "poss"} or current.head.i == current.i:
            return False
        current = current.head
        if current.i in context.persons and context.actor_at[current.i] != context.actor_at[token.i]:
            return True
        if current.i in context.resolved_at and context.resolved_at[current.i][1] == "role":
            return True
    return False


def _country_of_a_place(first: Word, root: Word) -> bool:
    """Tell whether a name only says where a place named before it is: "in Istanbul, Turkey", "from Kyiv, Ukraine".

    ``first`` is the name's first word, ``root`` its head word, which must not be a clause's subject ("In Istanbul,
    Turkey offered to host the talks" names Turkey as the subject).
    """
    doc = first.doc
    if first.i < 2 or doc[first.i - 1].text != ",":
        return False
    place = doc[first.i - 2]
    # the parser may hang it on the verb; a list ("from Trump, European leaders and Zelensky") is no place
    on_place = root.dep_ in {"appos", "npadvmod", "compound"}
    after = doc[root.i + 1] if root.i + 1 < len(doc) else None
    if after is not None and after.pos_ in {"VERB", "AUX"}:
        return False  # "During the talks in Jeddah, Ukraine agreed …": the parser's appositive is the subject
    return on_place and place.pos_ == "PROPN" and place.dep_ == "pobj" and place.head.lower_ in PLACE_PREPOSITIONS


def _mention_root(context: DocumentContext, token: Word) -> Word:
    """Return the syntactic head of the mention a token belongs to."""
    actor = context.actor_at[token.i]
    while token.head.i != token.i and context.actor_at.get(token.head.i) == actor:
        token = token.head
    return token


def _roles(context: DocumentContext, sent: Sent) -> list[Holder]:
    holders = []
    tokens = list(sent)
    taken: set[int] = set()
    for start, end, office in sorted(_office_phrases(context.kb).find(tokens), key=lambda m: (m[0], -(m[1] - m[0]))):
        span = tokens[start:end]
        head = _phrase_head(span)
        # A name among the phrase's words is a qualifier ("the head of the Ukrainian delegation", "Russia's UN
        # ambassador"), not the office; a name as its head is no office at all.
        if taken & {t.i for t in span} or head.i in context.actor_at:
            continue
        taken |= {t.i for t in span}
        when = _office_time(tokens, start)
        if head.tag_ in {"NNS", "NNPS"} or _names_a_person(context, head) or when is None:
            continue
        person = _office_holder(context, head, office, earlier=when == "earlier", named_by={t.i for t in span})
        if person is not None:
            context.resolved_at[head.i] = ((person,), "role")
            holders.append(Holder(person, head.i, "role"))
    return holders


_OFFICE_PHRASES: dict[int, PhraseIndex] = {}


def _office_phrases(kb: KnowledgeBase) -> PhraseIndex:
    """Return the knowledge base's office words as a phrase index, built once per knowledge base."""
    if id(kb) not in _OFFICE_PHRASES:
        _OFFICE_PHRASES[id(kb)] = PhraseIndex.of(
            (words(p), office) for office, phrases in kb.office_words.items() for p in phrases
        )
    return _OFFICE_PHRASES[id(kb)]


def _names_a_person(context: DocumentContext, head: Word) -> bool:
    """Tell whether a title stands beside a name ("President Putin", "Lavrov, the foreign minister")."""
    if head.dep_ in {"compound", "appos"} and head.head.i in context.persons:
        return True
    return any(c.i in context.persons for c in head.children if c.dep_ in {"appos", "compound", "npadvmod"})


def _phrase_head(span: list[Word]) -> Word:
    """Return the word that heads an office phrase: "secretary" in "secretary of state", not "state"."""
    inside = {t.i for t in span}
    return next((t for t in span if t.head.i not in inside or t.head.i == t.i), span[-1])


# Words before an office that make it someone else's: the deputy's, the shadow's, the successor's.
NOT_THE_HOLDER = frozenset(
    ["deputy", "assistant", "shadow", "acting", "interim", "incoming", "future", "next", "prospective", "would-be"]
)
# Words that make it an earlier holder's: "the former foreign minister", "the ex-president".
EARLIER_HOLDER = frozenset(["former", "ex", "late", "previous", "then", "erstwhile", "onetime", "one-time"])
NOUN_PHRASE_EDGE = frozenset(["DET", "ADP", "VERB", "AUX", "CCONJ", "SCONJ", "PUNCT", "PART", "PRON"])


def _office_time(tokens: list[Word], start: int) -> str | None:
    """Return whose office a phrase names by the words before it in its noun phrase: "now", "earlier" or None."""
    for token in reversed(tokens[max(0, start - 4) : start]):
        word = token.lower_
        if word in EARLIER_HOLDER:
            return "earlier"
        if word in NOT_THE_HOLDER:
            return None
        if token.pos_ in NOUN_PHRASE_EDGE and word != "-":
            break  # "Russia's former president" ends at "'s"; "and then the president" at "the"
    return "now"


def _office_holder(
    context: DocumentContext, head: Word, office: str, *, earlier: bool = False, named_by: set[int] | None = None
) -> str | None:
    """Return who holds the office a role phrase names (who held it before, ``earlier``); None when unclear.

    ``named_by`` holds the words of the office's own name ("head of the delegation"): an "of" beyond them says
    what the office is of, and one that names no actor nor a state ("the head of the Kremlin's negotiating team")
    makes the role another body's, no office of the knowledge base.
    """
    qualifiers = [context.actor_at[t.i] for t in head.subtree if t.i in context.actor_at and t.i < head.i]
    of_phrase = [c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"]
    for preposition in of_phrase:
        objects = [c for c in preposition.children if c.dep_ == "pobj"]
        outside = named_by is not None and preposition.i not in named_by
        if outside and objects and all(o.i not in context.actor_at and _not_a_state(o) for o in objects):
            return None
    qualifiers += [context.actor_at[t.i] for p in of_phrase for t in p.subtree if t.i in context.actor_at]
    # A leader's office staff are their state's ("Putin's spokesman" is the Kremlin's); another person's are not
    # ("Lavrov's spokeswoman" speaks for the ministry, an office of its own).
    states = [_leader_state(context, q) if context.is_person(q) else q for q in qualifiers]
    qualifiers = [q for q in states if q is not None]
    for qualifier in qualifiers:
        # "the UN ambassador of Russia": the first qualifier with such an office names it
        holders = set(context.kb.office_holders(office, qualifier, context.day, former=earlier))
        if len(holders) == 1 and not earlier:
            return holders.pop()
        if holders:  # "Putin's aide" among several, or a former one: the one the text last named, else nobody
            return _last_named(context, holders)
    if qualifiers:
        return None
    return _last_named(context, set(context.kb.office_holders(office, None, context.day, former=earlier)))


def _not_a_state(word: Word) -> bool:
    return word.lemma_.lower() not in STATE_NOUNS


def _last_named(context: DocumentContext, persons: set[str]) -> str | None:
    return next((p for p in reversed(context.seen_persons) if p in persons), None)


def _leader_state(context: DocumentContext, person: str) -> str | None:
    """Return the state a person leads on the article's date, if any."""
    return next((o.of for o in context.kb.offices if o.holder == person and o.leader and o.held_on(context.day)), None)


def _collectives(context: DocumentContext, sentences: list[Sent], index: int) -> list[Holder]:
    cues = load_cues()
    holders = []
    for token in sentences[index]:
        marks = {c.lower_ for c in token.children if c.dep_ in {"det", "nummod", "predet", "amod"}}
        collective = token.lemma_.lower() in cues.collective_nouns and (
            marks & COLLECTIVE_MARKS or (token.tag_ == "NNS" and "the" in marks and token.dep_ in SUBJECT_DEPS)
        )
        standalone = token.lower_ in {"both", "each"} and token.dep_ in SUBJECT_DEPS
        leaders = token.lemma_.lower() in LEADER_NOUNS and token.tag_ == "NNS" and bool(marks & COLLECTIVE_MARKS)
        # "The leaders agreed…" as a subject with nothing saying whose ("the leaders of France", "European leaders").
        leaders = leaders or (
            token.lemma_.lower() in LEADER_NOUNS
            and token.tag_ == "NNS"
            and marks == {"the"}
            and token.dep_ in SUBJECT_DEPS
            and not any(c.dep_ in {"prep", "compound", "poss"} or c.i in context.actor_at for c in token.children)
        )
        if leaders:
            # "the two presidents", "both leaders": the last two leaders met in the text.
            pair = _recent_leaders(context)
            if len(pair) == 2:
                context.resolved_at[token.i] = (pair, "collective")
                holders += [Holder(a, token.i, "collective") for a in pair]
        elif collective or standalone:
            parties = _context_parties(context, sentences, index)
            context.resolved_at[token.i] = (parties, "collective")
            holders += [Holder(a, token.i, "collective") for a in parties]
    return holders


def _recent_leaders(context: DocumentContext) -> tuple[str, ...]:
    """Return the last two distinct leaders named before (heads of state or government on the day)."""
    leaders = {o.holder for o in context.kb.offices if o.leader and o.held_on(context.day)}
    found: list[str] = []
    for person in reversed(context.seen_persons):
        if person in leaders and person not in found:
            found.append(person)
        if len(found) == 2:
            break
    return tuple(found)


def _context_parties(context: DocumentContext, sentences: list[Sent], index: int) -> tuple[str, ...]:
    """Return the two sides the nearby text pairs ("between X and Y", "X and Y"), else the warring parties."""
    for sent in reversed(sentences[max(0, index - 4) : index + 1]):
        for token in sent:
            if token.i not in context.actor_at or token.dep_ == "conj":
                continue
            # The whole coordination ("the UK, Germany, Poland and France" chains its conjuncts): two sides
            # are a pair of states; a longer list names allies, not the sides of a negotiation.
            paired = [_as_state(context, context.actor_at[t.i]) for t in conjuncts(token) if t.i in context.actor_at]
            states = tuple(dict.fromkeys(p for p in paired if p is not None))
            if len(states) == 2:
                return states
    return context.kb.parties


def _as_state(context: DocumentContext, actor_id: str) -> str | None:
    actor = context.kb.actors.get(actor_id)
    if actor is None:
        return None
    if actor.type == "person":
        return actor.country
    return actor_id if actor.type == "state" else None


def _documents(context: DocumentContext, sent: Sent) -> list[Holder]:
    documents = load_cues().documents
    holders = []
    for token in sent:
        if token.pos_ != "NOUN" or token.lemma_.lower() not in documents:
            continue
        lemma = token.lemma_.lower()
        authors = _authors(context, token)
        if authors:
            context.authors[lemma] = authors
            context.last_authored = (authors, sent.index)
            # "a draft framework" is later "the draft" as well as "the framework".
            for modifier in token.children:
                if modifier.dep_ in {"compound", "amod"} and modifier.lemma_.lower() in documents:
                    context.authors[modifier.lemma_.lower()] = authors
        elif any(c.lower_ == "the" for c in token.children):
            known = context.authors.get(lemma) or (
                _recent_document(context, sent) if lemma in load_cues().generic_documents else ()
            )
            if known:
                holders += [Holder(a, token.i, "document") for a in known]
                context.resolved_at[token.i] = (known, "document")
    return holders


# How many sentences on, "the document" or "the proposal" (``generic_documents``) may name another word's document.
DOCUMENT_REACH = 3


def _recent_document(context: DocumentContext, sent: Sent) -> tuple[str, ...]:
    """Return the authors of the document named lately under another word ("a memorandum… The document demands")."""
    if context.last_authored is None:
        return ()
    authors, index = context.last_authored
    return authors if sent.index - index <= DOCUMENT_REACH else ()


def _authors(context: DocumentContext, noun: Word) -> tuple[str, ...]:
    """Actors that author a document noun.

    They qualify it ("Russia's memorandum", "the plan drafted by Washington") or send it: the subject of a
    verb of authoring whose object it is ("Moscow sent a memorandum"), the agent when it is the passive
    subject ("the draft was submitted by Kyiv").
    """
    found = [context.actor_at[t.i] for t in noun.subtree if t.i < noun.i and t.i in context.actor_at]
    for child in noun.children:
        if child.dep_ in {"acl", "relcl", "prep"}:
            agents = [g for g in child.subtree if g.lower_ in {"by", "from"}]
            found += [context.actor_at[t.i] for g in agents for t in g.subtree if t.i in context.actor_at]
    verb = noun.head
    if noun.dep_ in {"dobj", "nsubjpass"} and verb.pos_ == "VERB" and verb.keys[1] in load_cues().author_verbs:
        if noun.dep_ == "dobj":
            # "Russia plans to submit a memorandum": an infinitive's subject is its governing verb's.
            clause = verb.head if verb.dep_ == "xcomp" and not _subjects(verb) else verb
            senders = _subjects(clause)
        else:
            senders = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
        for sender in senders:
            for word in conjuncts(sender):
                if word.i in context.actor_at:
                    found.append(context.actor_at[word.i])
                elif word.i in context.resolved_at:
                    found += context.resolved_at[word.i][0]
    return tuple(dict.fromkeys(found))


def _subjects(verb: Word) -> list[Word]:
    return [c for c in verb.children if c.dep_ == "nsubj"]


def _pronouns(context: DocumentContext, sent: Sent) -> list[Holder]:
    holders = []
    for token in sent:
        if token.lower_ not in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS:
            continue
        actors = _antecedent(context, sent, token)
        if actors:
            context.resolved_at[token.i] = (actors, "pronoun")
            if token.lower_ not in REFLEXIVE_PRONOUNS:
                holders += [Holder(a, token.i, "pronoun") for a in actors]
    return holders


def _antecedent(context: DocumentContext, sent: Sent, pronoun: Word) -> tuple[str, ...]:
    """Return the latest holder a third-person pronoun can take: an earlier subject here, else before.

    A subject inside a quotation is an antecedent only of a pronoun quoted too ('"Putin believes he can win"').
    """
    lower = pronoun.lower_
    quoted = pronoun.i in context.quoted
    # A coordinated subject is one group: "Britain and France said they were ready" is both of them.
    earlier = [
        tuple(dict.fromkeys(context.actor_at[c.i] for c in conjuncts(t) if c.i in context.actor_at and c.i < pronoun.i))
        for t in sent
        if t.i < pronoun.i
        and t.dep_ in SUBJECT_DEPS
        and t.i in context.actor_at
        and (quoted or t.i not in context.quoted)
    ]
    if lower in PLURAL_PRONOUNS and earlier:
        # "Trump spoke to Putin, and they agreed": the subject and whom it spoke or met with.
        subject = next(t for t in sent if t.i < pronoun.i and t.i in context.actor_at and t.dep_ in SUBJECT_DEPS)
        partners = [
            context.actor_at[g.i]
            for p in subject.head.children
            if p.dep_ == "prep" and p.lower_ in {"with", "to"}
            for g in p.children
            if g.dep_ == "pobj" and g.i in context.actor_at
        ]
        if partners:
            return tuple(dict.fromkeys([context.actor_at[subject.i], *partners]))
    for group in [*_object_antecedent(context, pronoun), *reversed(earlier), *reversed(context.recent[-3:])]:
        if _pronoun_agrees(context, lower, group):
            return group
    # "Putin met Kallas. She said…": no subject agrees, so the latest woman named among the last few people
    # (further back, "she" is as likely a woman the knowledge base lacks). Not so for "he": the men named are
    # many, and a "he" after a woman's subject is as often someone the knowledge base lacks.
    if PRONOUN_GENDERS.get(lower) == "female":
        named = [context.actor_at[t.i] for t in sent if t.i < pronoun.i and t.i in context.persons]
        for person in reversed((context.seen_persons + named)[-RECENT_PEOPLE:]):
            if (actor := context.kb.actors.get(person)) is not None and actor.gender == "female":
                return (person,)
    return ()


def _pronoun_agrees(context: DocumentContext, lower: str, group: tuple[str, ...]) -> bool:
    """Tell whether a pronoun can stand for a group of actors: one man or woman, one thing, or a plural."""
    people = [a for a in group if context.is_person(a)]
    if lower in PERSON_PRONOUNS:
        return len(group) == 1 and bool(people) and _gender_agrees(context, lower, people[0])
    if lower in THING_PRONOUNS:
        return len(group) == 1 and not people
    return lower in PLURAL_PRONOUNS and (len(group) > 1 or not people)


def _object_antecedent(context: DocumentContext, pronoun: Word) -> list[tuple[str, ...]]:
    """Return the object a possessive in the verb's own phrase is about, before any subject.

    "Kyiv thanked Qatar for its help", "criticised Orban for his refusal", "lost patience with Putin over
    his refusal": whom one thanks, blames or loses patience with is whose help or refusal it is.
    """
    noun = pronoun.head
    if pronoun.dep_ != "poss" or noun.dep_ != "pobj" or noun.head.dep_ != "prep":
        return []
    verb = noun.head.head
    if verb.pos_ not in {"VERB", "AUX"}:
        return []
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    objects += [g for o in objects for p in o.children if p.dep_ == "prep" for g in p.children if g.dep_ == "pobj"]
    found = [context.actor_at[o.i] for o in objects if o.i < pronoun.i and o.i in context.actor_at]
    return [(found[0],)] if len(found) == 1 else []


def _may_be_subject(context: DocumentContext, sent: Sent, actor_id: str) -> bool:
    """Tell whether an actor may be what a sentence's pronoun subjects stand for ("She said…" is no man)."""
    subjects = [t.lower_ for t in sent if t.dep_ in SUBJECT_DEPS]
    if "they" in subjects and context.is_person(actor_id):
        return False  # '"They are not ready to end the war," he said': no one person is "they"
    return all(_gender_agrees(context, p, actor_id) for p in subjects if p in PRONOUN_GENDERS)


def _gender_agrees(context: DocumentContext, pronoun: str, actor_id: str) -> bool:
    actor = context.kb.actors.get(actor_id)
    return actor is None or actor.gender is None or actor.gender == PRONOUN_GENDERS[pronoun]


def _speaker(context: DocumentContext, sent: Sent) -> tuple[str, ...]:
    """Return the actor a sentence reports as speaking ("…, Zelensky said", "according to the Kremlin")."""
    if sent.start in context.headline_speakers:
        return (context.headline_speakers[sent.start][0],)
    speech = load_cues().speech
    for token in sent:
        if token.lemma_.lower() in speech and token.pos_ in {"VERB", "AUX"} and token.i not in context.quoted:
            subject = next((c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            actors = _resolve(context, subject) if subject is not None else ()
            if actors:
                return actors
        if token.lower_ == "according" and token.i + 1 < len(context.doc) and context.doc[token.i + 1].lower_ == "to":
            actors = tuple(context.actor_at[t.i] for t in context.doc[token.i + 1].subtree if t.i in context.actor_at)
            if actors:
                return actors[:1]
    return ()


def _resolve(context: DocumentContext, token: Word) -> tuple[str, ...]:
    """Return the actors a subject token stands for: its mention, role, pronoun, collective or document."""
    if token.i in context.actor_at:
        conj = [c for c in token.children if c.dep_ == "conj" and c.i in context.actor_at]
        return tuple(dict.fromkeys([context.actor_at[token.i]] + [context.actor_at[c.i] for c in conj]))
    if token.i in context.resolved_at:
        return context.resolved_at[token.i][0]
    lower = token.lower_
    if lower in PERSON_PRONOUNS | THING_PRONOUNS | PLURAL_PRONOUNS:
        return _antecedent(context, token.sent, token)
    # "Russian officials", "the Kremlin's negotiators": the actor qualifying the subject noun; not whose allies
    # or partners they are ("Ukraine's allies … They pledged" are not Ukraine).
    if token.lemma_.lower() in load_cues().relation_nouns:
        return ()
    qualifiers = [context.actor_at[c.i] for c in token.children if c.i in context.actor_at and c.i < token.i]
    return tuple(dict.fromkeys(qualifiers))


def _root_subject_actors(context: DocumentContext, sent: Sent) -> tuple[str, ...]:
    """Return the actors the sentence is about: its main subject's, else its first subject that names an actor."""
    subjects = sorted((t for t in sent if t.dep_ in SUBJECT_DEPS), key=lambda t: (t.head.i != sent.root.i, t.i))
    for subject in subjects:
        if subject.i not in context.quoted and subject.dep_ != "expl":
            actors = _resolve(context, subject)
            if actors:
                return actors
    return ()


def _paragraph_ids(sentences: list[Sent]) -> list[int]:
    ids, current = [], 0
    for sent in sentences:
        before = sent.doc[sent.start - 1] if sent.start > 0 else None
        if before is not None and ("\n" in before.text or "\n" in before.whitespace_):
            current += 1
        ids.append(current)
    return ids


def _quote_speaker(
    context: DocumentContext, sent: Sent, speakers: list[tuple[str, ...]], paragraphs: list[int], index: int
) -> tuple[str, ...]:
    """Return the speaker of a quotation the sentence is part of: its own, else the nearest in its paragraph."""
    if not any(t.i in context.quoted or t.text in QUOTES for t in sent):
        return ()
    if speakers[index]:
        return speakers[index]
    for distance in (1, 2, 3):
        for other in (index + distance, index - distance):
            if 0 <= other < len(speakers) and paragraphs[other] == paragraphs[index] and speakers[other]:
                return speakers[other]
    return ()


def holder_names(context: DocumentContext) -> dict[str, str]:
    """Canonical names of the actors of a document, slug ids included (for matching by name)."""
    return {actor: name for actor, name in context.names.items() if name_key(name)}
