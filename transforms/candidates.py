"""Candidate positions: every (sentence, holder, topic) that the scorer should weigh.

Generation is generous on purpose: every holder the resolution layer proposes for a sentence meets
every topic cue found in it, plus mediation wherever talks, a truce or a swap are named (a third
party's role in them is mediation). The scorer, trained on annotated articles, decides.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc

from ingest.records import Mention
from transforms.actors import KnowledgeBase
from transforms.cues import Cues, load_cues
from transforms.holders import DocumentContext, Holder, document_context, sentence_holders
from transforms.parse import Parse, Sent, Word
from transforms.syntax import (
    CONDITION_MARKS,
    condition_mark,
    dated_history,
    event_outcome,
    is_caption,
    is_question,
    lemma,
    path,
    questioned,
    stance_of,
)
from transforms.topics import PhraseIndex, TopicHit, find_topics, token_keys

# Talks, a truce, a swap or aid named beside a third party may be that party's mediation.
MEDIATED_TOPICS = frozenset(["direct_talks", "leaders_meeting", "ceasefire", "pow_exchange", "humanitarian"])
LEADER_WORDS = frozenset(["leader", "president", "head"])
# Stances that tell or want another actor to do something: whom they are aimed at holds nothing by them.
DIRECTIVE_STANCES = frozenset(["demands", "proposes", "supports"])


@dataclass(frozen=True)
class StanceCue:
    """A stance word or phrase of a sentence: the token that carries its syntax, its class, all its tokens."""

    token: Word
    stance: str
    tokens: frozenset[int]


@dataclass
class Sentence:
    """One sentence with what its candidates share: stance cues, topic hits, holders, speakers."""

    index: int
    span: Sent
    cues: list[StanceCue]
    topics: list[TopicHit]
    holders: list[Holder]
    cue_tokens: set[int] = field(default_factory=set)
    # The features that read only the sentence, encoded, by column: computed for its first candidate.
    encoded: dict[int, float] = field(default_factory=dict, compare=False, repr=False)

    @functools.cached_property
    def cue_by_token(self) -> dict[int, StanceCue]:
        """The stance cue each token belongs to."""
        return {i: c for c in self.cues for i in c.tokens}

    @functools.cached_property
    def lemmas(self) -> list[str]:
        """The lemma of every token of the sentence, in order."""
        return [lemma(t) for t in self.span]

    @functools.cached_property
    def question(self) -> bool:
        """The sentence asks rather than states."""
        return is_question(self.span)

    @functools.cached_property
    def actor_order(self) -> list[str]:
        """The sentence's holders' actors, each once, in the order they are met."""
        return list(dict.fromkeys(h.actor_id for h in self.holders))


@dataclass(frozen=True)
class Candidate:
    """A possible position: the holder and the topic hit that the scorer reads it from."""

    sentence: Sentence
    actor_id: str
    topic: str
    holder: Holder
    hit: TopicHit
    kind: str  # strong, weak or derived


@dataclass(frozen=True)
class Spread:
    """Where a document's candidates are: the sentence indices of each pair, topic and holder, in order."""

    pairs: dict[tuple[str, str], list[int]]
    topics: dict[str, list[int]]
    holders: dict[str, list[int]]
    sentences: list[int]

    @classmethod
    def of(cls, candidates: Sequence[Candidate]) -> Spread:
        """Index the candidates by pair, topic and holder."""
        pairs: dict[tuple[str, str], set[int]] = defaultdict(set)
        topics: dict[str, set[int]] = defaultdict(set)
        holders: dict[str, set[int]] = defaultdict(set)
        for c in candidates:
            pairs[c.actor_id, c.topic].add(c.sentence.index)
            topics[c.topic].add(c.sentence.index)
            holders[c.actor_id].add(c.sentence.index)
        return cls(
            {key: sorted(value) for key, value in pairs.items()},
            {key: sorted(value) for key, value in topics.items()},
            {key: sorted(value) for key, value in holders.items()},
            sorted({c.sentence.index for c in candidates}),
        )


@dataclass
class DocumentCandidates:
    """A document's context (actors, names, quotations), every candidate in it and where they are."""

    context: DocumentContext
    sentences: list[Sentence]
    candidates: list[Candidate]
    spread: Spread


