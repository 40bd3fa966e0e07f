"""From a database URL to the settings of the event store and of the view engine.

* ``sqlite:///relative/file.sqlite3`` (relative to the workspace) or
  ``sqlite:////absolute/file.sqlite3``: the embedded default, no server.
* ``postgresql+psycopg://user[:password]@host[:port]/dbname[?schema=NAME]``:
  many supervisors and workers on several machines. ``schema`` keeps several
  workspaces (or test runs) apart in one database.

This module is on every command's start-up path: it imports no SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

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

    def event_store_env(self, create_tables: bool = False) -> dict[str, str]:
        """Settings for an ``eventsourcing`` application on this database."""
        env = {"CREATE_TABLE": "y" if create_tables else "n"}
        if self.kind == "sqlite":
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                SQLITE_DBNAME=str(self.sqlite_path),
                SQLITE_LOCK_TIMEOUT="30",
            )
        else:
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                POSTGRES_DBNAME=self.dbname,
                POSTGRES_HOST=self.host,
                POSTGRES_PORT=self.port,
                POSTGRES_USER=self.user,
                POSTGRES_PASSWORD=self.password,
                POSTGRES_CONNECT_TIMEOUT="5",
                POSTGRES_POOL_SIZE="2",
            )
            if self.schema:
                env["POSTGRES_SCHEMA"] = self.schema
        return env

    def sqlalchemy_url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        auth = self.user + (f":{self.password}" if self.password else "")
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{self.dbname}"

    def describe(self) -> str:
        """The URL without its password, for messages and logs."""
        if self.kind == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        suffix = f"?schema={self.schema}" if self.schema else ""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{self.dbname}{suffix}"


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
