"""``cycle status`` on SQLite read straight from the file, without the event-store library.

Building the application costs the ``eventsourcing`` import, its infrastructure and the
aggregates' classes — more than a supervisor's most frequent question needs: one unit's
and one cycle's stored events, folded from their JSON by the same fold every reader uses
(``pdca.projections.folds``), and the pinned scheme's stage machine.

It answers only the ordinary case and returns ``None`` for anything else — another kind
of database, a cipher or a compressor, a marker to refuse or to raise, a unit or cycle
it does not find, a voided cycle, a cycle with a snapshot, a row it cannot fold, any
trouble opening or reading the file — and the caller then asks the application, which
answers (or refuses) exactly as it always did. It never writes.
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
    if _has_snapshot(db, cycle):
        raise _NotOrdinary("a snapshot: the application reads its head")
    rows = _rows(db, cycle)
    facts = _fold(cycle, rows)
    if facts.opened is None or facts.voided is not None or rows[-1][0] != len(rows):
        raise _NotOrdinary("not an ordinary cycle")
    return status_of(facts, len(rows), pinned(facts.scheme_text)), notices


def _check_marker(db: sqlite3.Connection) -> None:
    from pdca.storage import meta

    values = dict(db.execute(f"SELECT key, value FROM {meta.TABLE}").fetchall())
    if not values or meta.check(values, None):
        raise _NotOrdinary("no marker, or an older one")


def _rows(db: sqlite3.Connection, originator: UUID, empty: bool = False) -> list[Any]:
    rows = db.execute(
        "SELECT originator_version, topic, state FROM stored_events "
        "WHERE originator_id = ? ORDER BY originator_version",
        (originator.hex,),
    ).fetchall()
    if not rows and not empty:
        raise _NotOrdinary("nothing stored")
    return rows


def _has_snapshot(db: sqlite3.Connection, cycle: UUID) -> bool:
    from pdca.storage.snapshots import TABLE

    try:
        found = db.execute(
            f"SELECT 1 FROM {TABLE} WHERE originator_id = ? LIMIT 1", (cycle.hex,)
        ).fetchone()
    except sqlite3.OperationalError:
        return False  # initialised before snapshots
    return found is not None


def _fold(cycle: UUID, rows: list[Any]) -> CycleFacts:
    from pdca.domain.facts import CycleFacts
    from pdca.projections.decoding import decode
    from pdca.projections.folds import apply

    facts = CycleFacts()
    for version, topic, state in rows:
        if not topic.startswith(_CYCLE):
            raise _NotOrdinary("not a cycle's event")
        apply(facts, decode(0, cycle, version, topic, state))
    return facts
