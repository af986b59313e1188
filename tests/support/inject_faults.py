"""Run ``parley`` with bad rows injected into the batch, so the data-quality tests use the real DAG.

    PARLEY_TEST_FAULTS=empty_text,future_date python -m tests.support.inject_faults run --feed URL --home DIR

The faults are added where real bugs would put them: after extraction and de-duplication (articles),
and after tagging (mentions and positions). Everything else is the unmodified pipeline.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from datetime import UTC, datetime

import ingest.articles
import parley.pipeline
import transforms.analysis
from parley.cli import main

FAULTS = set(filter(None, os.environ.get("PARLEY_TEST_FAULTS", "").split(",")))
_split_duplicates = ingest.articles.split_duplicates
_analyze = transforms.analysis.analyze
_make_fetcher = parley.pipeline.make_fetcher


def split_with_faults(*args, **kwargs):  # type: ignore[no-untyped-def]
    fresh, links = _split_duplicates(*args, **kwargs)
    web = [a for a in fresh if not a.is_seed]
    if not web:
        return fresh, links
    base = web[0]
    bad = []
    if "empty_text" in FAULTS:
        bad.append(
            dataclasses.replace(
                base,
                article_id="fault_empty_text",
                url=base.url + "-empty",
                text="",
                word_count=0,
                text_hash="fault-empty",
            )
        )
    if "duplicate_url" in FAULTS:
        bad.append(dataclasses.replace(base, article_id="fault_duplicate_url", text_hash="fault-dup"))
    if "future_date" in FAULTS:
        bad.append(
            dataclasses.replace(
                base,
                article_id="fault_future_date",
                url=base.url + "-future",
                published_at=datetime(2090, 1, 1, tzinfo=UTC),
                text_hash="fault-future",
            )
        )
    return fresh + bad, links


def analyze_with_faults(texts, **kwargs):  # type: ignore[no-untyped-def]
    pending = {"bad_offsets", "unknown_stance"} & FAULTS  # each fault once, in the first article that can hold it
    for article_id, mentions, positions in _analyze(texts, **kwargs):
        if article_id.startswith("fault_"):
            yield article_id, mentions, positions
            continue
        if mentions and "bad_offsets" in pending:
            pending.discard("bad_offsets")
            m = mentions[0]
            mentions = [*mentions, dataclasses.replace(m, start_char=10**7, end_char=10**7 + len(m.surface))]
        if positions and "unknown_stance" in pending:
            pending.discard("unknown_stance")
            positions = [*positions, dataclasses.replace(positions[0], position_id="fault_stance", stance="hopes")]
        yield article_id, mentions, positions


def fetcher_with_faults(*args, **kwargs):  # type: ignore[no-untyped-def]
    if "client_crash" in FAULTS:  # inside the poll step, as a real outage of its HTTP client would be
        raise RuntimeError("simulated outage of the HTTP client")
    return _make_fetcher(*args, **kwargs)


ingest.articles.split_duplicates = split_with_faults
transforms.analysis.analyze = analyze_with_faults
parley.pipeline.make_fetcher = fetcher_with_faults

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
