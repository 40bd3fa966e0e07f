"""Update ``answers.json`` for the example projection ``task_bulletin`` at version 2
(issue 12 item 3: a completion's day is taken in the database's zone, not UTC). Only
``projections list`` and ``projections list --json`` show it, and in them only its
version moves (1 → 2): the script checks that and writes nothing otherwise.
Run once: ``python -m tests.behaviour.update_i12_bulletin``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

CHANGED = (["projections", "list"], ["projections", "list", "--json"])


def main() -> None:
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    moved = []
    for i, (now, before) in enumerate(zip(found, recorded, strict=True)):
        if now == before:
            continue
        if now["args"] not in CHANGED or not _only_the_version(before["stdout"], now["stdout"]):
            moved.append(" ".join(now["args"]))
        recorded[i] = now
    if moved:
        sys.exit(f"answers changed beyond task_bulletin's version, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(recorded, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _only_the_version(before: str, now: str) -> bool:
    """The table's row or the JSON object of task_bulletin changed only 1 → 2."""
    lines = [(b, n) for b, n in zip(before.splitlines(), now.splitlines(), strict=True) if b != n]
    return (
        all(
            n == b.replace("  1  ", "  2  ").replace('"version": 1', '"version": 2')
            for b, n in lines
        )
        and len(lines) == 1
    )


if __name__ == "__main__":
    main()
