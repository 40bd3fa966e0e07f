"""Signing anchors with Ed25519, and checking signatures against a keyring.

Run by the key holder, away from the database: ``pdca anchor sign`` reads the anchors
file, signs every anchor not signed yet and appends one signature line each.
A keyring (TOML, docs/anchors.md) lists public keys with the dates they were valid,
so a key rotated or lost never makes the anchors signed while it was valid
unverifiable: an anchor's signature counts when its key was valid on the day the
anchor was taken. pycryptodome is imported here only, never on start-up.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pdca.application.failures import os_reason
from pdca.errors import RuleViolation, StorageError
from pdca.storage import anchors as fmt

SIGNED = "signed"
STATUS_LABELS = {
    SIGNED: "签名有效",
    "unsigned": "未签名",
    "unchecked": "已签名，未核验（未给 --keyring）",
    "bad": "签名无效",
    "unknown_key": "签名所用密钥不在钥匙串中",
    "expired": "签名所用密钥在锚点记录之日无效",
}


@dataclass(frozen=True)
class Key:
    id: str
    public: bytes  # raw 32 bytes
    valid_from: date | None
    valid_until: date | None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


def keygen(key_path: Path, keyring_path: Path, valid_from: date) -> str:
    """A new key pair: the private key to ``key_path`` (readable by its owner only, never
    overwritten), its public half appended to the keyring. Returns the key id."""
    from Crypto.PublicKey import ECC

    key = ECC.generate(curve="ed25519")
    public = key.public_key().export_key(format="raw")
    kid = key_id(public)
    try:
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise RuleViolation(f"密钥文件 {key_path} 已存在；不覆盖已有密钥，换一个文件名") from None
    except OSError as exc:
        raise StorageError(
            f"密钥文件 {key_path} 无法写入：{os_reason(exc)}（{exc.strerror}）"
        ) from None
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(key.export_key(format="PEM"))
    entry = (
        f'\n[[keys]]\nid = "{kid}"\npublic_key = "{base64.b64encode(public).decode()}"\n'
        f"valid_from = {valid_from.isoformat()}\n"
        "# valid_until = 2027-12-31  # 密钥停用或遗失之日（含），之后的锚点不认此密钥\n"
    )
    try:
        with keyring_path.open("a", encoding="utf-8") as out:
            out.write(entry)
    except OSError as exc:
        raise StorageError(
            f"钥匙串 {keyring_path} 无法写入：{os_reason(exc)}（{exc.strerror}）"
        ) from None
    return kid


def _private(key_path: Path) -> Any:
    from Crypto.PublicKey import ECC

    try:
        key = ECC.import_key(key_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StorageError(
            f"密钥文件 {key_path} 无法读取：{os_reason(exc)}（{exc.strerror}）"
        ) from None
    except (ValueError, IndexError, TypeError):
        raise RuleViolation(
            f"{key_path} 不是 Ed25519 私钥（PEM）；用 pdca anchor keygen 生成"
        ) from None
    if key.curve != "Ed25519" or not key.has_private():
        raise RuleViolation(f"{key_path} 不是 Ed25519 私钥（PEM）；用 pdca anchor keygen 生成")
    return key


def sign(anchors_path: Path, key_path: Path, now: str) -> tuple[str, list[int]]:
    """Sign every pending anchor of the file; (key id, the numbers signed)."""
    from Crypto.Signature import eddsa

    key = _private(key_path)
    kid = key_id(key.public_key().export_key(format="raw"))
    kept = fmt.read(anchors_path)
    pending = kept.pending()
    damaged = [a.seq for a in pending if not a.intact]
    if damaged:
        raise RuleViolation(
            f"锚点 {'、'.join(map(str, damaged))} 的内容与其摘要不符（文件被改动过），不予签名；"
            "未签任何锚点"
        )
    signer = eddsa.new(key, "rfc8032")
    lines = [
        fmt.signature_line(
            fmt.Signature(
                a.seq,
                a.digest,
                kid,
                now,
                base64.b64encode(signer.sign(fmt.signed_bytes(a.digest))).decode(),
            )
        )
        for a in pending
    ]
    fmt.append(anchors_path, lines)
    return kid, [a.seq for a in pending]


def read_keyring(path: Path) -> dict[str, Key]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise StorageError(f"钥匙串 {path} 无法读取：{os_reason(exc)}（{exc.strerror}）") from None
    except tomllib.TOMLDecodeError as exc:
        raise StorageError(f"钥匙串 {path} 不是有效的 TOML：{exc}") from None
    keys = {}
    for n, entry in enumerate(data.get("keys", []), start=1):
        try:
            public = base64.b64decode(entry["public_key"], validate=True)
            if len(public) != 32:
                raise ValueError("length")
            key = Key(
                str(entry.get("id") or key_id(public)),
                public,
                _day(entry.get("valid_from")),
                _day(entry.get("valid_until")),
            )
        except (KeyError, ValueError, TypeError):
            raise StorageError(
                f"钥匙串 {path} 第 {n} 个 [[keys]] 有误：须有 public_key（Ed25519 公钥的 base64），"
                "valid_from/valid_until 为日期"
            ) from None
        keys[key.id] = key
    return keys


def _day(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def statuses(kept: fmt.AnchorsFile, keyring: dict[str, Key] | None) -> dict[int, tuple[str, str]]:
    """Each anchor's number → (status, key id) by its best signature."""
    from Crypto.Signature import eddsa

    found: dict[int, tuple[str, str]] = {}
    rank = ["unsigned", "unknown_key", "bad", "expired", "unchecked", SIGNED]
    for a in kept.anchors:
        best = ("unsigned", "")
        for s in (s for s in kept.signatures if s.seq == a.seq):
            if s.digest != a.digest:
                status = "bad"
            elif keyring is None:
                status = "unchecked"
            elif s.key_id not in keyring:
                status = "unknown_key"
            else:
                key = keyring[s.key_id]
                try:
                    verifier = eddsa.new(eddsa.import_public_key(key.public), "rfc8032")
                    verifier.verify(fmt.signed_bytes(a.digest), base64.b64decode(s.value))
                    taken = datetime.fromisoformat(a.taken_at).date()
                    status = SIGNED if key.valid_on(taken) else "expired"
                except ValueError:
                    status = "bad"
            if rank.index(status) > rank.index(best[0]):
                best = (status, s.key_id)
        found[a.seq] = best
    return found


def file_statuses(anchors_path: Path, keyring_path: Path | None) -> list[dict[str, Any]]:
    """Each anchor of a file with its signature's status, for a front end."""
    kept = fmt.read(anchors_path)
    keys = read_keyring(keyring_path) if keyring_path is not None else None
    return [
        {"anchor": seq, "status": status, "label": STATUS_LABELS[status], "key_id": kid or None}
        for seq, (status, kid) in sorted(statuses(kept, keys).items())
    ]
