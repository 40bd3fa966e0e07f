"""Encryption at rest: with ``PDCA_CIPHER_KEY`` set at ``pdca init``, every stored event
is AES-GCM ciphertext; scores, explain and verify still work with the key, and every
command refuses in one line without it."""

from __future__ import annotations

import json
import os
from base64 import b64encode
from collections.abc import Iterator
from uuid import UUID

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


#: Where unit names, cycle addresses and grids stay readable under a cipher key: exactly
#: the README's list ("What a cipher key does not hide"). A new column showing a name
#: fails the test below until the README names it.
VISIBLE = {
    "catalog_units.name",
    "catalog_units.grid",
    "catalog_cycles.unit",
    "scores.unit",
    "scores.cycle",
    "scores.grid",
    "scores_units.name",
    "scores_units.grid",
    "ledger.unit",
    "ledger.cycle",
    "rectifications.unit",
    "rectifications.cycle",
    "bottom_two_years.unit",
    "grid_ranking.unit",
    "grid_ranking.grid",
    "grid_ranking_units.unit",
    "grid_ranking_units.grid",
    "task_bulletin.unit",
}
NAMES = ("甲局", "乙局", "丙局", "第九片")


def columns_holding(ws: Workspace, texts: tuple[str, ...]) -> set[str]:
    """``table.column`` of every column, in every table, where one of ``texts`` appears."""
    if ws.backend == "sqlite":
        tables = [n for (n,) in ws.sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
    else:
        tables = [
            n
            for (n,) in ws.sql(
                "SELECT table_name FROM information_schema.tables "
                f"WHERE table_schema = '{ws.schema}'"
            )
        ]
    found = set()
    for table in tables:
        if ws.backend == "sqlite":
            names = [r[1] for r in ws.sql(f'PRAGMA table_info("{table}")')]
        else:
            names = [
                c
                for (c,) in ws.sql(
                    "SELECT column_name FROM information_schema.columns "
                    f"WHERE table_schema = '{ws.schema}' AND table_name = '{table}' "
                    "ORDER BY ordinal_position"
                )
            ]
        for row in ws.sql(f'SELECT * FROM "{table}"'):
            for name, value in zip(names, row, strict=True):
                shown = (
                    bytes(value).decode("utf-8", "replace")
                    if isinstance(value, bytes | memoryview)
                    else str(value)
                )
                if any(t in shown for t in texts):
                    found.add(f"{table}.{name}")
    return found


def test_what_a_cipher_key_leaves_visible_is_what_the_readme_says(
    cipher_key: str, workspace: Workspace
) -> None:
    from pathlib import Path

    from pdca.domain.ids import cycle_id, unit_id

    ws = workspace
    ws.ok("unit", "add", "丙局", "--category", "党政机关", "--grid", "第九片")
    record_round_in(ws)
    ws.ok("projections", "run")
    found = columns_holding(ws, NAMES)
    # Never an event's own fields: those are encrypted.
    assert not any(c.startswith(("stored_events.", "pdca_events.")) for c in found)
    assert found <= VISIBLE, found - VISIBLE
    assert {"catalog_units.name", "catalog_units.grid", "scores.unit", "ledger.unit"} <= found
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert all(f"`{c}`" in readme for c in VISIBLE)
    # As the README says: ids are uuid5 of the name, so a guessed name is confirmed.
    ids = {UUID(str(i)) for (i,) in ws.sql(f"SELECT originator_id FROM {ws.events_table}")}
    assert {unit_id("丙局"), cycle_id("甲局", "2024")} <= ids


def test_a_ballot_waiting_in_the_box_is_encrypted_too(
    cipher_key: str, sqlite_workspace: Workspace
) -> None:
    from tests.integration.test_scoring_refusals import CYCLE, in_check

    ws = sqlite_workspace
    in_check(ws)
    ws.ok("cycle", "advance", CYCLE, "start_check")
    [token] = json.loads(
        ws.ok("ballot", "issue", CYCLE, "--group", "masses", "--count", "1", "--json").output
    )["tokens"]
    marks = ["duty=17", "report=13", "answers=11", "daily_work=7", "rectification=19"]
    ws.ok("ballot", "cast", CYCLE, "--token", token, *marks)
    [(ballot,)] = ws.sql("SELECT ballot FROM pdca_ballot_box")
    assert ballot.startswith("enc:") and "daily_work" not in ballot
    assert ws.ok("ballot", "close", CYCLE).output == "已关闭票箱（masses）：计入 1 张\n"
    assert "测评票" in ws.ok("explain", CYCLE).output
