"""Features of a candidate position: small named functions of the sentence, the holder and the topic.

Each feature sees only what a new article has too (its words, parse, actors and quotation marks),
never a document id, a publisher or a position in the training corpus. Categorical features map to
fixed vocabularies so a model file and this code always agree; an unseen value is ``other``. The
registry's order is the model's column order: the modules register in the order imported here.
"""

from __future__ import annotations

from transforms.candidates import Candidate
from transforms.cues import load_cues
from transforms.features import chain, holder, stance, topic  # noqa: F401  (registration order)
from transforms.features.registry import FEATURES, VOCABULARIES, encode, vector
from transforms.features.stance import rule_stance
from transforms.features.view import View
from transforms.holders import DocumentContext

__all__ = ["FEATURES", "VOCABULARIES", "View", "encode", "make_view", "rule_stance", "vector"]


def make_view(candidate: Candidate, context: DocumentContext) -> View:
    """Wrap a candidate for its features."""
    return View(candidate, context, load_cues())
