"""From a database URL to the settings of the event store and of the view engine.

* ``sqlite:///relative/file.sqlite3`` (relative to the workspace) or
  ``sqlite:////absolute/file.sqlite3``: the embedded default, no server.
* ``postgresql+psycopg://user[:password]@host[:port]/dbname[?schema=NAME]``:
  many supervisors and workers on several machines. ``schema`` keeps several
  workspaces (or test runs) apart in one database.

This module is on every command's start-up path: it imports no SQLAlchemy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from pdca.errors import StorageError

SQLITE_FILE_NAME = "pdca.sqlite3"
_FORMS = "sqlite:///文件路径 或 postgresql+psycopg://用户@主机:端口/库名[?schema=模式]"


@dataclass(frozen=True)
class Database:
    url: str
    kind: str  # "sqlite" | "postgresql"
    sqlite_path: Path | None = None
    host: str = ""
    port: str = "5432"
    user: str = ""
    password: str = ""
    dbname: str = ""
    schema: str = ""

    def sqlite_access(self) -> str:
        """How this process may open the SQLite file: ``"rw"``; ``"ro"`` when the file or
        its folder cannot be written (another user's file, a read-only file system); or
        ``"immutable"`` when, besides, the folder cannot take the write-ahead log's
        shared-memory file and no writer has one open (nothing is pending in a log the
        reader could not see)."""
        path = self.sqlite_path
        if path is None or not path.exists():
            return "rw"  # init creates it; other commands refuse before opening it
        folder_writable = os.access(path.parent, os.W_OK)
        if os.access(path, os.W_OK) and folder_writable:
            return "rw"
        shared = Path(f"{path}-shm")
        if folder_writable or (shared.exists() and os.access(shared, os.R_OK)):
            return "ro"
        return "ro" if Path(f"{path}-wal").exists() else "immutable"

    def read_only(self) -> bool:
        return self.kind == "sqlite" and self.sqlite_access() != "rw"

    def _sqlite_uri(self) -> str:
        """The file as an SQLite URI, opened read-only when this process cannot write it."""
        access = self.sqlite_access()
        if access == "rw":
            return str(self.sqlite_path)
        query = "mode=ro" + ("&immutable=1" if access == "immutable" else "")
        return f"file:{quote(str(self.sqlite_path))}?{query}"

    def event_store_env(self, create_tables: bool = False, pooled: bool = False) -> dict[str, str]:
        """Settings for an ``eventsourcing`` application on this database. On PostgreSQL
        ``pooled``: the library's connection pool, for a process that serves many requests
        or follows the log for hours (``pdca serve``, projection workers); else one
        connection opened when first used (``pdca.storage.pg_single``), for a command."""
        env = {"CREATE_TABLE": "y" if create_tables else "n"}
        if self.kind == "sqlite":
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                SQLITE_DBNAME=self._sqlite_uri(),
                SQLITE_LOCK_TIMEOUT="30",
                # The library's recorder, writing attachments in the events' transaction.
                APPLICATION_RECORDER_TOPIC="pdca.storage.sqlite_recorder:Recorder",
            )
            return env
        env.update(
            POSTGRES_DBNAME=self.dbname,
            POSTGRES_HOST=self.host,
            POSTGRES_PORT=self.port,
            POSTGRES_USER=self.user,
            POSTGRES_PASSWORD=self.password,
            POSTGRES_CONNECT_TIMEOUT="5",
        )
        if self.schema:
            env["POSTGRES_SCHEMA"] = self.schema
        if not pooled:
            env["PERSISTENCE_MODULE"] = "pdca.storage.pg_single:Factory"
            return env
        env.update(
            PERSISTENCE_MODULE="eventsourcing.postgres",
            # A server sizes its pool to its threads (``pdca serve``).
            POSTGRES_POOL_SIZE=pool_size(),
            APPLICATION_RECORDER_TOPIC="pdca.storage.postgres_recorder:Recorder",
        )
        return env

    def sqlalchemy_url(self) -> str:
        if self.kind == "sqlite":
            uri = self._sqlite_uri()
            return f"sqlite:///{uri}&uri=true" if uri.startswith("file:") else f"sqlite:///{uri}"
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{self.dbname}"

    def describe(self) -> str:
        """The URL without its password, for messages and logs."""
        if self.kind == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        suffix = f"?schema={self.schema}" if self.schema else ""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{self.dbname}{suffix}"


def pool_size() -> str:
    """Connections per pool: ``PDCA_POOL_SIZE`` (set by ``pdca serve`` to its thread
    count), else 2 — a command holds at most two at once."""
    value = os.environ.get("PDCA_POOL_SIZE", "")
    return value if value.isdigit() and 0 < int(value) <= 200 else "2"


def parse_url(url: str, workspace: Path) -> Database:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        raw = unquote(url[len("sqlite:///") :]) if url.lower().startswith("sqlite:///") else ""
        if not raw:
            raise StorageError(f"数据库地址 '{url}' 缺少文件路径；允许：{_FORMS}")
        path = Path(raw)
        if not path.is_absolute():
            path = workspace / path
        return Database(url=url, kind="sqlite", sqlite_path=path.resolve())
    if scheme in ("postgresql", "postgresql+psycopg", "postgres"):
        dbname = parts.path.lstrip("/")
        if not parts.hostname or not dbname:
            raise StorageError(f"数据库地址 '{url}' 缺少主机或库名；允许：{_FORMS}")
        query = parse_qs(parts.query)
        return Database(
            url=url,
            kind="postgresql",
            host=parts.hostname,
            port=str(parts.port or 5432),
            user=unquote(parts.username or "postgres"),
            password=unquote(parts.password or ""),
            dbname=dbname,
            schema=query.get("schema", [""])[0],
        )
    raise StorageError(f"不支持的数据库地址 '{url}'；允许：{_FORMS}")


def default_url() -> str:
    return f"sqlite:///{SQLITE_FILE_NAME}"
