"""Detect the language of article text (py3langid ships its model: nothing is downloaded)."""

from __future__ import annotations

import functools
from typing import Any

# Below this many characters the classifier guesses; the page's declared language is then better.
MIN_CHARS = 100
SAMPLE_CHARS = 5_000
# The spaCy model and the position cues read English; other languages are stored and searchable, not
# tagged (an English model on Japanese text finds nonsense "entities"). An undetected language is tried.
TAGGED_LANGUAGES = frozenset({"en"})


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)


def detect_language(text: str, declared: str | None = None) -> str | None:
    """Return the ISO 639-1 code of the text, falling back to the declared language for short texts."""
    fallback = declared.split("-")[0].lower() if declared else None
    if len(text.strip()) < MIN_CHARS:
        return fallback
    code, probability = _identifier().classify(text[:SAMPLE_CHARS])
    return str(code) if probability >= 0.5 else fallback


def is_taggable(language: str | None) -> bool:
    """Tell whether text in this language is tagged (the model reads it, or the language is unknown)."""
    return language is None or language in TAGGED_LANGUAGES
