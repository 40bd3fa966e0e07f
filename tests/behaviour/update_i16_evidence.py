"""Update ``answers.json`` for what issue 16's item 1 (attachments) changes on purpose —
and only that:

- ``--help``: the new ``evidence`` group; its commands' ``--help`` are new;
- ``role list``: the table of commands gains ``evidence purge`` (admins);
- the ``--help`` of the commands that take ``--attach`` (``finding record``, ``score
  record``, ``task report``, ``rectify report``, ``veto apply``, ``correct withdraw``,
  ``correct amend``), of ``history`` (its summary names attachments) and of ``verify``
  (it checks attachments, and lists purged ones apart).

The stored demo rows hold no attachment, so every ``history``, ``explain``, ``verify``
and export answers byte for byte as before. Anything else that moved is reported and
nothing is written. Run after a merge: ``python -m tests.behaviour.update_i16_evidence``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import Args, in_, rerecord

CHANGED = {
    ("--help",),
    ("role", "list"),
    ("finding", "record", "--help"),
    ("score", "record", "--help"),
    ("task", "report", "--help"),
    ("rectify", "report", "--help"),
    ("veto", "apply", "--help"),
    ("correct", "withdraw", "--help"),
    ("correct", "amend", "--help"),
    ("history", "--help"),
    ("verify", "--help"),
}


def added(args: Args) -> bool:
    return args[0] == "evidence" and args[-1] == "--help"


if __name__ == "__main__":
    rerecord(in_(CHANGED), added=added)
