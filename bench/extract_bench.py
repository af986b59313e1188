"""Extraction benchmark: word-level precision, recall and F1 of the stored text against the known body.

    uv run python -m bench.extract_bench [--corpus ../shared/corpus]

Pages: the fixture site's article pages (seed texts and the project's texts inside a template with
navigation, ads, a cookie banner, a sidebar, comments, scripts and JSON-LD), the Japanese and Chinese
fixture pages, and with ``--corpus`` every ``*.txt`` of that folder in the same template. Each
trafilatura setting is scored, and Parley's ``extract_article`` (the precise pass, the recall pass
when it finds too little). Scores are bags of words (``ingest.textsize.tokens``: a character per word
in scripts without spaces), micro-averaged over pages.
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import trafilatura

from ingest.extract import extract_article
from ingest.textsize import tokens
from tests.support.fixture_site import FIXTURES, FixtureArticle, default_articles

SETTINGS = ("default", "precision", "recall")
_TAG = re.compile(r"<[^>]+>")


def pages(corpus: Path | None) -> list[tuple[str, str, str]]:
    """Return ``(name, html, expected body)`` for every benchmark page."""
    articles = default_articles()
    if corpus is not None:
        for path in sorted(corpus.glob("*.txt")):
            lines = [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines()]
            body = tuple(line for line in lines if line)
            articles.append(
                FixtureArticle(path.stem, body[0][:80], "Corpus Writer", datetime(2025, 6, 1, tzinfo=UTC), body)
            )
    found = [(a.slug, a.render("https://bench.example"), "\n".join(a.paragraphs)) for a in articles]
    for name in ("ja_article", "zh_article"):
        html = (FIXTURES / "html" / f"{name}.html").read_text(encoding="utf-8")
        paragraphs = re.findall(r"<p>([^<]{60,})</p>", html.split("<article>")[-1].split("</article>")[0]) or [
            p for p in re.findall(r"<p>([^<]{60,})</p>", html) if "：" not in p[:4]
        ]
        found.append((name, html, "\n".join(_TAG.sub("", p) for p in paragraphs)))
    return found


def score(expected: str, got: str) -> tuple[int, int, int]:
    """Return (common, got, expected) token counts."""
    want, have = Counter(tokens(expected.lower())), Counter(tokens(got.lower()))
    return sum((want & have).values()), sum(have.values()), sum(want.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="a folder of .txt article bodies to wrap in the page template")
    args = parser.parse_args()
    found = pages(args.corpus)
    print(f"{len(found)} pages")
    print(f"{'setting':12} {'precision':>9} {'recall':>7} {'f1':>6} {'zero':>5} {'pages/s':>8}")
    for name in [*SETTINGS, "parley"]:
        common = got = want = zero = 0
        started = time.perf_counter()
        for slug, html, expected in found:
            url = f"https://bench.example/articles/{slug}"
            if name == "parley":
                extracted = extract_article(html, url=url)
                text = extracted.text if extracted else ""
            else:
                text = (
                    trafilatura.extract(
                        html,
                        url=url,
                        include_comments=False,
                        include_tables=True,
                        favor_precision=name == "precision",
                        favor_recall=name == "recall",
                    )
                    or ""
                )
            c, g, w = score(expected, text)
            common, got, want, zero = common + c, got + g, want + w, zero + (c == 0)
        rate = len(found) / (time.perf_counter() - started)
        p, r = common / max(1, got), common / max(1, want)
        f1 = 2 * p * r / max(1e-9, p + r)
        print(f"{name:12} {p:9.3f} {r:7.3f} {f1:6.3f} {zero:5d} {rate:8.1f}")


if __name__ == "__main__":
    main()
