"""Update ``answers.json`` for the displays issue 13's actor model and accounts change on
purpose — and only those entries.

Run by that change (``python -m tests.behaviour.update_i13_identity``; it can run again
after a merge); it refuses to write if any other answer moved. The entries, and why:

- ``--help``: ``--actor`` now means "on behalf of"; the new ``account`` group.
- ``account … --help``: new (accounts, roles, scopes and teams are events).
- ``role --help``, ``role list --help``, ``role list``: roles are held by accounts;
  ``role set``/``role remove`` are gone (their ``--help`` entries are dropped), and the
  table gains the ``act for`` row and the ``account …`` commands.
- ``history --help``: what 声明 and 代录 mean.
- ``history 市财政局/2024``: each actor marked 声明 (the demo's events are older than
  accounts, so declared).
- ``history … --json``: each entry gains ``principal`` (its actor, for these old
  events) and ``assurance`` (``declared``).
"""

from __future__ import annotations

from tests.behaviour.rerecord import in_, rerecord

CHANGED = {
    ("--help",),
    ("role", "--help"),
    ("role", "list", "--help"),
    ("role", "list"),
    ("history", "--help"),
    ("history", "市财政局/2024"),
    ("history", "市财政局/2024", "--json"),
    ("history", "市水务集团/2024", "--json"),
}
REMOVED = {("role", "set", "--help"), ("role", "remove", "--help")}


def _new(args: tuple[str, ...]) -> bool:
    return args[0] == "account" and args[-1] == "--help"


if __name__ == "__main__":
    rerecord(in_(CHANGED), added=_new, removed=REMOVED)
