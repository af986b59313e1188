"""Extract actor positions: who demands, proposes, accepts or rejects what, with the evidence sentence.

Candidates (every holder the resolution layer proposes for a sentence, paired with every topic cue
in it: ``transforms/candidates.py``) are described by named features (``transforms/features.py``)
and scored by the trained scorer (``transforms/scorer.py``). A candidate whose calibrated
confidence reaches the model's threshold becomes a position: the polarity the scorer reads, the
stance of the word that carries it (made to agree with the polarity), ``analysis`` when a word of
aims ("wants", "seeks", "is likely to") frames it, and the condition clause attached to it.
One position per (sentence, actor, topic, polarity), the most confident; the best sentence of each
(actor, topic, polarity) carries the article's pooled confidence (``transforms/selection.py``).
"""

from __future__ import annotations

import hashlib
from datetime import date

from spacy.tokens import Doc

from ingest.records import Mention, Position
from transforms.actors import KnowledgeBase
from transforms.candidates import generate
from transforms.features import View, make_view, rule_stance, vector
from transforms.parse import Word
from transforms.scorer import Scorer, load_scorer
from transforms.selection import select
from transforms.syntax import condition_clause, lemma

BULLETS = "•●▪·*-–— \t"


def extract_positions(
    doc: Doc,
    article_id: str,
    mentions: list[Mention],
    kb: KnowledgeBase,
    day: date | None,
    scorer: Scorer | None = None,
) -> list[Position]:
    """Return the positions stated or analysed in a parsed document (``day``: the article's date)."""
    found = generate(doc, mentions, kb, day)
    views = [make_view(c, found) for c in found.candidates]
    if not views:
        return []
    scorer = scorer or load_scorer()
    scores = scorer.score([vector(v) for v in views])
    scored = [
        (
            (v.candidate.actor_id, v.candidate.topic, polarity),
            v.candidate.sentence.span.start,
            confidence,
            (v, polarity),
        )
        for v, (polarity, confidence) in zip(views, scores, strict=True)
    ]
    positions = [
        make_position(view, article_id, polarity, confidence, scorer.version)
        for (view, polarity), confidence in select(scored, scorer.threshold, scorer.pooling)
    ]
    return sorted(positions, key=lambda p: (p.start_char, p.actor_id, p.topic, p.polarity))


def make_position(view: View, article_id: str, polarity: str, confidence: float, extractor: str) -> Position:
    """Build the stored row of a scored candidate."""
    sent = view.candidate.sentence.span
    # Evidence is the sentence without a list bullet in front; offsets still slice the text exactly.
    lead = len(sent.text) - len(sent.text.lstrip(BULLETS))
    evidence = sent.text[lead:].rstrip()
    start_char = sent.start_char + lead
    cue = view.holder_cue.token if view.holder_cue is not None else view.topic_root
    return Position(
        position_id=position_id(article_id, start_char, view.candidate.actor_id, view.candidate.topic, polarity),
        article_id=article_id,
        actor_id=view.candidate.actor_id,
        stance=rule_stance(view, polarity),
        topic=view.candidate.topic,
        polarity=polarity,
        evidence=evidence,
        start_char=start_char,
        end_char=start_char + len(evidence),
        attribution=attribution(view, cue),
        conditions=condition_clause(cue),
        confidence=round(confidence, 4),
        extractor=extractor,
    )


def attribution(view: View, cue: Word) -> str:
    """``analysis`` when a word of aims or likelihood frames the stance ("wants", "seeks", "is likely to")."""
    sent = view.candidate.sentence.span
    words = {lemma(t) for t in sent.doc[sent.start : cue.i + 1]} | {lemma(cue.head)}
    return "analysis" if words & view.cues.analysis else "stated"


def position_id(article_id: str, start_char: int, actor: str, topic: str, polarity: str) -> str:
    """Stable id of a position: the same sentence, actor, topic and polarity always give the same id."""
    return hashlib.sha256(f"{article_id}|{start_char}|{actor}|{topic}|{polarity}".encode()).hexdigest()[:20]
