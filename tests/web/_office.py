"""A workspace with accounts and cycles, and a real ``pdca serve`` on it, for the web
tests: the server runs as a subprocess on a free port, as an office would run it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import REQUIRE_PG, Workspace, _pg_available, chromium_path, workspace_on

C, OTHER = "市财政局/2024", "市民政局/2024"
SUPERVISOR, SECOND, STAFF, LOCKED = "zhangsan", "lisi", "wangwu", "zhaoliu"
PERSONS = {
    SUPERVISOR: "督查组-张三",
    SECOND: "督查组-李四",
    STAFF: "市财政局-王五",
    LOCKED: "督查组-赵六",
}
SECRET = "web-test-secret-0123456789abcdef"
PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")


@dataclass
class Office:
    ws: Workspace
    base: str = ""
    passwords: dict[str, str] = field(default_factory=dict)
    rectification: str = ""
    log: Path | None = None


def chromium() -> str:
    return chromium_path()


@contextmanager
def workspace_for(backend: str, root: Path) -> Iterator[Workspace]:
    """``conftest.workspace_on``, with PostgreSQL skipped (or failed) when absent."""
    if backend == "postgresql":
        reason = _pg_available()
        if reason:
            if REQUIRE_PG:
                pytest.fail(f"PDCA_REQUIRE_PG=1 but {reason}")
            pytest.skip(reason)
    with workspace_on(backend, root) as ws:
        yield ws


@contextmanager
def ballots_taken(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, name: str
) -> Iterator[tuple[Workspace, Path]]:
    """A module's workspace on its fixture's backend (``request.param``) with the cycle
    甲局/2024 in 督查, taking ballots; and the folder it lives in."""
    from tests.integration.test_ballot_slips import in_check_stage

    folder = tmp_path_factory.mktemp(f"{name}-{request.param}")
    with workspace_for(request.param, folder / "ws") as ws:
        in_check_stage(ws)
        yield ws, folder


def furnish(ws: Workspace) -> Office:
    """Accounts (the owner is admin and the server's login), two units with a cycle
    each in 执行, one 整改 item, and a one-time password for every web account."""
    owner = ws.owner
    ws.ok(
        "account",
        "add",
        owner,
        "--person",
        "管理员",
        "--role",
        "admin",
        "--role",
        "service",
        principal=owner,
    )
    for unit in ("市财政局", "市民政局"):
        ws.ok("unit", "add", unit, "--category", "党政机关", principal=owner)
    for login in (SUPERVISOR, SECOND, LOCKED):
        ws.ok(
            "account",
            "add",
            login,
            "--person",
            PERSONS[login],
            "--role",
            "supervisor",
            principal=owner,
        )
    ws.ok(
        "account",
        "add",
        STAFF,
        "--person",
        PERSONS[STAFF],
        "--role",
        "staff",
        "--unit",
        "市财政局",
        principal=owner,
    )
    for address in (C, OTHER):
        unit, period = address.split("/")
        ws.ok("cycle", "open", unit, period, "--scheme", "jilin", principal=SUPERVISOR)
        ws.ok(
            "task", "add", address, "落实三会一课", "--deadline", "2024-12-31", principal=SUPERVISOR
        )
        ws.ok("task", "publish", address, principal=SUPERVISOR)
        ws.ok("cycle", "advance", address, "start_do", principal=SUPERVISOR)
    ws.ok(
        "finding",
        "record",
        C,
        "--source",
        "暗访",
        "--indicator",
        "discipline",
        "--points",
        "-2",
        "--observed-on",
        "2024-05-12",
        "--evidence",
        "工作时间网购",
        principal=SUPERVISOR,
    )
    ordered = ws.ok(
        "rectify",
        "order",
        C,
        "--problem",
        "三会一课记录不全",
        "--owner",
        "王五",
        "--due",
        "2030-03-31",
        "--json",
        principal=SUPERVISOR,
    )
    office = Office(ws, rectification=json.loads(ordered.output)["id"][:8])
    for login in PERSONS:
        out = ws.ok("account", "password", login, "--json", principal=owner).output
        office.passwords[login] = json.loads(out)["password"]
    return office


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(office: Office, log_dir: Path) -> Iterator[Office]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDCA_")}
    env.update(office.ws.env, PDCA_SESSION_SECRET=SECRET)
    env.pop("PDCA_ACTOR", None)
    office.log = log_dir / f"serve-{port}.log"
    with office.log.open("wb") as out:
        server = subprocess.Popen(
            [PDCA, "serve", "--port", str(port), "--threads", "4"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        office.base = f"http://127.0.0.1:{port}"
        try:
            _wait_for(office.base, server, office.log)
            yield office
        finally:
            server.terminate()
            server.wait(timeout=20)


def _wait_for(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"pdca serve exited: {log.read_text(encoding='utf-8')}")
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"pdca serve did not answer: {log.read_text(encoding='utf-8')}")
