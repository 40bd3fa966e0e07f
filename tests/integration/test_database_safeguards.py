"""What the PostgreSQL database itself guarantees, tried with real logins (issue 13, items
1's stamp, 3 and 4): ``CREATE ROLE … LOGIN IN ROLE <group>`` for each kind of person,
each using the workspace through its own database URL, dropped after.

* The event table is append-only for every login, the owner included; lifting it is the
  owner's explicit ``ALTER TABLE … DISABLE TRIGGER``.
* Every row is stamped with the login that inserted it: a raw row a writer inserts with
  psql under someone else's name is flagged by ``verify`` (and ``--json``) and ``history``,
  though its chain is consistent.
* ``pdca init`` re-run by the owner upgrades a database made before: rows from before
  carry no stamp and are not flagged.
* Group roles: what each may do; view tables belong to admin; a projection added later
  is readable by readers; a reader runs every read command and writes nothing; a worker
  follows as a subprocess and stops on SIGTERM and SIGINT.
* A login that may not create roles gets the SQL for a DBA, also from
  ``pdca init --print-sql``; a login that does not own the database joins it untouched.

Commands run with ``PDCA_ACTOR`` set to the login's own name, so the events record as
their principal the login that writes them whether or not the actor model is merged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from click.testing import CliRunner, Result
from pdca_cli import cli

from pdca.domain.ids import cycle_id
from pdca.storage.chain import PREV, digest
from tests.conftest import PG_DSN, Workspace, _pg_connect, drop_pg_schema, group_roles_of
from tests.integration.test_read_only import (
    WORKSPACE_BEHIND,
    behind,
    read_commands,
    reads_a_view,
    said_beside,
)

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")
REFUSED = "事件只能追加"
CYCLE = "甲局/2024"

PG = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def login_url(login: str, schema: str) -> str:
    parts = urlsplit(PG_DSN)
    return f"postgresql+psycopg://{login}@{parts.hostname}:{parts.port or 5432}{parts.path}?schema={schema}"


def connect(login: str, schema: str) -> psycopg.Connection[Any]:
    """A psql-like session of ``login`` (autocommit), on the workspace's schema."""
    parts = urlsplit(PG_DSN)
    conn = psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        dbname=parts.path.lstrip("/"),
        user=login,
        autocommit=True,
        connect_timeout=3,
    )
    conn.execute(f'SET search_path TO "{schema}"')
    return conn


@dataclass
class Office:
    """A workspace on PostgreSQL with one login per kind of person."""

    ws: Workspace
    logins: dict[str, str]  # kind → login name
    groups: dict[str, str]  # kind → group role

    def env(self, kind: str) -> dict[str, str]:
        login = self.logins[kind]
        return {**self.ws.env, "PDCA_DB": login_url(login, self.ws.schema), "PDCA_ACTOR": login}

    def run(self, kind: str, *args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=self.env(kind), catch_exceptions=False)

    def ok(self, kind: str, *args: str) -> Result:
        result = self.run(kind, *args)
        assert result.exit_code == 0, f"{kind}: {args} → {result.exit_code}\n{result.output}"
        return result

    def session(self, kind: str) -> psycopg.Connection[Any]:
        return connect(self.logins[kind], self.ws.schema)


def create_login(group: str | None, prefix: str = "pdca_l") -> str:
    login = f"{prefix}_{uuid.uuid4().hex[:8]}"
    member = f' IN ROLE "{group}"' if group else ""
    with _pg_connect() as conn:
        conn.execute(f'CREATE ROLE "{login}" LOGIN{member}')
    return login


def drop_login(login: str) -> None:
    with _pg_connect() as conn:
        conn.execute(f'DROP OWNED BY "{login}"')
        conn.execute(f'DROP ROLE IF EXISTS "{login}"')


@pytest.fixture
def office(workspace: Workspace) -> Iterator[Office]:
    groups = group_roles_of(workspace.schema)
    logins = {kind: create_login(group) for kind, group in groups.items()}
    try:
        yield Office(workspace, logins, groups)
    finally:
        for login in logins.values():
            drop_login(login)