def generate(doc: Doc, mentions: Sequence[Mention], kb: KnowledgeBase, day: date | None) -> DocumentCandidates:
    """Resolve the document's holders, find its cues and pair them into candidates."""
    context = document_context(doc, mentions, kb, day)
    holders = sentence_holders(context)
    cues = load_cues()
    sentences = []
    candidates: list[Candidate] = []
    for index, (span, found) in enumerate(zip(context.doc.sents, holders, strict=True)):
        stance_cues = find_stance_cues(span, cues)
        cue_tokens = {i for c in stance_cues for i in c.tokens}
        topics = [
            h
            for h in find_topics(span)
            if not dated_history(root := span.doc.span_root(h.start, h.end), day)
            and not event_outcome(root, cues)
            and not questioned(root, cue_tokens)
            and not _own_forces(h, root, context)
            and not _word_of_stance_phrase(h, stance_cues, span.doc)
        ]
        sentence = Sentence(index, span, stance_cues, _leaders_meetings(topics, span, found, kb, day), found)
        sentence.cue_tokens = cue_tokens
        sentences.append(sentence)
        # A question asks about a position and a photo caption says who is pictured: neither states one.
        if not sentence.question and not is_caption(sentence.span) and not _other_war(span, context, cues):
            candidates += _pairs(sentence, kb, cues)
    return DocumentCandidates(context, sentences, candidates, Spread.of(candidates))


def _word_of_stance_phrase(hit: TopicHit, stance_cues: list[StanceCue], doc: Parse) -> bool:
    """Tell whether a one-word weak topic cue is a word of a stance phrase: "in exchange for guarantees" swaps no one.

    What the phrase trades may still be a person ("freed in exchange for Alexander Vinnik"): a name keeps the cue.
    """
    if hit.strong or hit.end - hit.start != 1:
        return False
    for cue in stance_cues:
        if len(cue.tokens) > 1 and hit.start in cue.tokens and hit.start != cue.token.i:
            last = doc[max(cue.tokens)]
            return not any(c.dep_ == "pobj" and c.pos_ == "PROPN" for c in last.children)
    return False


def _other_war(span: Sent, context: DocumentContext, cues: Cues) -> bool:
    """Tell whether a sentence is about another war: it names one of its places or parties, and no side of this one.

    Envoys and mediators of this war work on others too: "Fidan urges a full ceasefire in Gaza" is no position on
    a truce here. A Russian or Ukrainian actor named anywhere in the sentence keeps it ("Iranian drones hit Kyiv").
    """
    if not any(t.lower_ in cues.other_conflicts for t in span):
        return False
    kb = context.kb
    return not any(kb.party_of(context.actor_at[t.i]) for t in span if t.i in context.actor_at)


def _own_forces(hit: TopicHit, root: Word, context: DocumentContext) -> bool:
    """Tell whether a weak guarantee word is a warring side's own army: "Ukrainian forces", "Russia's troops".

    A security guarantee is a third party's force; a side's own forces advance, strike or withdraw.
    """
    if hit.topic != "security_guarantees" or hit.strong:
        return False
    owners = [c for c in root.children if c.dep_ in {"amod", "compound", "poss", "nmod"}]
    named = [context.actor_at[c.i] for c in owners if c.i in context.actor_at]
    named += [a for c in owners if c.i in context.resolved_at for a in context.resolved_at[c.i][0]]  # "its forces"
    return any(context.kb.party_of(a) is not None for a in named)


