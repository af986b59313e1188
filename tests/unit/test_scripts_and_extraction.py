"""Extraction at trafilatura's precise setting, and text in scripts written without spaces."""

from __future__ import annotations

import os
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.articles import build_articles
from ingest.extract import extract_article, looks_like_text
from ingest.language import is_taggable
from ingest.pages import store_raw
from ingest.records import FeedEntry, FetchedPage, RawPage
from ingest.textsize import size_in_words, word_count
from tests.support.fixture_site import FIXTURES
from transforms.cleaning import clean_text
from transforms.dedup import distance, simhash

NOW = datetime(2025, 6, 10, tzinfo=UTC)
PARAGRAPHS = [
    "Russian and Ukrainian delegations met in Istanbul on Monday for two hours, the first direct talks in three "
    "years, with Turkey's foreign minister acting as host and mediator.",
    "Kyiv again proposed an unconditional thirty-day ceasefire and asked for a meeting of the two presidents as "
    "soon as possible, officials said after the session.",
    "Moscow's delegation insisted that the root causes of the conflict must be addressed before any truce, and "
    "set out conditions that Ukraine rejected as unacceptable.",
    "Both sides agreed to exchange a thousand prisoners each, the largest swap since the start of the war, and "
    "the Red Cross offered to help organise it.",
]
JA_URL = "https://review.example.jp/articles/istanbul-talks"
ZH_URL = "https://review.example.cn/articles/istanbul-talks"


def _fixture(name: str) -> str:
    return (FIXTURES / "html" / f"{name}.html").read_text(encoding="utf-8")


def test_the_precise_pass_leaves_out_the_chrome_the_default_pass_keeps() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = (
        "<html><body><div class='content'><article>"
        "<header><p class='kicker'>Analysis · Diplomacy · Five minute read for subscribers only</p></header>"
        f"<h1>Istanbul talks</h1>{body}"
        "<div class='article-bottom'><p>Our journalism is funded by readers like you. Support independent "
        "reporting on the war and the peace talks from just two euros a month, cancel any time.</p></div>"
        "</article></div></body></html>"
    )
    extracted = extract_article(html, url="https://review.example/a")
    assert extracted is not None and extracted.method == "trafilatura:precision"
    assert all(p in extracted.text for p in PARAGRAPHS)
    assert "funded by readers" not in extracted.text and "Five minute read" not in extracted.text


def test_the_recall_pass_is_kept_for_a_body_the_precise_pass_misses() -> None:
    # Every paragraph a link (a syndicated digest, say): the precise pass drops them all as link lists.
    body = "".join(f"<p><a href='/story/{i}'>{p}</a></p>" for i, p in enumerate(PARAGRAPHS))
    html = f"<html><body><nav><a href='/'>Home</a></nav><main><div>{body}</div></main></body></html>"
    extracted = extract_article(html, url="https://review.example/digest")
    assert extracted is not None and extracted.method == "trafilatura:recall"
    assert all(p in extracted.text for p in PARAGRAPHS)


@pytest.mark.parametrize(
    ("name", "url", "language", "title", "author", "first", "comment"),
    [
        (
            "ja_article",
            JA_URL,
            "ja",
            "イスタンブール協議、停戦合意は見送り",
            "佐藤美咲",
            "ロシアとウクライナの代表団は月曜日",
            "皮肉だと思う",
        ),
        (
            "zh_article",
            ZH_URL,
            "zh",
            "伊斯坦布尔谈判未能达成停火",
            "王丽",
            "俄罗斯和乌克兰代表团周一",
            "说明双方分歧仍然很大",
        ),
    ],
)
def test_japanese_and_chinese_pages_are_articles(
    name: str, url: str, language: str, title: str, author: str, first: str, comment: str
) -> None:
    extracted = extract_article(_fixture(name), url=url)
    assert extracted is not None, f"{name} was not extracted"
    assert extracted.language == language and extracted.title is not None and extracted.title.startswith(title)
    assert extracted.authors == (author,) and extracted.published_at is not None
    assert extracted.published_at.date().isoformat() == "2025-05-19"
    assert first in extracted.text and comment not in extracted.text and "广告" not in extracted.text
    assert looks_like_text(extracted.text)
    assert size_in_words(extracted.text) > 150


def test_japanese_and_chinese_pages_become_rows_with_counts_in_characters(tmp_path: Path) -> None:
    pages = [_page(tmp_path, _fixture("ja_article"), JA_URL), _page(tmp_path, _fixture("zh_article"), ZH_URL)]
    articles, errors = build_articles(pages, home=tmp_path, run_id="r", now=NOW)
    assert errors == [] and [a.language for a in articles] == ["ja", "zh"]
    for article in articles:
        assert article.word_count == word_count(article.text) > 300
    # The English model does not tag them: they are stored and searchable, without nonsense entities.
    assert not any(is_taggable(a.language) for a in articles)


def test_a_short_teaser_in_an_unspaced_script_is_not_an_article() -> None:
    teaser = "ロシアとウクライナの代表団がイスタンブールで協議した。詳しくは会員登録のうえお読みください。"
    html = f"<html lang='ja'><body><article><h1>協議</h1><p>{teaser}</p></article></body></html>"
    assert extract_article(html, url="https://review.example.jp/teaser") is None


def test_word_counts_in_every_script() -> None:
    assert word_count("Kyiv proposed a ceasefire.") == 4
    assert word_count("停战协议") == 4  # one word per character, as word processors count them
    assert word_count("ゼレンスキー大統領は、Putin氏と会談。") == 14 + 1
    assert size_in_words("停战协议") == 2.0  # for length thresholds, two characters make a word
    assert word_count("Москва отвергла предложение.") == 3


def test_prose_in_every_script_and_garbage_still_refused() -> None:
    assert looks_like_text("停火之前必须消除冲突的“根源”，乌方认为这些要求无法接受，予以拒绝。" * 5)
    assert looks_like_text("ウクライナ側は三十日間の無条件停戦を改めて提案し、首脳会談の早期開催を求めた。" * 5)
    assert looks_like_text("การเจรจาสันติภาพระหว่างรัสเซียและยูเครนยังไม่มีความคืบหน้าในสัปดาห์นี้ " * 5)
    assert not looks_like_text(zlib.compress(os.urandom(50_000)).decode("latin-1"))
    assert not looks_like_text("\ufffd" * 40 + "abc")


def test_cleaning_reads_sentences_of_unspaced_scripts() -> None:
    # A long Japanese sentence after "Next" is prose, not the navigation target it would be as one "word".
    line = "ウクライナ側は三十日間の無条件停戦を改めて提案し、首脳会談の早期開催を求めた。"
    assert clean_text(f"Next\n{line}").text.endswith(line)


def test_near_copies_in_an_unspaced_script_are_found() -> None:
    text = clean_text(extract_article(_fixture("zh_article"), url=ZH_URL).text).text  # type: ignore[union-attr]
    edited = text.replace("约两个小时", "近两个小时").replace("周一", "星期一")
    other = clean_text(extract_article(_fixture("ja_article"), url=JA_URL).text).text  # type: ignore[union-attr]
    assert distance(simhash(text), simhash(edited)) <= 10 < distance(simhash(text), simhash(other))


def _page(home: Path, html: str, url: str) -> FetchedPage:
    raw_id, path = store_raw(html.encode(), home)
    entry = FeedEntry(source_id="s", url=url, guid=url, title="Feed title", published_at=None)
    raw = RawPage(raw_id, url, url, 200, "text/html", len(html), path, NOW)
    return FetchedPage(entry=entry, raw=raw, charset="utf-8")
