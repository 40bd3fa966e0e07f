"""``verify`` over snapshots: each stored snapshot folded again from its cycle's events.

A snapshot is a cache, but one a writer login could forge (it may insert rows): a
forged one would be read as the cycle's facts by every command until the next one.
So ``verify`` re-folds each from the events it names and reports any that is not
exactly what the fold gives — the head digest of its event, and its head and body
byte for byte — as a tampering at that position.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from pdca.storage.tamper import Tamper


def forged(app: Any, only: Iterable[UUID] | None = None) -> dict[UUID, list[Tamper]]:
    """Snapshots that do not match their events, by aggregate (all, or those of ``only``)."""
    from pdca.application.cycle_loading import snapshots
    from pdca.domain.facts import CycleFacts
    from pdca.storage.chain import digest_of
    from pdca.storage.snapshot_codec import FOLD_VERSION, encode_body, encode_head

    wanted = set(only) if only is not None else None
    found: dict[UUID, list[Tamper]] = {}
    for snap in snapshots(app).every():
        if wanted is not None and snap.originator_id not in wanted:
            continue
        rows = app.recorder.select_events(snap.originator_id, lte=snap.version)
        problem = None
        if snap.fold_version != FOLD_VERSION:
            continue  # another fold's: never read, nothing to check
        if not rows or rows[-1].originator_version != snap.version:
            problem = "快照所指的事件不存在"
        elif digest_of(rows[-1]) != snap.head_digest:
            problem = "快照记录的事件摘要与库中事件不符"
        else:
            facts = CycleFacts()
            for row in rows:
                event = app.mapper.decode(row)
                facts.apply(
                    type(event).__name__, event.originator_version, event.timestamp, vars(event)
                )
            if (encode_head(facts), encode_body(facts)) != (snap.head, snap.body):
                problem = "快照内容与事件重新折叠的结果不符（伪造或损坏）"
        if problem is not None:
            found.setdefault(snap.originator_id, []).append(
                Tamper(snap.version, "snapshot", problem)
            )
    return found
