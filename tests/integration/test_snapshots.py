"""Snapshots of cycles: a cycle loaded from its snapshot is the cycle folded from its
events (the golden history and the demo, every cycle, facts and ``explain --json``);
a snapshot that does not match its event is ignored, a forged one is named by
``verify``; storing one never fails or repeats a command; ``init`` adds the table,
``snapshots drop`` empties it, and nothing depends on it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from pdca.application import cycle_loading, snapshot_policy
from pdca.application.results import facts_of
from pdca.application.service import PdcaApplication
from pdca.application.workspace import open_workspace
from pdca.domain.cycle import Cycle
from pdca.storage.snapshot_codec import FOLD_VERSION, encode_body, encode_head
from tests.conftest import Workspace
from tests.integration.test_golden import golden  # noqa: F401 (a fixture)

C = "市财政局/2024"
HEAD_FIELDS = (
    "unit",
    "period",
    "scheme_digest",
    "stage",
    "tasks",
    "task_list_published",
    "stages",
    "carried",
    "appeals",
    "voided",
    "entered_act",
)


def _app(ws: Workspace) -> PdcaApplication:
    return PdcaApplication(open_workspace(str(ws.root), ws.db_url))


def _cycle_ids(app: PdcaApplication) -> list[UUID]:
    topic = "pdca.domain.cycle:Cycle.Opened"
    found = []
    for row in app.recorder.select_notifications(start=1, limit=10**6):
        if row.topic == topic:
            found.append(row.originator_id)
    return found


def _addresses(app: PdcaApplication, ids: list[UUID]) -> dict[UUID, str]:
    return {i: cycle_loading.load(app, i).address for i in ids}


def _same_with_and_without_snapshots(ws: Workspace) -> int:
    """Every cycle: facts and ``explain --json`` without a snapshot, then with one
    taken at its head, must be equal; so must the head a head-only load gives."""
    app = _app(ws)
    try:
        ids = _cycle_ids(app)
        assert ids
        addresses = _addresses(app, ids)
        store = cycle_loading.snapshots(app)
        assert store.count() == 0  # below the threshold: nothing taken on its own
        before = {}
        for i in ids:
            folded = facts_of(list(app.repository.event_store.get(i)))
            assert cycle_loading.load(app, i).facts == folded
            before[i] = (folded, ws.ok("explain", addresses[i], "--json").output)
        for i in ids:
            assert cycle_loading.take(app, cycle_loading.load(app, i))
        assert store.count() == len(ids)
        for i in ids:
            snap = store.latest(i)
            assert snap is not None and snap.fold_version == FOLD_VERSION
            loaded = cycle_loading.load(app, i)
            assert loaded.facts == before[i][0], addresses[i]
            assert loaded.version == snap.version
            head = cycle_loading.load(app, i, head_only=True)
            assert isinstance(head.facts, cycle_loading.HeadFacts)
            for name in HEAD_FIELDS:
                assert getattr(head.facts, name) == getattr(before[i][0], name), name
            if addresses[i] in {a for j, a in addresses.items() if j != i}:
                continue  # a voided generation shares its address: explain reads the latest
            assert ws.ok("explain", addresses[i], "--json").output == before[i][1]
        return len(ids)
    finally:
        app.close()


def test_every_golden_cycle_loads_the_same_from_a_snapshot(golden: Workspace) -> None:  # noqa: F811
    assert _same_with_and_without_snapshots(golden) == 2  # 甲局, 乙局


def test_every_demo_cycle_loads_the_same_from_a_snapshot(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    ws.ok("demo", "--units", "10", "--seed", "7")
    assert _same_with_and_without_snapshots(ws) >= 10


@pytest.fixture
def long_cycle(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """A cycle in 督查 past a lowered threshold (5 events; a new snapshot every 3)."""
    monkeypatch.setattr(snapshot_policy, "THRESHOLD", 5)
    monkeypatch.setattr(snapshot_policy, "INTERVAL", 3)
    ws = workspace
    ws.ok("unit", "add", "市财政局", "--category", "党政机关")
    ws.ok("cycle", "open", "市财政局", "2024", "--scheme", "jilin")
    ws.ok("task", "add", C, "三会一课", "--deadline", "2024-12-31")
    ws.ok("task", "publish", C)
    ws.ok("cycle", "advance", C, "start_do")
    ws.ok("cycle", "advance", C, "start_check")
    yield ws


def _finding(ws: Workspace, n: int) -> None:
    ws.ok(
        "finding",
        "record",
        C,
        "--source",
        "暗访",
        "--indicator",
        "discipline",
        "--points",
        "-1",
        "--observed-on",
        f"2024-05-{10 + n:02d}",
        "--evidence",
        f"证据{n}",
    )


def _snapshot_versions(ws: Workspace) -> list[int]:
    return [
        r[0]
        for r in ws.sql("SELECT originator_version FROM pdca_snapshots ORDER BY originator_version")
    ]


def test_a_long_cycle_is_snapshotted_as_it_grows_and_reads_the_same(long_cycle: Workspace) -> None:
    ws = long_cycle
    # Open 1, task 2, publish 3, do 4, check 5: the advance to check was loaded at 4
    # events (below 5): no snapshot yet. Findings 6.. : the one loaded at 5 takes one at 6.
    for n in range(6):
        _finding(ws, n)
    # 6 (first past the threshold), then a full load each time 3 were recorded since:
    # findings are head-only loads until 3 newer events, then one full load snapshots.
    versions = _snapshot_versions(ws)
    assert (
        versions
        and versions[0] == 6
        and all(b - a >= 3 for a, b in zip(versions, versions[1:], strict=False))
    )
    explained = json.loads(ws.ok("explain", C, "--json").output)
    daily = next(c for c in explained["components"] if c["id"] == "daily")
    app = _app(ws)
    try:
        cid = cycle_loading.load(app, Cycle.create_id("市财政局", "2024")).id
        folded = facts_of(list(app.repository.event_store.get(cid)))
        assert cycle_loading.load(app, cid).facts == folded
        assert len(folded.findings()) == 6
    finally:
        app.close()
    assert daily["score"] is not None
    status = ws.ok("cycle", "status", C).output
    assert "督查" in status and "start_act" in status
    assert ws.ok("verify", C).exit_code == 0


def test_a_snapshot_not_matching_its_event_is_ignored(long_cycle: Workspace) -> None:
    ws = long_cycle
    _finding(ws, 0)  # version 6: snapshotted
    assert _snapshot_versions(ws) == [6]
    app = _app(ws)
    try:
        cid = Cycle.create_id("市财政局", "2024")
        truth = cycle_loading.load(app, cid).facts
        lie = cycle_loading.load(app, cid).facts
        next(iter(lie.facts.values())).recorded_points = Decimal("-99")  # type: ignore[attr-defined]
        store = cycle_loading.snapshots(app)
        # Claims to fold to version 7 (no such event yet), and a wrong digest at 6's place.
        store.add(cid, 7, FOLD_VERSION, "0" * 64, encode_head(lie), encode_body(lie))
        assert cycle_loading.load(app, cid).facts == truth
    finally:
        app.close()
    assert "-99" not in ws.ok("explain", C, "--json").output


def test_verify_names_a_forged_snapshot(long_cycle: Workspace) -> None:
    ws = long_cycle
    _finding(ws, 0)
    _finding(ws, 1)  # version 7, head-only: the snapshot stays at 6
    assert ws.ok("verify", C).exit_code == 0
    app = _app(ws)
    try:
        cid = Cycle.create_id("市财政局", "2024")
        cycle = cycle_loading.load(app, cid)
        forged = cycle.facts
        next(iter(forged.facts.values())).recorded_points = Decimal("5")  # type: ignore[attr-defined]
        head = app.mapper.head(cid)
        assert head is not None and head[0] == 7
        # A writer may insert: the row names the true head digest, but not the true fold.
        cycle_loading.snapshots(app).add(
            cid, 7, FOLD_VERSION, head[1], encode_head(forged), encode_body(forged)
        )
    finally:
        app.close()
    result = ws.run("verify", C)
    assert result.exit_code != 0
    assert "快照不符" in result.output and "7" in result.output
    assert "Traceback" not in result.output


def test_a_failed_snapshot_insert_keeps_the_command_and_records_once(
    long_cycle: Workspace,
) -> None:
    ws = long_cycle
    if ws.backend == "sqlite":
        ws.sql(
            "CREATE TRIGGER refuse_snapshots BEFORE INSERT ON pdca_snapshots "
            "BEGIN SELECT RAISE(ABORT, 'snapshots refused'); END"
        )
    else:
        ws.tamper(
            "CREATE FUNCTION refuse_snapshots() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'snapshots refused'; END $$; "
            "CREATE TRIGGER refuse_snapshots BEFORE INSERT ON pdca_snapshots "
            "FOR EACH ROW EXECUTE FUNCTION refuse_snapshots()"
        )
    before = ws.event_count()
    _finding(ws, 0)  # loaded at 5 events: due a snapshot after its save, which fails
    assert ws.event_count() == before + 1
    history = json.loads(ws.ok("history", C, "--json").output)
    assert [e["type"] for e in history].count("FindingRecorded") == 1
    assert _snapshot_versions(ws) == []


def test_init_adds_the_table_and_drop_empties_it(long_cycle: Workspace) -> None:
    ws = long_cycle
    _finding(ws, 0)
    assert _snapshot_versions(ws) == [6]
    assert ws.ok("snapshots", "drop").output.strip() == "已删除 1 个快照"
    assert _snapshot_versions(ws) == []
    _finding(ws, 1)  # loads from the events alone, and snapshots anew
    assert _snapshot_versions(ws) == [7]
    if ws.backend == "sqlite":
        # A database initialised before snapshots: commands work without the table …
        ws.sql("DROP TABLE pdca_snapshots")
        _finding(ws, 2)
        assert "督查" in ws.ok("cycle", "status", C).output
        assert ws.ok("verify", C).exit_code == 0
        # … and the owner's init adds it.
        ws.ok("init", str(ws.root))
        _finding(ws, 3)
        assert _snapshot_versions(ws) == [9]
    else:
        # Append-only like the events, for every login but through drop's own lifting.
        with pytest.raises(Exception, match="只能追加"):
            ws.sql("DELETE FROM pdca_snapshots")


def test_the_files_a_cycle_names_come_with_its_one_load(long_cycle: Workspace) -> None:
    """``explain`` lists the attachments from the cycle as loaded (its snapshot carries
    them): the cycle's events are read once, and the list is the one its events give."""
    from tests.integration.test_evidence import files, pdf, sha

    ws = long_cycle
    scan, letter = pdf(b"scan"), pdf(b"letter")
    f = files(ws, scan_pdf=scan, letter_pdf=letter)
    finding = [*("finding", "record", C, "--source", "暗访", "--indicator", "discipline")]
    finding += ["--points", "-1", "--observed-on", "2024-05-12", "--evidence", "暗访记录"]
    ws.ok(*finding, "--attach", f["scan_pdf"])  # 6
    _finding(ws, 1)  # 7: names none
    ws.ok(*finding, "--attach", f["letter_pdf"], "--attach", f["scan_pdf"])  # 8
    expected = [
        {
            "position": p,
            "type": "FindingRecorded",
            "digest": sha(data),
            "name": name,
            "size": len(data),
            "media_type": "application/pdf",
        }
        for p, data, name in (
            (6, scan, "scan.pdf"),
            (8, letter, "letter.pdf"),
            (8, scan, "scan.pdf"),
        )
    ]
    from_events = json.loads(ws.ok("explain", C, "--json").output)
    assert from_events["attachments"] == expected
    app = _app(ws)
    try:
        cid = Cycle.create_id("市财政局", "2024")
        assert cycle_loading.take(app, cycle_loading.load(app, cid))
        assert cycle_loading.snapshots(app).latest(cid).version == 8
        reads = []
        select = app.recorder.select_events

        def counted(*args: Any, **kwargs: Any) -> Any:
            reads.append(kwargs.get("originator_id", args[0] if args else None))
            return select(*args, **kwargs)

        app.recorder.select_events = counted
        explained = app.explain(C).to_json()
        assert reads.count(cid) == 1  # the snapshot's head event and none after: one read
        assert explained["attachments"] == expected
        # As of the moment of event 7: the first file only, folded from the events.
        at = list(app.repository.event_store.get(cid))[6].timestamp
        assert app.explain(C, at).to_json()["attachments"] == expected[:1]
    finally:
        app.close()
    assert json.loads(ws.ok("explain", C, "--json").output) == from_events
