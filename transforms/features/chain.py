"""Features of the way from holder to topic: the dependency path, the topic's chain of heads, who else speaks."""

from __future__ import annotations

from transforms.features.registry import PATH_DEPS, POS, WORD_CLASSES, feature
from transforms.features.view import View
from transforms.parse import Word
from transforms.syntax import ADJUNCT_PREPOSITIONS, SUBJECT_DEPS, lemma, modal, negated, past, verb_of


@feature("path_up")
def path_up(v: View) -> float:
    """Count the steps from the holder up to the lowest word it shares with the topic (-1: no word)."""
    return float(len(v.path[0])) if v.path is not None else -1.0


@feature("path_down")
def path_down(v: View) -> float:
    """Count the steps from that shared word down to the topic (-1: no holder word)."""
    return float(len(v.path[2])) if v.path is not None else -1.0


@feature("lca_pos", POS)
def lca_pos(v: View) -> str:
    """Return the part of speech of the lowest word the holder and the topic share."""
    return v.path[1].pos_ if v.path is not None else "none"


@feature("lca_is_root")
def lca_is_root(v: View) -> float:
    """Tell whether that shared word is the sentence's root."""
    return float(v.path is not None and v.path[1].dep_ == "ROOT")


@feature("lca_class", WORD_CLASSES)
def lca_class(v: View) -> str:
    """Return what the shared word does: a stance class, speech, or nothing."""
    if v.path is None:
        return "none"
    lca = v.path[1]
    cue = v.candidate.sentence.cue_by_token.get(lca.i)
    if cue is not None:
        return cue.stance
    return "speech" if lemma(lca) in v.cues.speech else "none"


for _dep in PATH_DEPS:

    def _has_dep(v: View, dep: str = _dep) -> float:
        return float(dep in v.path_deps)

    feature(f"path_has_{_dep}")(_has_dep)


@feature("path_has_speech")
def path_has_speech(v: View) -> float:
    """Tell whether a verb of saying lies on the holder's path to the topic."""
    return float(any(lemma(t) in v.cues.speech and t.pos_ == "VERB" for t in v.path_tokens))


@feature("path_negations")
def path_negations(v: View) -> float:
    """Count the negated words on the holder's path to the topic."""
    return float(sum(1 for t in v.path_tokens if any(c.dep_ == "neg" for c in t.children)))


# --- the chain from the topic up to the root, and where the holder hangs on it ------------------------


@feature("attach_depth")
def attach_depth(v: View) -> float:
    """How far above the topic the holder's word is (-1: the holder hangs off the chain, or has no word)."""
    return float(v.attach) if v.attach is not None else -1.0


@feature("attach_class", (*WORD_CLASSES, "off"))
def attach_class(v: View) -> str:
    """Return what the holder's word on the topic's chain does ("off": the holder hangs elsewhere)."""
    return v.word_class(v.chain[v.attach]) if v.attach is not None else "off"


@feature("attach_negated")
def attach_negated(v: View) -> float:
    """Tell whether the holder's word on the chain is negated."""
    return float(v.attach is not None and negated(v.chain[v.attach], v.cues))


@feature("attach_modal")
def attach_modal(v: View) -> float:
    """Tell whether the holder's clause bears a modal ("would accept")."""
    return float(v.attach is not None and modal(verb_of(v.chain[v.attach]), v.cues))


DEONTIC = frozenset(["must", "should", "ought"])


def _deontic(verb: Word) -> bool:
    """Tell whether a verb is required of its subject: "must agree", "should stop", "has to come", "needs to"."""
    if any(c.dep_ in {"aux", "auxpass"} and c.lower_ in DEONTIC for c in verb.children):
        return True
    head = verb.head
    return verb.dep_ == "xcomp" and lemma(head) in {"have", "need"} and any(c.lower_ == "to" for c in verb.children)


@feature("attach_deontic")
def attach_deontic(v: View) -> float:
    """Tell whether the holder's clause says what it must do ("Putin must agree"): someone else's demand."""
    if v.attach is None:
        return 0.0
    verb = verb_of(v.chain[v.attach])
    return float(_deontic(verb) or any(_deontic(c) for c in verb.children if c.dep_ == "xcomp"))