def _leaders_meetings(
    hits: list[TopicHit], span: Sent, holders: list[Holder], kb: KnowledgeBase, day: date | None
) -> list[TopicHit]:
    """Promote a meeting word to a leaders' meeting where leaders are named with it ("a meeting of Putin and Trump").

    Talks the leaders hold themselves ("direct negotiations with Putin") add a leaders' meeting beside the talks.
    """
    leader_at = {
        h.token
        for h in holders
        if h.token is not None and h.via in {"mention", "role"} and _is_leader(kb, h.actor_id, day)
    }
    if not leader_at and not any(lemma(t) in LEADER_WORDS for t in span):
        return hits
    promoted = []
    for hit in hits:
        talks = hit.topic == "direct_talks" and hit.strong
        if talks or (hit.topic == "leaders_meeting" and not hit.strong):
            root = span.doc.span_root(hit.start, hit.end)
            near = {t.i for t in root.subtree}
            if root.pos_ in {"NOUN", "VERB"} and root.head.i != root.i:
                near |= {c.i for c in root.head.children if c.dep_ in {"nsubj", "nsubjpass"}}
                # "proposed a meeting before the end of August between Zelensky and Putin": the parser hangs who
                # meets on the verb, or on a word between; "between" says who meets wherever it hangs in the clause.
                for word in root.head.subtree:
                    between = word.dep_ == "prep" and word.lower_ == "between"
                    if between or (word.head is root.head and word.dep_ == "prep" and word.lower_ == "with"):
                        near |= {t.i for t in word.subtree}
            # A leader word counts unless it is the title of a leader already named ("President Putin met an envoy").
            words = {
                lemma(t) for t in (span.doc[i] for i in near) if not (t.head.i in leader_at and t.dep_ == "compound")
            } & LEADER_WORDS
            of_leaders = bool(len(near & leader_at) >= 1 and len(leader_at) >= 2) or bool(words)
            if talks:
                # Talks the leaders hold themselves are their meeting too ("direct negotiations with Putin").
                if of_leaders:
                    promoted.append(TopicHit(hit.start, hit.end, "leaders_meeting", True))
            else:
                hit = TopicHit(hit.start, hit.end, hit.topic, of_leaders)
        promoted.append(hit)
    return promoted


def _is_leader(kb: KnowledgeBase, actor_id: str, day: date | None) -> bool:
    return any(o.holder == actor_id and o.leader and o.held_on(day) for o in kb.offices)


def find_stance_cues(sent: Sent, cues: Cues) -> list[StanceCue]:
    """Every stance phrase and word of a sentence (phrases first; a word inside a phrase is not read again)."""
    tokens = list(sent)
    found: list[StanceCue] = []
    covered: set[int] = set()
    for start, end, stance in sorted(_stance_phrases().find(tokens), key=lambda m: (m[0], -(m[1] - m[0]))):
        indices = {t.i for t in tokens[start:end]}
        if end - start == 1 and tokens[start].lower_ == "against" and tokens[start].head.pos_ in {"NOUN", "PROPN"}:
            continue  # "strikes against energy sites", "sanctions against Russia": what a noun is aimed at
        if not covered & indices:
            phrase = tuple(token_keys(t)[1] for t in tokens[start:end])
            anchor = _phrase_anchor(tokens[start:end], phrase, stance)
            indices.add(anchor.i)
            found.append(StanceCue(anchor, stance, frozenset(indices)))
            covered |= indices
    for token in tokens:
        single = stance_of(token, cues) if token.i not in covered else None
        if single is not None:
            found.append(StanceCue(token, single, frozenset([token.i])))
    return sorted(found, key=lambda c: c.token.i)


@functools.cache
def _stance_phrases() -> PhraseIndex:
    return PhraseIndex.of(load_cues().phrases)


def _phrase_anchor(tokens: list[Word], phrase: tuple[str, ...], stance: str) -> Word:
    """Return the word of a phrase that carries its syntax: its verb if any ("or face" hangs on "face").

    A whole prepositional phrase on a verb other than "be" is said by that verb of its object: "took NATO
    membership off the table", "kept sanctions on the table" (not "agreed to talks on condition that…").
    """
    first = tokens[0]
    if (
        first.dep_ == "prep"
        and tokens[-1].dep_ == "pobj"
        and tokens[-1].head.i == first.i
        and first.head.pos_ == "VERB"
        and lemma(first.head) != "be"
        and stance != "conditions"
    ):
        return first.head
    verbs = [t for t in tokens if t.pos_ in {"VERB", "AUX"} and lemma(t) not in {"will", "would", "be"}]
    if phrase[0] in {"or", "will", "would"} and verbs:
        return verbs[-1]
    return verbs[0] if verbs and phrase[0] not in {"only", "provided", "providing", "as", "on", "in"} else tokens[0]


