"""``--attach FILE``: a file read, checked by its content against the workspace's
settings, and named inside the event it supports; its bytes stored by the same save.

``prepare`` runs inside a use case, after the permission check and before the event
exists; it returns the references the event records and keeps the bytes on the
acting context. ``stage`` is the save path's (``saving.save``): the bytes of the
references the pending events carry, handed to the store for the events' transaction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pdca.application.acting import Acting
from pdca.domain.evidence import purge_id, refs_of
from pdca.domain.ids import shown
from pdca.errors import Conflict, RuleViolation, one_of
from pdca.storage import attachments, media_types

#: A file name longer than this is cut to its end (the extension people recognise).
NAME_LIMIT = 200
_MB = 1024 * 1024


def store(app: Any) -> attachments.Store:
    """The workspace's attachment store (files beside SQLite, a table on PostgreSQL)."""
    database = app.workspace.database
    return attachments.store_for(
        app.recorder, database.kind, app.mapper.cipher, database.sqlite_path
    )


def prepare(app: Any, acting: Acting, paths: Sequence[str]) -> tuple[dict[str, Any], ...]:
    """Read and check each file; keep its bytes for the save; the references to record."""
    refs: dict[str, dict[str, Any]] = {}
    for given in paths:
        data, name = _read(given, app.workspace.attachment_limit)
        found = media_types.sniff(data)
        allowed = app.workspace.attachment_types
        if found is None or found[0] not in allowed:
            what = "无法识别的类型" if found is None else f" {found[0]} 文件"
            raise RuleViolation(
                f"附件 {shown(name)} 的内容是{what}（按内容识别，不看扩展名），未记录；"
                f"允许：{one_of(allowed)}（pdca.toml [attachments] types）"
            )
        digest = attachments.digest_of(data)
        if app.recorder.select_events(purge_id(digest), limit=1):
            raise Conflict(
                f"附件 {shown(name)}（摘要 {digest[:12]}）的内容已被清除，不能再次附上；"
                f"清除记录见 pdca evidence show {digest[:12]}"
            )
        acting.evidence[digest] = data
        refs.setdefault(
            digest, {"digest": digest, "name": name, "size": len(data), "media_type": found[1]}
        )
    return tuple(refs.values())


def _read(given: str, limit: int) -> tuple[bytes, str]:
    """A regular file's bytes, refused before it is read when it is over the limit."""
    path = Path(given).expanduser()
    name = _name(path.name)
    try:
        status = path.stat()
        if not path.is_file():
            raise RuleViolation(f"附件 {shown(given)} 不是普通文件；请给出一个文件的路径")
        if status.st_size > limit:
            raise RuleViolation(
                f"附件 {shown(name)} 有 {_size(status.st_size)}，超过上限 {_size(limit)}，未记录；"
                "允许的大小见 pdca.toml [attachments] max_mb"
            )
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise RuleViolation(f"无法读取附件 {shown(given)}：{exc.strerror or exc}") from None
    if len(data) > limit:  # grew while read
        raise RuleViolation(f"附件 {shown(name)} 超过上限 {_size(limit)}，未记录")
    return data, name


def _name(raw: str) -> str:
    """The file name as the event records it: NFC, one printable line, not too long."""
    name = unicodedata.normalize("NFC", raw).strip()
    name = "".join(
        c if c.isprintable() and c not in "\u200b\u200e\u200f\ufeff" else "_" for c in name
    )
    if len(name) > NAME_LIMIT:
        stem, dot, ext = name.rpartition(".")
        keep = f"{dot}{ext}" if dot and len(ext) <= 10 else ""
        name = name[: NAME_LIMIT - len(keep) - 1] + "…" + keep
    return name or "附件"


def _size(n: int) -> str:
    return f"{n / _MB:.1f} MB" if n >= _MB else f"{n} 字节"


def stage(app: Any, acting: Acting, aggregates: Sequence[Any]) -> attachments.Staged:
    """What the save carries: the bytes of every reference its pending events name."""
    named = {
        ref["digest"]
        for aggregate in aggregates
        for event in aggregate.pending_events
        for ref in refs_of(vars(event))
    }
    blobs = [attachments.Blob(d, acting.evidence[d]) for d in sorted(named)]
    return store(app).stage(blobs, acting.purges)


def describe_refs(refs: Sequence[dict[str, Any]]) -> str:
    """``附件：a.pdf、b.jpg`` for a one-line summary; empty when there are none."""
    return f"；附件：{'、'.join(r['name'] for r in refs)}" if refs else ""
