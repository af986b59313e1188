"""Tagging benchmark: words per second of the entity step (spaCy + knowledge-base ruler + linking).

    uv run python -m bench.tag_bench [--articles 300] [--processes 1 2]

Runs ``extract_entities`` over generated articles (seed sentences) with ``nlp.pipe`` batches, once per
requested process count, after a warm-up that loads the model.
"""

from __future__ import annotations

import argparse
import time

from bench.corpus import generated_articles
from transforms.entities import extract_entities, load_nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    texts = [(a.slug, "\n\n".join(a.paragraphs)) for a in generated_articles(args.articles)]
    words = sum(len(t.split()) for _, t in texts)
    load_nlp()
    list(extract_entities(texts[:5]))
    print(f"{args.articles} articles, {words:,} words")
    for processes in args.processes:
        started = time.perf_counter()
        mentions = sum(1 for _ in extract_entities(texts, batch_size=32, n_process=processes))
        seconds = time.perf_counter() - started
        print(
            f"n_process={processes}: {seconds:6.1f} s  {words / seconds:8,.0f} words/s  "
            f"{args.articles / seconds * 3600:8,.0f} articles/hour  ({mentions:,} mentions)"
        )


if __name__ == "__main__":
    main()