@feature("demands_below")
def demands_below(v: View) -> float:
    """Tell whether a clause below the holder's word says what another must do ("said Putin must agree")."""
    end = v.attach if v.attach is not None else len(v.chain)
    return float(any(_deontic(t) for t in v.chain[:end] if t.pos_ in {"VERB", "AUX"}))


@feature("attach_past")
def attach_past(v: View) -> float:
    """Tell whether the holder's clause is in the past."""
    return float(v.attach is not None and past(verb_of(v.chain[v.attach])))


for _class in WORD_CLASSES[:-1]:

    def _between(v: View, word_class: str = _class) -> float:
        """Tell whether a word of this class stands between the topic and the holder's word ("said … would start")."""
        return float(word_class in v.classes_between)

    def _above(v: View, word_class: str = _class) -> float:
        """Tell whether a word of this class stands above the holder's word: its clause is reported or governed."""
        return float(word_class in v.classes_above)

    feature(f"between_{_class}")(_between)
    feature(f"above_{_class}")(_above)


@feature("below_other_actor")
def below_other_actor(v: View) -> float:
    """Another actor is the subject of a clause between the topic and the holder's word.

    In "Zelensky said Ukraine is ready for talks" Ukraine, not the speaker, holds the position.
    """
    end = v.attach if v.attach is not None else len(v.chain)
    for token in v.chain[:end]:
        for child in token.children:
            actors = v.actors_of(child) if child.dep_ in SUBJECT_DEPS else set()
            if actors and v.candidate.actor_id not in actors:
                return 1.0
    return 0.0


@feature("other_actor_owns_cue")
def other_actor_owns_cue(v: View) -> float:
    """Another actor is the subject of the clause that carries the stance ("Zelensky said Ukraine is ready")."""
    if v.cue_index is None:
        return float(bool(v.other_subjects))
    return float(any(i >= v.cue_index for i in v.other_subjects))


@feature("speaks_for_other")
def speaks_for_other(v: View) -> float:
    """Tell whether the holder speaks and the clause's own subject is its side ("Peskov said Russia would not")."""
    if v.attach is None or not _says(v, v.chain[v.attach]):
        return 0.0
    side = _side(v, v.candidate.actor_id)
    return float(side is not None and any(_side(v, a) == side for a in _subjects_below(v)))


@feature("spoken_for")
def spoken_for(v: View) -> float:
    """Tell whether the holder is a subject someone of its own side reports ("Zelensky said Ukraine is ready")."""
    side = _side(v, v.candidate.actor_id)
    speakers = _speakers_above(v)
    return float(side is not None and any(a != v.candidate.actor_id and _side(v, a) == side for a in speakers))


@feature("spoken_for_by_leader")
def spoken_for_by_leader(v: View) -> float:
    """Tell whether the holder is a state its own leader reports ("Zelensky said Ukraine is ready").

    Annotators give such a sentence to the state; a spokesman's report they give to the spokesman.
    """
    side = _side(v, v.candidate.actor_id)
    speakers = _speakers_above(v)
    return float(side is not None and any(a in v.context.leaders and _side(v, a) == side for a in speakers))


def _speakers_above(v: View) -> set[str]:
    """Return the actors who say, above the holder's word, what its clause states."""
    if v.attach is None:
        return set()
    return {
        a
        for t in v.chain[v.attach + 1 :]
        if _says(v, t)
        for c in t.children
        if c.dep_ in SUBJECT_DEPS
        for a in v.actors_of(c)
    }


def _says(v: View, word: Word) -> bool:
    """Tell whether a word reports speech, a stance verb of saying too ("insisted that Russia was ready")."""
    return v.word_class(word) == "speech" or (word.pos_ == "VERB" and lemma(word) in v.cues.speech)


def _side(v: View, actor_id: str) -> str | None:
    actor = v.context.kb.actors.get(actor_id)
    if actor is None:
        return None
    return actor.country if actor.type == "person" else actor_id


