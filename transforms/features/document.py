"""Features of the candidate's place in its document: how often the pair recurs, and where.

Annotators give a recurring stance its clearest statement, not every echo of it, and a holder that
comes back to a topic sentence after sentence holds it more surely than one met once in passing.
"""

from __future__ import annotations

from transforms.features.registry import feature
from transforms.features.view import View


@feature("pair_sentences")
def pair_sentences(v: View) -> float:
    """Count the document's sentences with a candidate of this holder on this topic."""
    return float(len(v.spread.pairs[v.candidate.actor_id, v.candidate.topic]))


@feature("pair_order")
def pair_order(v: View) -> float:
    """Return how many of those sentences come before this one (0: the pair's first sentence)."""
    return float(v.spread.pairs[v.candidate.actor_id, v.candidate.topic].index(v.candidate.sentence.index))


@feature("topic_sentences")
def topic_sentences(v: View) -> float:
    """Count the document's sentences with a candidate on this topic."""
    return float(len(v.spread.topics[v.candidate.topic]))


@feature("holder_sentences")
def holder_sentences(v: View) -> float:
    """Count the document's sentences with a candidate of this holder."""
    return float(len(v.spread.holders[v.candidate.actor_id]))


@feature("candidate_sentences", per_sentence=True)
def candidate_sentences(v: View) -> float:
    """Count the document's sentences with any candidate."""
    return float(len(v.spread.sentences))


@feature("sentence_place", per_sentence=True)
def sentence_place(v: View) -> float:
    """Return where the sentence stands among those with candidates (0: first, near 1: last)."""
    sentences = v.spread.sentences
    return sentences.index(v.candidate.sentence.index) / len(sentences)
