"""Features of the topic cue and of the sentence it stands in."""

from __future__ import annotations

from transforms.cues import load_taxonomy
from transforms.features.registry import DEPS, KINDS, feature
from transforms.features.view import View


@feature("topic", load_taxonomy().topics)
def topic(v: View) -> str:
    """Return the topic id."""
    return v.candidate.topic


@feature("topic_kind", KINDS)
def topic_kind(v: View) -> str:
    """Tell whether the topic cue is strong, weak or derived (mediation from talks)."""
    return v.candidate.kind


@feature("topic_dep", DEPS)
def topic_dep(v: View) -> str:
    """Return the dependency of the topic's word."""
    return v.topic_root.dep_


@feature("topic_reversed")
def topic_reversed(v: View) -> float:
    """Tell whether the topic's outcome is what the holder wants stopped ("an end to X")."""
    return float(v.reversed)


@feature("topic_negated")
def topic_negated(v: View) -> float:
    """Tell whether the topic is denied: "no ceasefire", "without a truce", "not a ceasefire"."""
    root = v.topic_root
    if any(c.dep_ in {"det", "neg"} and c.lower_ in {"no", "not", "never"} for c in root.children):
        return 1.0
    return float(root.head.lower_ == "without" or (root.i > 0 and v.context.doc[root.i - 1].lower_ == "not"))


@feature("topic_quoted")
def topic_quoted(v: View) -> float:
    """Tell whether the topic is named inside a quotation."""
    return float(v.candidate.hit.start in v.context.quoted)


@feature("topic_hits_in_sentence")
def topic_hits_in_sentence(v: View) -> float:
    """Count the sentence's cues of this topic."""
    return float(sum(1 for h in v.candidate.sentence.topics if h.topic == v.candidate.topic))


@feature("topics_in_sentence", per_sentence=True)
def topics_in_sentence(v: View) -> float:
    """Count the topics the sentence names."""
    return float(len({h.topic for h in v.candidate.sentence.topics}))


@feature("sentence_length", per_sentence=True)
def sentence_length(v: View) -> float:
    """Count the sentence's words."""
    return float(len(v.candidate.sentence.span))


@feature("quoted_share", per_sentence=True)
def quoted_share(v: View) -> float:
    """Return the share of the sentence inside quotation marks."""
    span = v.candidate.sentence.span
    return len(v.context.quoted & set(range(span.start, span.end))) / max(1, len(span))


@feature("first_sentence", per_sentence=True)
def first_sentence(v: View) -> float:
    """Tell whether the sentence opens the document (a headline, usually)."""
    return float(v.candidate.sentence.index == 0)
