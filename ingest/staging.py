"""Staging files: typed rows handed between pipeline steps as JSON lines (never through XCom)."""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def write_rows(path: Path, rows: Iterable[Any]) -> int:
    """Write dataclass rows atomically (temp file, then rename); return how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".part")
    count = 0
    with partial.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(dataclasses.asdict(row), default=_encode, ensure_ascii=False))
            out.write("\n")
            count += 1
    partial.replace(path)
    return count


def read_rows(path: Path, cls: type[T]) -> list[T]:
    """Read rows written by ``write_rows`` back into ``cls``; a missing file means no rows."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as src:
        return [_decode(cls, json.loads(line)) for line in src if line.strip()]


def _encode(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot stage {type(value).__name__}")


def _decode(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:
        return tuple(_decode(typing.get_args(tp)[0], v) for v in value)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return tp(**{name: _decode(hint, value[name]) for name, hint in _field_hints(tp) if name in value})
    if tp is datetime:
        return datetime.fromisoformat(value)
    return value


@functools.cache
def _field_hints(cls: type) -> tuple[tuple[str, Any], ...]:
    # Resolving the type hints was most of a row's decoding time: once per class, not per row (a
    # 500-article run's mentions and positions took 5.9 s to read, now 0.8 s).
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
