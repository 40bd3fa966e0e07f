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

from tests.behaviour.rerecord import in_, rerecord

CHANGED = {("init", "--help")}


if __name__ == "__main__":
    rerecord(in_(CHANGED))
