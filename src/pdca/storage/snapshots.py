"""The snapshot table: a cycle's folded facts as of one of its events, so a long cycle
loads as one decode instead of a replay.

A row names the event it folds to (aggregate id, version), the digest of that event as
stored (``pdca.storage.chain``) and the fold's version (``snapshot_codec.FOLD_VERSION``).
Whoever reads one checks both: a snapshot whose digest is not the stored event's, or of
another fold, is ignored (and a newer one stored). The table is append-only like the
events (PostgreSQL: the same trigger, ``pdca.storage.append_only``; writers may insert);
nothing depends on it: a database without it (initialised before snapshots) loads every
cycle from its events, and ``pdca snapshots drop`` empties it.

Reads and writes go through the event recorder's own connection, as ``pdca.storage.meta``
does. With a cipher key the head and body are encrypted like the events.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

TABLE = "pdca_snapshots"


@dataclass(frozen=True)
class Snapshot:
    originator_id: UUID
    version: int
    fold_version: str
    head_digest: str
    head: bytes  # decrypted
    body: bytes | None  # decrypted; None when only the head was asked for


class Snapshots:
    def __init__(self, recorder: Any, kind: str, cipher: Any = None) -> None:
        self.recorder = recorder
        self.kind = kind
        self.cipher = cipher
        self.mark = "?" if kind == "sqlite" else "%s"
        self._present: bool | None = None

    def table(self) -> str:
        if self.kind == "sqlite":
            return TABLE
        schema = self.recorder.datastore.schema.replace('"', '""')
        return f'"{schema}".{TABLE}'

    def create_statement(self) -> str:
        blob = "BLOB" if self.kind == "sqlite" else "BYTEA"
        return (
            f"CREATE TABLE IF NOT EXISTS {self.table()} (originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, fold_version TEXT NOT NULL, "
            f"head_digest TEXT NOT NULL, head {blob} NOT NULL, body {blob} NOT NULL, "
            "PRIMARY KEY (originator_id, originator_version))"
        )

    def create_table(self) -> None:
        """``pdca init`` (the owner): make the table when it is missing."""
        with self.recorder.datastore.transaction(commit=True) as c:
            c.execute(self.create_statement())
        self._present = True

    def present(self) -> bool:
        """Whether the table is there (``pdca init`` of a version with snapshots ran)."""
        if self._present is None:
            with self.recorder.datastore.transaction(commit=False) as c:
                if self.kind == "sqlite":
                    c.execute("SELECT count(*) AS n FROM sqlite_master WHERE name = ?", (TABLE,))
                    self._present = bool(c.fetchone()["n"])
                else:
                    c.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (self.table(),))
                    self._present = bool(c.fetchone()["present"])
        return self._present

    def latest(self, originator_id: UUID, with_body: bool = True) -> Snapshot | None:
        """The newest snapshot of an aggregate (its body only when asked for)."""
        if not self.present():
            return None
        body = "body" if with_body else "NULL AS body"
        rows = self._query(
            f"SELECT originator_version, fold_version, head_digest, head, {body} "
            f"FROM {self.table()} WHERE originator_id = {self.mark} "
            "ORDER BY originator_version DESC LIMIT 1",
            (originator_id.hex,),
        )
        return self._snapshot(originator_id, rows[0]) if rows else None

    def add(
        self,
        originator_id: UUID,
        version: int,
        fold_version: str,
        head_digest: str,
        head: bytes,
        body: bytes,
    ) -> None:
        """Store a snapshot; one already stored at that version is kept (it is checked
        by digest whenever it is read, so either is as good)."""
        m = self.mark
        self._query(
            f"INSERT INTO {self.table()} (originator_id, originator_version, fold_version, "
            f"head_digest, head, body) VALUES ({m}, {m}, {m}, {m}, {m}, {m}) "
            "ON CONFLICT DO NOTHING",
            (
                originator_id.hex,
                version,
                fold_version,
                head_digest,
                self._seal(head),
                self._seal(body),
            ),
            commit=True,
        )

    def every(self) -> Iterator[Snapshot]:
        """Every stored snapshot, in key order (``verify``)."""
        if not self.present():
            return
        rows = self._query(
            "SELECT originator_id, originator_version, fold_version, head_digest, head, body "
            f"FROM {self.table()} ORDER BY originator_id, originator_version"
        )
        for row in rows:
            yield self._snapshot(UUID(row["originator_id"]), row)

    def count(self) -> int:
        if not self.present():
            return 0
        return int(self._query(f"SELECT count(*) AS n FROM {self.table()}")[0]["n"])

    def drop(self) -> int:
        """Remove every snapshot; returns how many there were. On PostgreSQL the table is
        append-only: its trigger is lifted for the delete (the table owner's right)."""
        found = self.count()
        if not self.present():
            return 0
        with self.recorder.datastore.transaction(commit=True) as c:
            if self.kind == "sqlite":
                c.execute(f"DELETE FROM {self.table()}")
            else:
                # Lifted for this one statement, in this transaction: ALTER TABLE takes the
                # table's exclusive lock, so no other statement sees it lifted.
                from pdca.storage.append_only import APPEND_ONLY_TRIGGER

                c.execute(f"ALTER TABLE {self.table()} DISABLE TRIGGER {APPEND_ONLY_TRIGGER}")
                c.execute(f"DELETE FROM {self.table()}")
                c.execute(f"ALTER TABLE {self.table()} ENABLE TRIGGER {APPEND_ONLY_TRIGGER}")
        return found

    def _query(self, sql: str, params: tuple[Any, ...] = (), commit: bool = False) -> list[Any]:
        """One statement in its own transaction on the recorder's connection; the rows of a
        read (a write, committed, returns none)."""
        with self.recorder.datastore.transaction(commit=commit) as c:
            c.execute(sql, params)
            return [] if commit else list(c.fetchall())

    def _snapshot(self, originator_id: UUID, row: Any) -> Snapshot:
        body = row["body"]
        return Snapshot(
            originator_id,
            int(row["originator_version"]),
            row["fold_version"],
            row["head_digest"],
            self._open(row["head"]),
            None if body is None else self._open(body),
        )

    def _seal(self, data: bytes) -> bytes:
        return data if self.cipher is None else self.cipher.encrypt(data)

    def _open(self, data: Any) -> bytes:
        data = bytes(data)
        return data if self.cipher is None else self.cipher.decrypt(data)
