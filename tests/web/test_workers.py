"""``pdca serve --workers N``: several processes answer, one follower keeps the views.

A real server with two worker processes on a real workspace (both backends): a
supervisor logs in, changes the one-time password and records findings over fresh
connections (any worker may answer each), and the ledger page shows each — the ledger
view is written by the parent's follower only, the workers read it.
"""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from tests.web._office import SUPERVISOR, C, furnish, workspace_for
from tests.web._serving import served

WORKERS = 2


class Browser:
    """Cookies kept across requests, each request on a connection of its own."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read().decode("utf-8")
            for name, value in answer.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return answer.status, answer.getheader("Location") or "", text
        finally:
            conn.close()

    def post(self, form_page: str, path: str, form: dict[str, str]) -> tuple[int, str, str]:
        _, _, page = self.request("GET", form_page)
        token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
        assert token is not None, page[:500]
        return self.request("POST", path, {**form, "csrf_token": token.group(1)})


def eventually(check: Callable[[], bool], within: float = 60.0) -> bool:
    """Whether ``check`` comes true, asked every 0.1 s for up to ``within`` seconds."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _started(log: Path) -> tuple[list[int], list[int]]:
    """The parent's and the workers' process ids, as uvicorn logs them at start-up."""
    text = log.read_text(encoding="utf-8")
    return (
        [int(n) for n in re.findall(r"Started parent process \[(\d+)\]", text)],
        [int(n) for n in re.findall(r"Started server process \[(\d+)\]", text)],
    )


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_workers_answer_and_the_parent_keeps_the_views(backend: str, tmp_path: Path) -> None:
    with workspace_for(backend, tmp_path / "ws") as ws:
        office = furnish(ws)
        args = ("--threads", "2", "--workers", str(WORKERS))
        with served(ws, tmp_path, None, *args) as server:
            port, log = server.port, server.logs[1]  # uvicorn logs on stderr
            # Every request on a connection of its own: any worker may answer each, and
            # the session (a row) holds across them.
            browser = Browser(port)
            once = office.passwords[SUPERVISOR]
            status, _, _ = browser.post(
                "/login", "/login", {"login": SUPERVISOR, "password": once, "next": "/"}
            )
            assert status == 303
            assert browser.request("GET", "/")[1] == "/password"  # the one-time password
            new = "worker-password-2024"
            status, _, _ = browser.post(
                "/password", "/password", {"old": once, "new": new, "again": new}
            )
            assert status == 303
            page = "/cycles/" + quote(C)
            for evidence in ("工作进程一号证据", "工作进程二号证据"):
                status, location, _ = browser.post(page, f"{page}/finding", {
                    "source": "暗访", "indicator": "discipline", "points": "-1",
                    "observed_on": "2024-06-01", "evidence": evidence})  # fmt: skip
                assert status == 303 and "at=" in location
                assert browser.request("GET", location)[0] == 200
                # The ledger page reads the ledger view, which no request process
                # writes: only the parent's follower can bring it up to the finding
                # (the page above waited for it, at most 3 s: a loaded machine may
                # need longer, so the ledger is asked until it shows it).
                assert eventually(
                    lambda shown=evidence: shown in browser.request("GET", "/ledger?period=2024")[2]
                )
            # Two worker processes started, besides the parent that follows the views.
            assert eventually(lambda: len(_started(log)[1]) == WORKERS)
            parents, workers = _started(log)
            assert parents == [server.process.pid]
            assert len(set(workers)) == WORKERS and server.process.pid not in workers
        # Ctrl-C stops the workers and the parent cleanly.
        assert server.process.returncode == 0, log.read_text(encoding="utf-8")
        assert "Traceback" not in log.read_text(encoding="utf-8")


def test_the_workers_listener_gives_each_connection_tcp_nodelay() -> None:
    """uvicorn binds the workers' listener without naming the protocol, and asyncio
    then leaves Nagle's algorithm on for every connection (uvicorn issue #3149): each
    answer on a kept-alive connection waited for the browser's delayed ACK."""
    import asyncio
    import socket

    from pdca_web.workers import listener
    from uvicorn import Config

    sock = listener(Config("pdca_web.workers:app_in_worker", host="127.0.0.1", port=0))
    assert sock.proto == socket.IPPROTO_TCP

    async def accepted_nodelay() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                conn = transport.get_extra_info("socket")
                seen.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        async with server:
            port = sock.getsockname()[1]
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                return await asyncio.wait_for(seen, 30)
            finally:
                writer.close()

    assert asyncio.run(accepted_nodelay()) == 1
