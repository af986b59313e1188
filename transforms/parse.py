"""A plain-Python copy of a spaCy parse, read once per document by the positions extractor.

The extractor walks the dependency tree thousands of times per article; every access to a spaCy
``Token`` builds a new object in Cython, which made the walk cost more than the parse itself
(measured: 55 ms of features per 700-word article). ``Parse`` copies the few attributes it needs
into slotted objects with the same names (``i``, ``text``, ``lower_``, ``lemma_``, ``pos_``, ``tag_``,
``dep_``, ``head``, ``children``, ``ancestors``, ``subtree``, ``sent``), so the code reads like spaCy's.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import overload

from spacy.tokens import Doc


class Word:
    """One token of a ``Parse``."""

    __slots__ = (
        "children",
        "dep_",
        "doc",
        "head",
        "i",
        "idx",
        "keys",
        "lemma_",
        "lower_",
        "pos_",
        "sent_index",
        "tag_",
        "text",
        "whitespace_",
    )

    i: int
    text: str
    lower_: str
    lemma_: str
    pos_: str
    tag_: str
    dep_: str
    idx: int
    whitespace_: str
    keys: tuple[str, str]  # the forms a cue word matches: lower case (straight apostrophe) and lemma
    sent_index: int
    head: Word
    children: list[Word]
    doc: Parse

    @property
    def ancestors(self) -> Iterator[Word]:
        """The word's heads, nearest first, up to the root of its sentence."""
        word = self
        for _ in range(len(self.doc.words)):
            if word.head is word:
                return
            word = word.head
            yield word

    @property
    def subtree(self) -> list[Word]:
        """The word and every word below it, in text order."""
        found = [self]
        stack = list(self.children)
        while stack:
            word = stack.pop()
            found.append(word)
            stack.extend(word.children)
        return sorted(found, key=lambda w: w.i)

    @property
    def left_edge(self) -> Word:
        """The first word of the subtree."""
        return self.subtree[0]

    @property
    def right_edge(self) -> Word:
        """The last word of the subtree."""
        return self.subtree[-1]

    @property
    def sent(self) -> Sent:
        """The sentence the word belongs to."""
        return self.doc.sents[self.sent_index]

    def __repr__(self) -> str:
        return self.text


class Sent:
    """A sentence of a ``Parse``: a run of words with its root and character offsets."""

    __slots__ = ("doc", "end", "index", "start")

    def __init__(self, doc: Parse, index: int, start: int, end: int) -> None:
        self.doc, self.index, self.start, self.end = doc, index, start, end

    def __iter__(self) -> Iterator[Word]:
        return iter(self.doc.words[self.start : self.end])

    def __len__(self) -> int:
        return self.end - self.start

    @property
    def root(self) -> Word:
        """The word whose head lies outside the sentence (its own head)."""
        return self.doc.span_root(self.start, self.end)

    @property
    def start_char(self) -> int:
        """Offset of the sentence's first character in the text."""
        return self.doc.words[self.start].idx

    @property
    def end_char(self) -> int:
        """Offset just past the sentence's last character."""
        last = self.doc.words[self.end - 1]
        return last.idx + len(last.text)

    @property
    def text(self) -> str:
        """The sentence as it stands in the text."""
        return self.doc.text[self.start_char : self.end_char]


class Parse:
    """The words and sentences of a parsed document."""

    def __init__(self, doc: Doc) -> None:
        from spacy.attrs import DEP, HEAD, IDX, LEMMA, LOWER, ORTH, POS, SENT_START, SPACY, TAG

        # One bulk copy: iterating spaCy tokens one by one costs more than the rest of this class.
        # Columns, not rows: each attribute is one list. The array is unsigned; relative heads and sentence
        # starts may be negative, so those two are read as signed.
        table = doc.to_array([ORTH, LOWER, LEMMA, POS, TAG, DEP, IDX, SPACY, HEAD, SENT_START]).reshape(len(doc), 10)
        orth, lower, lemma, pos, tag, dep, idx, space_after = table[:, :8].T.tolist()
        head, sent_start = table[:, 8:].astype("int64").T.tolist()
        strings = doc.vocab.strings
        names = {key: strings[key] if key else "" for key in set(orth + lower + lemma + pos + tag + dep)}
        # The text as ``doc.text`` joins it, without building a spaCy token per word (1 ms an article).
        self.text = "".join([names[o] + " " if space else names[o] for o, space in zip(orth, space_after, strict=True)])
        words: list[Word] = []
        sents: list[Sent] = []
        start = 0
        for i in range(len(orth)):
            if sent_start[i] == 1 and i > start:
                sents.append(Sent(self, len(sents), start, i))
                start = i
            word = Word()
            word.i, word.text, word.lemma_ = i, names[orth[i]], names[lemma[i]]
            word.lower_, word.pos_, word.tag_, word.dep_ = names[lower[i]], names[pos[i]], names[tag[i]], names[dep[i]]
            word.idx, word.whitespace_, word.children, word.doc = idx[i], " " if space_after[i] else "", [], self
            word.sent_index = len(sents)
            folded = word.lower_.replace("’", "'")
            word.keys = (folded, word.lemma_.lower() or folded)
            words.append(word)
        if words:
            sents.append(Sent(self, len(sents), start, len(words)))
        for word, offset in zip(words, head, strict=True):
            word.head = words[word.i + offset]
            if offset:
                word.head.children.append(word)
        self.words, self.sents = words, sents
        self._starts = idx
        self._depths: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self.words)

    @overload
    def __getitem__(self, key: int) -> Word: ...

    @overload
    def __getitem__(self, key: slice) -> list[Word]: ...

    def __getitem__(self, key: int | slice) -> Word | list[Word]:
        return self.words[key]

    def span_text(self, start: int, end: int) -> str:
        """Return the text of the words ``[start, end)`` as it stands in the document."""
        last = self.words[end - 1]
        return self.text[self.words[start].idx : last.idx + len(last.text)]

    def span_root(self, start: int, end: int) -> Word:
        """Return the word of ``[start, end)`` whose head lies outside it and nearest the sentence root (as spaCy's)."""
        outside = [w for w in self.words[start:end] if w.head is w or not start <= w.head.i < end]
        return min(outside, key=self.depth) if outside else self.words[start]

    def depth(self, word: Word) -> int:
        """Return how many heads the word has up to its sentence's root (counted once per word)."""
        found = self._depths.get(word.i)
        if found is None:
            found = self._depths[word.i] = sum(1 for _ in word.ancestors)
        return found

    def char_span(self, start: int, end: int) -> list[Word]:
        """Return the words that overlap the characters ``[start, end)``."""
        first = max(0, bisect.bisect_right(self._starts, start) - 1)
        found = []
        for word in self.words[first:]:
            if word.idx >= end:
                break
            if start < word.idx + len(word.text):
                found.append(word)
        return found
