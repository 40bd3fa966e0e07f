"""Issue 12, item 6 (corrections) changes some ``--help`` texts on purpose: new options
(``rectify extend --today``, ``round finalize --dry-run``) and new commands (``round
list/show``, ``unit edit``, ``cycle void``, ``cycle list --all``). This updates exactly
those entries of answers.json (and ``role list``, whose table lists the new writing
commands), inserting the new ones where ``record.commands`` lists
them, and leaves every other entry as recorded.

Run once after changing those helps: ``python -m tests.behaviour.i12_corrections``.
"""

from __future__ import annotations

import json

from tests.behaviour.record import ANSWERS, commands
from tests.conftest import cli

#: The helps this item changes (each path without its ``--help``).
CHANGED = [
    ["rectify", "extend"],
    ["round"],
    ["round", "finalize"],
    ["round", "list"],
    ["round", "show"],
    ["unit"],
    ["unit", "edit"],
    ["cycle"],
    ["cycle", "list"],
    ["cycle", "void"],
]
#: Script entries this item changes: the role table lists the new writing commands.
CHANGED_SCRIPT = [["role", "list"]]


def main() -> None:
    import tempfile
    from pathlib import Path

    from tests.behaviour import record

    known = {tuple(path) for path in commands(cli, [])}
    changed = [p for p in CHANGED if tuple(p) in known]
    with tempfile.TemporaryDirectory() as tmp:
        wanted = [[*p, "--help"] for p in changed] + CHANGED_SCRIPT
        fresh = {
            tuple(a["args"]): a
            for a in record.answers(cli, record.fresh_workspace(cli, Path(tmp)))
            if a["args"] in wanted
        }
    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    by_args = {tuple(a["args"]): a for a in recorded}
    helps = [[*path, "--help"] for path in [[], *commands(cli, [])]]
    result, done = [], set()
    for entry in recorded:
        args = entry["args"]
        if args[-1] == "--help" and not done:
            # All helps come first: write them in today's order, fresh where changed.
            for h in helps:
                key = tuple(h)
                result.append(fresh.get(key) or by_args[key])
            done.add("helps")
        if args[-1] != "--help":
            result.append(fresh.get(tuple(args), entry))
    ANSWERS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
