"""The behaviour the re-layout must not change: every command's ``--help`` and a fixed
script of commands over a stored demo year, with their stdout, stderr and exit code.

Written once by the code before the move (``python -m tests.behaviour.record``) and
compared byte for byte by ``tests/behaviour/test_unchanged.py`` after it. The demo's
stored rows are kept beside the answers, so the script reads the same history (and the
same recorded instants) on every run.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click
from click.testing import CliRunner
from eventsourcing.persistence import StoredEvent

HERE = Path(__file__).parent
ROWS = HERE / "demo-rows.jsonl.gz"
ANSWERS = HERE / "answers.json"
ACTOR = "督查组-张三"

C = "市财政局/2024"  # a 吉林 cycle of the demo
G = "市水务集团/2024"  # a 甘肃 cycle of the demo

#: The fixed script: reads as tables and as JSON, refusals, and writes whose answers
#: carry no instant. Run in this order on one workspace.
SCRIPT: list[list[str]] = [
    ["scheme", "list"],
    ["scheme", "show", "jilin"],
    ["scheme", "show", "gansu"],
    ["scheme", "show", "nosuch"],
    ["scheme", "validate", "workflows/jilin.toml"],
    ["scheme", "validate", "workflows/gansu.toml"],
    ["unit", "list"],
    ["unit", "list", "--json"],
    ["cycle", "list"],
    ["cycle", "list", "--json"],
    ["cycle", "list", "--period", "2024", "--stage", "督查"],
    ["cycle", "status", C],
    ["cycle", "status", C, "--json"],
    ["cycle", "status", G],
    ["cycle", "status", "无此单位/2024"],
    ["cycle", "status", "no-slash"],
    ["history", C],
    ["history", C, "--json"],
    ["history", G, "--json"],
    ["explain", C],
    ["explain", C, "--json"],
    ["explain", G],
    ["explain", G, "--json"],
    ["explain", C, "--as-of", "2000-01-01T00:00:00+00:00"],
    ["ranking", "2024"],
    ["ranking", "2024", "--json"],
    ["ranking", "1999"],
    ["ledger", "2024"],
    ["ledger", "2024", "--json"],
    ["ledger", "2024", "--unit", "市财政局"],
    ["rectify", "list", "--today", "2025-05-01"],
    ["rectify", "list", "--today", "2025-05-01", "--json"],
    ["rectify", "list", "--today", "2025-05-01", "--overdue"],
    ["rectify", "bulletin", "2025-03"],
    ["rectify", "bulletin", "2025-03", "--json"],
    ["rectify", "show", "zzzzzz"],
    ["board", "2024", "--today", "2025-05-01"],
    ["board", "2024", "--today", "2025-05-01", "--json"],
    ["export", "scores", "2024", "--format", "csv"],
    ["export", "scores", "2024", "--format", "json"],
    ["export", "ledger", "2024", "--format", "csv"],
    ["export", "rectifications", "2024", "--format", "json", "--today", "2025-05-01"],
    ["verify", "--all"],
    ["verify", "--all", "--json"],
    ["verify", C, "--json"],
    ["projections", "list"],
    ["projections", "list", "--json"],
    ["view", "scores", "--limit", "3"],
    ["view", "ledger", "--limit", "2", "--json"],
    ["view", "nosuch"],
    ["role", "list"],
    ["cycle", "advance", C, "start_do"],
    ["cycle", "advance", C, "nosuch"],
    ["unit", "add", "市财政局", "--category", "党政机关"],
    ["unit", "add", "新单位", "--category", "无此类别"],
    ["unit", "add", "新单位", "--category", "党政机关", "--grid", "第一片"],
    ["cycle", "open", "新单位", "2025", "--scheme", "jilin"],
    ["cycle", "open", "新单位", "2025", "--scheme", "jilin"],
    ["cycle", "status", "新单位/2025", "--json"],
    ["task", "add", "新单位/2025", "落实三会一课", "--deadline", "2025-12-31"],
    ["task", "add", "新单位/2025", "  ", "--deadline", "2025-12-31"],
    ["task", "publish", "新单位/2025"],
    ["task", "publish", "新单位/2025"],
    ["cycle", "advance", "新单位/2025", "start_do", "--reason", "任务清单已发布"],
    ["task", "report", "新单位/2025", "1", "--progress", "60", "--note", "已学习"],
    ["task", "report", "新单位/2025", "9", "--progress", "60"],
    [
        "finding",
        "record",
        "新单位/2025",
        "--source",
        "暗访",
        "--indicator",
        "discipline",
        "--points",
        "-2",
        "--observed-on",
        "2025-05-12",
        "--evidence",
        "工作时间网购",
    ],
    [
        "finding",
        "record",
        "新单位/2025",
        "--source",
        "暗访",
        "--indicator",
        "nosuch",
        "--points",
        "-2",
        "--observed-on",
        "2025-05-12",
    ],
    ["score", "record", "新单位/2025", "nosuch", "3"],
    ["cycle", "status", "新单位/2025"],
    ["round", "finalize", "2025"],
    ["ledger", "2025"],
]


def commands(group: click.Group, path: list[str]) -> Iterator[list[str]]:
    """Every command's path, groups included, in a stable order."""
    ctx = click.Context(group, info_name="pdca")
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield [*path, name]
        if isinstance(command, click.Group):
            yield from commands(command, [*path, name])


