"""Shared fixtures: a real workspace on a real database (SQLite file or PostgreSQL).

PostgreSQL tests use a schema of their own in the ``test`` database, dropped after
the test. When the server does not answer they skip, unless ``PDCA_REQUIRE_PG=1``
(CI), where they fail.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from pdca_cli import cli

pytest_plugins = ["tests._parallel"]

PG_DSN = os.environ.get("PDCA_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("PDCA_REQUIRE_PG") == "1"


def _pg_connect() -> Any:
    import psycopg

    return psycopg.connect(PG_DSN, autocommit=True, connect_timeout=3)


def _pg_available() -> str | None:
    try:
        with _pg_connect():
            return None
    except Exception as exc:  # any failure to connect means "not here"
        return f"PostgreSQL not reachable at {PG_DSN}: {exc}"


@dataclass
class Workspace:
    """A workspace initialised through the CLI, and ways to look under it."""

    root: Path
    db_url: str
    backend: str
    schema: str = ""
    actor: str = "督查组-张三"
    runner: CliRunner = field(default_factory=CliRunner)

    @property
    def env(self) -> dict[str, str]:
        return {
            "PDCA_WORKSPACE": str(self.root),
            "PDCA_DB": self.db_url,
            "PDCA_ACTOR": self.actor,
            "PDCA_LOG_LEVEL": "warning",
        }

    def run(self, *args: str, actor: str | None = None, principal: str | None = None) -> Result:
        """Run the CLI in-process; ``principal``: as if that login had connected (the
        application's test-only injection point), on its own behalf unless ``actor``."""
        env: dict[str, str | None] = dict(self.env)
        if actor:
            env["PDCA_ACTOR"] = actor
        elif principal is not None:
            env["PDCA_ACTOR"] = None
        if principal is None:
            return self.runner.invoke(cli, list(args), env=env, catch_exceptions=False)
        from pdca.application.identity import connected_as

        with connected_as(principal):
            return self.runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    def ok(self, *args: str, actor: str | None = None, principal: str | None = None) -> Result:
        result = self.run(*args, actor=actor, principal=principal)
        assert result.exit_code == 0, f"{args} exited {result.exit_code}: {result.output}"
        return result

    @property
    def owner(self) -> str:
        """The login that initialised the database (the OS user; on PostgreSQL the
        server login): the one who may create the first account."""
        import json

        return json.loads(self.ok("account", "list", "--json").output)["owner"]

    def refused(self, *args: str) -> str:
        """Run a command that must be refused: one ``错误：`` line, a non-zero exit, and
        not one event written. Returns the line."""
        before = self.event_count()
        result = self.run(*args)
        assert result.exit_code != 0, result.output
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("错误："), result.output
        assert "Traceback" not in result.output
        assert self.event_count() == before
        return lines[0]

    def sql(self, query: str) -> list[tuple[Any, ...]]:
        if self.backend == "sqlite":
            with sqlite3.connect(self.root / "pdca.sqlite3") as conn:
                return conn.execute(query).fetchall()
        with _pg_connect() as conn:
            conn.execute(f'SET search_path TO "{self.schema}"')
            return conn.execute(query).fetchall()

    @property
    def events_table(self) -> str:
        # eventsourcing names the table after the application on PostgreSQL only.
        return "stored_events" if self.backend == "sqlite" else "pdca_events"

    def event_count(self) -> int:
        return self.sql(f"SELECT count(*) FROM {self.events_table}")[0][0]

    @contextlib.contextmanager
    def before_the_stamp(self) -> Iterator[None]:
        """Store events as a database made before the principal stamp did (PostgreSQL):
        without a stamp, then mark stamping as begun after them, as ``pdca init``
        upgrading that database would. For histories written in-process by people who
        name themselves (``Acting.declared``, the demo) while the login is the test's:
        the stamp would rightly flag every one of them, and these tests are about
        something else."""
        if self.backend == "sqlite":
            yield
            return
        trigger = f"ALTER TABLE {self.events_table} %s TRIGGER pdca_stamp_principal"
        with _pg_connect() as conn:
            conn.execute(f'SET search_path TO "{self.schema}"')
            conn.execute(trigger % "DISABLE")
            try:
                yield
            finally:
                conn.execute(trigger % "ENABLE")
                conn.execute(
                    "UPDATE pdca_meta SET value = (SELECT coalesce(max(notification_id), 0) "
                    f"FROM {self.events_table})::text WHERE key = 'principal_stamp_after'"
                )

    def tamper(self, query: str) -> None:
        """Raw SQL at the event table, as its owner would edit it: on PostgreSQL the
        append-only trigger is lifted first (``ALTER TABLE … DISABLE TRIGGER``, the owner's
        explicit act the README describes) and put back after."""
        if self.backend == "sqlite":
            self.sql(query)
            return
        guard = f"ALTER TABLE {self.events_table} %s TRIGGER pdca_append_only"
        with _pg_connect() as conn:
            conn.execute(f'SET search_path TO "{self.schema}"')
            with conn.transaction():
                conn.execute(guard % "DISABLE")
                conn.execute(query)
                conn.execute(guard % "ENABLE")


def _init(root: Path, db_url: str, backend: str, schema: str = "") -> Workspace:
    ws = Workspace(root=root, db_url=db_url, backend=backend, schema=schema)
    key = _init_key(ws) if backend == "sqlite" and not root.exists() else None
    state, files = _INITS.get(key, ("unseen", None)) if key else ("unseen", None)
    if state == "same" and files is not None:
        _write_files(files, root)
        return ws
    result = ws.runner.invoke(cli, ["init", str(root)], env=ws.env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if key is not None and state in ("unseen", "seen"):
        made = _files_of(root)
        if state == "unseen":
            _INITS[key] = ("seen", made)
        else:
            _INITS[key] = ("same", made) if made == files else ("differs", None)
    return ws


#: ``pdca init`` of a new SQLite workspace leaves the same bytes whatever its folder: no
#: event, and the owner, zone and cipher come from the process and its environment. So
#: once two inits in one environment have left the very same files ("same"), a later
#: workspace of that environment is written from them (~5 ms instead of ~55 ms, for some
#: 500 workspaces a run); "differs": every workspace of that environment runs its own.
_INITS: dict[tuple[Any, ...], tuple[str, dict[str, tuple[int, bytes | None]] | None]] = {}


def _init_key(ws: Workspace) -> tuple[Any, ...]:
    """What an init may depend on besides its folder: the process's environment (but the
    name of the test pytest keeps there) with the workspace's, the user, the folder it
    runs in."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.update((k, v) for k, v in ws.env.items() if k != "PDCA_WORKSPACE")
    return (frozenset(env.items()), os.geteuid(), os.getcwd())


def _files_of(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every folder (bytes None) and file under ``root`` and the root itself (``""``),
    with its mode, by relative path."""
    return {
        ("" if p == root else str(p.relative_to(root))): (
            p.stat().st_mode,
            None if p.is_dir() else p.read_bytes(),
        )
        for p in [root, *sorted(root.rglob("*"))]
    }


def _write_files(files: dict[str, tuple[int, bytes | None]], root: Path) -> None:
    """New folders and files of those contents and modes (nothing shared with another
    workspace), parents before what they hold."""
    for name, (mode, content) in files.items():
        target = root / name if name else root
        if content is None:
            target.mkdir(parents=not name)
        else:
            target.write_bytes(content)
        os.chmod(target, stat.S_IMODE(mode))


#: ``pytestmark = SQLITE_ONLY``: a module whose subject is a scheme's scoring and workflow
#: rules, not storage, runs on SQLite alone. That the same facts score the same on
#: PostgreSQL is proven by ``tests/integration/test_demo.py`` (all five schemes, every
#: explained total against the projections, the published round and a SQLite demo's
#: ranking) and by the one full scenario kept on both, ``test_e2e_jilin.py``; storage,
#: permissions, identity and concurrency stay on both everywhere.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgresql":
        reason = _pg_available()
        if reason:
            if REQUIRE_PG:
                pytest.fail(f"PDCA_REQUIRE_PG=1 but {reason}")
            pytest.skip(reason)
    return request.param


@pytest.fixture
def workspace(backend: str, tmp_path: Path) -> Iterator[Workspace]:
    with workspace_on(backend, tmp_path / "ws") as ws:
        yield ws


@contextlib.contextmanager
def workspace_on(backend: str, root: Path) -> Iterator[Workspace]:
    """A workspace initialised at ``root`` on ``backend`` (PostgreSQL: a schema of its
    own, dropped afterwards); for fixtures of a wider scope than ``workspace``."""
    if backend == "sqlite":
        yield _init(root, "sqlite:///pdca.sqlite3", "sqlite")
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with _pg_connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{PG_DSN.replace('postgresql://', 'postgresql+psycopg://')}?schema={schema}"
    try:
        yield _init(root, url, "postgresql", schema)
    finally:
        drop_pg_schema(schema)


def chromium_path() -> str:
    """Debian's chromium for the browser tests; skipped where it is missing, except in CI."""
    import shutil

    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have chromium (apt-get install -y chromium, see .ci/run)")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return found


def group_roles_of(schema: str) -> dict[str, str]:
    """The group roles ``pdca init`` makes for a schema of the test database."""
    from urllib.parse import urlsplit

    from pdca.storage.group_roles import names

    return names(urlsplit(PG_DSN).path.lstrip("/"), schema)


def drop_pg_schema(schema: str) -> None:
    """Drop a test's schema and the group roles init made for it (roles belong to the
    whole server: left behind, every run would add four)."""
    roles = ", ".join(f'"{r}"' for r in group_roles_of(schema).values())
    with _pg_connect() as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        present = conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
            (list(group_roles_of(schema).values()),),
        ).fetchall()
        if present:
            conn.execute(f"DROP OWNED BY {', '.join(chr(34) + r[0] + chr(34) for r in present)}")
            conn.execute(f"DROP ROLE IF EXISTS {roles}")


@pytest.fixture
def sqlite_workspace(tmp_path: Path) -> Workspace:
    return _init(tmp_path / "ws", "sqlite:///pdca.sqlite3", "sqlite")