def a_cycle(office: Office) -> None:
    """A unit and its cycle with two tasks, recorded by the writer login."""
    office.ok("writer", "unit", "add", "甲局", "--category", "党政机关")
    office.ok("writer", "cycle", "open", "甲局", "2024", "--scheme", "jilin")
    for title in ("学习", "整改"):
        office.ok("writer", "task", "add", CYCLE, title, "--deadline", "2024-06-30")


def verify_json(office: Office, kind: str = "writer") -> tuple[int, dict[str, Any]]:
    result = office.run(kind, "verify", "--json")
    return result.exit_code, json.loads(result.stdout)


def stream(ws: Workspace, cycle: str) -> list[tuple[int, str, bytes, str | None]]:
    unit, period = cycle.split("/")
    return [
        (v, t, bytes(s), stamp)
        for v, t, s, stamp in ws.sql(
            "SELECT originator_version, topic, state, principal_stamp FROM pdca_events "
            f"WHERE originator_id = '{cycle_id(unit, period)}' ORDER BY originator_version"
        )
    ]


# ---- append-only --------------------------------------------------------------------------


@PG
def test_writers_and_the_owner_cannot_update_delete_or_truncate_events(office: Office) -> None:
    ws = office.ws
    a_cycle(office)  # the writer records: its INSERT takes the library's EXCLUSIVE lock
    before = ws.sql(
        "SELECT originator_id, originator_version, state FROM pdca_events ORDER BY 1, 2"
    )
    attempts = [
        "UPDATE pdca_events SET state = state WHERE originator_version = 2",
        "UPDATE pdca_events SET topic = topic WHERE false",  # matching no row: refused too
        "DELETE FROM pdca_events WHERE originator_version = 3",
        "TRUNCATE pdca_events",
    ]
    with office.session("writer") as writer, _pg_connect() as owner:
        owner.execute(f'SET search_path TO "{ws.schema}"')
        for statement in attempts:
            with pytest.raises(psycopg.Error) as refused:
                owner.execute(statement)
            assert REFUSED in str(refused.value), statement
            with pytest.raises(psycopg.Error) as refused:
                writer.execute(statement)
            # The writer holds UPDATE (the library's lock needs it) and the trigger
            # refuses the statement; DELETE and TRUNCATE it was never granted.
            expected = REFUSED if statement.startswith("UPDATE") else "permission denied"
            assert expected in str(refused.value), statement
        # Lifting the guard is the owner's alone, and explicit.
        with pytest.raises(psycopg.Error, match="must be owner"):
            writer.execute("ALTER TABLE pdca_events DISABLE TRIGGER pdca_append_only")
    after = ws.sql("SELECT originator_id, originator_version, state FROM pdca_events ORDER BY 1, 2")
    assert after == before and len(before) == 1 + 1 + 2  # the unit, the cycle, 2 tasks
    with _pg_connect() as owner, owner.transaction(force_rollback=True):
        owner.execute(f'SET search_path TO "{ws.schema}"')
        owner.execute("ALTER TABLE pdca_events DISABLE TRIGGER pdca_append_only")
        assert owner.execute("DELETE FROM pdca_events WHERE originator_version = 3").rowcount == 1
    assert ws.event_count() == len(before)
    # The trigger is back for everyone once that transaction is gone.
    with office.session("writer") as writer, pytest.raises(psycopg.Error, match=REFUSED):
        writer.execute("UPDATE pdca_events SET state = state")


# ---- the principal stamp ------------------------------------------------------------------


