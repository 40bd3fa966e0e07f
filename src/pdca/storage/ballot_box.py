"""The ballot box (票箱): ballots cast one by one wait here, unordered, until the box is
closed and they are recorded as events in a shuffled batch.

Why a table outside the event log: every stored event has a notification id and an
instant, and a ballot recorded the moment it is cast beside its spent token would give
away whose slip it was (slips are handed out in order, voters vote in order). Here a
ballot is a row with a random key and no time, no token and no actor; each cast
rewrites the whole group's box in a fresh random order in one transaction, so neither
row order (SQLite's key order, PostgreSQL's ``ctid``) nor the inserting transaction
(PostgreSQL's ``xmin``) tells the ballots apart. With a cipher key the ballots are
encrypted like the events.

``generation`` is the number of times the group's box had been closed when the ballot
was cast, so rows left behind by a close that stopped before clearing the box are
never counted twice. Reads and writes go through the event recorder's own connection,
as ``pdca.storage.meta`` does.
"""

from __future__ import annotations

import contextlib
import json
import secrets
from base64 import b64decode, b64encode
from decimal import Decimal
from pathlib import Path
from typing import Any

TABLE = "pdca_ballot_box"
_MARK = "enc:"


class BallotBox:
    def __init__(
        self, recorder: Any, kind: str, cipher: Any = None, sqlite_path: Path | None = None
    ) -> None:
        self.recorder = recorder
        self.kind = kind
        self.cipher = cipher
        self.sqlite_path = sqlite_path
        self.mark = "?" if kind == "sqlite" else "%s"

    def _table(self) -> str:
        if self.kind == "sqlite":
            return TABLE
        schema = self.recorder.datastore.schema.replace('"', '""')
        return f'"{schema}".{TABLE}'

    def create_table(self) -> None:
        """``pdca init`` creates the box; a database made before it gets it on first use."""
        self._ensure()

    def _ensure(self) -> None:
        # In its own transaction: the box's own transaction must begin with a write, so
        # SQLite takes the write lock before it reads (no lost ballot between two casts).
        suffix = " WITHOUT ROWID" if self.kind == "sqlite" else ""
        with self.recorder.datastore.transaction(commit=True) as c:
            if self.kind != "sqlite":
                # PostgreSQL checks the schema's CREATE privilege even when the table
                # exists: a writer login (pdca.storage.group_roles) has none.
                c.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (self._table(),))
                if c.fetchone()["present"]:
                    return
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self._table()} (cycle_id TEXT NOT NULL, "
                "grp TEXT NOT NULL, generation INTEGER NOT NULL, slot TEXT NOT NULL, "
                f"ballot TEXT NOT NULL, PRIMARY KEY (cycle_id, grp, generation, slot)){suffix}"
            )

    def _secure_delete(self, c: Any) -> None:
        # SQLite: a deleted ballot's bytes are overwritten, not left in free space (and a
        # box rewritten in a new order leaves no trace of the old one in the file). A
        # connection setting that reads nothing, so the write lock is still taken first.
        if self.kind == "sqlite":
            c.execute("PRAGMA secure_delete = ON")

    def _seal(self, scores: dict[str, Decimal]) -> str:
        text = json.dumps({k: str(v) for k, v in scores.items()}, sort_keys=True)
        if self.cipher is None:
            return text
        return _MARK + b64encode(self.cipher.encrypt(text.encode("utf-8"))).decode("ascii")

    def _open(self, stored: str) -> dict[str, Decimal]:
        if stored.startswith(_MARK):
            stored = self.cipher.decrypt(b64decode(stored[len(_MARK) :])).decode("utf-8")
        return {k: Decimal(v) for k, v in json.loads(stored).items()}

    def put(self, cycle_id: str, group: str, generation: int, scores: dict[str, Decimal]) -> None:
        """Add one ballot, rewriting the group's box in a fresh random order."""
        self._ensure()
        m, where = self.mark, "cycle_id = {0} AND grp = {0} AND generation = {0}"
        with self.recorder.datastore.transaction(commit=True) as c:
            self._secure_delete(c)
            c.execute(
                f"DELETE FROM {self._table()} WHERE {where.format(m)} RETURNING ballot",
                (cycle_id, group, generation),
            )
            ballots = [row["ballot"] for row in c.fetchall()]
            ballots.append(self._seal(scores))
            secrets.SystemRandom().shuffle(ballots)
            for ballot in ballots:
                c.execute(
                    f"INSERT INTO {self._table()} (cycle_id, grp, generation, slot, ballot) "
                    f"VALUES ({m}, {m}, {m}, {m}, {m})",
                    (cycle_id, group, generation, secrets.token_hex(16), ballot),
                )

    def ballots(self, cycle_id: str, group: str, generation: int) -> list[dict[str, Decimal]]:
        """The group's box as it stands, in a fresh random order."""
        self._ensure()
        m = self.mark
        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT ballot FROM {self._table()} "
                f"WHERE cycle_id = {m} AND grp = {m} AND generation = {m}",
                (cycle_id, group, generation),
            )
            found = [self._open(row["ballot"]) for row in c.fetchall()]
        secrets.SystemRandom().shuffle(found)
        return found

    def clear(self, cycle_id: str, group: str, closed: int) -> None:
        """Forget the boxes of ``group`` closed so far (generations below ``closed``)."""
        self._ensure()
        m = self.mark
        with self.recorder.datastore.transaction(commit=True) as c:
            self._secure_delete(c)
            c.execute(
                f"DELETE FROM {self._table()} WHERE cycle_id = {m} AND grp = {m} "
                f"AND generation < {m}",
                (cycle_id, group, closed),
            )
        self._forget_the_log()

    def _forget_the_log(self) -> None:
        """SQLite: copy the write-ahead log into the file and truncate it to nothing. Until
        then it holds every version of the box's pages, one per cast, in cast order — the
        order of the slips. Best effort: a reader holding an old snapshot makes it wait
        for the next checkpoint (the README says so)."""
        if self.kind != "sqlite" or self.sqlite_path is None:
            return
        import sqlite3

        try:
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=5)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
