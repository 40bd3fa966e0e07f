"""Update ``answers.json`` for what issue 14's item 5 (the unit's own steps) changes on
purpose — and only that:

- ``--help``: the new ``step`` and ``appeal`` groups; their commands' ``--help`` are new;
- ``role list``: the table of commands gains ``step record``/``review`` and ``appeal
  lodge``/``decide``;
- ``scheme show`` of the schemes that gained ``[[unit_steps]]`` (吉林, 甘肃, 南通,
  述评考用) whole, and ``scheme list``, ``scheme validate`` and ``cycle status`` only on
  the lines naming them (their digests).

The stored demo rows pinned the old texts, so every ``explain``, ``history``, ranking
and export stays byte for byte. Anything else that moved is reported and nothing is
written. Run after a merge: ``python -m tests.behaviour.update_i14_unitsteps``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import Args, rerecord, schemes_rewritten

#: Commands re-recorded whole when they moved.
WHOLE = {("--help",), ("role", "list")}
WITH_STEPS = ("jilin", "gansu", "nantong", "soe")
NAMING = (*WITH_STEPS, "吉林", "甘肃", "南通", "述评考用", "scheme_digest")


def added(args: Args) -> bool:
    return args[0] in ("step", "appeal") and args[-1] == "--help"


if __name__ == "__main__":
    rerecord(schemes_rewritten(WHOLE, WITH_STEPS, NAMING), added=added)
