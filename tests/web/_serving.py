"""A real ``pdca serve`` process for a test on any workspace (``tests.web._office``
serves one furnished with accounts): started on a free port, its stdout and stderr kept
in files apart (for the tests that read the logs), stopped with Ctrl-C."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import Workspace
from tests.e2e.test_subprocess import PDCA
from tests.web._office import free_port

SECRET = "test-secret-of-every-process-0123456789"


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:PORT
    port: int
    logs: tuple[Path, Path]  # its stdout and stderr
    process: subprocess.Popen[bytes]  # its exit status is there once the block is left

    def request(
        self, method: str, path: str, body: str | None = None
    ) -> tuple[int, dict[str, str], str]:
        """One plain HTTP request (no browser, no cookie): status, headers, text."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            return answer.status, dict(answer.getheaders()), answer.read().decode("utf-8")
        finally:
            conn.close()


def _ready(port: int, process: subprocess.Popen[bytes], logs: tuple[Path, Path]) -> None:
    """Wait for the server to answer; a server that exits first fails with its output."""
    for _ in range(600):
        if process.poll() is not None:
            raise AssertionError(f"pdca serve exited: {logs[1].read_text(encoding='utf-8')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("pdca serve did not answer")


@contextmanager
def served(ws: Workspace, folder: Path, port: int | None = None, *args: str) -> Iterator[Server]:
    """``pdca serve`` on ``ws`` at log level info (every line it would log is kept)."""
    port = port or free_port()
    logs = (folder / "serve.out", folder / "serve.err")
    env = {**os.environ, **ws.env, "PDCA_LOG_LEVEL": "info", "PDCA_SESSION_SECRET": SECRET}
    with logs[0].open("wb") as out, logs[1].open("wb") as err:
        process = subprocess.Popen(
            [PDCA, "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
    try:
        _ready(port, process, logs)
        yield Server(f"http://127.0.0.1:{port}", port, logs, process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
