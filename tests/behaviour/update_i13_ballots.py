"""Update ``answers.json`` for the displays issue 13's item 7 ("ballots that cannot be
traced") changes on purpose — and only those.

Run by that change, and again after merges (``python -m tests.behaviour.update_i13_ballots``).
Every answer now printed is either recorded already, byte for byte; or one of ``CHANGED``
(re-recorded, with the reason); or one of ``ADDED`` (a new command's help). Anything else
that moved is reported and nothing is written.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

#: Re-recorded, and why.
CHANGED = {
    ("--help",): "the ballot group's line names the box and its closing",
    ("ballot", "--help"): "the new close command; cast goes into the box",
    ("ballot", "cast", "--help"): "into the box, counted on close; a 140-bit token in the example",
    ("ballot", "import", "--help"): "one event naming the clerk, ballots shuffled; new token",
    ("ballot", "issue", "--help"): "salted digests, stored sorted",
    ("role", "list"): "the role table has a row for pdca ballot close",
}
#: New answers: the new command's help.
ADDED = {("ballot", "close", "--help")}


def main() -> None:
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    # Walk both in order (the script runs some commands twice): an ADDED answer is
    # inserted where it is now printed; every other one pairs with the recorded one.
    updated, moved, left = [], [], iter(recorded)
    for now in found:
        args = tuple(now["args"])
        if args in ADDED and not any(tuple(a["args"]) == args for a in recorded):
            updated.append(now)
            continue
        before = next(left, None)
        if before is None or tuple(before["args"]) != args:
            sys.exit(f"the answers' commands moved at {' '.join(args)}; nothing written")
        if args in CHANGED:
            updated.append(now)
        elif before == now:
            updated.append(before)
        else:
            moved.append(" ".join(args))
    gone = [" ".join(a["args"]) for a in left]
    if moved or gone:
        sys.exit(f"answers changed beyond this change, nothing written: {moved} {gone}")
    ANSWERS.write_text(json.dumps(updated, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(CHANGED)} answers re-recorded, {len(ADDED)} added, in {ANSWERS}", file=sys.stderr)


if __name__ == "__main__":
    main()
