"""Write a TOML table back as text, so a test can change a parsed scheme and offer the
loader a file again (the standard library reads TOML but does not write it)."""

from __future__ import annotations

import json
import math
from typing import Any


def dumps(data: dict[str, Any], known: dict[int, str] | None = None) -> str:
    """Every top-level key on its own line, tables inline. ``known``: the text of tables
    and arrays already written (``rendered``), taken as it is wherever one of them is
    met again — for many variants of one table that share all but a few of its parts."""
    known = known or {}
    return "".join(f"{_key(k)} = {_value(v, known)}\n" for k, v in data.items())


def rendered(data: dict[str, Any]) -> dict[int, str]:
    """The text of every table and array inside ``data``, by ``id``: for ``dumps`` of
    variants that keep those very objects, unchanged (and ``data`` alive) meanwhile."""
    known: dict[int, str] = {}
    _value(data, {}, known)
    return known


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def _value(value: Any, known: dict[int, str], record: dict[int, str] | None = None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list | dict) and id(value) in known:
        return known[id(value)]
    if isinstance(value, list):
        text = "[" + ", ".join(_value(v, known, record) for v in value) + "]"
    elif isinstance(value, dict):
        text = (
            "{"
            + ", ".join(f"{_key(k)} = {_value(v, known, record)}" for k, v in value.items())
            + "}"
        )
    else:
        raise TypeError(f"no TOML for {value!r}")
    if record is not None:
        record[id(value)] = text
    return text
