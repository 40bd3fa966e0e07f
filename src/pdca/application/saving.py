"""How a command's changes reach the event store: all or nothing, stamped with who
connected (``stamp``), within the scopes of the accounts that acted, under the client's request id when it gave one,
and — when another writer got there first — retried or refused.

Every use case saves through ``save``. A use case whose facts commute (adding a
finding, casting a ballot: the order of two such facts changes nothing) carries
``@commutes``: on a concurrent modification it runs again from the start, so it
reloads the aggregate and checks every guard again before it records. Any other
use case (advancing a stage, finalising a round) depended on what it read, so it is
refused with the events recorded since that version.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from eventsourcing.persistence import IntegrityError

from pdca import log
from pdca.application.acting import Acting
from pdca.errors import Conflict, PdcaError

ATTEMPTS = 20
BACKOFF_SECONDS = 0.004  # doubled each attempt, jittered, capped below
BACKOFF_CAP_SECONDS = 0.25
_LISTED = 5  # changes named in a refusal; the rest are counted
_CONTENDED = "contended"  # acting.kept: a concurrent change was met, keep copies


class ChangedUnderneath(Conflict):
    """Another writer saved to the same aggregate after this command read it."""


F = TypeVar("F", bound=Callable[..., Any])


def commutes(method: F) -> F:
    """Declare a use case's facts commutative: rerun it on a concurrent modification."""

    @functools.wraps(method)
    def retrying(app: Any, acting: Acting, *args: Any, **kwargs: Any) -> Any:
        outermost = acting.kept is None
        if outermost:
            acting.kept = {}
        try:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    return method(app, acting, *args, **kwargs)
                except ChangedUnderneath as exc:
                    acting.kept[_CONTENDED] = True  # type: ignore[index]
                    if attempt == ATTEMPTS or not outermost:
                        raise ChangedUnderneath(f"{exc}（已自动重试 {attempt - 1} 次）") from None
                    import random
                    import time

                    log.info("retrying_after_conflict", use_case=method.__name__, attempt=attempt)
                    ceiling = min(BACKOFF_SECONDS * 2**attempt, BACKOFF_CAP_SECONDS)
                    time.sleep(random.uniform(ceiling / 4, ceiling))
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            if outermost:
                acting.kept = None

    return retrying  # type: ignore[return-value]


def load(app: Any, aggregate_id: Any, acting: Acting | None = None, head_only: bool = False) -> Any:
    """Load a cycle (``pdca.application.cycle_loading``). Inside a commuting use case
    that has met a concurrent change, keep a copy as loaded — its facts as a snapshot
    encodes them, never pickled — so the next retry reads only the events recorded since
    (a retry's window between reading and saving must be short, or a busy cycle starves
    it). The first attempt keeps nothing: most commands meet no one."""
    from pdca.application import cycle_loading

    kept = acting.kept if acting is not None else None
    if kept is None or not kept.get(_CONTENDED):
        return cycle_loading.load(app, aggregate_id, head_only)
    if aggregate_id in kept:
        aggregate = cycle_loading.newer(app, kept[aggregate_id])
    else:
        aggregate = cycle_loading.load(app, aggregate_id)
    kept[aggregate_id] = cycle_loading.copy(app, aggregate)
    return aggregate


def save(
    app: Any,
    acting: Acting,
    aggregates: Sequence[Any],
    conflict: Callable[[dict[Any, int]], PdcaError],
) -> None:
    """Save what one command changed, in one transaction with its request record.
    ``conflict`` turns the versions the command read into the refusal to raise."""
    read = {a.id: a.version - len(a.pending_events) for a in aggregates}
    refuse_unsaveable(app, acting, aggregates)
    extra = []
    if acting.request_id:
        from pdca.domain.request import Request

        extra.append(
            Request(
                key=acting.request_id,
                command=acting.command,
                digest=acting.request_digest or "",
                actor=acting.person,
                events=[
                    f"{a.id.hex}:{e.originator_version}"
                    for a in aggregates
                    for e in a.pending_events
                ],
            )
        )
    acting.stamp([*aggregates, *extra])
    staged = None
    if acting.evidence or acting.purges:
        from pdca.application.attaching import stage

        staged = stage(app, acting, aggregates)
    done = False
    try:
        recordings = app.save(*aggregates, *extra, **(staged.kwargs if staged else {}))
        acting.recorded = max((r.notification.id for r in recordings), default=acting.recorded)
        acting.accepted = extra[0] if extra else None
        done = True
    except IntegrityError:
        if extra and app.recorder.select_events(extra[0].id, limit=1):
            from pdca.application.request_ids import RequestSeen

            raise RequestSeen(acting.request_id) from None
        raise conflict(read) from None
    finally:
        # Files are renamed into place only after the commit, removed after a refusal.
        if staged is not None:
            staged.committed() if done else staged.abandoned()
    from pdca.application.cycle_loading import after_save

    after_save(app, aggregates)


def refuse_unsaveable(app: Any, acting: Acting, aggregates: Sequence[Any]) -> None:
    """What a save refuses before it writes — free text that hides characters, a change
    outside the acting accounts' scopes — and so what a dry run must refuse too: a
    preview that passes where the real command is refused would be silently wrong."""
    refuse_invisible_text(aggregates)
    if acting.limits:
        from pdca.application import scopes

        scopes.check(app, acting, aggregates)


def refuse_invisible_text(aggregates: Sequence[Any]) -> None:
    """Every free text a command is about to record, checked in one place (each use case
    trims its own; this is what they all share, and what a new use case cannot forget)."""
    from pdca.domain.names import FREE_TEXT, refuse_invisible_text

    for aggregate in aggregates:
        for event in aggregate.pending_events:
            for field in FREE_TEXT.keys() & vars(event).keys():
                value = getattr(event, field)
                if isinstance(value, str):
                    refuse_invisible_text(field, value)


def changed_underneath(
    app: Any, label: str, read: dict[Any, int], names: dict[Any, str] | None = None
) -> ChangedUnderneath:
    """The refusal of a command that depended on what it read: what was recorded since
    (position, type, actor, time), prefixed by ``names`` when several aggregates moved."""
    from pdca.rules.describe import type_label

    events = [
        e for oid, version in read.items() for e in app.repository.event_store.get(oid, gt=version)
    ]
    named = [
        f"{(names or {}).get(e.originator_id, '')}#{e.originator_version} "
        f"{type_label(type(e).__name__)}"
        f"（{getattr(e, 'actor', '?')}，{app.clock.shown(e.timestamp)}）"
        for e in events[:_LISTED]
    ]
    more = f" 等 {len(events)} 个事件" if len(events) > _LISTED else ""
    return ChangedUnderneath(
        f"{label} 在本命令读取之后被他人修改，本次命令未记录；"
        f"其间记录了：{'、'.join(named) or '（已读不到）'}{more}；请确认后重新执行"
    )


def require_unchanged(app: Any, read: dict[Any, int], names: dict[Any, str], label: str) -> None:
    """Refuse when aggregates this command read but does not save have moved on.
    (Only what is saved is checked by the store itself; this narrows the gap for the
    rest to the moment between this check and the save.)"""
    moved = {
        oid: version
        for oid, version in read.items()
        if app.recorder.select_events(oid, gt=version, limit=1)
    }
    if moved:
        raise changed_underneath(app, label, moved, names)
