"""Ballots that cannot be traced (issue 13, item 7), on SQLite and PostgreSQL.

The probe seen on main: slips are printed in issue order and, in a hall, voters vote in
roughly that order. From the database alone it mapped 10 of 10 cast ballots to the
printed position of their slip (issued digests stored in print order, each ballot beside
its token's digest). Here the adversary is stronger: it also holds the printed slips
(every token in print order), reads every column of every table and every log line.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from pdca.application.ballot_tokens import normalised, token_digest
from tests.conftest import Workspace
from tests.e2e.test_subprocess import PDCA
from tests.integration.test_scoring_refusals import CYCLE, in_check

ITEMS = ("duty", "report", "answers", "daily_work", "rectification")
SLIPS = 10


def marks(slip: int) -> dict[str, Decimal]:
    """Slip ``slip``'s ballot, told apart from every other by its 平时 mark."""
    return {"duty": 20, "report": 19, "answers": 18, "daily_work": 5 + slip, "rectification": 9}


def as_args(slip: int) -> list[str]:
    return [f"{k}={v}" for k, v in marks(slip).items()]


def run(ws: Workspace, *args: str, logs: list[str]) -> subprocess.CompletedProcess[str]:
    """A real ``pdca`` process at log level info; its log lines are kept."""
    done = subprocess.run(
        [PDCA, *args],
        env={**os.environ, **ws.env, "PDCA_LOG_LEVEL": "info"},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    logs.extend(done.stderr.splitlines())
    return done


def every_row(ws: Workspace) -> list[str]:
    """Every row of every table of the workspace's database, each as one string."""
    if ws.backend == "sqlite":
        names = [n for (n,) in ws.sql("SELECT name FROM sqlite_master WHERE type = 'table'")]
    else:
        names = [
            n
            for (n,) in ws.sql(
                "SELECT table_name FROM information_schema.tables "
                f"WHERE table_schema = '{ws.schema}'"
            )
        ]
    rows = []
    for name in names:
        for row in ws.sql(f'SELECT * FROM "{name}"'):
            rows.append(f"{name}: " + " | ".join(_text(v) for v in row))
    return rows


def _text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def slip_marks(ws: Workspace, tokens: list[str]) -> dict[int, set[str]]:
    """What could give a slip away, to someone holding the printed slips: the token as
    printed and typed, and its digest under every salt the database holds."""
    salts = {s for row in every_row(ws) for s in re.findall(r'"salt":\s*"([0-9a-f]{32})"', row)}
    found = {}
    for n, token in enumerate(tokens):
        found[n] = {token, normalised(token), token_digest(token, None)} | {
            token_digest(token, s) for s in salts
        }
    return found


def ballot_rows(ws: Workspace) -> list[str]:
    return [r for r in every_row(ws) if "scores" in r or r.startswith("pdca_ballot_box")]


def ballots_in_log_order(ws: Workspace) -> list[tuple[int, datetime | None]]:
    """Each stored ballot as (its slip by its marks, its recorded instant), in the order
    of the notification log."""
    order = "rowid" if ws.backend == "sqlite" else "notification_id"
    found = []
    for topic, state in ws.sql(f"SELECT topic, state FROM {ws.events_table} ORDER BY {order}"):
        if not topic.endswith(("Cycle.BallotCast", "Cycle.BallotCounted")):
            continue
        data = json.loads(bytes(state))
        daily = Decimal(data["scores"]["daily_work"]["_data_"])
        at = data.get("timestamp", {}).get("_data_")
        found.append((int(daily) - 5, datetime.fromisoformat(at) if at else None))
    return found


@pytest.fixture
def voting(workspace: Workspace) -> Workspace:
    in_check(workspace)
    workspace.ok("cycle", "advance", CYCLE, "start_check")
    return workspace


def test_nothing_in_the_database_or_the_logs_links_a_ballot_to_its_slip(
    voting: Workspace,
) -> None:
    ws, logs = voting, []
    issued = run(
        ws,
        "ballot",
        "issue",
        CYCLE,
        "--group",
        "masses",
        "--count",
        str(SLIPS),
        "--json",
        logs=logs,
    )
    tokens = json.loads(issued.stdout)["tokens"]  # the printed slips, in print order
    assert len(set(tokens)) == SLIPS
    assert all(len(normalised(t)) * 5 >= 128 for t in tokens)
    # The hall votes in slip order: the worst case for a log that keeps order.
    for slip, token in enumerate(tokens):
        run(ws, "ballot", "cast", CYCLE, "--token", token, *as_args(slip), logs=logs)
        if slip == SLIPS // 2:
            # While the box is open: its rows carry no token, digest, time or actor.
            box = [r for r in every_row(ws) if r.startswith("pdca_ballot_box")]
            assert len(box) == slip + 1
    last_cast = datetime.now().astimezone()
    run(ws, "ballot", "close", CYCLE, logs=logs)

    # 1. No row that holds a ballot holds anything of a slip (main: 10 of 10 linked).
    revealing = slip_marks(ws, tokens)
    linked = {
        n
        for row in ballot_rows(ws)
        for n, marks_of in revealing.items()
        if any(m in row for m in marks_of)
    }
    assert linked == set()
    # 2. The issued set keeps no print order: the digests are stored sorted.
    stored = next(r for r in every_row(ws) if '"token_digests"' in r and '"salt"' in r)
    digests = json.loads(stored[stored.index("{") : stored.rindex("}") + 1])["token_digests"]
    assert digests == sorted(digests) and len(digests) == SLIPS
    # 3. The log of events keeps no cast order and no cast time: the ballots were recorded
    #    together after the last cast, not in slip order (main: in slip order, each at its
    #    cast), and nothing else in the database says when each was cast.
    ballots = ballots_in_log_order(ws)
    assert sorted(s for s, _ in ballots) == list(range(SLIPS))
    assert [s for s, _ in ballots] != list(range(SLIPS))
    assert all(at is not None and at >= last_cast for _, at in ballots)
    assert [r for r in every_row(ws) if r.startswith("pdca_ballot_box")] == []
    # 4. No log line names a slip's token or digest, or who cast.
    assert logs
    for line in logs:
        assert not any(m in line for ms in revealing.values() for m in ms), line
        if '"ballot_boxed"' in line:
            assert ws.actor not in line
    # The ballots still count, and the repeat of a spent token is refused.
    assert "票箱未关闭" not in ws.ok("explain", CYCLE).output


def test_a_spent_token_is_refused_at_once_while_its_ballot_waits_in_the_box(
    voting: Workspace,
) -> None:
    ws = voting
    tokens = json.loads(
        ws.ok("ballot", "issue", CYCLE, "--group", "masses", "--count", "3", "--json").output
    )["tokens"]
    ws.ok("ballot", "cast", CYCLE, "--token", tokens[0], *as_args(0))
    box = [r for r in every_row(ws) if r.startswith("pdca_ballot_box")]
    # Typed in lower case with spaces for hyphens it is the same token: refused.
    typed = tokens[0].lower().replace("-", " ")
    assert "已使用过" in ws.refused("ballot", "cast", CYCLE, "--token", typed, *as_args(1))
    assert [r for r in every_row(ws) if r.startswith("pdca_ballot_box")] == box
    # Not counted until the box is closed: the score says so instead of guessing.
    explained = json.loads(ws.ok("explain", CYCLE, "--json").output)
    assert "票箱未关闭：masses 1 张待计入" in json.dumps(explained, ensure_ascii=False)
    assert ws.ok("ballot", "close", CYCLE).output == "已关闭票箱（masses）：计入 1 张\n"
    line = ws.refused("ballot", "close", CYCLE)
    assert line.startswith("错误：周期 甲局/2024 没有待计入的票箱")
    history = json.loads(ws.ok("history", CYCLE, "--json").output)
    spent, counted, closed = (
        e for e in history if e["type"].startswith("Ballot") and e["type"] != "BallotsIssued"
    )
    assert (spent["type"], spent["actor"]) == ("BallotTokensUsed", "")
    assert (counted["type"], counted["actor"]) == ("BallotCounted", "")
    assert (closed["type"], closed["actor"]) == ("BallotBoxClosed", ws.actor)
    table = ws.ok("history", CYCLE).output.splitlines()
    assert sum("不记名" in line and "测评票" in line for line in table) == 1


def test_a_clerks_paper_batch_is_one_event_naming_the_clerk(voting: Workspace, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ws = voting
    tokens = json.loads(
        ws.ok("ballot", "issue", CYCLE, "--group", "masses", "--count", "4", "--json").output
    )["tokens"]
    path = tmp_path / "paper.csv"
    path.write_text(
        "token,"
        + ",".join(ITEMS)
        + "\n"
        + "".join(
            f"{t}," + ",".join(str(v) for v in marks(n).values()) + "\n"
            for n, t in enumerate(tokens)
        ),
        encoding="utf-8",
    )
    ws.ok("ballot", "import", CYCLE, str(path), actor="书记员-李四")
    history = json.loads(ws.ok("history", CYCLE, "--json").output)
    spent = [e for e in history if e["type"] == "BallotTokensUsed"]
    counted = [e for e in history if e["type"] == "BallotCounted"]
    assert [e["actor"] for e in spent] == ["书记员-李四"]
    assert len(counted) == 4 and {e["actor"] for e in counted} == {""}
    assert "票箱未关闭" not in ws.ok("explain", CYCLE).output


def test_a_token_issued_before_salts_still_votes_in_a_cycle_still_voting(
    voting: Workspace,
) -> None:
    import hashlib

    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace
    from pdca.domain.cycle import Cycle

    ws = voting
    app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
    try:  # an issue as a pdca before issue 13 stored it: unsalted SHA-256, no salt
        cycle = app.get_cycle(CYCLE)
        old = hashlib.sha256(b"3F9A1-0C2B7").hexdigest()
        cycle.record(
            Cycle.BallotsIssued, group="masses", token_digests=[old], salt=None, actor="甲"
        )
        app.save(cycle)
    finally:
        app.close()
    ws.ok("ballot", "cast", CYCLE, "--token", "3f9a1-0c2b7", *as_args(0))
    assert "已使用过" in ws.refused("ballot", "cast", CYCLE, "--token", "3F9A1-0C2B7", *as_args(1))
    assert ws.ok("ballot", "close", CYCLE).output == "已关闭票箱（masses）：计入 1 张\n"


def test_a_ballot_lost_on_its_way_to_the_box_is_told_and_counted_missing(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    in_check(ws)
    ws.ok("cycle", "advance", CYCLE, "start_check")
    tokens = json.loads(
        ws.ok("ballot", "issue", CYCLE, "--group", "masses", "--count", "2", "--json").output
    )["tokens"]
    # A box table the ballot cannot be written to: the process fails after the token is
    # spent, which is the order that never lets a token count twice.
    ws.sql("DROP TABLE pdca_ballot_box")
    ws.sql("CREATE TABLE pdca_ballot_box (cycle_id TEXT, grp TEXT, generation INTEGER)")
    done = subprocess.run(
        [PDCA, "ballot", "cast", CYCLE, "--token", tokens[0], *as_args(3)],
        env={**os.environ, **ws.env},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 6 and done.stderr.startswith(
        "错误：令牌已用，但这张票未能放入票箱（"
    ), done.stderr
    assert done.stderr.rstrip().endswith("此票不计入，关闭票箱时计为未入箱")
    ws.sql("DROP TABLE pdca_ballot_box")  # made again, whole, on the next cast
    assert "已使用过" in ws.refused("ballot", "cast", CYCLE, "--token", tokens[0], *as_args(3))
    ws.ok("ballot", "cast", CYCLE, "--token", tokens[1], *as_args(4))
    assert ws.ok("ballot", "close", CYCLE).output == (
        "已关闭票箱（masses）：计入 1 张；另有 1 张已用令牌的票未入箱（写入中断），无法计入\n"
    )


def test_a_round_is_not_finalised_over_an_open_box_and_the_box_closes_after_督查(
    voting: Workspace,
) -> None:
    ws = voting
    [token] = json.loads(
        ws.ok("ballot", "issue", CYCLE, "--group", "masses", "--count", "1", "--json").output
    )["tokens"]
    ws.ok("ballot", "cast", CYCLE, "--token", token, *as_args(0))
    ws.ok("cycle", "advance", CYCLE, "start_act")
    ws.ok("round", "open", "2024", "--scheme", "jilin")
    assert "票箱未关闭：masses 1 张待计入" in ws.refused("round", "finalize", "2024")
    assert ws.ok("ballot", "close", CYCLE).output == "已关闭票箱（masses）：计入 1 张\n"
    assert "票箱未关闭" not in ws.refused("round", "finalize", "2024")


@pytest.mark.parametrize("process", ["one per command", "one for the whole vote"])
def test_no_trace_of_the_box_is_left_in_the_sqlite_files_once_it_is_closed(
    sqlite_workspace: Workspace, process: str
) -> None:
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace
    from tests._round import acting

    ws = sqlite_workspace
    in_check(ws)
    ws.ok("cycle", "advance", CYCLE, "start_check")
    tokens = json.loads(
        ws.ok("ballot", "issue", CYCLE, "--group", "masses", "--count", "6", "--json").output
    )["tokens"]
    if process == "one per command":
        for slip, token in enumerate(tokens):
            ws.ok("ballot", "cast", CYCLE, "--token", token, *as_args(slip))
        ws.ok("ballot", "close", CYCLE)
    else:  # a server's process: its connection, and so the write-ahead log, stay open
        app = PdcaApplication(open_workspace(str(ws.root), ws.db_url))
        for slip, token in enumerate(tokens):
            app.cast_ballot(acting(), CYCLE, token, marks(slip))
        app.close_ballots(acting(), CYCLE)
    try:
        # The box's own spelling of a ballot (the events spell their marks otherwise): not
        # in the file, nor in its write-ahead log, where each cast's page would show the
        # ballot it added, in slip order.
        raw = b"".join(p.read_bytes() for p in ws.root.glob("pdca.sqlite3*"))
        for slip in range(len(tokens)):
            assert f'"daily_work": "{5 + slip}"'.encode() not in raw
    finally:
        if process != "one per command":
            app.close()
