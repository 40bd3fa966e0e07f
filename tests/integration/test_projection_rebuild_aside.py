"""A rebuild is built aside and swapped in whole: one that fails half-way leaves the
served tables, and their positions, as they were (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import sqlite3

from click.testing import Result
from pdca_cli import cli

from tests.conftest import Workspace, _pg_connect
from tests.integration.test_read_only import demo_year

FLAKY = """\
import os

from sqlalchemy import Column, MetaData, String, Table

from pdca.projections.api import Batch, Fact, Projection, handles

flaky = Table("flaky", MetaData(), Column("position", String(20), primary_key=True))


class Flaky(Projection):
    name = "flaky"
    tables = (flaky,)

    @handles("Cycle.*")
    def any_cycle_event(self, fact: Fact, batch: Batch) -> None:
        if str(fact.position) == os.environ.get("FLAKY_AT"):
            fact["observed"]  # line 17: a field this event does not have
        batch.put(flaky, {"position": str(fact.position)})
"""


def _run(ws: Workspace, *args: str, **env: str) -> Result:
    return ws.runner.invoke(cli, list(args), env={**ws.env, **env}, catch_exceptions=False)


def _aside_tables(ws: Workspace) -> list[str]:
    if ws.backend == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE name LIKE 'pdca_aside_%'"
    else:
        query = (
            "SELECT table_name FROM information_schema.tables "
            f"WHERE table_schema = '{ws.schema}' AND table_name LIKE 'pdca_aside_%'"
        )
    return [name for (name,) in ws.sql(query)]


def _mark_served_scores(ws: Workspace) -> None:
    if ws.backend == "sqlite":
        with sqlite3.connect(ws.root / "pdca.sqlite3") as conn:
            conn.execute("UPDATE scores SET grade = '旧表'")
        return
    with _pg_connect() as conn:
        conn.execute(f"UPDATE \"{ws.schema}\".scores SET grade = '旧表'")


def _served(ws: Workspace) -> tuple[object, ...]:
    return (
        ws.sql("SELECT projection, position, version FROM pdca_tracking ORDER BY 1"),
        sorted(ws.sql("SELECT cycle_id, grade FROM scores")),
        sorted(ws.sql("SELECT position FROM flaky")),
    )


def test_a_failed_rebuild_keeps_serving_the_previous_tables(workspace: Workspace) -> None:
    ws = workspace
    demo_year(ws)
    (ws.root / "projections" / "flaky.py").write_text(FLAKY, encoding="utf-8")
    ws.ok("projections", "register")
    ws.ok("projections", "rebuild", "scores", "flaky")
    head = ws.event_count()
    period = json.loads(ws.ok("cycle", "list", "--json").output)[0]["period"]
    clean_ranking = ws.ok("ranking", period, "--json").stdout
    # Mark the served rows, so "the previous tables" can be told from a rebuilt one.
    _mark_served_scores(ws)
    old_ranking = ws.ok("ranking", period, "--json").stdout
    assert "旧表" in old_ranking and old_ranking != clean_ranking
    old_view = ws.ok("view", "flaky", "--json").stdout
    before = _served(ws)
    positions = sorted(int(p) for (p,) in ws.sql("SELECT position FROM flaky"))
    fail_at = positions[len(positions) * 3 // 4]  # after several batches were built aside

    failed = _run(
        ws, "projections", "rebuild", "scores", "flaky",
        FLAKY_AT=str(fail_at), PDCA_PROJECTION_BATCH_EVENTS="25",
    )  # fmt: skip
    assert failed.exit_code == 5, failed.output
    line = failed.output.strip().splitlines()[-1]
    assert line.startswith(f"错误：投影 flaky 在事件 {fail_at}（Cycle.")
    assert "projections/flaky.py 第 17 行：KeyError 'observed'" in line
    assert "原有的表照常提供查询，位置未变" in line
    assert ws.event_count() == head
    # The served tables, positions and answers are exactly the previous ones.
    assert _served(ws) == before
    assert ws.ok("ranking", period, "--json").stdout == old_ranking
    assert ws.ok("view", "flaky", "--json").stdout == old_view
    assert _aside_tables(ws) == [] and ws.sql("SELECT count(*) FROM pdca_rebuilding") == [(0,)]

    # A rebuild that succeeds swaps the new tables in.
    ws.ok("projections", "rebuild", "scores", "flaky")
    assert ws.ok("ranking", period, "--json").stdout == clean_ranking
    assert ws.ok("view", "flaky", "--json").stdout == old_view
    tracked = dict(ws.sql("SELECT projection, position FROM pdca_tracking"))
    assert tracked["scores"] == tracked["flaky"] == head
    assert _aside_tables(ws) == []
