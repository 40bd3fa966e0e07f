"""One way to show results: a table for people, JSON for programs."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def emit_json(data: Any) -> None:
    import json  # only for --json: a table or a line does not pay for it

    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


#: Where ``emit_json_streaming`` writes its list: a string no JSON value of ours holds.
_HOLE = "\x00pdca-list\x00"
_CHUNK = 500


def emit_json_streaming(data: dict[str, Any], key: str, items: Iterable[Any]) -> None:
    """``emit_json`` of ``data`` with ``data[key]`` the list of ``items`` — the same text,
    but the list is written as it is read, never held whole (``verify --all`` lists every
    aggregate of the history)."""
    import json

    def dumped(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)

    text = dumped({**data, key: _HOLE})
    hole = dumped(_HOLE)
    at = text.index(hole)
    head, tail = text[:at], text[at + len(hole) :]
    line = head.rpartition("\n")[2]  # the key's own line, up to its value
    depth = len(line) - len(line.lstrip(" "))
    inner = " " * (depth + 2)
    click.echo(head, nl=False)
    chunk: list[str] = []
    first = True
    for item in items:
        lines = dumped(item).replace("\n", "\n" + inner)
        chunk.append(("[\n" if first else ",\n") + inner + lines)
        first = False
        if len(chunk) >= _CHUNK:
            click.echo("".join(chunk), nl=False)
            chunk.clear()
    chunk.append("[]" if first else "\n" + " " * depth + "]")
    click.echo("".join(chunk) + tail)


def answer(as_json: bool, data: dict[str, Any], line: str) -> None:
    """A command's one answer, said in one place: ``data`` for programs, ``line`` for people."""
    if as_json:
        emit_json(data)
    else:
        click.echo(line)


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def emit_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], empty: str = "（无）"
) -> None:
    click.echo(table(headers, rows) if rows else empty)
