"""Tagging benchmark: the DAG's tag step (spaCy, actor linking, candidate positions and their scorer).

    uv run python -m bench.tag_bench [--articles 300] [--processes 1 2]

Runs ``analyze`` (one worker) and ``analyze_parallel`` (two worker processes, as the DAG does) over
generated articles of about 700 words (seed sentences), after a warm-up that loads the models; prints
words and articles per second, and how the time of one process splits between the spaCy pass and
the positions extractor.
"""

from __future__ import annotations

import argparse
import time

from bench.corpus import generated_articles
from transforms.analysis import analyze, analyze_parallel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    items = [(a.slug, "\n\n".join(a.paragraphs), None) for a in generated_articles(args.articles)]
    words = sum(len(text.split()) for _, text, _ in items)
    list(analyze(items[:5]))
    print(f"{args.articles} articles, {words:,} words")
    for processes in args.processes:
        started = time.perf_counter()
        results = list(analyze(items) if processes == 1 else analyze_parallel(items, workers=processes))
        seconds = time.perf_counter() - started
        positions = sum(len(p) for _, _, p in results)
        print(
            f"processes={processes}: {seconds:6.1f} s  {words / seconds:8,.0f} words/s  "
            f"{args.articles / seconds:6.1f} articles/s  ({positions:,} positions)"
        )
    _split(items)


def _split(items: list[tuple[str, str, None]]) -> None:
    """Time the spaCy pass alone against the whole step, in one process."""
    from transforms.entities import load_nlp

    nlp = load_nlp()
    started = time.perf_counter()
    for _ in nlp.pipe((text for _, text, _ in items), batch_size=32):
        pass
    parse = time.perf_counter() - started
    started = time.perf_counter()
    for _ in analyze(items):
        pass
    total = time.perf_counter() - started
    print(
        f"one process: spaCy {parse:.1f} s, linking and positions {total - parse:.1f} s ({(total - parse) / total:.0%})"
    )


if __name__ == "__main__":
    main()
