"""Loading a cycle once, cheaply: from its newest valid snapshot and the events after it.

* The fold runs each event's own ``mutate`` (the version check included) but not the
  library's per-event protocol assertion, and hashes only the last row read: the next
  event stored links to it (``pdca.storage.chain``); the others' digests are ``verify``'s.
* A snapshot is used only when it folds to an event whose stored digest it names and was
  written by this fold (``FOLD_VERSION``); any other is ignored, and a new one is stored
  after the next save that passes the threshold.
* ``head_only``: a command that needs no facts (``cycle status``, a finding's checks)
  decodes the snapshot's head (stage, tasks, guard inputs) and folds the events after it
  without the facts they add; it falls back to a full load when a newer event changes
  the head and the body together (issuing ballots, closing a box).

Storing a snapshot happens after the command's events are saved and never fails it.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from pdca import log
from pdca.application import snapshot_policy as policy
from pdca.application.collector import paused
from pdca.domain.cycle import Cycle
from pdca.domain.cycle_head import BODY_ONLY, HEAD_ONLY, HeadFacts
from pdca.domain.facts import CycleFacts


def snapshots(app: Any) -> Any:
    """The application's snapshot table (one per application)."""
    store = app.__dict__.get("_snapshots")
    if store is None:
        from pdca.storage.snapshots import Snapshots

        store = Snapshots(app.recorder, app.workspace.database.kind, app.mapper.cipher)
        app.__dict__["_snapshots"] = store
    return store


def _due(app: Any) -> set[UUID]:
    return app.__dict__.setdefault("_snapshots_due", set())


def load(app: Any, cycle_id: UUID, head_only: bool = False) -> Cycle:
    """The cycle as of its last event (``AggregateNotFoundError`` when there is none)."""
    # Decoding a long cycle allocates tens of thousands of objects and no cycles among
    # them: the collector's passes over them are pure cost.
    with paused():
        return _load(app, cycle_id, head_only)


def _load(app: Any, cycle_id: UUID, head_only: bool) -> Cycle:
    from pdca.storage import chain, snapshot_codec
    from pdca.storage.snapshot_codec import decode_body, decode_head

    recorder, mapper = app.recorder, app.mapper
    snap = None
    try:
        snap = snapshots(app).latest(cycle_id, with_body=not head_only)
    except Exception as exc:  # a snapshot is a cache: any trouble reading it, load without
        log.info("snapshot_unreadable", cycle=cycle_id.hex, error=type(exc).__name__)
    if snap is not None and snap.fold_version != snapshot_codec.FOLD_VERSION:
        snap = None
    rows = recorder.select_events(cycle_id, gt=snap.version - 1) if snap else []
    if snap is not None and (
        not rows
        or rows[0].originator_version != snap.version
        or chain.digest_of(rows[0]) != snap.head_digest
    ):
        log.info("snapshot_ignored", cycle=cycle_id.hex, version=snap.version)
        snap = None
    if snap is None:
        rows = recorder.select_events(cycle_id)
        if not rows:
            raise AggregateNotFoundError(cycle_id)
    if snap is None and app.mapper.compressor is None:
        fast = _folded(app, cycle_id, rows)
        if fast is not None:
            return fast
    events = [mapper.decode(r) for r in rows]
    if snap is not None and head_only:
        kinds = {type(e).__name__ for e in events[1:]}
        if len(events) > policy.INTERVAL or not kinds <= BODY_ONLY | HEAD_ONLY:
            return _load(app, cycle_id, head_only=False)
    if snap is None:
        cycle = events[0].mutate(None)
    else:
        facts = decode_head(snap.head, HeadFacts() if head_only else None)
        if snap.body is not None:
            decode_body(snap.body, facts)
        cycle = _shell(cycle_id, snap.version, facts)
        cycle.modified_on = events[0].timestamp
    for event in events[1:]:
        event.mutate(cycle)  # each event's own version check; no protocol assertion
    # Only the head is hashed: the next event stored links to it.
    known = snap.head_digest if snap is not None and len(rows) == 1 else None
    mapper.remember(rows[-1], known)
    # Folded in full (a head-only load without a snapshot folds everything too).
    if not isinstance(cycle.facts, HeadFacts) and cycle.version >= policy.THRESHOLD:
        since = snap.version if snap is not None else 0
        if cycle.version - since >= policy.INTERVAL or snap is None:
            _due(app).add(cycle_id)
    return cycle