def _pairs(sentence: Sentence, kb: KnowledgeBase, cues: Cues) -> list[Candidate]:
    hits = list(sentence.topics)
    sentence_hosts = any(c.stance == "hosts" for c in sentence.cues)
    derived = [TopicHit(h.start, h.end, "mediation", False) for h in hits if h.topic in MEDIATED_TOPICS]
    best: dict[tuple[str, str], Candidate] = {}
    doc = sentence.span.doc
    # Whom a demand is aimed at states nothing by it, nor through its own pronoun ("that Ukraine abandon its bid").
    aimed_at = [
        h
        for h in sentence.holders
        if h.token is not None and (_directed(sentence, doc[h.token]) or _told(sentence, doc[h.token], h.actor_id, kb))
    ]
    targets = {h.actor_id for h in aimed_at if h.via in {"mention", "pronoun"}}
    for holder in sentence.holders:
        if holder in aimed_at or (holder.via == "pronoun" and holder.actor_id in targets):
            continue
        if holder.token is not None and (_owner_of_owner(doc[holder.token]) or _in_condition(doc[holder.token])):
            continue
        if holder.token is not None and _related_to(doc[holder.token], cues.relation_nouns):
            continue  # "Ukraine's allies demanded …": the allies' stance, not Ukraine's
        # A warring side takes part in its talks; only a third party mediates them.
        third_party = kb.party_of(holder.actor_id) is None
        third = [(h, "derived") for h in derived if third_party]
        for hit, kind in [(h, "strong" if h.strong else "weak") for h in hits] + third:
            if third_party and hit.topic == "direct_talks" and sentence_hosts:
                continue  # a third party hosting or brokering talks mediates them (the taxonomy's mediation)
            if hit.topic == "mediation" and holder.via == "collective" and not third_party:
                continue  # "with Turkish mediation, the two sides agreed…": the sides are what is mediated
            if holder.token is not None and hit.start <= holder.token < hit.end:
                continue  # "NATO" the alliance is no stance on NATO membership
            if (
                holder.via == "mention"
                and holder.token is not None
                and any(h.start <= holder.token < h.end for h in hits)
            ):
                continue  # nor on what is listed with "a NATO ban" (a name inside a topic's words)
            if holder.token is not None and _possessed(doc[holder.token], hit, cues):
                continue  # "Moscow demands Ukraine's neutrality": whose neutrality it is wants nothing by it
            if holder.token is not None and _faces(sentence.span.doc[holder.token], hit):
                continue  # "Russia will face new sanctions": whom a penalty is aimed at
            if holder.token is not None and _accuses(doc[holder.token], hit):
                continue  # "Starmer accused Putin of disregarding the truce": the accused's stance
            if holder.token is not None and _in_denied_report(doc[holder.token], sentence, cues):
                continue  # "Peskov dismissed reports that Putin was ready to…": Putin said nothing
            candidate = Candidate(sentence, holder.actor_id, hit.topic, holder, hit, kind)
            key = (holder.actor_id, hit.topic)
            if key not in best or _closeness(candidate) < _closeness(best[key]):
                best[key] = candidate
    return list(best.values())


