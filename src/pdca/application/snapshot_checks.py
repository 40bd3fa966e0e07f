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
    """Snapshots that do not match their events, by aggregate (all, or those of ``only``).
    Each cycle's events are read and folded once, every snapshot compared on the way."""
    from pdca.application.cycle_loading import snapshots

    wanted = set(only) if only is not None else None
    by_cycle: dict[UUID, list[Any]] = {}
    for snap in snapshots(app).every():
        if wanted is None or snap.originator_id in wanted:
            by_cycle.setdefault(snap.originator_id, []).append(snap)
    found: dict[UUID, list[Tamper]] = {}
    for oid, snaps in by_cycle.items():
        problems = _check_cycle(app, oid, snaps)
        if problems:
            found[oid] = problems
    return found


def _check_cycle(app: Any, oid: UUID, snaps: list[Any]) -> list[Tamper]:
    from pdca.domain.facts import CycleFacts
    from pdca.storage.chain import digest_of
    from pdca.storage.snapshot_codec import FOLD_VERSION, encode_body, encode_head

    due = {s.version: s for s in snaps if s.fold_version == FOLD_VERSION}  # others never read
    rows = app.recorder.select_events(oid, lte=max(due, default=0)) if due else []
    facts = CycleFacts()
    problems = []
    for row in rows:
        event = app.mapper.decode(row)
        facts.apply(type(event).__name__, event.originator_version, event.timestamp, vars(event))
        snap = due.pop(row.originator_version, None)
        if snap is None:
            continue
        if digest_of(row) != snap.head_digest:
            problems.append(Tamper(snap.version, "snapshot", "快照记录的事件摘要与库中事件不符"))
        elif (encode_head(facts), encode_body(facts)) != (snap.head, snap.body):
            problems.append(
                Tamper(snap.version, "snapshot", "快照内容与事件重新折叠的结果不符（伪造或损坏）")
            )
    problems += [Tamper(v, "snapshot", "快照所指的事件不存在") for v in sorted(due)]
    return problems