@PG
def test_a_raw_row_a_writer_inserts_under_another_name_is_flagged(office: Office) -> None:
    ws = office.ws
    a_cycle(office)
    code, clean = verify_json(office)
    assert code == 0 and clean["clean"], clean
    rows = stream(ws, CYCLE)
    writer = office.logins["writer"]
    assert {stamp for *_, stamp in rows} == {writer}

    # A writer with psql appends a task under the supervisor's name, chained correctly
    # (so the chain check passes), and even writes the stamp column itself.
    version, topic, state, _ = rows[1]
    data = json.loads(state)
    data.update(actor="督查组-张三", principal="督查组-张三", title="伪造的任务", task_no=3)
    data[PREV] = digest(cycle_id("甲局", "2024"), rows[-1][1], rows[-1][2])
    forged = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    head = rows[-1][0]
    with office.session("writer") as session:
        session.execute(
            "INSERT INTO pdca_events (originator_id, originator_version, topic, state, "
            "principal_stamp) VALUES (%s, %s, %s, %s, %s)",
            (cycle_id("甲局", "2024"), head + 1, topic, forged, "督查组-张三"),
        )
    assert stream(ws, CYCLE)[-1][3] == writer  # the trigger overwrote what it was given

    code, report = verify_json(office)
    assert code == 8 and not report["clean"]
    assert [(p["aggregate"], p["position"], p["kind"]) for p in report["problems"]] == [
        ("周期 甲局/2024", head + 1, "principal")
    ]
    assert writer in report["problems"][0]["detail"]
    assert "督查组-张三" in report["problems"][0]["detail"]
    one = office.run("reader", "verify", CYCLE, "--json")  # one cycle: the same finding
    assert one.exit_code == 8
    assert [p["kind"] for p in json.loads(one.stdout)["problems"]] == ["principal"]
    text = office.run("reader", "verify").stdout
    assert "发现 1 处篡改" in text and "登录不符" in text

    history = json.loads(office.ok("reader", "history", CYCLE, "--json").stdout)
    flagged = [h for h in history if "stamp_mismatch" in h]
    assert [h["position"] for h in flagged] == [head + 1]
    assert writer in flagged[0]["stamp_mismatch"]
    table = office.ok("reader", "history", CYCLE).stdout
    assert table.count("【⚠ ") == 1 and f"由数据库登录 {writer} 写入" in table


@PG
def test_init_rerun_by_the_owner_upgrades_an_older_database(office: Office) -> None:
    ws = office.ws
    # A database from before the stamp: no column, no triggers, no marker of them.
    with _pg_connect() as owner:
        owner.execute(f'SET search_path TO "{ws.schema}"')
        owner.execute("DROP TRIGGER pdca_append_only ON pdca_events")
        owner.execute("DROP TRIGGER pdca_stamp_principal ON pdca_events")
        owner.execute("ALTER TABLE pdca_events DROP COLUMN principal_stamp")
        owner.execute("DELETE FROM pdca_meta WHERE key = 'principal_stamp_after'")
    # Written then by a login other than the name recorded (as everyone wrote on main).
    ws.ok("unit", "add", "旧局", "--category", "党政机关")
    assert ws.ok("verify").exit_code == 0
    old = ws.event_count()

    result = ws.ok("init", str(ws.root))
    assert "事件表：只可追加" in result.output
    stamps = ws.sql("SELECT principal_stamp FROM pdca_events")
    assert stamps == [(None,)] * old  # rows from before carry no stamp ...
    assert ws.ok("verify").exit_code == 0  # ... and are not flagged
    office.ok("writer", "unit", "add", "新局", "--category", "党政机关")
    assert ws.ok("verify", "--json").exit_code == 0
    with _pg_connect() as owner, pytest.raises(psycopg.Error, match=REFUSED):
        owner.execute(f'DELETE FROM "{ws.schema}".pdca_events')

    # A row stored after stamping began without a stamp: the owner switched it off.
    with _pg_connect() as owner:
        owner.execute(f'SET search_path TO "{ws.schema}"')
        (oid, version, topic, state) = owner.execute(
            "SELECT originator_id, originator_version, topic, state FROM pdca_events "
            "ORDER BY notification_id DESC LIMIT 1"
        ).fetchone()
        data = json.loads(bytes(state))
        data[PREV] = digest(oid, topic, bytes(state))
        owner.execute("ALTER TABLE pdca_events DISABLE TRIGGER pdca_stamp_principal")
        owner.execute(
            "INSERT INTO pdca_events (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s)",
            (oid, version + 1, topic, json.dumps(data, ensure_ascii=False).encode()),
        )
        owner.execute("ALTER TABLE pdca_events ENABLE TRIGGER pdca_stamp_principal")
    code, report = verify_json(office)
    assert code == 8
    assert [(p["position"], p["kind"]) for p in report["problems"]] == [(version + 1, "unstamped")]


