"""Update ``answers.json`` for what issue 14's items 4, 6, 10 and 12 (sub-stages that
bind, 整改 from 执行, peer review by rater units, 老毛病 scored) change on purpose — and
only that:

- the help of ``ballot issue`` (``--rater-unit``/``--rater-grid``, one more example) and
  of ``rectify order`` and its group (交办 from 执行 on);
- ``scheme show`` of the schemes whose text changed (南通: format 3, ``records``,
  ``raters``; 述评考用: ``records``, 老毛病 ``rule = "carried"``; 甘肃: ``records``,
  ``approver_outside_team``; 达州: a comment on 整改 from 执行), and ``scheme list``,
  ``scheme validate`` and ``cycle status`` only on the lines naming them (their digests).

The stored demo rows pinned the old texts, so every ``explain``, ranking and export stays
byte for byte. Anything else that moved is reported and nothing is written. Run after a
merge: ``python -m tests.behaviour.update_i14_stages``.
"""

from __future__ import annotations

from tests.behaviour.rerecord import Answer, Args, only_lines_naming, rerecord

#: Commands re-recorded whole when they moved.
HELP = {
    ("ballot", "issue", "--help"),
    ("ballot", "--help"),
    ("rectify", "order", "--help"),
    ("rectify", "--help"),
}
#: Commands whose answer may move only on the lines naming a rewritten scheme.
LISTS = {("scheme", "show"), ("scheme", "list"), ("scheme", "validate"), ("cycle", "status")}


REWRITTEN = ("nantong", "soe", "gansu", "dazhou")
NAMING = (*REWRITTEN, "南通", "述评考用", "甘肃", "达州", "scheme_digest")


def meant(args: Args, before: Answer, now: Answer) -> bool:
    """The helps; ``scheme show`` of a rewritten scheme whole; elsewhere only the lines
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
