"""Gold folders come from annotators: a file the scorers cannot read is refused by name, before any scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from transforms.evaluation import gold_documents

GOOD = {
    "doc": "d",
    "actors": [{"id": "Q212", "name": "Ukraine"}],
    "positions": [{"actor": "Q212", "stance": "demands", "topic": "ceasefire", "evidence": "Kyiv demanded a truce."}],
}


def _folder(tmp_path: Path, annotation: str, text: bytes = b"Kyiv demanded a truce.") -> Path:
    (tmp_path / "d.json").write_text(annotation, encoding="utf-8")
    (tmp_path / "d.txt").write_bytes(text)
    return tmp_path


def test_a_well_formed_pair_is_read(tmp_path: Path) -> None:
    [(name, text, annotation)] = gold_documents(_folder(tmp_path, json.dumps(GOOD)))
    assert (name, text, annotation) == ("d", "Kyiv demanded a truce.", GOOD)


@pytest.mark.parametrize(
    ("annotation", "message"),
    [
        ("{bad", "d.json: Expecting property name"),
        ("[1, 2]", "d.json: the annotation is a list, not an object"),
        (json.dumps(GOOD | {"positions": {"actor": "Q212"}}), "d.json: positions is not a list"),
        (
            json.dumps(GOOD | {"positions": [{"actor": "Q212", "topic": "ceasefire"}]}),
            "positions[0] has no stance, evidence",
        ),
        (json.dumps(GOOD | {"actors": [{"id": "Q212"}]}), "d.json: actors[0] has no name"),
    ],
)
def test_a_file_the_scorers_cannot_read_is_refused_by_name(tmp_path: Path, annotation: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        gold_documents(_folder(tmp_path, annotation))


def test_a_text_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"d\.txt: 'utf-8' codec"):
        gold_documents(_folder(tmp_path, json.dumps(GOOD), b"\xff\xfe Kyiv"))


def test_an_annotation_that_is_not_utf8_is_refused_by_its_own_name(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "{}")
    (folder / "d.json").write_bytes(b"\xff{}")
    with pytest.raises(ValueError, match=r"d\.json: 'utf-8' codec"):
        gold_documents(folder)
