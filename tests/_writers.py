"""One of several supervisors hammering one cycle: run as ``python -m tests._writers``.

Each process issues its commands through the CLI's own code path (click's
``CliRunner`` in this process: starting 800 ``pdca`` processes would take minutes)
and writes what happened to each, as JSON, for ``test_many_writers`` to check
against the store. Every command carries a request id; every tenth repeats an
earlier one, as a client retrying after a lost answer would.

    python -m tests._writers INDEX COMMANDS TOKENS_JSON RESULT_JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from pdca_cli import cli

from pdca.application import saving

CYCLE = "市财政局/2024"
SCORES = ("duty=18", "report=19", "answers=17", "daily_work=18", "rectification=16")


def plan(index: int, count: int, tokens: list[str]) -> list[tuple[str, str, list[str]]]:
    """(kind, request id, arguments) for each command this process sends."""
    steps: list[tuple[str, str, list[str]]] = []
    spare = iter(tokens)
    for i in range(count):
        rid = f"p{index}-{i:03d}"
        slot = i % 10
        if slot == 9 and i % 50 == 49:
            trigger = "start_act" if index % 2 == 0 else "reopen_check"
            steps.append(("advance", rid, ["cycle", "advance", CYCLE, trigger, "--reason", rid]))
        elif slot == 9:
            steps.append(steps[i - 1 - (i // 10) % 9])  # a retry: same id, same arguments
        elif slot < 4:
            args = ["finding", "record", CYCLE, "--source", "暗访", "--indicator", "discipline"]
            args += ["--points", "-0.5", "--observed-on", "2024-05-12", "--evidence", rid]
            steps.append(("finding", rid, args))
        elif slot < 7:
            token = next(spare)
            steps.append(("ballot", rid, ["ballot", "cast", CYCLE, "--token", token, *SCORES]))
        else:
            task = str(1 + i % 3)
            args = ["task", "report", CYCLE, task, "--progress", str(i % 100), "--note", rid]
            steps.append(("report", rid, args))
    return steps


def main(index: int, count: int, tokens_file: Path, result_file: Path) -> None:
    tokens = json.loads(tokens_file.read_text(encoding="utf-8"))[index]
    retries = 0
    attempts: list[int] = []
    real_info = saving.log.info

    def counting(event: str, **fields: Any) -> None:  # a spy: did commands really collide?
        nonlocal retries
        retries += event == "retrying_after_conflict"
        if event == "retrying_after_conflict":
            attempts.append(fields["attempt"])
        real_info(event, **fields)

    saving.log.info = counting  # type: ignore[assignment]
    runner = CliRunner()
    results = []
    for kind, rid, args in plan(index, count, tokens):
        done = runner.invoke(cli, [*args, "--request-id", rid])
        if done.exception is not None and not isinstance(done.exception, SystemExit):
            raise done.exception
        results.append(
            {
                "kind": kind,
                "rid": rid,
                "args": args,
                "exit": done.exit_code,
                "stdout": done.stdout,
                "stderr": done.stderr,
            }
        )
    result_file.write_text(
        json.dumps(
            {"results": results, "retries": retries, "attempts": attempts}, ensure_ascii=False
        ),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
