from pathlib import Path

import pytest

from ingest.sources import SourcesFileError, load_sources, sources_for_feeds
from ingest.urls import article_id_for, canonical_url
from parley.settings import DEFAULT_SOURCES_FILE


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.ORG/a/b?utm_source=rss&utm_medium=feed#comments", "https://example.org/a/b"),
        ("http://example.org:80/x?id=3&fbclid=abc&gclid=z", "http://example.org/x?id=3"),
        ("https://example.org:8443/x", "https://example.org:8443/x"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_canonical_url_drops_tracking_and_fragment(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_article_id_is_stable_across_url_spellings() -> None:
    assert article_id_for("https://Example.org/a?utm_campaign=x") == article_id_for("https://example.org/a#top")
    assert len(article_id_for("https://example.org/a")) == 16


def test_default_sources_file_names_real_feeds() -> None:
    sources = load_sources(DEFAULT_SOURCES_FILE)
    assert len(sources) >= 5
    assert all(s.feed_url.startswith("https://") and s.homepage and s.language == "en" for s in sources)


def test_sources_file_errors_are_readable(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text('[[source]]\nname = "No feed"\n', encoding="utf-8")
    with pytest.raises(SourcesFileError, match="needs a name and a feed_url"):
        load_sources(bad)
    bad.write_text("[[source]\n", encoding="utf-8")
    with pytest.raises(SourcesFileError, match="cannot read"):
        load_sources(bad)


def test_feed_flag_sources_get_slugs() -> None:
    (source,) = sources_for_feeds(["http://127.0.0.1:8080/feeds/a.rss"])
    assert source.source_id == "127_0_0_1_feeds_a_rss"
