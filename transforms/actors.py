"""The actor knowledge base (``transforms/data/actors.yaml``): canonical actors and their aliases."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
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
    gender: str | None = None


@dataclass(frozen=True)
class Alias:
    """A surface form that names an actor; ``kind`` is name, alias, surname, demonym or metonym."""

    text: str
    actor_id: str
    kind: str
    label: str


@dataclass(frozen=True)
class Office:
    """An office one person held from a date until a date (``until`` None: still held)."""

    holder: str
    office: str
    of: str
    start: date
    until: date | None = None
    leader: bool = False

    def held_on(self, day: date | None) -> bool:
        """Tell whether the office was held on that day (on no day: whether it is held now)."""
        if day is None:
            return self.until is None
        return self.start <= day and (self.until is None or day < self.until)

    def left_by(self, day: date | None) -> bool:
        """Tell whether its holder had left the office by that day (on no day: whether they have left it)."""
        return self.until is not None and (day is None or self.until <= day)


@dataclass(frozen=True)
class KnowledgeBase:
    """Actors by id and every alias, for the entity ruler and for linking; offices and the warring parties."""

    actors: dict[str, Actor]
    aliases: tuple[Alias, ...]
    offices: tuple[Office, ...] = ()
    office_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    parties: tuple[str, ...] = ()
    # Forms that name a state only as the first half of a hyphenated pair ("Anglo-French", "Sino-Russian").
    combining: dict[str, str] = field(default_factory=dict)

    def office_holders(self, office: str, of: str | None, day: date | None, *, former: bool = False) -> list[str]:
        """Return who held an office (of a state or organisation, or of any) on a day; ``leader`` for the top one.

        ``former``: who had held it and left it by that day instead.
        """
        return [
            o.holder
            for o in self.offices
            if (o.office == office or (office == "leader" and o.leader))
            and (of is None or o.of == of)
            and (o.left_by(day) if former else o.held_on(day))
        ]

    def party_of(self, actor_id: str) -> str | None:
        """Return the warring party an actor belongs to (itself, or a person's country), if any."""
        if actor_id in self.parties:
            return actor_id
        actor = self.actors.get(actor_id)
        return actor.country if actor is not None and actor.country in self.parties else None

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

    @functools.cached_property
    def by_spelling(self) -> dict[str, Alias]:
        """Person names and surnames by their spelling key; a key two persons share names neither."""
        table: dict[str, Alias] = {}
        clashes: set[str] = set()
        for alias in self.aliases:
            if self.actors[alias.actor_id].type != "person" or alias.kind not in {"name", "alias", "surname"}:
                continue
            key = spelling_key(alias.text)
            if key in table and table[key].actor_id != alias.actor_id:
                clashes.add(key)
            table.setdefault(key, alias)
        return {key: alias for key, alias in table.items() if key not in clashes}

    @functools.cached_property
    def spellings(self) -> dict[str, frozenset[str]]:
        """The spelling keys of each actor's name and aliases (no surnames, demonyms or metonyms)."""
        found: dict[str, set[str]] = {}
        for alias in self.aliases:
            if alias.kind in {"name", "alias"}:
                found.setdefault(alias.actor_id, set()).add(spelling_key(alias.text))
        return {actor_id: frozenset(keys) for actor_id, keys in found.items()}

    def lookup_person(self, text: str) -> Alias | None:
        """Find the person a name names in another romanisation ("Serhii Kyslytsia" for "Serhiy Kyslytsya")."""
        return self.by_spelling.get(spelling_key(text))


def name_key(text: str) -> str:
    """Normalise a name for comparison: no accents, punctuation, possessive or leading article; lower case."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[’'`]s?\b", "", text)
    text = re.sub(r"[^\w\s]", " ", text.lower())
    text = re.sub(r"^\s*the\s+", "", text)
    return " ".join(text.split())


@functools.lru_cache(maxsize=65536)
def spelling_key(text: str) -> str:
    """Normalise a name further for the romanisations of one Cyrillic name: ``y`` read as ``i``, no doubled letters.

    "Vassily Nebenzia" and "Vasily Nebenzya", "Heorhii Tykhyi" and "Heorhii Tykhii" share a key.
    """
    return re.sub(r"(\w)\1+", r"\1", name_key(text).replace("y", "i"))


@functools.cache
def load_kb(path: Path = KB_PATH) -> KnowledgeBase:
    """Read the knowledge base file once per process."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    actors: dict[str, Actor] = {}
    aliases: list[Alias] = []
    combining: dict[str, str] = {}
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
            combining.update({name_key(str(form)): actor.actor_id for form in item.get("combining") or []})
    offices = tuple(_office(item, actors, path) for item in data.get("offices", []))
    words = {office: tuple(str(w) for w in forms) for office, forms in (data.get("office_words") or {}).items()}
    return KnowledgeBase(actors, tuple(aliases), offices, words, tuple(data.get("parties", [])), combining)


def _office(item: dict[str, Any], actors: dict[str, Actor], path: Path) -> Office:
    if item["holder"] not in actors or item["of"] not in actors:
        raise ValueError(f"{path}: office {item} names an actor the file does not define")
    return Office(
        holder=str(item["holder"]),
        office=str(item["office"]),
        of=str(item["of"]),
        start=item["from"],
        until=item.get("until"),
        leader=bool(item.get("leader", False)),
    )


def _actor(item: dict[str, Any], default_type: str) -> Actor:
    actor_id = str(item["id"])
    return Actor(
        actor_id=actor_id,
        name=str(item["name"]),
        type=str(item.get("type", default_type)),
        wikidata=actor_id if re.fullmatch(r"Q\d+", actor_id) else item.get("wikidata"),
        country=item.get("country"),
        role=item.get("role"),
        gender=_gender(item),
    )


def _gender(item: dict[str, Any]) -> str | None:
    gender = item.get("gender")
    if gender not in {None, "female", "male"}:
        raise ValueError(f"actor {item['id']}: gender must be female or male, not {gender!r}")
    return gender


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
