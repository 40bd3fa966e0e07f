"""Update ``answers.json`` for the displays issue 13's actor model and accounts change on
purpose — and only those entries.

Run by that change (``python -m tests.behaviour.update_i13_identity``; it can run again
after a merge); it refuses to write if any other answer moved. The entries, and why:

- ``--help``: ``--actor`` now means "on behalf of"; the new ``account`` group.
- ``account … --help``: new (accounts, roles, scopes and teams are events).
- ``role --help``, ``role list --help``, ``role list``: roles are held by accounts;
  ``role set``/``role remove`` are gone (their ``--help`` entries are dropped), and the
  table gains the ``act for`` row and the ``account …`` commands.
- ``history --help``: what 声明 and 代录 mean.
- ``history 市财政局/2024``: each actor marked 声明 (the demo's events are older than
  accounts, so declared).
- ``history … --json``: each entry gains ``principal`` (its actor, for these old
  events) and ``assurance`` (``declared``).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

CHANGED = {
    ("--help",),
    ("role", "--help"),
    ("role", "list", "--help"),
    ("role", "list"),
    ("history", "--help"),
    ("history", "市财政局/2024"),
    ("history", "市财政局/2024", "--json"),
    ("history", "市水务集团/2024", "--json"),
}
REMOVED = {("role", "set", "--help"), ("role", "remove", "--help")}


def _new(args: tuple[str, ...]) -> bool:
    return args[0] == "account" and args[-1] == "--help"


def main() -> None:
    from tests.conftest import cli

    recorded = [a for a in json.loads(ANSWERS.read_text(encoding="utf-8"))]
    kept = [a for a in recorded if tuple(a["args"]) not in REMOVED]
    known = {tuple(a["args"]) for a in kept}
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    # Answers are matched in order (the script repeats some commands).
    then = iter(kept)
    updated, moved = [], []
    for now in found:
        args = tuple(now["args"])
        if args not in known:
            if not _new(args):
                moved.append(" ".join(args))
            updated.append(now)
            continue
        before = next(then)
        assert before["args"] == now["args"], (before["args"], now["args"])
        if args in CHANGED:
            updated.append(now)
        else:
            updated.append(before)
            if before != now:
                moved.append(" ".join(args))
    if moved or next(then, None) is not None:
        sys.exit(f"answers changed outside this update, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(updated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"answers updated in {ANSWERS}", file=sys.stderr)


if __name__ == "__main__":
    main()