def _subjects_below(v: View) -> set[str]:
    end = v.attach if v.attach is not None else len(v.chain)
    return {a for t in v.chain[:end] for c in t.children if c.dep_ in SUBJECT_DEPS for a in v.actors_of(c)}


@feature("other_actor_in_content")
def other_actor_in_content(v: View) -> float:
    """Another actor is the subject inside what the stance is about ("demanded that Ukraine withdraw")."""
    return float(v.cue_index is not None and any(i < v.cue_index for i in v.other_subjects))


@feature("below_subject")
def below_subject(v: View) -> float:
    """Tell whether a subject (an actor or not: "the sides", "officials") heads a clause between topic and holder."""
    end = v.attach if v.attach is not None else len(v.chain)
    return float(any(c.dep_ in SUBJECT_DEPS for t in v.chain[:end] for c in t.children))


@feature("mediation_reading")
def mediation_reading(v: View) -> float:
    """Tell whether a third party hosts, brokers or plans the talks: what the annotators call mediation."""
    if v.context.kb.party_of(v.candidate.actor_id) is not None:
        return 0.0
    words = [v.chain[v.attach]] if v.attach is not None else []
    words += [v.effective[0].head] if v.effective[0] is not None else []
    classes = {v.word_class(t) for t in words}
    documents = {lemma(t) for t in words} & v.cues.documents
    return float(bool(classes & {"hosts", "proposes"}) or bool(documents))


@feature("between_adjunct")
def between_adjunct(v: View) -> float:
    """Tell whether the topic hangs on the holder's word through an adjunct ("as an outcome of the talks, …")."""
    end = v.attach if v.attach is not None else len(v.chain)
    return float(any(t.dep_ == "prep" and lemma(t) in ADJUNCT_PREPOSITIONS for t in v.chain[1:end]))


@feature("between_negations")
def between_negations(v: View) -> float:
    """Count the negated words from the topic up to the holder's word."""
    end = v.attach + 1 if v.attach is not None else len(v.chain)
    return float(sum(1 for t in v.chain[:end] if any(c.dep_ == "neg" for c in t.children)))


@feature("above_subjects")
def above_subjects(v: View) -> float:
    """Count the subjects above the holder's word: is its clause someone else's report or demand."""
    if v.attach is None:
        return 0.0
    return float(sum(1 for t in v.chain[v.attach + 1 :] if any(c.dep_ in SUBJECT_DEPS for c in t.children)))


@feature("reported_for_other")
def reported_for_other(v: View) -> float:
    """Tell whether the holder only reports, outside quotation marks, a stance another actor holds.

    "Fidan noted that the two parties agreed on an exchange": the parties hold it, not the speaker; inside a
    quotation the speaker's own words would make it the speaker's.
    """
    if v.attach is None or not _says(v, v.chain[v.attach]):
        return 0.0
    return float(v.candidate.hit.start not in v.context.quoted and other_actor_owns_cue(v) == 1.0)


DIRECTIVE_CLASSES = frozenset(["demands", "proposes", "supports", "threatens", "conditions"])


@feature("content_of_directive")
def content_of_directive(v: View) -> float:
    """Tell whether the holder's clause is what another actor demands or urges of it ("demanded that Russia agree").

    The subject of such a clause is the target of the stance, not its holder; so is one of a document's terms
    ("the draft stipulates that Ukraine will not join NATO"), whoever wrote it.
    """
    token = v.effective[0]
    if token is None or token.dep_ not in SUBJECT_DEPS:
        return 0.0
    clause = token.head
    for governor in list(clause.ancestors)[:3]:
        if v.word_class(governor) in DIRECTIVE_CLASSES:
            subjects = [c for c in governor.children if c.dep_ in SUBJECT_DEPS]
            if any(lemma(c) in v.cues.documents for c in subjects):
                return 1.0
            others = {a for c in subjects for a in v.actors_of(c)}
            return float(bool(others) and v.candidate.actor_id not in others)
    return 0.0
