"""One spaCy pass per article: entity mentions linked to actors, and the positions of those actors."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ingest.bounded import worker_context
from ingest.records import Article, Mention, Position
from transforms.actors import load_kb
from transforms.entities import BATCH_SIZE, MAX_CHARS, link_mentions, load_nlp, tagger_name
from transforms.positions import extract_positions
from transforms.scorer import Scorer, load_scorer

Item = tuple[str, str, date | None]


def analyze(
    items: Iterable[Item], *, batch_size: int = BATCH_SIZE, n_process: int = 1, scorer: Scorer | None = None
) -> Iterator[tuple[str, list[Mention], list[Position]]]:
    """Yield ``(article_id, mentions, positions)`` for each ``(article_id, text, date)`` (date: for dated roles).

    ``scorer``: the positions scorer to use (default: the shipped model).
    """
    nlp = load_nlp()
    kb = load_kb()
    tagger = tagger_name()
    days = {}
    pairs = []
    for article_id, text, day in items:
        days[article_id] = day
        pairs.append((text[:MAX_CHARS], article_id))
    for doc, article_id in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        mentions = list(link_mentions(doc, article_id, kb, tagger))
        yield article_id, mentions, extract_positions(doc, article_id, mentions, kb, days[article_id], scorer)


def analyze_chunk(items: list[Item]) -> list[tuple[str, list[Mention], list[Position]]]:
    """Analyse a list of texts in this process (worker entry point; the model loads once per worker)."""
    return list(analyze(items))


def prepare_worker() -> None:
    """Load the models before a worker's first chunk, then take them out of the garbage collector's scans.

    The models and modules live as long as the worker, yet every full collection walked them again:
    frozen, collections took 2.6 instead of 6.4 ms per article (a worker's whole time is about 140).
    """
    try:
        load_nlp()
        load_kb()
        load_scorer()
    except Exception:
        # A pool whose initializer raises starts new workers forever, and the task hangs: the first
        # chunk meets the same error instead, and the parent fails with it.
        return
    gc.freeze()


def analyze_parallel(
    items: Iterable[Item], *, workers: int, chunk_size: int = 16
) -> Iterator[tuple[str, list[Mention], list[Position]]]:
    """Like ``analyze``, over ``workers`` processes from a forkserver (forking a task process is unsafe)."""
    listed = list(items)
    if workers <= 1 or len(listed) < 2 * chunk_size:
        yield from analyze(listed)
        return
    chunks = [listed[i : i + chunk_size] for i in range(0, len(listed), chunk_size)]
    context = worker_context()
    with context.Pool(processes=min(workers, len(chunks)), initializer=prepare_worker) as pool:
        for results in pool.imap(analyze_chunk, chunks):
            yield from results


def parse_documents(items: Iterable[Item]) -> Iterator[tuple[str, str, Any, list[Any]]]:
    """Yield ``(name, text, candidates, [(view, features)])`` for each text (training and evaluation)."""
    from transforms.candidates import generate
    from transforms.features import make_view, vector

    nlp = load_nlp()
    kb = load_kb()
    tagger = tagger_name()
    listed = list(items)
    texts = {name: text for name, text, _ in listed}
    days = {name: day for name, _, day in listed}
    for doc, name in nlp.pipe(((text[:MAX_CHARS], name) for name, text, _ in listed), as_tuples=True):
        mentions = list(link_mentions(doc, name, kb, tagger))
        found = generate(doc, mentions, kb, days[name])
        views = [make_view(c, found) for c in found.candidates]
        yield name, texts[name], found, [(v, vector(v)) for v in views]


def article_item(article: Article) -> Item:
    """Return an article as the analysis reads it: its id, its text and the day it speaks of (for dated roles)."""
    moment = article.published_at or article.fetched_at
    return article.article_id, article.text, moment.date() if moment is not None else None
