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
HOLDER_DEPS = frozenset(["nsubj", "nsubjpass", "csubj", "agent", "poss", "compound", "amod", "nmod"])


Feature = Callable[[View], float | str]
FEATURES: dict[str, Feature] = {}
VOCABULARIES: dict[str, tuple[str, ...]] = {}
# Features whose value is the same for every candidate of a sentence: computed once per sentence.
PER_SENTENCE: set[str] = set()


def feature(
    name: str, vocabulary: tuple[str, ...] | None = None, *, per_sentence: bool = False
) -> Callable[[Feature], Feature]:
    """Register a feature function (categorical when it has a vocabulary; ``per_sentence``: reads only the sentence)."""

    def register(function: Feature) -> Feature:
        FEATURES[name] = function
        if vocabulary is not None:
            VOCABULARIES[name] = (*vocabulary, "other")
        if per_sentence:
            PER_SENTENCE.add(name)
        return function

    return register


def encode(name: str, value: float | str) -> float:
    """Turn a feature value into the number the model reads (a category's index in its vocabulary)."""
    if name not in VOCABULARIES:
        return float(value)
    vocabulary = VOCABULARIES[name]
    return float(vocabulary.index(value) if value in vocabulary else len(vocabulary) - 1)


def vector(view: View) -> list[float]:
    """Every feature of a candidate, in the registry's order, encoded as ``encode`` does."""
    row = []
    memo = view.candidate.sentence.encoded
    for index, (function, codes, other, per_sentence) in enumerate(_encoders()):
        if per_sentence and index in memo:
            row.append(memo[index])
            continue
        value = function(view)
        code = float(value) if codes is None else codes.get(value, other)
        if per_sentence:
            memo[index] = code
        row.append(code)
    return row


Encoder = tuple[Feature, dict[float | str, float] | None, float, bool]
_ENCODERS: list[Encoder] = []


def _encoders() -> list[Encoder]:
    """Each feature's function, its categories' codes (None: numeric) and its scope, built once all are registered.

    ``encode`` looks the vocabulary up by name and searches it: per value, 2 of an article's 20 ms of features.
    """
    if len(_ENCODERS) != len(FEATURES):
        _ENCODERS[:] = [(function, None, 0.0, name in PER_SENTENCE) for name, function in FEATURES.items()]
        for index, name in enumerate(FEATURES):
            if name in VOCABULARIES:
                vocabulary = VOCABULARIES[name]
                codes: dict[float | str, float] = {
                    value: float(code) for code, value in reversed(list(enumerate(vocabulary)))
                }
                _ENCODERS[index] = (FEATURES[name], codes, float(len(vocabulary) - 1), name in PER_SENTENCE)
    return _ENCODERS
