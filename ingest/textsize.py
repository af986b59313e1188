"""How long a text is, in any script: words where words are spaced, characters where they are not.

Chinese, Japanese, Thai, Lao, Khmer, Myanmar and Tibetan are written without spaces between words, so
splitting on whitespace makes a whole sentence one "word". Their characters are counted instead: in
``word_count`` one character counts as one word (as word processors count them), and for the minimum
article length two characters make a word (Chinese averages about 1.5 characters a word, Japanese
about 2.5 with its kana).
"""

from __future__ import annotations

import re

CHARS_PER_WORD = 2.0
UNSPACED_CLASS = (
    "["
    "\u0e00-\u0eff"  # Thai, Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff\u31f0-\u31ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uff66-\uff9f"  # half-width Katakana
    "\U00020000-\U0003134f"  # CJK extensions
    "]"
)
_UNSPACED = re.compile(UNSPACED_CLASS)
# The unspaced scripts' own punctuation ("。", "、", "「", full-width "：") also separates words.
_BREAKS = re.compile(rf"{UNSPACED_CLASS}|[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]")
_TOKEN = re.compile(rf"{UNSPACED_CLASS}|(?:(?!{UNSPACED_CLASS})\w)+")


def tokens(text: str) -> list[str]:
    """Return the word tokens of the text; each character of an unspaced script is a token of its own."""
    if not _UNSPACED.search(text):
        return re.findall(r"\w+", text)
    return _TOKEN.findall(text)


def unspaced_chars(text: str) -> int:
    """Count the characters of scripts written without spaces between words."""
    return len(_UNSPACED.findall(text))


def spaced_words(text: str) -> list[str]:
    """Return the whitespace-separated words of the text, leaving out unspaced scripts and bare punctuation."""
    if not _UNSPACED.search(text):
        return text.split()
    return [w for w in _BREAKS.sub(" ", text).split() if any(c.isalnum() for c in w)]


def word_count(text: str) -> int:
    """Count words: spaced words, plus one per character of an unspaced script."""
    if not _UNSPACED.search(text):
        return len(text.split())
    return len(spaced_words(text)) + unspaced_chars(text)


def size_in_words(text: str) -> float:
    """Return the text's length in English-like words, for thresholds: unspaced characters count half a word."""
    if not _UNSPACED.search(text):
        return float(len(text.split()))
    return len(spaced_words(text)) + unspaced_chars(text) / CHARS_PER_WORD
