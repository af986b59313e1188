"""The actor knowledge base (``transforms/data/actors.yaml``): canonical actors and their aliases."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

KB_PATH = Path(__file__).with_name("data") / "actors.yaml"
SPACY_LABELS = {"person": "PERSON", "state": "GPE", "organisation": "ORG", "alliance": "ORG", "group": "NORP"}


@dataclass(frozen=True)
class Actor:
    """One canonical political actor."""

    actor_id: str
    name: str
    type: str
    wikidata: str | None = None
    country: str | None = None
    role: str | None = None


@dataclass(frozen=True)
class Alias:
    """A surface form that names an actor; ``kind`` is name, alias, surname, demonym or metonym."""

    text: str
    actor_id: str
    kind: str
    label: str


@dataclass(frozen=True)
class KnowledgeBase:
    """Actors by id and every alias, for the entity ruler and for linking."""

    actors: dict[str, Actor]
    aliases: tuple[Alias, ...]

    @functools.cached_property
    def by_key(self) -> dict[str, Alias]:
        """Aliases by normalised text; on a clash the more specific kind wins (name over surname)."""
        rank = {"name": 0, "alias": 1, "metonym": 2, "demonym": 3, "surname": 4}
        table: dict[str, Alias] = {}
        for alias in sorted(self.aliases, key=lambda a: rank[a.kind]):
            table.setdefault(name_key(alias.text), alias)
        return table

    def lookup(self, text: str) -> Alias | None:
        """Find the actor a surface form names, ignoring case, accents, a possessive and a leading "the"."""
        return self.by_key.get(name_key(text))


def name_key(text: str) -> str:
    """Normalise a name for comparison: no accents, punctuation, possessive or leading article; lower case."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[’'`]s?\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text.lower())
    text = re.sub(r"^\s*the\s+", "", text)
    return " ".join(text.split())


@functools.cache
def load_kb(path: Path = KB_PATH) -> KnowledgeBase:
    """Read the knowledge base file once per process."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    actors: dict[str, Actor] = {}
    aliases: list[Alias] = []
    for section, default_type in (
        ("states", "state"),
        ("organisations", "organisation"),
        ("groups", "group"),
        ("persons", "person"),
    ):
        for item in data.get(section, []):
            actor = _actor(item, default_type)
            if actor.actor_id in actors:
                raise ValueError(f"{path}: actor id {actor.actor_id} appears twice")
            actors[actor.actor_id] = actor
            aliases.extend(_aliases(item, actor))
    return KnowledgeBase(actors, tuple(aliases))


def _actor(item: dict[str, Any], default_type: str) -> Actor:
    actor_id = str(item["id"])
    return Actor(
        actor_id=actor_id,
        name=str(item["name"]),
        type=str(item.get("type", default_type)),
        wikidata=actor_id if re.fullmatch(r"Q\d+", actor_id) else item.get("wikidata"),
        country=item.get("country"),
        role=item.get("role"),
    )


def _aliases(item: dict[str, Any], actor: Actor) -> list[Alias]:
    label = SPACY_LABELS[actor.type]
    found = [Alias(actor.name, actor.actor_id, "name", label)]
    found += [Alias(str(a), actor.actor_id, "alias", label) for a in item.get("aliases") or []]
    found += [Alias(str(a), actor.actor_id, "metonym", label) for a in item.get("metonyms") or []]
    found += [Alias(str(a), actor.actor_id, "demonym", "NORP") for a in item.get("demonyms") or []]
    if actor.type == "person" and item.get("surname", True):
        for full in [actor.name, *[str(a) for a in item.get("aliases") or []]]:
            parts = full.split()
            if len(parts) > 1 and parts[-1][0].isupper() and "." not in parts[-1]:
                found.append(Alias(parts[-1], actor.actor_id, "surname", label))
    return found
