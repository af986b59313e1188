"""Features of the holder: how it was found, where it sits in its clause, how prominent it is."""

from __future__ import annotations

from transforms.features.registry import ACTOR_TYPES, CLIMBS, CUE_CLASSES, DEPS, PREPOSITIONS, feature
from transforms.features.view import View
from transforms.holders import VIA
from transforms.syntax import SUBJECT_DEPS


@feature("via", VIA)
def via(v: View) -> str:
    """Tell how the holder was found: mention, role, collective, document, pronoun, speaker or context."""
    return v.candidate.holder.via


@feature("holder_type", ACTOR_TYPES)
def holder_type(v: View) -> str:
    """Tell what kind of actor the holder is (a person when the knowledge base does not know it)."""
    actor = v.context.kb.actors.get(v.candidate.actor_id)
    return actor.type if actor is not None else "person"


@feature("holder_is_party")
def holder_is_party(v: View) -> float:
    """Tell whether the holder is a warring party or one of its people."""
    return float(v.context.kb.party_of(v.candidate.actor_id) is not None)


@feature("holder_dep", DEPS)
def holder_dep(v: View) -> str:
    """Return the dependency of the word that plays the holder's part in its clause."""
    token = v.effective[0]
    return "none" if token is None else token.dep_


@feature("holder_climb", CLIMBS)
def holder_climb(v: View) -> str:
    """Tell how the holder's word was climbed to that word (coordination, modifier, group, author)."""
    return v.effective[1]


@feature("holder_prep", PREPOSITIONS)
def holder_prep(v: View) -> str:
    """Return the preposition the holder hangs on ("talks with Russia", "backed by Washington")."""
    token = v.effective[0]
    return token.head.lower_ if token is not None and token.dep_ == "pobj" else "none"


@feature("holder_head_class", CUE_CLASSES)
def holder_head_class(v: View) -> str:
    """Return the stance class of the word the holder's phrase modifies or is subject of ("Russia's demand")."""
    token = v.effective[0]
    if token is None:
        return "none"
    head = token.head if token.dep_ in SUBJECT_DEPS or token.dep_ == "pobj" else token
    by_token = v.candidate.sentence.cue_by_token
    cue = by_token.get(head.i, by_token.get(token.i))
    return cue.stance if cue is not None else "none"


@feature("holder_quoted")
def holder_quoted(v: View) -> float:
    """Tell whether the holder is named inside a quotation."""
    token = v.holder_token
    return float(token is not None and token.i in v.context.quoted)


@feature("holder_is_root_subject")
def holder_is_root_subject(v: View) -> float:
    """Tell whether the holder is the subject of the sentence's main verb."""
    token = v.effective[0]
    if token is None or token.dep_ not in SUBJECT_DEPS:
        return 0.0
    verb = token.head
    while verb.dep_ in {"conj", "xcomp"} and verb.head.i != verb.i:
        verb = verb.head
    return float(verb.dep_ == "ROOT")


@feature("holder_subject_of_governing")
def holder_subject_of_governing(v: View) -> float:
    """Tell whether the holder is the subject of the governing cue's clause (or of a clause above it)."""
    token = v.effective[0]
    if token is None or v.governing is None:
        return 0.0
    if token.dep_ not in SUBJECT_DEPS and token.dep_ != "poss":
        return 0.0
    return float(token.head.i == v.governing.token.i or token.head in v.governing.token.ancestors)


@feature("holder_embedded")
def holder_embedded(v: View) -> float:
    """Tell whether the holder is the subject of a clause embedded under another subject's verb."""
    token = v.effective[0]
    if token is None or token.dep_ not in SUBJECT_DEPS:
        return 0.0
    verb = token.head
    for ancestor in verb.ancestors:
        if any(c.dep_ in SUBJECT_DEPS for c in ancestor.children):
            return 1.0
    return 0.0


@feature("holder_mentions_in_sentence")
def holder_mentions_in_sentence(v: View) -> float:
    """Count the holder's mentions in the sentence."""
    return float(sum(1 for h in v.candidate.sentence.holders if h.actor_id == v.candidate.actor_id))


@feature("actors_in_sentence", per_sentence=True)
def actors_in_sentence(v: View) -> float:
    """Count the actors the sentence names."""
    return float(len(v.candidate.sentence.actor_order))


@feature("holder_rank")
def holder_rank(v: View) -> float:
    """Return the holder's order among the sentence's actors (0: the first named)."""
    return float(v.candidate.sentence.actor_order.index(v.candidate.actor_id))


@feature("holder_salience")
def holder_salience(v: View) -> float:
    """Share of the document's actor mentions that name this holder."""
    counts = v.context.mention_counts
    total = sum(counts.values())
    return counts[v.candidate.actor_id] / total if total else 0.0


@feature("holder_was_previous_subject")
def holder_was_previous_subject(v: View) -> float:
    """Tell whether the holder was what the previous sentence was about."""
    return float(v.candidate.actor_id in v.context.previous_subjects[v.candidate.sentence.index])


@feature("holder_before_topic")
def holder_before_topic(v: View) -> float:
    """Tell whether the holder is named before the topic."""
    token = v.holder_token
    return float(token is not None and token.i < v.candidate.hit.start)


@feature("token_distance")
def token_distance(v: View) -> float:
    """Return the distance in words between the holder and the topic (99: no word)."""
    token = v.holder_token
    return float(abs(token.i - v.candidate.hit.start)) if token is not None else 99.0


@feature("holder_is_leader")
def holder_is_leader(v: View) -> float:
    """Tell whether the holder led a state or government on the article's date (a leader speaks for it)."""
    return float(v.candidate.actor_id in v.context.leaders)
