"""An index on the event table's topic, so a few kinds of event are found without
reading the whole log.

``verify`` reads a period's rounds (``Round.Opened``) and every finalisation's published
heads (``Round.Finalized``); without the index each of those is a scan of every stored
event. ``pdca init`` creates it on a new database and, run again by the owner, on an old
one; until then every read still works, only slower. The index is in log order within a
topic (SQLite keeps the rowid in every index; PostgreSQL gets ``notification_id``).
"""

from __future__ import annotations

from typing import Any

from pdca.storage.append_only import ident

NAME = "pdca_events_topic"


def create(recorder: Any, kind: str) -> None:
    """Create the index if it is missing (idempotent; the table owner's to run)."""
    table = recorder.events_table_name
    with recorder.datastore.transaction(commit=True) as c:
        if kind == "sqlite":
            c.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON {table} (topic)")
        else:
            schema = ident(recorder.datastore.schema)
            c.execute(
                f"CREATE INDEX IF NOT EXISTS {NAME} "
                f"ON {schema}.{ident(table)} (topic, notification_id)"
            )