# ---- group roles ------------------------------------------------------------------------------


@PG
def test_each_group_role_may_do_its_share_and_no_more(office: Office) -> None:
    ws = office.ws
    a_cycle(office)
    groups = office.groups
    assert all(name.startswith(f"pdca_test_{ws.schema}_") for name in groups.values())
    owners = dict(
        ws.sql("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = current_schema()")
    )
    # The snapshots (a cache of cycles' folds) are the owner's and append-only, like events.
    assert owners.pop("pdca_events") == owners.pop("pdca_meta") == "postgres"
    assert owners.pop("pdca_snapshots") == "postgres"
    assert owners.pop("pdca_attachments") == "postgres"  # append-only but for a purge
    # The login tables stay the owner's: an admin owning them could read the hashes.
    for table in (
        "pdca_credentials",
        "pdca_sessions",
        "pdca_login_attempts",
        "pdca_client_throttle",
    ):
        assert owners.pop(table) == "postgres"
    assert set(owners.values()) == {groups["admin"]}  # every view table and pdca_tracking
    assert {"pdca_tracking", "catalog_units", "scores"} <= set(owners)

    unit = "INSERT INTO pdca_events (originator_id, originator_version, topic, state) VALUES (%s, 1, 't', 'x')"
    denied = {
        "reader": [unit, "UPDATE pdca_tracking SET position = 0", "DELETE FROM catalog_units",
                   "INSERT INTO pdca_meta VALUES ('k', 'v')"],
        "worker": [unit, "INSERT INTO pdca_meta VALUES ('k', 'v')", "CREATE TABLE mine (x int)"],
        "writer": ["DELETE FROM pdca_meta", "CREATE TABLE mine (x int)", "DROP TABLE scores"],
    }  # fmt: skip
    for kind, statements in denied.items():
        with office.session(kind) as session:
            for statement in statements:
                params = (uuid.uuid4(),) if "%s" in statement else None
                with pytest.raises(psycopg.Error, match="permission denied|must be owner"):
                    session.execute(statement, params)
    # Writers cast into the ballot box (a table of its own, outside the event log).
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    app = PdcaApplication(
        open_workspace(str(ws.root), login_url(office.logins["writer"], ws.schema))
    )
    try:
        app.ballot_box().put("c", "g", 0, {"x": Decimal("90")})
        assert app.ballot_box().ballots("c", "g", 0) == [{"x": Decimal("90")}]
    finally:
        app.close()
    with office.session("reader") as session, pytest.raises(psycopg.Error, match="denied"):
        session.execute("DELETE FROM pdca_ballot_box")
    # Writers append snapshots; no one changes one (a reader may not even insert).
    snapshot = "INSERT INTO pdca_snapshots VALUES (%s, 1, 'f', 'd', 'h'::bytea, 'b'::bytea)"
    with office.session("writer") as session, session.transaction(force_rollback=True):
        session.execute(snapshot, ("c",))
        with pytest.raises(psycopg.Error, match="permission denied"):
            session.execute("DELETE FROM pdca_snapshots")
    with office.session("reader") as session, pytest.raises(psycopg.Error, match="denied"):
        session.execute(snapshot, ("c",))
    # Attachments: writers add bytes, never change or remove them; only an admin's UPDATE
    # that removes the bytes (a purge) passes, and nobody deletes a row.
    digest = "ab" * 32
    add = "INSERT INTO pdca_attachments (digest, size, content) VALUES (%s, 1, 'x')"
    purge = "UPDATE pdca_attachments SET content = NULL, purged = true WHERE digest = %s"
    with office.session("writer") as session:
        session.execute(add, (digest,))
        for statement in (purge, "UPDATE pdca_attachments SET content = 'y' WHERE digest = %s"):
            with pytest.raises(psycopg.Error, match="permission denied"):
                session.execute(statement, (digest,))
    with office.session("admin") as session:
        with pytest.raises(psycopg.Error, match="附件只能追加"):
            session.execute(
                "UPDATE pdca_attachments SET content = 'y' WHERE digest = %s", (digest,)
            )
        session.execute(purge, (digest,))
        with pytest.raises(psycopg.Error, match="permission denied|只能追加"):
            session.execute("DELETE FROM pdca_attachments")
    # What they may: readers read; writers and workers keep the views' rows.
    with office.session("reader") as session:
        assert session.execute("SELECT count(*) FROM pdca_events").fetchone()[0] == 4
    for kind in ("writer", "worker"):
        with office.session(kind) as session, session.transaction(force_rollback=True):
            session.execute("UPDATE pdca_tracking SET position = position")
            session.execute("DELETE FROM catalog_units")


