"""The readings of the parse that a candidate's features share, computed once per candidate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from transforms.candidates import Candidate, Spread, StanceCue
from transforms.cues import Cues, stance_polarity
from transforms.holders import DocumentContext
from transforms.parse import Word
from transforms.syntax import (
    ADJUNCT_PREPOSITIONS,
    SUBJECT_DEPS,
    conjuncts,
    effective_holder,
    lemma,
    path,
    reversed_topic,
    verb_of,
)

# Stances that pass to a stance verb they govern: wanting, offering, agreeing or threatening to do something
# ("threatened to veto the sanctions" is against them).
CARRIERS = frozenset(["supports", "offers", "accepts", "demands", "proposes", "threatens"])
HOLDER_DEPS = frozenset(["nsubj", "nsubjpass", "csubj", "agent", "poss", "compound", "amod", "nmod"])
PREDICATE_DEPS = frozenset(["acomp", "attr", "oprd"])
T = TypeVar("T")


def predicate_deps(token: Word) -> frozenset[str]:
    """Return the dependencies by which a word's child says its predicate ("is unacceptable", "is too soon").

    An adverb or a prepositional phrase is a predicate only of a copula: "it is too soon for Kyiv to join", "a
    truce is out of the question", not "will accept only if".
    """
    return PREDICATE_DEPS | {"advmod", "prep"} if lemma(token) == "be" else PREDICATE_DEPS


def _contra_object(cue: StanceCue, verb: Word) -> bool:
    """Tell whether a stance noun against its topic is the verb's object ("wants a ban on", "agreed to a halt of")."""
    word = cue.token
    if word.pos_ != "NOUN" or stance_polarity(cue.stance) != "contra":
        return False
    return (word.dep_ == "dobj" and word.head.i == verb.i) or (word.dep_ == "pobj" and word.head.head.i == verb.i)


