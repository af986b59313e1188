"""The feature registry: names, vocabularies of the categorical ones, and the encoding the model reads."""

from __future__ import annotations

from collections.abc import Callable

from transforms.cues import CUE_CLASSES as CLASSES
from transforms.features.view import View

ACTOR_TYPES = ("person", "state", "organisation", "alliance", "group")
DEPS = (
    "nsubj",
    "nsubjpass",
    "poss",
    "pobj",
    "dobj",
    "compound",
    "amod",
    "conj",
    "appos",
    "ROOT",
    "attr",
    "npadvmod",
    "none",
)
PREPOSITIONS = ("with", "between", "by", "to", "from", "against", "on", "for", "of", "in", "at", "among", "none")
POS = ("VERB", "AUX", "NOUN", "PROPN", "ADJ", "ADP", "none")
CLIMBS = ("none", "conj", "appos", "modifier", "group", "author")
KINDS = ("strong", "weak", "derived")
PATH_DEPS = ("ccomp", "xcomp", "advcl", "relcl", "conj", "acl", "prep", "dobj", "pobj", "agent", "pcomp", "acomp")
CUE_CLASSES = (*CLASSES, "none")
WORD_CLASSES = (*CLASSES, "speech", "none")
ADJUNCT_PREPOSITIONS = frozenset(
    [
        "as",
        "after",
        "during",
        "in",
        "at",
        "before",
        "since",
        "amid",
        "following",
        "despite",
        "ahead",
        "like",
        "under",
        "within",
        "throughout",
        "upon",
    ]
)
HOLDER_DEPS = frozenset(["nsubj", "nsubjpass", "csubj", "agent", "poss", "compound", "amod", "nmod"])


Feature = Callable[[View], float | str]
FEATURES: dict[str, Feature] = {}
VOCABULARIES: dict[str, tuple[str, ...]] = {}


def feature(name: str, vocabulary: tuple[str, ...] | None = None) -> Callable[[Feature], Feature]:
    """Register a feature function (categorical when it has a vocabulary)."""

    def register(function: Feature) -> Feature:
        FEATURES[name] = function
        if vocabulary is not None:
            VOCABULARIES[name] = (*vocabulary, "other")
        return function

    return register


def encode(name: str, value: float | str) -> float:
    """Turn a feature value into the number the model reads (a category's index in its vocabulary)."""
    if name not in VOCABULARIES:
        return float(value)
    vocabulary = VOCABULARIES[name]
    return float(vocabulary.index(value) if value in vocabulary else len(vocabulary) - 1)


def vector(view: View) -> list[float]:
    """Every feature of a candidate, in the registry's order."""
    return [encode(name, function(view)) for name, function in FEATURES.items()]
