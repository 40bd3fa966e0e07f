"""Aggregates read on every request of a server that seldom change (the roster of
accounts, a finalised round): the copy read last is used again while no event of it
has been stored since. One indexed query asks the database every time, so a change
made by any process counts on the very next read: nothing is served stale. For
reading only: a caller never changes what it gets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

T = TypeVar("T")


def current(app: Any, kind: str, aggregate_id: UUID, load: Callable[[], T | None]) -> T | None:
    """What ``load()`` reads of the aggregate ``aggregate_id`` (anything with the
    aggregate's ``version``), kept under ``kind``: the kept copy when no event of the
    aggregate is newer than its version, else ``load()`` again (kept for the next call)."""
    kept: dict[tuple[str, UUID], Any] = app.__dict__.setdefault("_kept_aggregates", {})
    found = kept.get((kind, aggregate_id))
    if found is not None and not app.recorder.select_events(
        aggregate_id, gt=found.version, limit=1
    ):
        return found  # type: ignore[no-any-return]
    fresh = load()
    if fresh is not None:
        kept[(kind, aggregate_id)] = fresh
    return fresh
