"""Update ``answers.json`` for what issue 15's ballot slips and page (helper V2) change
on purpose — and only that:

- ``--help`` and ``ballot --help`` say the group prints slips; ``ballot --help`` lists
  ``slips`` (``pdca ballot slips``: printable slips with QR codes), whose ``--help`` is
  new;
- ``role list``: the table of commands gains ``ballot slips`` (supervisors, as ``ballot
  issue``);
- ``projections list`` (table and JSON) and ``view nosuch``'s list of tables: the new
  built-in view ``ballot_slips`` (the ballot page finds a token's cycle in it).

Anything else that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i15_ballot``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import Answer, Args, rerecord

WHOLE = {
    ("--help",),
    ("ballot", "--help"),
    ("role", "list"),
    ("projections", "list"),
    ("projections", "list", "--json"),
    ("view", "nosuch"),
}
NEW = {("ballot", "slips", "--help")}


def meant(args: Args, before: Answer, now: Answer) -> bool:
    return args in WHOLE


if __name__ == "__main__":
    rerecord(meant, added=lambda args: args in NEW)
