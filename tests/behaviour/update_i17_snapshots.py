"""Update ``answers.json`` for what issue 17's snapshots change on purpose — and only that:

- ``--help``: the new ``snapshots`` group (an admin's ``snapshots drop``; listed, so an
  admin finds it where every other command is);
- the ``snapshots`` group's and its command's ``--help`` are new.

Snapshots change no answer: a cycle loads the same facts with or without one (the stored
demo rows are far below the snapshot threshold anyway). Anything else that moved is
reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i17_snapshots``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import Args, in_, rerecord

CHANGED = {("--help",)}


def added(args: Args) -> bool:
    return args[0] == "snapshots" and args[-1] == "--help"


if __name__ == "__main__":
    rerecord(in_(CHANGED), added=added)
