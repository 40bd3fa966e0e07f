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

from tests.behaviour.rerecord import Answer, Args, only_lines_naming, rerecord

#: Commands re-recorded whole when they moved.
WHOLE = {("--help",), ("role", "list")}
#: Commands whose answer may move only on the lines naming a scheme with unit steps.
LISTS = {("scheme", "show"), ("scheme", "list"), ("scheme", "validate"), ("cycle", "status")}
WITH_STEPS = ("jilin", "gansu", "nantong", "soe")
NAMING = (*WITH_STEPS, "吉林", "甘肃", "南通", "述评考用", "scheme_digest")


def added(args: Args) -> bool:
    return args[0] in ("step", "appeal") and args[-1] == "--help"


def meant(args: Args, before: Answer, now: Answer) -> bool:
    """The top help and the roles table whole; ``scheme show`` of a scheme with steps
    whole; elsewhere only the lines naming one."""
    if args in WHOLE:
        return True
    if args[:2] not in LISTS:
        return False
    if args[:2] == ("scheme", "show"):
        same_code = before["exit_code"] == now["exit_code"] and before["stderr"] == now["stderr"]
        return same_code and len(args) > 2 and args[2] in WITH_STEPS
    return only_lines_naming(NAMING, before, now)


if __name__ == "__main__":
    rerecord(meant, added=added)
