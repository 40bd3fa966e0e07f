"""Projection files are trusted code: reads never run them, the admin's commands run
only the files an admin registered.

Seen on main: a file dropped into ``projections/`` ran inside every actor's
``projections list`` with the live connection, and deleted two unit registrations
(and ``verify`` stayed clean). Here such a file writes a marker and deletes the
catalog's units when imported; no read, by any actor, may leave either trace.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import PG_DSN, Workspace
from tests.integration.test_read_only import demo_year, read_commands

AUDITOR = "审计-赵六"


def _probe(ws: Workspace, marker: Path) -> str:
    """A projection file whose import has side effects, on either database."""
    if ws.backend == "sqlite":
        wipe = (
            "import sqlite3\n"
            f"with sqlite3.connect({str(ws.root / 'pdca.sqlite3')!r}) as c:\n"
            "    c.execute('DELETE FROM catalog_units')\n"
        )
    else:
        wipe = (
            "import psycopg\n"
            f"with psycopg.connect({PG_DSN!r}, autocommit=True) as c:\n"
            f"    c.execute('DELETE FROM \"{ws.schema}\".catalog_units')\n"
        )
    return (
        "from pathlib import Path\n"
        "from sqlalchemy import Column, MetaData, String, Table\n"
        "from pdca.projections.api import Projection, handles\n"
        f"Path({str(marker)!r}).write_text('imported')\n"
        f"{wipe}"
        "probe = Table('probe', MetaData(), Column('k', String(20), primary_key=True))\n"
        "class Probe(Projection):\n"
        "    name = 'probe'\n"
        "    title = '探针'\n"
        "    tables = (probe,)\n"
        "    @handles('Unit.Registered')\n"
        "    def unit(self, fact, batch):\n"
        "        batch.put(probe, {'k': 'seen'})\n"
    )


def _units(ws: Workspace) -> int:
    return ws.sql("SELECT count(*) FROM catalog_units")[0][0]


def test_reads_by_any_actor_never_import_a_projection_file(
    workspace: Workspace, tmp_path: Path
) -> None:
    ws = workspace
    cycle, item = demo_year(ws)
    units, events = _units(ws), ws.event_count()
    assert units == 4
    marker = tmp_path / "imported.txt"
    probe = ws.root / "projections" / "probe.py"
    probe.write_text(_probe(ws, marker), encoding="utf-8")
    reads = read_commands(cycle, item, tmp_path / "report.html", ws.root)
    reads += [["projections", "list"], ["projections", "status"], ["view", "catalog_units"]]

    def every_read_leaves_no_trace() -> None:
        for actor in (ws.actor, AUDITOR):
            for args in reads:
                result = ws.run(*args, actor=actor)
                assert result.exit_code == 0, (args, result.output)
                assert not marker.exists(), f"{args} by {actor} imported projections/probe.py"
        assert _units(ws) == units

    every_read_leaves_no_trace()
    # The admin's commands refuse the unregistered file, before importing it.
    for args in (("projections", "run"), ("projections", "rebuild", "--all")):
        line = ws.refused(*args)
        assert "投影文件 projections/probe.py 新增，未经管理员登记，不予运行" in line
        assert not marker.exists() and _units(ws) == units
    assert ws.event_count() == events

    # Registered, the file is the admin's code: their commands run it ...
    ws.ok("projections", "register")
    assert marker.exists()
    marker.unlink()
    ws.ok("projections", "run")  # (running it again wipes the catalog: it is trusted)
    ws.ok("projections", "rebuild", "catalog")
    assert _units(ws) == units
    listed = {p["name"]: p for p in json.loads(ws.ok("projections", "list", "--json").output)}
    assert listed["probe"]["source"] == "projections/probe.py"
    assert listed["probe"]["title"] == "探针"
    assert [r["k"] for r in json.loads(ws.ok("view", "probe", "--json").output)] == ["seen"]
    marker.unlink()
    # ... and still no read imports it.
    every_read_leaves_no_trace()


def test_a_changed_added_or_deleted_file_is_refused_until_registered(
    sqlite_workspace: Workspace,
) -> None:
    ws = sqlite_workspace
    folder = ws.root / "projections"
    ws.ok("projections", "run")  # the shipped examples, byte for byte: pdca's own code
    ws.ok("projections", "register")
    registered = ws.event_count()

    edited = folder / "grid_ranking.py"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# 改动\n", encoding="utf-8")
    line = ws.refused("projections", "run", "grid_ranking")
    assert line == (
        "错误：投影文件 projections/grid_ranking.py 已修改，未经管理员登记，不予运行；"
        "核对后由管理员登记：pdca projections register"
    )
    # Any file of the folder, not only the one run: the built-in views are no way round.
    assert "grid_ranking.py 已修改" in ws.refused("projections", "run")
    assert "grid_ranking.py 已修改" in ws.refused("projections", "rebuild", "--all")
    assert "grid_ranking.py 已修改" in ws.refused("projections", "run", "--follow")  # the worker
    ws.ok("projections", "register")
    (folder / "helper.txt").write_text("notes", encoding="utf-8")
    assert "projections/helper.txt 新增" in ws.refused("projections", "run")
    (folder / "helper.txt").unlink()
    (folder / "task_bulletin.py").unlink()
    assert "projections/task_bulletin.py 已删除" in ws.refused("projections", "run")
    done = json.loads(ws.ok("projections", "register", "--json").output)
    assert done["changed"] == [{"file": "task_bulletin.py", "change": "已删除"}]
    assert ws.event_count() == registered + 2
    ws.ok("projections", "run")
    # `projections new` registers the file it writes (and only that one): it runs as is.
    ws.ok("projections", "new", "mine")
    ws.ok("projections", "run", "mine")
    # The registration is an event of the history, by the admin who made it.
    topics = [t for (t,) in ws.sql(f"SELECT topic FROM {ws.events_table}")]
    assert topics.count("pdca.domain.registry:ProjectionFiles.Reregistered") == 3
    # In the chain like every aggregate: the history verifies clean.
    assert ws.run("verify", "--all").exit_code == 0


def test_only_an_admin_registers(sqlite_workspace: Workspace) -> None:
    ws = sqlite_workspace
    # The owner founds the accounts (and is their first admin); 督查-李四 supervises.
    ws.ok("account", "add", ws.owner, "--person", ws.actor, "--role", "supervisor")
    ws.ok("account", "add", "督查-李四", "--role", "supervisor")
    ws.ok("account", "add", AUDITOR, "--role", "auditor")
    (ws.root / "projections" / "mine.py").write_text("# 管理员的草稿\n", encoding="utf-8")
    before = ws.event_count()
    for login in ("督查-李四", AUDITOR):
        result = ws.run("projections", "register", principal=login)
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert result.exit_code == 7 and len(lines) == 1, result.output
        assert lines[0].startswith("错误：") and "pdca projections register" in lines[0]
        assert "管理员" in lines[0]
    assert ws.event_count() == before
    # An empty file defines no projection: refused by the check, nothing recorded.
    assert "没有定义投影" in ws.refused("projections", "register")
    (ws.root / "projections" / "mine.py").unlink()
    ws.ok("projections", "register")
    assert ws.event_count() == before + 1
