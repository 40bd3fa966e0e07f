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


def current(app: Any, aggregate_id: UUID, load: Callable[[], T | None]) -> T | None:
    """The aggregate ``aggregate_id`` as stored now: the kept copy when no event of it
    is newer than its version, else ``load()`` (kept for the next call)."""
    kept: dict[UUID, Any] = app.__dict__.setdefault("_kept_aggregates", {})
    found = kept.get(aggregate_id)
    if found is not None and not app.recorder.select_events(
        aggregate_id, gt=found.version, limit=1
    ):
        return found  # type: ignore[no-any-return]
    fresh = load()
    if fresh is not None:
        kept[aggregate_id] = fresh
    return fresh
