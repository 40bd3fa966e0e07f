"""``cycle status`` on SQLite read straight from the file, without the event-store library.

Building the application costs the ``eventsourcing`` import, its infrastructure and the
aggregates' classes — more than a supervisor's most frequent question needs: one unit's
and one cycle's stored events, folded from their JSON by the same fold every reader uses
(``pdca.projections.folds``), and the pinned scheme's stage machine.

It answers only the ordinary case and returns ``None`` for anything else — another kind
of database, a cipher or a compressor, a marker to refuse or to raise, a unit or cycle
it does not find, a voided cycle, a row it cannot fold, any trouble opening or reading
the file — and the caller then asks the application, which answers (or refuses) exactly
as it always did. It never writes.

A long cycle's newest snapshot is read as the application reads it
(``pdca.application.cycle_loading``): only its head, only when its fold version is this
fold's and the digest it names is the stored event's, and then only the events after
it are folded, into a head (``pdca.domain.cycle_head``). A snapshot it cannot use, or
events after it that change the body and the head together, go to the application.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote
from uuid import UUID

if TYPE_CHECKING:
    from pdca.application.cycle_status import CycleStatus
    from pdca.application.workspace import Workspace
    from pdca.domain.facts import CycleFacts

#: Settings of the event-store library (read with or without the ``PDCA_`` prefix) that
#: change how stored events read: with any of them set, the application reads them.
LIBRARY_SETTINGS = ("CIPHER_KEY", "CIPHER_TOPIC", "COMPRESSOR_TOPIC", "MAPPER_TOPIC")
_CYCLE = "pdca.domain.cycle:Cycle."


class _NotOrdinary(Exception):
    """Something this read leaves to the application."""


def status(workspace: Workspace, address: str) -> tuple[CycleStatus, list[str]] | None:
    """The status of the cycle at ``address`` and the notices to tell beside it (a unit
    addressed by an earlier name), or ``None``: ask the application."""
    database = workspace.database
    path = database.sqlite_path
    if database.kind != "sqlite" or path is None or not path.is_file() or _library_settings():
        return None
    try:
        with closing(_connect(path)) as db:
            return _status(db, address)
    except Exception:  # anything unusual is the application's to answer, or to refuse
        return None


def _library_settings() -> bool:
    return any(os.environ.get(k) or os.environ.get(f"PDCA_{k}") for k in LIBRARY_SETTINGS)


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)


def _status(db: sqlite3.Connection, address: str) -> tuple[CycleStatus, list[str]]:
    from pdca.application import unit_names
    from pdca.application.cycle_status import status_of
    from pdca.domain.ids import clean_name, cycle_id, split_address
    from pdca.rules.schemes import pinned

    _check_marker(db)
    unit, period = split_address(address)
    name = clean_name(unit)
    found = unit_names.read(lambda unit: _rows(db, unit, empty=True), name)
    if found is None:
        raise _NotOrdinary("no unit of that name")
    registered, current = found
    notices = [] if current == name else [unit_names.renamed(name, current)]
    cycle = cycle_id(registered, period)
    facts, version = _from_snapshot(db, cycle) or _from_events(db, cycle)
    if facts.opened is None or facts.voided is not None:
        raise _NotOrdinary("not an ordinary cycle")
    return status_of(facts, version, pinned(facts.scheme_text)), notices


def _from_events(db: sqlite3.Connection, cycle: UUID) -> tuple[CycleFacts, int]:
    from pdca.domain.facts import CycleFacts

    rows = _rows(db, cycle)
    if rows[-1][0] != len(rows):
        raise _NotOrdinary("a gap in the versions")
    return _fold(CycleFacts(), cycle, rows), len(rows)


def _from_snapshot(db: sqlite3.Connection, cycle: UUID) -> tuple[CycleFacts, int] | None:
    """The head folded from the cycle's newest snapshot and the events after it; None
    when the cycle has no snapshot (or the file no snapshot table)."""
    from pdca.application import snapshot_policy
    from pdca.domain.cycle_head import BODY_ONLY, HEAD_ONLY, HeadFacts
    from pdca.storage import snapshot_codec
    from pdca.storage.digests import digest
    from pdca.storage.snapshots import TABLE

    try:
        snap = db.execute(
            f"SELECT originator_version, fold_version, head_digest, head FROM {TABLE} "
            "WHERE originator_id = ? ORDER BY originator_version DESC LIMIT 1",
            (cycle.hex,),
        ).fetchone()
    except sqlite3.OperationalError:
        return None  # initialised before snapshots
    if snap is None:
        return None
    since, fold_version, head_digest, head = snap
    if fold_version != snapshot_codec.FOLD_VERSION:
        raise _NotOrdinary("a snapshot of another fold")
    rows = _rows(db, cycle, since=since)
    first, last = rows[0], rows[-1]
    if first[0] != since or last[0] != since + len(rows) - 1:
        raise _NotOrdinary("a gap in the versions")
    if digest(cycle, first[1], first[2]) != head_digest:
        raise _NotOrdinary("a snapshot that does not match its event")
    # The application's head-only load refolds in full past these (cycle_loading).
    kinds = {topic.rpartition(".")[2] for _, topic, _ in rows[1:]}
    if len(rows) > snapshot_policy.INTERVAL or not kinds <= BODY_ONLY | HEAD_ONLY:
        raise _NotOrdinary("events after the snapshot that change its head and body")
    facts = snapshot_codec.decode_head(head, HeadFacts())
    return _fold(facts, cycle, rows[1:]), last[0]


def _check_marker(db: sqlite3.Connection) -> None:
    from pdca.storage import meta

    values = dict(db.execute(f"SELECT key, value FROM {meta.TABLE}").fetchall())
    if not values or meta.check(values, None):
        raise _NotOrdinary("no marker, or an older one")


def _rows(
    db: sqlite3.Connection, originator: UUID, empty: bool = False, since: int = 1
) -> list[Any]:
    rows = db.execute(
        "SELECT originator_version, topic, state FROM stored_events "
        "WHERE originator_id = ? AND originator_version >= ? ORDER BY originator_version",
        (originator.hex, since),
    ).fetchall()
    if not rows and not empty:
        raise _NotOrdinary("nothing stored")
    return rows


def _fold(facts: CycleFacts, cycle: UUID, rows: list[Any]) -> CycleFacts:
    from pdca.projections.decoding import decode
    from pdca.projections.folds import apply

    for version, topic, state in rows:
        if not topic.startswith(_CYCLE):
            raise _NotOrdinary("not a cycle's event")
        apply(facts, decode(0, cycle, version, topic, state))
    return facts
