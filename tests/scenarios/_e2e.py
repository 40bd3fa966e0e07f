"""What the end-to-end seed scenarios of 达州, 甘肃 and 吉林 (``test_e2e_*.py``) share
beyond ``_year.py``: the installed ``pdca``'s JSON answer, the in-process CLI as a login,
a refusal that writes nothing, and a walk over an explained tree."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Workspace
from tests.e2e.test_subprocess import pdca as run
from tests.scenarios._year import pdca as stdout

__all__ = ["js", "pdca", "refused", "run", "walk"]


def pdca(ws: Workspace, *args: str) -> Any:
    """The installed program in a real subprocess with ``--json``: it must succeed."""
    return json.loads(stdout(ws, *args, "--json"))


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
