"""What the end-to-end seed scenarios (``test_e2e_*.py``) share: the installed ``pdca`` in
a real subprocess, the in-process CLI with a login, a refusal that writes nothing, and a
walk over an explained tree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import Workspace

PDCA = shutil.which("pdca") or str(Path(sys.executable).parent / "pdca")


def run(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed program in a subprocess, as the workspace's own login."""
    return subprocess.run(
        [PDCA, *args], env={**os.environ, **ws.env}, capture_output=True, text=True,
        timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def pdca(ws: Workspace, *args: str) -> Any:
    """``run`` with ``--json``: it must succeed; its answer."""
    done = run(ws, *args, "--json")
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    return json.loads(done.stdout)


def js(ws: Workspace, *args: str, actor: str | None = None, principal: str | None = None) -> Any:
    """In-process, with ``--json`` (it must succeed); ``principal``: as that login."""
    return json.loads(ws.ok(*args, "--json", actor=actor, principal=principal).stdout)


def refused(ws: Workspace, *args: str, principal: str | None = None) -> str:
    """One ``错误：`` line, a non-zero exit, not one event written; returns the line."""
    before = ws.event_count()
    result = ws.run(*args, principal=principal)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0 and len(lines) == 1 and lines[0].startswith("错误："), lines
    assert "Traceback" not in result.output
    assert ws.event_count() == before
    return lines[0]


def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    """An explained tree's nodes, depth first."""
    return [node, *(n for c in node.get("children", []) for n in walk(c))]
