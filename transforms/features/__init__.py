"""Features of a candidate position: small named functions of the sentence, the holder and the topic.

Each feature sees only what a new article has too (its words, parse, actors and quotation marks),
never a document id, a publisher or a position in the training corpus. Categorical features map to
fixed vocabularies so a model file and this code always agree; an unseen value is ``other``. The
registry's order is the model's column order: the modules register in the order imported here.
"""

from __future__ import annotations

from transforms.candidates import Candidate, DocumentCandidates
from transforms.cues import load_cues
from transforms.features import chain, document, holder, stance, topic  # noqa: F401  (registration order)
from transforms.features.registry import FEATURES, VOCABULARIES, encode, vector
from transforms.features.stance import rule_stance
from transforms.features.view import View

__all__ = ["FEATURES", "POLARITY_FEATURES", "VOCABULARIES", "View", "encode", "make_view", "rule_stance", "vector"]

# The polarity model reads only what says which way a stance points. Learnt from every feature, it
# leaned on incidental ones (sentence length, holder rank) and read contra worse than path_polarity
# alone; on these it does as well, and it keeps the rule's reading where the data are thin.
POLARITY_FEATURES = (
    "path_polarity",
    "rule_polarity",
    "topic",
    "gov_class",
    "holder_cue_class",
    "holder_cue_negated",
    "gov_negated",
    "topic_reversed",
    "topic_negated",
    "attach_negated",
    "path_negations",
    "between_negations",
)


def make_view(candidate: Candidate, found: DocumentCandidates) -> View:
    """Wrap a candidate of a document for its features."""
    return View(candidate, found.context, found.spread, load_cues())
