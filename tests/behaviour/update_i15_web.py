"""Update ``answers.json`` for what issue 15's web front end (``pdca serve``, helper V1)
changes on purpose — and only that:

- ``--help``: the new ``serve`` command; its ``--help`` and ``account password --help``
  are new;
- ``account --help`` lists ``password``; ``account add/grant/revoke --help`` offer the
  new ``service`` role (网页服务);
- ``role list``: the table of commands gains ``account password`` and the role
  ``service``.

Anything else that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i15_web``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import Answer, Args, rerecord

WHOLE = {
    ("--help",),
    ("role", "list"),
    ("account", "--help"),
    ("account", "add", "--help"),
    ("account", "grant", "--help"),
    ("account", "revoke", "--help"),
}
NEW = {("serve", "--help"), ("account", "password", "--help")}


def meant(args: Args, before: Answer, now: Answer) -> bool:
    return args in WHOLE


if __name__ == "__main__":
    rerecord(meant, added=lambda args: args in NEW)
