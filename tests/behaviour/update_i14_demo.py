"""Update ``answers.json`` for what issue 14 items 11 and 13 (the seeds' teams, a demo of
all five schemes) change on purpose — and only that:

- the help of ``account team`` (``--scheme``, one more example);
- ``scheme show`` of 吉林 and 甘肃 (their text gained ``[[teams]]``, shown as a 督查组
  table), and ``scheme list``, ``scheme validate`` and ``cycle status`` only on the lines
  naming them (their digests).

The behaviour record replays the STORED demo rows (which pinned the old texts), never a
new demo run, so every ``explain``, ranking and export stays byte for byte. Anything else
that moved is reported and nothing is written. Run after a merge:
``python -m tests.behaviour.update_i14_demo``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import Answer, Args, only_lines_naming, rerecord

#: Commands re-recorded whole when they moved.
HELP = {("account", "team", "--help")}
#: Commands whose answer may move only on the lines naming a rewritten scheme.
LISTS = {("scheme", "show"), ("scheme", "list"), ("scheme", "validate"), ("cycle", "status")}
REWRITTEN = ("jilin", "gansu")
NAMING = (*REWRITTEN, "吉林", "甘肃", "scheme_digest")


def meant(args: Args, before: Answer, now: Answer) -> bool:
    """The help; ``scheme show`` of a rewritten scheme whole; elsewhere only the lines
    naming one."""
    if args in HELP:
        return True
    if args[:2] not in LISTS:
        return False
    if args[:2] == ("scheme", "show"):
        same_code = before["exit_code"] == now["exit_code"] and before["stderr"] == now["stderr"]
        return same_code and len(args) > 2 and args[2] in REWRITTEN
    return only_lines_naming(NAMING, before, now)


if __name__ == "__main__":
    rerecord(meant)
