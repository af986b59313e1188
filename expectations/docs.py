"""Make the Data Docs index readable offline.

GX renders the list of validations with bootstrap-table loaded from CDNs, so on a machine without
network (where Parley often runs) the index shows no validation at all. After each build this adds a
plain list of every validation page, newest first, at the top of the index.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import quote, unquote

MARK_START = "<!-- parley-offline-index -->"
MARK_END = "<!-- /parley-offline-index -->"


def add_offline_index(site: Path, *, limit: int = 200) -> Path | None:
    """Insert (or refresh) the static list of validation pages into ``index.html``; return its path."""
    index = site / "index.html"
    if not index.exists():
        return None
    pages = sorted((site / "validations").glob("*/*/*/*.html"), key=lambda p: p.parent.name, reverse=True)
    items = []
    for page in pages[:limit]:
        suite, run, stamp = page.parts[-4], unquote(page.parts[-3]), page.parent.name
        verdict = _verdict(
            site.parents[1] / "validations" / page.relative_to(site / "validations").with_suffix(".json")
        )
        href = quote(page.relative_to(site).as_posix())
        items.append(
            f'<li><a href="{html.escape(href)}">{html.escape(run)}</a> — suite {html.escape(suite)}, '
            f"validated {stamp[:8]} {stamp[9:15]} UTC — {verdict}</li>"
        )
    block = (
        f'{MARK_START}<section id="parley-validations" style="font-family:sans-serif;margin:1em">'
        f"<h2>Validations (newest first)</h2><ol>{''.join(items)}</ol></section>{MARK_END}"
    )
    text = index.read_text(encoding="utf-8")
    text = re.sub(re.escape(MARK_START) + ".*?" + re.escape(MARK_END), "", text, flags=re.S)
    text = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + block, text, count=1)
    index.write_text(text, encoding="utf-8")
    return index


def _verdict(result: Path) -> str:
    """Read pass or fail from the validation result GX stored beside the docs."""
    try:
        return "passed" if json.loads(result.read_text(encoding="utf-8")).get("success") else "FAILED"
    except (OSError, ValueError):
        return "see page"
