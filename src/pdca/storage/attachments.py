"""Where attachments' bytes live: one interface, two stores.

An attachment is addressed by the SHA-256 of its own bytes (the digest the event
records). ``TableStore`` (PostgreSQL) keeps the bytes in ``pdca_attachments``;
``DirectoryStore`` (SQLite) keeps them as files beside the database file and only an
index row in that table. Either way the row is inserted by the event recorder in the
same transaction as the events that name it (``pdca.storage.recorders``): a refused or
failed save leaves no row, and on PostgreSQL no bytes. A file is written under a
temporary name before the save and renamed after the commit; a temporary file its
process left behind (it died in between) is finished or removed by the next write.

With a cipher key the bytes are stored encrypted with the events' cipher (AES-GCM);
the digest is always that of the plaintext, so it names the file people hold.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TABLE = "pdca_attachments"
#: The keyword arguments ``Application.save`` hands through to the recorder.
ROWS = "pdca_attachment_rows"
PURGES = "pdca_attachment_purges"
#: The folder of an SQLite database's attachment files, beside the database file.
FOLDER = "attachments"
_TMP = ".tmp-"

#: What ``status`` says of a digest's bytes.
PRESENT, CHANGED, MISSING = "present", "changed", "missing"


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Blob:
    """One attachment's plaintext bytes, about to be stored."""

    digest: str
    data: bytes


@dataclass
class Staged:
    """What one save carries: the recorder's keyword arguments, and what to do with
    the files once the transaction is over."""

    kwargs: dict[str, Any]
    renames: list[tuple[Path, Path]] = field(default_factory=list)
    removals: list[Path] = field(default_factory=list)

    def committed(self) -> None:
        # The events are stored: nothing may refuse now. A rename or removal that fails
        # here is finished by the next attaching command (``DirectoryStore.tidy``).
        for tmp, final in self.renames:
            with contextlib.suppress(OSError):
                final.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, final)
        for path in self.removals:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    def abandoned(self) -> None:
        for tmp, _ in self.renames:
            tmp.unlink(missing_ok=True)


class Store:
    """The interface; ``store_for`` picks the implementation for a database."""

    def __init__(self, recorder: Any, kind: str, cipher: Any) -> None:
        self.recorder = recorder
        self.kind = kind
        self.cipher = cipher
        self.mark = "?" if kind == "sqlite" else "%s"

    def table(self) -> str:
        return qualified(self.kind, getattr(self.recorder.datastore, "schema", ""))

    def seal(self, data: bytes) -> bytes:
        return data if self.cipher is None else self.cipher.encrypt(data)

    def unseal(self, stored: bytes) -> bytes:
        return stored if self.cipher is None else self.cipher.decrypt(stored)

    def create_table(self) -> None:
        raise NotImplementedError

    def stage(self, blobs: Iterable[Blob], purges: Iterable[str] = ()) -> Staged:
        """Prepare one save: ``blobs`` to store, digests whose bytes to ``purges``."""
        raise NotImplementedError

    def stored(self, digest: str) -> bytes | None:
        """The bytes as stored (sealed), or None when there are none."""
        raise NotImplementedError

    def read(self, digest: str) -> bytes | None:
        """The plaintext bytes, or None when missing; a ``ValueError`` when they cannot
        be decrypted (changed)."""
        found = self.stored(digest)
        return None if found is None else self.unseal(found)

    def status(self, digest: str) -> str:
        """``present`` (the bytes hash to the digest), ``changed`` or ``missing``."""
        try:
            data = self.read(digest)
        except ValueError:  # the cipher's tag no longer matches: the bytes were changed
            return CHANGED
        if data is None:
            return MISSING
        return PRESENT if digest_of(data) == digest else CHANGED

    def _rows(self, blobs: list[Blob], content: bool) -> list[tuple[Any, ...]]:
        if content:
            return [(b.digest, len(b.data), self.seal(b.data)) for b in blobs]
        return [(b.digest, len(b.data)) for b in blobs]


class TableStore(Store):
    """PostgreSQL: the bytes in the table, written in the events' transaction."""

    def create_table(self) -> None:
        with self.recorder.datastore.transaction(commit=True) as c:
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table()} (digest TEXT PRIMARY KEY, "
                "size BIGINT NOT NULL, content BYTEA, purged BOOLEAN NOT NULL DEFAULT false)"
            )

    def stage(self, blobs: Iterable[Blob], purges: Iterable[str] = ()) -> Staged:
        from pdca.errors import StorageError

        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (self.table(),))
            if not c.fetchone()["present"]:
                raise StorageError(
                    "数据库中还没有附件表（在附件出现之前初始化）；请数据库所有者再运行一次 "
                    "pdca init，本次未做任何改动"
                )
        return Staged({ROWS: self._rows(list(blobs), content=True), PURGES: list(purges)})

    def stored(self, digest: str) -> bytes | None:
        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT content FROM {self.table()} WHERE digest = %s", (digest,))
            row = c.fetchone()
        return None if row is None or row["content"] is None else bytes(row["content"])