def _directed(sentence: Sentence, word: Word) -> bool:
    """Tell whether a word names whom another actor's demand or proposal is aimed at, not a holder.

    "Russia demanded that Ukraine withdraw", "Moscow urged Kyiv to cede", "called on Kyiv to accept", "the
    draft calls for Ukraine to hold elections": Ukraine is told what to do and states nothing. The demanded
    clause is in the bare subjunctive ("withdraw", not "withdrew" or "would withdraw"), or an infinitive
    whose doer is the demand's object; "Medinsky demanded that the talks continue" has no other actor, and
    "Peskov insisted that Russia was ready" reports Russia's own stance. Whom someone forces or pressures to
    act ("a deal that forced it to give up land") is acted on too.
    """
    while word.dep_ == "conj" and word.head is not word:
        word = word.head
    if word.dep_ == "nsubj" and _for_infinitive(word.head):
        governor = word.head.head  # "calls for Ukraine to hold elections"
    elif word.dep_ == "nsubj":
        clause = word.head
        # The tagger reads "that Kyiv cede" as a present (VBP): with a name, a singular, it is the subjunctive.
        bare = clause.tag_ == "VB" or (clause.tag_ == "VBP" and word.tag_ in {"NN", "NNP", "NNPS"})
        # "wants Ukraine to withdraw" parses as a complement with its own subject: "to" marks no tense.
        tensed = any(c.dep_ in {"aux", "auxpass"} and c.lower_ != "to" for c in clause.children)
        # A relative clause of a verb is the parser's misreading of "demands that Ukraine withdraw".
        complement = clause.dep_ == "ccomp" or (clause.dep_ == "relcl" and clause.head.pos_ == "VERB")
        if not bare or not complement or tensed:
            return False
        governor = clause.head
    elif word.dep_ == "dobj" or (word.dep_ == "pobj" and word.head.lower_ in {"on", "upon"}):
        governor = word.head if word.dep_ == "dobj" else word.head.head  # "urged Kyiv to", "called on Kyiv to"
        if not any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in governor.children):
            return False
    else:
        return False
    cue = sentence.cue_by_token.get(governor.i)
    coerced = lemma(governor) in load_cues().coercion
    if not coerced and (cue is None or cue.stance not in DIRECTIVE_STANCES):
        return False
    # "for Ukraine to hold elections" names whom it asks even when the asker is a document ("the draft calls").
    if _for_infinitive(word.head):
        return True
    # The asker may be the subject of a verb the demand is coordinated with ("accepted … but insisted that").
    askers = [governor]
    while askers[-1].dep_ == "conj" and askers[-1].head.i != askers[-1].i:
        askers.append(askers[-1].head)
    return any(c.dep_ in {"nsubj", "nsubjpass"} and c.i != word.i for verb in askers for c in verb.children)


def _told(sentence: Sentence, word: Word, actor_id: str, kb: KnowledgeBase) -> bool:
    """Tell whether a word is whom a speaker says must act: "Putin said Ukraine must abandon its NATO bid".

    What one side says another must or should do is the speaker's demand; the subject states nothing. The
    speaker's own side keeps it ("Zelensky said Ukraine must get guarantees" is Ukraine's too). A quotation
    says it in the speaker's own words: '"He has to agree to a ceasefire," Starmer said'.
    """
    clause = word.head
    if word.dep_ != "nsubj":
        return False
    obliged = any(c.dep_ == "aux" and c.lower_ in {"must", "should"} for c in clause.children) or (
        lemma(clause) in {"have", "need"} and any(c.dep_ == "xcomp" for c in clause.children)
    )
    if not obliged:
        return False
    by_token = {h.token: h.actor_id for h in sentence.holders if h.token is not None}
    speakers: list[str] = []
    speech = next((a for a in clause.ancestors if lemma(a) in load_cues().speech), None)
    if speech is not None:
        # A participle speaks for the subject of its clause: "Starmer condemned the attacks, saying Putin must…".
        bare = speech.dep_ == "advcl" and not any(c.dep_ == "nsubj" for c in speech.children)
        said_by = speech.head if bare else speech
        speakers = [by_token[c.i] for c in said_by.children if c.dep_ == "nsubj" and c.i in by_token]
    speakers = speakers or [h.actor_id for h in sentence.holders if h.via == "speaker"]
    side = kb.party_of(actor_id) or actor_id
    return bool(speakers) and all((kb.party_of(s) or s) != side for s in speakers)


def _faces(word: Word, hit: TopicHit) -> bool:
    """Tell whether a word names who faces the topic, a penalty someone else sets: "Russia will face new sanctions"."""
    verb = word.head
    return word.dep_ == "nsubj" and lemma(verb) == "face" and verb.left_edge.i <= hit.start <= verb.right_edge.i


# Dependencies that start a clause of their own.
CLAUSE_DEPS = frozenset(["ROOT", "acl", "ccomp", "relcl", "advcl", "xcomp", "csubj"])


def _in_denied_report(word: Word, sentence: Sentence, cues: Cues) -> bool:
    """Tell whether a word is in what a denied report says: "the Kremlin denied reports that Putin would meet…".

    A report, claim or rumour says what an actor would do; once denied, it is no stance of that actor. Only the
    clause the word is in counts: the report noun it hangs on must be the object of a denial or a rejection.
    """
    clause = next((a for a in [word, *word.ancestors] if a.dep_ in CLAUSE_DEPS), None)
    if clause is None or clause.dep_ not in {"acl", "ccomp"} or lemma(clause.head) not in cues.report_nouns:
        return False
    noun = clause.head
    while noun.dep_ == "conj" and noun.head is not noun:
        noun = noun.head  # "dismissed the claims and the rumours that…": the first noun is the object
    verb = noun.head
    cue = sentence.cue_by_token.get(verb.i)
    return lemma(verb) in cues.denial_verbs or (cue is not None and cue.stance in {"rejects", "opposes", "refuses"})