class cached_property(Generic[T]):
    """``functools.cached_property`` without its lock (as Python 3.12 has it): views are never shared by threads.

    Python 3.11's takes a lock on every first read: 16 readings for each of ~115 candidates an article.
    """

    def __init__(self, function: Callable[[Any], T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> cached_property[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | cached_property[T]:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.function(instance)
        return value


@dataclass
class View:
    """A candidate with the parse readings its features share, computed once."""

    candidate: Candidate
    context: DocumentContext
    spread: Spread
    cues: Cues

    @cached_property
    def topic_root(self) -> Word:
        """Return the word that heads the topic cue."""
        hit = self.candidate.hit
        return self.context.doc.span_root(hit.start, hit.end)

    @cached_property
    def holder_token(self) -> Word | None:
        """Return the word that names the holder here (None: the holder comes from the context)."""
        token = self.candidate.holder.token
        return None if token is None else self.context.doc[token]

    @cached_property
    def effective(self) -> tuple[Word | None, str]:
        """Return the word that plays the holder's part in its clause, and how it was climbed to."""
        if self.holder_token is None:
            return None, "none"
        return effective_holder(self.holder_token, self.cues.group_nouns)

    @cached_property
    def path(self) -> tuple[list[Word], Word, list[Word]] | None:
        """Return the dependency path from the holder up to the shared word and down to the topic."""
        holder = self.effective[0]
        return None if holder is None else path(holder, self.topic_root)

    @cached_property
    def governing(self) -> StanceCue | None:
        """Return the stance cue that governs the topic: on the chain from the topic up, else the nearest one."""
        cues = self.candidate.sentence.cues
        by_token = self.candidate.sentence.cue_by_token
        chain = self.chain
        for token in chain[:8]:
            if token.i in by_token and not (self.candidate.hit.start <= token.i < self.candidate.hit.end):
                return self.as_topic_act(by_token[token.i])
        if self.holder_token is not None:
            for token in self.holder_token.ancestors:
                if token.i in by_token:
                    return self.as_topic_act(by_token[token.i])
        outside = [c for c in cues if not (self.candidate.hit.start <= c.token.i < self.candidate.hit.end)]
        nearest = min(outside, key=lambda c: abs(c.token.i - self.topic_root.i), default=None)
        return self.as_topic_act(nearest) if nearest is not None else None

    def as_topic_act(self, cue: StanceCue) -> StanceCue:
        """Read a cue that is the topic's own substance as doing the topic: to withdraw troops is to cede land.

        The lexicon's ``reversal_exempt`` words ("withdraw" for territory, "reduce" for demilitarization) are no
        refusal of their topic: "Putin wants Ukraine to withdraw from Donetsk" is for the territorial change.
        """
        exempt = self.cues.reversal_exempt.get(self.candidate.topic)
        if not exempt or stance_polarity(cue.stance) != "contra" or lemma(cue.token) not in exempt:
            return cue
        # Only the topic's own verb, the first above it: "has not abandoned his demands, seeking to keep the land"
        # abandons demands, not land.
        own = next((t for t in self.chain[1:] if t.pos_ in {"VERB", "AUX"}), None)
        if own is None or own.i != cue.token.i:
            return cue
        return StanceCue(cue.token, "accepts", cue.tokens)

    @cached_property
    def holder_cue(self) -> StanceCue | None:
        """Return the stance word that says the holder's stance on the topic.

        Hanging on the topic's chain, the holder's stance is the highest stance word between the topic and
        the holder's own word, a coordinated verb or a verb of saying starting a branch of its own ("demands X
        and refuses Y"); a copula lends its predicate ("is unacceptable"). Off the chain, it is the first
        stance word on the holder's way up ("a key demand by Kyiv").
        """
        hit = self.candidate.hit
        if self.attach is None and self.path is not None:
            up, lca, down = self.path
            for token in [*up, lca, *down]:
                cue = self.cue_at(token)
                if cue is not None and not hit.start <= token.i < hit.end:
                    return cue
            return None
        part = self.chain[: self.attach + 1] if self.attach is not None else self.chain
        siblings: set[int] = set()
        for index, token in enumerate(part[:-1]):
            # A speech verb below the holder's word reports what the holder says: "condemned the attacks,
            # saying Putin must agree to a ceasefire" is for the ceasefire, whatever the holder condemned. Not
            # one that is only the means of the holder's act: "pushed back by noting that …" rejects.
            verb = token.pos_ in {"VERB", "AUX"}
            if (
                verb
                and token.dep_ == "conj"
                and not any(self.cue_at(t) is not None for t in part[: index + 1] if not hit.start <= t.i < hit.end)
            ):
                # A conjunct without a stance of its own shares what governs its head, not the head itself:
                # "concerns that Ukraine could mobilize and receive weapons" are concerns about the weapons.
                siblings.add(part[index + 1].i)
                continue
            if (verb and token.dep_ == "conj") or (self.word_class(token) == "speech" and token.dep_ == "advcl"):
                part = part[: index + 1]
                break
        found = [
            c
            for c in (self.cue_at(t) for t in part if not hit.start <= t.i < hit.end and t.i not in siblings)
            if c is not None
        ]
        if not found and self.attach == 0 and self.topic_root.pos_ == "VERB":
            # The holder does the topic itself ("Moscow won't end the war"): the act is its stance.
            return StanceCue(self.topic_root, "accepts", frozenset([self.topic_root.i]))
        # A favourable word whose complement is another stance only carries it: "seeking to delay a truce"
        # opposes the truce, "ready to walk away from the talks" threatens them, "demanded that NATO rule out
        # membership" opposes membership; so is one whose object is a noun against it: "agreed to a ban on X".
        found = list(dict.fromkeys(found))  # a copula lends the cue its predicate already gave
        top = len(found) - 1
        while top > 0 and found[top].stance in CARRIERS:
            lower, upper = found[top - 1], found[top].token
            if lower.token.dep_ in {"xcomp", "ccomp"}:
                if lower.token.head.i != upper.i or self._adjunct_below(lower.token):
                    break
            elif not _contra_object(lower, upper):
                break
            top -= 1
        return found[top] if found else None

    def _adjunct_below(self, word: Word) -> bool:
        """Tell whether the topic hangs on a word only as its adjunct ("withdraw … before any truce")."""
        for token in self.chain:
            if token.i == word.i:
                return False
            if token.dep_ == "prep" and lemma(token) in ADJUNCT_PREPOSITIONS:
                return True
        return False

    def cue_at(self, token: Word) -> StanceCue | None:
        """Return the stance cue a chain word carries: itself, or its predicate ("is unacceptable")."""
        by_token = self.candidate.sentence.cue_by_token
        if token.i in by_token:
            return self.as_topic_act(by_token[token.i])
        predicate = [c for c in token.children if c.dep_ in predicate_deps(token) and c.i in by_token]
        return self.as_topic_act(by_token[predicate[0].i]) if predicate else None

    @cached_property
    def verb(self) -> Word:
        """Return the verb of the governing cue's clause."""
        cue = self.governing
        return verb_of(cue.token if cue is not None else self.topic_root)

    @cached_property
    def reversed(self) -> bool:
        """Tell whether the holder wants the topic's outcome stopped ("an end to X", "halt X", "X relief")."""
        hit = self.candidate.hit
        stop = self.holder_cue.token.i if self.holder_cue is not None else None
        cue_tokens = self.candidate.sentence.cue_tokens
        words = self.context.doc[hit.start : hit.end]
        own = self.candidate.kind != "derived"
        actor_at, actor = self.context.actor_at, self.candidate.actor_id
        # Whose attack the holder only reports ("Zelensky said Russia struck a plant"): read for harmed topics.
        agents = frozenset(i for i, a in actor_at.items() if a != actor) if hit.topic in self.cues.harm else frozenset()
        return reversed_topic(words, self.topic_root, stop, cue_tokens, self.cues, hit.topic, own, agents)

    @cached_property
    def chain(self) -> list[Word]:
        """Return the topic's word and its heads up to the root of the sentence."""
        return [self.topic_root, *list(self.topic_root.ancestors)]

    @cached_property
    def attach(self) -> int | None:
        """Return where on the chain the holder hangs: the index of the word it is subject, agent or owner of."""
        holder = self.effective[0]
        if holder is None:
            return None
        if holder.dep_ in {"pobj"} and holder.head.dep_ == "agent":
            holder = holder.head
        for index, token in enumerate(self.chain):
            if holder.head.i == token.i and holder.dep_ in HOLDER_DEPS:
                return index
            if holder.i == token.i:
                return index
        return None

    def actors_of(self, token: Word) -> set[str]:
        """Return the actors a subject word names: its mention and conjuncts, or what it was resolved to."""
        found = set()
        if token.lower_ in {"which", "who", "that"} and token.head.dep_ == "relcl" and token.head.head.i != token.i:
            token = token.head.head  # "Brazil, which urged …": the clause's subject is what it qualifies
        coordinated = conjuncts(token)
        for t in [*coordinated, *(c for word in coordinated for c in word.children if c.dep_ == "appos")]:
            if t.i in self.context.actor_at:
                found.add(self.context.actor_at[t.i])
            elif t.i in self.context.resolved_at:
                found |= set(self.context.resolved_at[t.i][0])
        return found

    @cached_property
    def other_subjects(self) -> list[int]:
        """Return the chain positions, below the holder's word, of clauses whose subject is another actor."""
        end = self.attach if self.attach is not None else len(self.chain)
        found = []
        for index, token in enumerate(self.chain[:end]):
            for child in token.children:
                actors = self.actors_of(child) if child.dep_ in SUBJECT_DEPS else set()
                if actors and self.candidate.actor_id not in actors:
                    found.append(index)
        return found

    @cached_property
    def cue_index(self) -> int | None:
        """Return the position on the chain of the holder's stance word (None: off the chain)."""
        cue = self.holder_cue
        indices = [i for i, t in enumerate(self.chain) if cue is not None and t.i in cue.tokens]
        indices += [
            i
            for i, t in enumerate(self.chain)
            if cue is not None and any(c.i in cue.tokens for c in t.children if c.dep_ in predicate_deps(t))
        ]
        return min(indices) if indices else None

    def word_class(self, token: Word) -> str:
        """Return what a word of the chain does: a stance class (its own or its predicate's), speech, or nothing."""
        cue = self.cue_at(token)
        if cue is not None:
            return cue.stance
        if lemma(token) in self.cues.speech and token.pos_ in {"VERB", "AUX"}:
            return "speech"
        return "none"

    @cached_property
    def classes_between(self) -> frozenset[str]:
        """Return the classes of the chain's words between the topic and the holder's word."""
        end = self.attach if self.attach is not None else len(self.chain)
        return frozenset(self.word_class(t) for t in self.chain[1:end])

    @cached_property
    def classes_above(self) -> frozenset[str]:
        """Return the classes of the chain's words above the holder's word (none without a holder word)."""
        if self.attach is None:
            return frozenset()
        return frozenset(self.word_class(t) for t in self.chain[self.attach + 1 :])

    @cached_property
    def path_deps(self) -> frozenset[str]:
        """Return the dependencies of the path's words, the topic's own excepted."""
        return frozenset(t.dep_ for t in self.path_tokens[:-1])

    @cached_property
    def path_tokens(self) -> list[Word]:
        """Return the words of the holder's path to the topic (the topic's heads when there is no holder word)."""
        if self.path is None:
            return [self.topic_root, *list(self.topic_root.ancestors)[:3]]
        up, lca, down = self.path
        return [*up, lca, *down]
