"""The project's own spaCy components: footnote-aware sentences and the faster attribute rules."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

from transforms.entities import MODEL, load_nlp

TEXTS = [
    "Kyiv ain't gonna accept that, y'all know it. He's gotta go; we don't wanna wait.\n\n  Next paragraph\there.",
    'The Kremlin said on Monday that it would "study" the memorandum – but only after a truce (if any).',
    "Mr. Trump, Mrs. Meloni and Dr. Smith met at 10:30 a.m. in the U.S. capital; they'd discussed it before.",
    "Russia's delegation, led by Vladimir Medinsky, left Istanbul. Ukraine's didn't.   Talks end.",
    "Can't. Won't. Shan't! Isn't it? 'Tis the season, o'clock, rock 'n' roll, ma'am.",
    "There is no deal yet, but there are talks; there's hope and there were truces. Let's see, c'mon, y'all.",
]


@pytest.fixture(scope="module")
def stock() -> Language:
    """The model as shipped: its own attribute ruler, cython-blis products, no project components."""
    return spacy.load(MODEL)


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        (
            "Russia rejected the talks.[3] The Kremlin said it would wait.",
            ["Russia rejected the talks.[3]", "The Kremlin said it would wait."],
        ),
        ("Kyiv agreed to the swap.[12][13] Moscow did too.", ["Kyiv agreed to the swap.[12][13]", "Moscow did too."]),
        ("He said [the talks] failed and arr[i] stays.", ["He said [the talks] failed and arr[i] stays."]),
    ],
)
def test_a_footnote_marker_ends_its_sentence(text: str, sentences: list[str]) -> None:
    doc = load_nlp()(text)
    assert [s.text.strip() for s in doc.sents] == sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Ceasefire talks resume\nKyiv rejected the plan.", ["Ceasefire talks resume", "Kyiv rejected the plan."]),
        (
            "\nTalks in Geneva\n\n  Russia agreed to the swap and\nUkraine did too.",
            ["Talks in Geneva", "Russia agreed to the swap and", "Ukraine did too."],
        ),
        ("Russia agreed to the swap. Ukraine did too.\n", ["Russia agreed to the swap.", "Ukraine did too."]),
    ],
)
def test_a_line_break_starts_a_sentence(text: str, sentences: list[str]) -> None:
    doc = load_nlp()(text)
    assert [s.text.strip() for s in doc.sents if s.text.strip()] == sentences


def test_a_cue_word_before_a_footnote_is_a_word_of_its_own() -> None:
    assert "talks" in [t.text for t in load_nlp()("Moscow rejected the talks.[3] Kyiv waited.")]


def test_the_fast_attribute_rules_and_lemmas_give_what_the_models_components_give(stock: Language) -> None:
    fast = load_nlp()
    reference = stock
    for ours, theirs in zip(fast.pipe(TEXTS), reference.pipe(TEXTS), strict=True):
        got = [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_) for t in ours]
        want = [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_) for t in theirs]
        assert got == want
    assert "attribute_ruler" not in fast.pipe_names and "parley_attributes" in fast.pipe_names
    assert "lemmatizer" not in fast.pipe_names and "parley_lemmas" in fast.pipe_names


def test_numpy_matrix_products_parse_as_the_stock_pipeline(stock: Language) -> None:
    """The pipeline multiplies with numpy (OpenBLAS, one thread), not cython-blis: same tags and parses."""
    from threadpoolctl import threadpool_info

    ours = load_nlp()
    reference = stock
    models = [model for _, component in ours.components if (model := getattr(component, "model", None)) is not None]
    assert models and all(not node.ops.use_blis for model in models for node in model.walk())
    # numpy's own OpenBLAS (thinc's products go through numpy); scipy ships another, which spaCy never calls.
    numpy_blas = [p for p in threadpool_info() if p["user_api"] == "blas" and "numpy.libs" in p["filepath"]]
    assert numpy_blas and all(pool["num_threads"] == 1 for pool in numpy_blas)
    texts = [t for t in TEXTS if "\n" not in t]  # our line-break rule splits sentences the stock one does not
    for got, want in zip(ours.pipe(texts), reference.pipe(texts), strict=True):
        assert [(t.tag_, t.dep_, t.head.i) for t in got] == [(t.tag_, t.dep_, t.head.i) for t in want]


@pytest.mark.parametrize(
    ("word", "lemma"),
    [("hoped", "hope"), ("hopes", "hope"), ("staging", "stage"), ("raged", "rage"), ("agreed", "agree")],
)
def test_a_verb_is_lemmatised_to_its_own_stem(word: str, lemma: str) -> None:
    """Cues are matched by lemma; the lemmatizer of spaCy 3.8.8 and later cut "hoped" to "hop"."""
    doc = load_nlp()(f"Officials {word} the talks would go on.")
    assert doc[1].lemma_ == lemma


def test_the_plain_parse_copy_reads_the_doc_as_spacy_does() -> None:
    from transforms.parse import Parse

    for doc in load_nlp().pipe([*TEXTS, "", "One."]):
        parse = Parse(doc)
        words = parse.words
        assert [(w.i, w.text, w.lower_, w.lemma_, w.pos_, w.tag_, w.dep_, w.idx, w.whitespace_) for w in words] == [
            (t.i, t.text, t.lower_, t.lemma_, t.pos_, t.tag_, t.dep_, t.idx, t.whitespace_) for t in doc
        ]
        assert [(w.head.i, [c.i for c in w.children], w.sent.start) for w in words] == [
            (t.head.i, [c.i for c in t.children], t.sent.start) for t in doc
        ]
        assert [(s.start, s.end, s.text) for s in parse.sents] == [(s.start, s.end, s.text) for s in doc.sents]
        assert parse.text == doc.text
        assert [parse.depth(w) for w in words] == [len(list(t.ancestors)) for t in doc]
