"""docs/schemes.md is tested against the declared format: every key its TOML examples
use exists, and every key that exists appears in an example."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pdca.rules.scheme_check import declared_paths, table_type_at

DOC = Path(__file__).resolve().parents[2] / "docs" / "schemes.md"
BLOCK = re.compile(r"```toml\n(.*?)```", re.S)


def documented_paths() -> set[str]:
    found: set[str] = set()
    for block in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        found |= paths_in(tomllib.loads(block))
    return found


def paths_in(value: Any, prefix: tuple[str, ...] = ()) -> set[str]:
    if isinstance(value, list):
        return set().union(*(paths_in(v, prefix) for v in value)) if value else set()
    if not isinstance(value, dict) or table_type_at(list(prefix)) is None:
        return set()  # a value, or a table of the author's own keys (tasks.quality)
    found = set()
    for key, item in value.items():
        found.add(".".join((*prefix, key)))
        found |= paths_in(item, (*prefix, key))
    return found


def test_every_key_the_doc_shows_is_declared() -> None:
    assert documented_paths() - set(declared_paths()) == set()


def test_every_declared_key_is_in_the_doc() -> None:
    assert [p for p in declared_paths() if p not in documented_paths()] == []
