import json
from pathlib import Path

import pytest

from tests.support.fixture_site import default_articles
from transforms.cleaning import clean_text

GOLD = Path(__file__).resolve().parents[3] / "shared" / "gold"


@pytest.mark.parametrize(
    ("residue", "rule"),
    [
        ("Also read", "residue"),
        ("Read more:", "residue"),
        ("Share this article", "residue"),
        ("Did you find the article interesting? Share it here Share the article:", "residue"),
        ("Photo: Sergei Supinsky / AFP", "residue"),
        ("Source: Getty", "residue"),
        ("Getty Images", "residue"),
        ("Advertisement", "residue"),
        ("Subscribe to our newsletter for weekly analysis", "residue"),
        ("Homepage News Talks in Istanbul", "breadcrumb"),
        ("The Institute does not take institutional positions on public policy issues.", "disclaimer"),
        (
            "The views expressed herein are those of the author and do not reflect the views of the Centre.",
            "disclaimer",
        ),
        ("Weekly Brief, supported by the Open Society Foundation", "credit_line"),
    ],
)
def test_residue_lines_go(residue: str, rule: str) -> None:
    body = "Russia rejected the proposal on Monday, officials said.\n\n"
    cleaned = clean_text(f"{body}{residue}\n\nKyiv insisted on a ceasefire first.")
    assert cleaned.text == f"{body}Kyiv insisted on a ceasefire first."
    assert cleaned.removed == ((rule, residue),)


def test_previous_next_navigation_and_its_targets_go() -> None:
    text = (
        "The talks resumed in Istanbul.\n\nPrevious\nPrevious\n\nThe Growth of Something Else\n\n"
        "Next\nNext article\n\nA Headline About Mali"
    )
    assert clean_text(text).text == "The talks resumed in Istanbul."


def test_a_title_printed_twice_keeps_one_copy() -> None:
    text = "Peace Talks or Political Trap?\n\nPeace Talks or Political Trap?\n\nThe delegations met for two hours."
    assert clean_text(text).text == "Peace Talks or Political Trap?\n\nThe delegations met for two hours."


@pytest.mark.parametrize(
    "sentence",
    [
        "Source: a senior official in Kyiv who asked not to be named said the talks had stalled over territory.",
        "Next week, the delegations will meet again in Istanbul to discuss a prisoner exchange.",
        "Share prices in Moscow rose after the Kremlin welcomed the proposal.",
        "Also read together, the two statements suggest Moscow is not ready for a ceasefire.",
        "The home ministry said that the talks are supported by both governments.",
    ],
)
def test_prose_is_never_removed(sentence: str) -> None:
    assert clean_text(sentence).text == sentence


def test_the_projects_own_fixture_texts_survive_untouched() -> None:
    for article in [a for a in default_articles() if not a.slug.startswith("seed-")]:
        body = "\n\n".join(article.paragraphs)
        assert clean_text(body, title=article.title).text == body


@pytest.mark.skipif(not GOLD.exists(), reason="needs ../shared/gold")
def test_every_gold_evidence_sentence_survives_cleaning() -> None:
    for gold_file in GOLD.glob("*.json"):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        cleaned = clean_text(gold_file.with_suffix(".txt").read_text(encoding="utf-8")).text
        missing = [p["evidence"] for p in gold["positions"] if p["evidence"] not in cleaned]
        assert missing == [], gold_file.name
