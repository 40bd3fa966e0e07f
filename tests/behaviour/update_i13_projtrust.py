"""Update ``answers.json`` for issue 13 item 6 (projection files are trusted code).

On purpose, and only these: the new command ``projections register`` (its ``--help``
added, its line in ``projections --help``, its row in ``role list``, and the group's
summary in ``--help``); the ``projections`` group's help saying
the files are trusted code; ``projections rebuild --help`` saying a rebuild is built
aside; ``view --help`` saying only the built-in views are caught up by a read;
``projections new --help`` gaining ``--request-id`` (it now records the file's
registration, an event). Any other answer that moved stops the script, writing nothing.
Re-run after merges: ``python -m tests.behaviour.update_i13_projtrust``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

ADDED = (["projections", "register", "--help"],)
CHANGED = (
    ["--help"],  # the projections group's line (新建、登记) and view's (内置投影先追上)
    ["view", "--help"],  # a read runs only the built-in projections
    ["role", "list"],  # the role table's new row (and its column one wider)
    ["projections", "--help"],
    ["projections", "rebuild", "--help"],
    ["projections", "new", "--help"],
)


def main() -> None:
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    # The same command can be in the script twice (a repeat refused): compare in order,
    # with the added answers left out.
    kept = [now for now in found if now["args"] not in ADDED]
    if len(kept) != len(recorded) or len(found) - len(kept) != len(ADDED):
        sys.exit("the script's commands changed, nothing written")
    moved = [
        " ".join(now["args"])
        for now, then in zip(kept, recorded, strict=True)
        if now != then and now["args"] not in CHANGED
    ]
    if moved:
        sys.exit(f"answers changed beyond item 6's, nothing written: {moved}")
    ANSWERS.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
