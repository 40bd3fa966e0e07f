"""Update ``answers.json`` for the displays issue 13's item 5 (anchors outside the
database) changes on purpose — and only those entries.

Run after that change and after every merge of main into it
(``python -m tests.behaviour.update_i13_anchors``); it refuses to write if any other
answer moved. The entries, and why:

- ``--help``: the new ``anchor`` group, and ``verify``'s summary names ``--anchors``;
  ``anchor --help``, ``anchor sign --help``, ``anchor keygen --help``: new.
- ``verify --help``: ``--anchors``, ``--keyring`` and ``--code``.
- ``export --help``: the 校验码 it gives; ``round finalize --help``: the anchor it takes.
- ``role list``: the role table's new ``pdca anchor`` row.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

CHANGED = {
    ("--help",),
    ("anchor", "--help"),
    ("anchor", "keygen", "--help"),
    ("anchor", "sign", "--help"),
    ("verify", "--help"),
    ("export", "--help"),
    ("round", "finalize", "--help"),
    ("role", "list"),
}


def main() -> None:
    from tests.conftest import cli

    recorded = json.loads(ANSWERS.read_text(encoding="utf-8"))
    known = {tuple(a["args"]) for a in recorded}
    with tempfile.TemporaryDirectory() as tmp:
        found = answers(cli, fresh_workspace(cli, Path(tmp)))
    # The script repeats some commands (a second ``cycle open`` is refused), so answers
    # are matched in order, not by their arguments.
    then = iter(recorded)
    updated, moved = [], []
    for now in found:
        args = tuple(now["args"])
        if args not in known:  # a new command's --help
            assert args in CHANGED, args
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
    print(f"{len(CHANGED)} answers updated in {ANSWERS}", file=sys.stderr)


if __name__ == "__main__":
    main()
