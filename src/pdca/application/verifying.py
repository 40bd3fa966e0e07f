"""``pdca verify``: recompute every chain from the stored rows and name each tamper.

Read-only. It reads the rows as stored (never through the domain or the
projections, which a tampered row could fool), undoes the cipher when there is one,
and checks each aggregate's chain (``pdca.storage.tamper``) against the head digests that
round finalisations published. Every attachment an event names is read back from the
store and hashed: bytes that are not the digest's, or gone without a recorded purge,
are named at the event that names them; a purged one is listed as purged.
"""

from __future__ import annotations

import contextlib
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import orjson

from pdca.application.verify_checks import AggregateCheck, CheckList, PublishedHeads
from pdca.domain.evidence import refs_of
from pdca.domain.ids import clean_name, cycle_id
from pdca.errors import NotFound
from pdca.storage import stamps
from pdca.storage.chain import PREV, digest_of
from pdca.storage.plaintext import plain_state
from pdca.storage.tamper import Anchor, Row, Tamper, inspect

PAGE = 5000
FINALIZED_PAGE = 20
FINALIZED = "pdca.domain.round:Round.Finalized"
ROUND_OPENED = "pdca.domain.round:Round.Opened"
CYCLE_OPENED = "pdca.domain.cycle:Cycle.Opened"


