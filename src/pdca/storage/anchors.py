"""The anchors file: one JSON object a line, outside the database (docs/anchors.md).

Two kinds of line. An anchor names its sequence number (``anchor``), when and by whom
it was taken, the log head (the highest notification id it covers), every aggregate's
head (``heads``: id → [version, digest]) and ``digest``, SHA-256 over all of that. A
signature (``signature``: the anchor's number) is appended later by the key holder
(``pdca anchor sign``); the file is only ever appended to, so it can live on
write-once storage. Pure apart from reading and appending the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdca.errors import RuleViolation, StorageError

#: What is hashed besides the anchor's fields: a change of format changes every digest.
DOMAIN = b"pdca-anchor-1\0"
#: Hex digits of the digest in a 校验码, shown in groups of four.
CODE_DIGITS = 20
_CODE = re.compile(r"(\d+)-((?:[0-9a-f]{4}-){4}[0-9a-f]{4})", re.ASCII)
#: The fields the digest covers (everything but the digest itself).
FIELDS = ("anchor", "taken_at", "actor", "note", "restore", "log_head", "heads")


@dataclass(frozen=True)
class FileAnchor:
    seq: int
    taken_at: str
    actor: str
    note: str
    restore: bool
    log_head: int
    heads: dict[str, tuple[int, str]]  # aggregate id (hex) → (version, digest)
    digest: str
    line: int = 0  # where in the file (1-based), for messages

    @property
    def intact(self) -> bool:
        """Whether the digest still covers what the line says."""
        return digest_of(self.fields()) == self.digest

    def fields(self) -> dict[str, Any]:
        return {
            "anchor": self.seq,
            "taken_at": self.taken_at,
            "actor": self.actor,
            "note": self.note,
            "restore": self.restore,
            "log_head": self.log_head,
            "heads": {k: list(v) for k, v in self.heads.items()},
        }


@dataclass(frozen=True)
class Signature:
    seq: int
    digest: str
    key_id: str
    signed_at: str
    value: str  # base64 of the Ed25519 signature over ``signed_bytes(digest)``
    line: int = 0


@dataclass
class AnchorsFile:
    path: Path
    anchors: list[FileAnchor] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)

    @property
    def highest(self) -> int:
        return max((a.seq for a in self.anchors), default=0)

    def pending(self) -> list[FileAnchor]:
        """Anchors no signature names yet."""
        signed = {(s.seq, s.digest) for s in self.signatures}
        return [a for a in self.anchors if (a.seq, a.digest) not in signed]


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest_of(fields: dict[str, Any]) -> str:
    return hashlib.sha256(DOMAIN + canonical(fields)).hexdigest()


def signed_bytes(digest: str) -> bytes:
    """What a key signs: the anchor's digest, which covers the whole anchor."""
    return b"pdca-anchor-signature-1\0" + digest.encode()


def make(
    seq: int,
    taken_at: str,
    actor: str,
    note: str,
    restore: bool,
    log_head: int,
    heads: dict[str, tuple[int, str]],
) -> FileAnchor:
    ordered = dict(sorted(heads.items()))
    fields = {
        "anchor": seq,
        "taken_at": taken_at,
        "actor": actor,
        "note": note,
        "restore": restore,
        "log_head": log_head,
        "heads": {k: list(v) for k, v in ordered.items()},
    }
    return FileAnchor(seq, taken_at, actor, note, restore, log_head, ordered, digest_of(fields))


def code(seq: int, digest: str) -> str:
    """The 校验码: ``12-3f2a-9c01-7b44-0e1d-55aa``."""
    hexes = digest[:CODE_DIGITS]
    return f"{seq}-" + "-".join(hexes[i : i + 4] for i in range(0, CODE_DIGITS, 4))


def parse_code(text: str) -> tuple[int, str]:
    """(sequence number, the digest's first 20 hex digits) of a printed 校验码."""
    found = _CODE.fullmatch(text.strip().lower())
    if not found:
        raise RuleViolation(
            f"校验码 '{text.strip()[:60]}' 格式不对；应为 锚点号-xxxx-xxxx-xxxx-xxxx-xxxx"
            "（5 组 4 位十六进制数），如 12-3f2a-9c01-7b44-0e1d-55aa"
        )
    return int(found.group(1)), found.group(2).replace("-", "")


def line_of(anchor: FileAnchor) -> str:
    return json.dumps({**anchor.fields(), "digest": anchor.digest}, ensure_ascii=False) + "\n"


def signature_line(signature: Signature) -> str:
    data = {
        "signature": signature.seq,
        "digest": signature.digest,
        "key_id": signature.key_id,
        "signed_at": signature.signed_at,
        "value": signature.value,
    }
    return json.dumps(data, ensure_ascii=False) + "\n"


def check_appendable(path: Path) -> None:
    """Refuse, before anything is recorded, a file an anchor could not be appended to."""
    import os

    if path.is_dir():
        raise StorageError(f"锚点文件 {path} 是目录；请给出文件名")
    if not path.parent.is_dir():
        raise StorageError(f"锚点文件 {path} 所在的目录不存在；先建目录，本次未做任何改动")
    target = path if path.exists() else path.parent
    if not os.access(target, os.W_OK):
        raise StorageError(f"锚点文件 {path} 无法写入（没有写权限），本次未做任何改动")


def append(path: Path, lines: Iterable[str]) -> None:
    """Append whole lines (opened for appending only: what is there stays as it is)."""
    # Any other failure (no room, no permission) is said by the front end's file refusal.
    text = "".join(lines)
    with path.open("a", encoding="utf-8") as out:
        out.write(text)
        out.flush()


def read(path: Path, missing_ok: bool = False) -> AnchorsFile:
    """Every anchor and signature of a file; a line that is neither is refused, naming it."""
    found = AnchorsFile(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return found
        raise StorageError(f"锚点文件 {path} 不存在") from None
    except UnicodeDecodeError:
        raise StorageError(f"锚点文件 {path} 不是 UTF-8 文本；文件格式见 docs/anchors.md") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
            if "anchor" in data:
                heads = {str(k): (int(v[0]), str(v[1])) for k, v in data["heads"].items()}
                found.anchors.append(
                    FileAnchor(
                        int(data["anchor"]),
                        str(data["taken_at"]),
                        str(data["actor"]),
                        str(data["note"]),
                        bool(data["restore"]),
                        int(data["log_head"]),
                        heads,
                        str(data["digest"]),
                        number,
                    )
                )
            elif "signature" in data:
                found.signatures.append(
                    Signature(
                        int(data["signature"]),
                        str(data["digest"]),
                        str(data["key_id"]),
                        str(data["signed_at"]),
                        str(data["value"]),
                        number,
                    )
                )
            else:
                raise KeyError("anchor")
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise StorageError(
                f"锚点文件 {path} 第 {number} 行不是锚点或签名（{type(exc).__name__}）；"
                "文件格式见 docs/anchors.md"
            ) from None
    return found
