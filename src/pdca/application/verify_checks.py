"""The results of a verify, one per aggregate, kept outside memory and read back in
label order: a history of millions of aggregates is checked in the memory of a few.

They go to a private temporary SQLite database (an empty file name: SQLite keeps it in
its page cache while it is small, spills it to a file it has already unlinked when it
grows, and nothing is left behind however the process ends). The few results that name
a problem are also kept in memory: the report lists them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from uuid import UUID

from pdca.storage.tamper import Anchor, Tamper

_BATCH = 1000


@dataclass(frozen=True)
class AggregateCheck:
    """One aggregate's result: its events, its head's digest, what was found wrong."""

    id: UUID
    label: str
    events: int
    head_digest: str | None
    problems: list[Tamper]


def _key(label: str) -> bytes:
    """A label as SQLite sorts it like Python sorts the ``str``: UTF-8 bytes compare in
    code point order (a lone surrogate from a tampered row is kept, not refused)."""
    return label.encode("utf-8", "surrogatepass")


def _temporary(table: str) -> sqlite3.Connection:
    """A private temporary database holding ``table``: nothing to journal or to sync,
    it dies with the connection."""
    db = sqlite3.connect("", check_same_thread=False)
    db.executescript(f"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; {table}")
    return db


class CheckList:
    """``AggregateCheck``s in the order they were added, read back sorted by label (ties
    in the order added, as ``list.sort`` leaves them)."""

    def __init__(self) -> None:
        self._db = _temporary(
            "CREATE TABLE checks (label BLOB NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,"
            " events INTEGER NOT NULL, head TEXT, PRIMARY KEY (label, seq)) WITHOUT ROWID"
        )
        self._pending: list[tuple[bytes, int, str, int, str | None]] = []
        self._troubled: dict[int, AggregateCheck] = {}  # by order added
        self._count = 0
        self._indexed = False
        self.events = 0

    def add(self, check: AggregateCheck) -> None:
        seq = self._count
        self._count += 1
        self.events += check.events
        if check.problems:
            self._troubled[seq] = check
        self._pending.append(
            (_key(check.label), seq, str(check.id), check.events, check.head_digest)
        )
        if len(self._pending) >= _BATCH:
            self._flush()

    def amend(self, oid: UUID, change: Callable[[AggregateCheck], AggregateCheck]) -> None:
        """Replace the result of aggregate ``oid`` (if it was added) by ``change`` of it."""
        self._flush()
        if not self._indexed:  # only a history with findings after the walk asks
            self._db.execute("CREATE INDEX checks_id ON checks (id)")
            self._indexed = True
        for label, seq, events, head in self._db.execute(
            "SELECT label, seq, events, head FROM checks WHERE id = ?", (str(oid),)
        ).fetchall():
            old = self._troubled.get(seq) or AggregateCheck(
                oid, bytes(label).decode("utf-8", "surrogatepass"), events, head, []
            )
            new = change(old)
            if new.problems:
                self._troubled[seq] = new

    def troubled(self) -> list[AggregateCheck]:
        """The results that name a problem, in label order."""
        order = sorted(self._troubled, key=lambda s: (_key(self._troubled[s].label), s))
        return [self._troubled[s] for s in order]

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[AggregateCheck]:
        self._flush()
        rows = self._db.execute(
            "SELECT label, seq, id, events, head FROM checks ORDER BY label, seq"
        )
        for label, seq, oid, events, head in rows:
            found = self._troubled.get(seq)
            yield found or AggregateCheck(
                UUID(oid), bytes(label).decode("utf-8", "surrogatepass"), events, head, []
            )

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT INTO checks VALUES (?, ?, ?, ?, ?)", self._pending)
            self._pending.clear()


class PublishedHeads:
    """The head digests the rounds published (and an anchors file added), kept outside
    memory and taken aggregate by aggregate as the walk in key order reaches each: what
    is left at the end was published but has no row left."""

    def __init__(self) -> None:
        self._db = _temporary(
            "CREATE TABLE heads (id TEXT NOT NULL, rank INTEGER NOT NULL, seq INTEGER NOT NULL,"
            " head INTEGER NOT NULL, digest TEXT NOT NULL, source TEXT NOT NULL, label TEXT,"
            " PRIMARY KEY (id, rank, seq)) WITHOUT ROWID"
        )
        self._pending: list[tuple[str, int, int, int, str, str, str | None]] = []
        self._count = 0

    def add(self, oid: UUID, rank: int, anchor: Anchor, label: str | None = None) -> None:
        """A head of aggregate ``oid``; ``rank`` orders whole sources (a round by when it
        was first seen, an anchors file after every round), the order added within one.
        ``label`` names the aggregate when nothing else does (its first publication's)."""
        self._pending.append(
            (str(oid), rank, self._count, anchor.head, anchor.digest, anchor.source, label)
        )
        self._count += 1
        if len(self._pending) >= _BATCH:
            self._flush()

    def __len__(self) -> int:
        return self._count

    def take(self, oid: UUID) -> tuple[list[Anchor], str | None]:
        """The heads of ``oid`` in order, and the label of its first; taken out."""
        self._flush()
        rows = self._db.execute(
            "SELECT head, digest, source, label FROM heads WHERE id = ? ORDER BY rank, seq",
            (str(oid),),
        ).fetchall()
        if not rows:
            return [], None
        self._db.execute("DELETE FROM heads WHERE id = ?", (str(oid),))
        return [Anchor(h, d, s) for h, d, s, _ in rows], rows[0][3]

    def left(self) -> Iterator[UUID]:
        """The aggregates whose heads were not taken, in the order first published."""
        self._flush()
        for (oid,) in self._db.execute("SELECT id FROM heads GROUP BY id ORDER BY min(seq)"):
            yield UUID(oid)

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT INTO heads VALUES (?, ?, ?, ?, ?, ?, ?)", self._pending)
            self._pending.clear()
