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
        # The few rules over several words, by a word they need and its offset from their start (a rule
        # whose first word is a regex or a dependency waits for its second word: "y'all", "there is").
        self.multi: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.multi_anywhere: list[int] = []

    def copy_from(self, ruler: AttributeRuler) -> None:
        """Take every pattern of a loaded ``AttributeRuler``, in its order."""
        groups: list[dict[str, Any]] = list(ruler.patterns)
        for number, group in enumerate(groups):
            attrs, index = ruler.attrs[number], ruler.indices[number]
            for pattern in group["patterns"]:
                rule = len(self.rules)
                self.rules.append((pattern, attrs, index))
                if len(pattern) > 1:
                    self._index_multi(rule, pattern)
                first = pattern[0]
                if "TAG" in first and _values(first["TAG"]) is not None:
                    for tag in _values(first["TAG"]) or ():
                        self.by_tag[tag].append(rule)
                elif "LOWER" in first and _values(first["LOWER"]) is not None:
                    for word in _values(first["LOWER"]) or ():
                        self.by_lower[word].append(rule)
                else:
                    self.anywhere.append(rule)

    def _index_multi(self, rule: int, pattern: list[TokenPattern]) -> None:
        for offset, part in enumerate(pattern[:2]):
            words = _values(part["LOWER"]) if "LOWER" in part else None
            if words is not None:
                for word in words:
                    self.multi[offset, word].append(rule)
                return
        self.multi_anywhere.append(rule)

    def _candidates(self, token: tuple[str, str, str, bool]) -> set[int]:
        return {*self.by_tag.get(token[0], ()), *self.by_lower.get(token[1], ()), *self.anywhere}

    def __call__(self, doc: Doc) -> Doc:
        """Set part of speech, morphology and lemmas as the model's ruler would."""
        from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG

        if not len(doc):
            return doc
        rows = doc.to_array([TAG, LOWER, DEP, IS_SPACE, POS, MORPH, LEMMA])
        strings = doc.vocab.strings
        tags, lowers, deps, spaces = rows[:, :4].T.tolist()
        names = {key: strings[key] if key else "" for key in {*tags, *lowers, *deps}}
        tokens = [
            (names[tag], names[lower], names[dep], bool(space))
            for tag, lower, dep, space in zip(tags, lowers, deps, spaces, strict=True)
        ]
        matches: list[tuple[int, int]] = []
        single, multi = self.single_cache, self.multi
        for start, token in enumerate(tokens):
            # Words repeat: the single-token rules that fit a (tag, word, dep, space) are looked up once.
            rules = single.get(token)
            if rules is None:
                rules = single[token] = tuple(
                    rule
                    for rule in self._candidates(token)
                    if len(self.rules[rule][0]) == 1 and _matches(self.rules[rule][0][0], token)
                )
            for rule in rules:
                matches.append((rule, start))
            after = tokens[start + 1][1] if start + 1 < len(tokens) else ""
            for rule in (*multi.get((0, token[1]), ()), *multi.get((1, after), ()), *self.multi_anywhere):
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
