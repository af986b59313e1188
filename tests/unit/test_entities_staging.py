from datetime import UTC, datetime
from pathlib import Path

from ingest.records import Article, FeedEntry, FetchedPage, RawPage
from ingest.seeds import load_seeds
from ingest.staging import read_rows, write_rows
from parley.settings import SEEDS_DIR
from transforms.entities import extract_entities, normalize_name


def test_mentions_slice_the_text_exactly_and_find_the_actors() -> None:
    text = (
        "Russian President Vladimir Putin met Turkey's Recep Tayyip Erdogan in Istanbul, "
        "while the Kremlin’s spokesman Dmitry Peskov spoke to NATO officials."
    )
    mentions = list(extract_entities([("a1", text)]))
    assert all(text[m.start_char : m.end_char] == m.surface for m in mentions)
    found = {(m.normalized, m.label) for m in mentions}
    assert ("Vladimir Putin", "PERSON") in found and ("Istanbul", "GPE") in found
    assert ("Dmitry Peskov", "PERSON") in found and ("NATO", "ORG") in found
    assert not {m.label for m in mentions} - {"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC", "EVENT", "LAW"}


def test_tagging_all_seeds_is_batched_and_consistent() -> None:
    seeds = load_seeds(SEEDS_DIR)
    pairs = [(a.article_id, a.text) for a in seeds]
    first, second = list(extract_entities(pairs)), list(extract_entities(pairs, batch_size=2))
    assert first == second and {m.article_id for m in first} == {a.article_id for a in seeds}


def test_normalize_name() -> None:
    assert normalize_name("the Kremlin’s") == "Kremlin"
    assert normalize_name("Putin's") == "Putin"
    assert normalize_name("  European\nUnion ") == "European Union"
    assert normalize_name("US") == "US"


def test_staging_round_trips_nested_rows(tmp_path: Path) -> None:
    now = datetime(2025, 6, 1, 12, tzinfo=UTC)
    page = FetchedPage(
        FeedEntry("s", "https://x.org/a", None, "T", now, ("A", "B")),
        RawPage("h", "u", "u", 200, None, 3, "raw/h", now),
        None,
    )
    write_rows(tmp_path / "pages.jsonl", [page, page])
    assert read_rows(tmp_path / "pages.jsonl", FetchedPage) == [page, page]
    assert read_rows(tmp_path / "missing.jsonl", Article) == []
    seeds = load_seeds(SEEDS_DIR)
    write_rows(tmp_path / "a.jsonl", seeds)
    assert read_rows(tmp_path / "a.jsonl", Article) == seeds