@dataclass(frozen=True)
class Report:
    #: One result per aggregate, in label order (kept outside memory: ``verify_checks``).
    aggregates: CheckList
    anchors: int
    problems: list[tuple[AggregateCheck, Tamper]] = field(init=False)
    #: With an anchors file (``verify --anchors``): what it said beside the chain.
    outside: OutsideCheck | None = None
    #: The distinct attachments the checked events name, and those purged on purpose.
    attachments: int = 0
    purged: list[PurgedFile] = field(default_factory=list)

    def __post_init__(self) -> None:
        found = [(a, t) for a in self.aggregates.troubled() for t in a.problems]
        object.__setattr__(self, "problems", found)

    @property
    def events(self) -> int:
        return self.aggregates.events

    @property
    def clean(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class PurgedFile:
    digest: str
    name: str
    aggregate: str
    position: int


@dataclass(frozen=True)
class OutsideCheck:
    """What an anchors file added: how many anchors it holds, the aggregates a declared
    restore accounts for, and anchors whose line no longer matches its digest."""

    file: str
    anchors: int
    declared: list[str]
    damaged: list[int]


class Verifying:
    """Mixed into ``PdcaApplication``."""

    recorder: Any
    get_unit: Callable[..., Any]
    mapper: Any
    workspace: Any

    def verify_history(self, address: str | None = None, anchors_file: str | None = None) -> Report:
        """Every aggregate, or one cycle and the rounds that published it; with
        ``anchors_file``, every aggregate against the anchors kept outside the database."""
        if address is None:
            return _verify_all(self, anchors_file)
        return _verify_cycle(self, address)


def _verify_cycle(app: Any, address: str) -> Report:
    """One cycle (every generation of its address) and the rounds that published it,
    read by key: what it costs does not grow with the rest of the history."""
    from pdca.domain.ids import split_address
    from pdca.domain.round import round_id

    cipher = app.mapper.cipher
    kind = app.workspace.database.kind
    unit, period = split_address(address)
    with contextlib.suppress(Exception):  # a renamed unit: its cycles' key name
        unit = app.get_unit(unit, tell=False).registered_name
    wanted = cycle_id(unit, period)
    # Every generation of the address (cycles opened again after a void).
    generations = [wanted]
    while app.recorder.select_events(cycle_id(unit, period, len(generations)), limit=1):
        generations.append(cycle_id(unit, period, len(generations)))
    cycle_rows = [r for g in generations for r in app.recorder.select_events(g)]
    # The rounds that may have published it: its period's round of the scheme each
    # generation was opened with, and every round opened for its period (found by
    # topic: a cycle whose opening was removed still has its publications checked).
    candidates = {
        round_id(period, str(state["scheme_id"]))
        for r in cycle_rows
        if r.topic == CYCLE_OPENED
        and isinstance(state := _state(r, cipher), dict)
        and state.get("scheme_id")
    }
    for r in _pages(app.recorder, (ROUND_OPENED,)):
        state = _state(r, cipher) or {}
        if state.get("period") == period:
            candidates.add(r.originator_id)
    round_rows = {rid: app.recorder.select_events(rid) for rid in sorted(candidates)}
    published = _anchors(
        (r for found in round_rows.values() for r in found if r.topic == FINALIZED), cipher, unit
    )
    rounds = {r for r, anchors in published.items() if any(g in anchors for g in generations)}
    # A round whose publication of this cycle was edited into something no round writes
    # still published it: its own chain is checked with the cycle's.
    rounds |= {
        rid
        for rid, found in round_rows.items()
        for r in found
        if r.topic == FINALIZED and _mentions_unreadably(_state(r, cipher), unit, period)
    }
    rows = [*cycle_rows, *(r for rid in sorted(rounds) for r in round_rows[rid])]
    flags: dict[UUID, list[Tamper]] = {}  # rows whose login stamp disagrees (PostgreSQL)
    stamped = stamps.read(app.recorder, kind, (*generations, *rounds))
    uses: dict[str, list[tuple[UUID, int, str]]] = {}
    stored, labels = _read(rows, cipher, stamped, flags, uses=uses)
    if not any(g in stored for g in generations) and not rounds:
        raise NotFound(f"未知周期 '{address}'：库中没有它的事件，也没有发布过它的摘要")
    stored.setdefault(wanted, [])  # all of it removed: its published heads say so
    anchors = _published_heads(published, labels, stored)
    purged = _check_attachments(app, uses, labels, flags)
    for oid, found in _forged(app, generations).items():
        flags.setdefault(oid, []).extend(found)
    checks = CheckList()
    for oid, found in stored.items():
        checks.add(_check(oid, found, labels, anchors, flags))
    return Report(checks, sum(len(a) for a in anchors.values()), None, len(uses), purged)


def _verify_all(app: Any, anchors_file: str | None) -> Report:
    """Every aggregate, streamed in key order: one aggregate's rows in memory at a
    time; the heads the rounds published and one result per aggregate wait in
    temporary tables (``verify_checks``), so memory does not grow with the history."""
    from pdca.storage import key_order

    cipher = app.mapper.cipher
    kind = app.workspace.database.kind
    # A finalisation lists every cycle of its round (a few per page); the heads go to a
    # temporary table, taken back by each aggregate as the walk reaches it.
    heads = PublishedHeads()
    labels: dict[UUID, str] = {}  # the rounds' (their first event), where heads were published
    ranks: dict[UUID, int] = {}  # the rounds, in the order first seen
    for rid, version, oid, head, digest, cycle in _published(
        _pages(app.recorder, (FINALIZED,), FINALIZED_PAGE), cipher
    ):
        if rid not in ranks:
            ranks[rid] = len(ranks)
            for r in app.recorder.select_events(rid, lte=1):
                if (state := _state(r, cipher)) is not None:
                    labels[rid] = _label(rid, r.topic, state)
        source = f"{labels.get(rid, f'轮次 {rid}')} 第 {version} 号事件（定稿）"
        heads.add(oid, ranks[rid], Anchor(head, digest, source), f"周期 {cycle}")
    published_heads = len(heads)
    outside = None
    inserted: dict[UUID, Tamper] = {}
    if anchors_file is not None:
        first_seen = key_order.first_positions(app.recorder, kind)
        present = dict.fromkeys(first_seen, ())
        kept: dict[UUID, list[Anchor]] = {}
        outside, inserted = _outside(anchors_file, first_seen, present, kept)
        for oid, found_heads in kept.items():  # after every round's
            for anchor in found_heads:
                heads.add(oid, len(ranks), anchor)
    checks = CheckList()
    # Attachments named, with the log position naming each (the first names a purge);
    # one entry per naming event, and the labels of the aggregates that name one.
    uses: dict[str, list[tuple[int, UUID, int, str]]] = {}
    naming: dict[UUID, str] = {}
    for found in key_order.aggregates(app.recorder, kind):
        oid = found[0].originator_id
        flags: dict[UUID, list[Tamper]] = {}
        stamped = {(r.originator_id, r.originator_version): r.stamp for r in found if r.stamp}
        own_uses: dict[str, list[tuple[UUID, int, str]]] = {}
        stored, own = _read(found, cipher, stamped, flags, uses=own_uses)
        taken, published_as = heads.take(oid)
        # Its first event names it, else its first publication.
        named = ChainMap(own, {oid: published_as} if published_as else {}, labels)
        if own_uses:
            position = {r.originator_version: r.id for r in found}
            for digest, entries in own_uses.items():
                uses.setdefault(digest, []).extend((position[v], o, v, n) for o, v, n in entries)
            naming[oid] = named.get(oid, f"聚合 {oid}")
        checks.add(_check(oid, stored[oid], named, {oid: taken}, flags, inserted.get(oid)))
    # Published or anchored, but not one row left: deleted outright.
    for oid in list(heads.left()):
        taken, published_as = heads.take(oid)
        named = ChainMap({oid: published_as} if published_as else {}, labels)
        checks.add(_check(oid, [], named, {oid: taken}, {}, inserted.get(oid)))
    in_log_order = {d: [e[1:] for e in sorted(found)] for d, found in uses.items()}
    attachment_flags: dict[UUID, list[Tamper]] = {}
    purged = _check_attachments(app, in_log_order, naming, attachment_flags)
    for oid, found in _forged(app, None).items():  # snapshots that disagree with events
        attachment_flags.setdefault(oid, []).extend(found)
    for oid, extra in attachment_flags.items():
        checks.amend(oid, lambda c, extra=extra: _flagged(c, extra, c.id in inserted))  # type: ignore[misc]
    return Report(checks, published_heads, outside, len(uses), purged)


def _forged(app: Any, ids: list[UUID] | None) -> dict[UUID, list[Tamper]]:
    from pdca.application.snapshot_checks import forged

    return forged(app, ids)


def _flagged(check: AggregateCheck, extra: list[Tamper], anchored_insert: bool) -> AggregateCheck:
    """``check`` with attachment findings among its own, in position order (an insert
    named by the anchors file stays last)."""
    if not extra:
        return check
    own = list(check.problems)
    tail = [own.pop()] if anchored_insert else []
    problems = sorted(own + extra, key=lambda t: (t.position, t.kind))
    return AggregateCheck(check.id, check.label, check.events, check.head_digest, problems + tail)


def _check_attachments(
    app: Any,
    uses: dict[str, list[tuple[UUID, int, str]]],
    labels: Mapping[UUID, str],
    flags: dict[UUID, list[Tamper]],
) -> list[PurgedFile]:
    """Hash every attachment's stored bytes; a changed or missing one is flagged at
    each event naming it (``flags``); the purged ones are returned."""
    from pdca.application.attaching import store
    from pdca.domain.evidence import purge_id
    from pdca.storage import attachments

    if not uses:
        return []
    files = store(app)
    purged = []
    for digest, named in sorted(uses.items()):
        if app.recorder.select_events(purge_id(digest), limit=1):
            oid, version, name = named[0]
            purged.append(PurgedFile(digest, name, labels.get(oid, f"聚合 {oid}"), version))
            continue
        status = files.status(digest)
        if status == attachments.PRESENT:
            continue
        for oid, version, name in named:
            what = "内容与摘要不符" if status == attachments.CHANGED else "的内容不在库中"
            flags.setdefault(oid, []).append(
                Tamper(version, f"attachment_{status}", f"附件 {name}（摘要 {digest}）{what}")
            )
    return purged


def _published_heads(
    published: dict[UUID, dict[UUID, list[tuple[int, int, str, str]]]],
    labels: dict[UUID, str],
    stored: dict[UUID, list[Row]] | None,
) -> dict[UUID, list[Anchor]]:
    """Each cycle's heads as the rounds published them; with ``stored``, only for the
    aggregates in it (each cycle published is added to it, and labelled)."""
    anchors: dict[UUID, list[Anchor]] = {}
    for round_id, by_cycle in published.items():
        source = labels.get(round_id, f"轮次 {round_id}")
        # One text per finalisation, shared by the heads it published (not one per cycle).
        where: dict[int, str] = {}
        for oid, found in by_cycle.items():
            if stored is not None and oid not in stored:
                continue  # another cycle of the round: not asked about
            for version, head, digest, cycle in found:
                anchors.setdefault(oid, []).append(
                    Anchor(
                        head,
                        digest,
                        where.setdefault(version, f"{source} 第 {version} 号事件（定稿）"),
                    )
                )
                labels.setdefault(oid, f"周期 {cycle}")
                if stored is not None:
                    stored.setdefault(oid, [])
    return anchors


def _check(
    oid: UUID,
    found: list[Row],
    labels: Mapping[UUID, str],
    anchors: dict[UUID, list[Anchor]],
    flags: dict[UUID, list[Tamper]],
    inserted: Tamper | None = None,
) -> AggregateCheck:
    """One aggregate's result: its chain against its published heads, stamp flags."""
    return AggregateCheck(
        oid,
        labels.get(oid, f"聚合 {oid}"),
        len(found),
        max(found, key=lambda r: r.version).digest if found else None,
        [
            *sorted(
                inspect(found, anchors.get(oid, ())) + flags.get(oid, []),
                key=lambda t: (t.position, t.kind),
            ),
            *([inserted] if inserted is not None else []),
        ],
    )


def _outside(
    file: str,
    first_seen: dict[UUID, int],
    stored: dict[UUID, list[Row]],
    anchors: dict[UUID, list[Anchor]],
) -> tuple[OutsideCheck, dict[UUID, Tamper]]:
    """Fold an anchors file into the published heads (``anchors``, ``stored``: changed in
    place) and return the aggregates it says were inserted."""
    from pathlib import Path

    from pdca.storage import anchor_check
    from pdca.storage import anchors as anchor_file

    kept = anchor_file.read(Path(file))
    found = anchor_check.compare(kept.anchors, {str(k): v for k, v in first_seen.items()})
    for key, heads in found.heads.items():
        oid = UUID(key)
        anchors.setdefault(oid, []).extend(heads)
        stored.setdefault(oid, [])  # deleted outright: its anchored heads say so
    outside = OutsideCheck(
        file,
        len(kept.anchors),
        sorted(found.declared),
        [a.seq for a in found.damaged],
    )
    return outside, {UUID(k): t for k, t in found.inserted.items()}


def _pages(recorder: Any, topics: tuple[str, ...], size: int = PAGE) -> Iterator[Any]:
    start = 1
    while True:
        page = recorder.select_notifications(start=start, limit=size, topics=topics)
        yield from page
        if len(page) < size:
            return
        start = page[-1].id + 1


def _read(
    stored: Iterable[Any],
    cipher: Any,
    stamped: dict[stamps.Key, stamps.Stamp],
    flags: dict[UUID, list[Tamper]],
    first_seen: dict[UUID, int] | None = None,
    uses: dict[str, list[tuple[UUID, int, str]]] | None = None,
) -> tuple[dict[UUID, list[Row]], dict[UUID, str]]:
    """Each aggregate's rows, reduced as they stream by to what the chain check needs,
    and its label from its first event (and, into ``first_seen``, the log position of
    each aggregate's first stored event); a row whose login stamp disagrees with the
    principal it records is added to ``flags``."""
    rows: dict[UUID, list[Row]] = {}
    labels: dict[UUID, str] = {}
    for r in stored:
        if first_seen is not None and r.originator_id not in first_seen:
            first_seen[r.originator_id] = r.id  # pages come in log order
        state = _state(r, cipher)
        stamp = stamped.get((r.originator_id, r.originator_version))
        if stamp is not None:
            principal = stamps.recorded_principal(state) if state is not None else None
            wrong = stamps.disagreement(stamp, principal)
            if wrong:
                kind = "unstamped" if stamp.login is None else "principal"
                flags.setdefault(r.originator_id, []).append(
                    Tamper(r.originator_version, kind, wrong)
                )
        link = state.get(PREV) if state is not None else None
        rows.setdefault(r.originator_id, []).append(
            Row(r.originator_version, digest_of(r), link if isinstance(link, str) else None)
        )
        if r.originator_version == 1 and state is not None:
            labels[r.originator_id] = _label(r.originator_id, r.topic, state)
        if uses is not None and state is not None:
            for ref in refs_of(state):
                uses.setdefault(ref["digest"], []).append(
                    (r.originator_id, r.originator_version, str(ref.get("name", "")))
                )
    return rows, labels


def _state(stored: Any, cipher: Any) -> dict[str, Any] | None:
    try:
        state = orjson.loads(plain_state(stored.state, cipher))
    except ValueError:  # damaged ciphertext or JSON
        return None
    return state if isinstance(state, dict) else None


def _anchors(
    finalized: Iterable[Any], cipher: Any, unit: str | None = None
) -> dict[UUID, dict[UUID, list[tuple[int, int, str, str]]]]:
    """From ``Round.Finalized`` rows: round id → cycle id → (finalisation position, head,
    digest, cycle address); with ``unit``, only that unit's cycles."""
    found: dict[UUID, dict[UUID, list[tuple[int, int, str, str]]]] = {}
    for rid, version, oid, head, digest, cycle in _published(finalized, cipher, unit):
        found.setdefault(rid, {}).setdefault(oid, []).append((version, head, digest, cycle))
    return found


def _published(
    finalized: Iterable[Any], cipher: Any, unit: str | None = None
) -> Iterator[tuple[UUID, int, UUID, int, str, str]]:
    """Each head a ``Round.Finalized`` row published, in log order: (round id, its
    position, cycle id, head, digest, cycle address); with ``unit``, only its cycles."""
    for stored in finalized:
        state = _state(stored, cipher) or {}
        outcomes = state.get("outcomes") if isinstance(state, dict) else None
        for outcome in outcomes if isinstance(outcomes, list) else ():
            found = _head_of(outcome)
            if found is None:
                continue
            head, digest, cycle, named_id = found
            unit_of, _, period = cycle.rpartition("/")
            if unit is not None and clean_name(unit_of) != unit:
                continue  # another unit's cycle: its id need not be worked out
            # A cycle opened again after a void names its id (its address names generation 0).
            oid = named_id or cycle_id(unit_of, period)
            yield stored.originator_id, stored.originator_version, oid, head, digest, cycle


def _mentions_unreadably(state: Any, unit: str, period: str) -> bool:
    """Whether a finalisation names ``unit``'s cycle of ``period`` in an outcome whose head
    cannot be read (``_head_of`` refuses it)."""
    outcomes = state.get("outcomes") if isinstance(state, dict) else None
    for outcome in outcomes if isinstance(outcomes, list) else ():
        cycle = outcome.get("cycle") if isinstance(outcome, dict) else None
        if not isinstance(cycle, str) or not outcome.get("digest") or _head_of(outcome):
            continue
        unit_of, _, period_of = cycle.rpartition("/")
        if period_of == period and clean_name(unit_of) == unit:
            return True
    return False


def _head_of(outcome: Any) -> tuple[int, str, str, UUID | None] | None:
    """(head, digest, cycle address, the cycle id it names) of one published outcome; None
    for one published before heads were chained, and for one no round writes (a
    hand-edited row: nothing to compare with; an edit of an older event shows in its
    round's own chain)."""
    if not isinstance(outcome, dict) or not outcome.get("digest"):
        return None
    head, digest, cycle = outcome.get("head"), outcome["digest"], outcome.get("cycle")
    if type(head) is not int or not isinstance(digest, str) or not isinstance(cycle, str):
        return None
    named = outcome.get("cycle_id")
    if named is None:
        return head, digest, cycle, None
    try:
        return head, digest, cycle, UUID(named)
    except (TypeError, ValueError, AttributeError):
        return None


def _label(oid: UUID, topic: str, state: dict[str, Any]) -> str:
    kind = topic.rpartition(":")[2]
    if kind == "Unit.Registered":
        return f"单位 {state.get('name')}"
    if kind == "Cycle.Opened":
        return f"周期 {state.get('unit')}/{state.get('period')}"
    if kind == "Round.Opened":
        return f"轮次 {state.get('period')}（{state.get('scheme_id')}）"
    if kind == "Anchor.Taken":
        return f"锚点 {state.get('seq')}"
    if kind == "Purge.Recorded":
        return f"附件清除 {str(state.get('digest', ''))[:12]}（{state.get('name')}）"
    if kind == "Rectification.Ordered":
        return f"整改 {oid.hex[:8]}（{state.get('cycle')}）"
    return f"聚合 {oid}"
