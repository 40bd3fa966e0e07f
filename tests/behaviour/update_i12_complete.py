"""Update ``answers.json`` for the displays issue 12's "complete before final" and
"vetoes explained" items change on purpose — and only those entries.

Run once by that change (``python -m tests.behaviour.update_i12_complete``); it refuses
to write if any other answer moved. The entries, and why:

- ``--help``, ``round --help``: the round group gains ``round show``;
  ``round finalize --help``: finalisation refuses an incomplete round;
  ``round show --help``: new.
- ``score --help``, ``score na --help``: ``score na`` takes an item as well as a
  component; ``score record --help``: a missing item may be recorded late, in 处理.
- ``veto --help``, ``veto apply --help``: ``--observed-on``.
- ``projections list`` (and ``--json``): the scores projection's version 3 → 4.
- ``view scores --limit 3``: the scores view's new ``precision`` and ``veto_facts``
  columns (no total while a cycle cannot be scored; each veto's facts).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from tests.behaviour.record import ANSWERS, answers, fresh_workspace

CHANGED = {
    ("--help",),
    ("round", "--help"),
    ("round", "finalize", "--help"),
    ("round", "show", "--help"),
    ("score", "--help"),
    ("score", "na", "--help"),
    ("score", "record", "--help"),
    ("veto", "--help"),
    ("veto", "apply", "--help"),
    ("projections", "list"),
    ("projections", "list", "--json"),
    ("view", "scores", "--limit", "3"),
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
