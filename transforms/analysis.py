"""One spaCy pass per article: entity mentions linked to actors, and the positions of those actors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ingest.bounded import worker_context
from ingest.records import Mention
from transforms.actors import load_kb
from transforms.entities import MAX_CHARS, link_mentions, load_nlp, tagger_name
from transforms.positions import Position, extract_positions


def analyze(
    texts: Iterable[tuple[str, str]], *, batch_size: int = 32, n_process: int = 1
) -> Iterator[tuple[str, list[Mention], list[Position]]]:
    """Yield ``(article_id, mentions, positions)`` for each ``(article_id, text)``."""
    nlp = load_nlp()
    kb = load_kb()
    tagger = tagger_name()
    pairs = ((text[:MAX_CHARS], article_id) for article_id, text in texts)
    for doc, article_id in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        mentions = list(link_mentions(doc, article_id, kb, tagger))
        yield article_id, mentions, extract_positions(doc, article_id, mentions, nlp)


def analyze_chunk(pairs: list[tuple[str, str]]) -> list[tuple[str, list[Mention], list[Position]]]:
    """Analyse a list of texts in this process (worker entry point; the model loads once per worker)."""
    return list(analyze(pairs))


def analyze_parallel(
    texts: Iterable[tuple[str, str]], *, workers: int, chunk_size: int = 16
) -> Iterator[tuple[str, list[Mention], list[Position]]]:
    """Like ``analyze``, over ``workers`` processes from a forkserver (forking a task process is unsafe)."""
    pairs = list(texts)
    if workers <= 1 or len(pairs) < 2 * chunk_size:
        yield from analyze(pairs)
        return
    chunks = [pairs[i : i + chunk_size] for i in range(0, len(pairs), chunk_size)]
    context = worker_context()
    with context.Pool(processes=min(workers, len(chunks))) as pool:
        for results in pool.imap(analyze_chunk, chunks):
            yield from results
