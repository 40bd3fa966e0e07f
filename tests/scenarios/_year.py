"""Small helpers for the scenario years: every fact goes through the CLI (``ws.ok``)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Workspace


def js(ws: Workspace, *args: str) -> Any:
    """Run a command with ``--json`` (it must succeed) and parse its output."""
    return json.loads(ws.ok(*args, "--json").stdout)  # stderr may hold a 校验码 line


def stage(ws: Workspace, cycle: str) -> str:
    return js(ws, "cycle", "status", cycle)["stage"]


def advance(ws: Workspace, cycle: str, *triggers: str) -> str:
    """Fire the triggers in order; return the stage reached."""
    reached = ""
    for trigger in triggers:
        reached = js(ws, "cycle", "advance", cycle, trigger, "--reason", f"按计划：{trigger}")[
            "stage"
        ]
    return reached


def open_with_tasks(
    ws: Workspace, unit: str, category: str, period: str, scheme: str, tasks: int = 2
) -> str:
    """Register a unit, open its cycle, add and publish a task list; return the address."""
    ws.ok("unit", "add", unit, "--category", category)
    ws.ok("cycle", "open", unit, period, "--scheme", scheme)
    cycle = f"{unit}/{period}"
    for n in range(1, tasks + 1):
        ws.ok("task", "add", cycle, f"重点任务{n}", "--deadline", f"{period}-{3 * n + 3:02d}-30")
    ws.ok("task", "publish", cycle)
    return cycle


def scores(ws: Workspace, cycle: str, values: dict[str, str]) -> None:
    for item, value in values.items():
        ws.ok("score", "record", cycle, item, value, "--evidence", "查阅资料、现场核查")


def split(total: int, parts: list[int]) -> list[int]:
    """Spread a ballot total over its items (maxima ``parts``) as evenly as possible."""
    assert 0 <= total <= sum(parts)
    out = [0] * len(parts)
    left = total
    while left:
        for i, cap in enumerate(parts):
            if left and out[i] < cap:
                out[i] += 1
                left -= 1
    return out


def ballots(
    ws: Workspace,
    cycle: str,
    items: dict[str, int],
    by_group: dict[str, list[int]],
    only: int | None = None,
) -> list[list[str]]:
    """Issue one token per ballot and import the ballots (totals given, spread over the
    items) as one CSV. ``only``: import just the first ``only`` ballots and return the
    rows left over, to import later with ``import_rows``."""
    rows = []
    for group, totals in by_group.items():
        tokens = js(ws, "ballot", "issue", cycle, "--group", group, "--count", str(len(totals)))[
            "tokens"
        ]
        for token, total in zip(tokens, totals, strict=True):
            rows.append([token, *map(str, split(total, list(items.values())))])
    header = ["token", *items]
    now, later = (rows, []) if only is None else (rows[:only], rows[only:])
    import_rows(ws, cycle, header, now)
    return [header, *later] if later else []


def import_rows(ws: Workspace, cycle: str, header: list[str], rows: list[list[str]]) -> None:
    path = ws.root / f"ballots-{rows[0][0]}.csv"  # tokens are unique
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    assert js(ws, "ballot", "import", cycle, str(path))["cast"] == len(rows)


def unit_steps(ws: Workspace, cycle: str, *, late: bool = False) -> None:
    """The unit's own steps its scheme requires, recorded through the CLI and approved
    where they need it (issue 14 item 5): required before ``round finalize``. ``late``:
    recorded in 处理 (补记) rather than each in its own stage."""
    status = js(ws, "cycle", "status", cycle)
    scheme = js(ws, "scheme", "show", status["scheme"])
    for step in scheme.get("unit_steps", []):
        if not step["required"]:
            continue
        if not late and not (
            status["stage"] == step["stage"] or status["stage"].split(".")[0] == step["stage"]
        ):
            continue
        ws.ok("step", "record", cycle, step["id"], "--text", step["label"], "--evidence", "材料")
        if step["approval"]:
            ws.ok("step", "review", cycle, step["id"], "--approve", "--reason", "符合要求")


def pdca(ws: Workspace, *args: str) -> str:
    """The installed ``pdca`` in a real subprocess (a key path end to end); it must
    succeed without a traceback. Returns its stdout."""
    from tests.e2e.test_subprocess import pdca as run

    done = run(ws, *args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout


def node(tree: dict[str, Any], ending: str) -> dict[str, Any]:
    """The first node of an ``explain`` tree whose label ends with ``ending``."""
    stack = [tree]
    while stack:
        here = stack.pop()
        if here["label"].endswith(ending):
            return here
        stack += here.get("children", [])
    raise AssertionError(f"no node ending {ending}")


def used(explained: dict[str, Any]) -> list[str]:
    """The consequences (考用结合) ``explain --json`` says the published result brings."""
    return [c["label"] for c in explained["results_used"]["consequences"]]
