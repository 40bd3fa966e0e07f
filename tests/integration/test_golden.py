"""The golden history: a whole 吉林 round stored by an earlier pdca (before
``Cycle.FactWithdrawn``/``FactAmended`` renamed ``fact`` to ``fact_position``) is
loaded row for row into a fresh database and must replay, explain and verify exactly
as it did when it was written — through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from tests._round import EXPECTED
from tests.conftest import Workspace
from tests.e2e.test_subprocess import pdca
from tests.golden.make_golden import HERE, NAME, QUESTIONS

ROWS = HERE / f"{NAME}.jsonl"
ANSWERS = HERE / NAME


def golden_rows() -> list[dict]:
    return [json.loads(line) for line in ROWS.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def golden(workspace: Workspace) -> Iterator[Workspace]:
    app = PdcaApplication(open_workspace(str(workspace.root), workspace.db_url))
    # Old history: stored before PostgreSQL's principal stamp existed.
    try:
        with workspace.before_the_stamp():
            app.recorder.insert_events(
                [
                    StoredEvent(
                        originator_id=UUID(r["originator_id"]),
                        originator_version=r["originator_version"],
                        topic=r["topic"],
                        state=r["state"].encode("utf-8"),
                    )
                    for r in golden_rows()
                ]
            )
    finally:
        app.close()
    yield workspace


def test_the_golden_file_is_old_history() -> None:
    # What makes it golden: corrections stored before the rename, at class version 1.
    corrections = [
        json.loads(r["state"])
        for r in golden_rows()
        if r["topic"].endswith(("Cycle.FactWithdrawn", "Cycle.FactAmended"))
    ]
    assert len(corrections) == 2
    assert all("fact" in c and "class_version" not in c for c in corrections)


def test_the_golden_round_replays_explains_and_verifies_as_recorded(golden: Workspace) -> None:
    ws = golden
    for name, args in QUESTIONS.items():
        recorded = (ANSWERS / name).read_text(encoding="utf-8")
        assert ws.ok(*args).output == recorded, name

    # The recorded answers are themselves right (tests/_round.py works them by hand).
    ranked = {r["unit"]: r for r in json.loads(ws.ok("ranking", "2024", "--json").output)}
    assert {u: (r["total"], r["rank"], r["grade"], r["tier"]) for u, r in ranked.items()} == (
        EXPECTED
    )
    jia = json.loads(ws.ok("explain", "甲局/2024", "--json").output)
    daily = next(c for c in jia["components"] if c["id"] == "daily")
    # 参与度 −5 amended (an old-format FactAmended) to −2.5: 72.5 × 30% = 21.75.
    assert (Decimal(daily["score"]), Decimal(daily["weighted"])) == (
        Decimal("72.5"),
        Decimal("21.75"),
    )
    yi = json.loads(ws.ok("explain", "乙局/2024", "--json").output)
    daily = next(c for c in yi["components"] if c["id"] == "daily")
    # The withdrawn −10 (an old-format FactWithdrawn) counts for nothing: 100 × 30%.
    assert (Decimal(daily["score"]), Decimal(daily["weighted"])) == (Decimal(100), Decimal(30))
    history = json.loads(ws.ok("history", "乙局/2024", "--json").output)
    assert any(h["summary"] == "撤回 #9：复核：当事人当日公出" for h in history)


def test_the_installed_program_verifies_the_golden_round(golden: Workspace) -> None:
    done = pdca(golden, "verify", "--json")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (ANSWERS / "verify.json").read_text(encoding="utf-8")
