"""A listing declared once: a sequence of columns, each with its JSON key, its Chinese
header, how to get the value from a row and how the table shows it. The one declaration
renders the table for people and the JSON for programs, so the two cannot drift apart.

A column without a header is in the JSON only (a code the table spells as a label, a
field people do not need); one without a key is in the table only (a label worked out
from the row). The JSON keys keep the order of their columns, and so do the headers:
where a published JSON order differs from the table's, the value appears as a JSON-only
and a table-only column, each where it stands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import click

from pdca_cli._output import emit_json, emit_table

Row = Any  # a dict of a projection, or an object the application returns


@dataclass(frozen=True)
class Column:
    key: str | None  # the JSON key; None: in the table only
    header: str | None  # the table header; None: in the JSON only
    get: str | Callable[[Row], Any] | None = None  # a field of the row (default: key)
    show: Callable[[Any], Any] | None = None  # how the table shows the value (default: as is)

    def value(self, row: Row) -> Any:
        if callable(self.get):
            return self.get(row)
        name = self.get or self.key
        assert name is not None, f"column {self.header} says neither key nor how to get it"
        return row[name] if isinstance(row, Mapping) else getattr(row, name)

    def cell(self, row: Row) -> Any:
        value = self.value(row)
        return value if self.show is None else self.show(value)


Listing = Sequence[Column]


def with_keys(keys: Sequence[str], shown: Listing) -> Listing:
    """The table ``shown`` with a JSON of every one of ``keys`` (an export's columns, in
    their order): a key the table does not show is a column of the JSON only."""
    by_key = {c.key: c for c in shown}
    assert list(by_key) == [k for k in keys if k in by_key], "shown in the keys' order"
    return [by_key.get(k) or Column(k, None) for k in keys]


def records(listing: Listing, rows: Iterable[Row]) -> list[dict[str, Any]]:
    """The rows as JSON objects: one key per column that has one."""
    keyed = [c for c in listing if c.key is not None]
    return [{c.key: c.value(row) for c in keyed} for row in rows]  # type: ignore[misc]


def headers(listing: Listing) -> list[str]:
    return [c.header for c in listing if c.header is not None]


def cells(listing: Listing, rows: Iterable[Row]) -> list[list[Any]]:
    """The rows as the table's cells: one per column that has a header."""
    shown = [c for c in listing if c.header is not None]
    return [[c.cell(row) for c in shown] for row in rows]


def emit(
    listing: Listing,
    rows: Iterable[Row],
    as_json: bool,
    *,
    title: str | None = None,
    empty: str = "（无）",
) -> None:
    """The listing as JSON for programs, or as the table for people."""
    if as_json:
        emit_json(records(listing, rows))
    else:
        show_table(listing, rows, title=title, empty=empty)


def show_table(
    listing: Listing, rows: Iterable[Row], *, title: str | None = None, empty: str = "（无）"
) -> None:
    """The table under its ``title`` line, if any; ``empty`` instead when there are no rows."""
    if title is not None:
        click.echo(title)
    emit_table(headers(listing), cells(listing, rows), empty=empty)


# ---- how tables show values: shared spellings -------------------------------------------


def yes_no(flag: Any) -> str:
    return "是" if flag else "否"


def or_dash(value: Any) -> Any:
    """Nothing yet (a rank, grade or tier before publication): an em dash."""
    return value or "—"


def or_blank(value: Any) -> Any:
    """Nothing to say (zero days overdue, no measure): an empty cell."""
    return value or ""


def moment(iso: str) -> str:
    """A recorded instant (ISO 8601, already in the database's zone) to the second, as
    people read it: ``2024-05-12 09:30:00+08:00``."""
    from pdca.application.clock import spelled

    return spelled(iso)


def joined(values: Iterable[Any]) -> str:
    return "、".join(str(v) for v in values)


# ---- an event's login stamp (PostgreSQL) -------------------------------------------------

STAMP_FLAG = "stamp_mismatch"


def _flag(row: Row) -> str | None:
    return row.get(STAMP_FLAG) if isinstance(row, Mapping) else getattr(row, STAMP_FLAG, None)


def summary_with_flag(row: Row) -> str:
    """An event's summary, followed by the database's flag when another login wrote it
    than the event records (``history``, ``rectify show``)."""
    summary = row["summary"] if isinstance(row, Mapping) else row.summary
    flag = _flag(row)
    return f"{summary}【⚠ {flag}】" if flag else summary


def flagged_records(listing: Listing, rows: Sequence[Row]) -> list[dict[str, Any]]:
    """``records``, with ``stamp_mismatch`` on each flagged event only: an answer about a
    history nobody wrote under another login is the same as before the stamp existed."""
    found = records(listing, rows)
    for record, row in zip(found, rows, strict=True):
        flag = _flag(row)
        if flag:
            record[STAMP_FLAG] = flag
    return found