@PG
def test_a_projection_an_admin_adds_later_is_readable_by_readers(office: Office) -> None:
    ws = office.ws
    a_cycle(office)
    office.ok("admin", "projections", "new", "later_view")
    office.ok("admin", "projections", "rebuild", "later_view")
    owner = ws.sql("SELECT tableowner FROM pg_tables WHERE tablename = 'later_view'")
    assert owner == [(office.groups["admin"],)]
    office.ok("writer", "unit", "add", "乙局", "--category", "党政机关")
    result = office.ok("reader", "view", "later_view", "--json")
    assert said_beside(result.stderr) == WORKSPACE_BEHIND.format(name="later_view", n=1) + "\n"
    # The worker catches it up; the reader then reads it current.
    office.ok("worker", "projections", "run")
    result = office.ok("reader", "view", "later_view", "--json")
    assert said_beside(result.stderr) == ""


def snapshot(ws: Workspace) -> list[Any]:
    """Everything a write could change: each table, its owner and row count, each view's
    tracked position, the roles' grants."""
    tables = ws.sql(
        "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    )
    counts = [ws.sql(f'SELECT count(*) FROM "{t}"')[0][0] for t, _ in tables]
    positions = ws.sql("SELECT projection, position, version FROM pdca_tracking ORDER BY 1")
    grants = ws.sql(
        "SELECT relname, relacl::text FROM pg_class WHERE relnamespace = "
        "current_schema()::regnamespace ORDER BY 1"
    )
    return [tables, counts, positions, grants]


@PG
def test_a_reader_login_runs_every_read_command_and_writes_nothing(
    office: Office, tmp_path: Path
) -> None:
    ws = office.ws
    ws.ok("demo", "--units", "4")  # it sets tables up: the owner's to run
    office.ok("admin", "projections", "new", "later_view")
    office.ok("admin", "projections", "rebuild", "--all")
    cycle = json.loads(office.ok("reader", "cycle", "list", "--json").stdout)[0]["cycle"]
    items = json.loads(
        office.ok("writer", "rectify", "list", "--today", "2025-05-01", "--json").stdout
    )
    office.ok("writer", "unit", "add", "后来的单位", "--category", "党政机关")
    before = snapshot(ws)
    commands = read_commands(cycle, items[0]["id"], tmp_path / "report.html", ws.root)
    commands.append(["view", "later_view", "--json"])
    for args in commands:
        result = office.run("reader", *args)
        said = f"pdca {' '.join(args)} → {result.exit_code}\n{result.output}"
        assert result.exit_code == 0, said
        if args[:2] == ["view", "later_view"]:
            expected = WORKSPACE_BEHIND.format(name="later_view", n=1) + "\n"
        else:
            expected = behind(args, 1) if reads_a_view(args) else ""
        assert said_beside(result.stderr) == expected, said
    assert snapshot(ws) == before
    refused = office.run("reader", "unit", "add", "丙局", "--category", "党政机关")
    assert refused.exit_code == 6 and "没有所需的权限" in refused.output
    assert snapshot(ws) == before


# ---- the worker ---------------------------------------------------------------------------


def _wait_for(check: Any, what: str) -> None:
    deadline = time.monotonic() + 60  # a generous bound for a busy machine, not a measure
    while not check():
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.1)


