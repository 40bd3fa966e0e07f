"""What one ``pdca serve`` process is started with.

The session secret signs CSRF tokens; it must be the same on every process behind a
load balancer, so it comes from the deployment (``PDCA_SESSION_SECRET`` or the file
named by ``PDCA_SESSION_SECRET_FILE``), never from an event. A single office PC on
SQLite may leave both unset: the secret is then kept in a file beside the database.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from pdca.errors import InvalidInput, StorageError

SECRET_ENV, SECRET_FILE_ENV = "PDCA_SESSION_SECRET", "PDCA_SESSION_SECRET_FILE"
#: Where a one-PC (SQLite) server keeps its secret when the deployment names none.
LOCAL_SECRET = ".pdca-session-secret"
MIN_SECRET = 16


@dataclass(frozen=True)
class Settings:
    """``workspace``/``db`` as the CLI's options; ``threads`` sizes both the handlers'
    thread pool and the PostgreSQL pool; ``session_minutes`` is the idle timeout."""

    workspace: str | None = None
    db: str | None = None
    secret: bytes = b""
    threads: int = 8
    session_minutes: int = 30
    follow_seconds: float = 0.5
    #: The least time between two passes of the follower that found events: busy
    #: writers' events are applied a batch at a time (a pass has a fixed cost of its
    #: own: positions, scoring, a commit); a page after a write may wait this much longer.
    follow_gap: float = 0.1
    secure_cookies: bool = False
    #: This process runs the views' follower (``pdca serve --workers``: only the parent).
    follow: bool = True


def load_secret(environ: dict[str, str], local_dir: Path | None) -> bytes:
    """The session secret from the deployment, else (SQLite: ``local_dir`` given) the
    workspace's own file, made on first use and readable by its owner only."""
    value = environ.get(SECRET_ENV, "")
    named = environ.get(SECRET_FILE_ENV, "")
    if not value and named:
        try:
            value = Path(named).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise StorageError(
                f"无法读取会话密钥文件 {named}（{SECRET_FILE_ENV}）：{exc.strerror or exc}"
            ) from None
    if not value and local_dir is not None:
        value = _local_secret(local_dir / LOCAL_SECRET)
    if not value:
        raise StorageError(
            f"未设置会话密钥：多台服务共用 PostgreSQL 时须设置 {SECRET_ENV}（每个进程相同，"
            f"至少 {MIN_SECRET} 个字符）或 {SECRET_FILE_ENV}（密钥文件路径）"
        )
    if len(value) < MIN_SECRET:
        raise StorageError(f"会话密钥太短：{len(value)} 个字符，至少 {MIN_SECRET} 个")
    return value.encode("utf-8")


def _local_secret(path: Path) -> str:
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(value + "\n")
    return value


def proxies(value: str | None) -> str:
    """``pdca serve --proxy``: the proxy addresses whose X-Forwarded-For names the client
    ("" for none). IP addresses or networks only: uvicorn would take a typo for a name
    that never matches and silently ignore the proxy."""
    if value is None:
        return ""
    import ipaddress

    parts = [p.strip() for p in value.split(",")]
    for part in parts:
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise InvalidInput(
                f"--proxy 的 '{part}' 不是 IP 地址或网段；应为如 127.0.0.1、"
                "10.0.0.5,10.0.0.6 或 10.0.0.0/24"
            ) from None
    return ",".join(parts)
