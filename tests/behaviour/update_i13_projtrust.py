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

from tests.behaviour.rerecord import in_, rerecord

ADDED = {("projections", "register", "--help")}
CHANGED = {
    ("--help",),  # the projections group's line (新建、登记) and view's (内置投影先追上)
    ("view", "--help"),  # a read runs only the built-in projections
    ("role", "list"),  # the role table's new row (and its column one wider)
    ("projections", "--help"),
    ("projections", "rebuild", "--help"),
    ("projections", "new", "--help"),
}


if __name__ == "__main__":
    rerecord(in_(CHANGED), added=lambda args: args in ADDED)