@PG
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_worker_follows_as_a_subprocess_and_stops_cleanly(
    office: Office, stop: signal.Signals
) -> None:
    ws = office.ws
    env = {**os.environ, **office.env("worker")}
    worker = subprocess.Popen(
        [PDCA, "projections", "run", "catalog", "--follow", "--interval", "0.05"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stderr is not None
        assert worker.stderr.readline().startswith("跟随")
        events = ws.event_count()
        office.ok("writer", "unit", "add", "丁局", "--category", "党政机关")

        def caught_up() -> bool:
            return ws.sql("SELECT count(*) FROM catalog_units WHERE name = '丁局'")[0][0] == 1

        _wait_for(caught_up, "the worker to catch the catalog up")
        assert worker.poll() is None
        worker.send_signal(stop)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, err
    assert out.startswith("已跟随 catalog")
    assert ws.event_count() == events + 1  # the writer's unit: none by the worker


# ---- a login that may not create roles; a login that does not own the database -----------


@pytest.fixture
def own_schema(backend: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A schema owned by a login without CREATEROLE: (login, schema)."""
    login = create_login(None, "pdca_owner")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}" AUTHORIZATION "{login}"')
    try:
        yield login, schema
    finally:
        drop_pg_schema(schema)
        drop_login(login)


@PG
def test_an_owner_who_may_not_create_roles_gets_the_sql_for_a_dba(
    own_schema: tuple[str, str], tmp_path: Path
) -> None:
    login, schema = own_schema
    env = {"PDCA_DB": login_url(login, schema), "PDCA_ACTOR": login, "PDCA_LOG_LEVEL": "warning"}
    root = tmp_path / "ws"
    made = CliRunner().invoke(cli, ["init", str(root), "--json"], env=env, catch_exceptions=False)
    assert made.exit_code == 0, made.output
    answer = json.loads(made.stdout)
    assert answer["owner"] == login and not answer["group_roles_ready"]
    printed = CliRunner().invoke(cli, ["init", str(root), "--print-sql"], env=env)
    assert printed.exit_code == 0 and printed.stdout == answer["sql_for_dba"]
    assert f'GRANT "{answer["group_roles"]["admin"]}" TO "{login}"' in printed.stdout
    text = CliRunner().invoke(cli, ["init", str(root)], env=env).stdout
    assert "请数据库管理员执行下列 SQL" in text and printed.stdout.rstrip("\n") in text
    roles = group_roles_of(schema)
    with _pg_connect() as conn:
        assert (
            conn.execute(
                "SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)", (list(roles.values()),)
            ).fetchone()[0]
            == 0
        )

    with _pg_connect() as dba:  # the DBA runs it, as printed
        dba.execute(printed.stdout)
    again = CliRunner().invoke(cli, ["init", str(root), "--json"], env=env)
    assert json.loads(again.stdout)["group_roles_ready"] is True
    owners = {
        owner
        for name, owner in _pg_connect()
        .execute("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = %s", (schema,))
        .fetchall()
        if name not in ("pdca_events", "pdca_meta", "pdca_attachments", "pdca_snapshots")
        and name
        not in ("pdca_credentials", "pdca_sessions", "pdca_login_attempts", "pdca_client_throttle")
    }
    assert owners == {roles["admin"]}  # the login tables stay the owner's

    # A writer setting up a workspace folder of their own: the database is left alone.
    writer = create_login(roles["writer"])
    try:
        mine = {"PDCA_DB": login_url(writer, schema), "PDCA_ACTOR": writer}
        before = (
            _pg_connect()
            .execute(
                "SELECT count(*) FROM pg_class WHERE relnamespace = %s::regnamespace", (schema,)
            )
            .fetchone()
        )
        joined = CliRunner().invoke(cli, ["init", str(tmp_path / "mine")], env=mine)
        assert joined.exit_code == 0, joined.output
        assert f"数据库由 {login} 初始化；本工作区只连接它，数据库未作改动" in joined.stdout
        after = (
            _pg_connect()
            .execute(
                "SELECT count(*) FROM pg_class WHERE relnamespace = %s::regnamespace", (schema,)
            )
            .fetchone()
        )
        assert after == before
        added = CliRunner().invoke(
            cli,
            ["-w", str(tmp_path / "mine"), "unit", "add", "甲局", "--category", "党政机关"],
            env=mine,
        )
        assert added.exit_code == 0, added.output
    finally:
        drop_login(writer)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_print_sql_is_refused_on_sqlite(workspace: Workspace) -> None:
    line = workspace.refused("init", str(workspace.root), "--print-sql")
    assert "只用于 PostgreSQL" in line


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_the_worker_polls_an_sqlite_file_and_stops_cleanly(
    sqlite_workspace: Workspace, stop: signal.Signals
) -> None:
    ws = sqlite_workspace
    worker = subprocess.Popen(
        [PDCA, "projections", "run", "catalog", "--follow", "--interval", "0.05"],
        env={**os.environ, **ws.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stderr is not None
        assert worker.stderr.readline().startswith("跟随")
        ws.ok("unit", "add", "丁局", "--category", "党政机关")

        def caught_up() -> bool:
            return ws.sql("SELECT count(*) FROM catalog_units WHERE name = '丁局'")[0][0] == 1

        _wait_for(caught_up, "the worker to catch the catalog up")
        worker.send_signal(stop)
        out, err = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert worker.returncode == 0, err
    assert out.startswith("已跟随 catalog")


@PG
def test_the_demo_on_postgresql_verifies_clean(workspace: Workspace) -> None:
    """The demo's people act through the login it connected as: every row's stamp is
    the principal its event records, so nothing is flagged."""
    ws = workspace
    ws.ok("demo", "--units", "2")
    stamps = {s for (s,) in ws.sql("SELECT DISTINCT principal_stamp FROM pdca_events")}
    assert stamps == {"postgres"}
    result = ws.run("verify", "--json")
    assert result.exit_code == 0, result.output
    cycle = json.loads(ws.ok("cycle", "list", "--json").stdout)[0]["cycle"]
    history = json.loads(ws.ok("history", cycle, "--json").stdout)
    assert not any("stamp_mismatch" in h for h in history)
    assert {h["principal"] for h in history} == {"postgres"}
    assert "演示-督查组" in {h["actor"] for h in history}


@PG
def test_a_writer_attaches_and_only_an_admin_login_purges(office: Office, tmp_path: Path) -> None:
    a_cycle(office)
    office.ok("writer", "task", "publish", CYCLE)
    office.ok("writer", "cycle", "advance", CYCLE, "start_do")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    office.ok(
        *("writer", "finding", "record", CYCLE, "--source", "暗访", "--indicator", "discipline"),
        *("--points", "-1", "--observed-on", "2024-05-12", "--evidence", "e"),
        *("--attach", str(scan)),
    )
    digest = hashlib.sha256(b"%PDF-1.4 scan").hexdigest()
    # The accounts are not set up: pdca lets anyone try; the database refuses the writer.
    refused = office.run("writer", "evidence", "purge", digest, "--reason", "r")
    assert refused.exit_code != 0 and "Traceback" not in refused.output
    assert (
        refused.output.startswith("错误：当前数据库登录对") and "没有所需的权限" in refused.output
    )
    assert len(refused.output.strip().splitlines()) == 1, refused.output
    assert verify_json(office)[1]["purged_attachments"] == []
    office.ok("admin", "evidence", "purge", digest, "--reason", "含个人信息")
    code, found = verify_json(office, "reader")
    assert code == 0 and [p["digest"] for p in found["purged_attachments"]] == [digest]