def _folded(app: Any, cycle_id: UUID, rows: list[Any]) -> Cycle | None:
    """The whole history folded straight from the stored JSON, as the projections fold it
    (``orjson``, no domain event objects); None when a row does not decode or fold (the
    mapper's path then says which row is damaged)."""
    from pdca.projections.decoding import decode
    from pdca.projections.folds import apply
    from pdca.storage.plaintext import plain_state

    cipher = app.mapper.cipher
    facts = CycleFacts()
    try:
        for row in rows:
            state = plain_state(row.state, cipher)
            fact = decode(0, cycle_id, row.originator_version, row.topic, state)
            if not fact.type.startswith("Cycle."):
                return None
            apply(facts, fact)
    except Exception:
        return None
    if facts.opened is None or rows[-1].originator_version != len(rows):
        return None
    cycle = _shell(cycle_id, len(rows), facts)
    cycle.modified_on = fact.recorded_at
    app.mapper.remember(rows[-1])
    if len(rows) >= policy.THRESHOLD:
        _due(app).add(cycle_id)
    return cycle


def _shell(cycle_id: UUID, version: int, facts: CycleFacts) -> Cycle:
    """A ``Cycle`` at ``version`` holding ``facts``, without replaying its events."""
    cycle = Cycle.__new__(Cycle)
    assert facts.opened is not None
    cycle.__base_init__(cycle_id, version, facts.opened.recorded_at)  # type: ignore[attr-defined]
    cycle.facts = facts
    return cycle


def after_save(app: Any, aggregates: Any) -> None:
    """Store the snapshots the saved cycles are due (never failing the command: its
    events are saved; a snapshot missed is taken at a later save)."""
    due = _due(app)
    for aggregate in aggregates:
        if aggregate.id not in due or not isinstance(aggregate, Cycle):
            continue
        due.discard(aggregate.id)
        try:
            take(app, aggregate)
        except Exception as exc:
            log.info("snapshot_not_stored", cycle=aggregate.id.hex, error=type(exc).__name__)


def take(app: Any, cycle: Cycle) -> bool:
    """Store a snapshot of ``cycle`` as it stands (its events saved); False when the
    table is missing or the cycle holds only its head."""
    from pdca.storage.snapshot_codec import FOLD_VERSION, encode_body, encode_head

    store = snapshots(app)
    head = app.mapper.head(cycle.id)
    if not store.present() or isinstance(cycle.facts, HeadFacts) or head is None:
        return False
    if head[0] != cycle.version:
        return False
    store.add(
        cycle.id,
        cycle.version,
        FOLD_VERSION,
        head[1],
        encode_head(cycle.facts),
        encode_body(cycle.facts),
    )
    return True


def copy(app: Any, cycle: Cycle) -> tuple[Any, ...]:
    """The cycle as loaded, for a retry (``saving.load``): its facts as a snapshot encodes
    them, its version, and the digest of its last event."""
    from pdca.storage.snapshot_codec import encode_body, encode_head

    return (
        cycle.id,
        cycle.version,
        cycle.modified_on,
        encode_head(cycle.facts),
        encode_body(cycle.facts),
        app.mapper.head(cycle.id),
    )


def newer(app: Any, kept: tuple[Any, ...]) -> Cycle:
    """A cycle kept by ``copy``, brought up to date with the events recorded since."""
    from pdca.storage.snapshot_codec import decode_body, decode_head

    cycle_id, version, modified_on, head, body, digest = kept
    cycle = _shell(cycle_id, version, decode_body(body, decode_head(head)))
    cycle.modified_on = modified_on
    rows = app.recorder.select_events(cycle_id, gt=version)
    for row in rows:
        app.mapper.decode(row).mutate(cycle)
    if rows:
        app.mapper.remember(rows[-1])
    elif digest is not None:
        app.mapper.restore(cycle_id, digest)
    return cycle


def drop_snapshots(app: Any, actor: str | None) -> int:
    """``pdca snapshots drop`` (admin): remove every snapshot; returns how many there
    were. Nothing depends on them: cycles load from their events and snapshot anew."""
    from pdca.application.identity import acting
    from pdca.errors import RuleViolation
    from pdca.storage.failures import cannot_write

    # Not a command of the role table (it records no event): the admins' default.
    app.permit(acting(app, actor, "snapshots drop"), "snapshots drop")
    try:
        return int(snapshots(app).drop())
    except Exception as exc:
        if not cannot_write(exc):
            raise
        raise RuleViolation(
            "快照表只追加，只有数据库所有者（pdca init 时的登录）能清空它；未做任何改动"
        ) from None
