"""A faster stand-in for the English model's ``attribute_ruler``: the same rules, looked up by tag and word.

The model's ruler sets part of speech, morphology and some lemmas with 179 token patterns run
through spaCy's ``Matcher``; measured here it took 12 % of the whole pipeline (25 ms of a 700-word
article), more than the parser. Nearly every pattern fixes a tag or a word, so this component
indexes the same patterns by those, checks only the few that can match a token, and applies them in
the ruler's order (a later rule wins, as in spaCy). A test checks that both give identical tokens.
"""

# No ``from __future__ import annotations``: spaCy validates a factory's arguments against its
# annotations (confection on pydantic v1), which must be real types, not strings.
import re
from collections import defaultdict
from typing import Any

from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

TokenPattern = dict[str, Any]


class FastAttributes:
    """The attribute ruler's patterns, indexed by the tag or word of their first token."""

    def __init__(self) -> None:
        self.rules: list[tuple[list[TokenPattern], dict[int, Any], int]] = []
        self.by_tag: dict[str, list[int]] = defaultdict(list)
        self.by_lower: dict[str, list[int]] = defaultdict(list)
        self.anywhere: list[int] = []
        self.single_cache: dict[tuple[str, str, str, bool], tuple[int, ...]] = {}
        self.multi: dict[str, list[int]] = defaultdict(list)  # the few rules over two words, by first word

    def copy_from(self, ruler: AttributeRuler) -> None:
        """Take every pattern of a loaded ``AttributeRuler``, in its order."""
        groups: list[dict[str, Any]] = list(ruler.patterns)
        for number, group in enumerate(groups):
            attrs, index = ruler.attrs[number], ruler.indices[number]
            for pattern in group["patterns"]:
                rule = len(self.rules)
                self.rules.append((pattern, attrs, index))
                if len(pattern) > 1:
                    words = _values(pattern[0].get("LOWER")) if "LOWER" in pattern[0] else None
                    for word in words if words is not None else ("",):
                        self.multi[word].append(rule)
                first = pattern[0]
                if "TAG" in first and _values(first["TAG"]) is not None:
                    for tag in _values(first["TAG"]) or ():
                        self.by_tag[tag].append(rule)
                elif "LOWER" in first and _values(first["LOWER"]) is not None:
                    for word in _values(first["LOWER"]) or ():
                        self.by_lower[word].append(rule)
                else:
                    self.anywhere.append(rule)

    def _candidates(self, token: tuple[str, str, str, bool]) -> set[int]:
        return {*self.by_tag.get(token[0], ()), *self.by_lower.get(token[1], ()), *self.anywhere}

    def __call__(self, doc: Doc) -> Doc:
        """Set part of speech, morphology and lemmas as the model's ruler would."""
        from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG

        if not len(doc):
            return doc
        rows = doc.to_array([TAG, LOWER, DEP, IS_SPACE, POS, MORPH, LEMMA])
        strings = doc.vocab.strings
        names: dict[int, str] = {}

        def name(key: int) -> str:
            if key not in names:
                names[key] = strings[key] if key else ""
            return names[key]

        tokens = [(name(r[0]), name(r[1]), name(r[2]), bool(r[3])) for r in rows[:, :4].tolist()]
        matches: list[tuple[int, int]] = []
        for start, token in enumerate(tokens):
            # Words repeat: the single-token rules that fit a (tag, word, dep, space) are looked up once.
            if token not in self.single_cache:
                self.single_cache[token] = tuple(
                    rule
                    for rule in self._candidates(token)
                    if len(self.rules[rule][0]) == 1 and _matches(self.rules[rule][0][0], token)
                )
            matches += [(rule, start) for rule in self.single_cache[token]]
            for rule in [*self.multi.get(token[1], ()), *self.multi.get("", ())]:
                pattern, _, index = self.rules[rule]
                if start + len(pattern) <= len(tokens) and all(
                    _matches(part, tokens[start + n]) for n, part in enumerate(pattern)
                ):
                    matches.append((rule, start + (index if index >= 0 else len(pattern) + index)))
        columns = {POS: 0, MORPH: 1, LEMMA: 2}
        values = rows[:, 4:].copy()
        others: list[tuple[int, dict[int, Any]]] = []  # rare attributes (a space token's tag and dep), one by one
        for rule, position in sorted(matches):
            for attr, value in self.rules[rule][1].items():
                if attr in columns:
                    values[position, columns[attr]] = value
                else:
                    others.append((position, {attr: value}))
        doc.from_array([POS, MORPH, LEMMA], values.astype("uint64"))  # type: ignore[arg-type]
        for position, attrs in others:
            set_token_attrs(doc[position], attrs)
        return doc


def _values(spec: Any) -> tuple[str, ...] | None:
    """Return the exact values a pattern attribute allows (None: any, or a condition not indexable)."""
    if isinstance(spec, str):
        return (spec,)
    if isinstance(spec, dict) and set(spec) == {"IN"}:
        return tuple(spec["IN"])
    return None


def _matches(pattern: TokenPattern, token: tuple[str, str, str, bool]) -> bool:
    tag, lower, dep, is_space = token
    actual = {"TAG": tag, "LOWER": lower, "DEP": dep, "IS_SPACE": is_space}
    for key, spec in pattern.items():
        value = actual[key]
        if isinstance(spec, dict):
            if "IN" in spec and value not in spec["IN"]:
                return False
            if "NOT_IN" in spec and value in spec["NOT_IN"]:
                return False
            if "REGEX" in spec and not re.search(spec["REGEX"], str(value)):
                return False
        elif value != spec:
            return False
    return True


@Language.factory("parley_attributes")
def make_fast_attributes(nlp: Language, name: str) -> FastAttributes:
    """Make the component; ``copy_from`` fills it from the model's ruler."""
    return FastAttributes()