class DirectoryStore(Store):
    """SQLite: the bytes as files (``attachments/ab/abcdef…``), the index row in the
    events' transaction; a file is renamed into place only once that has committed."""

    def __init__(self, recorder: Any, kind: str, cipher: Any, folder: Path) -> None:
        super().__init__(recorder, kind, cipher)
        self.folder = folder

    def path(self, digest: str) -> Path:
        return self.folder / digest[:2] / digest

    def create_table(self) -> None:
        with self.recorder.datastore.transaction(commit=True) as c:
            c.execute(
                f"CREATE TABLE IF NOT EXISTS {TABLE} (digest TEXT PRIMARY KEY, "
                "size INTEGER NOT NULL, purged INTEGER NOT NULL DEFAULT 0)"
            )

    def stage(self, blobs: Iterable[Blob], purges: Iterable[str] = ()) -> Staged:
        self.create_table()  # a database made before attachments gets its index here
        self.tidy()
        found = list(blobs)
        staged = Staged({ROWS: self._rows(found, content=False), PURGES: list(purges)})
        staged.removals = [self.path(d) for d in staged.kwargs[PURGES]]
        try:
            for blob in found:
                if self.status(blob.digest) == PRESENT:
                    continue  # content-addressed: the same bytes are there already
                # (missing or changed: the genuine bytes attached again put them right)
                self.folder.mkdir(parents=True, exist_ok=True)
                tmp = self.folder / f"{_TMP}{os.getpid()}-{os.urandom(4).hex()}-{blob.digest}"
                tmp.write_bytes(self.seal(blob.data))
                staged.renames.append((tmp, self.path(blob.digest)))
        except BaseException:
            staged.abandoned()
            raise
        return staged

    def stored(self, digest: str) -> bytes | None:
        try:
            return self.path(digest).read_bytes()
        except FileNotFoundError:
            return None

    def tidy(self) -> None:
        """Temporary files whose process is gone: one whose save committed (its index
        row is there) is renamed into place, any other removed. And a purged file still
        here (its purge committed, then the process died) is removed."""
        if not self.folder.is_dir():
            return
        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT digest FROM {TABLE} WHERE purged = 1")
            for row in c.fetchall():
                self.path(row["digest"]).unlink(missing_ok=True)
        for tmp in self.folder.glob(f"{_TMP}*"):
            pid, _, rest = tmp.name[len(_TMP) :].partition("-")
            if not pid.isdigit() or _alive(int(pid)):
                continue
            digest = rest.partition("-")[2]
            final = self.path(digest)
            with contextlib.suppress(OSError):
                if self._indexed(digest) and not final.exists():
                    final.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(tmp, final)
                else:
                    tmp.unlink()

    def _indexed(self, digest: str) -> bool:
        with self.recorder.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT purged FROM {TABLE} WHERE digest = ?", (digest,))
            row = c.fetchone()
        return row is not None and not row["purged"]

    def temporary_files(self) -> Iterator[Path]:
        return self.folder.glob(f"{_TMP}*") if self.folder.is_dir() else iter(())


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def qualified(kind: str, schema: str) -> str:
    if kind == "sqlite" or not schema:
        return TABLE
    return '"' + schema.replace('"', '""') + f'".{TABLE}'


def write_rows(cursor: Any, kind: str, schema: str, kwargs: dict[str, Any]) -> None:
    """In the recorder's transaction, before the events: the attachments' rows and the
    purges the save carries (``Staged.kwargs``)."""
    rows, purges = kwargs.get(ROWS) or [], kwargs.get(PURGES) or []
    table = qualified(kind, schema)
    if kind == "sqlite":
        for row in rows:
            cursor.execute(f"INSERT OR IGNORE INTO {table} (digest, size) VALUES (?, ?)", row)
        for digest in purges:
            cursor.execute(f"UPDATE {table} SET purged = 1 WHERE digest = ?", (digest,))
        return
    for row in rows:
        cursor.execute(
            f"INSERT INTO {table} (digest, size, content) VALUES (%s, %s, %s) "
            "ON CONFLICT (digest) DO NOTHING",
            row,
        )
    for digest in purges:
        cursor.execute(
            f"UPDATE {table} SET content = NULL, purged = true WHERE digest = %s", (digest,)
        )


def store_for(recorder: Any, kind: str, cipher: Any, sqlite_path: Path | None) -> Store:
    if kind == "sqlite":
        assert sqlite_path is not None
        return DirectoryStore(recorder, kind, cipher, sqlite_path.parent / FOLDER)
    return TableStore(recorder, kind, cipher)


#: PostgreSQL: the row trigger that lets an UPDATE only purge (content gone, nothing
#: else changed); DELETE and TRUNCATE are refused by the event table's guard function.
PURGE_ONLY_TRIGGER = "pdca_attachment_purge_only"


def guard_statements(schema: str) -> list[str]:
    """The SQL that makes ``pdca_attachments`` append-only except for a purge: bytes may
    be removed (``pdca evidence purge``, recorded as an event in the same transaction),
    never replaced, and no row deleted. Installed by ``pdca init`` after the event
    table's guard (``pdca.storage.append_only``), whose refusing function it reuses."""
    from pdca.storage.append_only import APPEND_ONLY_TRIGGER, ident

    s = ident(schema)
    table = qualified("postgresql", schema)
    function = f"{s}.{ident(PURGE_ONLY_TRIGGER)}"
    return [
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $pdca$\n"
        "BEGIN\n"
        "  IF NEW.digest IS DISTINCT FROM OLD.digest OR NEW.size IS DISTINCT FROM OLD.size\n"
        "     OR NEW.content IS NOT NULL OR NOT NEW.purged THEN\n"
        "    RAISE EXCEPTION 'pdca：附件只能追加，更新只能清除其内容（pdca evidence purge）；"
        "拒绝对 %.% 的修改', TG_TABLE_SCHEMA, TG_TABLE_NAME;\n"
        "  END IF;\n"
        "  RETURN NEW;\n"
        "END\n$pdca$",
        f"DROP TRIGGER IF EXISTS {PURGE_ONLY_TRIGGER} ON {table}",
        f"CREATE TRIGGER {PURGE_ONLY_TRIGGER} BEFORE UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"DROP TRIGGER IF EXISTS {APPEND_ONLY_TRIGGER} ON {table}",
        f"CREATE TRIGGER {APPEND_ONLY_TRIGGER} BEFORE DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {s}.{ident('pdca_refuse_change')}()",
    ]
