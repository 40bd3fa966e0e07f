"""Update ``answers.json`` for the display issue 13's database safeguards change on
purpose — and only that entry.

Run once by that change (``python -m tests.behaviour.update_i13_database``); it refuses
to write if any other answer moved. The entry, and why:

- ``init --help``: a paragraph on what init does on PostgreSQL (append-only event
  table, the login stamp, the four group roles, the SQL for a DBA, a non-owner's init),
  the ``--print-sql`` option and its example.

Nothing else: on SQLite ``init``'s answer, ``history`` and ``verify`` are as before (the
stamp's flag appears only on PostgreSQL, and only on a flagged event).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

CHANGED = {("init", "--help")}


def main() -> None:
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    assert [a["args"] for a in found] == [a["args"] for a in recorded]
    updated, moved = [], []
    for now, before in zip(found, recorded, strict=True):
        if tuple(now["args"]) in CHANGED:
            updated.append(now)
            continue
        updated.append(before)
        if before != now:
            moved.append(" ".join(now["args"]))
    if moved:
        sys.exit(f"answers changed outside this update, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(updated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(CHANGED)} answers updated in {ANSWERS}", file=sys.stderr)


if __name__ == "__main__":
    main()
