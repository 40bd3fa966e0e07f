"""Encryption at rest: with ``PDCA_CIPHER_KEY`` set at ``pdca init``, every stored event
is AES-GCM ciphertext; scores, explain and verify still work with the key, and every
command refuses in one line without it."""

from __future__ import annotations

import json
import os
from base64 import b64encode
from collections.abc import Iterator

import pytest

from tests._round import EVIDENCE, EXPECTED, OWNER, record_round_in
from tests.conftest import Workspace


@pytest.fixture
def cipher_key(monkeypatch: pytest.MonkeyPatch) -> str:
    key = b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("PDCA_CIPHER_KEY", key)
    return key


@pytest.fixture
def encrypted(cipher_key: str, workspace: Workspace) -> Iterator[Workspace]:
    """A workspace initialised with the key set (``cipher_key`` runs first)."""
    record_round_in(workspace)
    yield workspace


def stored_bytes(ws: Workspace) -> bytes:
    if ws.backend == "sqlite":
        return b"".join(p.read_bytes() for p in ws.root.glob("pdca.sqlite3*"))
    return b"".join(bytes(s) for (s,) in ws.sql(f"SELECT state FROM {ws.events_table}"))


def test_the_store_holds_no_plaintext_yet_everything_reads_with_the_key(
    encrypted: Workspace,
) -> None:
    ws = encrypted
    ranked = {r["unit"]: r for r in json.loads(ws.ok("ranking", "2024", "--json").output)}
    assert {u: (r["total"], r["rank"], r["grade"], r["tier"]) for u, r in ranked.items()} == (
        EXPECTED
    )
    assert EVIDENCE in ws.ok("explain", "甲局/2024").output
    assert ws.ok("verify").output.endswith("未发现篡改\n")
    # Every read model caught up: their copies of names and evidence are encrypted too,
    # and read back in plain text with the key.
    ws.ok("projections", "run")
    assert EVIDENCE in ws.ok("ledger", "2024").output
    assert OWNER in ws.ok("rectify", "list").output
    # Neither the finding's evidence nor the rectification owner's name is in the file
    # (or the PostgreSQL rows), in any encoding a grep would find.
    raw = stored_bytes(ws)
    assert len(raw) > 10_000
    for secret in (EVIDENCE, OWNER):
        assert secret.encode() not in raw
        assert secret.encode("unicode_escape") not in raw
    assert ws.sql("SELECT value FROM pdca_meta WHERE key = 'cipher'") == [("aes-gcm",)]


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (None, "错误：数据库中的事件已加密，需要初始化时的密钥：设置环境变量 PDCA_CIPHER_KEY"),
        (b64encode(b"x" * 32).decode(), "错误：PDCA_CIPHER_KEY 不是这个数据库初始化时的密钥"),
        ("not-a-key", "错误：PDCA_CIPHER_KEY 不是有效的密钥（须为 16、24 或 32 字节的 base64）"),
    ],
)
def test_without_the_right_key_every_command_refuses(
    cipher_key: str,
    sqlite_workspace: Workspace,
    monkeypatch: pytest.MonkeyPatch,
    key: str | None,
    message: str,
) -> None:
    ws = sqlite_workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    if key is None:
        monkeypatch.delenv("PDCA_CIPHER_KEY")
    else:
        monkeypatch.setenv("PDCA_CIPHER_KEY", key)
    for command in (("unit", "add", "市委办", "--category", "党政机关"), ("verify",)):
        line = ws.refused(*command)
        assert line.startswith(message)
        assert ws.run(*command).exit_code == 6


def test_a_key_on_an_unencrypted_store_is_refused(
    sqlite_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PDCA_CIPHER_KEY", b64encode(b"k" * 32).decode())
    line = sqlite_workspace.refused("unit", "add", "市财政局", "--category", "党政机关")
    assert line.startswith("错误：数据库未加密，但设置了 PDCA_CIPHER_KEY")
