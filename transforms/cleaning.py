"""Remove page residue from article text by line rules, keeping every sentence of the body.

Rules only ever drop whole lines that are not prose: share prompts, "Also read", previous/next
navigation, breadcrumbs, photo credits, repeated short lines (a title printed twice), institutional
disclaimers and credit lines. A line that reads as a sentence of the article is never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.textsize import size_in_words

_RESIDUE = re.compile(
    r"""^(?:
        also\s+read | read\s+(?:more|also|next) | related(?:\s+(?:articles?|stories|coverage|reading|content))?
      | more\s+on\s+this\s+(?:topic|story) | recommended(?:\s+for\s+you)? | most\s+(?:read|popular)
      | others\s+are\s+reading\s+now | advertisement | sponsored(?:\s+content)? | continue\s+reading
      | share(?:\s+(?:this|the)\s+(?:article|story|post|page))?(?:\s+on\s+\w+)? | share\s+it\s+here.*
      | did\s+you\s+(?:find|like|enjoy)\s+(?:the|this)\s+article.* | click\s+here\s+to\s+.{0,60}
      | (?:sign\s+up|subscribe)\b.{0,80} | follow\s+us\b.{0,60} | listen\s+to\s+(?:this\s+)?article.{0,40}
      | (?:photo|image|picture|source|credit|photograph|illustration)s?(?:\s+credits?)?\s*:\s*.{1,60}
      | (?:getty\s+images|reuters|afp|ap\s+photo|shutterstock)(?:\s*/\s*.{1,40})?
      | (?:previous|next)(?:\s+(?:article|post|story|page))?
      | (?:tags?|topics?|filed\s+under)\s*:.{0,120}
    )[\s:.!]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_NAVIGATION = re.compile(r"^(?:previous|next)(?:\s+(?:article|post|story|page))?[\s:]*$", re.IGNORECASE)
_BREADCRUMB = re.compile(r"^(?:home(?:page)?)\s*[›>»/|]?\s+\S", re.IGNORECASE)
_DISCLAIMER = re.compile(
    r"does\s+not\s+take\s+institutional\s+positions"
    r"|views\s+(?:expressed|represented)\s+(?:here(?:in)?|in\s+this\s+\w+)\s+are\s+(?:solely\s+)?those\s+of"
    r"|opinions\s+expressed\s+.{0,60}\s+are\s+(?:solely\s+)?(?:those\s+of\s+the\s+author|the\s+author.?s\s+own)"
    r"|do(?:es)?\s+not\s+necessarily\s+(?:reflect|represent)\s+the\s+(?:views|position|opinions)\s+of",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"^[^.!?]{0,80}\b(?:supported|produced|generated)\s+(?:by|with)\s+[^.!?]{1,60}$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…\"”’)。！？」』）]\s*$")


@dataclass(frozen=True)
class Cleaned:
    """Clean text and the lines that were removed, each with the rule that removed it."""

    text: str
    removed: tuple[tuple[str, str], ...]


def clean_text(text: str, *, title: str | None = None) -> Cleaned:
    """Drop residue lines; blank-line structure between kept lines is preserved."""
    lines = text.splitlines()
    kept: list[str] = []
    removed: list[tuple[str, str]] = []
    seen_short: set[str] = set()
    after_navigation = False
    for line in lines:
        stripped = " ".join(line.split())
        if not stripped:
            kept.append("")
            continue
        rule = _rule_for(stripped, seen_short, after_navigation, title)
        after_navigation = bool(_NAVIGATION.match(stripped))
        if rule:
            removed.append((rule, stripped))
            continue
        if size_in_words(stripped) <= 20:
            seen_short.add(stripped.lower())
        kept.append(line.rstrip())
    return Cleaned(_squeeze_blank_lines(kept), tuple(removed))


def _rule_for(line: str, seen_short: set[str], after_navigation: bool, title: str | None) -> str | None:
    words = size_in_words(line)
    if _RESIDUE.match(line):
        return "residue"
    if after_navigation and words <= 15 and not _SENTENCE_END.search(line):
        return "navigation_target"
    if words <= 20 and line.lower() in seen_short:
        return "repeated_line"
    if _BREADCRUMB.match(line) and words <= 25 and (title is None or line.endswith(title) or "." not in line):
        return "breadcrumb"
    if words <= 80 and _DISCLAIMER.search(line):
        return "disclaimer"
    if words <= 12 and _CREDIT.match(line):
        return "credit_line"
    return None


def _squeeze_blank_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    return "\n".join(out).strip()