def _accuses(word: Word, hit: TopicHit) -> bool:
    """Tell whether a word accuses another of the topic: "Moscow accused Kyiv of delaying the return of civilians".

    What an accusation says is the accused's stance; the accuser holds nothing by it (and is often against it).
    """
    while word.dep_ == "conj" and word.head is not word:
        word = word.head
    if word.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    # The subject's verb, and any verb coordinated with it that has no subject of its own ("was ready… but accused").
    verbs = [word.head] + [
        c
        for c in word.head.children
        if c.dep_ == "conj" and not any(g.dep_ in {"nsubj", "nsubjpass"} for g in c.children)
    ]
    accusation = load_cues().accusation
    return any(
        lemma(verb) in accusation
        and any(
            p.dep_ == "prep" and p.lower_ in {"of", "for"} and p.left_edge.i <= hit.start <= p.right_edge.i
            for p in verb.children
        )
        for verb in verbs
    )


def _in_condition(word: Word) -> bool:
    """Tell whether a word is the subject of a condition: "Kyiv would freeze the front if Russia agreed to a truce".

    What a condition supposes of its subject is no stance of it ("once Moscow agrees to a ceasefire",
    "should Russia reject it"). An indirect question is no condition ("asked if both sides had agreed").
    """
    while word.dep_ == "conj" and word.head is not word:
        word = word.head
    if word.dep_ not in {"nsubj", "nsubjpass"}:
        return False
    clause = word.head
    marked = clause.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in CONDITION_MARKS - {"whether"} for c in clause.children
    )
    return marked or condition_mark(clause) == "should"


def _related_to(word: Word, relations: frozenset[str]) -> bool:
    """Tell whether a word names whose allies or counterpart a noun is: "Ukraine's allies", "the allies of Kyiv"."""
    while word.dep_ == "conj" and word.head is not word:
        word = word.head
    if word.dep_ == "poss":
        return lemma(word.head) in relations
    return word.dep_ == "pobj" and word.head.lower_ == "of" and lemma(word.head.head) in relations


def _possessed(word: Word, hit: TopicHit, cues: Cues) -> bool:
    """Tell whether a word is whose neutrality, membership or leadership the topic names: "Ukraine's neutrality"."""
    return word.dep_ == "poss" and hit.topic in cues.possessed_topics and hit.start <= word.head.i < hit.end


def _owner_of_owner(word: Word) -> bool:
    """Tell whether a possessive pronoun says whose owner, not whose stance: "his counterpart's offer" is not his."""
    return word.dep_ == "poss" and word.tag_ == "PRP$" and word.head.dep_ == "poss"


def _for_infinitive(clause: Word) -> bool:
    """Tell whether a clause is a "for … to" infinitive ("for Ukraine to hold elections")."""
    children = clause.children
    return any(c.dep_ == "mark" and c.lower_ == "for" for c in children) and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in children
    )


def _closeness(candidate: Candidate) -> tuple[int, int, int, int]:
    """Prefer the strongest topic hit, a holder outside the topic's own phrase, and the nearest in the parse.

    "Moscow called for lifting the sanctions on its banks": "its" lies inside the topic's phrase and says
    whose banks; "Moscow" says who calls.
    """
    kind_rank = {"strong": 0, "weak": 1, "derived": 2}[candidate.kind]
    if candidate.holder.token is None:
        return kind_rank, 1, 99, 0
    doc = candidate.sentence.span.doc
    holder = doc[candidate.holder.token]
    root = doc.span_root(candidate.hit.start, candidate.hit.end)
    inside = int(any(a.i == root.i for a in holder.ancestors))
    up, _, down = path(holder, root)
    return kind_rank, inside, len(up) + len(down), abs(candidate.holder.token - candidate.hit.start)