def load_rows(root: Path, db_url: str | None) -> None:
    """Insert the stored demo rows into a freshly initialised workspace, row for row."""
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    lines = gzip.decompress(ROWS.read_bytes()).decode("utf-8").splitlines()
    app = PdcaApplication(open_workspace(str(root), db_url))
    try:
        app.recorder.insert_events(
            [
                StoredEvent(
                    originator_id=__import__("uuid").UUID(r["originator_id"]),
                    originator_version=r["originator_version"],
                    topic=r["topic"],
                    state=r["state"].encode("utf-8"),
                )
                for r in map(json.loads, lines)
            ]
        )
    finally:
        app.close()


def answers(cli: click.Group, root: Path) -> list[dict[str, object]]:
    """Run every ``--help`` and the script in ``root``; what each printed and returned."""
    env = {
        "PDCA_WORKSPACE": str(root),
        "PDCA_ACTOR": ACTOR,
        "PDCA_DB": "",
        "PDCA_LOG_LEVEL": "warning",
        "COLUMNS": "100",
        # one batch per catch-up, so rows of equal sort keys keep one order
        "PDCA_PROJECTION_BATCH_SECONDS": "1000",
    }
    runner = CliRunner()
    runs = [[*path, "--help"] for path in [[], *commands(cli, [])]] + SCRIPT
    found = []
    for args in runs:
        result = runner.invoke(cli, args, env=env, catch_exceptions=True, prog_name="pdca")
        found.append(
            {
                "args": args,
                "exit_code": result.exit_code,
                "stdout": result.stdout.replace(str(root), "<工作区>"),
                "stderr": _without_progress(result.stderr).replace(str(root), "<工作区>"),
                "exception": None
                if result.exception is None or isinstance(result.exception, SystemExit)
                else type(result.exception).__name__,
            }
        )
    return found


#: A plain progress line (``pdca_cli._progress``): printed every few seconds of a long
#: catch-up, so a loaded machine prints some and an idle one none — timing, not an answer.
_PROGRESS = re.compile(r"^[^\n]+：[\d,]+/[\d,]+ \S+（[\d,]+ \S+/秒(，约剩 \d+ 秒)?）\n", re.M)


def _without_progress(stderr: str) -> str:
    return _PROGRESS.sub("", stderr)


def fresh_workspace(cli: click.Group, tmp: Path) -> Path:
    root = tmp / "ws"
    env = {"PDCA_WORKSPACE": str(root), "PDCA_ACTOR": ACTOR, "PDCA_DB": ""}
    result = CliRunner().invoke(cli, ["init", str(root)], env=env)
    assert result.exit_code == 0, result.output
    load_rows(root, None)
    return root


def make_rows(cli: click.Group, tmp: Path) -> None:
    """Run the demo once and keep its stored rows (only when none are kept yet)."""
    import os

    from tests.golden.make_golden import dump_rows

    os.chdir(tmp)
    result = CliRunner().invoke(cli, ["demo", "--seed", "1"], env={"PDCA_ACTOR": ACTOR})
    assert result.exit_code == 0, result.output
    from pdca.application.service import PdcaApplication
    from pdca.application.workspace import open_workspace

    app = PdcaApplication(open_workspace(str(tmp / "pdca-demo"), None))
    try:
        lines = [json.dumps(r, ensure_ascii=False) for r in dump_rows(app)]
    finally:
        app.close()
    ROWS.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))


def main() -> None:
    from tests.conftest import cli

    with tempfile.TemporaryDirectory() as tmp:
        if not ROWS.exists():
            (Path(tmp) / "demo").mkdir()
            make_rows(cli, Path(tmp) / "demo")
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    ANSWERS.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(found)} answers written to {ANSWERS}", file=sys.stderr)


if __name__ == "__main__":
    main()
